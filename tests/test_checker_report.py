"""A finding never mentioned is unknown, not unmet; the text report speaks in labels and readable dates."""
from __future__ import annotations

import re

import pytest

from assistant.checker import check
from assistant.checker.render import render

NOTES = {
    "fr": {
        "silent": "Homme de 50 ans, douleur brutale du genou droit en mars 2018. IRM : œdème du condyle fémoral interne.",
        "denied": "Homme de 50 ans, douleur brutale du genou droit. IRM : œdème du condyle fémoral interne, pas d'épanchement, pas de trait de fracture.",
        "month": "mars 2018",
    },
    "en": {
        "silent": "A 50-year-old man with sudden right knee pain in March 2018. MRI: edema of the medial femoral condyle.",
        "denied": "A 50-year-old man with sudden right knee pain. MRI: edema of the medial femoral condyle, no effusion, no fracture line.",
        "month": "March 2018",
    },
}


def _status(report, cid):
    return next(c.status for c in report.criteria if c.id == cid)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_finding_never_mentioned_is_unknown(lang):
    report = check(NOTES[lang]["silent"], lang)
    assert _status(report, "joint_effusion") == "unknown"
    assert _status(report, "ill_defined_edema") == "unknown"
    assert _status(report, "rf_fracture") == "unknown"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_finding_said_absent_is_not_met(lang):
    report = check(NOTES[lang]["denied"], lang)
    assert _status(report, "joint_effusion") == "not_met"
    assert _status(report, "rf_fracture") == "not_met"


def test_structured_findings_list_is_open():
    case = {"onset": "sudden", "episodes": [{"joint": "knee", "mri": {"bone_marrow_edema": True, "findings": []}}]}
    assert _status(check(case), "joint_effusion") == "unknown"
    case["episodes"][0]["mri"]["absent"] = ["effusion"]
    assert _status(check(case), "joint_effusion") == "not_met"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_text_report_shows_labels_and_readable_dates(lang):
    text = render(check(NOTES[lang]["silent"], lang))
    assert NOTES[lang]["month"] in text
    assert "episodes[" not in text and "medial_femoral_condyle" not in text and "2018-03" not in text
    assert not re.search(r"\b\w+\.\w+ = ", text), "a raw field path leaked into the report"
    undated = render(check({"onset": "sudden", "episodes": [{"joint": "knee"}]}, lang))
    assert ("date non précisée" if lang == "fr" else "date not given") in undated
