"""Which of the bank's answers a question asks first: a ranker fitted on the question bank.

What it does: the nearest answerable bank questions name the statements that answer a question
(the lead's candidates). Which of them opens the reply is decided by a logistic regression over
signals of each candidate: how near the bank questions that name it are, whether the nearest one
names it first, how many of them name it, and how close the statement's own text is to the
question (cosine, BM25, shared words). It is fitted on the bank itself: each bank question is
matched against the others through the cross-fitted similarities (as an unseen question would be),
and a candidate is positive when that question's own labels name it. It replaces a hand-weighted
sum of meaning and word match (``answer.LEAD_LEX``), which put the asked statement first for 82 %
of the dev questions whose candidates hold it; the fitted order does for 90 % (session 9, measured
before wiring it in). The model is plain JSON next to the index, refitted when the bank, the
knowledge, the embedder, the adapter or the features change.

What it leaves out: whether the bank's match is near enough to lead at all
(``Settings.bank_target_sim``, :mod:`assistant.api`) and how the lead is worded (:mod:`assistant.answer`).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .model_file import read_current, write
from .text import prefixes

FEATURES = ("vote_gap", "first_of_nearest", "rank_in_listing", "neighbour", "share", "dense_gap", "lex_gap",
            "word_gap")
FEATURE_VERSION = 2  # 2: a bank question scored as unseen never finds its own rewording
FILE = "lead.json"
MAX_RANK = 5        # a statement's rank in a bank question's labels, capped
MAX_NEIGHBOUR = 8   # which answerable neighbour names it first, capped

# (statement id) -> (its best cosine to the question, its normalised BM25 score)
Relevance = Callable[[str], tuple[float, float]]


def candidates(matches: Sequence, known: Mapping[str, set[str]], relevance: Relevance,
               question: set[str]) -> tuple[list[str], np.ndarray]:
    """The statement ids the answerable ``matches`` (best first) name, and their signals (rows in
    :data:`FEATURES` order). ``known``: each statement id's word stems (both languages)."""
    ans = [m for m in matches if m.entry.answerable]
    info: dict[str, list[float]] = {}
    for j, m in enumerate(ans):
        for rank, ref in enumerate(m.entry.answers):
            if ref not in known:
                continue
            if ref not in info:  # [gap to the best, first of the nearest, rank, neighbour, count]
                info[ref] = [m.sim - ans[0].sim, float(j == 0 and rank == 0), min(rank, MAX_RANK),
                             min(j, MAX_NEIGHBOUR), 0.0]
            info[ref][4] += 1.0
    if not info:
        return [], np.zeros((0, len(FEATURES)))
    ids = list(info)
    rows = []
    for ref in ids:
        dense, lex = relevance(ref)
        words = len(question & known[ref]) / max(1, len(question))
        v = info[ref]
        rows.append(v[:4] + [v[4] / len(ans), dense, lex, words])
    x = np.asarray(rows, dtype=float)
    x[:, 5:] -= x[:, 5:].max(axis=0)  # the question's best candidate is the reference
    return ids, x


@dataclass
class LeadRanker:
    coef: list[float]
    intercept: float
    key: str
    n_train: int = 0

    def scores(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(x @ np.asarray(self.coef) + self.intercept)))

    def order(self, ids: Sequence[str], matches: Sequence, known: Mapping[str, set[str]], relevance: Relevance,
              question: str, floor: float | None = None) -> tuple[str, ...]:
        """``ids`` (the lead's targets), the one the question most likely asks first first; with a
        ``floor``, every candidate the matches name whose probability reaches it (the best one always)."""
        if len(ids) < 2 and floor is None:
            return tuple(ids)
        cand, x = candidates(matches, known, relevance, prefixes(question))
        p = dict(zip(cand, self.scores(x))) if cand else {}
        if floor is None:
            return tuple(sorted(ids, key=lambda i: -p.get(i, -1.0)))
        ranked = sorted(p, key=lambda i: -p[i])
        return tuple(i for k, i in enumerate(ranked) if k == 0 or p[i] >= floor) or tuple(ids)

    def to_json(self) -> dict:
        return {"feature_version": FEATURE_VERSION, "features": list(FEATURES), "key": self.key,
                "coef": self.coef, "intercept": self.intercept, "n_train": self.n_train}

    @classmethod
    def from_json(cls, d: dict) -> "LeadRanker":
        if d.get("feature_version") != FEATURE_VERSION or tuple(d.get("features", ())) != FEATURES:
            raise ValueError("fitted on another feature set")
        if len(d["coef"]) != len(FEATURES):
            raise ValueError("coefficients do not match the features")
        return cls([float(c) for c in d["coef"]], float(d["intercept"]), d["key"], int(d.get("n_train", 0)))


def fit(groups: Sequence[tuple[np.ndarray, np.ndarray]], key: str) -> LeadRanker | None:
    """Fit on the bank's (signals, positives) groups, one per answerable bank question; None when the
    bank gives too few of either kind (the lead then keeps the bank's own order)."""
    groups = [(x, y) for x, y in groups if len(x)]
    if not groups:
        return None
    x = np.vstack([g[0] for g in groups])
    y = np.concatenate([g[1] for g in groups]).astype(bool)
    if y.sum() < 5 or (~y).sum() < 5:
        return None
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    return LeadRanker(clf.coef_[0].tolist(), float(clf.intercept_[0]), key, len(groups))


def load_or_fit(folders: Sequence, key: str, make_groups: Callable[[], list[tuple[np.ndarray, np.ndarray]]],
                write_to) -> LeadRanker | None:
    """The ranker saved in the first of ``folders`` that has a current one, else a new fit saved to ``write_to``."""
    model = read_current(folders, FILE, key, LeadRanker.from_json)
    if model is None:
        model = fit(make_groups(), key)
        if model is not None:
            write(write_to, FILE, model.to_json())
    return model


def relevance_of(dense: np.ndarray, lex: np.ndarray, rows: Mapping[str, list[int]]) -> Relevance:
    """A statement id -> (its best cosine, its best BM25 over the best of any row) from a question's scores."""
    lex_max = float(lex.max()) if len(lex) else 0.0
    lex_max = lex_max or 1.0

    def rel(ref: str) -> tuple[float, float]:
        r = rows.get(ref) or []
        if not r:
            return 0.0, 0.0
        return float(dense[r].max()), float(lex[r].max()) / lex_max

    return rel


def bank_groups(entries: Sequence, nearest: Callable[[int], Sequence], known: Mapping[str, set[str]],
                relevance: Callable[[int], Relevance]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The training groups: for each answerable bank question ``i``, the candidates its nearest other
    bank questions (``nearest(i)``, cross-fitted) name, positive when its own labels name them."""
    out = []
    for i, e in enumerate(entries):
        if not e.answerable:
            continue
        ids, x = candidates(nearest(i), known, relevance(i), prefixes(e.text))
        if ids:
            out.append((x, np.asarray([r in e.answers for r in ids], dtype=bool)))
    return out
