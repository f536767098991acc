"""Whom a question is about: the reported patient ('case'), the disease ('general'), or unsaid (None)."""
from __future__ import annotations

import pytest

from assistant.subject import detect_subject


@pytest.mark.parametrize("q", [
    "Le patient a quel âge ?", "What age is the patient?",
    "Mr CM: what is seen on MRI?", "M. CM a quel âge ?",
    "How is the patient treated?", "Ce cas est-il typique ?",
])
def test_patient_named_outright_is_the_case(q):
    assert detect_subject(q) == "case"
    assert detect_subject(q, history=True) == "case"  # naming him does not depend on tense


@pytest.mark.parametrize("q", ["Chez M. CM, quel est le traitement en général ?",
                               "In general, what did Mr CM receive?"])
def test_named_patient_wins_over_general_markers(q):
    assert detect_subject(q) == "case"


@pytest.mark.parametrize("q", [
    "What does MRI show in patients with transient osteoporosis?",
    "Que montre l'IRM chez les patients atteints ?",
])
def test_patients_in_the_plural_are_not_the_case(q):
    assert detect_subject(q) == "general"


@pytest.mark.parametrize("q", ["What did he receive?", "Il s'était cogné ?", "Does he still have pain?"])
def test_personal_pronoun_is_the_case(q):
    assert detect_subject(q) == "case"
    assert detect_subject(q, history=True) == "case"  # a pronoun, not the tense, decides


@pytest.mark.parametrize("q", [
    "Est-ce qu'il a encore mal ?",
    "Comment va-t-il ?",
])
def test_french_personal_pronoun_forms_are_the_case(q):
    assert detect_subject(q) == "case"


@pytest.mark.parametrize("q", [
    "Faut-il refaire une IRM ?", "L'œdème se voit-il sur une radiographie ?",
    "Y a-t-il un traitement ?", "S'agit-il d'une maladie rare ?", "Est-il possible de guérir ?",
])
def test_french_impersonal_inversion_is_not_a_person(q):
    assert detect_subject(q) != "case"
    assert detect_subject(q, history=True) != "case"


@pytest.mark.parametrize("q", [
    "What did the blood work show?", "Que montrait la biologie ?",
    "What were the results of the scan?", "Qu'a montré l'IRM ?",
])
def test_past_tense_reads_as_the_patients_story(q):
    assert detect_subject(q) == "case"


@pytest.mark.parametrize("q", [
    "What did the blood work show?", "Que montrait la biologie ?",
    "What were the results of the scan?", "Qu'a montré l'IRM ?",
])
def test_past_tense_is_ignored_for_history_questions(q):
    assert detect_subject(q, history=True) != "case"


@pytest.mark.parametrize("q", [
    "When was it first described?", "Par qui a été décrite cette entité ?",
    "Quand a-t-elle été décrite pour la première fois ?", "Who first reported it?",
])
def test_described_in_the_literature_is_not_the_case(q):
    assert detect_subject(q) != "case"


@pytest.mark.parametrize("q", [
    "Quels traitements pourraient raccourcir l'évolution ?", "Que pourrait montrer l'IRM ?",
    "Which treatments could shorten the course?",
])
def test_conditional_is_not_a_past_tense(q):
    assert detect_subject(q) != "case"


@pytest.mark.parametrize("q", [
    "What does the left knee MRI show?", "Que montre l'IRM du genou droit ?", "Que montre l'IRM de 2019 ?",
])
def test_a_detail_of_the_case_is_the_case(q):
    assert detect_subject(q) == "case"


@pytest.mark.parametrize("q", [
    "What is the treatment in general?", "Quel est le traitement en général ?",
    "What does MRI show in this disease?", "Que montre l'IRM dans cette maladie ?",
    "My knee hurts, what should I do?", "J'ai mal à mon genou, que faire ?",
    "What is seen on scintigraphy in transient osteoporosis?",
    "Que montre la scintigraphie dans l'ostéoporose transitoire ?",
])
def test_general_markers_are_the_disease(q):
    assert detect_subject(q) == "general"


@pytest.mark.parametrize("q", ["What did the MRI show in this disease?", "Que montrait l'IRM dans cette maladie ?",
                               "What did he receive in general?"])
def test_general_markers_win_over_tense_and_pronouns(q):
    assert detect_subject(q) == "general"


@pytest.mark.parametrize("q", ["What does an MRI show?", "Que montre l'IRM ?", "What is the treatment?",
                               "Quel est le traitement ?"])
def test_plain_present_tense_question_is_unsaid(q):
    assert detect_subject(q) is None
    assert detect_subject(q, history=True) is None


@pytest.mark.parametrize("q", [
    "Ma patiente a une ostéopénie : est-ce que ça favorise la maladie ?",
    "Chez un patient qui boite depuis une semaine, faut-il penser à cette maladie ?",
    "Si quelqu'un a eu une ostéoporose de hanche, quelle articulation peut suivre ?",
    "My patient had a bone scan yesterday: is it positive early in this disease?",
    "Could a patient who was pregnant last year get this again?",
    "What should I tell someone whose knee MRI showed marrow edema?",
    "Is the usual patient with this a man or a woman?",
    "À quoi ressemble le patient type de cette maladie ?",
])
def test_someone_elses_patient_is_not_the_reported_one(q):
    """'mon patient', 'a patient', 'someone' name the asker's patient or anyone: the disease in general."""
    assert detect_subject(q) == "general"


@pytest.mark.parametrize("q", ["Notre patient a-t-il reçu de la calcitonine ?",
                               "Which knee did our patient injure first?",
                               "My colleague asks: what did Mr CM receive?"])
def test_the_reports_own_patient_stays_the_case(q):
    """Case reports call theirs 'our patient'; naming him wins over another mention."""
    assert detect_subject(q) == "case"


@pytest.mark.parametrize("q, who", [
    ("vitamine D du pt à l'entrée ?", "case"), ("pt's knee on day one?", "case"),
    ("mon pt a un oedème du condyle, que faire ?", "general"), ("my pt has marrow edema, next step?", "general"),
])
def test_clinician_shorthand_for_patient(q, who):
    """'pt' is the clinician's 'patient': the reported one, unless it is the asker's ('my pt')."""
    assert detect_subject(q) == who


@pytest.mark.parametrize("lang, q, fact", [("fr", "vitamine D du pt à l'entrée ?", "26,1"),
                                           ("en", "pt's labs?", "26.1")])
def test_shorthand_patient_question_gets_his_figures(assistant, lang, q, fact):
    a = assistant.ask(q)
    assert a.lang == lang and not a.abstained and fact in a.answer[:300], a.answer[:300]
