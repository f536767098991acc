"""The lead ranker: which of the bank's answers a question asks first, fitted on labelled bank questions."""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest

from assistant.lead import FEATURES, FILE, LeadRanker, bank_groups, candidates, fit, load_or_fit, relevance_of
from assistant.text import prefixes


@dataclass
class Entry:
    text: str
    answerable: bool
    answers: tuple[str, ...] = ()


@dataclass
class Match:
    entry: Entry
    sim: float


KNOWN = {"sig_t1": prefixes("low signal on T1-weighted images"),
         "sig_margins": prefixes("blurred, ill-defined margins"),
         "sig_gado": prefixes("enhancing after gadolinium injection")}


def _flat(ref):
    return 0.5, 0.0


def test_candidates_read_the_votes_of_the_answerable_matches():
    matches = [Match(Entry("near-miss", False), 0.9), Match(Entry("a", True, ("sig_t1", "sig_margins")), 0.8),
               Match(Entry("b", True, ("sig_margins", "unknown_id")), 0.7)]
    ids, x = candidates(matches, KNOWN, _flat, prefixes("what are the margins like?"))
    assert ids == ["sig_t1", "sig_margins"], "ids unknown to the knowledge and near-misses' labels are no candidates"
    assert x.shape == (2, len(FEATURES))
    f = dict(zip(FEATURES, x[1]))
    assert f["share"] == pytest.approx(1.0) and f["rank_in_listing"] == 1 and f["first_of_nearest"] == 0
    assert dict(zip(FEATURES, x[0]))["first_of_nearest"] == 1
    assert f["word_gap"] == 0 and dict(zip(FEATURES, x[0]))["word_gap"] < 0, "the margins share the asked word"


def test_no_answerable_match_gives_no_candidate():
    ids, x = candidates([Match(Entry("n", False), 0.9)], KNOWN, _flat, set())
    assert ids == [] and x.shape == (0, len(FEATURES))


def _groups(n=40, seed=0):
    """Bank questions whose asked statement is the one sharing their words, listed second by the bank."""
    rng = np.random.default_rng(seed)
    entries, near = [], []
    for i in range(n):
        asked = ["sig_t1", "sig_margins", "sig_gado"][i % 3]
        other = [k for k in KNOWN if k != asked]
        words = {"sig_t1": "T1 signal", "sig_margins": "margins blurred", "sig_gado": "gadolinium enhancing"}[asked]
        entries.append(Entry(f"{words} question {i}", True, (asked,)))
        near.append([Match(Entry("x", True, (other[0], asked, other[1])), 0.8 + 0.01 * rng.random())])
    return entries, near


def test_fitting_learns_which_signal_tells_the_asked_statement():
    entries, near = _groups()
    groups = bank_groups(entries, lambda i: near[i], KNOWN, lambda i: _flat)
    ranker = fit(groups, "k")
    assert ranker is not None and ranker.n_train == len(entries)
    assert ranker.coef[FEATURES.index("word_gap")] > 0
    # An unseen question in its own words: the statement it shares words with comes first.
    order = ranker.order(("sig_t1", "sig_gado", "sig_margins"),
                         [Match(Entry("y", True, ("sig_t1", "sig_gado", "sig_margins")), 0.8)], KNOWN, _flat,
                         "does it show gadolinium enhancing?")
    assert order[0] == "sig_gado"
    assert set(order) == {"sig_t1", "sig_gado", "sig_margins"}, "ordering drops nothing"


def test_too_few_labels_fit_nothing():
    assert fit([], "k") is None
    x = np.zeros((3, len(FEATURES)))
    assert fit([(x, np.array([True, True, True]))], "k") is None


def test_a_floor_keeps_the_likely_candidates_and_always_the_best():
    ranker = LeadRanker([0.0] * len(FEATURES), 0.0, "k")
    ranker.coef[FEATURES.index("first_of_nearest")] = 10.0
    matches = [Match(Entry("a", True, ("sig_t1", "sig_margins")), 0.8)]
    assert ranker.order(("sig_margins",), matches, KNOWN, _flat, "q", floor=0.9) == ("sig_t1",)
    ranker.coef = [0.0] * len(FEATURES)
    ranker.intercept = -5.0
    assert len(ranker.order(("sig_margins",), matches, KNOWN, _flat, "q", floor=0.9)) == 1


def test_relevance_reads_the_best_row_and_normalises_bm25():
    rel = relevance_of(np.array([0.1, 0.7, 0.3]), np.array([2.0, 4.0, 1.0]), {"a": [0, 2], "b": []})
    assert rel("a") == (pytest.approx(0.3), pytest.approx(0.5))
    assert rel("b") == (0.0, 0.0) and rel("missing") == (0.0, 0.0)


def test_saved_as_json_and_refitted_when_stale_or_corrupt(tmp_path):
    entries, near = _groups()
    calls = []

    def make():
        calls.append(1)
        return bank_groups(entries, lambda i: near[i], KNOWN, lambda i: _flat)

    first = load_or_fit([tmp_path], "key1", make, tmp_path)
    saved = json.loads((tmp_path / FILE).read_text())
    assert saved["key"] == "key1" and saved["features"] == list(FEATURES)
    again = load_or_fit([tmp_path], "key1", make, tmp_path)
    assert len(calls) == 1 and again.coef == pytest.approx(first.coef)
    load_or_fit([tmp_path], "key2", make, tmp_path)  # another bank or knowledge: refitted
    assert len(calls) == 2
    (tmp_path / FILE).write_text("{not json")
    assert load_or_fit([tmp_path], "key2", make, tmp_path) is not None and len(calls) == 3
    bad = dict(saved, feature_version=-1)
    (tmp_path / FILE).write_text(json.dumps(bad))
    load_or_fit([tmp_path], "key1", make, None)  # read-only: kept in memory
    assert len(calls) == 4 and json.loads((tmp_path / FILE).read_text())["feature_version"] == -1


@pytest.mark.parametrize("lang,question", [
    ("fr", "Les bords de l'œdème médullaire sont-ils bien nets sur l'IRM ?"),
    ("en", "On MRI, are the edges of the marrow edema sharp or fuzzy?"),
])
def test_the_asked_sign_leads_an_mri_reply(assistant, lang, question):
    """A one-sign question among the MRI signs: the margins come within the answer's opening."""
    ans = assistant.ask(question)
    assert ans.lang == lang and not ans.abstained
    opening = ans.answer[:300].lower()
    assert any(w in opening for w in ("flou", "mal délimit", "blurred", "ill-defined")), ans.answer[:300]


def test_the_shipped_index_holds_the_current_ranker(assistant):
    """A fresh clone reads the fitted ranker instead of refitting it at every start."""
    from pathlib import Path

    from assistant.model_file import read_current

    assert assistant.lead is not None
    shipped = Path(__file__).resolve().parents[1] / "index"
    assert read_current([shipped], FILE, assistant.lead.key, LeadRanker.from_json) is not None, \
        "index/lead.json is stale: run `make index` and commit index/"
