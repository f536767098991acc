"""Measure the compact ConText/NegEx module: labelled FR/EN cue sentences and an ablation on the vignettes.

Why our own module and not edsnlp: edsnlp (rule-based French clinical pipelines: negation, hypothesis,
family, history) runs offline but installs ~630 MB (spaCy + models) and adds a spaCy start-up to every
`tmo check`; it is French-only, so English would still need medspaCy or our own rules (and medspaCy cannot
share an environment with edsnlp). Both are the same family of algorithm (trigger lists + scopes), so a
~200-line module with both languages' triggers, measured here, does the job within the start-up budget.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.checker import context
from assistant.checker.context import Annotator, Flags
from assistant.checker.evaluate import score_vignettes

VIGNETTES = Path(__file__).resolve().parents[1] / "evals" / "vignettes.jsonl"

# (sentence, target word (folded), expected flag among negated / hypothetical / family / history / none)
LABELLED = [
    ("Pas de fièvre ni de frissons.", "frissons", "negated"),
    ("Apparition brutale, sans facteur traumatique reconnu.", "traumatique", "negated"),
    ("Absence de syndrome inflammatoire biologique.", "syndrome inflammatoire", "negated"),
    ("Le patient n'a pas présenté de fièvre.", "fievre", "negated"),
    ("L'ostéonécrose a été écartée.", "osteonecrose", "negated"),
    ("He denies fever, chills or weight loss.", "weight loss", "negated"),
    ("No history of trauma.", "trauma", "negated"),
    ("Osteonecrosis was ruled out on MRI.", "osteonecrosis", "negated"),
    ("The knee was not warm.", "warm", "negated"),
    ("Without any double-line sign.", "double-line", "negated"),
    ("IRM demandée pour éliminer une ostéonécrose.", "osteonecrose", "hypothetical"),
    ("Suspicion de fracture de fatigue.", "fracture", "hypothetical"),
    ("Compatible avec une contusion osseuse.", "contusion", "hypothetical"),
    ("Une arthrite septique ne peut être exclue.", "arthrite septique", "hypothetical"),
    ("Rule out septic arthritis.", "septic arthritis", "hypothetical"),
    ("MRI to exclude osteonecrosis.", "osteonecrosis", "hypothetical"),
    ("Osteonecrosis is suspected.", "osteonecrosis", "hypothetical"),
    ("Possible stress fracture?", "stress fracture", "hypothetical"),
    ("Mère suivie pour ostéonécrose.", "osteonecrose", "family"),
    ("Son frère a une polyarthrite rhumatoïde.", "polyarthrite", "family"),
    ("Antécédents familiaux de drépanocytose.", "drepanocytose", "family"),
    ("His mother was treated for osteonecrosis of the hip.", "osteonecrosis", "family"),
    ("Family history of lupus.", "lupus", "family"),
    ("Her sister has rheumatoid arthritis.", "rheumatoid", "family"),
    ("Antécédent de cancer du sein.", "cancer", "history"),
    ("Antécédents : HTA, diabète, lupus.", "lupus", "history"),
    ("History of kidney transplant.", "transplant", "history"),
    ("Transient osteoporosis of the left hip 5 years ago.", "osteoporosis", "history"),
    ("Fièvre à 39 °C depuis hier.", "fievre", "none"),
    ("Sudden pain, no trauma, with effusion.", "effusion", "none"),
    ("No trauma; MRI shows bone marrow edema.", "edema", "none"),
    ("Pas de traumatisme, douleur brutale du genou.", "brutale", "none"),
    ("He never had fever but reports night pain.", "night pain", "none"),
    ("The patient has a hot swollen knee.", "hot", "none"),
    ("Pas de fièvre. Genou chaud et rouge.", "chaud", "none"),
]


def _flag(f: Flags) -> str:
    for name in ("family", "negated", "hypothetical", "history"):
        if getattr(f, name):
            return name
    return "none"


@pytest.mark.parametrize("sentence, target, expected", LABELLED)
def test_labelled_cue(sentence, target, expected):
    a = Annotator(sentence)
    m = re.search(re.escape(target), a.folded)
    assert m, target
    assert _flag(a.flags(m.start(), m.end())) == expected


def test_both_languages_are_labelled():
    fr = sum(bool(re.search(r"[éèàçœ]|\b(?:pas|de|le|la|une?)\b", s.lower())) for s, _, _ in LABELLED)
    assert 10 <= fr <= len(LABELLED) - 10


def test_ablation_on_vignettes(monkeypatch):
    """Without the context module (every mention asserted), agreement collapses: the module is doing the work."""
    with_ctx = score_vignettes(VIGNETTES)
    monkeypatch.setattr(context.Sentence, "flags", lambda self, s, e: Flags())
    without = score_vignettes(VIGNETTES)
    assert with_ctx["verdict"] >= 0.95
    assert without["verdict"] <= with_ctx["verdict"] - 0.15
    assert without["differentials"] <= with_ctx["differentials"] - 0.15
