"""Understand a question once: one typed :class:`Query` that retrieval, scope and composition read.

What it does: checks the text, detects its language, resolves a follow-up against the turns
before it ("et chez la femme enceinte ?", "what dose was he given?": the text to search is the
new question then the previous one, and the previous intents of a family the new question does
not replace carry over), reads its intents (:mod:`assistant.intents`), whom it is about
(:mod:`assistant.subject`) and the :class:`Entities` it names (dates, an ordinal, the patient's
knees, an episode, the patient himself), and matches it against the question bank
(:mod:`assistant.bank`). The bank's nearest labelled questions add what the wording rules miss:
whom a question is about ("my patient" is not the report's patient), what it asks, and which
facts, timeline steps or paragraphs answer it (``targets``), with their similarities kept for
the abstention decision.

What it leaves out: storing the conversation (the caller passes the previous questions),
searching passages (:mod:`assistant.retriever`), deciding to abstain (:mod:`assistant.abstain`,
:mod:`assistant.scope`) and composing (:mod:`assistant.answer`).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .bank import Bank, Match
from .intents import Intents, detect_intents
from .lexicon import alternation, lexicon
from .retriever import QueryError, Retriever
from .settings import Settings
from .subject import Subject, detect_subject, named_outright, refers_to_patient
from .text import fold, iso_dates, strip_topic_name, words

HISTORY_TURNS = 4  # earlier questions a follow-up may lean on
FOLLOWUP_OWN = 0.6  # weight of a follow-up's own words against the question it leans on

_LEX = lexicon()
# How a follow-up opens ('et ', 'what about') and the pronouns that lean on the previous
# question, in every language (``followup_openers``, ``pronouns`` in lang/<xx>/understand.yaml).
_STARTS = _LEX.listed("followup_openers")
_PRONOUNS = _LEX.union("pronouns")
# Intents that stand for one another: a follow-up asking one of them replaces the others.
_FAMILIES = (
    {"imaging_mri", "imaging_bone_scan", "imaging_dxa", "imaging_radiograph", "labs", "fluid_biopsy"},
    {"risk_factors", "population", "sites"},
    {"course", "migration"},
    {"pathophysiology", "histology"},
    {"differential", "diagnosis"},  # "and how is it settled?" after the differentials asks the diagnosis
)
# 'the first / second / third / last': ordinal words of every language (``ordinals``), checked
# in this order; the words for each knee ('right', 'droit'); an episode ('flare', 'poussée').
_ORDINALS = tuple((n, re.compile(rf"\b{alternation(_LEX.listed(f'ordinals.{key}'), literal=False)}\b"))
                  for n, key in ((0, "first"), (1, "second"), (2, "third"), (-1, "last")))
_SIDES = {side: re.compile(rf"\b{alternation(said)}\b") for side, said in _LEX.keyed("sides").items()}
_EPISODE = re.compile(rf"\b{alternation(_LEX.listed('episode_words'), literal=False)}\b")


# -- entities ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entities:
    """What a text names that picks the patient's records (:mod:`assistant.patient`) and the
    scope's patient rules (:mod:`assistant.scope`) read."""

    dates: tuple[str, ...] = ()           # ISO prefixes: '2018-06-09', '2018-06' (:func:`~assistant.text.iso_dates`)
    ordinal: int | None = None            # 0 first, 1 second, 2 third, -1 last
    knees: frozenset[str] = frozenset()   # side keys of ``sides`` ('right', 'left')
    episode: bool = False                 # an episode word ('the second flare')
    named_patient: bool = False           # it points at the patient (:func:`~assistant.subject.refers_to_patient`)


def ordinal(text: str) -> int | None:
    f = fold(text)
    return next((n for n, pattern in _ORDINALS if pattern.search(f)), None)


def read_entities(text: str) -> Entities:
    f = fold(text)
    return Entities(tuple(iso_dates(text)), ordinal(text), frozenset(k for k, p in _SIDES.items() if p.search(f)),
                    bool(_EPISODE.search(f)), refers_to_patient(text))


def _picks_records(e: Entities) -> bool:
    return bool(e.dates or e.ordinal is not None or e.knees or e.episode)


