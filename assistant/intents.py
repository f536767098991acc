"""What a question asks about: per-language cue lists mapped to intents and retrieval topics.

What it does: matches folded word prefixes and phrases of the cues of every language (lay and
clinical wording, common abbreviations; ``intent_cues`` in ``assistant/lang/<xx>/understand.yaml``)
to intents such as ``risk_factors`` or ``imaging_mri``, so retrieval can prefer passages of that
topic and the answer can pick the matching structured facts. Cues are prefixes of folded words,
so 'scintigraphie', 'scintigraphique' and 'scinti' all hit ``scinti``; they tolerate a missing
last letter. The document's own terms (the patient's initials and age, his knees and lab figures,
who first described the disease and when) are cues read from ``knowledge/``.

What it leaves out: any learned model; the cues are data, easy to extend.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .knowledge import knowledge_dir
from .document_terms import document_terms, terms_at
from .lexicon import LexiconError, lexicon
from .text import STOPWORDS, fold, names_topic, strip_topic_name, words

# Intent -> knowledge topics to prefer in retrieval.
TOPICS: dict[str, tuple[str, ...]] = {
    "risk_factors": ("risk_factors",),
    "population": ("epidemiology",),
    "sites": ("sites",),
    "imaging_mri": ("imaging",), "imaging_bone_scan": ("imaging",), "imaging_dxa": ("imaging",),
    "imaging_radiograph": ("imaging",), "imaging": ("imaging",),
    "labs": ("labs",), "fluid_biopsy": ("labs", "histology"),
    "treatment": ("treatment",), "dose": ("treatment",), "duration": (),
    "course": ("course", "prognosis"), "migration": ("migration",),
    "differential": ("differential",), "pathophysiology": ("pathophysiology",), "histology": ("histology",),
    "history": ("history",), "case": ("case",), "definition": ("definition",), "names": ("names",),
    "diagnosis": ("diagnosis",), "timeline": ("case",),
}

# Intent -> the knowledge base's modalities it asks about.
MODALITIES: dict[str, tuple[str, ...]] = {
    "imaging_mri": ("mri",), "imaging_bone_scan": ("bone_scan",), "imaging_dxa": ("dxa",),
    "imaging_radiograph": ("radiograph_ct",), "labs": ("labs",), "fluid_biopsy": ("joint_fluid", "biopsy")}

_LEX = lexicon()
_unknown = set(_LEX.intent_cues) - set(TOPICS)
if _unknown:
    raise LexiconError(f"understand.yaml: intent_cues names unknown intents {sorted(_unknown)}; "
                       f"known: {', '.join(TOPICS)}.")
# intent -> cue prefixes (single folded words) and phrases (folded, space separated), every language.
CUES: dict[str, tuple[str, ...]] = {i: _LEX.intent_cues[i] for i in TOPICS if i in _LEX.intent_cues}
# Words that only carry the question's shape, never its subject (used by scope checks).
GENERIC = _LEX.union("shape_words")
# Words that soften a definition question without adding a subject ('expliquez-moi simplement').
_FILLERS = _LEX.listed("definition_fillers")


def cues(kb=None) -> dict[str, tuple[str, ...]]:
    """:data:`CUES` with the document's own terms (of ``kb``, else of the knowledge folder in use):
    the patient's initials after a title and his age and knees are ``case`` cues, who first
    described the disease and when are ``history`` cues, his lab figures are ``labs`` cues."""
    return _with_terms(document_terms(kb)) if kb is not None else _cues_at(str(knowledge_dir()))


def _with_terms(t) -> dict[str, tuple[str, ...]]:
    knees = _LEX.keyed("knee_phrases")
    added = {
        "case": [f"{title} {name}" for title in _LEX.listed("patient_titles") for name in t.patient_names]
        + list(t.ages) + [p for side in t.knees for p in knees.get(side, ())],
        "history": list(t.history_terms),
        "labs": list(t.lab_figures),
    }
    return {i: tuple(dict.fromkeys(c + tuple(added.get(i, ())))) for i, c in CUES.items()}


@lru_cache(maxsize=8)
def _cues_at(root: str) -> dict[str, tuple[str, ...]]:
    return _with_terms(terms_at(root))


@dataclass(frozen=True)
class Intents:
    scores: dict[str, float]

    @property
    def names(self) -> set[str]:
        return set(self.scores)

    def has(self, *names: str) -> bool:
        return any(n in self.scores for n in names)

    def topics(self) -> set[str]:
        return {t for n in self.scores for t in TOPICS.get(n, ())}

    def modalities(self) -> set[str]:
        return {m for n in self.scores for m in MODALITIES.get(n, ())}


class _Said:
    """A question's folded tokens, read once for all the cues (about 500): the answers of testing
    every cue against every token, from sets (that loop was a third of ask()'s Python time)."""

    def __init__(self, toks: list[str], folded: str) -> None:
        self.padded = f" {folded}"
        self.toks = frozenset(toks)
        self.prefixes = frozenset(t[:k] for t in toks for k in range(1, len(t) + 1))
        self.long = frozenset(t for t in toks if len(t) >= 5)
        self.by_start: dict[str, list[str]] = {}
        for t in toks:
            self.by_start.setdefault(t[:2], []).append(t)


def _matches(cue: str, said: _Said) -> bool:
    if " " in cue or "-" in cue or "'" in cue or "." in cue or "/" in cue:
        return f" {cue}" in said.padded
    if len(cue) <= 3:  # short cues (irm, ct, he, il, rx) must be whole words
        return cue in said.toks
    # prefix match, tolerating a dropped last letter ('alendronat' for 'alendronate'): a token
    # the cue begins, or a token of 5 letters or more that is the cue or the cue less its last letter
    if cue in said.prefixes or cue in said.long or cue[:-1] in said.long:
        return True
    # one typo in a long cue ('descibed' for 'described', 'scintigrphie'), same first two letters
    return len(cue) >= 6 and any(len(t) >= len(cue) - 1 and _one_edit(t[:len(cue) + 1], cue)
                                 for t in said.by_start.get(cue[:2], ()))


def _one_edit(word: str, cue: str) -> bool:
    """Whether ``cue`` is a prefix of ``word`` up to one inserted, dropped or changed letter."""
    for i, (a, b) in enumerate(zip(word, cue)):
        if a != b:
            return word[i + 1:].startswith(cue[i + 1:]) or word[i:].startswith(cue[i + 1:]) \
                or word[i + 1:].startswith(cue[i:])
    return True


def detect_intents(question: str) -> Intents:
    folded = " ".join(fold(question).replace("?", " ").split())
    asked = _Said(words(question), folded)
    scores: dict[str, float] = {}
    for intent, said in cues().items():
        hits = sum(1 for c in said if _matches(c, asked))
        if hits:
            scores[intent] = float(hits)
    if "history" in scores:  # 'when was it first described?' dates the literature, not the patient
        scores.pop("timeline", None)
    return Intents(scores)


def asks_name_only(question: str) -> bool:
    """'What is transient osteoporosis?': the disease's name and definition words, nothing else."""
    if not names_topic(question):
        return False
    rest_text = strip_topic_name(question)
    if rest_text == " ".join(question.split()):  # nothing but the name
        return True
    cue_words = {w for c in CUES["definition"] for w in words(c)}
    rest = [w for w in words(rest_text) if w not in STOPWORDS and w not in GENERIC and w not in cue_words
            and not any(w.startswith(c) for c in cue_words if len(c) >= 4) and len(w) > 2
            and not w.startswith(_FILLERS)]
    return not rest

