"""Schema fuzzing of ``tmo serve`` with schemathesis: requests generated from the API's own
OpenAPI schema, valid ones and invalid ones, sent to a live server on 127.0.0.1.

What it checks: no 5xx; every error is an OpenAI error object (``error`` with ``message``,
``type``, ``param``, ``code``) served as JSON; every response conforms to the schema (status
codes and bodies the schema declares). Bounded: a fixed number of examples per operation and
mode (``TMO_FUZZ_EXAMPLES``, default 50), derandomised, hash embedder (no model), a few seconds.
"""
from __future__ import annotations

import os

import pytest

schemathesis = pytest.importorskip("schemathesis")
requests = pytest.importorskip("requests")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from assistant.settings import Settings  # noqa: E402

pytestmark = pytest.mark.slow
EXAMPLES = int(os.environ.get("TMO_FUZZ_EXAMPLES", "50"))
# (path, method, modes): an operation without inputs has no invalid request to generate.
OPERATIONS = [("/v1/chat/completions", "POST", ("positive", "negative")), ("/v1/check", "POST", ("positive", "negative")),
              ("/v1/models/{model}", "GET", ("positive",)), ("/v1/models", "GET", ("positive",)),
              ("/healthz", "GET", ("positive",))]
CASES = [(path, method, mode) for path, method, modes in OPERATIONS for mode in modes]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from assistant import Assistant
    from assistant.serve.app import create_app
    from assistant.serve.run import ThreadServer

    a = Assistant(Settings(embedder="hash", index_dir=tmp_path_factory.mktemp("serve-fuzz-index")))
    app = create_app(assistant=a, api_key="")
    schema = schemathesis.openapi.from_dict(app.fastapi.openapi())
    with ThreadServer(app) as url:
        with requests.Session() as session:
            yield url, schema, session


def _is_openai_error(resp) -> bool:
    try:
        body = resp.json()
    except ValueError:
        return False
    err = body.get("error") if isinstance(body, dict) else None
    return (isinstance(err, dict) and set(err) == {"message", "type", "param", "code"}
            and isinstance(err["message"], str) and err["message"] and isinstance(err["type"], str))


@pytest.mark.parametrize("path,method,mode", CASES)
def test_schema_fuzz_no_server_error_and_openai_errors(live, path, method, mode):
    url, schema, session = live
    op = schema[path][method]
    gen_mode = schemathesis.GenerationMode(mode)
    checks = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance,
              schemathesis.checks.content_type_conformance, schemathesis.checks.response_schema_conformance]
    seen: list[int] = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=op.as_strategy(generation_mode=gen_mode))
    def run(case):
        resp = case.call(base_url=url, session=session, timeout=10)
        seen.append(resp.status_code)
        assert resp.status_code < 500, f"{resp.status_code} for {case.body!r:.300}"
        if resp.status_code >= 400:
            assert _is_openai_error(resp), f"not an OpenAI error object: {resp.text[:300]}"
            ctype = resp.headers.get("content-type") or [""]
            assert (ctype[0] if isinstance(ctype, list) else ctype).startswith("application/json")
        case.validate_response(resp, checks=checks)

    run()
    assert seen, "no request was sent"
    if path == "/v1/chat/completions" and mode == "positive":
        assert 200 in seen, f"no generated request was answered: {sorted(set(seen))}"
