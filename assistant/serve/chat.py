"""From OpenAI messages to a tmo question, and from a tmo answer to OpenAI's completion shapes.

What it does: :func:`conversation` takes the last user message as the question and the earlier
user messages as the history (oldest first, as ``Assistant.ask(history=...)`` wants);
:func:`with_markers` puts ``[id]`` markers of the cited paragraphs at the end of the answer lines
they support (:func:`strip_markers` takes them off again, exactly); :func:`completion` builds the
``chat.completion`` dict and :func:`stream_events` the Server-Sent Events of a streamed reply.

What it leaves out: answering (``Assistant.ask``) and HTTP (:mod:`.app`). Pure functions: no I/O.
"""
from __future__ import annotations

import json
import re
import time
import uuid

from .. import __version__
from .errors import APIError
from .schemas import MODEL_ID, ChatCompletionRequest, Message

FINGERPRINT = f"tmo-{__version__}"
STREAM_PIECE_CHARS = 48  # content is sent in pieces of about this size, cut after whitespace
MIN_MARKED_WORDS = 4  # a line shorter than this gets no marker of its own
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"\w+|[^\w\s]")


def text_of(message: Message) -> str:
    """The text of a message: its string, or its ``text`` parts joined by newlines."""
    if message.content is None:
        return ""
    if isinstance(message.content, str):
        return message.content
    return "\n".join(p.text for p in message.content if p.type == "text" and p.text)


def conversation(req: ChatCompletionRequest) -> tuple[str, list[str]]:
    """(question, history): the last user message, and the user messages before it, oldest first."""
    if not req.messages:
        raise APIError(400, "'messages' is empty; send at least one message: "
                            '[{"role": "user", "content": "your question"}]', param="messages", code="empty_messages")
    users = [i for i, m in enumerate(req.messages) if m.role == "user"]
    if not users:
        raise APIError(400, "no message has role 'user'; the last user message is the question",
                       param="messages", code="no_user_message")
    last = users[-1]
    question = text_of(req.messages[last])
    if not question.strip():
        raise APIError(400, f"messages[{last}] (the last user message) has no text; put the question in its "
                            "'content'", param=f"messages[{last}].content", code="empty_question")
    history = [t for t in (text_of(req.messages[i]) for i in users[:-1]) if t.strip()]
    return question, history


def _printable_len(text: str) -> int:
    return len("".join(ch for ch in text if ch.isprintable() or ch in "\n\t").strip())


def query_error(exc: Exception, question: str, limit: int, param: str = "messages") -> APIError:
    """A refused question (``QueryError``): 413 when it is over the length limit, else 400."""
    if _printable_len(question) > limit:
        return APIError(413, f"{exc}", param=param, code="question_too_long")
    return APIError(400, f"{exc}", param=param, code="invalid_question")


# -- [id] markers ----------------------------------------------------------------------------------

def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def with_markers(answer: str, citations: list[dict]) -> str:
    """The answer with `` [id]`` after each line that a cited quote supports.

    A line takes the id of the quote that shares most of its words (at least half); a cited id
    that supports no line goes at the end. Ids already in the answer (a generated answer has
    them) are not added again.
    """
    if not citations:
        return answer
    lines = answer.split("\n")
    tags: list[list[str]] = [[] for _ in lines]
    used: set[str] = set()
    quotes = [(c["id"], _words(c.get("quote") or "")) for c in citations]
    for i, line in enumerate(lines):
        lw = _words(line)
        if len(lw) < MIN_MARKED_WORDS or line.rstrip().endswith(":"):
            continue  # a heading ('Treatment:') or a fragment: no quote stands behind it alone
        best_id, best = None, 0.0
        for cid, qw in quotes:
            score = len(lw & qw) / len(lw)
            if score > best:
                best_id, best = cid, score
        if best_id is not None and best >= 0.5 and f"[{best_id}]" not in line:
            tags[i].append(best_id)
            used.add(best_id)
    rest = [cid for cid in dict.fromkeys(c["id"] for c in citations) if cid not in used and f"[{cid}]" not in answer]
    last = max((i for i, line in enumerate(lines) if line.strip()), default=len(lines) - 1)
    tags[last].extend(rest)
    return "\n".join(line + "".join(f" [{t}]" for t in tag) for line, tag in zip(lines, tags))


