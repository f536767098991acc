"""The curated bilingual knowledge base: load it from ``knowledge/`` and validate it.

What it does: reads ``paragraphs.yaml`` (the seed restored to reading order, French
and English aligned one to one), ``facts.yaml`` (structured facts and the patient's
timeline) and ``glossary.yaml`` (FR/EN terms and synonyms), checks every entry with
pydantic (unknown keys, missing translations, duplicate ids, facts citing paragraphs
that do not exist) and returns one immutable :class:`KnowledgeBase`.

What it leaves out: the diagnostic criteria (``criteria.yaml``) are read by the
checker, which validates their paragraph references through :meth:`KnowledgeBase.has`;
chunking and indexing live in :mod:`assistant.chunks` and :mod:`assistant.index`.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

SECTIONS = (
    "title", "front", "summary", "resume", "introduction", "case", "figures", "discussion", "conclusion",
)
TOPICS = (
    "risk_factors", "epidemiology", "sites", "imaging", "labs", "treatment", "course", "migration",
    "differential", "pathophysiology", "histology", "history", "case", "definition", "diagnosis", "prognosis",
    "names",  # the keyword lists: the other names the disease goes by
)
FACT_CATEGORIES = (
    "definition", "risk_factor", "population", "site", "sign", "course", "migration", "treatment",
    "patient_treatment", "differential", "pathophysiology", "histology", "history", "diagnosis",
)
MODALITIES = ("clinical", "mri", "bone_scan", "dxa", "radiograph_ct", "labs", "joint_fluid", "biopsy")

SECTION_LABELS: dict[str, dict[str, str]] = {
    "title": {"fr": "Titre", "en": "Title"},
    "front": {"fr": "Auteurs", "en": "Authors"},
    "summary": {"fr": "Résumé anglais", "en": "Summary"},
    "resume": {"fr": "Résumé", "en": "French abstract"},
    "introduction": {"fr": "Introduction", "en": "Introduction"},
    "case": {"fr": "Histoire clinique", "en": "Clinical history"},
    "figures": {"fr": "Figures", "en": "Figures"},
    "discussion": {"fr": "Discussion", "en": "Discussion"},
    "conclusion": {"fr": "Conclusion", "en": "Conclusion"},
}

# What each fact category is about, in words a question uses; prefixed to fact views so that
# 'how long does it last?' meets 'resolves in 6 to 12 months' through 'course, duration'.
CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "definition": {"fr": "Définition", "en": "Definition"},
    "risk_factor": {"fr": "Facteur de risque, cause favorisante", "en": "Risk factor, predisposing cause"},
    "population": {"fr": "Qui est touché, fréquence", "en": "Who is affected, frequency"},
    "site": {"fr": "Localisation, articulations touchées", "en": "Site, joints affected"},
    "sign": {"fr": "Signe, examen, résultat", "en": "Sign, examination, finding"},
    "course": {"fr": "Évolution, durée, pronostic, guérison",
               "en": "Course, duration, prognosis, recovery, healing"},
    "migration": {"fr": "Migration, récidive, autre articulation", "en": "Migration, recurrence, another joint"},
    "treatment": {"fr": "Traitement", "en": "Treatment"},
    "patient_treatment": {"fr": "Traitement reçu par le patient", "en": "Treatment the patient received"},
    "differential": {"fr": "Diagnostic différentiel", "en": "Differential diagnosis"},
    "pathophysiology": {"fr": "Physiopathologie, cause, mécanisme", "en": "Pathophysiology, cause, mechanism"},
    "histology": {"fr": "Histologie", "en": "Histology"},
    "history": {"fr": "Histoire, première description", "en": "History, first description"},
    "diagnosis": {"fr": "Diagnostic", "en": "Diagnosis"},
}
MODALITY_LABELS: dict[str, dict[str, str]] = {
    "clinical": {"fr": "Clinique", "en": "Clinical"},
    "mri": {"fr": "IRM", "en": "MRI"},
    "bone_scan": {"fr": "Scintigraphie osseuse", "en": "Bone scan"},
    "dxa": {"fr": "Ostéodensitométrie (DXA)", "en": "Bone densitometry (DXA)"},
    "radiograph_ct": {"fr": "Radiographie / scanner", "en": "Radiograph / CT"},
    "labs": {"fr": "Biologie", "en": "Laboratory tests"},
    "joint_fluid": {"fr": "Liquide articulaire", "en": "Joint fluid"},
    "biopsy": {"fr": "Biopsie", "en": "Biopsy"},
}

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "knowledge"


def knowledge_dir() -> Path:
    """The knowledge folder: ``$TMO_KNOWLEDGE_DIR`` if set, else the repo's ``knowledge/``."""
    return Path(os.environ.get("TMO_KNOWLEDGE_DIR", DEFAULT_DIR))


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class KnowledgeError(ValueError):
    """The knowledge files are invalid; the message names the file, the entry and the fix."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


Record = _Record  # public name for other data files' models (the checker's criteria)


class Bilingual(_Record):
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


class Paragraph(_Record):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    section: Literal[SECTIONS]  # type: ignore[valid-type]
    topics: tuple[Literal[TOPICS], ...] = ()  # type: ignore[valid-type]
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


class Fact(_Record):
    """One statement of the source, in both languages, with the paragraphs it rests on."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    category: Literal[FACT_CATEGORIES]  # type: ignore[valid-type]
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    modality: Literal[MODALITIES] | None = None  # type: ignore[valid-type]
    # Treatments: the international name, and dose/route/duration as written in each language.
    drug: str | None = None
    dose: Bilingual | None = None
    route: Bilingual | None = None
    duration: Bilingual | None = None

    def text(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


class TimelineEvent(_Record):
    """One dated step of the patient's course (dates ISO; approximate ones say so)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    date: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    approximate: bool = False
    episode: int = Field(ge=1)
    knee: Literal["right", "left"]
    sites: tuple[str, ...] = ()
    modality: Literal[MODALITIES] | None = None  # type: ignore[valid-type]
    finding: Bilingual | None = None
    treatment: Bilingual | None = None
    outcome: Bilingual | None = None
    sources: tuple[str, ...] = Field(min_length=1)


class GlossaryEntry(_Record):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    fr: tuple[str, ...] = Field(min_length=1)
    en: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = ()

    @field_validator("fr", "en")
    @classmethod
    def _no_blank_terms(cls, terms: tuple[str, ...]) -> tuple[str, ...]:
        if any(not t.strip() for t in terms):
            raise ValueError("a term is blank")
        return terms


class FactsFile(_Record):
    facts: tuple[Fact, ...]
    timeline: tuple[TimelineEvent, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    paragraphs: tuple[Paragraph, ...]
    facts: tuple[Fact, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()
    root: Path | None = None
    digest: str = ""
    _by_id: dict[str, Paragraph] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({p.id: p for p in self.paragraphs})

    def has(self, paragraph_id: str) -> bool:
        return paragraph_id in self._by_id

    def paragraph(self, paragraph_id: str) -> Paragraph:
        try:
            return self._by_id[paragraph_id]
        except KeyError:
            raise KeyError(f"no paragraph {paragraph_id!r}; known ids: {', '.join(self._by_id)}") from None

    def facts_in(self, *categories: str) -> list[Fact]:
        return [f for f in self.facts if f.category in categories]

    @cached_property
    def order(self) -> dict[str, int]:
        """Reading-order position of each paragraph id."""
        return {p.id: i for i, p in enumerate(self.paragraphs)}


def _read_yaml(path: Path) -> object:
    if not path.is_file():
        raise KnowledgeError(f"{path}: missing. Restore it from git (git checkout -- {path.name}).")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{path}: cannot be read as UTF-8 text ({exc}). Restore it from git "
                             f"(git checkout -- {path.name}) or save it as UTF-8.") from None
    try:
        return yaml.load(text, Loader=_LOADER)  # the safe loader, in C when built
    except yaml.YAMLError as exc:
        raise KnowledgeError(
            f"{path}: not valid YAML{_entry_near(text, exc)} ({exc}). Fix the syntax at the line shown."
        ) from exc


def _entry_near(text: str, exc: yaml.YAMLError) -> str:
    """Name the entry whose `id:` line comes last before the syntax error, so the message says where to look."""
    marks = [m for m in (getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)) if m is not None]
    if not marks:
        return ""
    for line in reversed(text.splitlines()[: min(m.line for m in marks) + 1]):
        found = re.match(r"""\s*(?:-\s+)?id:\s*["']?([^"'\s#:]+)""", line)
        if found:
            return f" near entry id={found.group(1)!r}"
    return ""


def _entry_name(data: object, loc: tuple) -> str:
    """Name the offending entry by its id when it has one, else by its position."""
    node = data
    names = []
    for part in loc:
        try:
            node = node[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            names.append(str(part))
            break
        if isinstance(node, dict) and "id" in node:
            names.append(f"id={node['id']!r}")
        else:
            names.append(str(part))
    return " > ".join(names)


def _validation_error(path: Path, data: object, exc: ValidationError, prefix: tuple = ()) -> KnowledgeError:
    lines = []
    for err in exc.errors()[:10]:
        loc = prefix + tuple(err["loc"])
        hint = {
            "extra_forbidden": "remove the key or fix its spelling",
            "missing": "add the key (both `fr` and `en` are required)",
            "literal_error": "use one of the allowed values",
            "string_too_short": "fill in the text",
        }.get(err["type"], "correct the value")
        lines.append(f"  entry {_entry_name(data, loc)}: {err['msg']} -> {hint}")
    return KnowledgeError(f"{path}: invalid entries:\n" + "\n".join(lines))


def _check_unique(path: Path, ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise KnowledgeError(f"{path}: duplicate {what} id {i!r}. Give each entry its own id.")
        seen.add(i)


def _check_sources(path: Path, entry_id: str, sources: tuple[str, ...], known: set[str]) -> None:
    for s in sources:
        if s not in known:
            raise KnowledgeError(
                f"{path}: entry id={entry_id!r} cites paragraph {s!r}, which does not exist. "
                f"Use an id from paragraphs.yaml."
            )


def content_digest(root: Path, names: tuple[str, ...] = ("paragraphs.yaml", "facts.yaml", "glossary.yaml")) -> str:
    h = hashlib.sha256()
    for name in names:
        p = root / name
        if p.is_file():
            h.update(name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def load_knowledge(root: Path | str | None = None) -> KnowledgeBase:
    """Load and validate the knowledge folder; raise :class:`KnowledgeError` on any problem."""
    root = Path(root) if root is not None else knowledge_dir()
    p_path = root / "paragraphs.yaml"
    raw = _read_yaml(p_path)
    if not isinstance(raw, list):
        raise KnowledgeError(f"{p_path}: expected a list of paragraphs at the top level.")
    try:
        paragraphs = tuple(Paragraph.model_validate(x) for x in raw)
    except ValidationError as exc:
        idx = next((i for i, x in enumerate(raw) if _fails(Paragraph, x)), 0)
        raise _validation_error(p_path, raw, exc, (idx,)) from None
    _check_unique(p_path, [p.id for p in paragraphs], "paragraph")
    known = {p.id for p in paragraphs}

    facts: tuple[Fact, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    f_path = root / "facts.yaml"
    if f_path.is_file():
        raw_f = _read_yaml(f_path)
        try:
            ff = FactsFile.model_validate(raw_f)
        except ValidationError as exc:
            raise _validation_error(f_path, raw_f, exc) from None
        facts, timeline = ff.facts, ff.timeline
        _check_unique(f_path, [f.id for f in facts] + [t.id for t in timeline], "fact/timeline")
        for f in facts:
            _check_sources(f_path, f.id, f.sources, known)
        for t in timeline:
            _check_sources(f_path, t.id, t.sources, known)

    glossary: tuple[GlossaryEntry, ...] = ()
    g_path = root / "glossary.yaml"
    if g_path.is_file():
        raw_g = _read_yaml(g_path)
        if not isinstance(raw_g, list):
            raise KnowledgeError(f"{g_path}: expected a list of glossary entries at the top level.")
        try:
            glossary = tuple(GlossaryEntry.model_validate(x) for x in raw_g)
        except ValidationError as exc:
            idx = next((i for i, x in enumerate(raw_g) if _fails(GlossaryEntry, x)), 0)
            raise _validation_error(g_path, raw_g, exc, (idx,)) from None
        _check_unique(g_path, [g.id for g in glossary], "glossary")
        for g in glossary:
            _check_sources(g_path, g.id, g.sources, known)

    return KnowledgeBase(paragraphs, facts, timeline, glossary, root=root, digest=content_digest(root))


def _fails(model: type[BaseModel], data: object) -> bool:
    try:
        model.model_validate(data)
        return False
    except ValidationError:
        return True
