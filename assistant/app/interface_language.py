"""The interface language: the browser's at first, then the FR/EN switch relabels the whole app.

What it does: :class:`Relabel` records, as the tabs are built, each component whose text
follows the interface language and which of its parameters take which interface string;
:func:`wire_language` makes the switch update all of them at once, re-head the episodes table
(keeping its rows), re-render the sources and redraw a checked case's charts, and sets the
switch from the browser's language when the page loads.

What it leaves out: the strings themselves (:mod:`.texts`), and what the user has already been
given: answers in the chat and a report on screen stay in the language they were written in.
"""
from __future__ import annotations

from collections.abc import Callable

from .checking import EPISODE_HEADERS, empty_rows
from .sources import sources_html
from .texts import t
from .timeline import case_figure

DETECT_LANG_JS = "() => ((navigator.language || 'en').toLowerCase().startsWith('fr') ? 'fr' : 'en')"


class Relabel:
    """Components whose text follows the interface language, in the order they were built.

    Call it on a component with ``param=key`` pairs: the key is an interface string's key in
    :data:`.texts.T`, or a function of the language for text built from several strings.
    """

    def __init__(self) -> None:
        self.entries: list[tuple[object, dict[str, str | Callable[[str], object]]]] = []

    def __call__(self, comp, **params):
        self.entries.append((comp, params))
        return comp

    @property
    def components(self) -> list:
        return [c for c, _ in self.entries]

    def updates(self, gr, ui_lang: str) -> list:
        ups = []
        for _comp, params in self.entries:
            kw = {p: (k(ui_lang) if callable(k) else t(k, ui_lang)) for p, k in params.items()}
            ups.append(gr.update(**kw))
        return ups


def wire_language(demo, relabel: Relabel, lang, checker, timeline, sources, kb) -> None:
    """The switch's event (everything relabelled at once) and the page-load event that sets it."""
    import gradio as gr

    def switch(ui_lang, query, rows, case, shown):
        import pandas as pd

        ups = relabel.updates(gr, ui_lang)
        data = [list(r) for r in (rows.values.tolist() if hasattr(rows, "values") else rows or [])]
        ups.append(pd.DataFrame(data or empty_rows(), columns=EPISODE_HEADERS[ui_lang]))
        ups.append(sources_html(kb, query or "", ui_lang))
        ups.append(gr.skip() if shown else f'<div class="tmo-note">{t("no_result", ui_lang)}</div>')
        fig = case_figure(case, ui_lang) if case else None
        ups.append(gr.update(value=fig) if fig is not None else gr.skip())
        ups.append(gr.update(value=fig) if fig is not None else gr.skip())
        return ups

    lang.change(switch, [lang, sources.search, checker.episodes, checker.case_state, checker.report_json],
                relabel.components + [checker.episodes, sources.src, checker.report, checker.case_plot,
                                      timeline.case_plot], queue=False,
                api_visibility="private")
    demo.load(None, None, [lang], js=DETECT_LANG_JS, api_visibility="private")
