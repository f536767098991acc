"""The Chat tab's feedback panel: opt-in thumbs up/down with a comment, and the chatbot's like buttons.

What it does: :func:`feedback_panel` builds the folded panel (enable, include the question and
answer, comment, up, down, a status line and the privacy note), interactive only when the app
was started with a feedback path; :func:`wire_feedback` saves a rating from the panel's buttons
or from a message's like/dislike, and clears a comment once it is saved so it is not sent twice.

What it leaves out: what is saved and where (:mod:`.feedback`, plain Python).
"""
# No `from __future__ import annotations`: gradio reads the event data's type from the
# annotation of `on_like` (gr.LikeData), which must be the class, not a string.
from types import SimpleNamespace

from .chat import turn_at
from .feedback import give_feedback
from .texts import t


def feedback_panel(tr, lang0: str, store) -> SimpleNamespace:
    """The panel's components, built inside the Chat tab; ``tr`` registers relabelled ones."""
    import gradio as gr

    with tr(gr.Accordion(t("fb_title", lang0), open=False, elem_id="tmo-feedback"), label="fb_title"):
        enable = tr(gr.Checkbox(False, label=t("fb_enable", lang0), interactive=store.configured,
                                elem_id="tmo-fb-enable"), label="fb_enable")
        include = tr(gr.Checkbox(False, label=t("fb_include", lang0), interactive=store.configured),
                     label="fb_include")
        comment = tr(gr.Textbox(label=t("fb_comment", lang0), lines=2, max_lines=5,
                                interactive=store.configured), label="fb_comment")
        with gr.Row():
            up = tr(gr.Button(t("fb_up", lang0), size="sm", interactive=store.configured), value="fb_up")
            down = tr(gr.Button(t("fb_down", lang0), size="sm", interactive=store.configured), value="fb_down")
        status = gr.Markdown("" if store.configured else t("fb_unavailable", lang0))
        tr(gr.Markdown(t("privacy", lang0)), value="privacy")
    return SimpleNamespace(enable=enable, include=include, comment=comment, up=up, down=down, status=status)


def wire_feedback(fb: SimpleNamespace, chatbot, last_turn, lang, store) -> None:
    """Save a rating from the panel's buttons (the last turn) or a message's like (that message's turn)."""
    import gradio as gr

    def feedback_out(status, ui_lang):  # a saved comment is cleared so it is not sent twice
        return status, (gr.update(value="") if status == t("fb_saved", ui_lang) else gr.skip())

    def rate(rating):
        def fn(enabled, include, comment, turn, ui_lang):
            return feedback_out(give_feedback(store, enabled, include, rating, comment, turn, ui_lang), ui_lang)
        return fn

    fb_inputs = [fb.enable, fb.include, fb.comment, last_turn, lang]
    fb.up.click(rate("up"), fb_inputs, [fb.status, fb.comment], queue=False, api_visibility="private")
    fb.down.click(rate("down"), fb_inputs, [fb.status, fb.comment], queue=False, api_visibility="private")

    def on_like(messages, enabled, include, comment, ui_lang, data: gr.LikeData):
        liked = data.liked if isinstance(data.liked, bool) else str(data.liked).lower() in ("like", "true")
        return feedback_out(give_feedback(store, enabled, include, "up" if liked else "down", comment,
                                          turn_at(messages, data.index), ui_lang), ui_lang)

    chatbot.like(on_like, [chatbot, fb.enable, fb.include, fb.comment, lang], [fb.status, fb.comment],
                 queue=False, api_visibility="private")
