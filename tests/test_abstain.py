"""The abstention model: fitted, calibrated on held-out folds, saved as JSON, refitted when stale."""
from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.abstain import FEATURES, FILE, AbstentionModel, fit, load_or_fit


def _data(n=400, seed=0, noise=1.0):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.2
    X = rng.normal(size=(n, len(FEATURES)))
    X[:, FEATURES.index("s_near_miss")] += 3.0 * y / noise
    return X, y


def test_fit_separates_and_its_threshold_reaches_the_precision_asked():
    X, y = _data()
    m = fit(X, y, 0.9, key="k")
    p = np.array([m.probability(x) for x in X])
    assert p[y].mean() > 0.6 > p[~y].mean()
    chosen = next(c for c in m.curve if c["threshold"] == m.threshold)
    assert chosen["precision"] >= 0.9
    # the lowest threshold that reaches it
    lower = [c for c in m.curve if c["threshold"] < m.threshold and c["precision"] is not None]
    assert all(c["precision"] < 0.9 for c in lower)


def test_too_few_labels_fall_back_to_the_rules():
    X, y = _data()
    y[:] = False
    y[:2] = True
    m = fit(X, y, 0.9, key="k")
    refuse = np.zeros(len(FEATURES))
    refuse[FEATURES.index("rules_refuse")] = 1.0
    assert m.probability(refuse) > m.threshold > m.probability(np.zeros(len(FEATURES)))


def test_saved_as_json_and_refitted_only_when_stale(tmp_path):
    X, y = _data()
    calls = []

    def training():
        calls.append(1)
        return X, y

    m1 = load_or_fit([tmp_path], "key-1", training, 0.9, tmp_path)
    saved = json.loads((tmp_path / FILE).read_text())
    assert saved["features"] == list(FEATURES) and saved["key"] == "key-1"
    m2 = load_or_fit([tmp_path], "key-1", training, 0.9, tmp_path)
    assert len(calls) == 1 and m2.coef == pytest.approx(m1.coef)
    load_or_fit([tmp_path], "key-2", training, 0.9, None)  # another bank: refit, and nothing written
    assert len(calls) == 2 and json.loads((tmp_path / FILE).read_text())["key"] == "key-1"


def test_a_model_of_another_feature_set_is_refused():
    X, y = _data()
    d = fit(X, y, 0.9, key="k").to_json()
    d["features"] = d["features"][:-1]
    with pytest.raises(ValueError):
        AbstentionModel.from_json(d)
