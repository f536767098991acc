"""``tmo serve`` as a real process on a free loopback port, used by real clients.

- the official ``openai`` Python client: a plain answer, a streamed one, a follow-up, bad input;
- the same answers as ``tmo ask --json`` for the same questions (default setup, real embedder);
- LangChain's ``ChatOpenAI`` pointed at it, in a small prompt | model | parser chain;
- two worker processes behind one port, bound to 127.0.0.1 only;
- a second server with ``TMO_API_KEY`` set (hash embedder);
- the server's log holds paths and statuses, never a question.

Servers are started with a timeout, stopped (SIGTERM, then SIGKILL of their own process group)
at the end of the module.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

openai = pytest.importorskip("openai")
httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")

from assistant.serve import chat  # noqa: E402

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT = float(os.environ.get("TMO_SERVE_START_TIMEOUT", "240"))  # a stale index is rebuilt first
QUESTIONS = ["Quels sont les facteurs de risque ?", "What is seen on MRI?",
             "What dose of alendronate was he given?", "Quelle ville est la capitale de l'Australie ?"]
FIRST, FOLLOW = "What treatment did the patient receive?", "How long for?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "TMO_API_KEY"}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1", **extra)
    return env


class Served:
    """``python -m assistant.cli serve ...`` on a free port; the log goes to a file."""

    def __init__(self, log: Path, args: list[str], env: dict) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._fh = open(log, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(self.port), *args],
                                     stdout=self._fh, stderr=subprocess.STDOUT, env=env, cwd=REPO,
                                     start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                self.stop()
                pytest.fail(f"tmo serve exited with {self.proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"tmo serve did not answer within {START_TIMEOUT:.0f} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)

    def workers(self) -> set[int]:
        """The worker processes: children of the server, less multiprocessing's resource tracker."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        kids = {int(x) for x in path.read_text().split()} if path.exists() else set()
        return {k for k in kids if b"resource_tracker" not in Path(f"/proc/{k}/cmdline").read_bytes()}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # our own session: the server and its workers
                self.proc.wait(timeout=5)
        self._fh.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Served(tmp_path_factory.mktemp("serve-live") / "server.log", ["--workers", "2"], _env())
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    d = tmp_path_factory.mktemp("serve-key")
    s = Served(d / "server.log", ["--workers", "1", "--embedder", "hash", "--index-dir", str(d / "index")],
               _env(TMO_API_KEY="live-test-key"))
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server.url + "/v1", api_key="unused", max_retries=0, timeout=60)


@pytest.fixture(scope="module")
def tmo_ask():
    """``tmo ask --json`` on the questions (one process, one JSON line per question)."""
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", "--json"], input="\n".join(QUESTIONS) + "\n",
                         capture_output=True, text=True, timeout=START_TIMEOUT, env=_env(), cwd=REPO)
    assert out.returncode == 0, out.stderr[-2000:]
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert [r["question"] for r in rows] == QUESTIONS
    return dict(zip(QUESTIONS, rows))


def ask(client, *messages, **kw):
    return client.chat.completions.create(model="tmo", messages=list(messages), **kw)


def user(text):
    return {"role": "user", "content": text}


