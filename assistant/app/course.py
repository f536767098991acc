"""A patient's course as lanes, episode spans and marks: the report patient's, or a checked case's.

What it does: builds a :class:`Course` (one lane per joint and side, one :class:`Span` per
painful episode labelled with its sites, one :class:`Mark` per imaging, lab, clinical finding,
treatment or resolution) from the knowledge base's timeline or from a case dict's episodes.
Month-only and year-only dates are placed approximately and marked so; a case with no dates
gets its episodes in order, one 'month' apart.

What it leaves out: drawing (:mod:`.course_chart`) and the display names (:mod:`.course_labels`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..knowledge import KnowledgeBase
from .course_chart import KINDS
from .course_labels import lane_label, short_date, site_label, treatment_names
from .texts import t


def parse_date(s: str | None) -> tuple[date | None, bool]:
    """ISO date (YYYY, YYYY-MM or YYYY-MM-DD) -> (date, approximate). Month only: the 15th."""
    if not s:
        return None, True
    parts = [int(p) for p in str(s).split("-") if p.isdigit()]
    try:
        if len(parts) >= 3:
            return date(parts[0], parts[1], parts[2]), False
        if len(parts) == 2:
            return date(parts[0], parts[1], 15), True
        if len(parts) == 1:
            return date(parts[0], 7, 1), True
    except ValueError:
        pass
    return None, True


@dataclass
class Span:
    lane: int
    start: date
    end: date
    label: str
    episode: int
    open_end: bool = False


@dataclass
class Mark:
    lane: int
    day: date
    kind: str
    approximate: bool = False
    note: str = ""  # short text under the mark (treatment names, ✓)


@dataclass
class Course:
    lanes: list[str]
    spans: list[Span] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    title: str = ""


# -- building courses ------------------------------------------------------------------------

def kb_course(kb: KnowledgeBase, lang: str = "en") -> Course:
    """The report patient's course from the knowledge base's timeline."""
    events = list(kb.timeline)
    knees = []
    for e in events:
        if e.knee not in knees:
            knees.append(e.knee)
    lanes = [lane_label("knee", k, lang) for k in knees]
    course = Course(lanes, title=t("tl_title", lang))
    by_ep: dict[int, list] = {}
    for e in events:
        by_ep.setdefault(e.episode, []).append(e)
    for n, evs in sorted(by_ep.items()):
        dated = [(parse_date(e.date), e) for e in evs]
        known = [d for (d, approx), e in dated if d and len(e.date) > 4]
        if not known:
            continue
        mid = known[len(known) // 2]
        lane = knees.index(evs[0].knee)
        first_mri = next((e for e in evs if e.modality == "mri" and e.sites and not e.id.endswith("resolution")), None)
        sites = list(dict.fromkeys(first_mri.sites if first_mri else [s for e in evs for s in e.sites]))
        label = f"{t('episode', lang)} {n} · " + ", ".join(site_label(s, lang) for s in sites)
        course.spans.append(Span(lane, min(known), max(max(known), min(known) + timedelta(days=20)), label, n))
        for (d, approx), e in dated:
            year_only = len(e.date) == 4
            day = mid if year_only else d
            approx = approx or e.approximate
            if e.treatment is not None:
                names = treatment_names(e.treatment.en, lang)
                course.marks.append(Mark(lane, day, "treatment", approx, ", ".join(names)))
            if e.modality:
                kind = e.modality if e.modality in KINDS else "clinical"
                if e.id.endswith("resolution"):
                    kind = "resolution"
                note = "" if approx else short_date(day, lang)
                if kind == "resolution":
                    note = "✓ " + note
                course.marks.append(Mark(lane, day, kind, approx, note))
    return course


def case_course(case: dict, lang: str = "en") -> Course | None:
    """A checked case's course from its episodes (None if it has none)."""
    eps = [e for e in (case or {}).get("episodes", []) if isinstance(e, dict)]
    if not eps:
        return None
    keys = []
    for e in eps:
        k = (e.get("joint"), e.get("side"))
        if k not in keys:
            keys.append(k)
    course = Course([lane_label(j, s, lang) for j, s in keys], title=t("tl_case_title", lang))
    starts = [parse_date(e.get("date")) for e in eps]
    ordinal = any(d is None for d, _ in starts)
    origin = date(2000, 1, 1)
    for i, e in enumerate(eps):
        lane = keys.index((e.get("joint"), e.get("side")))
        if ordinal:  # no dates: one 'month' per episode, in order
            start, approx = origin + timedelta(days=60 * i), True
            end, open_end = start + timedelta(days=45), not e.get("resolution")
        else:
            start, approx = starts[i]
            res_day = parse_date((e.get("resolution") or {}).get("date"))[0]
            nxt = starts[i + 1][0] if i + 1 < len(starts) else None
            end = res_day or (nxt if nxt and nxt > start else start + timedelta(days=90))
            open_end = res_day is None
        end = max(end, start + timedelta(days=20))
        sites = ", ".join(site_label(s, lang) for s in e.get("sites") or [])
        label = f"{t('episode', lang)} {i + 1}" + (f" · {sites}" if sites else "")
        course.spans.append(Span(lane, start, end, label, i + 1, open_end))
        for key, kind in (("bone_scan", "bone_scan"), ("mri", "mri"), ("dxa", "dxa"), ("radiograph", "radiograph_ct")):
            rec = e.get(key)
            if not isinstance(rec, dict):
                continue
            d, a = parse_date(rec.get("date")) if not ordinal else (None, True)
            day = d or start
            course.marks.append(Mark(lane, day, kind, a or d is None, "" if (a or ordinal) else short_date(day, lang)))
        if e.get("treatment"):
            names = [str(x) for x in e["treatment"]]
            course.marks.append(Mark(lane, start + (end - start) / 3, "treatment", True, ", ".join(names)))
        res = e.get("resolution") or {}
        if res.get("clinical") or res.get("mri"):
            course.marks.append(Mark(lane, end, "resolution", open_end, "✓"))
    if ordinal:
        course.title += " (" + ("ordre des épisodes, dates inconnues" if lang == "fr" else "episode order, dates unknown") + ")"
    return course
