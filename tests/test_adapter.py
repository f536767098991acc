"""The bank adapter: a linear map fitted on labelled questions, saved without pickles, cross-fitted."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.adapter import FILE, FOLDS, Adapter, adapter_key, fit, normalise, read, same_label, write


def _confusable_bank(n_per=12, dim=16, seed=0):
    """Two answers whose questions share a strong common direction (the register, say) and differ
    by a weak one (what they ask): raw cosines mix them up, a fitted map should not."""
    rng = np.random.default_rng(seed)
    common, a, b = rng.normal(size=(3, dim))
    rows, labels = [], []
    for i in range(2 * n_per):
        which = a if i % 2 == 0 else b
        rows.append(3.0 * common + 0.6 * which + rng.normal(size=dim))
        labels.append({"fact_a"} if i % 2 == 0 else {"fact_b"})
    return normalise(np.asarray(rows, dtype="float32")), labels


def _nearest_share(vectors, labels) -> float:
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -9)
    return float(np.mean([labels[int(np.argmax(sims[i]))] == labels[i] for i in range(len(labels))]))


def _fit(vectors, labels, answerable=None, epochs=150):
    n = len(labels)
    answerable = [True] * n if answerable is None else answerable
    return fit(vectors, [f"q{i}" for i in range(n)], answerable, labels, np.eye(n, dtype=bool), "k", epochs, 0.0,
               0.1)


def test_same_label_pairs_share_an_id_and_an_answerability():
    same = same_label([True, True, False, False, True], [{"a"}, {"a", "b"}, {"a"}, {"a"}, {"c"}])
    assert same[0, 1] and same[1, 0] and same[2, 3]
    assert not same[0, 2], "a near-miss and an answerable question never share a label"
    assert not same[0, 4] and not same.diagonal().any()


def test_the_fitted_map_brings_questions_of_one_answer_together():
    vectors, labels = _confusable_bank()
    before = _nearest_share(vectors, labels)
    adapter = _fit(vectors, labels)
    after = _nearest_share(adapter.apply(vectors), labels)
    assert after > before + 0.15, (before, after)
    assert np.allclose(np.linalg.norm(adapter.apply(vectors), axis=1), 1.0, atol=1e-5)


def test_cross_fitted_rows_come_from_the_map_fitted_without_their_fold():
    vectors, labels = _confusable_bank()
    adapter = _fit(vectors, labels, epochs=20)
    assert adapter.folds.shape[0] == FOLDS and set(adapter.fold_of) <= set(range(FOLDS))
    exclude = np.eye(len(labels), dtype=bool)
    sims = adapter.cross_fitted(vectors, exclude)
    i = 3
    z = normalise(vectors + vectors @ adapter.folds[adapter.fold_of[i]])
    assert np.allclose(sims[i, 4:], (z[i] @ z.T)[4:], atol=1e-5)
    assert sims[i, i] == pytest.approx(-9.0)


def test_identity_adapter_leaves_vectors_alone():
    x = normalise(np.random.default_rng(1).normal(size=(3, 8)).astype("float32"))
    assert np.array_equal(Adapter(None, "k").apply(x), x)


def test_saved_without_pickles_and_read_back_only_when_current(tmp_path):
    vectors, labels = _confusable_bank(n_per=6, dim=8)
    adapter = fit(vectors, [f"q{i}" for i in range(len(labels))], [True] * len(labels), labels,
                  np.eye(len(labels), dtype=bool), adapter_key("emb", "bank"), 5, 0.0, 0.1)
    write(tmp_path, adapter)
    with np.load(tmp_path / FILE, allow_pickle=False) as z:  # plain arrays only
        assert set(z.files) == {"key", "matrix", "folds", "fold_of"}
    back = read([None, tmp_path], adapter.key)
    assert back is not None and np.allclose(back.matrix, adapter.matrix)
    assert read([tmp_path], adapter_key("emb", "another bank")) is None


def test_a_corrupted_file_is_refitted_not_an_error(tmp_path):
    (tmp_path / FILE).write_bytes(b"not an npz archive")
    assert read([tmp_path], "k") is None


def test_a_folder_that_cannot_be_written_keeps_the_adapter_in_memory(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    adapter = Adapter(np.zeros((2, 2), "float32"), "k", np.zeros((FOLDS, 2, 2), "float32"), np.zeros(1, "int64"))
    write(blocker / "index", adapter)  # no exception: the caller keeps what it fitted
    assert blocker.read_text() == "x"
