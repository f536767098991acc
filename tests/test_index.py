"""The persisted index: round trip, stale and corrupted indexes rebuilt, unwritable folder, no pickle."""
from __future__ import annotations

import json

import pytest

from assistant.embedders import get_embedder
from assistant.index import MANIFEST, VECTORS, load_or_build
from assistant.knowledge import load_knowledge


@pytest.fixture
def kb():
    return load_knowledge()


@pytest.fixture
def emb():
    return get_embedder("hash")


def test_round_trip_writes_manifest_and_loads_without_rebuild(tmp_path, kb, emb, capsys):
    built = load_or_build(kb, emb, tmp_path)
    m = json.loads((tmp_path / MANIFEST).read_text())
    assert m["embedder"] == emb.id and m["dim"] == emb.dim and m["knowledge_digest"] == kb.digest
    assert m["count"] == len(built.chunks) and m["format_version"] >= 1
    again = load_or_build(kb, emb, tmp_path)
    assert again.manifest["vectors_sha256"] == m["vectors_sha256"]
    assert "rebuilding" not in capsys.readouterr().err
    # No pickle anywhere: metadata is JSON, vectors are FAISS's own format.
    for f in tmp_path.iterdir():
        assert not f.read_bytes().startswith(b"\x80"), f"{f} looks like a pickle"


def test_stale_knowledge_is_rebuilt_with_a_notice(tmp_path, knowledge_copy, emb, capsys):
    load_or_build(load_knowledge(knowledge_copy), emb, tmp_path)
    p = knowledge_copy / "paragraphs.yaml"
    p.write_text(p.read_text().replace("54 years old", "54 years of age"))
    kb2 = load_knowledge(knowledge_copy)
    vi = load_or_build(kb2, emb, tmp_path)
    assert "stale" in capsys.readouterr().err
    assert vi.manifest["knowledge_digest"] == kb2.digest


def test_other_embedder_makes_index_stale(tmp_path, kb, capsys):
    load_or_build(kb, get_embedder("hash"), tmp_path)
    load_or_build(kb, get_embedder("hash:128"), tmp_path)
    assert "stale" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["truncate_vectors", "garbage_manifest", "delete_chunks", "old_format"])
def test_corrupted_index_is_rebuilt_never_half_loaded(tmp_path, kb, emb, capsys, damage):
    vi = load_or_build(kb, emb, tmp_path)
    if damage == "truncate_vectors":
        data = (tmp_path / VECTORS).read_bytes()
        (tmp_path / VECTORS).write_bytes(data[: len(data) // 2])
    elif damage == "garbage_manifest":
        (tmp_path / MANIFEST).write_text("{not json")
    elif damage == "delete_chunks":
        (tmp_path / "chunks.json").unlink()
    else:
        m = json.loads((tmp_path / MANIFEST).read_text())
        m["format_version"] = 0
        (tmp_path / MANIFEST).write_text(json.dumps(m))
    again = load_or_build(kb, emb, tmp_path)
    err = capsys.readouterr().err
    assert "rebuilding" in err
    assert len(again.chunks) == len(vi.chunks) and again.faiss_index.ntotal == len(vi.chunks)


def test_unwritable_folder_falls_back_to_memory(tmp_path, kb, emb, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    vi = load_or_build(kb, emb, blocker / "index")  # cannot mkdir under a file, even as root
    assert vi.faiss_index.ntotal == len(vi.chunks)
    assert "in memory only" in capsys.readouterr().err
