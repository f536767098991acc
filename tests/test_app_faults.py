"""Faults while the app runs: the index folder deleted, truncated or replaced under a running
assistant, and the next start. The app keeps answering from what it loaded; the next start
rebuilds with a notice; nothing half-written is left behind."""
from __future__ import annotations

import shutil

import pytest

from assistant.api import Assistant
from assistant.app import chat as chat_h
from assistant.settings import Settings


@pytest.fixture
def running(tmp_path):
    index_dir = tmp_path / "index"
    return Assistant(Settings(embedder="hash", index_dir=index_dir)), index_dir


def _answer(assistant, q="What are the risk factors?"):
    return "".join(chat_h.api_chat(assistant, q, []))


@pytest.mark.parametrize("damage", ["delete", "truncate", "garbage_manifest"])
def test_running_app_keeps_answering_and_next_start_rebuilds(running, damage, capsys):
    assistant, index_dir = running
    before = _answer(assistant)
    if damage == "delete":
        shutil.rmtree(index_dir)
    elif damage == "truncate":
        p = index_dir / "vectors.faiss"
        p.write_bytes(p.read_bytes()[:100])
    else:
        (index_dir / "manifest.json").write_text("{oops")
    assert _answer(assistant) == before  # the loaded index is in memory: nothing changes
    restarted = Assistant(Settings(embedder="hash", index_dir=index_dir))
    assert _answer(restarted) == before
    err = capsys.readouterr().err
    assert damage == "delete" or "rebuilding" in err
    assert not [p for p in index_dir.iterdir() if p.name.endswith(".tmp")]
