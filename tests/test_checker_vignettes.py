"""The CI gate: checker agreement on evals/vignettes.jsonl (>= 0.95 on verdicts and differentials)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.checker.criteria import load_criteria
from assistant.checker.evaluate import score_vignettes

PATH = Path(__file__).resolve().parents[1] / "evals" / "vignettes.jsonl"


@pytest.fixture(scope="module")
def scores():
    return score_vignettes(PATH)


def test_vignette_file_covers_the_brief():
    vs = [json.loads(line) for line in PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(vs) >= 44
    langs = Counter(v["lang"] for v in vs)
    assert langs["fr"] == langs["en"]
    assert len({v["id"] for v in vs}) == len(vs)
    seen = {d for v in vs for d in v["expected"]["differentials"]}
    assert seen == set(load_criteria().differentials)
    verdicts = Counter(v["expected"]["verdict"] for v in vs)
    assert all(verdicts[k] for k in ("confirmed", "probable", "possible", "unlikely", "insufficient"))
    assert sum(v["expected"]["migratory"] for v in vs) >= 6
    ids = {v["id"] for v in vs}
    assert {"seed-patient", "seed-text-fr"} <= ids
    seed = next(v for v in vs if v["id"] == "seed-patient")
    assert "case" in seed and seed["expected"] == {"verdict": "confirmed", "differentials": [], "migratory": True}


def test_agreement_gate(scores):
    report = "\n".join(f"{f['id']}: expected {f['expected']} got {f['got']} {f['error'] or ''}" for f in scores["failures"])
    assert scores["verdict"] >= 0.95, report
    assert scores["differentials"] >= 0.95, report
    assert scores["migratory"] >= 0.95, report


def test_each_language_holds_up(scores):
    for lang, s in scores["by_lang"].items():
        assert s["verdict"] >= 0.9 and s["differentials"] >= 0.9, (lang, s)