# -- follow-ups -------------------------------------------------------------------------------
def is_followup(question: str, previous: str | None, anchored: Callable[[str], bool] | None = None) -> bool:
    """Whether ``question`` leans on ``previous``; ``anchored`` tells whether a text names something
    of the domain itself (the scope's anchors), so that a pronoun and no subject of its own
    ('which direction does it usually travel?') leans on the question before."""
    if not previous:
        return False
    toks = words(question)
    if fold(question).strip().startswith(_STARTS):
        return True
    own = [t for t in toks if len(t) > 3]
    pronoun = any(t in _PRONOUNS for t in toks)
    if len(own) <= 2 or (pronoun and len(own) <= 4):
        return True
    if pronoun and anchored is not None and not anchored(question):
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


def resolve(question: str, history: list[str] | None, focus=lambda text: text,
            anchored: Callable[[str], bool] | None = None) -> tuple[str, Intents, bool]:
    """(text to search, intents, whether it was a follow-up).

    ``focus`` maps a text to what intents are read from (the API drops the disease's own name,
    so 'transient migratory osteoporosis' does not read as a question about migration);
    ``anchored`` is passed to :func:`is_followup`.
    """
    intents = detect_intents(focus(question))
    previous = history[-1] if history else None
    if not is_followup(question, previous, anchored):
        return question, intents, False
    return f"{question} {previous}", merge_intents(intents, detect_intents(focus(previous))), True


# -- the query --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Query:
    text: str                 # the question as asked (checked, whitespace collapsed)
    lang: str                 # the answer's language: the question's
    resolved: str             # with what a follow-up refers to
    focus: str                # ``resolved`` without the disease's own name: what is searched
    own: str                  # the question's own words without the disease's name
    followup: bool
    intents: Intents
    subject: Subject          # "case" (the report's patient), "general", or None (unsaid)
    asker: bool = False       # about the asker's own patient or self (answered as the disease)
    matches: tuple[Match, ...] = ()   # nearest bank questions, best first
    targets: tuple[str, ...] = ()     # ids that the nearest answerable bank questions point to
    target_sim: float = 0.0           # similarity of the best answerable bank question
    target_about: str | None = None   # whom that bank question is about ('case', 'disease', 'asker')
    worded: Intents | None = None     # the intents read from the wording alone (what the scope rules take)
    entities: Entities = Entities()   # what ``text`` names
    # What ``resolved`` names: a follow-up's previous question too (his knee carries over to
    # 'and at what dose?'); the same record as ``entities`` when the question stands alone.
    resolved_entities: Entities = Entities()
    lead: tuple[Match, ...] = ()      # the bank questions ``targets`` come from (a follow-up's: its blend's)

    def best(self, answerable: bool) -> Match | None:
        return next((m for m in self.matches if m.entry.answerable == answerable), None)


