"""Understanding and answer-first replies, on phrasings of our own (none is in evals/ or the bank)."""
from __future__ import annotations

import pytest

from assistant.text import fold


@pytest.mark.parametrize("q", [
    "My own patient has this in the knee: what can I tell him about how it usually ends?",
    "Mon patient a une ORT du genou : que lui dire de l'évolution habituelle ?",
])
def test_the_askers_patient_is_not_the_report_patient(assistant, q):
    query = assistant.understand(q)
    assert query.subject != "case"
    a = assistant.ask(q)
    assert a.reason != "not_in_case"
    assert not a.abstained


@pytest.mark.parametrize("q, fact", [
    ("Roughly what share of patients get both sides involved?", "20"),
    ("Les deux côtés sont touchés dans quelle proportion des cas ?", "20"),
])
def test_a_one_fact_question_gets_the_fact_first(assistant, q, fact):
    a = assistant.ask(q)
    assert not a.abstained
    assert fact in a.answer[:300]


@pytest.mark.parametrize("q, items", [
    ("Which factors predispose someone to this condition?", ["smoking", "osteopenia"]),
    ("Qu'est-ce qui prédispose à cette maladie ?", ["tabac", "osteopenie"]),
])
def test_a_list_question_gets_its_list_in_the_opening(assistant, q, items):
    a = assistant.ask(q)
    head = fold(a.answer[:300])
    assert all(i in head for i in items), a.answer[:300]


@pytest.mark.parametrize("lang, q", [("en", "And at what dose?"), ("fr", "Et à quelle dose ?")])
def test_a_followup_carries_the_episode_over(assistant, lang, q):
    first = {"en": "What was the patient given for his left knee?",
             "fr": "Qu'a-t-on donné au patient pour son genou gauche ?"}[lang]
    a = assistant.ask(q, history=[first])
    assert "10 mg" in a.answer[:300]  # his left knee's drug, not the first episode's list
    query = assistant.understand(q, history=[first])
    assert query.followup and query.lang == lang


def test_one_query_carries_what_every_stage_reads(assistant):
    query = assistant.understand("Quelle était la dose d'alendronate de M. CM ?")
    assert query.lang == "fr" and query.subject == "case"
    assert query.intents.has("dose") and query.matches
    assert query.matches[0].sim >= query.matches[-1].sim


@pytest.mark.parametrize("turns", [
    ["Which knee was affected first?", "and what happened next?"],
    ["Combien de temps dure la maladie ?", "et les récidives, tous les combien ?"],
])
def test_a_followup_does_not_repeat_the_previous_answer(assistant, turns):
    first = assistant.ask(turns[0])
    second = assistant.ask(turns[1], history=[turns[0]])
    assert second.answer.split("\n")[0] != first.answer.split("\n")[0]
    # its lead is not the previous question's again
    assert assistant.understand(turns[1], history=[turns[0]]).targets != assistant.understand(turns[0]).targets


@pytest.mark.parametrize("lang, turns, fact", [
    ("en", ["Which joints does the disease involve?", "And how frequently on both sides at once?"], "20 %"),
    ("fr", ["Quelles articulations sont touchées ?", "Et les deux côtés à la fois, c'est fréquent ?"], "20 %"),
])
def test_a_followup_is_led_by_what_it_asks_itself(assistant, lang, turns, fact):
    """The follow-up's own words weigh more than the question it leans on: 'how often on both
    sides' after 'which joints' opens with the share of bilateral cases, not the sites again."""
    a = assistant.ask(turns[1], history=turns[:1])
    assert a.lang == lang and not a.abstained
    assert fact in a.answer[:300], a.answer[:300]


@pytest.mark.parametrize("lang, q", [
    ("fr", "Selon l'hypothèse vasculaire, que se produit-il après la phase d'ischémie ?"),
    ("fr", "Après injection de produit de contraste, l'œdème prend-il le contraste ?"),
    ("en", "Which hypothesis was proposed to explain the bone loss?"),
])
def test_a_pronoun_or_a_tense_alone_does_not_make_it_his_case(assistant, lang, q):
    # the wording rules read 'se produit-il' or 'was proposed' as the patient's; the bank's
    # nearest questions say the disease, and nothing names him
    query = assistant.understand(q)
    assert query.lang == lang and query.subject == "general"


@pytest.mark.parametrize("q", ["Que montrait son IRM ?", "What did his MRI show?", "L'IRM de M. CM montrait-elle un épanchement ?"])
def test_his_own_questions_stay_his(assistant, q):
    assert assistant.understand(q).subject == "case"


def test_a_pronoun_and_no_subject_of_its_own_leans_on_the_previous_question():
    from assistant.understand import is_followup

    q, before = "In which direction does it mostly spread, then?", "Every how many months does the involvement move on?"
    assert not is_followup(q, before)  # six words of its own: the wording alone does not say
    assert is_followup(q, before, anchored=lambda text: False)
    assert not is_followup(q, before, anchored=lambda text: True)
    assert not is_followup(q, None, anchored=lambda text: False)


def test_such_a_followup_is_answered_from_the_question_before(assistant):
    turns = ["Every how many months does the involvement move on?", "In which direction does it mostly spread, then?"]
    a = assistant.ask(turns[1], history=turns[:1])
    assert not a.abstained and "distal" in a.answer[:300].lower(), a.answer[:300]


def test_a_followup_asking_the_diagnosis_replaces_the_differentials():
    """'And how is it confirmed in the end?' after the differentials asks how the diagnosis is made."""
    from assistant.intents import Intents
    from assistant.understand import merge_intents

    merged = merge_intents(Intents({"diagnosis": 1.0}), Intents({"differential": 1.0}))
    assert merged.has("diagnosis") and not merged.has("differential")
    kept = merge_intents(Intents({"dose": 1.0}), Intents({"differential": 1.0}))
    assert kept.has("differential")  # another kind of ask keeps what it leans on
