"""The Chat tab: the conversation, its feedback panel, and the ``/chat`` API endpoint.

What it does: :func:`chat_tab` builds the chatbot (with example questions), the message box
and the clear button, the feedback panel (:mod:`.feedback_panel`) and the hidden components of
the ``/chat`` API; :func:`wire_chat` shows a question at once and then streams its answer,
answers a clicked example, clears the conversation, and serves ``/chat``: inputs
``(message, history)``, history kept per client session, the answer text streamed and returned.

What it leaves out: answering (:mod:`.chat`, plain Python, tested without a server).
"""
# No `from __future__ import annotations`: gradio reads the event data's type from the
# annotation of `pick_example` (gr.SelectData), which must be the class, not a string.
from types import SimpleNamespace

from .chat import answer_turn, api_chat, respond
from .feedback_panel import feedback_panel
from .texts import EXAMPLE_QUESTIONS, t


def chat_tab(tr, lang0: str, store) -> SimpleNamespace:
    """The tab's components, built inside the current ``gr.Tabs``; ``tr`` registers relabelled ones."""
    import gradio as gr

    with tr(gr.Tab(t("tab_chat", lang0), id="chat", elem_id="tab-chat"), label="tab_chat"):
        chatbot = tr(gr.Chatbot(label=t("chatbot", lang0), height=520, elem_id="tmo-chatbot",
                                examples=[{"text": q} for q in EXAMPLE_QUESTIONS],
                                placeholder=t("chat_hint", lang0), buttons=["copy"],
                                feedback_options=("Like", "Dislike")),
                     label="chatbot", placeholder="chat_hint")
        msg = tr(gr.Textbox(placeholder=t("placeholder", lang0), show_label=False, submit_btn=True,
                            elem_id="tmo-msg", lines=1, max_lines=4, autofocus=True),
                 placeholder="placeholder")
        clear = tr(gr.Button(t("clear", lang0), size="sm", variant="secondary", elem_id="tmo-clear"),
                   value="clear")
        pending = gr.State("")
        last_turn = gr.State(None)
        feedback = feedback_panel(tr, lang0, store)
        # The /chat API: (message, history) -> answer text, streamed; history per client session.
        api_msg = gr.Textbox(visible=False)
        api_out = gr.Textbox(visible=False)
        api_hist = gr.State([])
        api_btn = gr.Button("chat", visible=False)
    return SimpleNamespace(chatbot=chatbot, msg=msg, clear=clear, pending=pending, last_turn=last_turn,
                           feedback=feedback, api_msg=api_msg, api_out=api_out, api_hist=api_hist, api_btn=api_btn)


def wire_chat(chat: SimpleNamespace, lang, assistant, stream_delay: float) -> None:
    """The tab's events: ask (typed or an example), clear, and the ``/chat`` API."""
    import gradio as gr

    # show the question at once, then stream the answer
    def add_question(message, messages):
        message = message or ""
        messages = list(messages or []) + ([{"role": "user", "content": message}] if message.strip() else [])
        return gr.update(value=""), messages, message

    def bot(message, messages, ui_lang):
        before = list(messages or [])
        if not (message or "").strip():  # an empty submission: a notice, the conversation unchanged
            gr.Warning(answer_turn(assistant, "", [], ui_lang).text.lstrip("⚠️ "))
            yield before, gr.skip()
            return
        if (message or "").strip() and before and before[-1].get("role") == "user":
            before = before[:-1]  # add_question showed it already; respond() adds it back
        for msgs, record in respond(assistant, message, before, ui_lang, stream_delay):
            yield msgs, (record if record is not None else gr.skip())

    chat.msg.submit(add_question, [chat.msg, chat.chatbot], [chat.msg, chat.chatbot, chat.pending], queue=False,
                    api_visibility="private") \
        .then(bot, [chat.pending, chat.chatbot, lang], [chat.chatbot, chat.last_turn], api_visibility="private",
              concurrency_id="answer", show_progress="hidden")

    def pick_example(messages, evt: gr.SelectData):
        text = evt.value.get("text", "") if isinstance(evt.value, dict) else str(evt.value)
        return list(messages or []) + [{"role": "user", "content": text}], text

    chat.chatbot.example_select(pick_example, [chat.chatbot], [chat.chatbot, chat.pending], queue=False,
                                api_visibility="private") \
        .then(bot, [chat.pending, chat.chatbot, lang], [chat.chatbot, chat.last_turn], api_visibility="private",
              concurrency_id="answer", show_progress="hidden")
    chat.clear.click(lambda: ([], None, ""), None, [chat.chatbot, chat.last_turn, chat.feedback.status],
                     queue=False, api_visibility="private")

    def api_fn(message, history):
        """Ask a question (French or English); returns the answer text, in the question's language."""
        text = ""
        for text in api_chat(assistant, message, history, stream_delay):
            yield text, gr.skip()
        new = list(history or []) + [{"role": "user", "content": message or ""},
                                     {"role": "assistant", "content": text}]
        yield text, new[-40:]

    chat.api_btn.click(api_fn, [chat.api_msg, chat.api_hist], [chat.api_out, chat.api_hist], api_name="chat",
                       concurrency_id="answer")
