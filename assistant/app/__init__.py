"""The Gradio app (``tmo chat``): chat, case checker, timeline and sources, in French and English.

Public API::

    build_app(assistant, feedback_path=None) -> gr.Blocks   # not launched (testable)
    launch(settings, host="127.0.0.1", port=7860, feedback_path=None)

Modules: :mod:`.layout` (the only one that imports gradio), :mod:`.chat`, :mod:`.checking`,
:mod:`.feedback`, :mod:`.sources`, :mod:`.timeline` (handlers, plain Python), :mod:`.texts`
(interface strings). Importing this package imports nothing heavy; gradio loads when
``build_app`` or ``launch`` is first used.
"""
from __future__ import annotations

__all__ = ["build_app", "launch", "launch_options", "serve"]


def __getattr__(name: str):
    if name in __all__:
        from . import layout

        return getattr(layout, name)
    raise AttributeError(name)
