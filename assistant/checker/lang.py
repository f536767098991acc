"""The checker's per-language data: load and validate ``assistant/lang/<xx>/checker_*`` once.

What it does: reads, for every language, ``checker_context.json`` (ConText trigger records in the shape
of medspaCy's ``resources/<lang>/context_rules.json``: ``literal`` or ``pattern``, ``category``,
``direction``, ``max_scope``) and ``checker_concepts.yaml`` (anatomy, imaging modalities, named cue
lists, the concepts a note can state with their patterns and example sentences, and the words of the
text report); validates them with pydantic (unknown keys, bad regular expressions, a concept whose
meaning differs between languages, a concept present in one language only) and raises
:class:`LangDataError` naming the file, the entry and the fix.

Patterns are regular expressions over *folded* text (:func:`assistant.text.fold_offsets`: lower case,
no accents, ``oe`` for ``œ``). Every language's patterns are applied to every note (mixed notes are
common), so a language is added by adding its two files, with no code edit.

What it leaves out: compiling the patterns into matchers (:mod:`.lexicon`, :mod:`.context`).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DATA_DIR = Path(__file__).resolve().parents[1] / "lang"
CATEGORIES = ("NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "FAMILY", "HISTORICAL", "PSEUDO", "TERMINATE",
              "FAMILY_TERMINATE")
DIRECTIONS = ("FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LangDataError(ValueError):
    """A checker data file is invalid; the message names the file, the entry and the fix."""


class _Rec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _regex(p: str) -> str:
    try:
        re.compile(p)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc}): {p!r}") from None
    return p


class ContextRule(_Rec):
    literal: str | None = None
    pattern: str | None = None
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    direction: Literal[DIRECTIONS]  # type: ignore[valid-type]
    max_scope: int | None = Field(None, ge=1, le=60)
    allowed_types: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> "ContextRule":
        if (self.literal is None) == (self.pattern is None):
            raise ValueError("give exactly one of `literal` (a phrase) or `pattern` (a regular expression)")
        if self.pattern is not None:
            _regex(self.pattern)
        return self

    def regex(self) -> str:
        """The rule as a regular expression (a literal matches as a whole phrase)."""
        if self.pattern is not None:
            return self.pattern
        lit = re.escape(self.literal or "")
        return rf"(?<!\w){lit}(?!\w)" if re.match(r"\w", self.literal or "") else lit


class ContextFile(_Rec):
    version: Literal[1]
    lang: str
    rules: tuple[ContextRule, ...]


class Examples(_Rec):
    """Sentences that state the concept (positive), deny it, raise it as a hypothesis, or tell it of a
    relative or of the distant past; the tests are generated from them."""

    positive: tuple[str, ...] = ()
    negated: tuple[str, ...] = ()
    hypothetical: tuple[str, ...] = ()
    family: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    # the field and value to check instead of the concept's own, per kind, when a handler gives the
    # phrase another meaning ({positive: {trauma: true}} for a fracture told as an event)
    expect: dict[str, dict[str, Any]] = {}


class ConceptSpec(_Rec):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    field: str
    yes: Any = True
    no: Any = False
    history: bool = False
    episode: bool = False
    modality: str | None = None
    patterns: tuple[str, ...] = ()
    examples: Examples = Examples()

    _check = field_validator("patterns")(classmethod(lambda cls, v: tuple(_regex(p) for p in v)))

    def meaning(self) -> tuple:
        return (self.field, self.yes, self.no, self.history, self.episode, self.modality)


class SiteSpec(_Rec):
    joint: str
    patterns: tuple[str, ...]

    _check = field_validator("patterns")(classmethod(lambda cls, v: tuple(_regex(p) for p in v)))


class Labels(_Rec):
    report: dict[str, str]
    disclaimer: str
    verdicts: dict[str, str]
    kinds: dict[str, str]
    months: tuple[str, ...] = Field(min_length=12, max_length=12)
    fields: dict[str, str]
    values: dict[str, str]


class ConceptsFile(_Rec):
    version: Literal[1]
    lang: str
    joints: dict[str, tuple[str, ...]]
    sites: dict[str, SiteSpec]
    sides: dict[str, tuple[str, ...]]
    modalities: dict[str, tuple[str, ...]]
    cues: dict[str, tuple[str, ...]]
    concepts: tuple[ConceptSpec, ...]
    labels: Labels
    aliases: dict[str, dict[str, str]] = {}  # sex / side / joint written in words -> the schema's id
    numbers: dict[str, float] = {}  # number words (folded) -> value ("trois" 3, "a few" 2)
    months: dict[str, int] = {}  # month names and abbreviations (folded) -> 1..12
    months_alone: dict[str, bool] = {}  # month words that name a month even with no year ("en août")
    time_units: dict[str, float] = {}  # time unit words -> months ("semaines" 0.25)
    quantities: dict[str, tuple[str, ...]] = {}  # kind of number -> patterns capturing value (and unit)
    ordinals: dict[str, int] = {}  # "troisième" 3, for trimesters

    @model_validator(mode="after")
    def _patterns(self) -> "ConceptsFile":
        for group in (self.joints, self.sides, self.modalities, self.cues, self.quantities):
            for name, pats in group.items():
                for p in pats:
                    try:
                        _regex(p)
                    except ValueError as exc:
                        raise ValueError(f"{name}: {exc}") from None
        return self


def languages() -> tuple[str, ...]:
    """Languages with checker data, French and English first."""
    found = sorted(p.parent.name for p in DATA_DIR.glob("*/checker_concepts.yaml"))
    return tuple(sorted(found, key=lambda l: (("fr", "en").index(l) if l in ("fr", "en") else 2, l)))


def _read(path: Path, model: type[BaseModel]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_Loader)
    except OSError:
        raise LangDataError(f"{path}: missing. Restore it from git (git checkout -- {path}).") from None
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise LangDataError(f"{path}: not valid {path.suffix[1:].upper()} ({exc}). Fix the syntax at the line shown.") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for e in exc.errors(include_url=False)[:8]:
            loc = list(e["loc"])
            where = ".".join(str(x) for x in loc)
            if len(loc) >= 2 and loc[0] in ("concepts", "rules") and isinstance(loc[1], int):
                entry = (raw.get(loc[0]) or [])[loc[1]]
                where = f"{loc[0]} id={entry.get('id') or entry.get('literal') or entry.get('pattern')!r} > " + \
                        ".".join(map(str, loc[2:]))
            lines.append(f"  {where}: {e['msg']}")
        raise LangDataError(f"{path}: invalid entries:\n" + "\n".join(lines)) from None


@lru_cache(maxsize=8)
def context_rules(lang: str) -> ContextFile:
    return _read(DATA_DIR / lang / "checker_context.json", ContextFile)


@lru_cache(maxsize=8)
def concepts(lang: str) -> ConceptsFile:
    return _read(DATA_DIR / lang / "checker_concepts.yaml", ConceptsFile)


def labels(lang: str) -> Labels:
    """The report's words in ``lang`` (English when the language has no data)."""
    return concepts(lang if lang in languages() else "en").labels


