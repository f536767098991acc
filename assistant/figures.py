"""Figures: what kind of figure a question asks for, and whether a text gives one of that kind.

What it does: reads the asked kinds (a count, a percentage, a dose, a duration, a value, a date)
from each language's ``asked_figures`` phrases (``assistant/lang/<xx>/understand.yaml``), and
tells whether a passage states a figure of one of them: a number with a percent, dose or
duration unit of ``figure_units``, a year or a month for a date, any number for a count or a
value (dates aside). It feeds one signal of the abstention model: a figure is asked and none of
the passages nearest the question gives one ('What percentage of cases involve the patella?').

What it leaves out: which figure is right (nothing here reads meaning) and the decision itself
(:mod:`assistant.abstain` weighs the signal with the others).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import alternation, lexicon
from .text import fold

_LEX = lexicon()
_ASKED = {kind: re.compile(rf"(?<!\w){alternation(items)}(?!\w)") for kind, items in
          _LEX.keyed("asked_figures").items()}
_NUMBER = rf"(?:\d+(?:[.,]\d+)?|{alternation(_LEX.listed('number_words'))})"
_UNIT = {kind: re.compile(rf"(?<!\w){_NUMBER}\s*(?:-\s*{_NUMBER}\s*)?{alternation(items)}(?!\w)")
         for kind, items in _LEX.keyed("figure_units").items()}
_DATES = re.compile(r"\b(?:19|20)\d\d(?:-\d\d(?:-\d\d)?)?\b")
_MONTH = re.compile(rf"(?<!\w){alternation(_LEX.months)}(?!\w)")
_ANY_NUMBER = re.compile(rf"(?<!\w){_NUMBER}(?!\w)")


@lru_cache(maxsize=4096)
def asked(question: str) -> frozenset[str]:
    """The kinds of figure ``question`` asks for (none for most questions)."""
    q = fold(question)
    spans = {kind: [m.span() for m in rx.finditer(q)] for kind, rx in _ASKED.items()}
    # 'combien de temps' is a duration, not the count of its 'combien de': a phrase inside a
    # longer phrase of another kind does not count.
    every = [(a, b, kind) for kind, ss in spans.items() for a, b in ss]
    return frozenset(kind for kind, ss in spans.items() if any(
        not any(o != kind and c <= a and b <= d and (d - c) > (b - a) for c, d, o in every) for a, b in ss))


def gives(text: str, kind: str) -> bool:
    """Whether ``text`` states a figure of ``kind``."""
    t = fold(text)
    if kind in _UNIT:
        return bool(_UNIT[kind].search(t))
    if kind == "date":
        return bool(_DATES.search(t) or _MONTH.search(t))
    return bool(_ANY_NUMBER.search(_DATES.sub(" ", t)))


def figure_missing(question: str, texts) -> bool:
    """A figure is asked and none of ``texts`` (the passages nearest the question) gives one of its kinds."""
    kinds = asked(question)
    if not kinds:
        return False
    texts = list(texts)
    return not any(gives(t, k) for t in texts for k in kinds)
