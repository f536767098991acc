"""Timeline charts and table: the report patient's course, and the course of a checked case.

What it does: draws the report patient's course (from the knowledge base's timeline) and a
checked case's (from its episodes) as matplotlib figures, says whether a case's course is
worth a chart, and renders the patient's events as a table shown under the chart, each with
links to its source paragraphs. The pieces: :mod:`.course` (lanes, spans and marks),
:mod:`.course_chart` (drawing) and :mod:`.course_labels` (the names shown); their public names
are re-exported here, where the layout and the tests import them from.

What it leaves out: gradio (the app hands the Figure to ``gr.Plot``).
"""
from __future__ import annotations

import html

from ..knowledge import KnowledgeBase
from .course import Course, Mark, Span, case_course, kb_course, parse_date
from .course_chart import EPISODE_COLOURS, KINDS, draw
from .course_labels import (JOINTS, MONTHS, SIDES, SITES, TREATMENTS, lane_label, short_date, site_label,
                            treatment_names)
from .texts import t

__all__ = [
    "EPISODE_COLOURS", "JOINTS", "KINDS", "MONTHS", "SIDES", "SITES", "TREATMENTS", "Course", "Mark", "Span",
    "case_course", "case_figure", "draw", "kb_course", "kb_figure", "lane_label", "parse_date", "short_date",
    "site_label", "timeline_table_html", "treatment_names", "worth_a_chart",
]


def kb_figure(kb: KnowledgeBase, lang: str = "en"):
    return draw(kb_course(kb, lang), lang)


def worth_a_chart(case: dict | None) -> bool:
    """A course is worth drawing with several episodes, or one dated episode."""
    eps = [e for e in (case or {}).get("episodes", []) if isinstance(e, dict)]
    return len(eps) > 1 or any(e.get("date") for e in eps)


def case_figure(case: dict, lang: str = "en"):
    """The checked case's course as a Figure, or None when the case has no episodes."""
    course = case_course(case, lang)
    if course is None:
        return None
    ordinal = any(parse_date(e.get("date"))[0] is None for e in case.get("episodes", []))
    return draw(course, lang, ordinal=ordinal)


def timeline_table_html(kb: KnowledgeBase, lang: str = "en") -> str:
    """The report patient's events as a table (date, knee, episode, site, what happened)."""
    rows = []
    for e in kb.timeline:
        what = []
        for attr in ("finding", "treatment", "outcome"):
            v = getattr(e, attr)
            if v is not None:
                what.append(html.escape(v.get(lang)))
        sites = ", ".join(site_label(s, lang) for s in e.sites) or "—"
        date_s = ("≈ " if e.approximate else "") + e.date
        src = ", ".join(f'<a href="#para-{html.escape(s)}" class="tmo-cite" data-para="{html.escape(s)}">'
                        f'{html.escape(s)}</a>' for s in e.sources)
        rows.append(f"<tr><td>{date_s}</td><td>{e.episode}</td><td>{lane_label('knee', e.knee, lang)}</td>"
                    f"<td>{html.escape(sites)}</td><td>{'<br>'.join(what)}</td><td>{src}</td></tr>")
    head = (f"<tr><th>{t('date', lang)}</th><th>{t('episode', lang)}</th><th>{t('knee', lang)}</th>"
            f"<th>{t('site', lang)}</th><th>{t('event', lang)}</th><th>{t('sources', lang)}</th></tr>")
    return f'<table class="tmo-criteria tmo-timeline-table">{head}{"".join(rows)}</table>'
