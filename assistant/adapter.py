"""The bank adapter: a linear map of the embedder's space, fitted on the question bank, in which the
questions that the same statements answer come together and near-misses part from their answerable twins.

What it does: learns ``A`` (dim x dim) so that ``normalise(x + x A)`` ranks, for each bank question,
the bank questions of its label first (InfoNCE over the whole bank, in the manner of metric learning on
frozen embeddings): an answerable question's label is the ids that answer it, a near-miss's the ids it
says are closest, and two questions share a label when these sets meet and both are answerable or both
are not. An L2 penalty keeps the map near the identity. It is cross-fitted too: each bank question's
similarities to the others through a map fitted without its fold, so that what is fitted on bank
features afterwards (the abstention model) sees similarities as an unseen question would. Saved as one
``adapter.npz`` of plain arrays (loaded with ``allow_pickle=False``), refitted when the bank, the
embedder or the settings change; torch is imported only to fit.

What it leaves out: the passages, which stay in the embedder's own space (the map is fitted on
questions only), and every decision taken from the similarities (:mod:`assistant.understand`,
:mod:`assistant.abstain`).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FILE = "adapter.npz"
VERSION = 1
FOLDS = 5
LEARNING_RATE = 0.01  # Adam, full batch: the bank is a few thousand questions at most
MASKED = -9.0  # the similarity of a question to itself and to its exact repeats (never a neighbour)


def normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-9)


@dataclass
class Adapter:
    """``matrix`` None is the identity (no bank, or the adapter switched off)."""

    matrix: np.ndarray | None
    key: str
    folds: np.ndarray | None = None  # (FOLDS, dim, dim): the maps fitted without each fold
    fold_of: np.ndarray | None = None  # each bank question's fold

    def apply(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype="float32")
        return x if self.matrix is None else normalise(x + x @ self.matrix).astype("float32")

    def cross_fitted(self, vectors: np.ndarray, exclude: np.ndarray) -> np.ndarray:
        """Bank x bank similarities, each row through the map fitted without that row's fold."""
        if self.folds is None or self.fold_of is None or len(self.fold_of) != len(vectors):
            z = self.apply(vectors)
            sims = z @ z.T
        else:
            sims = np.zeros((len(vectors), len(vectors)), dtype="float32")
            for f, m in enumerate(self.folds):
                rows = np.flatnonzero(self.fold_of == f)
                z = normalise(vectors + vectors @ m)
                sims[rows] = z[rows] @ z.T
        return np.where(exclude, MASKED, sims).astype("float32")


def adapter_key(*parts: str) -> str:
    return hashlib.sha256("\x00".join((str(VERSION),) + parts).encode()).hexdigest()[:16]


def same_label(answerable: Sequence[bool], labels: Sequence[set[str]]) -> np.ndarray:
    """Pairs of bank questions that share a label (never a question with itself)."""
    n = len(labels)
    out = np.zeros((n, n), dtype=bool)
    owners: dict[tuple[bool, str], list[int]] = {}
    for i, (a, lab) in enumerate(zip(answerable, labels)):
        for x in lab:
            owners.setdefault((bool(a), x), []).append(i)
    for rows in owners.values():
        out[np.ix_(rows, rows)] = True
    np.fill_diagonal(out, False)
    return out


def _train(x: np.ndarray, same: np.ndarray, exclude: np.ndarray, epochs: int, l2: float,
           temperature: float) -> np.ndarray:
    import torch

    torch.manual_seed(0)
    xs, pos, mask = torch.from_numpy(x), torch.from_numpy(same), torch.from_numpy(exclude)
    a = torch.zeros(x.shape[1], x.shape[1], requires_grad=True)
    opt = torch.optim.Adam([a], lr=LEARNING_RATE)
    anchors = pos.any(1)
    if not bool(anchors.any()):
        return np.zeros((x.shape[1], x.shape[1]), dtype="float32")
    for _ in range(epochs):
        z = xs + xs @ a
        z = z / z.norm(dim=1, keepdim=True).clamp_min(1e-9)
        s = ((z @ z.T) / temperature).masked_fill(mask, -1e9)
        loss = (torch.logsumexp(s, 1) - torch.logsumexp(s.masked_fill(~pos, -1e9), 1))[anchors].mean()
        loss = loss + l2 * (a ** 2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return a.detach().numpy().astype("float32")


def fit(vectors: np.ndarray, ids: Sequence[str], answerable: Sequence[bool], labels: Sequence[set[str]],
        exclude: np.ndarray, key: str, epochs: int, l2: float, temperature: float) -> Adapter:
    """Fit the map on the bank, and the FOLDS maps without each fold (folds drawn from the ids, so
    that adding a question moves no other question to another fold)."""
    x = np.asarray(vectors, dtype="float32")
    same = same_label(answerable, labels) & ~exclude
    full = _train(x, same, exclude, epochs, l2, temperature)
    fold_of = np.array([int(hashlib.sha1(i.encode()).hexdigest(), 16) % FOLDS for i in ids], dtype="int64")
    folds = []
    for f in range(FOLDS):
        keep = np.flatnonzero(fold_of != f)
        folds.append(_train(x[keep], same[np.ix_(keep, keep)], exclude[np.ix_(keep, keep)], epochs, l2,
                            temperature))
    return Adapter(full, key, np.stack(folds), fold_of)


def read(folders: Sequence[Path | None], key: str) -> Adapter | None:
    """The adapter saved in the first of ``folders`` whose key is ``key`` (a bad or stale file is skipped)."""
    for folder in folders:
        if folder is None:
            continue
        try:
            with np.load(Path(folder) / FILE, allow_pickle=False) as z:
                if str(z["key"]) != key:
                    continue
                return Adapter(z["matrix"].astype("float32"), key, z["folds"].astype("float32"),
                               z["fold_of"].astype("int64"))
        except (OSError, ValueError, KeyError):
            continue
    return None


def write(folder: Path | None, adapter: Adapter) -> None:
    """Save atomically; a read-only folder keeps the adapter in memory only."""
    if folder is None or adapter.matrix is None:
        return
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{FILE}.", suffix=".npz")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, key=np.array(adapter.key), matrix=adapter.matrix, folds=adapter.folds,
                     fold_of=adapter.fold_of)
        os.chmod(tmp, 0o644)
        os.replace(tmp, Path(folder) / FILE)
    except OSError:
        pass
