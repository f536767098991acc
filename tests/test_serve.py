"""``tmo serve`` in process (starlette's TestClient, hash embedder: no model to load): the OpenAI
shapes, the exact stream sequence, the conversation handed to ``Assistant.ask``, every error as
an OpenAI error object with its status, the API key, ``/v1/check`` as ``tmo check --json``, the
logs (no question text), the ``[id]`` markers, and the CLI (lazy imports, loopback default).

The live-server tests (the ``openai`` client, LangChain, two workers, the real embedder) are in
``test_serve_live.py``; the schema fuzzing in ``test_serve_fuzz.py``.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from assistant.serve import chat  # noqa: E402
from assistant.serve.app import create_app  # noqa: E402

CHAT = "/v1/chat/completions"
Q_FR = "Quels sont les facteurs de risque ?"
Q_EN = "What is seen on MRI?"


class Recording:
    """The real (hash) assistant, recording each ask's question and history."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.calls: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()

    def ask(self, question, history=None, lang=None):
        with self._lock:
            self.calls.append((question, list(history or [])))
        return self.inner.ask(question, history=history, lang=lang)

    def __getattr__(self, name):
        return getattr(self.inner, name)


class Failing:
    """An assistant whose ask fails unexpectedly, with the question in the exception message."""

    def __init__(self, inner) -> None:
        self.settings = inner.settings

    def ask(self, question, history=None, lang=None):
        raise RuntimeError(f"boom while answering {question!r}")


@pytest.fixture(scope="module")
def rec(hash_assistant):
    return Recording(hash_assistant)


@pytest.fixture(scope="module")
def client(rec):
    with TestClient(create_app(assistant=rec, api_key="")) as c:
        yield c


def user(text):
    return {"role": "user", "content": text}


def post(client, body, **kw):
    return client.post(CHAT, json=body, **kw)


def assert_openai_error(resp, status, param=None, code=None):
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert isinstance(err["message"], str) and len(err["message"]) > 10
    assert err["type"] == ("server_error" if status >= 500 else "invalid_request_error")
    if param is not None:
        assert err["param"] == param
    if code is not None:
        assert err["code"] == code
    return err


# -- the OpenAI shapes ---------------------------------------------------------------------------

def test_models_and_health(client):
    r = client.get("/v1/models")
    assert r.status_code == 200
    assert r.json()["object"] == "list"
    assert [m["id"] for m in r.json()["data"]] == ["tmo"]
    assert set(r.json()["data"][0]) == {"id", "object", "created", "owned_by"}
    assert client.get("/v1/models/tmo").json()["id"] == "tmo"
    assert_openai_error(client.get("/v1/models/gpt-4"), 404, param="model", code="model_not_found")
    h = client.get("/healthz").json()
    assert h["status"] == "ok" and h["model"] == "tmo" and h["embedder"] == "hash"


@pytest.mark.parametrize("question,lang", [(Q_FR, "fr"), (Q_EN, "en")])
def test_completion_has_every_openai_field_and_the_sources_beside_them(client, hash_assistant, question, lang):
    r = post(client, {"model": "tmo", "messages": [user(question)]})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    d = r.json()
    assert list(d)[:7] == ["id", "object", "created", "model", "system_fingerprint", "choices", "usage"]
    assert d["id"].startswith("chatcmpl-") and d["object"] == "chat.completion" and d["model"] == "tmo"
    assert isinstance(d["created"], int)
    (choice,) = d["choices"]
    assert choice["index"] == 0 and choice["finish_reason"] == "stop" and choice["logprobs"] is None
    assert choice["message"]["role"] == "assistant"
    u = d["usage"]
    assert u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"] and u["completion_tokens"] > 0
    expected = hash_assistant.ask(question).to_json()
    assert d["lang"] == lang == expected["lang"]
    assert d["abstained"] is expected["abstained"]
    assert d["citations"] == expected["citations"]
    assert all({"id", "section", "quote", "score"} <= set(c) for c in d["citations"])
    content = choice["message"]["content"]
    assert content == chat.with_markers(expected["answer"], expected["citations"])
    assert chat.strip_markers(content, [c["id"] for c in expected["citations"]]) == expected["answer"]
    if expected["citations"]:
        assert any(f"[{c['id']}]" in content for c in expected["citations"])


