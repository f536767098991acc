"""Pydantic models of the HTTP API: OpenAI's request and response shapes, plus tmo's fields.

What it does: the chat-completion request (unknown fields ignored, as OpenAI does; sampling
fields typed, so a wrong type is a 422, but without effect), the completion and its stream
chunk, the model list, the error object and the health reply. The models give the OpenAPI
schema (``/openapi.json``) that clients and the schema fuzzer read.

What it leaves out: the mapping from an answer to these shapes (:mod:`.chat`) and HTTP (:mod:`.app`).
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MODEL_ID = "tmo"
MODEL_CREATED = 1_764_374_400  # 2025-11-29, a fixed date: the "model" is this knowledge base


class _In(BaseModel):
    """Request models ignore unknown fields (OpenAI adds fields often; clients send their own)."""

    model_config = ConfigDict(extra="ignore")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- request -------------------------------------------------------------------------------------

class ContentPart(_In):
    """One part of a multi-part message; only ``text`` parts are read (images are ignored)."""

    type: str = Field(description="'text' parts are read; other parts (image_url, input_audio...) are ignored")
    text: str | None = None


class Message(_In):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None
    name: str | None = None


class StreamOptions(_In):
    include_usage: bool = False


class ChatCompletionRequest(_In):
    """OpenAI's request. The last ``user`` message is the question; the earlier user messages are
    the conversation (follow-ups resolve against them). System and assistant messages are read by
    no one: the answer comes from the source only."""

    model: str = Field(default=MODEL_ID, description="any name is accepted; the reply says 'tmo'")
    # minItems is documented, not enforced by pydantic: an empty list gets the API's own 400 message.
    messages: list[Message] = Field(description="at least one message; the last user message is the question",
                                    json_schema_extra={"minItems": 1})
    stream: bool = Field(default=False, description="true: Server-Sent Events of chat.completion.chunk")
    stream_options: StreamOptions | None = None
    # Accepted for compatibility, no effect: answers are extractive and deterministic, one choice.
    temperature: float | None = Field(default=None, description="accepted, no effect")
    top_p: float | None = Field(default=None, description="accepted, no effect")
    n: int | None = Field(default=None, description="accepted, no effect: one choice is returned")
    max_tokens: int | None = Field(default=None, description="accepted, no effect: the answer is never cut")
    max_completion_tokens: int | None = Field(default=None, description="accepted, no effect")
    stop: str | list[str] | None = Field(default=None, description="accepted, no effect")
    presence_penalty: float | None = Field(default=None, description="accepted, no effect")
    frequency_penalty: float | None = Field(default=None, description="accepted, no effect")
    seed: int | None = Field(default=None, description="accepted, no effect (answers are deterministic)")
    user: str | None = Field(default=None, description="accepted, never logged")

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [
        {"model": "tmo", "messages": [{"role": "user", "content": "What does the MRI show?"}]},
        {"model": "tmo", "stream": True, "messages": [
            {"role": "user", "content": "Quel traitement a reçu le patient ?"},
            {"role": "assistant", "content": "..."}, {"role": "user", "content": "Pendant combien de temps ?"}]}]})


# -- responses -----------------------------------------------------------------------------------

class Citation(BaseModel):
    """A cited paragraph of the source: its id (the ``[id]`` marker in the content), its section,
    the verbatim quote and the retrieval score. Extra keys of ``tmo ask --json`` (``lang``) pass."""

    model_config = ConfigDict(extra="allow")
    id: str
    section: str
    quote: str
    score: float


class AssistantMessage(_Out):
    role: Literal["assistant"] = "assistant"
    content: str
    refusal: None = None


class Choice(_Out):
    index: int = 0
    message: AssistantMessage
    logprobs: None = None
    finish_reason: Literal["stop"] = "stop"


class Usage(_Out):
    """Words and punctuation marks, not a language model's tokens (tmo has no such tokenizer)."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(_Out):
    """OpenAI's ``chat.completion``, every standard field kept, plus tmo's ``citations``,
    ``abstained`` and ``lang`` at the top level (beside OpenAI's fields, never instead of them)."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    system_fingerprint: str
    choices: list[Choice]
    usage: Usage
    citations: list[Citation] = Field(description="the paragraphs the answer quotes; [id] markers in the content")
    abstained: bool = Field(description="true when the source does not say (the content says what is missing)")
    lang: Literal["fr", "en"] = Field(description="the answer's language, which follows the question's")


class Delta(_Out):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(_Out):
    index: int = 0
    delta: dict[str, Any]
    logprobs: None = None
    finish_reason: Literal["stop"] | None = None


class ChatCompletionChunk(BaseModel):
    """One Server-Sent Event of a streamed reply (``data: {...}``). The citations chunk carries
    ``citations``, ``abstained`` and ``lang``; the usage chunk (``stream_options.include_usage``)
    has no choices."""

    model_config = ConfigDict(extra="allow")
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str = MODEL_ID
    system_fingerprint: str
    choices: list[ChunkChoice]


class ModelCard(_Out):
    id: str = MODEL_ID
    object: Literal["model"] = "model"
    created: int = MODEL_CREATED
    owned_by: str = "tmo"


class ModelList(_Out):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class ErrorDetail(_Out):
    message: str = Field(description="what went wrong and how to fix it")
    type: str = Field(description="invalid_request_error, authentication_error or server_error")
    param: str | None = Field(default=None, description="the field at fault, e.g. messages[0].content")
    code: str | None = Field(default=None, description="a stable, machine-readable code")


class ErrorResponse(_Out):
    """OpenAI's error object: every error the API returns has this shape."""

    error: ErrorDetail


class Health(_Out):
    status: Literal["ok"] = "ok"
    model: str = MODEL_ID
    version: str
    embedder: str
    pid: int = Field(description="the worker process that answered (several workers share the port)")
