"""The verdict ladder, line by line as ../shared/CLINICAL.md words it ("Verdicts"), in both languages.

One row per line of CLINICAL.md, as a free-text note in French and in English and, where it helps, as a
structured case. The notes are short on purpose: each states exactly what the rung needs, nothing more.
"""
from __future__ import annotations

import pytest

from assistant.checker import check

BASE = {"sex": "male", "age": 50, "onset": "sudden", "trauma": False,
        "episodes": [{"joint": "knee", "side": "right", "sites": ["medial_femoral_condyle"]}]}


def case(onset="sudden", **ep) -> dict:
    c = {**BASE, "episodes": [{**BASE["episodes"][0], **ep}]}
    if onset is None:
        c.pop("onset")
    else:
        c["onset"] = onset
    return c


# (CLINICAL.md line, verdict, French note, English note)
LADDER = [
    ("insufficient: too little to grade (no joint, no course, no imaging)", "insufficient",
     "Homme de 50 ans, vu en consultation.",
     "A 50-year-old man seen in clinic."),
    ("MRI edema alone, with no joint pain or clinical picture stated, is insufficient", "insufficient",
     "IRM genou droit : œdème médullaire du condyle fémoral interne, hyposignal T1 et hypersignal T2 avec saturation de la graisse.",
     "MRI of the right knee: bone marrow edema of the medial femoral condyle, low T1 signal, high STIR signal."),
    ("MRI edema alone, in shorthand, is insufficient", "insufficient",
     "IRM : OMO CFI, hyposignal T1, hypersignal STIR.",
     "MRI: BMO of the MFC, T1 hypo, STIR hyper."),
    ("unlikely: MRI was done and shows no bone marrow edema", "unlikely",
     "Homme de 50 ans, douleur brutale du genou droit sans traumatisme. IRM : pas d'œdème médullaire.",
     "A 50-year-old man with sudden right knee pain, no trauma. MRI: no bone marrow edema."),
    ("unlikely: a red flag points to a differential", "unlikely",
     "Homme de 50 ans, douleur brutale du genou droit, fièvre à 39 °C. IRM : œdème du condyle fémoral interne.",
     "A 50-year-old man with sudden right knee pain and a fever of 39 °C. MRI: edema of the medial femoral condyle."),
    ("possible: the clinical picture fits but MRI is missing", "possible",
     "Homme de 50 ans, douleur brutale du genou droit, sans traumatisme. Pas encore d'IRM.",
     "A 50-year-old man with sudden right knee pain, no trauma. No MRI yet."),
    ("probable: the clinical picture fits, MRI shows the edema pattern, no red flag", "probable",
     "Homme de 50 ans, douleur brutale du genou droit, sans traumatisme. IRM : œdème médullaire du condyle fémoral interne.",
     "A 50-year-old man with sudden right knee pain, no trauma. MRI: bone marrow edema of the medial femoral condyle."),
    ("an unknown clinical outcome next to a clean control MRI is probable, not confirmed", "probable",
     "Homme de 50 ans, douleur brutale du genou droit, sans traumatisme. IRM : œdème du condyle fémoral interne. "
     "IRM de contrôle à 6 mois : disparition complète de l'œdème.",
     "A 50-year-old man with sudden right knee pain, no trauma. MRI: edema of the medial femoral condyle. "
     "Control MRI at 6 months: complete resolution of the edema."),
    ("MRI resolution with the pain going on is not a clinical resolution: probable", "probable",
     "Homme de 50 ans, douleur brutale du genou droit, sans traumatisme. IRM : œdème du condyle fémoral interne. "
     "IRM à 6 mois : régression complète de l'œdème, mais douleurs persistantes.",
     "A 50-year-old man with sudden right knee pain, no trauma. MRI: edema of the medial femoral condyle. "
     "At 6 months the edema has resolved on MRI but the pain persists."),
    ("confirmed: as probable, plus documented clinical and MRI resolution without sequelae", "confirmed",
     "Homme de 50 ans, douleur brutale du genou droit, sans traumatisme. IRM : œdème du condyle fémoral interne. "
     "À 6 mois, il ne souffre plus et l'IRM de contrôle montre une disparition complète de l'œdème.",
     "A 50-year-old man with sudden right knee pain, no trauma. MRI: edema of the medial femoral condyle. "
     "At 6 months he is pain-free and the control MRI shows complete resolution of the edema."),
]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("line, verdict, fr, en", LADDER, ids=[row[0][:60] for row in LADDER])
def test_free_text_follows_each_rung(line, verdict, fr, en, lang):
    report = check(fr if lang == "fr" else en, lang)
    assert report.verdict == verdict, line


@pytest.mark.parametrize("structured, verdict", [
    ({"episodes": [{"joint": "knee", "mri": {"bone_marrow_edema": True}}]}, "insufficient"),  # MRI alone
    (case(onset=None, mri={"bone_marrow_edema": True}), "insufficient"),   # onset unknown: no clinical picture
    (case(onset="gradual", mri={"bone_marrow_edema": True}), "insufficient"),
    (case(), "possible"),
    (case(onset=None), "insufficient"),
    (case(mri={"bone_marrow_edema": True}), "probable"),
    (case(mri={"bone_marrow_edema": True}, resolution={"mri": True}), "probable"),
    (case(mri={"bone_marrow_edema": True}, resolution={"clinical": True}), "probable"),
    (case(mri={"bone_marrow_edema": True}, resolution={"mri": True, "clinical": True}), "confirmed"),
    (case(mri={"bone_marrow_edema": True}, resolution={"mri": True, "clinical": True, "sequelae": True}), "probable"),
    (case(onset=None, mri={"bone_marrow_edema": True}, resolution={"mri": True, "clinical": True}), "insufficient"),
    (case(mri={"bone_marrow_edema": False}), "unlikely"),
])
def test_structured_cases_follow_the_ladder(structured, verdict):
    assert check(structured).verdict == verdict


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_unknown_onset_is_the_decisive_unknown(lang):
    report = check(case(onset=None, mri={"bone_marrow_edema": True}), lang)
    onset = next(u for u in report.unknowns if u.id == "sudden_onset")
    assert onset.if_met == "probable"


def test_polyarthritis_alone_is_a_caution_not_a_veto():
    # intro-1: the disease can be multifocal from the outset; several joints alone raise nothing
    report = check({**case(mri={"bone_marrow_edema": True}), "polyarticular": True})
    assert report.verdict == "probable" and not report.differentials
    assert "rf_polyarthritis" in [c.id for c in report.cautions]
    both = check({**case(mri={"bone_marrow_edema": True}), "polyarticular": True, "morning_stiffness_minutes": 60})
    assert [d.id for d in both.differentials] == ["inflammatory_arthritis"]