def test_sampling_fields_and_unknown_fields_are_accepted_without_effect(client):
    plain = post(client, {"messages": [user(Q_EN)]}).json()
    tuned = post(client, {"model": "gpt-4o", "messages": [user(Q_EN)], "temperature": 1.7, "top_p": 0.1,
                          "max_tokens": 3, "n": 1, "stop": ["."], "seed": 7, "presence_penalty": 1,
                          "frequency_penalty": -1, "user": "u1", "logprobs": True, "tools": [],
                          "response_format": {"type": "text"}, "some_future_field": {"x": 1}}).json()
    assert tuned["choices"][0]["message"]["content"] == plain["choices"][0]["message"]["content"]
    assert tuned["citations"] == plain["citations"]
    assert tuned["model"] == "tmo"


def test_the_last_user_message_is_the_question_and_earlier_user_messages_the_history(client, rec):
    rec.calls.clear()
    msgs = [{"role": "system", "content": "You are a helpful assistant."},
            user("What treatment did the patient receive?"),
            {"role": "assistant", "content": "He was given alendronate."},
            {"role": "user", "content": [{"type": "text", "text": "How long for?"},
                                         {"type": "image_url", "image_url": {"url": "data:,"}}]}]
    r = post(client, {"messages": msgs})
    assert r.status_code == 200
    assert rec.calls == [("How long for?", ["What treatment did the patient receive?"])]
    expected = rec.inner.ask("How long for?", history=["What treatment did the patient receive?"]).to_json()
    assert r.json()["choices"][0]["message"]["content"] == chat.with_markers(expected["answer"], expected["citations"])


def test_stream_defaults_to_false(client):
    r = post(client, {"messages": [user(Q_EN)]})
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["object"] == "chat.completion"


def sse(resp) -> list[str]:
    """The data payloads of a Server-Sent Events body; asserts the framing (``data: `` with its space)."""
    assert resp.headers["content-type"].startswith("text/event-stream")
    events = resp.text.split("\n\n")
    assert events[-1] == ""
    out = []
    for e in events[:-1]:
        assert e.startswith("data: "), e[:80]
        out.append(e[len("data: "):])
    return out


@pytest.mark.parametrize("include_usage", [False, True])
def test_stream_sends_role_content_citations_finish_then_done(client, include_usage):
    plain = post(client, {"messages": [user(Q_FR)]}).json()
    body = {"messages": [user(Q_FR)], "stream": True}
    if include_usage:
        body["stream_options"] = {"include_usage": True}
    data = sse(post(client, body))
    assert data[-1] == "[DONE]"
    chunks = [json.loads(x) for x in data[:-1]]
    assert len({c["id"] for c in chunks}) == 1 and chunks[0]["id"].startswith("chatcmpl-")
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == "tmo" for c in chunks)
    if include_usage:
        *chunks, last = chunks
        assert last["choices"] == [] and last["usage"] == plain["usage"]
        assert all(c["usage"] is None for c in chunks)
    else:
        assert all("usage" not in c for c in chunks)
    first, *middle, cites, finish = chunks
    assert first["choices"] == [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                 "logprobs": None, "finish_reason": None}]
    assert middle, "no content chunk"
    for c in middle:
        (ch,) = c["choices"]
        assert set(ch["delta"]) == {"content"} and ch["finish_reason"] is None
        assert "citations" not in c
    assert "".join(c["choices"][0]["delta"]["content"] for c in middle) == plain["choices"][0]["message"]["content"]
    assert cites["choices"] == [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": None}]
    assert cites["citations"] == plain["citations"] and cites["lang"] == "fr" and cites["abstained"] is False
    assert finish["choices"] == [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}]
    assert "citations" not in finish


