"""Human-readable text of a :class:`~assistant.checker.report.Report`, in the case's language.

What it does: a plain-text block (verdict, differentials with their reasons, migratory course,
criteria met / not met / unknown with evidence and sources, cautions, what to ask or order next,
the heuristic score and the disclaimer). Plain text so it reads the same in a terminal, a log or
a test; no colour codes.

What it leaves out: JSON (``Report.to_dict``).
"""
from __future__ import annotations

from .report import Report

_T = {
    "title": {"fr": "Vérification des critères — ostéoporose transitoire", "en": "Criteria check — transient osteoporosis"},
    "verdict": {"fr": "Verdict", "en": "Verdict"},
    "urgent": {"fr": "URGENT : une infection doit être éliminée sans délai (ponction, hémocultures, avis).",
               "en": "URGENT: infection must be ruled out without delay (aspiration, blood cultures, referral)."},
    "diffs": {"fr": "Diagnostics différentiels signalés", "en": "Differentials flagged"},
    "migr": {"fr": "Évolution migratrice", "en": "Migratory course"},
    "yes": {"fr": "oui", "en": "yes"}, "no": {"fr": "non", "en": "no"},
    "met": {"fr": "Critères remplis", "en": "Criteria met"},
    "not_met": {"fr": "Critères non remplis", "en": "Criteria not met"},
    "unknown": {"fr": "Inconnus", "en": "Unknown"},
    "cautions": {"fr": "Prudence (signes isolés, pas un veto)", "en": "Cautions (isolated signs, not a veto)"},
    "next": {"fr": "À demander ou prescrire ensuite", "en": "What to ask or order next"},
    "score": {"fr": "Score heuristique", "en": "Heuristic score"},
    "sources": {"fr": "sources", "en": "sources"},
    "ignored": {"fr": "ignoré", "en": "ignored"},
    "negated": {"fr": "nié", "en": "negated"}, "hypothetical": {"fr": "hypothèse", "en": "hypothetical"},
    "family": {"fr": "famille", "en": "family"}, "history": {"fr": "antécédent", "en": "history"},
    "episode": {"fr": "épisode", "en": "episode"},
    "then": {"fr": "→", "en": "→"},
    "none": {"fr": "aucun", "en": "none"},
    "more": {"fr": "autres signes d'alerte inconnus", "en": "more unknown red flags"},
}


def _t(key: str, lang: str) -> str:
    return _T[key][lang]


def _ev(e, lang: str) -> str:
    if e.quote:
        flags = [_t(k, lang) for k in ("negated", "hypothetical", "family", "history") if getattr(e, k)]
        tail = f" [{', '.join(flags)}]" if flags else ""
        if not e.used:
            tail += f" ({_t('ignored', lang)})"
        return f"« {e.quote} »{tail}" if lang == "fr" else f"\"{e.quote}\"{tail}"
    return f"{e.field} = {e.value}"


def render(report: Report, max_unknowns: int = 6) -> str:
    lang = report.lang
    lines = [_t("title", lang), "=" * len(_t("title", lang))]
    lines.append(f"{_t('verdict', lang)}: {report.verdict.upper()} — {report.label}")
    if report.urgent:
        lines.append("!! " + _t("urgent", lang))
    if report.differentials:
        lines.append(f"\n{_t('diffs', lang)}:")
        for d in report.differentials:
            lines.append(f"  - {d.label} ({d.id}){' — URGENT' if d.urgent else ''}")
            for r in d.reasons:
                lines.append(f"      · {r}")
    steps = " → ".join(
        f"{s.date or '?'} {s.joint or '?'} {s.side or ''} {'/'.join(s.sites)}".strip() for s in report.migration)
    lines.append(f"\n{_t('migr', lang)}: {_t('yes' if report.migratory else 'no', lang)}"
                 + (f" ({steps})" if steps and len(report.migration) > 1 else ""))
    for status in ("met", "not_met"):
        crit = [c for c in report.criteria if c.status == status and c.kind != "red_flag"] if status == "met" else \
            [c for c in report.criteria if c.status == status and c.kind != "red_flag"]
        if crit:
            lines.append(f"\n{_t(status, lang)}:")
            for c in crit:
                ev = "; ".join(_ev(e, lang) for e in c.evidence[:3])
                lines.append(f"  [{c.kind}, w={c.weight:g}] {c.label}" + (f" — {ev}" if ev else ""))
                lines.append(f"      {_t('sources', lang)}: {', '.join(c.sources)}")
    ignored = [(c, e) for c in report.criteria for e in c.evidence if not e.used]
    if ignored:
        lines.append("")
        for c, e in ignored[:8]:
            lines.append(f"  {c.label}: {_ev(e, lang)}")
    if report.cautions:
        lines.append(f"\n{_t('cautions', lang)}:")
        for c in report.cautions:
            ev = "; ".join(_ev(e, lang) for e in c.evidence[:2])
            lines.append(f"  - {c.label}" + (f" — {ev}" if ev else ""))
    if report.unknowns:
        lines.append(f"\n{_t('next', lang)}:")
        for u in report.unknowns[:max_unknowns]:
            lines.append(f"  - {u.ask} ({u.if_met} / {u.if_not_met})")
        if len(report.unknowns) > max_unknowns:
            lines.append(f"  … +{len(report.unknowns) - max_unknowns} {_t('more', lang)}")
    s = report.support
    if s:
        lines.append(f"\n{_t('score', lang)}: {s['met']:g} / {s['total']:g} ({s['note']})")
    for n in report.notes:
        lines.append(f"Note: {n}")
    lines.append("\n" + report.disclaimer)
    return "\n".join(lines)
