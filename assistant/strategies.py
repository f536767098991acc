"""Answering strategies: each reads one kind of question and composes its reply, or passes.

What it does: :class:`Strategy` asks for one method, ``answer(composer, ask)``, returning an
:class:`~assistant.answer.Answer` or None (not this strategy's kind of question). The composer
tries them in order: the report's patient's own records (:class:`PatientRecord`), the keyword
lists of other names (:class:`KeywordLists`), the definitions of a name (:class:`Definitions`),
then the general ranking of statements and sentences (:class:`Ranked`: a list, a single fact or
the best sentences). Each builds on the composer's shared steps (statements to text, citations).

What it leaves out: leading with the bank's answer, refusals and "not stated" replies, and
citation checks (:mod:`assistant.answer`).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .intents import Intents, asks_name_only
from .phrases import phrases
from .retriever import Hit
from .statements import CASE_SECTIONS, Statement
from .subject import Subject
from .text import sentences, words

if TYPE_CHECKING:
    from .answer import Answer, Composer
    from .understand import Entities

# Which statements answer which intent, most specific first.
PRIORITY: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dose", ("patient_treatment", "treatment")),
    ("duration", ()),  # the duration of what the other intents name; of the disease when none does
    ("timeline", ("timeline",)),
    ("imaging_mri", ("sign", "timeline")),
    ("imaging_bone_scan", ("sign", "timeline")),
    ("imaging_dxa", ("sign", "timeline")),
    ("imaging_radiograph", ("sign",)),
    ("labs", ("sign",)),
    ("fluid_biopsy", ("sign", "histology")),
    ("treatment", ("treatment", "patient_treatment")),
    ("risk_factors", ("risk_factor",)),
    ("differential", ("differential",)),
    ("migration", ("migration",)),
    ("course", ("course", "migration")),
    ("sites", ("site",)),
    ("population", ("population",)),
    ("history", ("history",)),
    ("histology", ("histology",)),
    ("pathophysiology", ("pathophysiology",)),
    ("diagnosis", ("diagnosis",)),
    ("definition", ("definition",)),
)
LEX_WEIGHT = 0.03      # BM25 (normalised) next to cosine similarity
CATEGORY_BONUS = 0.01  # a statement of the asked category (and modality)
CASE_BONUS = 0.02      # the patient when the question is about him, the disease otherwise
SUBJECT_BONUS = 0.04   # the same, when the question names its subject outright
LIST_MARGIN = 0.02    # how far below the best a list item may score and still be listed
ITEM_MARGIN = 0.025
MAX_LIST = 8
WANTED_MARGIN = 0.05  # measured: 0.04-0.12 all give the same dev and held-out accuracy
WHOLE_CATEGORIES = {"patient_treatment", "pathophysiology"}  # his treatments; the hypotheses on the cause
COMPLEMENT = True         # add the best source sentence when it comes from another paragraph
COMPLEMENT_MARGIN = 0.04
LIST_CATEGORIES = {"risk_factor", "differential", "treatment", "patient_treatment", "site", "population",
                   "timeline", "sign", "pathophysiology", "histology", "migration", "course"}
HEADER_OF = {"risk_factor": "risk_factors", "differential": "differential", "treatment": "treatment",
             "site": "sites", "population": "population", "migration": "migration", "course": "course",
             "pathophysiology": "pathophysiology", "histology": "histology"}
SUMMARY_BY_SCORE = True  # the one-line summary of a list puts the items nearest the question first


@dataclass
class Ask:
    """What every strategy reads: the question, its reading, the hits and every view's scores."""

    question: str
    lang: str
    intents: Intents
    hits: list[Hit]
    resolved: str
    scores: tuple
    row_of: dict[str, int]
    subject: Subject
    entities: Entities           # what the question names
    resolved_entities: Entities  # ... with what a follow-up refers to

    @property
    def allowed(self) -> dict[str, Hit]:
        return {h.paragraph_id: h for h in self.hits}


def overlap(a: str, b: str) -> float:
    wa, wb = set(words(a)), set(words(b))
    return len(wa & wb) / max(1, len(wa))


class Strategy(ABC):
    @abstractmethod
    def answer(self, c: "Composer", a: Ask) -> "Answer | None":
        """The reply, or None when the question is not of this strategy's kind."""


