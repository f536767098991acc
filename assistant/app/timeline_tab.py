"""The Timeline tab: the report patient's course, and the course of the last checked case.

What it does: builds the tab: an introduction, the patient's chart, a note or the checked
case's chart (the Case checker fills one or the other), and the patient's events as a folded
table. The charts are redrawn in the interface's language when it changes.

What it leaves out: drawing and the table (:mod:`.timeline`, plain Python); the tab has no
events of its own (the checker's and the language switch's update it).
"""
from __future__ import annotations

from types import SimpleNamespace

from .texts import t
from .timeline import kb_figure, timeline_table_html


def timeline_tab(tr, lang0: str, kb) -> SimpleNamespace:
    """The tab's components, built inside the current ``gr.Tabs``; ``tr`` registers relabelled ones."""
    import gradio as gr

    with tr(gr.Tab(t("tab_timeline", lang0), id="timeline", elem_id="tab-timeline"), label="tab_timeline"):
        tr(gr.Markdown(t("tl_intro", lang0)), value="tl_intro")
        kb_plot = tr(gr.Plot(value=kb_figure(kb, lang0), show_label=False, elem_id="tmo-timeline-plot"),
                     value=lambda lg: kb_figure(kb, lg))
        case_note = tr(gr.Markdown(t("tl_case_none", lang0), elem_id="tmo-tl-case-note"), value="tl_case_none")
        case_plot = gr.Plot(visible=False, show_label=False, elem_id="tmo-tl-case-plot")
        with tr(gr.Accordion(t("tl_table", lang0), open=False), label="tl_table"):
            table = tr(gr.HTML(timeline_table_html(kb, lang0), js_on_load=None),
                       value=lambda lg: timeline_table_html(kb, lg))
    return SimpleNamespace(kb_plot=kb_plot, case_note=case_note, case_plot=case_plot, table=table)
