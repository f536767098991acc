"""``tmo serve``: an OpenAI-compatible HTTP API over :class:`assistant.Assistant`.

What it does: ``GET /v1/models``, ``POST /v1/chat/completions`` (plain JSON and ``stream: true``
Server-Sent Events in OpenAI's shapes, with the sources in a top-level ``citations`` list),
``POST /v1/check`` (the ``tmo check --json`` report), ``GET /healthz``; OpenAI error objects for
bad input; an optional bearer key (``TMO_API_KEY``). It runs on uvicorn with several worker
processes; each worker loads the assistant once and keeps no state between requests, so any
worker (or replica behind a load balancer) answers any request.

Modules: :mod:`.schemas` (pydantic request and response models), :mod:`.chat` (messages -> question
and history, answer -> completion and stream chunks), :mod:`.errors` (OpenAI error objects),
:mod:`.app` (the FastAPI app factory), :mod:`.run` (uvicorn, workers, logging).

What it leaves out: answering itself (``Assistant.ask``), sessions (the client sends the whole
conversation each time, as with OpenAI), tool calls, several choices (``n``), sampling parameters
(accepted, no effect: answers are extractive and deterministic), TLS (put a reverse proxy in front).

Importing this package imports fastapi; the ``tmo`` CLI imports it only inside ``tmo serve``.
"""
from __future__ import annotations

__all__ = ["create_app", "run"]


def __getattr__(name: str):
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "run":
        from .run import run

        return run
    raise AttributeError(name)