class PatientRecord(Strategy):
    """About the report's patient: his records picked by structure (date, ordinal, knee, drug)."""

    def answer(self, c, a):
        if a.subject != "case":
            return None
        context = a.resolved if a.resolved != a.question else ""
        picked = c.patient.pick(a.entities, a.intents, a.question, context=context, carried=a.resolved_entities)
        if not picked:
            return None
        allowed = a.allowed
        chosen = [st for st in picked[0] if any(src in allowed for src in st.sources)]
        if not chosen:
            return None
        return c._from_statements(a.question, a.lang, a.intents, a.hits, allowed, chosen, picked[1], a.resolved)


class KeywordLists(Strategy):
    """'What other names is it known by?': the keyword lists, whole."""

    def answer(self, c, a):
        if not a.intents.has("names"):
            return None
        lists = [h for h in a.hits if "names" in h.topics]
        if not lists:
            return None
        from .answer import Citation

        parts = [c.kb.paragraph(h.paragraph_id).text(a.lang) for h in lists]
        cites = [Citation(h.paragraph_id, h.section, text, h.score, a.lang) for h, text in zip(lists, parts)]
        return c._finish(a.question, a.lang, "\n\n".join(parts), cites, a.intents, a.hits, a.resolved)


class Definitions(Strategy):
    """'What is it?': the statements that define a name, the one of the name asked first."""

    def answer(self, c, a):
        if not (a.intents.has("definition") and asks_name_only(a.question)):
            return None
        allowed = a.allowed
        # ('... is called transient regional [migratory] osteoporosis'): the name asked ('migrante'
        # or not) before the other.
        migr = "migr" in " ".join(words(a.question))
        marker = phrases("en").definition_marker or " called "

        def defined(st: Statement) -> str | None:
            return st.en.rsplit(marker, 1)[1] if marker in st.en else None

        defs = sorted((st for st in c.statements if st.category == "definition"
                       and any(src in allowed for src in st.sources)),
                      key=lambda st: (defined(st) is None, ("migr" in (defined(st) or "")) != migr, st.order))
        if not defs:
            return None
        return c._from_statements(a.question, a.lang, a.intents, a.hits, allowed, defs[:2], None, a.resolved)


def relevance(scores, lex_weight: float = LEX_WEIGHT):
    """rows -> the best of cosine + ``lex_weight`` x normalised BM25 over those index rows (-9: none)."""
    dense, lex = scores
    lex_max = float(lex.max()) or 1.0

    def rel(rows: list[int | None]) -> float:
        rows = [r for r in rows if r is not None]
        return max((float(dense[r]) + lex_weight * float(lex[r]) / lex_max for r in rows), default=-9.0)

    return rel


def statement_rows(st, row_of: dict[str, int]) -> list[int | None]:
    """The index rows of a statement's views in both languages (keyed by its first source, see chunks.py)."""
    kind = "t" if st.category == "timeline" else "f"
    return [row_of.get(f"{st.sources[0]}:{lg}:{kind}:{st.id}") for lg in ("fr", "en")]


