"""The generic grading engine: criteria data + a case -> statuses, verdict, differentials.

What it does: evaluates every criterion rule of :mod:`.criteria` on a
:class:`~assistant.checker.case.Case` (met / not_met / unknown, with the deciding field values
and, for free text, the quoted spans); adds up red-flag weights per differential (a flag shared
by several differentials counts for those with the most red flags met); applies the verdict
rules of the data (``unlikely`` on a raised differential or a criterion of
``unlikely_when_not_met`` not met, then the ladder top-down, else ``insufficient``); works out
whether the course is migratory; and lists the decisive unknowns by re-grading with each
unknown criterion set to met and to not met.

What it leaves out: any knowledge of specific criteria ids (all of that lives in
``knowledge/criteria.yaml``), reading free text (:mod:`.extract`), and rendering (:mod:`.render`).
"""
from __future__ import annotations

import re
from typing import Any

from .case import WEIGHT_BEARING, Case, date_key
from .criteria import CriteriaSet, Criterion, Result, load_criteria
from .notes import Provenance
from .lang import labels
from .report import Evidence, GradedCriterion, MigrationStep, RaisedDifferential, Report, Unknown

_INDEX = re.compile(r"\[\d+\]")


# ------------------------------------------------------------------ migration

def _keys(ep) -> set[tuple]:
    if not ep.sites:
        return {(ep.joint, ep.side, None)}
    return {(ep.joint, ep.side, s) for s in ep.sites}


def _distinct(a: tuple, b: tuple) -> bool:
    (ja, sa, xa), (jb, sb, xb) = a, b
    if ja is None or jb is None:
        return False
    if ja != jb:
        return True
    if sa and sb and sa != sb and "bilateral" not in (sa, sb):
        return True
    return xa is not None and xb is not None and xa != xb and "other" not in (xa, xb)


def migratory(case: Case) -> bool:
    """At least two sites involved one after another (within a joint or across joints)."""
    eps = case.episodes
    for j in range(1, len(eps)):
        for i in range(j):
            di, dj = date_key(eps[i].date), date_key(eps[j].date)
            if di and dj and di == dj:
                continue  # same day: multifocal, not successive
            if any(all(_distinct(k, old) for old in _keys(eps[i])) for k in _keys(eps[j])):
                return True
    return False


# ------------------------------------------------------------------ verdict

def _scores(statuses: dict[str, str], cs: CriteriaSet) -> tuple[dict[str, float], dict[str, list[str]]]:
    flags = [c for c in cs.criteria if c.kind == "red_flag" and statuses.get(c.id) == "met"]
    support: dict[str, int] = {}
    own: set[str] = set()
    for c in flags:
        for d in c.differentials:
            support[d] = support.get(d, 0) + 1
        if len(c.differentials) == 1:
            own.add(c.differentials[0])
    score: dict[str, float] = {}
    why: dict[str, list[str]] = {}
    for c in flags:
        ds = list(c.differentials)
        if len(ds) > 1:
            best = max(support[d] for d in ds)
            tied = [d for d in ds if support[d] == best]
            targets = [d for d in tied if d in own] or tied[:1]
        else:
            targets = ds
        for d in targets:
            score[d] = score.get(d, 0.0) + c.weight
            why.setdefault(d, []).append(c.id)
    return score, why


def decide(statuses: dict[str, str], cs: CriteriaSet) -> tuple[str, list[str]]:
    """Verdict and raised differentials from criterion statuses alone (pure, data-driven)."""
    score, _ = _scores(statuses, cs)
    raised = [d for d in cs.differentials if score.get(d, 0) >= cs.verdict.red_flag_threshold]
    if raised:
        return "unlikely", raised
    if any(statuses.get(c) == "not_met" for c in cs.verdict.unlikely_when_not_met):
        return "unlikely", []
    weights = {c.id: c for c in cs.criteria}
    for rung in cs.verdict.ladder:
        if not all(statuses.get(c) == "met" for c in rung.all_met):
            continue
        if any(statuses.get(c) == "not_met" for c in rung.none_not_met):
            continue
        if rung.min_weight is not None:
            total = sum(weights[c].weight for c, s in statuses.items()
                        if s == "met" and weights[c].kind in rung.min_weight.kinds)
            if total < rung.min_weight.at_least:
                continue
        return rung.verdict, []
    return "insufficient", []


# ------------------------------------------------------------------ evidence

def _pattern(path: str) -> str:
    return _INDEX.sub("", path)


