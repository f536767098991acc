"""The report of one checked case, and its dict form (the ``tmo check --json`` contract).

What it does: pydantic records for a graded criterion, a raised differential, a decisive
unknown and the whole :class:`Report`; :meth:`Report.to_dict` gives exactly the keys of the
contract in DESIGN.md (``verdict``, ``criteria`` [{id, status, evidence, sources}],
``differentials`` [{id, reasons}], ``migratory``) plus extra keys (``lang``, ``label``,
``urgent``, ``unknowns``, ``cautions``, ``disclaimer``...).

What it leaves out: the grading (:mod:`.engine`) and the human-readable text (:mod:`.render`).
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Verdict = Literal["confirmed", "probable", "possible", "unlikely", "insufficient"]

class _Rec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Rec):
    field: str
    value: Any = None
    quote: str | None = None
    span: tuple[int, int] | None = None
    negated: bool = False
    hypothetical: bool = False
    family: bool = False
    history: bool = False
    used: bool = True


class GradedCriterion(_Rec):
    id: str
    kind: str
    label: str
    status: Literal["met", "not_met", "unknown"]
    weight: float
    evidence: list[Evidence] = Field(default_factory=list)
    sources: list[str]
    differentials: list[str] = Field(default_factory=list)


class RaisedDifferential(_Rec):
    id: str
    label: str
    reasons: list[str]
    criteria: list[str]
    score: float
    urgent: bool = False
    sources: list[str] = Field(default_factory=list)
    note: str | None = None


class Unknown(_Rec):
    id: str
    label: str
    ask: str
    if_met: Verdict
    if_not_met: Verdict


class MigrationStep(_Rec):
    episode: int
    date: str | None
    joint: str | None
    side: str | None
    sites: list[str]


class Report(_Rec):
    verdict: Verdict
    label: str
    lang: Literal["fr", "en"]
    case_id: str | None = None
    criteria: list[GradedCriterion]
    differentials: list[RaisedDifferential]
    migratory: bool
    migration: list[MigrationStep] = Field(default_factory=list)
    urgent: bool = False
    cautions: list[GradedCriterion] = Field(default_factory=list)
    unknowns: list[Unknown] = Field(default_factory=list)
    support: dict[str, Any] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    input: Literal["structured", "text"] = "structured"
    extracted: dict[str, Any] | None = None
    disclaimer: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: contract keys first, then extras; evidence without empty flags."""
        d = self.model_dump(mode="json")
        for c in d["criteria"] + d["cautions"]:
            c["evidence"] = [_slim(e) for e in c["evidence"]]
        ordered = {k: d.pop(k) for k in ("verdict", "criteria", "differentials", "migratory")}
        ordered.update(d)
        if ordered.get("extracted") is None:
            ordered.pop("extracted", None)
        return ordered


def _slim(e: dict) -> dict:
    out = {"field": e["field"], "value": e["value"]}
    if e.get("quote") is not None:
        out["quote"] = e["quote"]
        out["span"] = e["span"]
    for k in ("negated", "hypothetical", "family", "history"):
        if e.get(k):
            out[k] = True
    if not e.get("used", True):
        out["used"] = False
    return out
