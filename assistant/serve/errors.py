"""OpenAI error objects for every failure: ``{"error": {"message", "type", "param", "code"}}``.

What it does: :class:`APIError` (raised by the routes), and the exception handlers that turn
FastAPI's own errors into the same shape: malformed JSON, a missing field or a body that is not
an object -> 400; a wrong type -> 422; a body too large -> 413; an unknown route -> 404; a wrong
method -> 405; anything unexpected -> 500 ``server_error``. Messages say how to fix the problem.

What it leaves out: logging of what was sent. A validation message names the field and the
expected type, never the value; an unexpected error is logged by type and code location only,
never with its message (it could quote the question).
"""
from __future__ import annotations

import logging
import traceback

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("tmo.serve")

ROUTES_HINT = "the API has GET /v1/models, POST /v1/chat/completions, POST /v1/check and GET /healthz"


class APIError(Exception):
    """An error to send as an OpenAI error object with ``status``."""

    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.param, self.code = status, message, type, param, code
        self.headers = headers

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


class BodyTooLarge(StarletteHTTPException):
    """Raised while the body is read; a subclass of HTTPException so FastAPI re-raises it as is."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over {limit:,} bytes; send one conversation of "
                              "reasonable size (a question is at most a few thousand characters)")


def too_large(limit: int) -> APIError:
    return APIError(413, BodyTooLarge(limit).detail, code="request_too_large")


_UNION_LABELS = frozenset({"str", "int", "float", "bool", "none", "dict", "list"})


def _param(loc) -> str | None:
    """('body', 'messages', 0, 'content') -> 'messages[0].content'."""
    out = ""
    for part in loc:
        if part == "body" and not out:
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in _UNION_LABELS or "[" in str(part) or "-" in str(part):
            continue  # pydantic's union branch labels ('str', 'list[ContentPart]', 'function-after')
        else:
            out += f".{part}" if out else str(part)
    return out or None


def validation_error(exc: RequestValidationError) -> APIError:
    errors = exc.errors()
    first = errors[0] if errors else {"type": "missing", "loc": ("body",), "msg": "no body"}
    kinds = {e.get("type") for e in errors}
    param = _param(first.get("loc", ()))
    if "json_invalid" in kinds:
        return APIError(400, "the body is not valid JSON; send a JSON object such as "
                             '{"model": "tmo", "messages": [{"role": "user", "content": "..."}]}',
                        code="invalid_json")
    if param is None:  # the body itself: missing, or not an object
        return APIError(400, "the body must be a JSON object sent with 'Content-Type: application/json', e.g. "
                             '{"model": "tmo", "messages": [{"role": "user", "content": "..."}]}',
                        code="invalid_body")
    if first.get("type") == "missing":
        return APIError(400, f"missing required parameter: '{param}'", param=param, code="missing_required_parameter")
    # Wrong type or value: pydantic's message names the expected type, never the value sent.
    msgs = "; ".join(f"{_param(e.get('loc', ())) or 'body'}: {e.get('msg', 'invalid value')}" for e in errors[:3])
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return APIError(422, f"invalid value: {msgs}{more}; see /openapi.json for the expected types",
                    param=param, code="invalid_type")


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the OpenAI shape."""

    @app.exception_handler(APIError)
    async def _api(_: Request, exc: APIError):
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError):
        return validation_error(exc).response()

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            err = APIError(404, f"no route {request.method} {request.url.path}; {ROUTES_HINT}", code="not_found")
        elif exc.status_code == 405:
            err = APIError(405, f"{request.method} is not allowed on {request.url.path}; {ROUTES_HINT}",
                           code="method_not_allowed", headers=getattr(exc, "headers", None))
        elif exc.status_code == 413:
            err = APIError(413, str(exc.detail), code="request_too_large")
        elif exc.status_code == 400:
            err = APIError(400, "the body could not be read as JSON; send a JSON object", code="invalid_json")
        else:
            err = APIError(exc.status_code, str(exc.detail),
                           type="server_error" if exc.status_code >= 500 else "invalid_request_error")
        return err.response()


def internal(exc: BaseException, where: str) -> APIError:
    """Log an unexpected error without its message (it may quote the question); a 500 to send."""
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    at = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames))
    log.error("unexpected %s in %s at %s", type(exc).__name__, where, at or "?")
    return APIError(500, "the server failed on this request; it was logged without its content. "
                         "Try again, or report the time of the failure", type="server_error", code="internal_error")
