"""Criteria as data: load ``knowledge/criteria.yaml``, validate it, evaluate its rules.

What it does: reads the criteria, red flags, differentials and verdict ladder; checks every
entry with pydantic (unknown keys, duplicate ids, rules naming case fields that do not exist,
sources that are neither a seed paragraph id of ``paragraphs.yaml`` nor a listed literature
reference); compiles each ``when`` rule into a small tree evaluated three-valued
(met / not_met / unknown) over a :class:`~assistant.checker.case.Case`, with the field paths and
values that decided it as evidence.

What it leaves out: combining criteria into a verdict (:mod:`assistant.checker.engine`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from .case import Case, Episode
from ..knowledge import Bilingual, Record

Status = Literal["met", "not_met", "unknown"]
KINDS = ("entry", "supportive", "confirmatory", "red_flag", "context")
VERDICTS = ("confirmed", "probable", "possible", "unlikely", "insufficient")
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "criteria.yaml"
DERIVED_FIELDS = ("migratory",)


class CriteriaError(ValueError):
    """The criteria file is invalid; the message names the entry and the fix."""


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


# ------------------------------------------------------------------ rules

_OPS = ("eq", "in", "gt", "gte", "lt", "lte", "contains", "contains_any")


@dataclass(frozen=True)
class Hit:
    """One field value that took part in a decision: where, what, and whether it satisfied the test."""

    path: str
    value: Any
    ok: bool


@dataclass
class Result:
    status: Status
    hits: list[Hit] = field(default_factory=list)


def _collect(obj: Any, parts: list[str], prefix: str) -> list[tuple[str, Any]]:
    """Values at a dotted path; lists along the way are walked element by element."""
    if not parts:
        return [] if obj is None else [(prefix, obj)]
    if obj is None:
        return []
    head, rest = parts[0], parts[1:]
    if isinstance(obj, dict):
        val = obj.get(head)
    else:
        val = getattr(obj, head, None)
    path = f"{prefix}.{head}" if prefix else head
    if isinstance(val, list) and rest:
        out = []
        for i, item in enumerate(val):
            out += _collect(item, rest, f"{path}[{i}]")
        return out
    return _collect(val, rest, path)


class Rule:
    def eval(self, obj: Any, derived: dict) -> Result:  # pragma: no cover - interface
        raise NotImplementedError

    def fields(self) -> list[str]:
        return []


@dataclass
class Leaf(Rule):
    """One test on one field. A list with an ``absent`` sibling (MRI and radiograph findings) is
    open: a value in neither list was never mentioned, so ``contains`` is unknown, not unmet;
    it is unmet only when every value tested is reported absent."""

    path: str
    op: str
    value: Any
    absent: str | None = None  # path of the sibling list of values reported absent

    def _test(self, v: Any) -> bool:
        op, ref = self.op, self.value
        try:
            if op == "eq":
                return v == ref
            if op == "in":
                return v in ref
            if op == "contains":
                return isinstance(v, (list, tuple)) and ref in v
            if op == "contains_any":
                return isinstance(v, (list, tuple)) and any(r in v for r in ref)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                return False
            return {"gt": v > ref, "gte": v >= ref, "lt": v < ref, "lte": v <= ref}[op]
        except TypeError:
            return False

    def eval(self, obj: Any, derived: dict) -> Result:
        parts = self.path.split(".")
        if parts[0] == "derived":
            vals = [(self.path, derived.get(parts[1]))] if derived.get(parts[1]) is not None else []
        else:
            vals = _collect(obj, parts, "")
        hits = [Hit(p, v, self._test(v)) for p, v in vals]
        if any(h.ok for h in hits):
            return Result("met", [h for h in hits if h.ok])
        if self.absent is not None:
            said = [(p, v) for p, v in _collect(obj, self.absent.split("."), "") if isinstance(v, (list, tuple))]
            wanted = [self.value] if self.op == "contains" else list(self.value)
            gone = {x for _, v in said for x in v}
            if said and all(w in gone for w in wanted):
                return Result("not_met", [Hit(p, v, False) for p, v in said])
            return Result("unknown", [])
        if hits:
            return Result("not_met", hits)
        return Result("unknown", [])

    def fields(self) -> list[str]:
        return [self.path]


@dataclass
class _Compound(Rule):
    """A rule over sub-rules; its fields are theirs."""

    rules: list[Rule]

    def fields(self) -> list[str]:
        return [f for r in self.rules for f in r.fields()]


@dataclass
class AnyOf(_Compound):

    def eval(self, obj: Any, derived: dict) -> Result:
        res = [r.eval(obj, derived) for r in self.rules]
        met = [r for r in res if r.status == "met"]
        if met:
            return Result("met", [h for r in met for h in r.hits])
        if all(r.status == "not_met" for r in res):
            return Result("not_met", [h for r in res for h in r.hits])
        return Result("unknown", [h for r in res for h in r.hits])


@dataclass
class AnyKnown(_Compound):
    """Alternatives describing one fact (``fever`` or ``temperature_c``): not met as soon as one of them
    is known and none is met; unknown only when all are unknown."""

    def eval(self, obj: Any, derived: dict) -> Result:
        res = [r.eval(obj, derived) for r in self.rules]
        met = [r for r in res if r.status == "met"]
        if met:
            return Result("met", [h for r in met for h in r.hits])
        known = [r for r in res if r.status == "not_met"]
        if known:
            return Result("not_met", [h for r in known for h in r.hits])
        return Result("unknown", [h for r in res for h in r.hits])


@dataclass
class AllOf(_Compound):

    def eval(self, obj: Any, derived: dict) -> Result:
        res = [r.eval(obj, derived) for r in self.rules]
        bad = [r for r in res if r.status == "not_met"]
        if bad:
            return Result("not_met", [h for r in bad for h in r.hits])
        if all(r.status == "met" for r in res):
            return Result("met", [h for r in res for h in r.hits])
        return Result("unknown", [h for r in res for h in r.hits])


@dataclass
class Not(Rule):
    rule: Rule

    def eval(self, obj: Any, derived: dict) -> Result:
        r = self.rule.eval(obj, derived)
        flip = {"met": "not_met", "not_met": "met", "unknown": "unknown"}[r.status]
        return Result(flip, [Hit(h.path, h.value, not h.ok) for h in r.hits])  # type: ignore[arg-type]

    def fields(self) -> list[str]:
        return self.rule.fields()


@dataclass
class Unless(Rule):
    """Met unless the rule is met: 'no sequelae recorded' holds when sequelae are unknown."""

    rule: Rule

    def eval(self, obj: Any, derived: dict) -> Result:
        r = self.rule.eval(obj, derived)
        if r.status == "met":
            return Result("not_met", r.hits)
        return Result("met", [Hit(h.path, h.value, True) for h in r.hits])

    def fields(self) -> list[str]:
        return self.rule.fields()


@dataclass
class InEpisode(Rule):
    """Met when one episode meets the rule (paths relative to the episode)."""

    rule: Rule

    def eval(self, obj: Any, derived: dict) -> Result:
        episodes = getattr(obj, "episodes", None) or []
        res = []
        for i, ep in enumerate(episodes):
            r = self.rule.eval(ep, derived)
            res.append(Result(r.status, [Hit(f"episodes[{i}].{h.path}", h.value, h.ok) for h in r.hits]))
        met = [r for r in res if r.status == "met"]
        if met:
            return Result("met", met[0].hits)
        if res and all(r.status == "not_met" for r in res):
            return Result("not_met", [h for r in res for h in r.hits])
        return Result("unknown", [h for r in res for h in r.hits if r.status != "not_met"])

    def fields(self) -> list[str]:
        return ["episodes." + f for f in self.rule.fields()]


def _field_exists(path: str, model: type[BaseModel]) -> bool:
    parts = path.split(".")
    if parts[0] == "derived":
        return len(parts) == 2 and parts[1] in DERIVED_FIELDS
    cur: Any = model
    for p in parts:
        fields = getattr(cur, "model_fields", None)
        if not fields or p not in fields:
            return False
        ann = fields[p].annotation
        nxt = None
        stack = [ann]
        while stack:
            a = stack.pop()
            if isinstance(a, type) and issubclass(a, BaseModel):
                nxt = a
                break
            stack.extend(getattr(a, "__args__", ()))
        cur = nxt
    return True


def _absent_sibling(path: str, model: type[BaseModel]) -> str | None:
    """``x.findings`` -> ``x.absent`` when the model holding ``findings`` has an ``absent`` list."""
    head, _, last = path.rpartition(".")
    sibling = f"{head}.absent" if head else "absent"
    return sibling if last != "absent" and _field_exists(sibling, model) else None


def compile_rule(spec: Any, where: str, model: type[BaseModel] = Case) -> Rule:
    """Build a :class:`Rule` from its YAML form; raise :class:`CriteriaError` naming ``where``."""
    if not isinstance(spec, dict) or not spec:
        raise CriteriaError(f"{where}: a rule must be a mapping such as {{field: age, gte: 60}}")
    if "field" in spec:
        ops = [k for k in spec if k != "field"]
        if len(ops) != 1 or ops[0] not in _OPS:
            raise CriteriaError(f"{where}: a leaf rule needs `field` and exactly one of {', '.join(_OPS)}; "
                                f"got keys {sorted(spec)}")
        path = str(spec["field"])
        if not _field_exists(path, model):
            raise CriteriaError(f"{where}: field {path!r} does not exist in the case schema "
                                f"({model.__name__}); see knowledge/case.schema.json")
        op = ops[0]
        val = spec[op]
        if op in ("in", "contains_any") and not isinstance(val, list):
            raise CriteriaError(f"{where}: `{op}` takes a list")
        if op in ("gt", "gte", "lt", "lte") and (isinstance(val, bool) or not isinstance(val, (int, float))):
            raise CriteriaError(f"{where}: `{op}` takes a number")
        return Leaf(path, op, val, _absent_sibling(path, model) if op in ("contains", "contains_any") else None)
    if len(spec) != 1:
        raise CriteriaError(f"{where}: a combinator rule has one key (any, any_known, all, not, unless, episode); "
                            f"got {sorted(spec)}")
    (key, val), = spec.items()
    if key in ("any", "all", "any_known"):
        if not isinstance(val, list) or not val:
            raise CriteriaError(f"{where}: `{key}` takes a non-empty list of rules")
        rules = [compile_rule(v, f"{where}.{key}[{i}]", model) for i, v in enumerate(val)]
        return {"any": AnyOf, "all": AllOf, "any_known": AnyKnown}[key](rules)
    if key == "not":
        return Not(compile_rule(val, f"{where}.not", model))
    if key == "unless":
        return Unless(compile_rule(val, f"{where}.unless", model))
    if key == "episode":
        return InEpisode(compile_rule(val, f"{where}.episode", Episode))
    raise CriteriaError(f"{where}: unknown rule key {key!r}; use field, any, any_known, all, not, unless or episode")


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
