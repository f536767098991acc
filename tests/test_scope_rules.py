"""Scope rules through the default assistant: what is refused (general knowledge, other conditions,
other body sites, patient details the report never gives) and what must not be refused (lay and
terse questions the source answers). Answers are in the question's language either way."""
from __future__ import annotations

import re

import pytest

_FR = re.compile(r"\b(le|la|les|de|des|du|une|est|et|ou|chez|sans|avec|d'un|d'une)\b", re.I)
_EN = re.compile(r"\b(the|of|and|or|is|with|without|was|in|on|an)\b", re.I)


def _answered_in(a, lang: str) -> None:
    assert a.lang == lang
    fr, en = len(_FR.findall(a.answer)), len(_EN.findall(a.answer))
    assert (fr > en) if lang == "fr" else (en > fr), a.answer
    assert all(c.lang == lang for c in a.citations)


@pytest.mark.parametrize("q,lang", [
    ("Which city is the capital of France?", "en"), ("Quelle ville est la capitale de la France ?", "fr"),
    ("Give me a recipe for a lemon cake.", "en"), ("Donne-moi la recette d'un gâteau au chocolat.", "fr"),
    ("Who won the football world cup in 2018?", "en"),
    # Refused since the abstention model (it was a strict xfail: 'coupe' read as a domain anchor).
    ("Qui a gagné la coupe du monde 2018 ?", "fr"),
])
def test_general_knowledge_is_refused(assistant, q, lang):
    a = assistant.ask(q)
    assert a.abstained and a.reason == "out_of_scope" and not a.citations
    _answered_in(a, lang)


OUT, CASE = ("out_of_scope",), ("not_in_case",)
# (question, language, the reasons a refusal may give), by what the source lacks.
REFUSALS = {
    "another condition in everyday words": [
        ("How do you treat gout?", "en", OUT), ("Traitement de la goutte ?", "fr", OUT),
        ("What causes asthma?", "en", OUT), ("Quels sont les symptômes du diabète ?", "fr", OUT)],
    "another body site": [
        ("transient osteoporosis of the wrist: treatment?", "en", OUT),
        ("ostéoporose transitoire du poignet : traitement ?", "fr", OUT),
        ("Can transient osteoporosis affect the shoulder?", "en", OUT),
        ("L'ostéoporose transitoire peut-elle toucher l'épaule ?", "fr", OUT)],
    "a patient detail the report never gives": [
        ("What BMI did the patient have?", "en", CASE), ("Quelle profession exerce le patient ?", "fr", CASE),
        ("Did Mr CM smoke?", "en", CASE), ("M. CM était-il fumeur ?", "fr", CASE),
        ("What was the patient's job?", "en", CASE), ("Quelle était la profession de M. CM ?", "fr", CASE)],
    "a care subject the source never treats": [
        ("Can a breastfeeding mother take alendronate safely?", "en", OUT + CASE),
        ("Peut-on prendre de l'alendronate pendant l'allaitement ?", "fr", OUT + CASE),
        ("How many physiotherapy sessions are needed?", "en", OUT + CASE),
        ("Combien de séances de kiné faut-il ?", "fr", OUT + CASE),
        ("Est-ce génétique ?", "fr", OUT + CASE), ("Can he go back to sport?", "en", OUT + CASE)],
}


@pytest.mark.parametrize("q,lang,reasons", [pytest.param(*case, id=f"{kind}: {case[0]}")
                                            for kind, cases in REFUSALS.items() for case in cases])
def test_refused_with_the_reason_that_says_what_is_missing(assistant, q, lang, reasons):
    a = assistant.ask(q)
    assert a.abstained and a.reason in reasons, (a.reason, a.answer)
    _answered_in(a, lang)