def _evidence(c: Criterion, res: Result, rule_fields: list[str], prov: Provenance | None) -> list[Evidence]:
    out: list[Evidence] = []
    seen: set[tuple] = set()
    for h in res.hits:
        mentions = prov.used.get(h.path, []) if prov else []
        if mentions:
            for m in mentions:
                key = (h.path, m.start, m.end)
                if key not in seen:
                    seen.add(key)
                    out.append(Evidence(field=h.path, value=_plain(h.value), quote=m.text, span=(m.start, m.end),
                                        negated=m.negated, hypothetical=m.hypothetical, family=m.family,
                                        history=m.history))
        else:
            key = (h.path, None, None)
            if key not in seen:
                seen.add(key)
                out.append(Evidence(field=h.path, value=_plain(h.value)))
    if prov:
        wanted = {_pattern(f) for f in rule_fields}
        for m in prov.ignored:
            if _pattern(m.field) in wanted:
                out.append(Evidence(field=m.field, value=_plain(m.value), quote=m.text, span=(m.start, m.end),
                                    negated=m.negated, hypothetical=m.hypothetical, family=m.family,
                                    history=m.history, used=False))
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


# ------------------------------------------------------------------ grading

def grade(case: Case, lang: str = "en", provenance: Provenance | None = None,
          criteria: CriteriaSet | None = None, input_kind: str = "structured") -> Report:
    cs = criteria or load_criteria()
    lang = lang if lang in ("fr", "en") else "en"
    words = labels(lang)
    derived = {"migratory": migratory(case)}
    results: dict[str, Result] = {}
    for c in cs.criteria:
        results[c.id] = cs.rules[c.id].eval(case, derived)
    statuses = {cid: r.status for cid, r in results.items()}
    verdict, raised = decide(statuses, cs)
    score, why = _scores(statuses, cs)

    graded = []
    for c in cs.criteria:
        graded.append(GradedCriterion(
            id=c.id, kind=c.kind, label=c.label.get(lang), status=statuses[c.id], weight=c.weight,
            evidence=_evidence(c, results[c.id], cs.rules[c.id].fields(), provenance),
            sources=list(c.sources), differentials=list(c.differentials)))
    by_id = {g.id: g for g in graded}

    diffs = []
    for d in raised:
        spec = cs.differentials[d]
        reasons = []
        for cid in why.get(d, []):
            g = by_id[cid]
            quotes = [e.quote for e in g.evidence if e.used and e.quote]
            fields = [f"{e.field}={e.value}" for e in g.evidence if e.used and not e.quote]
            detail = "; ".join(dict.fromkeys(quotes or fields))
            reasons.append(f"{g.label}" + (f" — {detail}" if detail else ""))
        diffs.append(RaisedDifferential(
            id=d, label=spec.label.get(lang), reasons=reasons, criteria=why.get(d, []), score=score[d],
            urgent=spec.urgent, sources=list(spec.sources), note=spec.note.get(lang) if spec.note else None))
    cautions = [by_id[c.id] for c in cs.criteria if c.kind == "red_flag" and statuses[c.id] == "met"
                and not any(d in raised for d in c.differentials)]

    unknowns = []
    for c in cs.criteria:
        if statuses[c.id] != "unknown":
            continue
        alt = {}
        for s in ("met", "not_met"):
            alt[s], _ = decide({**statuses, c.id: s}, cs)
        if alt["met"] != verdict or alt["not_met"] != verdict:
            ask = c.ask.get(lang) if c.ask else words.report["find_out"].format(label=c.label.get(lang))
            unknowns.append(Unknown(id=c.id, label=c.label.get(lang), ask=ask,
                                    if_met=alt["met"], if_not_met=alt["not_met"]))  # type: ignore[arg-type]

    def _urgency(u: Unknown) -> tuple:
        c = cs.get(u.id)
        urgent = any(cs.differentials[d].urgent for d in c.differentials)
        return (not urgent, c.kind == "red_flag", -c.weight)
    unknowns.sort(key=_urgency)

    grading = [g for g in graded if g.kind in ("entry", "supportive", "confirmatory")]
    known = [g for g in grading if g.status != "unknown"]
    support = {
        "met": sum(g.weight for g in grading if g.status == "met"),
        "known": sum(g.weight for g in known),
        "total": sum(g.weight for g in grading),
        "note": words.report["weights_note"],
    }
    steps = [MigrationStep(episode=i + 1, date=ep.date, joint=ep.joint, side=ep.side, sites=list(ep.sites))
             for i, ep in enumerate(case.episodes)]
    notes = list(provenance.notes) if provenance else []
    if case.episodes and not any(ep.joint in WEIGHT_BEARING for ep in case.episodes) and \
            any(ep.joint for ep in case.episodes):
        notes.append(words.report["outside_lower_limbs"])
    for d in diffs:
        if d.note:
            notes.append(d.note)
    return Report(
        verdict=verdict, label=words.verdicts[verdict], lang=lang, case_id=case.id,  # type: ignore[arg-type]
        criteria=graded, differentials=diffs, migratory=derived["migratory"], migration=steps,
        urgent=any(d.urgent for d in diffs), cautions=cautions, unknowns=unknowns, support=support,
        notes=notes, input=input_kind, disclaimer=words.disclaimer)  # type: ignore[arg-type]
