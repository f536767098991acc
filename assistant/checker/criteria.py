"""Criteria as data: load ``knowledge/criteria.yaml``, validate it, evaluate its rules.

What it does: reads the criteria, red flags, differentials and verdict ladder; checks every
entry with pydantic (unknown keys, duplicate ids, rules naming case fields that do not exist,
sources that are neither a seed paragraph id of ``paragraphs.yaml`` nor a listed literature
reference); compiles each ``when`` rule into a small tree evaluated three-valued
(met / not_met / unknown) over a :class:`~assistant.checker.case.Case`, with the field paths and
values that decided it as evidence.

What it leaves out: the rule language itself (:mod:`.rules`) and combining criteria into a verdict
(:mod:`assistant.checker.engine`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError

from ..knowledge import Bilingual, Record
from .rules import CriteriaError, Hit, Result, Rule, Status, compile_rule  # noqa: F401 - re-exported

KINDS = ("entry", "supportive", "confirmatory", "red_flag", "context")
VERDICTS = ("confirmed", "probable", "possible", "unlikely", "insufficient")
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "criteria.yaml"


# The knowledge base's record base and FR/EN text model, shared rather than written again.
_Rec = Record
Text = Bilingual


class Criterion(_Rec):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal[KINDS]  # type: ignore[valid-type]
    weight: float = Field(ge=0, le=10)
    label: Text
    when: dict
    sources: tuple[str, ...] = Field(min_length=1)
    # ids of the file's `differentials` (checked on load): a new differential is a YAML entry, no code edit
    differentials: tuple[str, ...] = ()
    ask: Text | None = None
    note: Text | None = None


class Differential(_Rec):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text
    urgent: bool = False
    sources: tuple[str, ...] = Field(min_length=1)
    note: Text | None = None


class MinWeight(_Rec):
    kinds: tuple[Literal[KINDS], ...]  # type: ignore[valid-type]
    at_least: float = Field(ge=0)


class Rung(_Rec):
    verdict: Literal["confirmed", "probable", "possible"]
    all_met: tuple[str, ...] = ()
    none_not_met: tuple[str, ...] = ()
    min_weight: MinWeight | None = None


class VerdictRules(_Rec):
    red_flag_threshold: float = Field(gt=0)
    unlikely_when_not_met: tuple[str, ...] = ()
    ladder: tuple[Rung, ...] = Field(min_length=1)


class CriteriaFile(_Rec):
    version: Literal[1]
    references: tuple[str, ...] = ()
    verdict: VerdictRules
    differentials: tuple[Differential, ...]
    criteria: tuple[Criterion, ...] = Field(min_length=1)


# ------------------------------------------------------------------ loading

@dataclass(frozen=True)
class CriteriaSet:
    criteria: tuple[Criterion, ...]
    rules: dict[str, Rule]
    differentials: dict[str, Differential]
    verdict: VerdictRules
    references: tuple[str, ...]
    path: Path | None = None

    def get(self, cid: str) -> Criterion:
        return next(c for c in self.criteria if c.id == cid)


def criteria_path() -> Path:
    return Path(os.environ.get("TMO_CRITERIA", DEFAULT_PATH))


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=4)
def _paragraph_ids(root: str) -> frozenset[str]:
    path = Path(root) / "paragraphs.yaml"
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raise CriteriaError(f"{path}: cannot read the paragraph ids the criteria cite ({exc})") from None
    return frozenset(str(p.get("id")) for p in raw or [] if isinstance(p, dict))


def _known_paragraphs() -> set[str]:
    """Ids of ``paragraphs.yaml`` (the file :func:`assistant.knowledge.load_knowledge` validates).

    Read directly (C YAML loader) to keep the checker's start fast; the test suite checks the same
    sources with ``load_knowledge().has(id)``.
    """
    root = os.environ.get("TMO_KNOWLEDGE_DIR") or str(DEFAULT_PATH.parent)
    return set(_paragraph_ids(root))


def load_criteria(path: Path | str | None = None) -> CriteriaSet:
    """Load and validate a criteria file; raise :class:`CriteriaError` on any problem."""
    p = Path(path) if path is not None else criteria_path()
    try:
        st = p.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0)
    return _load(str(p), stamp)


@lru_cache(maxsize=8)
def _load(path_s: str, stamp: tuple = ()) -> CriteriaSet:  # stamp: reload when the file changes
    path = Path(path_s)
    if not path.is_file():
        raise CriteriaError(f"{path}: missing. Restore it from git (git checkout -- knowledge/criteria.yaml).")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise CriteriaError(f"{path}: not valid YAML ({exc}). Fix the syntax at the line shown.") from None
    try:
        data = CriteriaFile.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for e in exc.errors(include_url=False)[:8]:
            loc = list(e["loc"])
            name = ".".join(str(x) for x in loc)
            if len(loc) >= 2 and loc[0] == "criteria" and isinstance(loc[1], int):
                try:
                    name = f"criteria id={raw['criteria'][loc[1]].get('id')!r} > " + ".".join(map(str, loc[2:]))
                except Exception:  # noqa: BLE001 - best effort naming
                    pass
            lines.append(f"  {name}: {e['msg']}")
        raise CriteriaError(f"{path}: invalid entries:\n" + "\n".join(lines)) from None

    ids = [c.id for c in data.criteria]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise CriteriaError(f"{path}: duplicate criterion id(s) {sorted(dup)}; give each its own id.")
    dids = [d.id for d in data.differentials]
    if len(set(dids)) != len(dids):
        raise CriteriaError(f"{path}: duplicate differential id(s) {sorted({d for d in dids if dids.count(d) > 1})}.")
    paragraphs = _known_paragraphs()
    refs = set(data.references)
    for item in list(data.criteria) + list(data.differentials):
        for s in item.sources:
            if s not in paragraphs and s not in refs:
                raise CriteriaError(f"{path}: entry id={item.id!r} cites {s!r}, which is neither a paragraph id "
                                    "of knowledge/paragraphs.yaml nor a string listed under `references`.")
    diffs = {d.id: d for d in data.differentials}
    rules = {}
    for c in data.criteria:
        rules[c.id] = compile_rule(c.when, f"criteria id={c.id!r} > when")
        if c.kind == "red_flag":
            if not c.differentials:
                raise CriteriaError(f"{path}: red flag {c.id!r} names no differential; add `differentials: [...]`.")
            missing = [d for d in c.differentials if d not in diffs]
            if missing:
                raise CriteriaError(f"{path}: red flag {c.id!r} points to {missing}, not listed under `differentials`.")
        elif c.differentials:
            raise CriteriaError(f"{path}: {c.id!r} is not a red flag but names differentials; "
                                "set kind: red_flag or remove `differentials`.")
    known = set(ids)
    refs_in_verdict = list(data.verdict.unlikely_when_not_met)
    for rung in data.verdict.ladder:
        refs_in_verdict += list(rung.all_met) + list(rung.none_not_met)
    for r in refs_in_verdict:
        if r not in known:
            raise CriteriaError(f"{path}: the verdict rules name {r!r}, which is not a criterion id.")
    return CriteriaSet(data.criteria, rules, diffs, data.verdict, data.references, path)
