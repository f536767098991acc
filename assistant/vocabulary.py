"""The domain's vocabulary as the question bank uses it, taught to the scope rules.

What it does: the words of answerable bank questions (asked by at least two of them) count as words
of the domain, those of questions about the report's patient as words of his case, so that a
clinician's abbreviation or a lay word is no "unknown subject".

What it leaves out: the rules that read the vocabulary (:mod:`assistant.scope`).
"""
from __future__ import annotations

from .scope import Scope
from .text import _stemmer, words


def learn_vocabulary(scope: Scope, entries) -> None:
    """The words people use in answerable bank questions are words of the domain (clinicians'
    abbreviations such as 'NWB' or 'BMO', lay words such as 'flares'); those of questions about
    the report's patient are words of his case. A word must come from two questions at least, so
    no single question vouches for itself (the abstention model is fitted leave-one-out)."""
    from collections import Counter

    def common(sel) -> set[str]:
        # Stemmed in the question's own language only: the French stem of 'shoulder' is 'should'.
        counts = Counter((w, e.lang) for e in sel for w in set(words(e.text)))
        out = set()
        for (w, lang), n in counts.items():
            if n >= 2 and len(w) >= 2 and not w.isdigit():
                out |= {w, f"~{lang}:{_stemmer(lang).stemWord(w)}"} | ({f"~p:{w[:6]}"} if len(w) >= 7 else set())
        return out

    scope.vocab |= common([e for e in entries if e.answerable])
    scope.case_vocab |= common([e for e in entries if e.answerable and e.about == "case"])
