"""The Sources tab: every paragraph of the source in French and English, searchable.

What it does: builds a search box and the paragraphs (each anchored ``para-<id>`` so citation
links elsewhere in the app land on it); as the query changes, it shows only the paragraphs
that match, with the query's terms highlighted.

What it leaves out: searching, highlighting and the HTML (:mod:`.sources`, plain Python), and
the script that opens this tab from a citation link (:mod:`.page`).
"""
from __future__ import annotations

from types import SimpleNamespace

from .sources import sources_html
from .texts import t


def sources_tab(tr, lang0: str, kb) -> SimpleNamespace:
    """The tab's components, built inside the current ``gr.Tabs``; ``tr`` registers relabelled ones."""
    import gradio as gr

    with tr(gr.Tab(t("tab_sources", lang0), id="sources", elem_id="tab-sources"), label="tab_sources"):
        search = tr(gr.Textbox(label=t("search", lang0), placeholder=t("search_ph", lang0),
                               elem_id="tmo-search", lines=1, max_lines=1),
                    label="search", placeholder="search_ph")
        src = gr.HTML(sources_html(kb, "", lang0), elem_id="tmo-sources", js_on_load=None)
    return SimpleNamespace(search=search, src=src)


def wire_sources(sources: SimpleNamespace, lang, kb) -> None:
    """Re-render the paragraphs as the query changes (the language switch re-renders them too)."""
    sources.search.change(lambda q, lg: sources_html(kb, q, lg), [sources.search, lang], [sources.src], queue=False,
                          show_progress="hidden", api_visibility="private")
