"""BM25 over the chunks, language-aware: each chunk is stemmed with its own language's
Snowball stemmer after accent and ligature folding, and a query is stemmed both ways.

What it does: wraps ``bm25s`` (sparse-matrix BM25) with our tokenizer and returns a score
per chunk. What it leaves out: persistence (building it takes milliseconds for this corpus).
"""
from __future__ import annotations

import numpy as np

from .chunks import Chunk
from .text import stems


def query_tokens(text: str) -> list[str]:
    """The query's stems under both stemmers (a French question may match English text and back)."""
    toks = stems(text, "fr") + stems(text, "en")
    return list(dict.fromkeys(toks))


class BM25Index:
    def __init__(self, chunks: list[Chunk], k1: float = 1.2, b: float = 0.75) -> None:
        import bm25s

        self._n = len(chunks)
        corpus = [stems(c.text, c.lang) or ["\x00empty"] for c in chunks]
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        self._bm25.index(corpus, show_progress=False)
        self.vocab = set(self._bm25.vocab_dict)

    def scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self.vocab]
        if not known:
            return np.zeros(self._n, dtype="float32")
        return np.asarray(self._bm25.get_scores(known), dtype="float32")
