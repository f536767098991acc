"""The FastAPI app factory of ``tmo serve``.

What it does: :func:`create_app` loads the assistant once (or takes one) and returns an app with
``GET /v1/models``, ``GET /v1/models/{id}``, ``POST /v1/chat/completions``, ``POST /v1/check``,
``GET /healthz`` and ``GET /openapi.json``. Three small ASGI layers wrap it: a body-size limit
(413), an optional bearer key on ``/v1/*`` (``TMO_API_KEY``; 401), and an access log of method,
path, status and time, never a query string nor a body. uvicorn calls ``create_app`` with no
argument in each worker (``factory=True``, through :func:`worker_app`); settings then come from
``TMO_*`` variables.

What it leaves out: uvicorn, workers and logging set-up (:mod:`.run`); the OpenAI shapes
(:mod:`.chat`, :mod:`.schemas`); state between requests (none: any worker answers any request).
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import time
from typing import Any

from fastapi import Body, FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from .. import __version__
from . import chat, errors
from .errors import APIError
from .schemas import (MODEL_ID, ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ErrorResponse,
                      Health, ModelCard, ModelList)

MAX_BODY_BYTES = 1_000_000
# Answers computed at once per worker. Answering is CPU-bound Python (the GIL): more threads add
# no throughput, only switching, and with dozens of them one slow answer is stretched by all the
# others (and the event loop waits for the GIL too). Queued requests wait their turn in order.
DEFAULT_CONCURRENCY = 2
access_log = logging.getLogger("tmo.serve.access")

_ERRORS = {status: {"model": ErrorResponse, "description": what} for status, what in [
    (400, "malformed JSON, a missing field, empty messages or no question"),
    (401, "TMO_API_KEY is set and the Authorization: Bearer key is missing or wrong"),
    (413, "the body, the question or the case text is too large"),
    (422, "a field has the wrong type or value"),
]}

CHECK_EXAMPLE = {"text": "Homme de 50 ans, gonalgie droite brutale sans traumatisme. IRM : œdème du condyle interne."}


def _send_error(send, err: APIError):
    body = json.dumps(err.body()).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    for k, v in (err.headers or {}).items():
        headers.append((k.lower().encode(), v.encode()))

    async def go():
        await send({"type": "http.response.start", "status": err.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
    return go()


class Guard:
    """ASGI layer: body-size limit, optional bearer key on /v1/*, and the access log (no bodies)."""

    def __init__(self, app, api_key: str | None, max_body: int = MAX_BODY_BYTES) -> None:
        self.app, self.api_key, self.max_body = app, api_key or None, max_body
        self.fastapi = app  # the FastAPI app inside (its .openapi(), its .state.assistant)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        t0 = time.perf_counter()
        status = [0]

        async def send_logged(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            err = self._refuse(scope)
            if err is not None:
                await _send_error(send_logged, err)
                return
            received = 0

            async def limited():
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > self.max_body:
                        raise errors.BodyTooLarge(self.max_body)
                return message

            try:
                await self.app(scope, limited, send_logged)
            except errors.BodyTooLarge:
                if not status[0]:
                    await _send_error(send_logged, errors.too_large(self.max_body))
        finally:
            client = scope.get("client") or ("-", 0)
            # Path only: never the query string, a header or the body.
            access_log.info('%s:%s - "%s %s" %s %.0f ms', client[0], client[1], scope.get("method"),
                            scope.get("path"), status[0] or "-", (time.perf_counter() - t0) * 1000)

    def _refuse(self, scope) -> APIError | None:
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return errors.too_large(self.max_body)
        if self.api_key and scope.get("path", "").startswith("/v1"):
            auth = headers.get(b"authorization", b"").decode("latin-1")
            scheme, _, key = auth.partition(" ")
            if not auth:
                return APIError(401, "this server needs an API key: send the header 'Authorization: Bearer <key>' "
                                     "(the key is the server's TMO_API_KEY)", code="missing_api_key",
                                headers={"WWW-Authenticate": "Bearer"})
            if scheme.lower() != "bearer" or not hmac.compare_digest(key.strip().encode(), self.api_key.encode()):
                return APIError(401, "incorrect API key; send 'Authorization: Bearer <key>' with the server's "
                                     "TMO_API_KEY", code="invalid_api_key", headers={"WWW-Authenticate": "Bearer"})
        return None


def create_app(assistant=None, settings=None, api_key: str | None = None, max_body: int = MAX_BODY_BYTES,
               concurrency: int | None = None):
    """The ASGI app. ``assistant`` defaults to ``Assistant(settings or Settings.from_env())``,
    ``api_key`` to ``TMO_API_KEY`` (empty: no key needed), ``concurrency`` (answers computed at
    once in this process; the others wait their turn, first come first served) to
    ``TMO_SERVE_CONCURRENCY``, else :data:`DEFAULT_CONCURRENCY`."""
    if assistant is None:
        from .. import Assistant
        from ..settings import Settings

        assistant = Assistant(settings or Settings.from_env())
    if api_key is None:
        api_key = os.environ.get("TMO_API_KEY") or None
    from ..retriever import QueryError

    limit = assistant.settings.max_question_chars
    concurrency = concurrency or int(os.environ.get("TMO_SERVE_CONCURRENCY") or DEFAULT_CONCURRENCY)
    turns: dict = {}  # one semaphore per event loop (a test may serve the app from several)

    async def compute(fn, *args, **kwargs):
        """Run CPU-bound work in a thread, at most ``concurrency`` at a time (asyncio's FIFO)."""
        loop = asyncio.get_running_loop()
        if loop not in turns:
            turns[loop] = asyncio.Semaphore(max(1, concurrency))
        async with turns[loop]:
            return await run_in_threadpool(fn, *args, **kwargs)

    app = FastAPI(title="tmo", version=__version__, docs_url=None, redoc_url=None,
                  description="OpenAI-compatible API of tmo, a bilingual (FR/EN) assistant on transient "
                              "migratory osteoporosis. Educational aid, not a diagnosis.")
    errors.install(app)

    @app.get("/healthz", response_model=Health, tags=["ops"])
    def healthz():
        """Liveness: the worker has loaded the assistant. Needs no key."""
        return {"version": __version__, "embedder": str(assistant.settings.embedder), "pid": os.getpid()}

    @app.get("/v1/models", response_model=ModelList, responses=_ERRORS, tags=["openai"])
    def models():
        """The one model, ``tmo``."""
        return {"data": [ModelCard().model_dump()]}

    @app.get("/v1/models/{model}", response_model=ModelCard, tags=["openai"],
             responses={**_ERRORS, 404: {"model": ErrorResponse, "description": "no such model"}})
    def model(model: str):
        if model != MODEL_ID:
            raise APIError(404, f"the model '{model[:100]}' does not exist; the only model is 'tmo'",
                           param="model", code="model_not_found")
        return ModelCard().model_dump()

    @app.post("/v1/chat/completions", tags=["openai"], response_model=ChatCompletion, responses={
        **_ERRORS, 200: {"description": "a chat.completion; with stream: true, Server-Sent Events of "
                                        "chat.completion.chunk, then data: [DONE]",
                         "content": {"text/event-stream": {"schema": ChatCompletionChunk.model_json_schema()}}}})
    async def chat_completions(req: ChatCompletionRequest):
        """OpenAI's chat completion. The last user message is the question, earlier user messages the
        conversation. The content carries ``[id]`` markers; the sources are in the top-level
        ``citations`` (with ``abstained`` and ``lang``). Sampling fields are accepted, with no effect."""
        question, history = chat.conversation(req)
        try:
            ans = await compute(assistant.ask, question, history=history)
        except QueryError as exc:
            raise chat.query_error(exc, question, limit, param=f"messages[{_last_user(req)}].content") from None
        except Exception as exc:  # noqa: BLE001 - logged without its message, sent as an OpenAI 500
            raise errors.internal(exc, "chat.completions") from None
        d = ans.to_json()
        content = chat.with_markers(d["answer"], d["citations"])
        if req.stream:
            events = chat.stream_events(d, req, content)

            async def gen():
                for e in events:
                    yield e
            return StreamingResponse(gen(), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        return JSONResponse(chat.completion(d, req, content))

    @app.post("/v1/check", tags=["tmo"], responses={
        **_ERRORS, 200: {"description": "the report of `tmo check --json`: verdict, criteria, differentials, "
                                        "migratory, unknowns, disclaimer..."}})
    async def check(case: dict[str, Any] = Body(..., examples=[CHECK_EXAMPLE],
                                                description='a structured case (knowledge/case.schema.json) '
                                                            'or {"text": "free text", "lang": "fr"|"en"}')):
        """Grade case details against the criteria: the same report as ``tmo check --json``."""
        from ..checker import CaseError, check as check_case

        lang = None
        if "text" in case and set(case) <= {"text", "lang"}:
            obj = case["text"]
            lang = case.get("lang")
            if not isinstance(obj, str):
                raise APIError(422, "'text' must be a string of case details (French or English)",
                               param="text", code="invalid_type")
            if lang not in (None, "fr", "en"):
                raise APIError(422, "'lang' must be 'fr' or 'en' (or left out: the text's language)",
                               param="lang", code="invalid_value")
            max_text = _max_text_chars()
            if len(obj) > max_text:
                raise APIError(413, f"'text' is {len(obj):,} characters; the checker reads at most {max_text:,}. "
                                    "Give the case details only", param="text", code="text_too_long")
        else:
            obj = case
        try:
            report = await compute(check_case, obj, lang)
        except CaseError as exc:
            raise APIError(422, str(exc), param=getattr(exc, "field", None), code="invalid_case") from None
        except (RecursionError, ValueError) as exc:
            raise APIError(422, f"the case could not be read ({type(exc).__name__}); see knowledge/case.schema.json",
                           code="invalid_case") from None
        except Exception as exc:  # noqa: BLE001
            raise errors.internal(exc, "check") from None
        return JSONResponse(report.to_dict())

    app.state.assistant = assistant
    return Guard(app, api_key, max_body)


def _last_user(req: ChatCompletionRequest) -> int:
    return max(i for i, m in enumerate(req.messages) if m.role == "user")


def _max_text_chars() -> int:
    try:
        from ..checker.extract import MAX_TEXT_CHARS
    except ImportError:  # pragma: no cover - the checker's own limit then applies
        return 10**9
    return MAX_TEXT_CHARS


def worker_app():
    """uvicorn's factory in each worker process: :func:`create_app` from ``TMO_*`` variables.

    A worker that cannot load the assistant logs one line and exits with uvicorn's start-up
    failure code, so the parent stops instead of restarting workers that fail the same way.
    """
    try:
        return create_app()
    except Exception as exc:  # noqa: BLE001
        import sys

        from uvicorn.config import STARTUP_FAILURE

        logging.getLogger("tmo.serve").error("a worker could not load the assistant: %s", exc)
        sys.exit(STARTUP_FAILURE)
