"""Chat handlers: one question in, a streamed answer out, with source cards and notes.

What it does: turns a question and the conversation so far into a grounded answer
(:meth:`Assistant.ask`, with the user's previous questions as history), streams the text in
small pieces, and builds the chat messages the interface shows: the answer (with a clear note
when the source does not cover the question) followed by one collapsible card per citation
(quoted sentence, link to the paragraph in the Sources tab). Input errors and unexpected
failures become a friendly message in the chat, never a traceback.

What it leaves out: gradio (messages are plain dicts the Chatbot accepts) and any logging of
what the user typed (only the exception's class name is logged).
"""
from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ..answer import Answer
from ..knowledge import SECTION_LABELS
from ..retriever import QueryError
from .texts import ANSWER_T, t

log = logging.getLogger("assistant.app")


@dataclass
class Turn:
    """One answered (or failed) question: what the chat shows and what feedback may save."""

    question: str
    text: str  # the answer text, or the friendly error message
    answer: Answer | None = None
    error: bool = False

    @property
    def lang(self) -> str:
        return self.answer.lang if self.answer else "en"


def message_text(content) -> str:
    """The text of one chat message's content, whatever shape gradio gives it."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        if content.get("type") == "text" or "text" in content:
            return str(content.get("text") or "")
        return ""
    if isinstance(content, (list, tuple)):
        return " ".join(p for p in (message_text(c) for c in content) if p)
    return ""


def previous_questions(history) -> list[str]:
    """The user's previous questions, oldest first, from a list of chat messages."""
    out = []
    for m in history or []:
        role = m.get("role") if isinstance(m, dict) else getattr(m, "role", None)
        if role != "user":
            continue
        content = m.get("content") if isinstance(m, dict) else getattr(m, "content", None)
        text = message_text(content).strip()
        if text:
            out.append(text)
    return out


def _guess_lang(assistant, text: str, default: str = "en") -> str:
    try:
        return assistant.retriever.language(text, default=default) if text and text.strip() else default
    except Exception:  # noqa: BLE001 - a language guess must never break the chat
        return default


def answer_turn(assistant, message: str, history_questions: list[str] | None = None,
                ui_lang: str = "en") -> Turn:
    """Ask; never raise. QueryError and any other failure become a friendly message."""
    message = message if isinstance(message, str) else message_text(message)
    try:
        ans = assistant.ask(message, history=list(history_questions or []))
    except QueryError as exc:
        lang = _guess_lang(assistant, message, ui_lang)
        prefix = "Question non traitée" if lang == "fr" else "Question not handled"
        return Turn(message, f"⚠️ {prefix}: {exc}", None, True)
    except Exception as exc:  # noqa: BLE001 - the user sees a message, the log sees the class only
        log.warning("chat handler failed: %s", type(exc).__name__)
        lang = _guess_lang(assistant, message, ui_lang)
        return Turn(message, "⚠️ " + t("error_generic", lang), None, True)
    return Turn(message, ans.answer, ans, False)


_PIECE = re.compile(r"\S+\s*|\s+")


def pieces(text: str, min_words: int = 3, max_pieces: int = 12) -> Iterator[str]:
    """Growing prefixes of ``text``, a few words at a time, in at most ``max_pieces`` steps (each
    step is one message to the browser, so a long answer grows by bigger pieces); the last one
    is the whole text."""
    toks = _PIECE.findall(text)
    if not toks:
        yield text
        return
    step = max(min_words, -(-len(toks) // max_pieces))
    for i in range(step, len(toks) + step, step):
        yield "".join(toks[:i])


def stream_text(text: str, delay: float = 0.0) -> Iterator[str]:
    for i, part in enumerate(pieces(text)):
        if delay and i:
            time.sleep(delay)
        yield part


def api_chat(assistant, message, history, delay: float = 0.0) -> Iterator[str]:
    """The ``/chat`` endpoint's generator: the answer text, growing, for ``(message, history)``.

    ``history`` is the conversation as chat messages (``{"role", "content"}``); its user
    messages become :meth:`Assistant.ask`'s history so follow-ups work through the API too.
    """
    turn = answer_turn(assistant, message, previous_questions(history))
    yield from stream_text(turn.text, delay)


# -- what the Chatbot shows ---------------------------------------------------------------------

def answer_markdown(turn: Turn, text: str | None = None) -> str:
    """The answer bubble: the (possibly partial) text, with a note when the source is silent."""
    body = turn.text if text is None else text
    if turn.answer is not None and turn.answer.abstained:
        note = ANSWER_T["not_covered"][turn.lang]
        return f"**{note}.**\n\n{body}"
    return body


def source_cards(turn: Turn) -> list[dict]:
    """One collapsible card per cited paragraph: its quoted sentences and a link to the paragraph."""
    ans = turn.answer
    if ans is None or not ans.citations:
        return []
    lang = ans.lang
    grouped: dict[str, list] = {}
    for c in ans.citations:
        grouped.setdefault(c.id, []).append(c)
    cards = []
    for pid, cites in grouped.items():
        section = SECTION_LABELS.get(cites[0].section, {}).get(lang, cites[0].section)
        quotes = list(dict.fromkeys(c.quote.strip() for c in cites if c.quote.strip()))
        body = "".join(f"<blockquote>{html.escape(q)}</blockquote>" for q in quotes)
        e = html.escape(pid)
        link = f'<a href="#para-{e}" class="tmo-cite" data-para="{e}">{ANSWER_T["open"][lang]} ↗</a>'
        cards.append({
            "role": "assistant",
            "content": f"{body}\n\n{link}",
            "metadata": {"title": f"¶ {ANSWER_T['sources'][lang]} · [{pid}] {section}",
                         "log": f"{ANSWER_T['score'][lang]} {max(c.score for c in cites):.2f}", "status": "done"},
        })
    return cards


def respond(assistant, message, messages, ui_lang: str = "en", delay: float = 0.0):
    """The interface's chat generator: yields ``(messages, turn_record)`` while streaming.

    ``messages`` is the Chatbot's value *before* this question. The final yield appends the
    source cards; ``turn_record`` is ``{"question", "answer"}`` for the feedback buttons.
    """
    messages = list(messages or [])
    text_in = message if isinstance(message, str) else message_text(message)
    history_q = previous_questions(messages)
    # an empty submission gets the friendly message without an empty question bubble
    base = messages + ([{"role": "user", "content": text_in}] if text_in.strip() else [])
    turn = answer_turn(assistant, text_in, history_q, ui_lang)
    record = {"question": turn.question, "answer": turn.text, "error": turn.error}
    last = None
    for part in stream_text(turn.text, delay):
        last = base + [{"role": "assistant", "content": answer_markdown(turn, part)}]
        yield last, None
    final = base + [{"role": "assistant", "content": answer_markdown(turn)}] + source_cards(turn)
    yield final, record


def turn_at(messages, index) -> dict | None:
    """The question/answer pair around the assistant message at ``index`` (for a 👍/👎 click)."""
    if not messages:
        return None
    if isinstance(index, (list, tuple)):
        index = index[0]
    try:
        i = int(index)
    except (TypeError, ValueError):
        return None
    i = max(0, min(i, len(messages) - 1))
    # The answer is the first plain assistant message after the last user message at or before i.
    q_idx = next((k for k in range(i, -1, -1) if messages[k].get("role") == "user"), None)
    if q_idx is None:
        return None
    ans = next((m for m in messages[q_idx + 1:] if m.get("role") == "assistant" and not m.get("metadata")), None)
    if ans is None:
        return None
    return {"question": message_text(messages[q_idx].get("content")),
            "answer": message_text(ans.get("content"))}