def test_an_abstention_is_an_answer_with_no_citations(client):
    d = post(client, {"messages": [user("What is the capital of Australia?")]}).json()
    assert d["abstained"] is True and d["citations"] == []
    assert d["choices"][0]["message"]["content"] and "[" not in d["choices"][0]["message"]["content"]


# -- errors --------------------------------------------------------------------------------------

BAD = [
    # (description, request kwargs, status, param, code)
    ("invalid JSON", {"content": b'{"messages": [', "headers": {"content-type": "application/json"}}, 400, None, "invalid_json"),
    ("not JSON at all", {"content": b"\xff\xfe garbage", "headers": {"content-type": "application/json"}}, 400, None, None),
    ("deeply nested JSON", {"content": b"[" * 100_000, "headers": {"content-type": "application/json"}}, 400, None, None),
    ("a list, not an object", {"json": [user(Q_EN)]}, 400, None, "invalid_body"),
    ("no body", {}, 400, None, None),
    ("no messages field", {"json": {"model": "tmo"}}, 400, "messages", "missing_required_parameter"),
    ("empty messages", {"json": {"messages": []}}, 400, "messages", "empty_messages"),
    ("no user message", {"json": {"messages": [{"role": "system", "content": "hi"}]}}, 400, "messages", "no_user_message"),
    ("message without role", {"json": {"messages": [{"content": "hi"}]}}, 400, "messages[0].role", None),
    ("empty question", {"json": {"messages": [user("   ")]}}, 400, "messages[0].content", "empty_question"),
    ("no words", {"json": {"messages": [user("?!… 🙂")]}}, 400, "messages[0].content", "invalid_question"),
    ("question over the limit", {"json": {"messages": [user("knee " * 1000)]}}, 413, "messages[0].content",
     "question_too_long"),
    ("body over the limit", {"json": {"messages": [user("x" * 1_100_000)]}}, 413, None, "request_too_large"),
    ("messages is a string", {"json": {"messages": "hello"}}, 422, "messages", "invalid_type"),
    ("unknown role", {"json": {"messages": [{"role": "robot", "content": "hi"}]}}, 422, "messages[0].role", "invalid_type"),
    ("content is a number", {"json": {"messages": [{"role": "user", "content": 42}]}}, 422, "messages[0].content", None),
    ("temperature is text", {"json": {"messages": [user(Q_EN)], "temperature": "hot"}}, 422, "temperature", None),
    ("stream is not a boolean", {"json": {"messages": [user(Q_EN)], "stream": "maybe"}}, 422, "stream", None),
]


@pytest.mark.parametrize("what,kwargs,status,param,code", BAD, ids=[b[0] for b in BAD])
def test_bad_input_gets_an_openai_error_with_the_right_status(client, what, kwargs, status, param, code):
    assert_openai_error(client.post(CHAT, **kwargs), status, param=param, code=code)


def test_a_streamed_request_with_bad_input_gets_the_error_as_json_not_a_stream(client):
    assert_openai_error(post(client, {"messages": [], "stream": True}), 400, code="empty_messages")


def test_body_limit_holds_without_content_length(rec):
    app = create_app(assistant=rec, api_key="", max_body=1000)
    with TestClient(app) as c:
        def gen():
            yield b'{"messages": [{"role": "user", "content": "'
            yield b"x" * 5000
            yield b'"}]}'
        r = c.post(CHAT, content=gen(), headers={"content-type": "application/json"})
    assert_openai_error(r, 413, code="request_too_large")


def test_unknown_route_and_wrong_method(client):
    assert_openai_error(client.get("/v1/engines"), 404, code="not_found")
    assert_openai_error(client.get(CHAT), 405, code="method_not_allowed")