class Ranked(Strategy):
    """Every statement and sentence of the hits scored against the question; the best decides the
    form: a statement leads to a list of its siblings (or stands alone), a sentence to the best one or two."""

    def answer(self, c, a):
        from .answer import Citation

        question, lang, intents, hits, resolved, row_of, subject = (a.question, a.lang, a.intents, a.hits,
                                                                    a.resolved, a.row_of, a.subject)
        allowed = a.allowed
        case = subject == "case" if subject else intents.has("timeline")
        case_bonus = SUBJECT_BONUS if subject else CASE_BONUS
        wanted = {c for intent, cats in PRIORITY if intents.has(intent) for c in cats}
        if intents.has("duration") and not wanted:
            wanted = {"course"}
        if intents.has("duration") and not intents.has("migration"):
            wanted.discard("migration")  # 'how long does it last?' asks the course, not the interval between sites
        modalities = intents.modalities()

        rel = relevance(a.scores)

        items: list[tuple[float, str, object]] = []
        for st in c.statements:
            pid = next((x for x in st.sources if x in allowed), None)
            if pid is None:
                continue
            # Asked of the disease, the patient's findings are no answer; his dated steps answer
            # only questions about him.
            if st.is_case and (subject == "general" or (st.category == "timeline" and not case)):
                continue
            r = rel(statement_rows(st, row_of))
            if st.category in wanted:
                r += CATEGORY_BONUS
                if modalities and st.modality in modalities:
                    r += CATEGORY_BONUS
                if (intents.has("dose") and st.has_dose) or (intents.has("duration") and st.has_duration):
                    r += CATEGORY_BONUS
            if st.is_case == case:
                r += case_bonus
            items.append((r, "statement", st))
        for pid, h in allowed.items():
            n = len(sentences(c.kb.paragraph(pid).text(lang)))
            for i in range(n):
                r = rel([row_of.get(f"{pid}:{lg}:s{i}") for lg in ("fr", "en")] if n > 1 else
                        [row_of.get(f"{pid}:{lg}") for lg in ("fr", "en")])
                if subject == "general" and h.section in CASE_SECTIONS:
                    continue
                if case == (h.section in CASE_SECTIONS):
                    r += case_bonus / 2  # statements carry the patient's structured details
                items.append((r, "sentence", (h, i if n > 1 else -1)))
        if not items:
            return None
        items.sort(key=lambda x: -x[0])
        if wanted and WANTED_MARGIN > 0:
            # A statement of the asked kind close to the best item answers better than a nearby
            # sentence of another topic (cosines of a small model are close together).
            top = items[0][0]
            near = [i for i, (r, k, it) in enumerate(items) if k == "statement" and it.category in wanted
                    and r >= top - WANTED_MARGIN]
            # ... and of the asked modality when one is asked ('in MRI' is not 'on radiographs').
            first = next((i for i in near if items[i][2].modality in modalities), near[0] if near else None)
            if first:
                items.insert(0, items.pop(first))
        best_rel, best_kind, best = items[0]
        if best_kind == "statement":
            cat, home = best.category, set(best.sources)
            same_modality = best.modality if cat in ("sign", "timeline") else None
            is_list = cat in LIST_CATEGORIES
            margin = LIST_MARGIN if is_list else ITEM_MARGIN
            # The best statement's siblings: same category, same subject (patient or disease), same
            # modality; from its own paragraph (a list in the source stays whole) or close in score.
            whole = cat in WHOLE_CATEGORIES  # the patient's treatments read as one list across episodes
            chosen = [it for r, k, it in items if k == "statement" and it.category == cat
                      and it.is_case == best.is_case and (same_modality is None or it.modality == same_modality)
                      and (whole or (is_list and home & set(it.sources)) or r >= best_rel - margin)][:MAX_LIST]
            ranked = list(chosen)  # best first: the order of the one-line summary
            chosen.sort(key=lambda st: st.order)
            header = ("patient_treatment" if cat == "patient_treatment" else "timeline" if cat == "timeline"
                      else HEADER_OF.get(cat))
            extra = None
            if COMPLEMENT:
                # The best source sentence that the chosen statements do not already say.
                said = [st.text(lang) for st in chosen]
                for r, k, it in items:
                    if r < best_rel - COMPLEMENT_MARGIN:
                        break
                    if k != "sentence":
                        continue
                    h, idx = it
                    para = c.kb.paragraph(h.paragraph_id).text(lang)
                    sent = para if idx < 0 else sentences(para)[idx]
                    cited = h.paragraph_id in {src for st in chosen for src in st.sources}
                    # Already said: close wording, or looser wording of a paragraph already cited.
                    if max(overlap(sent, x) for x in said) < (0.4 if cited else 0.6):
                        extra = it
                        break
            return c._from_statements(question, lang, intents, hits, allowed, chosen, header, resolved, extra,
                                         ranked if SUMMARY_BY_SCORE else None)
        picked = [it for r, k, it in items if k == "sentence" and r >= best_rel - ITEM_MARGIN][:2]
        parts, cites = [], []
        for h, idx in picked:
            para = c.kb.paragraph(h.paragraph_id).text(lang)
            quote = para if idx < 0 else sentences(para)[idx]
            parts.append(quote)
            cites.append(Citation(h.paragraph_id, h.section, quote, h.score, lang))
        return c._finish(question, lang, " ".join(parts), cites, intents, hits, resolved)


STRATEGIES: tuple[Strategy, ...] = (PatientRecord(), KeywordLists(), Definitions(), Ranked())