@pytest.mark.parametrize("q,lang", [
    ("Do I need to keep weight off my leg?", "en"),
    ("Je dois éviter de m'appuyer sur la jambe ?", "fr"),
    ("Is my knee going to get back to normal?", "en"),
    ("Mon genou va-t-il redevenir normal ?", "fr"),
    ("tt de première intention ?", "fr"),
    ("principaux DD ?", "fr"),
    ("Diagnostics différentiels principaux ?", "fr"),
    ("When did Mr CM have his first bone scan?", "en"),
    ("Quand a été faite la première scintigraphie de M. CM ?", "fr"),
    ("Did his right knee recover fully?", "en"),
    ("Le genou droit a-t-il complètement récupéré ?", "fr"),
    pytest.param("Il était tombé ou il s'était cogné ?", "fr", marks=pytest.mark.xfail(
        strict=True, reason="regression of the glossary fix (issue 12): 'tombé'/'cogné' are no longer synonyms of "
                            "'traumatisme', so the scope rules find no word of the case and refuse; the case says "
                            "'sans facteur traumatique reconnu'")),
    # The disease's abbreviations are its names, even one the source never writes ('TMO').
    ("Causes of TMO?", "en"),
    ("TMO : physiopathologie ?", "fr"),
])
def test_lay_or_terse_answerable_questions_are_not_refused(assistant, q, lang):
    a = assistant.ask(q)
    assert not a.abstained and a.reason == "ok", a.answer
    assert a.citations
    _answered_in(a, lang)


@pytest.mark.parametrize("q,lang,refused", [
    ("What was Mr CM's T-score on bone densitometry?", "en", True),
    ("Quelle était la valeur du T-score de M. CM à l'ostéodensitométrie ?", "fr", True),
    ("What vitamin D level did the patient have?", "en", False),
    ("Quel était le taux de vitamine D du patient ?", "fr", False),
])
def test_a_value_asked_of_the_patient_needs_a_figure_in_his_case(assistant, q, lang, refused):
    a = assistant.ask(q)
    assert a.abstained == refused, (a.reason, a.answer)
    if refused:
        assert a.reason == "not_in_case"
    else:
        assert "26" in a.answer
    _answered_in(a, lang)


_UNKNOWN_WORD_BUT_ANSWERED = [
    ("Quelle posologie d'alendronate a reçu M. CM ?", "fr"),
    pytest.param("Bio du patient au départ ?", "fr", marks=pytest.mark.xfail(strict=True, reason=(
        "known regression (session 10): with the near-miss paraphrases the model's probability is 0.44, "
        "above abstain_rules_floor, so the rules' veto on 'départ' stands"))),
    ("Mr CM: alendronate posology?", "en"),
]


@pytest.mark.parametrize("q,lang", _UNKNOWN_WORD_BUT_ANSWERED)
def test_a_word_the_rules_do_not_know_does_not_refuse_what_the_model_answers(assistant, q, lang):
    """The rules read 'posologie' or 'bio' as a detail missing from his case; the calibrated model is
    confident the source answers, and under ``abstain_rules_floor`` it wins."""
    a = assistant.ask(q)
    assert not a.abstained and a.reason == "ok", a.answer
    _answered_in(a, lang)


def test_without_the_floor_the_rules_refuse_them_again(monkeypatch):
    """The floor, not another change, is what answers them: at 0 the rules' veto is back. The model is
    a fake, confident the source answers (0.1, under the default floor), so the test reads the floor
    itself and not how the fitted model happens to score these wordings."""
    from assistant import Assistant
    from assistant.settings import Settings

    questions = [getattr(p, "values", p)[0] for p in _UNKNOWN_WORD_BUT_ANSWERED]
    default, strict = Assistant(Settings()), Assistant(Settings(abstain_rules_floor=0.0))
    for a in (default, strict):
        monkeypatch.setattr(a.abstention, "probability", lambda x: 0.1)
    assert not any(default.ask(q).abstained for q in questions)
    assert any(strict.ask(q).abstained for q in questions)


@pytest.mark.parametrize("q", ["Quelle était la profession de M. CM ?", "What did Mr CM do for a living?"])
def test_a_detail_never_given_is_still_refused(assistant, q):
    assert assistant.ask(q).abstained


@pytest.mark.parametrize("lang, q", [("en", "What drove Mr CM to book an appointment initially?"),
                                     ("fr", "Pour quelle raison M. CM a-t-il pris rendez-vous au départ ?")])
def test_a_question_naming_the_patient_is_never_general_knowledge(assistant, lang, q):
    """Ordinary words ('appointment', 'rendez-vous') and no term of the domain: the general-knowledge
    rule does not refuse it, since it names the case (the calibrated decision still weighs it)."""
    from assistant.intents import detect_intents

    assert assistant.scope.decide(q, detect_intents(q), lang).in_scope
