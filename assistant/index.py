"""The persisted FAISS index under ``index/``, with a manifest checked on every load.

What it does: embeds the chunks, writes ``vectors.faiss`` (FAISS's own format), ``chunks.json``
and ``manifest.json`` (format version, embedder id and dimension, chunking parameters, the
knowledge digest and the vectors file's hash). Every file is written to a temp file and
renamed, manifest last, so a crash never leaves a half-written index that loads. ``load_or_build``
rebuilds a stale index (knowledge or embedder changed) with a one-line notice, and a
corrupted one with a clear message; a read-only folder is used in memory only.

The question bank (``knowledge/bank/``) is embedded with the same model, as queries, into
``bank.faiss``: a question is matched against the questions people ask, next to the passages.

The shipped ``index/`` is never rewritten by a stale load: a rebuilt index goes to a cache
folder keyed by embedder and knowledge digest (``$TMO_CACHE_DIR``, else ``~/.cache/tmo``), so
switching embedders back and forth is instant and the checkout stays clean. ``tmo index``
(and an explicit ``TMO_INDEX_DIR``) writes where it is told.

What it leaves out: pickles (none: metadata is JSON) and approximate FAISS indexes, which
only pay off far beyond this corpus (see bench/README.md); the index type is recorded so a
bigger corpus can switch.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .chunks import Chunk, make_chunks
from .embedders import Embedder
from .bank import bank_digest, load_bank
from .knowledge import KnowledgeBase
from .text import strip_topic_name

FORMAT_VERSION = 4
VECTORS, CHUNKS, MANIFEST, BANK = "vectors.faiss", "chunks.json", "manifest.json", "bank.faiss"


class IndexError_(RuntimeError):
    """The index on disk cannot be used; the message says why and what was done."""


@dataclass
class VectorIndex:
    chunks: list[Chunk]
    faiss_index: object
    manifest: dict
    bank_vectors: np.ndarray | None = None
    folder: Path | None = None  # where it was loaded from or saved to (None: memory only)

    def search(self, query_vec: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self.chunks))
        scores, ids = self.faiss_index.search(np.asarray(query_vec, dtype="float32").reshape(1, -1), k)
        return scores[0], ids[0]

    def all_scores(self, query_vec: np.ndarray) -> np.ndarray:
        """Cosine score of every chunk (exact; the corpus is small)."""
        scores, ids = self.search(query_vec, len(self.chunks))
        out = np.full(len(self.chunks), -1.0, dtype="float32")
        valid = ids >= 0
        out[ids[valid]] = scores[valid]
        return out


def _chunks_digest(chunks: list[Chunk]) -> str:
    h = hashlib.sha256()
    for c in chunks:
        h.update(f"{c.id}\x00{c.text}\x00".encode())
    return h.hexdigest()[:16]


def _manifest_for(kb: KnowledgeBase, embedder: Embedder, sentence_views: bool, max_words: int) -> dict:
    # The chunks' own digest catches changes in how chunks are made, not only in the knowledge.
    return {
        "format_version": FORMAT_VERSION,
        "embedder": embedder.id,
        "dim": int(embedder.dim),
        "chunking": {"sentence_views": sentence_views, "max_words": max_words},
        "knowledge_digest": kb.digest,
        "bank_digest": bank_digest(kb.root) if kb.root else "",
        "chunks_digest": _chunks_digest(make_chunks(kb, sentence_views, max_words)),
        "index_type": "IndexFlatIP",
    }


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the index is shared data, not a secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build(kb: KnowledgeBase, embedder: Embedder, sentence_views: bool = True, max_words: int = 260,
          progress: Callable[[int, int], None] | None = None) -> VectorIndex:
    import faiss

    chunks = make_chunks(kb, sentence_views, max_words)
    vecs = embedder.embed_passages([c.text for c in chunks], progress=progress)
    index = faiss.IndexFlatIP(int(embedder.dim))
    index.add(vecs)
    manifest = _manifest_for(kb, embedder, sentence_views, max_words)
    # Bank questions are embedded as queries, without the disease's name (every question has it).
    bank = [strip_topic_name(e.text) or e.text for e in load_bank(kb)]
    bank_vecs = _embed_queries(embedder, bank)
    manifest["count"] = len(chunks)
    manifest["bank_count"] = len(bank)
    manifest["built_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return VectorIndex(chunks, index, manifest, bank_vecs)


def _embed_queries(embedder: Embedder, texts: list[str]) -> np.ndarray:
    out = [embedder.embed_batch(texts[i:i + embedder.batch_size], "query")
           for i in range(0, len(texts), embedder.batch_size)]
    return np.vstack(out).astype("float32") if out else np.zeros((0, int(embedder.dim)), dtype="float32")


def _flat_blob(vecs: np.ndarray, dim: int) -> bytes:
    import faiss

    idx = faiss.IndexFlatIP(dim)
    if len(vecs):
        idx.add(np.ascontiguousarray(vecs, dtype="float32"))
    return faiss.serialize_index(idx).tobytes()


def save(vi: VectorIndex, folder: Path) -> None:
    import faiss

    folder.mkdir(parents=True, exist_ok=True)
    blob = faiss.serialize_index(vi.faiss_index).tobytes()
    chunks_blob = json.dumps([c.to_json() for c in vi.chunks], ensure_ascii=False).encode()
    bank_vecs = vi.bank_vectors if vi.bank_vectors is not None else np.zeros((0, vi.faiss_index.d), "float32")
    bank_blob = _flat_blob(bank_vecs, vi.faiss_index.d)
    manifest = dict(vi.manifest, vectors_sha256=hashlib.sha256(blob).hexdigest(),
                    chunks_sha256=hashlib.sha256(chunks_blob).hexdigest(),
                    bank_sha256=hashlib.sha256(bank_blob).hexdigest())
    _atomic_write(folder / VECTORS, blob)
    _atomic_write(folder / CHUNKS, chunks_blob)
    _atomic_write(folder / BANK, bank_blob)
    # The manifest goes last: an index without a matching manifest is never loaded.
    _atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2).encode())
    vi.manifest = manifest
    vi.folder = folder


def load(folder: Path, expected: dict) -> VectorIndex:
    """Load and verify; raise IndexError_ saying whether it is missing, stale or corrupted."""
    import faiss

    mpath = folder / MANIFEST
    if not mpath.is_file():
        raise IndexError_("missing")
    try:
        manifest = json.loads(mpath.read_text())
        if not isinstance(manifest, dict):
            raise ValueError("not an object")
    except (ValueError, UnicodeDecodeError) as exc:
        raise IndexError_(f"corrupted manifest ({exc})") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexError_(f"stale: format {manifest.get('format_version')} != {FORMAT_VERSION}")
    for key in ("embedder", "dim", "chunking", "knowledge_digest", "bank_digest", "chunks_digest"):
        if manifest.get(key) != expected[key]:
            raise IndexError_(f"stale: {key} changed ({manifest.get(key)!r} -> {expected[key]!r})")
    try:
        blob = (folder / VECTORS).read_bytes()
        chunks_blob = (folder / CHUNKS).read_bytes()
        bank_blob = (folder / BANK).read_bytes()
    except OSError as exc:
        raise IndexError_(f"corrupted: {exc.strerror or exc}") from None
    if hashlib.sha256(blob).hexdigest() != manifest.get("vectors_sha256") or \
            hashlib.sha256(chunks_blob).hexdigest() != manifest.get("chunks_sha256") or \
            hashlib.sha256(bank_blob).hexdigest() != manifest.get("bank_sha256"):
        raise IndexError_("corrupted: file contents do not match the manifest")
    try:
        index = faiss.deserialize_index(np.frombuffer(blob, dtype="uint8"))
        chunks = [Chunk.from_json(d) for d in json.loads(chunks_blob)]
        bank_index = faiss.deserialize_index(np.frombuffer(bank_blob, dtype="uint8"))
        bank_vecs = bank_index.reconstruct_n(0, bank_index.ntotal) if bank_index.ntotal else \
            np.zeros((0, index.d), dtype="float32")
    except Exception as exc:  # faiss raises RuntimeError; json ValueError/KeyError
        raise IndexError_(f"corrupted: {exc}") from None
    if index.ntotal != len(chunks) or index.d != expected["dim"]:
        raise IndexError_("corrupted: vector count or dimension does not match the chunks")
    if bank_index.ntotal != manifest.get("bank_count") or bank_index.d != index.d:
        raise IndexError_("corrupted: the bank's vector count or dimension does not match the manifest")
    return VectorIndex(chunks, index, manifest, np.asarray(bank_vecs, dtype="float32"), folder)


def notice(msg: str) -> None:
    print(f"tmo: {msg}", file=sys.stderr)


def cache_slot(cache: Path, expected: dict) -> Path:
    """The cache folder of one embedder and one state of the knowledge (and bank)."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in expected["embedder"]).strip("-")
    return Path(cache) / f"{slug}-{expected['knowledge_digest']}-{expected['bank_digest'] or 'nobank'}"


