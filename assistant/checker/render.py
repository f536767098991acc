"""Human-readable text of a :class:`~assistant.checker.report.Report`, in the case's language.

What it does: a plain-text block (verdict, differentials with their reasons, the course episode by
episode with readable dates, criteria met / not met / not stated with their evidence and sources,
cautions, what to ask or order next and what each answer would give, the heuristic score and the
disclaimer). Every word comes from the language's ``labels`` (``checker_concepts.yaml``): field paths
and ids are shown by their labels, dates as "mars 2018", an unknown date as "date non précisée".
Plain text so it reads the same in a terminal, a log or a test; no colour codes.

What it leaves out: JSON (``Report.to_dict``).
"""
from __future__ import annotations

import re

from .lang import Labels, labels
from .report import Report


def _value(v, w: Labels) -> str:
    if isinstance(v, bool):
        return w.values["true" if v else "false"]
    if isinstance(v, list):
        return ", ".join(_value(x, w) for x in v) or "—"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return w.values.get(str(v), str(v))


def _field(path: str, w: Labels) -> str:
    """'episodes[1].mri.bone_marrow_edema' -> 'épisode 2, IRM, œdème médullaire'."""
    ep = re.match(r"episodes\[(\d+)\]\.", path)
    bare = re.sub(r"\[\d+\]", "", path)
    name = w.fields.get(bare, bare.rsplit(".", 1)[-1].replace("_", " "))
    return f"{w.report['episode']} {int(ep.group(1)) + 1}, {name}" if ep else name


def date_text(iso: str | None, w: Labels) -> str:
    """'2018-03-09' -> '9 mars 2018' / '9 March 2018'; '2018-03' -> 'mars 2018'; None -> 'date non précisée'."""
    if not iso:
        return w.report["no_date"]
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    month = w.months[parts[1] - 1]
    return f"{parts[2]} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def _ev(e, w: Labels) -> str:
    if e.quote:
        flags = [w.report[k] for k in ("negated", "hypothetical", "family", "history") if getattr(e, k)]
        tail = f" [{', '.join(flags)}]" if flags else ""
        if not e.used:
            tail += f" ({w.report['ignored']})"
        return w.report["quote"].format(quote=e.quote) + tail
    return f"{_field(e.field, w)}{w.report['colon']}{_value(e.value, w)}"


def _step(s, w: Labels) -> str:
    place = " ".join(x for x in (_value(s.joint, w) if s.joint else w.report["no_joint"],
                                 _value(s.side, w) if s.side else "") if x)
    sites = ", ".join(_value(x, w) for x in s.sites)
    return f"{date_text(s.date, w)}{w.report['colon']}{place}" + (f" ({sites})" if sites else "")


def _short(verdict: str, w: Labels) -> str:
    return w.verdicts[verdict].split(" (")[0]


def render(report: Report, max_unknowns: int = 8) -> str:
    w = labels(report.lang)
    t = w.report
    lines = [t["title"], "=" * len(t["title"])]
    lines.append(f"{t['verdict']}: {report.verdict.upper()} — {report.label}")
    if report.urgent:
        lines.append("!! " + t["urgent"])
    if report.differentials:
        lines.append(f"\n{t['diffs']}:")
        for d in report.differentials:
            lines.append(f"  - {d.label}{' — URGENT' if d.urgent else ''}")
            for r in d.reasons:
                lines.append(f"      · {r}")
    lines.append(f"\n{t['migr']}: {t['yes' if report.migratory else 'no']}")
    for s in report.migration:
        lines.append(f"  {t['episode']} {s.episode} — {_step(s, w)}")
    for status in ("met", "not_met", "unknown"):
        crit = [c for c in report.criteria if c.status == status and c.kind != "red_flag"]
        if not crit:
            continue
        lines.append(f"\n{t[status]}:")
        for c in crit:
            head = f"  [{w.kinds.get(c.kind, c.kind)}, {t['weight']} {c.weight:g}] {c.label}"
            if status == "unknown":
                lines.append(head)
                continue
            ev = "; ".join(_ev(e, w) for e in c.evidence[:3])
            lines.append(head + (f" — {ev}" if ev else ""))
            lines.append(f"      {t['sources']}: {', '.join(c.sources)}")
    ignored = [(c, e) for c in report.criteria for e in c.evidence if not e.used]
    if ignored:
        lines.append("")
        for c, e in ignored[:8]:
            lines.append(f"  {c.label}: {_ev(e, w)}")
    if report.cautions:
        lines.append(f"\n{t['cautions']}:")
        for c in report.cautions:
            ev = "; ".join(_ev(e, w) for e in c.evidence[:2])
            lines.append(f"  - {c.label}" + (f" — {ev}" if ev else ""))
    if report.unknowns:
        lines.append(f"\n{t['next']}:")
        # the first red flags (urgent ones lead), then every unknown that would move the verdict up
        kind = {c.id: c.kind for c in report.criteria}
        red = [u for u in report.unknowns if kind.get(u.id) == "red_flag"]
        shown = red[:3] + [u for u in report.unknowns if kind.get(u.id) != "red_flag"] + red[3:]
        for u in shown[:max_unknowns]:
            lines.append(f"  - {u.ask} ({t['if_met']}{t['colon']}{_short(u.if_met, w)}{t['semicolon']}"
                         f"{t['if_not_met']}{t['colon']}{_short(u.if_not_met, w)})")
        if len(report.unknowns) > max_unknowns:
            lines.append(f"  … +{len(report.unknowns) - max_unknowns} {t['more']}")
    s = report.support
    if s:
        lines.append(f"\n{t['score']}: {s['met']:g} / {s['total']:g} ({s['note']})")
    for n in report.notes:
        lines.append(f"Note: {n}")
    lines.append("\n" + report.disclaimer)
    return "\n".join(lines)
