"""Whom a question is about: the reported patient (Mr CM), the disease in general, or unsaid.

What it does: reads explicit markers from the question's wording, in French and English:
- the patient: 'patient', 'M. CM', 'monsieur', a third-person pronoun that is not the French
  impersonal inversion ('est-il', 'faut-il', 'y a-t-il' say nothing about a person), a past
  tense ('what did the MRI show', 'que montrait la biologie'), a date of the case (2018, 2019)
  or one of his knees ('right knee', 'genou gauche');
- the disease in general: 'in general', 'habituellement', 'typically', 'in this disease',
  'dans cette pathologie', a question about oneself ('my knee', 'mon genou', 'should I').
When both kinds are present, the patient wins only when named outright.

What it leaves out: intents (:mod:`assistant.intents`) and history: the history of the disease
('first described in 1959', 'a été découverte') is past tense about no patient, so the caller
passes ``history=True`` to ignore tense there.
"""
from __future__ import annotations

import re
from typing import Literal

from .text import fold, names_topic

Subject = Literal["case", "general"] | None

_NAMED = re.compile(r"\b(patient|patients?'s|m\.? ?cm|mr\.? ?cm|monsieur|ce malade|the man|cet homme|le malade"
                    r"|this case|the case|ce cas|le cas|du cas|the reported case|case report|rapport de cas)\b")
# A pronoun for a person; French 'il' only when it is not the inversion after a verb ('est-il').
_PRONOUN = re.compile(r"(?<![-\w])(he|his|him|lui)\b|(?<![-\w])il\b(?!\s*(y a|faut|s'agit|existe))|qu'il\b")
# '-il' after a verb: a person ('comment va-t-il ?', 'est-il guéri ?') unless the verb is
# impersonal ('faut-il', 'y a-t-il') or a noun opened the sentence ('l'œdème se voit-il ?').
_INVERSION = re.compile(r"\w-(t-)?il\b")
_IMPERSONAL = re.compile(r"\b(faut|y a|agit|existe|semble|arrive|suffit|vaut)-(t-)?il\b"
                         r"|\best-il (possible|utile|necessaire|normal|grave|frequent|vrai|recommande|"
                         r"conseille|indique|rare|courant|dangereux|urgent)\b")
_NOUN_FIRST = re.compile(r"^(le|la|les|l'|un|une|des|ce|cet|cette|ces|son|sa|ses|quel\w*|combien de|que|qu'"
                         r"|quand|pourquoi|comment est-ce)\b")
_PAST = re.compile(
    r"\b(did|was|were|had|received|showed|underwent|got|given|presented|complained)\b"
    r"|\b\w{2,}(?<!rr|er|ir|vr|ur|dr)(ait|aient)\b"  # imparfait (montrait, avait), not conditional (pourrait)
    r"|\b(a|ont|avait) (ete|eu|recu|montre|presente|pris|beneficie|subi|fait|suivi|developpe)\b"
    r"|\b(a-t-il|a-t-on|ont-ils) (ete|eu|recu|montre|presente|pris|beneficie|subi|fait|suivi)\b")
_CASE_DETAIL = re.compile(r"\b(2018|2019|genou (droit|gauche)|(right|left) knee|54 ans|54-year|54 year)\b")
# Patients in the plural are the disease's, not the reported one.
_PATIENTS = r"patients with|les patients|chez les patients|in patients|most patients"
# The disease's own name ('cette maladie', 'transient osteoporosis') is caught by names_topic().
_GENERAL = re.compile(
    r"\b(in general|en general|generally|generalement|habituel\w*|usual\w*|typical\w*|typique\w*|"
    rf"{_PATIENTS}|chez les|la plupart"
    r"|my|mon|ma|mes|i|je|j'ai|should i|dois-je|est-ce que je)\b")


def detect_subject(question: str, history: bool = False) -> Subject:
    f = " ".join(fold(question).split())
    if _NAMED.search(f) and not re.search(rf"\b({_PATIENTS})\b", f):
        return "case"
    # 'What does scintigraphy show in transient osteoporosis?' asks of the disease.
    if _GENERAL.search(f) or names_topic(f):
        return "general"
    if _PRONOUN.search(f) or _CASE_DETAIL.search(f):
        return "case"
    if _INVERSION.search(f) and not _IMPERSONAL.search(f) and not _NOUN_FIRST.search(f):
        return "case"
    # 'a été décrit' is the literature speaking, not the patient's story.
    if not history and _PAST.search(f) and not re.search(r"\b(decri|describ|report|rapport|publi)", f):
        return "case"
    return None
