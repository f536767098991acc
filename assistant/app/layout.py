"""The Gradio app: the page, its four tabs, and the events that join them.

What it does: :func:`build_app` returns a ``gr.Blocks`` with four tabs (Chat, Case checker,
Timeline, Sources), an FR/EN interface switch that follows the browser at first, the
disclaimer, opt-in feedback, and the ``/chat`` and ``/check`` API endpoints, without launching
it. Each tab is built and wired by its own module (:mod:`.chat_tab`, :mod:`.checker_tab`,
:mod:`.timeline_tab`, :mod:`.sources_tab`); the page's look is :mod:`.page`, the language switch
:mod:`.interface_language`, and launching :mod:`.server` (:func:`launch`, :func:`serve` and
:func:`launch_options` are re-exported here).

What it leaves out: the handlers' logic (:mod:`.chat`, :mod:`.checking`, :mod:`.feedback`,
:mod:`.sources`, :mod:`.timeline`), which are plain Python and tested without a server. gradio
is imported only when an app is built, here and in the tab modules.
"""
import os
from pathlib import Path

from .chat_tab import chat_tab, wire_chat
from .checker_tab import EPISODE_WIDTHS, checker_tab, wire_checker
from .feedback import FeedbackStore
from .feedback_panel import wire_feedback
from .interface_language import DETECT_LANG_JS, Relabel, wire_language
from .page import CITE_JS, CSS, header_html, launch_options
from .server import launch, serve, warm_up
from .sources_tab import sources_tab, wire_sources
from .texts import T, t
from .timeline_tab import timeline_tab

__all__ = ["CITE_JS", "CSS", "DETECT_LANG_JS", "EPISODE_WIDTHS", "build_app", "header_html", "launch",
           "launch_options", "serve", "warm_up"]


def build_app(assistant, feedback_path: str | Path | None = None, *, stream_delay: float = 0.0,
              default_lang: str = "en"):
    """The app (not launched). ``assistant``: an :class:`assistant.api.Assistant` (or anything
    with ``ask``, ``check`` and ``kb``). ``feedback_path``: where opt-in feedback goes (None: off)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # nothing about the user is sent anywhere
    import gradio as gr

    kb = assistant.kb
    store = FeedbackStore(feedback_path)
    lang0 = default_lang if default_lang in ("fr", "en") else "en"
    tr = Relabel()

    with gr.Blocks(title="tmo — transient migratory osteoporosis", analytics_enabled=False) as demo:
        with gr.Row(equal_height=False):
            tr(gr.HTML(header_html(lang0), js_on_load=CITE_JS, elem_id="tmo-header"), value=header_html)
            lang = gr.Radio([("Français", "fr"), ("English", "en")], value=lang0, label="Langue / Language",
                            elem_id="tmo-lang", scale=0, min_width=230)
        with gr.Tabs(elem_id="tmo-tabs"):
            chat = chat_tab(tr, lang0, store)
            checker = checker_tab(tr, lang0)
            timeline = timeline_tab(tr, lang0, kb)
            sources = sources_tab(tr, lang0, kb)

        tr(gr.Markdown(f"{T['disclaimer_both']['en']}. {t('privacy', lang0)}", elem_id="tmo-footer"),
           value=lambda lg: f"{T['disclaimer_both']['en']}. {t('privacy', lg)}")

        # The events, in the order they have always been registered (gradio numbers them so).
        wire_chat(chat, lang, assistant, stream_delay)
        wire_feedback(chat.feedback, chat.chatbot, chat.last_turn, lang, store)
        wire_checker(checker, timeline, lang, assistant, kb)
        wire_sources(sources, lang, kb)
        wire_language(demo, tr, lang, checker, timeline, sources, kb)
    return demo
