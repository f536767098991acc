"""Abstention as a calibrated decision: does the source answer this question, or not?

What it does: turns measured signals of a question into a few numbers (how close its nearest
answerable and near-miss bank questions are, the share of near-misses among its neighbours, its
best passage similarity, whether the wording rules of :mod:`assistant.scope` refuse it, how many
of its specific words the source never uses, whether it asks a figure that no passage near it
gives) and weighs them with a logistic regression fitted
on the question bank, leave-one-out (each bank question is scored against the bank without
itself). The threshold is the lowest whose out-of-fold refusal precision on the bank reaches
``Settings.abstain_precision`` (or ``Settings.abstain_threshold`` when set). The fitted model is
plain JSON next to the index (no pickle) and is refitted when the bank, the knowledge, the
embedder or the feature set changes.

What it leaves out: the wording of a refusal (:mod:`assistant.answer`) and the rules themselves.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .model_file import read_current, write
from .text import prefixes

FEATURES = ("s_answerable", "s_near_miss", "near_miss_minus_answerable", "near_miss_share", "best_passage",
            "rules_refuse", "unknown_share", "foreign", "words_near_miss_minus_answerable", "figure_missing",
            "nearest_is_near_miss")
FEATURE_VERSION = 13  # 8: the typical patient is not the reported one; 9: a figure asked that no near passage gives;
# 10: the rules read "pt" as the patient and a question naming him is never general knowledge;
# 11: a month is no subject word; 12: whether the nearest bank question is a near-miss;
# 13: a bank question scored as unseen never finds its own rewording
FILE = "abstain.json"
NEIGHBOURS = 5


def features(question: str, matches: Sequence, best_passage: float, rules_refuse: bool, unknown_share: float,
             foreign: bool, figure_missing: bool = False) -> list[float]:
    """The signals of one question, in :data:`FEATURES` order (``matches`` best first)."""
    ans = next((m for m in matches if m.entry.answerable), None)
    nm = next((m for m in matches if not m.entry.answerable), None)
    s_ans, s_nm = (ans.sim if ans else 0.0), (nm.sim if nm else 0.0)
    top = list(matches)[:NEIGHBOURS]
    share = sum(not m.entry.answerable for m in top) / len(top) if top else 0.0
    # Which neighbour shares the question's own words: the word that differs ('pamidronate'
    # against 'alendronate') is what tells a near-miss from its answerable twin.
    q = prefixes(question)

    def overlap(m) -> float:
        if m is None or not q:
            return 0.0
        other = prefixes(m.entry.text)
        return len(q & other) / max(1, len(q | other))

    # The nearest question's own label: unseen near-misses have a near-miss first 65-79 % of the time
    # in every dev set, answerable questions 0-4 %.
    first_nm = float(bool(top) and not top[0].entry.answerable)
    return [s_ans, s_nm, s_nm - s_ans, share, best_passage, float(rules_refuse), unknown_share, float(foreign),
            overlap(nm) - overlap(ans), float(figure_missing), first_nm]


@dataclass
class AbstentionModel:
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    threshold: float
    curve: list[dict]  # out-of-fold precision/recall of refusal on the bank, by threshold
    key: str

    def probability(self, x: Sequence[float]) -> float:
        z = (np.asarray(x, dtype=float) - np.asarray(self.mean)) / np.asarray(self.scale)
        return float(1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept))))

    def to_json(self) -> dict:
        return {"feature_version": FEATURE_VERSION, "features": list(FEATURES), "key": self.key,
                "mean": self.mean, "scale": self.scale, "coef": self.coef, "intercept": self.intercept,
                "threshold": self.threshold, "curve": self.curve}

    @classmethod
    def from_json(cls, d: dict) -> "AbstentionModel":
        if d.get("feature_version") != FEATURE_VERSION or tuple(d.get("features", ())) != FEATURES:
            raise ValueError("fitted on another feature set")
        return cls(d["mean"], d["scale"], d["coef"], float(d["intercept"]), float(d["threshold"]),
                   d.get("curve", []), d["key"])


def model_key(*parts: str) -> str:
    return hashlib.sha256("\x00".join((str(FEATURE_VERSION),) + parts).encode()).hexdigest()[:16]


def _curve(y: np.ndarray, p: np.ndarray) -> list[dict]:
    out = []
    for thr in np.round(np.arange(0.05, 1.0, 0.05), 2):
        refused = p >= thr
        tp = int((refused & y).sum())
        out.append({"threshold": float(thr), "precision": round(tp / refused.sum(), 4) if refused.sum() else None,
                    "recall": round(tp / y.sum(), 4) if y.sum() else None, "refused": int(refused.sum())})
    return out


def fit(X: np.ndarray, y: np.ndarray, target_precision: float, key: str) -> AbstentionModel:
    """Fit on bank features ``X`` (leave-one-out) and labels ``y`` (True: the source does not answer)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    y = np.asarray(y, dtype=bool)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    if y.sum() < 5 or (~y).sum() < 5:  # too few labels of one kind: trust the rules alone
        coef = np.zeros(X.shape[1])
        coef[FEATURES.index("rules_refuse")] = 10.0 / scale[FEATURES.index("rules_refuse")]
        return AbstentionModel(mean.tolist(), scale.tolist(), coef.tolist(), -5.0, 0.5, [], key)
    pipe = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    p = cross_val_predict(pipe, X, y, cv=folds, method="predict_proba")[:, 1]
    curve = _curve(y, p)
    ok = [c for c in curve if c["precision"] is not None and c["precision"] >= target_precision]
    threshold = min((c["threshold"] for c in ok), default=0.5)
    clf = LogisticRegression(C=1.0, max_iter=1000).fit((X - mean) / scale, y)
    return AbstentionModel(mean.tolist(), scale.tolist(), clf.coef_[0].tolist(), float(clf.intercept_[0]),
                           float(threshold), curve, key)


def load_or_fit(folders: Sequence[Path | None], key: str, make_training: Callable[[], tuple[np.ndarray, np.ndarray]],
                target_precision: float, write_to: Path | None) -> AbstentionModel:
    """The model saved in the first of ``folders`` that has a current one, else a new fit saved to ``write_to``."""
    model = read_current(folders, FILE, key, AbstentionModel.from_json)
    if model is None:
        X, y = make_training()
        model = fit(X, y, target_precision, key)
        write(write_to, FILE, model.to_json())
    return model
