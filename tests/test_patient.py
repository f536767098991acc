"""Questions about the reported patient: ordinals, and picking his statements by structure
(dates, ordinals, modality, treatment, drug) from the real knowledge base."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.intents import detect_intents
from assistant.knowledge import load_knowledge
from assistant.patient import PatientFile
from assistant.statements import build_statements
from assistant.understand import ordinal, read_entities

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(REPO / "knowledge")


@pytest.fixture(scope="module")
def statements(kb):
    return build_statements(kb)


@pytest.fixture(scope="module")
def pick(kb, statements):
    pf = PatientFile(kb, statements)
    return lambda q: pf.pick(read_entities(q), detect_intents(q), q)


@pytest.fixture(scope="module")
def dates(kb):
    """Timeline statement id -> its date."""
    return {ev.id: ev.date for ev in kb.timeline}


@pytest.mark.parametrize("q,n", [
    ("the first MRI", 0), ("la première IRM", 0), ("the 1st bone scan", 0), ("Où avait-il mal au début ?", 0),
    ("the second episode", 1), ("la deuxième scintigraphie", 1),
    ("the last MRI", -1), ("la dernière IRM", -1),
    ("What did the MRI show?", None), ("Que montre l'IRM ?", None),
])
def test_ordinal(q, n):
    assert ordinal(q) == n


@pytest.mark.parametrize("q,date", [
    ("When did he have his first MRI?", "2018-03-09"), ("Quand a-t-on fait la première IRM ?", "2018-03-09"),
    ("When was the last MRI done?", "2019-05-07"), ("Quand a été faite la dernière IRM ?", "2019-05-07"),
    ("When was the second bone scan?", "2018-05-16"), ("Quand a eu lieu la deuxième scintigraphie ?", "2018-05-16"),
])
def test_ordinal_picks_one_dated_step(pick, statements, dates, q, date):
    picked, _ = pick(q)
    assert len(picked) == 1
    assert picked[0].category == "timeline"
    assert dates[picked[0].id] == date


@pytest.mark.parametrize("q", ["IRM du 9 juin 2018", "the June 2018 MRI", "What did the MRI of 9 June 2018 show?"])
def test_date_picks_the_step_of_that_date(pick, kb, q):
    expected = [ev.id for ev in kb.timeline if ev.date == "2018-06-09" and ev.modality == "mri"]
    assert len(expected) == 1  # the knowledge base has one such step
    picked, _ = pick(q)
    assert [s.id for s in picked] == expected


@pytest.mark.parametrize("q", ["What did the patient's blood tests show?", "Qu'a montré la biologie du patient ?"])
def test_modality_picks_his_findings_of_that_modality(pick, statements, q):
    picked, _ = pick(q)
    assert picked and all(s.modality == "labs" and s.is_case for s in picked)
    his_labs = {s.id for s in statements if s.is_case and s.modality == "labs" and s.category != "timeline"}
    assert {s.id for s in picked} == his_labs


@pytest.mark.parametrize("q", ["Which treatment did the patient receive?", "Quel traitement le patient a-t-il reçu ?"])
def test_treatment_question_gives_all_his_treatments(pick, statements, q):
    picked, header = pick(q)
    given = {s.id for s in statements if s.category == "patient_treatment"}
    assert len(given) > 1
    assert {s.id for s in picked} == given
    assert header == "patient_treatment"


@pytest.mark.parametrize("q,drug", [
    ("alendronate dose in the case?", "alendronate"),
    ("alendronat dosage in this case?", "alendronate"),  # typo: prefix match
    ("dose d'alendronat chez le patient ?", "alendronate"),
    ("Quelle dose d'alendronate a reçu M. CM ?", "alendronate"),
    ("What was the dose of calcitonin given to the patient?", "calcitonin"),
    ("Combien de calcitonine a reçu le patient ?", "calcitonin"),
])
def test_named_drug_picks_only_that_treatment(pick, q, drug):
    picked, _ = pick(q)
    assert len(picked) == 1
    assert picked[0].category == "patient_treatment" and picked[0].drug == drug


@pytest.mark.parametrize("q", ["Comment allait-il ?", "How was he doing?"])
def test_nothing_structured_returns_none(pick, q):
    assert pick(q) is None