@lru_cache(maxsize=1)
def all_concepts() -> tuple[ConceptSpec, ...]:
    """Every concept once, with its patterns in all languages; its meaning must agree across them."""
    langs = languages()
    if not langs:
        raise LangDataError(f"{DATA_DIR}: no checker_concepts.yaml for any language; restore assistant/lang/ from git.")
    by_id: dict[str, ConceptSpec] = {}
    order: list[str] = []
    for lang in langs:
        for c in concepts(lang).concepts:
            if c.id not in by_id:
                by_id[c.id] = c
                order.append(c.id)
                continue
            first = by_id[c.id]
            if first.meaning() != c.meaning():
                raise LangDataError(f"{DATA_DIR / lang / 'checker_concepts.yaml'}: concept {c.id!r} means "
                                    f"{c.meaning()} here but {first.meaning()} in {langs[0]}; a concept sets the "
                                    "same field and values in every language.")
            by_id[c.id] = first.model_copy(update={"patterns": first.patterns + c.patterns})
    for lang in langs:
        missing = set(order) - {c.id for c in concepts(lang).concepts}
        if missing:
            raise LangDataError(f"{DATA_DIR / lang / 'checker_concepts.yaml'}: concepts {sorted(missing)} are missing; "
                                "give each concept an entry in every language (patterns may be empty).")
    return tuple(by_id[i] for i in order)


def merged(section: str) -> dict[str, tuple[str, ...]]:
    """``joints``, ``sides``, ``modalities`` or ``cues`` of all languages: name -> patterns."""
    out: dict[str, tuple[str, ...]] = {}
    for lang in languages():
        for name, pats in getattr(concepts(lang), section).items():
            out[name] = out.get(name, ()) + tuple(pats)
    return out


def merged_sites() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Site id -> (its joint, patterns of all languages); the joint must agree across languages."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for lang in languages():
        for name, spec in concepts(lang).sites.items():
            if name in out and out[name][0] != spec.joint:
                raise LangDataError(f"{DATA_DIR / lang / 'checker_concepts.yaml'}: site {name!r} belongs to "
                                    f"{spec.joint!r} here and to {out[name][0]!r} elsewhere.")
            out[name] = (spec.joint, out.get(name, (spec.joint, ()))[1] + spec.patterns)
    return out


def merged_table(section: str) -> dict[str, Any]:
    """``numbers``, ``months``, ``months_alone``, ``time_units`` or ``ordinals`` of all languages, merged."""
    out: dict[str, Any] = {}
    for code in languages():
        out.update(getattr(concepts(code), section))
    return out


def all_context_rules() -> tuple[ContextRule, ...]:
    return tuple(r for lang in languages() for r in context_rules(lang).rules)