def strip_markers(content: str, ids) -> str:
    """Undo :func:`with_markers` for these ids: the answer exactly as ``Assistant.ask`` gave it."""
    ids = sorted(set(ids), key=len, reverse=True)
    if not ids:
        return content
    alt = "|".join(re.escape(i) for i in ids)
    return re.sub(rf"(?: \[(?:{alt})\])+(?=\n|$)", "", content)


# -- completion shapes -----------------------------------------------------------------------------

def count_tokens(text: str) -> int:
    """Words and punctuation marks: an honest stand-in, tmo has no language-model tokenizer."""
    return len(_TOKEN.findall(text))


def usage(req: ChatCompletionRequest, content: str) -> dict:
    prompt = sum(count_tokens(text_of(m)) for m in req.messages)
    completion_ = count_tokens(content)
    return {"prompt_tokens": prompt, "completion_tokens": completion_, "total_tokens": prompt + completion_}


def new_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def tmo_fields(ans: dict) -> dict:
    """tmo's fields beside OpenAI's: the citations, whether it abstained, the answer's language."""
    return {"citations": ans["citations"], "abstained": bool(ans["abstained"]), "lang": ans["lang"]}


def completion(ans: dict, req: ChatCompletionRequest, content: str, cid: str | None = None,
               created: int | None = None) -> dict:
    """The ``chat.completion`` object: every standard field, then ``citations``, ``abstained``, ``lang``."""
    return {
        "id": cid or new_id(),
        "object": "chat.completion",
        "created": created or int(time.time()),
        "model": MODEL_ID,
        "system_fingerprint": FINGERPRINT,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": usage(req, content),
        **tmo_fields(ans),
    }


def pieces(content: str, size: int = STREAM_PIECE_CHARS) -> list[str]:
    """The content cut after whitespace into pieces of about ``size`` characters; they join back to it."""
    out: list[str] = []
    cur = ""
    for tok in re.findall(r"\S+\s*|\s+", content):
        if cur and len(cur) + len(tok) > size:
            out.append(cur)
            cur = ""
        cur += tok
    if cur:
        out.append(cur)
    return out


def stream_events(ans: dict, req: ChatCompletionRequest, content: str, cid: str | None = None,
                  created: int | None = None) -> list[str]:
    """The Server-Sent Events of a streamed reply, in order.

    A role chunk (``content: ""``), the content pieces, one chunk with an empty delta that carries
    ``citations``/``abstained``/``lang``, a last empty-delta chunk with ``finish_reason: "stop"``
    (clients skip the delta of that chunk, so it holds no text), the usage chunk (no choices) when
    ``stream_options.include_usage``, then ``data: [DONE]``. The answer is never repeated.
    """
    base = {"id": cid or new_id(), "object": "chat.completion.chunk", "created": created or int(time.time()),
            "model": MODEL_ID, "system_fingerprint": FINGERPRINT}
    with_usage = bool(req.stream_options and req.stream_options.include_usage)
    extra = {"usage": None} if with_usage else {}

    def chunk(delta: dict, finish: str | None = None, **more) -> dict:
        return {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
                **extra, **more}

    chunks = [chunk({"role": "assistant", "content": ""})]
    chunks += [chunk({"content": p}) for p in pieces(content)]
    chunks.append(chunk({}, **tmo_fields(ans)))
    chunks.append(chunk({}, "stop"))
    if with_usage:
        chunks.append({**base, "choices": [], "usage": usage(req, content)})
    events = [f"data: {json.dumps(c, ensure_ascii=False)}\n\n" for c in chunks]
    events.append("data: [DONE]\n\n")
    return events
