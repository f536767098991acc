"""The few terms that belong to this one document, derived from ``knowledge/``, never written in code.

What it does: reads from the knowledge base the patient's initials and age, the years and knees of
his course, the authors and year of the first description and his lab figures, using the language
data that finds them (titles such as 'M.', 'ans' after an age, from :mod:`assistant.lexicon`).
What it leaves out: the words of a language (:mod:`assistant.lexicon`) and what the terms mean.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import Lexicon, alternation, lexicon


@dataclass(frozen=True)
class DocumentTerms:
    """What a question can name of this one document; empty when the knowledge folder cannot be read."""
    patient_names: tuple[str, ...] = ()  # folded initials after a title ('cm' from 'M. CM')
    ages: tuple[str, ...] = ()  # the patient's age ('54' from '54 ans', '54-year-old')
    years: tuple[str, ...] = ()  # years of his course (timeline dates)
    knees: tuple[str, ...] = ()  # 'right', 'left': the knees of his course
    history_terms: tuple[str, ...] = ()  # names and years of the first description ('curtis', '1959')
    lab_figures: tuple[str, ...] = ()  # figures of his lab findings ('26.1')


def derive_terms(kb, lex: Lexicon) -> DocumentTerms:
    """Read the document's own terms from a :class:`~assistant.knowledge.KnowledgeBase`."""
    from .statements import CASE_SECTIONS
    from .text import fold, words

    section = {p.id: p.section for p in kb.paragraphs}
    case_texts = [t for p in kb.paragraphs if p.section in CASE_SECTIONS for t in (p.fr, p.en)]
    titles = "|".join(re.escape(t.rstrip(".")) + r"\.?" for t in lex.listed("patient_titles"))
    names = {fold(m) for t in case_texts for m in re.findall(rf"(?<!\w)(?i:{titles})\s+([A-Z]{{2,}})\b", t)} \
        if titles else set()
    suffix = alternation(lex.listed("age_suffixes"))
    ages = {m for t in case_texts for m in re.findall(rf"\b(\d{{1,3}}){suffix}\b", fold(t))}
    history = []
    for f in kb.facts:
        if f.category != "history":
            continue
        # Names: capitalised words inside a sentence, written the same in every language.
        caps = [{w for s in re.split(r"(?<=[.!?])\s+", text) for w in re.findall(r"\w+", s)[1:]
                 if w[0].isupper() and w[1:].islower()} for text in (f.fr, f.en)]
        history += sorted(fold(w) for w in set.intersection(*caps))
        history += sorted({y for text in (f.fr, f.en) for y in re.findall(r"\b\d{4}\b", text)})
    figures = [w for f in kb.facts if f.modality == "labs" and all(section[s] in CASE_SECTIONS for s in f.sources)
               for w in words(f"{f.fr} {f.en}") if any(ch.isdigit() for ch in w)]
    return DocumentTerms(tuple(sorted(names)), tuple(sorted(ages)), tuple(sorted({e.date[:4] for e in kb.timeline})),
                         tuple(sorted({e.knee for e in kb.timeline})), tuple(dict.fromkeys(history)),
                         tuple(dict.fromkeys(figures)))


@lru_cache(maxsize=8)
def terms_at(root: str) -> DocumentTerms:
    """The terms of the knowledge folder ``root`` (cached)."""
    from .knowledge import KnowledgeError, load_knowledge

    try:
        kb = load_knowledge(root)
    except KnowledgeError:  # the assistant itself reports a broken knowledge folder
        return DocumentTerms()
    return derive_terms(kb, lexicon())


def document_terms(kb=None) -> DocumentTerms:
    """The terms of ``kb``, or of the knowledge folder in use (``$TMO_KNOWLEDGE_DIR``, else knowledge/)."""
    if kb is not None:
        return derive_terms(kb, lexicon())
    from .knowledge import knowledge_dir

    return terms_at(str(knowledge_dir()))