def test_an_unexpected_failure_is_an_openai_500_logged_without_the_question(hash_assistant, caplog):
    secret = "Xylophonic zebra question"
    with TestClient(create_app(assistant=Failing(hash_assistant), api_key=""), raise_server_exceptions=False) as c:
        with caplog.at_level(logging.DEBUG):
            r = post(c, {"messages": [user(secret)]})
    assert_openai_error(r, 500, code="internal_error")
    assert secret not in r.text
    assert any("RuntimeError" in rec.getMessage() for rec in caplog.records)
    assert secret not in caplog.text and "Xylophonic" not in caplog.text


# -- API key -------------------------------------------------------------------------------------

def test_api_key_is_required_when_set(rec):
    with TestClient(create_app(assistant=rec, api_key="s3cret-key")) as c:
        err = assert_openai_error(post(c, {"messages": [user(Q_EN)]}), 401, code="missing_api_key")
        assert "Authorization: Bearer" in err["message"]
        assert_openai_error(post(c, {"messages": [user(Q_EN)]}, headers={"Authorization": "Bearer wrong"}),
                            401, code="invalid_api_key")
        assert_openai_error(post(c, {"messages": [user(Q_EN)]}, headers={"Authorization": "Basic s3cret-key"}),
                            401, code="invalid_api_key")
        assert_openai_error(c.get("/v1/models"), 401)
        ok = post(c, {"messages": [user(Q_EN)]}, headers={"Authorization": "Bearer s3cret-key"})
        assert ok.status_code == 200 and ok.json()["choices"][0]["message"]["content"]
        assert c.get("/healthz").status_code == 200  # load balancers probe without a key


def test_api_key_comes_from_the_environment(rec, monkeypatch):
    monkeypatch.setenv("TMO_API_KEY", "from-env")
    with TestClient(create_app(assistant=rec)) as c:
        assert c.get("/v1/models").status_code == 401
        assert c.get("/v1/models", headers={"Authorization": "Bearer from-env"}).status_code == 200


# -- /v1/check -----------------------------------------------------------------------------------

CASE = {"lang": "en", "age": 50, "sex": "male", "onset": "sudden", "trauma": False,
        "episodes": [{"joint": "knee", "side": "right", "mri": {"bone_marrow_edema": True}}]}
TEXT = "Homme de 50 ans, gonalgie droite brutale sans traumatisme. IRM : œdème du condyle interne."


@pytest.mark.parametrize("body,arg,lang", [(CASE, CASE, None), ({"text": TEXT}, TEXT, None),
                                           ({"text": TEXT, "lang": "en"}, TEXT, "en")])
def test_check_gives_the_report_of_tmo_check_json(client, body, arg, lang):
    from assistant.checker import check

    r = client.post("/v1/check", json=body)
    assert r.status_code == 200
    expected = json.loads(json.dumps(check(arg, lang).to_dict(), ensure_ascii=False))
    assert r.json() == expected
    assert r.json()["verdict"] in {"confirmed", "probable", "possible", "unlikely", "insufficient"}


@pytest.mark.parametrize("body,status,param", [
    ({"agee": 50}, 422, None),
    ({"labs": {"crp": "high"}}, 422, None),
    ({"text": 42}, 422, "text"),
    ({"text": TEXT, "lang": "de"}, 422, "lang"),
    ({"text": "genou " * 5000}, 413, "text"),
    ([CASE], 400, None),
])
def test_check_errors_are_openai_errors(client, body, status, param):
    err = assert_openai_error(client.post("/v1/check", json=body), status, param=param)
    if body == {"agee": 50}:
        assert "age" in err["message"]  # the checker's own fix: did you mean `age`?


# -- logs ----------------------------------------------------------------------------------------

def test_access_log_has_paths_but_no_question_nor_query_string(client, caplog):
    secret = "Zanzibarian femoral question"
    with caplog.at_level(logging.DEBUG):
        post(client, {"messages": [user(secret)], "user": "patient-007"})
        client.post(CHAT + "?q=Zanzibarian", json={"messages": [user(secret)]})
        post(client, {"messages": [user(secret * 200)]})  # an error path too
    lines = [r.getMessage() for r in caplog.records if r.name == "tmo.serve.access"]
    assert len(lines) == 3 and all('"POST /v1/chat/completions"' in x for x in lines)
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(("tmo", "uvicorn", "fastapi")))
    assert ours and "Zanzibarian" not in ours and "patient-007" not in ours