def load_or_build(kb: KnowledgeBase, embedder: Embedder, folder: Path, sentence_views: bool = True,
                  max_words: int = 260, force: bool = False,
                  progress: Callable[[int, int], None] | None = None, cache: Path | None = None) -> VectorIndex:
    """Load ``folder``'s index, or rebuild it.

    With ``cache`` set, ``folder`` is the shipped index and is only read: a stale one is looked
    up in, or rebuilt into, ``cache_slot(cache, ...)``. Without it the rebuild replaces ``folder``.
    """
    expected = _manifest_for(kb, embedder, sentence_views, max_words)
    target = folder
    if not force:
        try:
            return load(folder, expected)
        except IndexError_ as exc:
            reason = str(exc)
        if cache is not None:
            target = cache_slot(cache, expected)
            try:
                return load(target, expected)
            except IndexError_:
                pass
            notice(f"index in {folder} is {reason}; building one for this knowledge and embedder in {target} "
                   "(the shipped index is left as it is).")
        elif reason != "missing":
            notice(f"index in {folder} is {reason}; rebuilding it.")
    vi = build(kb, embedder, sentence_views, max_words, progress=progress)
    try:
        save(vi, target)
    except OSError as exc:
        notice(f"could not write the index to {target} ({exc.strerror or exc}); using it in memory only.")
    return vi