def test_models_list_through_the_openai_client(client):
    assert [m.id for m in client.models.list()] == ["tmo"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_serve_answers_the_same_as_tmo_ask(client, tmo_ask, question):
    expected = tmo_ask[question]
    resp = ask(client, user(question))
    content = resp.choices[0].message.content
    assert content == chat.with_markers(expected["answer"], expected["citations"])
    assert chat.strip_markers(content, [c["id"] for c in expected["citations"]]) == expected["answer"]
    extra = resp.model_extra
    assert extra["citations"] == expected["citations"]
    assert extra["lang"] == expected["lang"] and extra["abstained"] is expected["abstained"]
    # the standard fields are all there (AnythingLLM's users lost index and usage when fields were dropped)
    assert resp.object == "chat.completion" and resp.model == "tmo" and resp.id.startswith("chatcmpl-")
    assert resp.choices[0].index == 0 and resp.choices[0].finish_reason == "stop"
    assert resp.choices[0].message.role == "assistant"
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens > 0


def test_streamed_answer_through_the_openai_client(client):
    q = QUESTIONS[0]
    plain = ask(client, user(q))
    chunks = list(ask(client, user(q), stream=True))
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content
    with_cites = [c for c in chunks if (c.model_extra or {}).get("citations") is not None]
    assert len(with_cites) == 1 and with_cites[0].model_extra["citations"] == plain.model_extra["citations"]
    assert with_cites[0].choices[0].delta.content is None and with_cites[0].choices[0].finish_reason is None
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop" and last.choices[0].delta.content is None
    assert [c.choices[0].finish_reason for c in chunks].count("stop") == 1
    assert chunks.index(with_cites[0]) == len(chunks) - 2  # citations after the content, before the finish


def test_raw_stream_framing(server):
    body = {"model": "tmo", "stream": True, "messages": [user(QUESTIONS[1])]}
    with httpx.stream("POST", server.url + "/v1/chat/completions", json=body, timeout=30) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        raw = "".join(r.iter_text())
    events = raw.split("\n\n")
    assert events[-1] == "" and events[-2] == "data: [DONE]"
    assert all(e.startswith("data: {") for e in events[:-2])


def test_follow_up_resolves_against_the_conversation(client, assistant):
    first = ask(client, user(FIRST))
    resp = ask(client, user(FIRST), {"role": "assistant", "content": first.choices[0].message.content}, user(FOLLOW))
    expected = assistant.ask(FOLLOW, history=[FIRST]).to_json()
    alone = assistant.ask(FOLLOW).to_json()
    assert expected["answer"] != alone["answer"], "the follow-up does not depend on the conversation"
    assert resp.choices[0].message.content == chat.with_markers(expected["answer"], expected["citations"])
    assert resp.model_extra["citations"] == expected["citations"]


def test_bad_input_through_the_openai_client(client, server):
    with pytest.raises(openai.BadRequestError) as e:
        ask(client)
    assert e.value.status_code == 400 and e.value.code == "empty_messages" and e.value.param == "messages"
    with pytest.raises(openai.BadRequestError) as e:
        ask(client, {"role": "system", "content": "Be brief."})
    assert e.value.code == "no_user_message"
    with pytest.raises(openai.APIStatusError) as e:
        ask(client, user("knee pain " * 400))
    assert e.value.status_code == 413 and "2000" in e.value.message
    with pytest.raises(openai.UnprocessableEntityError) as e:
        ask(client, {"role": "user", "content": 42})
    assert e.value.param == "messages[0].content"
    r = httpx.post(server.url + "/v1/chat/completions", content=b"{nope", timeout=10,
                   headers={"content-type": "application/json"})
    assert r.status_code == 400 and set(r.json()["error"]) == {"message", "type", "param", "code"}


def test_langchain_chat_openai_in_a_chain(server, client):
    pytest.importorskip("langchain_openai")
    from langchain_core.messages import AIMessage, HumanMessage
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(base_url=server.url + "/v1", api_key="unused", model="tmo", max_retries=0, timeout=60)
    chain = ChatPromptTemplate.from_messages([("human", "{question}")]) | llm | StrOutputParser()
    q = QUESTIONS[1]
    expected = ask(client, user(q)).choices[0].message.content
    assert chain.invoke({"question": q}) == expected
    assert "".join(chain.stream({"question": q})) == expected
    first = ask(client, user(FIRST)).choices[0].message.content
    follow = ask(client, user(FIRST), {"role": "assistant", "content": first}, user(FOLLOW)).choices[0].message.content
    assert llm.invoke([HumanMessage(FIRST), AIMessage(first), HumanMessage(FOLLOW)]).content == follow


def test_two_workers_share_the_port_on_loopback_only(server):
    kids = server.workers()
    assert len(kids) == 2, f"expected 2 worker processes, found {kids}"
    pids: set[int] = set()
    lock = threading.Lock()

    def probe():
        for _ in range(10):
            pid = httpx.get(server.url + "/healthz", timeout=10).json()["pid"]
            with lock:
                pids.add(pid)

    threads = [threading.Thread(target=probe) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert pids and pids <= kids, (pids, kids)
    # Listening sockets of this port: 127.0.0.1 only (/proc/net/tcp: state 0A, address 0100007F).
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, port = local.rsplit(":", 1)
            if state == "0A" and int(port, 16) == server.port:
                listening.append(addr)
    assert listening == ["0100007F"], listening


def test_api_key_through_the_openai_client(keyed):
    good = openai.OpenAI(base_url=keyed.url + "/v1", api_key="live-test-key", max_retries=0, timeout=30)
    bad = openai.OpenAI(base_url=keyed.url + "/v1", api_key="wrong", max_retries=0, timeout=30)
    with pytest.raises(openai.AuthenticationError) as e:
        ask(bad, user(QUESTIONS[1]))
    assert e.value.status_code == 401 and e.value.code == "invalid_api_key"
    r = httpx.post(keyed.url + "/v1/chat/completions", json={"messages": [user(QUESTIONS[1])]}, timeout=10)
    assert r.status_code == 401 and r.json()["error"]["code"] == "missing_api_key"
    assert r.headers.get("www-authenticate") == "Bearer"
    assert ask(good, user(QUESTIONS[1])).choices[0].message.content
    assert httpx.get(keyed.url + "/healthz", timeout=10).status_code == 200
    assert "live-test-key" not in keyed.log.read_text()


def test_check_endpoint_live(server):
    text = "Femme enceinte de 34 SA, douleur brutale de hanche gauche, IRM : œdème de la tête fémorale."
    r = httpx.post(server.url + "/v1/check", json={"text": text}, timeout=30)
    assert r.status_code == 200
    d = r.json()
    assert d["verdict"] in {"confirmed", "probable", "possible", "unlikely", "insufficient"}
    assert {"criteria", "differentials", "migratory"} <= set(d)


def test_the_log_has_paths_and_statuses_but_no_question(server, client):
    secret = "Quelle est la posologie du Quokkamab chez le patient ?"
    ask(client, user(secret))
    ask(client, user(secret), stream=True).close()
    with pytest.raises(openai.APIStatusError):
        ask(client, user(secret * 60))
    time.sleep(0.5)
    log = server.log.read_text()
    assert '"POST /v1/chat/completions" 200' in log and '"POST /v1/chat/completions" 413' in log
    assert "Quokkamab" not in log and "posologie" not in log
    assert "Traceback" not in log
