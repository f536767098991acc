"""Follow-up questions: resolve an elliptic question against the conversation so far.

What it does: decides whether a question leans on the previous one ("et chez la femme
enceinte ?", "what dose was he given?", "and on the bone scan?") and, if so, returns the text
to search with (new question first, previous one after) and the intents to answer with: the
new question's, plus the previous ones of a family the new question does not replace.
What it leaves out: storing history (the caller passes the previous questions).
"""
from __future__ import annotations

from .intents import Intents, detect_intents
from .lexicon import lexicon
from .subject import detect_subject
from .text import fold, words

# How a follow-up opens ('et ', 'what about') and the pronouns that lean on the previous
# question, in every language (``followup_openers``, ``pronouns`` in lang/<xx>/understand.yaml).
_STARTS = lexicon().listed("followup_openers")
_PRONOUNS = lexicon().union("pronouns")
_FAMILIES = (
    {"imaging_mri", "imaging_bone_scan", "imaging_dxa", "imaging_radiograph", "labs", "fluid_biopsy"},
    {"risk_factors", "population", "sites"},
    {"course", "migration"},
    {"pathophysiology", "histology"},
)


def is_followup(question: str, previous: str | None) -> bool:
    if not previous:
        return False
    f = fold(question).strip()
    toks = words(question)
    if f.startswith(_STARTS):
        return True
    own = [t for t in toks if len(t) > 3]
    if len(own) <= 2 or (any(t in _PRONOUNS for t in toks) and len(own) <= 4):
        return True
    # 'quelle dose pour l'anti-inflammatoire ?' after a question about the patient: his dose.
    return (detect_intents(question).has("dose", "duration") and detect_subject(question) is None
            and detect_subject(previous) == "case")


def merge_intents(new: Intents, previous: Intents) -> Intents:
    scores = dict(new.scores)
    for name, score in previous.scores.items():
        if name in scores:
            continue
        fam = next((f for f in _FAMILIES if name in f), None)
        if fam and fam & new.names:
            continue  # "and on the bone scan?" replaces MRI; it does not add to it
        scores[name] = score * 0.5
    return Intents(scores)


def resolve(question: str, history: list[str] | None, focus=lambda text: text) -> tuple[str, Intents, bool]:
    """(text to search, intents, whether it was a follow-up).

    ``focus`` maps a text to what intents are read from (the API drops the disease's own name,
    so 'transient migratory osteoporosis' does not read as a question about migration).
    """
    intents = detect_intents(focus(question))
    previous = history[-1] if history else None
    if not is_followup(question, previous):
        return question, intents, False
    return f"{question} {previous}", merge_intents(intents, detect_intents(focus(previous))), True