class Understander:
    def __init__(self, retriever: Retriever, bank: Bank, settings: Settings,
                 anchored: Callable[[str], bool] | None = None) -> None:
        self.retriever, self.bank, self.s, self.anchored = retriever, bank, settings, anchored

    def understand(self, question: str, history: list[str] | None = None, lang: str | None = None) -> Query:
        r = self.retriever
        q = r.check_query(question)
        prev_lang = None
        resolved_prev: list[str] = []
        for h in (history or [])[-HISTORY_TURNS:]:
            try:
                h = r.check_query(h)
            except QueryError:
                continue
            text, _, _ = resolve(h, resolved_prev, anchored=self.anchored)
            resolved_prev.append(text)
            prev_lang = r.language(h, default=prev_lang or "en")
        lang = lang or r.language(q, default=prev_lang or "en")
        resolved, intents, followup = resolve(q, resolved_prev, focus=strip_topic_name, anchored=self.anchored)
        focus = strip_topic_name(resolved)
        own = strip_topic_name(q)
        entities = read_entities(q)
        resolved_entities = read_entities(resolved) if followup else entities
        subject = detect_subject(resolved, history=intents.has("history"))
        matches = tuple(self.bank.match(r.query_vector(own or q), k=self.s.bank_k)) if len(self.bank) else ()
        subject, asker = self._subject(subject, matches, followup, named_outright(resolved))
        worded, intents = intents, self._intents(intents, matches)
        # A follow-up's own words ('what did they give him for that?') match bank questions of any
        # topic, and with what it refers to ('were his bloods ok?') the previous question again: its
        # lead comes from the bank questions nearest a blend of both, its own words weighing more.
        # A follow-up that picks the patient's records (his left knee, the second episode) is
        # answered from them, with no lead.
        if not followup:
            lead = matches
        elif len(self.bank) and not _picks_records(resolved_entities):
            lead = tuple(self.bank.match(self._blend(r, own or q, resolved_prev[-1]), k=self.s.bank_k))
        else:
            lead = ()
        targets, target_sim = self._targets(lead)
        about = next((m.entry.about for m in lead if m.entry.answerable), None)
        return Query(q, lang, resolved, focus, own, followup, intents, subject, asker, matches, targets,
                     target_sim, about, worded, entities, resolved_entities, lead)

    @staticmethod
    def _blend(r: Retriever, own: str, previous: str) -> np.ndarray:
        before = strip_topic_name(previous) or previous
        vec = FOLLOWUP_OWN * r.query_vector(own) + (1 - FOLLOWUP_OWN) * r.query_vector(before)
        return vec / max(float(np.linalg.norm(vec)), 1e-9)

    # -- what the bank adds ------------------------------------------------------------------
    def _vote(self, matches: tuple[Match, ...]) -> tuple[str | None, float]:
        """The label of 'about' among the matches close to the best one, and its weight share."""
        if not matches or matches[0].sim < self.s.bank_subject_sim:
            return None, 0.0
        near = [m for m in matches if m.sim >= matches[0].sim - self.s.bank_margin]
        weights: dict[str, float] = {}
        for m in near:
            weights[m.entry.about] = weights.get(m.entry.about, 0.0) + m.sim
        label = max(weights, key=weights.get)
        return label, weights[label] / sum(weights.values())

    def _subject(self, subject: Subject, matches: tuple[Match, ...], followup: bool,
                 named: bool = True) -> tuple[Subject, bool]:
        label, share = self._vote(matches)
        if label is None or share < self.s.bank_subject_share or followup:
            return subject, False
        if label == "asker":  # 'my patient', 'I': the disease in general, whatever the pronouns say
            return "general", True
        if subject is None:
            return ("case" if label == "case" else "general"), False
        if subject == "case" and label == "disease" and not named:
            # A pronoun or a tense alone ('que se passe-t-il ?') against a clear vote of the bank
            return "general", False
        return subject, False

    def _intents(self, intents: Intents, matches: tuple[Match, ...]) -> Intents:
        best = next((m for m in matches if m.entry.answerable), None)
        if best is None or best.sim < self.s.bank_intent_sim:
            return intents
        scores = dict(intents.scores)
        for a in best.entry.asks:
            scores.setdefault(a, 0.5)
        return Intents(scores)

    def _targets(self, matches: tuple[Match, ...]) -> tuple[tuple[str, ...], float]:
        ans = [m for m in matches if m.entry.answerable]
        if not ans:
            return (), 0.0
        top = ans[0].sim
        near = [m for m in ans if m.sim >= top - self.s.bank_margin]
        # Ids in the order of the nearest question's labels, then those of the other near ones (a
        # sum of votes would favour ids that questions of the same frame share: 'his knees').
        score: dict[str, float] = {}
        for m in near:
            for rank, ref in enumerate(m.entry.answers):
                score[ref] = max(score.get(ref, -9.0), m.sim - 0.0001 * rank)
        return tuple(sorted(score, key=lambda x: -score[x])), top


def self_similarities(bank: Bank) -> np.ndarray:
    """Bank x bank cosines with each entry's own row (and exact repeats) masked out (-9); through the
    bank adapter, each row as an unseen question would have it (cross-fitted)."""
    exclude = repeats(bank)
    if bank.adapter is not None and len(bank):
        return bank.adapter.cross_fitted(bank.vectors, exclude)
    sims = bank.space @ bank.space.T if len(bank) else np.zeros((0, 0), dtype="float32")
    return np.where(exclude, -9.0, sims).astype("float32")


def repeats(bank: Bank) -> np.ndarray:
    """Bank x bank: True for an entry and itself, its exact repeats or its rewordings (never each other's
    neighbours): a bank question scored as unseen must not find its own paraphrase."""
    out = np.eye(len(bank), dtype=bool)
    rows: dict[tuple[str, str], list[int]] = {}
    for i, e in enumerate(bank.entries):
        rows.setdefault(("text", " ".join(e.text.lower().split())), []).append(i)
        rows.setdefault(("family", e.family), []).append(i)
    for same in rows.values():
        out[np.ix_(same, same)] = True
    return out
