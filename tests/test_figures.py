"""What figure a question asks for, and whether a passage gives one of that kind (one abstention signal)."""
from __future__ import annotations

import pytest

from assistant.abstain import FEATURES, features
from assistant.figures import asked, figure_missing, gives

ASKED = {
    "en": [("Roughly what percentage of the knees end up affected on both sides", {"percent"}),
           ("for how long should the leg be spared", {"duration"}),
           ("what daily dose of the tablets", {"dose"}),
           ("which drug helps the pain", set())],
    "fr": [("à peu près quel pourcentage des genoux est touché des deux côtés", {"percent"}),
           ("combien de temps faut-il épargner la jambe", {"duration"}),
           ("quelle posologie des comprimés par jour", {"dose"}),
           ("quel médicament soulage la douleur", set())],
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_kind_of_figure_asked(lang):
    for text, kinds in ASKED[lang]:
        assert asked(text) == frozenset(kinds), text


@pytest.mark.parametrize("text,kind,expected", [
    ("alendronate 10 mg/day by mouth", "dose", True),
    ("alendronate 10 mg/jour per os", "dose", True),
    ("pendant 3 mois", "duration", True),
    ("an interval of up to twenty years", "duration", True),
    ("a few weeks of rest", "duration", False),   # no number: no duration given
    ("dans 20 % des cas", "percent", True),
    ("in many cases", "percent", False),
    ("MRI on 2018-03-09", "value", False),        # a date is no value
    ("MRI on 2018-03-09", "date", True),
    ("vitamin D at 26.1 ng/ml", "value", True),
])
def test_whether_a_text_gives_a_figure_of_a_kind(text, kind, expected):
    assert gives(text, kind) is expected


@pytest.mark.parametrize("question,near,missing", [
    ("What percentage of the knees are hit on both sides?", ["It is bilateral in a minority of cases."], True),
    ("What percentage of the knees are hit on both sides?", ["Bilateral in 20 % of cases."], False),
    ("Quel pourcentage des genoux est touché des deux côtés ?", ["Bilatérale dans 20 % des cas."], False),
    ("Quel pourcentage des genoux est touché des deux côtés ?", ["Parfois bilatérale."], True),
    ("Which drug helps the pain?", ["Nothing with a number here."], False),  # no figure asked
])
def test_a_figure_asked_and_none_near(question, near, missing):
    assert figure_missing(question, near) is missing


def test_the_signal_is_one_of_the_models_features():
    f = features("q", [], 0.8, False, 0.0, False, True)
    assert len(f) == len(FEATURES) and f[FEATURES.index("figure_missing")] == 1.0
    assert features("q", [], 0.8, False, 0.0, False)[FEATURES.index("figure_missing")] == 0.0
