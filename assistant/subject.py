"""Whom a question is about: the reported patient (Mr CM), the disease in general, or unsaid.

What it does: reads explicit markers from the question's wording, in every language (the
``subject`` words of ``assistant/lang/<xx>/understand.yaml``; the patient's initials, age, knees
and the years of his course are read from ``knowledge/``):
- the patient: 'patient', 'M. CM', 'monsieur', a third-person pronoun that is not the French
  impersonal inversion ('est-il', 'faut-il', 'y a-t-il' say nothing about a person), a past
  tense ('what did the MRI show', 'que montrait la biologie'), a date of the case (2018, 2019)
  or one of his knees ('right knee', 'genou gauche');
- the disease in general: 'in general', 'habituellement', 'typically', 'in this disease',
  'dans cette pathologie', a question about oneself ('my knee', 'mon genou', 'should I').
When both kinds are present, the patient wins only when named outright. :func:`named_outright`
(his name or a detail only his case has) lets understanding overrule a pronoun or a tense alone;
:func:`refers_to_patient` is the reading the scope rules take (tense ignored).

What it leaves out: intents (:mod:`assistant.intents`) and history: the history of the disease
('first described in 1959', 'a été découverte') is past tense about no patient, so the caller
passes ``history=True`` to ignore tense there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from .knowledge import knowledge_dir
from .document_terms import terms_at
from .lexicon import alternation, lexicon
from .text import fold, names_topic

Subject = Literal["case", "general"] | None


@dataclass(frozen=True)
class _Patterns:
    named: re.Pattern  # the patient named outright ('patient', 'M. CM', 'this case')
    others: re.Pattern  # someone else's patient or anyone ('my patient', 'un patient'): not him
    plural: re.Pattern  # patients in the plural: the disease's, not the reported one
    general: re.Pattern  # 'in general', 'typically', plural patients, the asker ('my', 'should I')
    pronoun: re.Pattern  # a third-person pronoun of a person
    inversion: re.Pattern  # a verb inverted with its pronoun ('va-t-il')
    impersonal: re.Pattern  # ... that names nobody ('faut-il', 'est-il possible')
    noun_first: re.Pattern  # ... after a noun opened the sentence ('l'œdème se voit-il ?')
    past: re.Pattern  # a past tense
    case_detail: re.Pattern  # a detail of the case: its years, one of his knees, his age
    literature: re.Pattern  # the literature speaking ('a été décrit', 'was reported')


@lru_cache(maxsize=8)
def _patterns(root: str) -> _Patterns:
    """The regexes of every language's ``subject`` words, with the document's terms of ``root``."""
    lex, doc = lexicon(), terms_at(root)

    def alt(key: str) -> str:
        return alternation(lex.listed(f"subject.{key}"), literal=False)

    titles = [re.escape(t.rstrip(".")) + r"\.? ?" + re.escape(n) for t in lex.listed("patient_titles")
              for n in doc.patient_names]
    knees = lex.keyed("knee_phrases")
    ages = [re.escape(a) + alternation(lex.listed("age_suffixes")) for a in doc.ages]
    detail = alternation(list(doc.years) + [p for side in doc.knees for p in knees.get(side, ())]) + "|" \
        + alternation(ages, literal=False)
    return _Patterns(
        named=re.compile(rf"\b{alternation(lex.listed('subject.patient_named') + tuple(titles), literal=False)}\b"),
        others=re.compile(rf"\b{alt('others_patient')}\b"),
        plural=re.compile(rf"\b{alt('patients_plural')}\b"),
        general=re.compile(rf"\b(?:{alt('general')}|{alt('patients_plural')}|{alt('asker')})\b"),
        pronoun=re.compile(rf"(?<![-\w]){alt('person_pronouns')}\b|{alt('pronoun_patterns')}"),
        inversion=re.compile(alt("inversion")),
        impersonal=re.compile(rf"\b{alt('impersonal')}\b"),
        noun_first=re.compile(rf"^{alt('noun_first')}\b"),
        past=re.compile(rf"\b{alt('past_tense')}\b"),
        case_detail=re.compile(rf"\b(?:{detail})\b"),
        literature=re.compile(rf"\b{alt('literature')}"),
    )


def _folded(question: str, p: _Patterns) -> tuple[str, bool]:
    """The folded question without the mentions of someone else's patient, and whether it had one
    ('mon patient' names the asker's patient, so 'patient' there is no sign of the reported one)."""
    f = " ".join(fold(question).split())
    g = p.others.sub(" ", f)
    return g, g != f


def detect_subject(question: str, history: bool = False) -> Subject:
    p = _patterns(str(knowledge_dir()))
    f, others = _folded(question, p)
    if p.named.search(f) and not p.plural.search(f):
        return "case"
    if others or p.general.search(f):
        return "general"
    # 'What does scintigraphy show in transient osteoporosis?' asks of the disease; 'where did the
    # disease go after his right knee?' of him: a person's pronoun outweighs the disease's name
    # (one of his knees alone does not: 'transient osteoporosis of the right knee').
    if p.pronoun.search(f):
        return "case"
    if names_topic(f):
        return "general"
    if p.case_detail.search(f):
        return "case"
    if p.inversion.search(f) and not p.impersonal.search(f) and not p.noun_first.search(f):
        return "case"
    # 'a été décrit' is the literature speaking, not the patient's story.
    if not history and p.past.search(f) and not p.literature.search(f):
        return "case"
    return None


def refers_to_patient(question: str) -> bool:
    """Whether the wording points at the reported patient ('the patient', 'il', 'M. CM', his knee;
    what the scope's patient rules take): a past tense alone does not count there, since 'what did
    synovial biopsy find?' asks the literature. Broader than :func:`named_outright` (a pronoun
    counts), narrower than :func:`detect_subject` (the tense does not)."""
    return detect_subject(question, history=True) == "case"


def named_outright(question: str) -> bool:
    """The patient named, or a detail only his case has (its years, his knees, his age)."""
    p = _patterns(str(knowledge_dir()))
    f, _ = _folded(question, p)
    return bool((p.named.search(f) and not p.plural.search(f)) or p.case_detail.search(f))
