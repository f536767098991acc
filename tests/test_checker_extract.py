"""Free text FR/EN -> Case: context (negation, hypothesis, family, history), units, dates, episodes."""
from __future__ import annotations

import pytest

from assistant.checker import CaseError, check
from assistant.checker.context import Annotator, detect_language
from assistant.checker.extract import MAX_TEXT_CHARS, extract

LANGS = ["fr", "en"]

TEXTS = {
    "negated_fever": {"fr": "Homme de 50 ans, gonalgie droite brutale. Pas de fièvre.",
                      "en": "A 50-year-old man with sudden right knee pain. No fever."},
    "negated_trauma": {"fr": "Douleur du genou gauche sans traumatisme.",
                       "en": "Left knee pain with no history of trauma."},
    "hyp_on": {"fr": "Coxalgie droite. IRM demandée pour éliminer une ostéonécrose.",
               "en": "Right hip pain. MRI to rule out osteonecrosis."},
    "family_on": {"fr": "Gonalgie droite brutale. Mère suivie pour ostéonécrose.",
                  "en": "Sudden right knee pain. His mother was treated for osteonecrosis."},
    "history_cancer": {"fr": "Antécédent de cancer du sein il y a 6 ans. Coxalgie gauche.",
                       "en": "History of breast cancer 6 years ago. Left hip pain."},
    "units": {"fr": "Femme de 63 ans, température 38,6 °C, CRP 180 mg/L, GB 15 G/L.",
              "en": "A 63-year-old woman, temperature 38.6 °C, CRP 18 mg/dL, WBC 15,000/mm3."},
    "pregnancy": {"fr": "Patiente enceinte de 34 SA, coxalgie gauche.",
                  "en": "A woman at 34 weeks of gestation with left hip pain."},
}


@pytest.mark.parametrize("lang", LANGS)
def test_negation_sets_false(lang):
    case, _ = extract(TEXTS["negated_fever"][lang])
    assert case.fever is False
    case, _ = extract(TEXTS["negated_trauma"][lang])
    assert case.trauma is False


@pytest.mark.parametrize("lang", LANGS)
def test_hypothesis_raises_nothing(lang):
    case, prov = extract(TEXTS["hyp_on"][lang])
    assert not (case.history and case.history.osteonecrosis)
    assert not any("osteonecrosis" in (ep.mri.findings or []) for ep in case.episodes if ep.mri)
    assert any(m.hypothetical for m in prov.ignored)
    report = check(TEXTS["hyp_on"][lang])
    assert report.differentials == []


@pytest.mark.parametrize("lang", LANGS)
def test_family_history_is_not_the_patient(lang):
    report = check(TEXTS["family_on"][lang])
    assert [d.id for d in report.differentials] == []
    ignored = [e for c in report.criteria for e in c.evidence if not e.used]
    assert any(e.family for e in ignored)


@pytest.mark.parametrize("lang", LANGS)
def test_personal_history_counts(lang):
    case, _ = extract(TEXTS["history_cancer"][lang])
    assert case.history.cancer is True
    assert [d.id for d in check(TEXTS["history_cancer"][lang]).differentials] == ["bone_tumour"]


@pytest.mark.parametrize("lang", LANGS)
def test_numbers_with_units_and_decimal_comma(lang):
    case, _ = extract(TEXTS["units"][lang])
    assert case.age == 63
    assert case.temperature_c == pytest.approx(38.6)
    assert case.labs.crp == pytest.approx(180)
    assert case.labs.wbc == pytest.approx(15)
    assert case.sex == "female"


@pytest.mark.parametrize("lang", LANGS)
def test_pregnancy_weeks(lang):
    case, _ = extract(TEXTS["pregnancy"][lang])
    assert case.pregnancy.weeks == 34 and case.pregnancy.trimester == 3
    assert case.sex == "female"
    assert case.episodes[0].joint == "hip" and case.episodes[0].side == "left"


@pytest.mark.parametrize("lang, text", [
    ("fr", "En mars 2018, gonalgie droite ; IRM : œdème du condyle fémoral interne. Trois mois plus tard, douleur du "
           "genou gauche, IRM : œdème du condyle fémoral interne gauche."),
    ("en", "In March 2018, right knee pain; MRI: edema of the medial femoral condyle. Three months later, pain in the "
           "left knee with MRI edema of the left medial femoral condyle."),
])
def test_episodes_and_dates(lang, text):
    case, _ = extract(text)
    assert [(e.joint, e.side) for e in case.episodes] == [("knee", "right"), ("knee", "left")]
    assert case.episodes[0].date == "2018-03"
    assert case.episodes[1].date == "2018-06"
    assert check(text).migratory is True


@pytest.mark.parametrize("lang, text", [
    ("fr", "Femme de 60 ans sans fièvre, sans traumatisme, sans corticothérapie, ne boit pas d'alcool."),
    ("en", "A 60-year-old woman without fever, trauma or steroid use; she does not drink alcohol."),
])
def test_negated_red_flags_do_not_raise(lang, text):
    case, _ = extract(text)
    assert case.fever is False and case.trauma is False
    assert case.exposures.corticosteroids is False and case.exposures.alcohol is False
    assert check(text).differentials == []


@pytest.mark.parametrize("text, lang", [
    ("Homme de 50 ans avec une douleur du genou droit depuis trois semaines.", "fr"),
    ("A 50-year-old man with right knee pain for three weeks.", "en"),
])
def test_language_detection(text, lang):
    assert detect_language(text) == lang
    assert check(text).lang == lang


def test_context_flags_directly():
    a = Annotator("Pas de fièvre ni de frissons. Osteonecrosis was ruled out. Rule out septic arthritis.")
    def flags(word):
        i = a.folded.index(word)
        return a.flags(i, i + len(word))
    assert flags("fievre").negated and flags("frissons").negated
    assert flags("osteonecrosis").negated
    assert flags("septic").hypothetical


def test_thin_line_is_a_caution_not_a_veto():
    text = "Homme de 44 ans, coxalgie gauche brutale sans traumatisme. IRM : œdème de la tête fémorale avec un fin liseré sous-chondral de 2 mm."
    report = check(text)
    assert report.verdict == "probable"
    assert [c.id for c in report.cautions] == ["rf_thin_subchondral_line"]


def test_too_long_text_is_refused_quickly():
    import time
    t = time.perf_counter()
    with pytest.raises(CaseError) as err:
        check("a" * (1 << 20))
    assert time.perf_counter() - t < 0.5
    assert f"{MAX_TEXT_CHARS:,}" in str(err.value) and err.value.field == "text"


def test_text_at_the_limit_is_handled_in_time():
    import time
    chunk = "Homme de 50 ans, gonalgie droite brutale, pas de fièvre, CRP 3 mg/L. "
    text = (chunk * (MAX_TEXT_CHARS // len(chunk)))[:MAX_TEXT_CHARS]
    t = time.perf_counter()
    report = check(text)
    assert time.perf_counter() - t < 10
    assert report.verdict in ("possible", "probable", "insufficient", "unlikely")


def test_evidence_quotes_the_text_span():
    text = "A 50-year-old man, sudden right knee pain, no fever. MRI: bone marrow edema of the medial femoral condyle."
    report = check(text).to_dict()
    fever = next(c for c in report["criteria"] if c["id"] == "rf_fever")
    assert fever["status"] == "not_met"
    ev = fever["evidence"][0]
    assert ev["quote"] == "fever" and ev["negated"] is True
    assert text[ev["span"][0]:ev["span"][1]] == "fever"
