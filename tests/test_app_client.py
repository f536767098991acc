"""The launched app through gradio_client: ``/chat`` in French and English, follow-ups through the
API session, ``/check``, and 20 simultaneous clients without an error.

One app on 127.0.0.1 and a free port for the module (hash embedder: no model to load), closed
at the end.
"""
from __future__ import annotations

import socket
import threading
import time

import pytest

pytest.importorskip("gradio")
gradio_client = pytest.importorskip("gradio_client")

from assistant.api import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402

pytestmark = [pytest.mark.slow,
              # gradio's queue uses pandas options that pandas 3 deprecates; not ours to fix
              pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recording:
    def __init__(self, inner) -> None:
        self.inner = inner
        self.histories: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()

    def ask(self, question, history=None, lang=None):
        with self._lock:
            self.histories.append((question, list(history or [])))
        return self.inner.ask(question, history=history, lang=lang)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from assistant.app import build_app, serve

    inner = Assistant(Settings(index_dir=tmp_path_factory.mktemp("app-client-index"), embedder="hash"))
    rec = Recording(inner)
    app = build_app(rec, stream_delay=0.005)
    url = serve(app, "127.0.0.1", free_port(), concurrency=16)
    try:
        yield url, rec, inner
    finally:
        app.close()


@pytest.mark.parametrize("question,lang", [("Quels sont les facteurs de risque ?", "fr"),
                                           ("What is seen on MRI?", "en")])
def test_chat_api_answers_in_the_question_language(served, question, lang):
    url, _, inner = served
    client = gradio_client.Client(url, verbose=False)
    got = client.predict(question, api_name="/chat")
    expected = inner.ask(question)
    assert expected.lang == lang
    assert got == expected.answer


def test_chat_api_keeps_the_conversation_per_client(served):
    url, rec, _ = served
    client = gradio_client.Client(url, verbose=False)
    client.predict("Quels sont les facteurs de risque ?", api_name="/chat")
    client.predict("Et le traitement ?", api_name="/chat")
    assert ("Et le traitement ?", ["Quels sont les facteurs de risque ?"]) in rec.histories
    other = gradio_client.Client(url, verbose=False)  # a new session starts afresh
    other.predict("What is the treatment?", api_name="/chat")
    assert ("What is the treatment?", []) in rec.histories


def test_chat_api_empty_question_is_a_message(served):
    url, _, _ = served
    got = gradio_client.Client(url, verbose=False).predict("", api_name="/chat")
    assert got.startswith("⚠️") and "empty" in got


def test_check_api_free_text_and_json(served):
    url, _, _ = served
    client = gradio_client.Client(url, verbose=False)
    rep = client.predict("A 70-year-old man with a hot, red, swollen knee and fever at 39 °C; MRI: bone marrow edema.",
                         api_name="/check")
    assert rep["verdict"] == "unlikely" and any(d["id"] == "septic_arthritis" for d in rep["differentials"])
    rep = client.predict('{"lang": "fr", "age": 50, "episodes": [{"joint": "knee", "mri": {"bone_marrow_edema": true}}]}',
                         api_name="/check")
    assert rep["lang"] == "fr" and rep["criteria"]
    assert "error" in client.predict('{"age": 500}', api_name="/check")


def test_twenty_simultaneous_clients_without_errors(served):
    url, _, _ = served
    questions = ["Quels sont les facteurs de risque ?", "What is seen on MRI?", "Quel traitement ?",
                 "How long does it last?", "Quelles articulations sont touchées ?"]
    errors: list[str] = []
    answers: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def user(i: int) -> None:
        try:
            client = gradio_client.Client(url, verbose=False)
            start.wait(timeout=60)
            for k in range(2):
                a = client.predict(questions[(i + k) % len(questions)], api_name="/chat")
                with lock:
                    answers.append(a)
        except Exception as exc:  # noqa: BLE001 - every failure is counted
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not any(th.is_alive() for th in threads), "a client hung"
    assert errors == []
    assert len(answers) == 40 and all(a and not a.startswith("⚠️") for a in answers)
    assert time.perf_counter() - t0 < 90
