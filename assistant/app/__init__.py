"""The Gradio app (``tmo chat``): chat, case checker, timeline and sources, in French and English.

Public API::

    build_app(assistant, feedback_path=None) -> gr.Blocks   # not launched (testable)
    launch(settings, host="127.0.0.1", port=7860, feedback_path=None)

Modules: :mod:`.layout` (the app: tabs and events), the tabs :mod:`.chat_tab` (with
:mod:`.feedback_panel`), :mod:`.checker_tab`, :mod:`.timeline_tab` and :mod:`.sources_tab`,
:mod:`.interface_language`, :mod:`.page` (look) and :mod:`.server` (launching): these use
gradio, imported only when an app is built. The handlers are plain Python: :mod:`.chat`,
:mod:`.checking` (with :mod:`.case_form` and :mod:`.report_view`), :mod:`.feedback`,
:mod:`.sources`, :mod:`.timeline` (with :mod:`.course`, :mod:`.course_chart` and
:mod:`.course_labels`), and :mod:`.texts` (interface strings). Importing this package imports
nothing heavy; gradio loads when ``build_app`` or ``launch`` is first used.
"""
from __future__ import annotations

__all__ = ["build_app", "launch", "launch_options", "serve"]


def __getattr__(name: str):
    if name in __all__:
        from . import layout

        return getattr(layout, name)
    raise AttributeError(name)
