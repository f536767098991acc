"""The rule language of ``criteria.yaml``: ``when`` trees evaluated three-valued over a case.

What it does: :func:`compile_rule` turns a rule's YAML form into a small tree (a leaf tests one field
with ``eq``, ``in``, ``gt``/``gte``/``lt``/``lte``, ``contains``/``contains_any``; combinators ``any``,
``any_known``, ``all``, ``not``, ``unless``, ``episode``) and checks that every field exists in the case
schema; each node's ``eval`` gives ``met`` / ``not_met`` / ``unknown`` with the field values that
decided it as evidence. A finding list with an ``absent`` sibling is open: a finding never mentioned
is unknown, not absent.

What it leaves out: the criteria themselves and their validation (:mod:`.criteria`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from .case import Case, Episode

Status = Literal["met", "not_met", "unknown"]
DERIVED_FIELDS = ("migratory",)


class CriteriaError(ValueError):
    """The criteria file is invalid; the message names the entry and the fix."""


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