# -- markers and pieces --------------------------------------------------------------------------

def test_markers_go_after_the_lines_they_support_and_come_off_exactly():
    answer = "Treatment:\n- Offloading of the limb is the treatment of choice.\n- Calcitonin may shorten it."
    cites = [{"id": "disc-2", "quote": "Offloading of the affected limb remains the treatment of choice."},
             {"id": "case-4", "quote": "An unrelated sentence about the patient's first MRI."}]
    content = chat.with_markers(answer, cites)
    assert content == ("Treatment:\n- Offloading of the limb is the treatment of choice. [disc-2]\n"
                       "- Calcitonin may shorten it. [case-4]")
    assert chat.strip_markers(content, ["disc-2", "case-4"]) == answer
    assert chat.with_markers("Already cited [disc-2].", cites[:1]) == "Already cited [disc-2]."
    assert chat.with_markers("No sources.", []) == "No sources."


@pytest.mark.parametrize("text", ["", "one", "  leading and trailing  ", "a\n\n- b c d e f g h i j k l m n o p q r s t u v w x y z " * 5])
def test_stream_pieces_join_back_to_the_content(text):
    parts = chat.pieces(text)
    assert "".join(parts) == text
    assert all(parts) and all(len(p) <= chat.STREAM_PIECE_CHARS + 30 for p in parts)


# -- CLI -----------------------------------------------------------------------------------------

def test_the_cli_does_not_import_fastapi_or_uvicorn_unless_serve_runs():
    code = ("import sys, assistant.cli; from typer.testing import CliRunner; "
            "r = CliRunner().invoke(assistant.cli.app, ['serve', '--help']); "
            "print(r.exit_code, 'fastapi' in sys.modules, 'uvicorn' in sys.modules, '127.0.0.1' in r.output, "
            "'8000' in r.output, '--workers' in r.output)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["0", "False", "False", "True", "True", "True"], out.stderr[-2000:]


def test_loopback_detection_and_bad_flags():
    from assistant.serve.run import is_loopback, run

    assert all(is_loopback(h) for h in ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
    assert not any(is_loopback(h) for h in ["0.0.0.0", "::", "192.168.1.10", "example.org"])
    assert run(workers=0) == 2 and run(port=0) == 2


def test_the_workers_socket_turns_nagle_off_on_accepted_connections():
    """``--workers N`` binds the socket in the parent; uvicorn leaves its proto at 0, and asyncio then
    leaves Nagle on, so keep-alive requests waited ~40 ms each for delayed ACKs (uvicorn #3149)."""
    import asyncio
    import socket

    from assistant.serve.run import TCPConfig

    config = TCPConfig("assistant.serve.app:worker_app", factory=True, host="127.0.0.1", port=0, workers=2)
    sock = config.bind_socket()
    assert sock.proto == socket.IPPROTO_TCP and sock.get_inheritable()
    seen = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport):
            seen.append(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def main():
        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        _, w = await asyncio.open_connection(*sock.getsockname()[:2])
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        w.close()
        server.close()

    asyncio.run(main())
    assert seen and seen[0] != 0


def test_answers_wait_their_turn_beyond_the_concurrency_limit(hash_assistant):
    """At most ``concurrency`` answers are computed at once in a worker; the rest queue."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    active, peak, lock = [0], [0], threading.Lock()

    class Slow(Recording):
        def ask(self, question, history=None, lang=None):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            time.sleep(0.05)
            with lock:
                active[0] -= 1
            return self.inner.ask(question, history=history, lang=lang)

    with TestClient(create_app(assistant=Slow(hash_assistant), api_key="", concurrency=2)) as c:
        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda _: post(c, {"messages": [user(Q_EN)]}).status_code, range(8)))
    assert codes == [200] * 8
    assert peak[0] == 2
