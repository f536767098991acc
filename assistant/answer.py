"""Grounded answers: compose a short reply, in the asker's language, from retrieved passages.

What it does: given the retrieval hits and the question's intents, lets the answering
strategies (:mod:`assistant.strategies`) pick the structured statements (facts, timeline) or
the sentences that answer, opens the reply with what the question bank says answers it (answer
first), renders it in the asker's language (phrases from ``assistant/lang/<xx>/answers.yaml``),
and attaches citations (paragraph id, section, quoted sentence, score). Every citation is
checked against the retrieved passages and its quote against the paragraph text; anything
that does not match is dropped. When :mod:`assistant.scope` says the source is silent, it
abstains with a sentence on what it does cover.

What it leaves out: retrieval, language-model generation (:mod:`assistant.generation`), I/O.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache

from .intents import Intents
from .knowledge import KnowledgeBase, SECTION_LABELS
from .patient import PatientFile
from .phrases import phrases
from .retriever import Hit
from .scope import ScopeDecision
from .statements import Statement
from .strategies import STRATEGIES, Ask, overlap, relevance, statement_rows
from .subject import Subject
from .summary import one_line
from .text import sentences, words
from .understand import Entities, read_entities

# The question bank's near-miss reasons -> the refusal said.
REASON_OF = {"figure": "no_figure", "drug": "no_drug", "case_detail": "not_in_case", "site": "out_of_scope",
             "condition": "out_of_scope", "care": "not_stated", "general": "out_of_scope"}
LEAD_CHARS = 300  # the direct answer: at most two sentences, about this long
MAX_LIST = 8
# Weight of the word match beside the meaning when the bank's lead statements are put in the
# order of the question (measured: 0.1 beat 0 and 0.3 on the dev sets' answer-first).
LEAD_LEX = 0.1
LEAD_FIT = True  # the bank's lead keeps to the statements that fit in LEAD_BUDGET
# The bank's lead is a guess from the nearest stored questions: kept to this length, the opening of
# the answer composed from the question itself still shows within LEAD_CHARS when the guess misses
# (dev answer-first, not-first answers by budget: 300: 113, 285: 107, 270: 103, 250: 97, 220: 101,
# 180: 99, 150: 103; accuracy the same).
LEAD_BUDGET = 250


def disclaimer(lang: str) -> str:
    return phrases(lang).disclaimer


@dataclass
class Citation:
    id: str
    section: str
    quote: str
    score: float
    lang: str

    def to_json(self) -> dict:
        return {"id": self.id, "section": self.section, "quote": self.quote, "score": round(self.score, 4),
                "lang": self.lang}


@dataclass
class Answer:
    question: str
    lang: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)
    reason: str = "ok"
    resolved_query: str = ""
    detail: str = ""  # the longer form: the full cited passages
    hits: list[dict] = field(default_factory=list)
    generated: bool = False

    def to_json(self) -> dict:
        d = asdict(self)
        d["citations"] = [c.to_json() for c in self.citations]
        return d


@lru_cache(maxsize=4096)  # the same statements are quoted from the same paragraphs again and again
def best_quote(paragraph_text: str, statement_text: str) -> str:
    """The paragraph's sentence that best supports a statement (the quote a citation shows)."""
    sents = sentences(paragraph_text)
    return max(sents, key=lambda s: overlap(statement_text, s)) if sents else paragraph_text


class Composer:
    def __init__(self, kb: KnowledgeBase, statements: list[Statement], patient: PatientFile | None = None) -> None:
        self.kb, self.statements = kb, statements
        self.patient = patient or PatientFile(kb, statements)
        self._by_id = {st.id: st for st in statements}
        self.strategies = STRATEGIES

    # -- abstention -------------------------------------------------------------------------
    def refuse(self, question: str, lang: str, decision: ScopeDecision, resolved: str, intents: Intents) -> Answer:
        w = f" ({', '.join(decision.words)})" if decision.words and decision.reason != "no_dose" else ""
        said = phrases(lang)
        msg = said.refusals.get(decision.reason, said.refusals["out_of_scope"]).format(w=w, d=decision.drug or "")
        return Answer(question, lang, f"{msg} {said.covers}", True, [], sorted(intents.names),
                      decision.reason, resolved)

    # -- composition ------------------------------------------------------------------------
    def compose(self, question: str, lang: str, intents: Intents, hits: list[Hit], resolved: str,
                scores: tuple | None = None, row_of: dict[str, int] | None = None,
                subject: Subject = None, lead: tuple[str, ...] = (), entities: Entities | None = None,
                resolved_entities: Entities | None = None, lead_ordered: bool = False) -> Answer:
        """Pick what answers best among the retrieved paragraphs' sentences and statements.

        Every sentence and every statement (fact, timeline step) has its own embedding
        ("view"); the question is scored against all of them (dense + BM25), statements of the
        asked category get a small bonus, and the best item decides the form: a statement leads
        to a short list of statements of its category, a sentence to the best sentence or two,
        quoted from the source in the asker's language. ``lead`` (statement or paragraph ids the
        question bank says answer the question) opens the reply when retrieved (kept in order if ``lead_ordered``).
        ``entities`` and ``resolved_entities`` are the :class:`~assistant.understand.Query`'s (read
        from ``question`` and ``resolved`` when not given).
        """
        entities = read_entities(question) if entities is None else entities
        resolved_entities = read_entities(resolved) if resolved_entities is None else resolved_entities
        answer = self._compose(question, lang, intents, hits, resolved, scores, row_of, subject, entities,
                               resolved_entities)
        return self._lead(answer, lead, lang, hits, intents, scores, row_of, lead_ordered) \
            if lead and not answer.abstained else answer

    def sources_of(self, ref: str) -> tuple[str, ...]:
        """The paragraphs a statement id rests on (a paragraph id is its own source)."""
        st = self._by_id.get(ref)
        return st.sources if st else ((ref,) if self.kb.has(ref) else ())

    def _compose(self, question, lang, intents, hits, resolved, scores, row_of, subject, entities,
                 resolved_entities) -> Answer:
        if not hits:
            return self.refuse(question, lang, ScopeDecision(False, "no_passage"), resolved, intents)
        if scores is not None and row_of is not None:
            ask = Ask(question, lang, intents, hits, resolved, scores, row_of, subject, entities, resolved_entities)
            for strategy in self.strategies:
                answer = strategy.answer(self, ask)
                if answer is not None:
                    return answer
        return self._extractive(question, lang, intents, hits, resolved)

    def _from_statements(self, question, lang, intents, hits, allowed, chosen, header_key, resolved,
                         extra=None, ranked=None) -> Answer:
        lines = [f"- {s.text(lang)}" for s in chosen]
        header = phrases(lang).headers.get(header_key or "")
        if len(chosen) > 1 and all(s.has_short for s in chosen):
            # Answer first: the whole list in one line of short labels, then each item in full.
            summary = one_line([s.short(lang) for s in (ranked or chosen)], capital=not header)
            text = "\n".join([f"{header} {summary}" if header else summary] + lines)
        elif len(chosen) > 1:
            text = "\n".join(([header] if header else []) + lines)
        else:
            text = chosen[0].text(lang)
        cites: list[Citation] = []
        if extra is not None:
            h, idx = extra
            para = self.kb.paragraph(h.paragraph_id).text(lang)
            quote = para if idx < 0 else sentences(para)[idx]
            text += "\n\n" + quote
            cites.append(Citation(h.paragraph_id, h.section, quote, h.score, lang))
        for s in chosen:
            for src in s.sources:
                if src in allowed:
                    para = self.kb.paragraph(src).text(lang)
                    cites.append(Citation(src, self.kb.paragraph(src).section, best_quote(para, s.text(lang)),
                                          allowed[src].score, lang))
                    break
        return self._finish(question, lang, text, cites, intents, hits, resolved)

    def _extractive(self, question, lang, intents, hits, resolved) -> Answer:
        # Sentence scores were computed in both languages; the answer shows the aligned
        # sentence in the asker's language (FR and EN paragraphs align sentence by sentence).
        scored: list[tuple[float, Hit, int]] = []
        for rank, h in enumerate(hits[:3]):
            para = self.kb.paragraph(h.paragraph_id)
            n = len(sentences(para.text(lang)))
            if not h.sentence_scores or n == 1:
                scored.append((h.dense - 0.01 * rank, h, -1))
                continue
            per_idx: dict[int, float] = {}
            for (_, idx), sc in h.sentence_scores.items():
                per_idx[idx] = max(per_idx.get(idx, -9.0), sc)
            for idx, sc in per_idx.items():
                if idx < n:
                    scored.append((sc - 0.01 * rank, h, idx))
        scored.sort(key=lambda x: -x[0])
        picked = scored[:2] if len(scored) > 1 and scored[1][0] >= scored[0][0] - 0.03 else scored[:1]
        parts, cites = [], []
        for _, h, idx in picked:
            para = self.kb.paragraph(h.paragraph_id).text(lang)
            quote = para if idx < 0 else sentences(para)[idx]
            parts.append(quote)
            cites.append(Citation(h.paragraph_id, h.section, quote, h.score, lang))
        return self._finish(question, lang, " ".join(parts), cites, intents, hits, resolved)

    def _finish(self, question, lang, text, cites, intents, hits, resolved) -> Answer:
        cites = self.validate_citations(cites, hits, lang)
        if not cites:
            return self.refuse(question, lang, ScopeDecision(False, "no_passage"), resolved, intents)
        seen, unique = set(), []
        for c in cites:
            if (c.id, c.quote) not in seen:
                seen.add((c.id, c.quote))
                unique.append(c)
        detail = "\n\n".join(f"[{c.id}] {SECTION_LABELS[c.section][lang]}: {self.kb.paragraph(c.id).text(lang)}"
                             for c in unique)
        return Answer(question, lang, text, False, unique, sorted(intents.names), "ok", resolved, detail,
                      [h.to_json() for h in hits])

    # -- answer first ------------------------------------------------------------------------
    def _lead(self, answer: Answer, lead: tuple[str, ...], lang: str, hits: list[Hit], intents: Intents,
              scores, row_of, ordered: bool = False) -> Answer:
        """Open ``answer`` with what the bank says answers the question, if retrieved and not already first."""
        allowed = {h.paragraph_id: h for h in hits}
        chosen = [self._by_id[x] for x in lead if x in self._by_id
                  and any(src in allowed for src in self._by_id[x].sources)][:MAX_LIST]
        if len(chosen) > 1 and not ordered and scores is not None and row_of is not None:
            chosen = self._by_question(chosen, scores, row_of)
        cites: list[Citation] = []
        if chosen and LEAD_FIT:
            # The direct answer fits its ~300 characters: the first statement, then the next ones
            # while they fit (the full list follows in the detail anyway).
            fitted = chosen[:1]
            for st in chosen[1:]:
                if len(one_line([x.short(lang) for x in fitted + [st]])) > LEAD_BUDGET:
                    break
                fitted.append(st)
            chosen = fitted
        if chosen:
            if len(chosen) == 1:
                text = chosen[0].text(lang)
            else:
                text = one_line([st.short(lang) for st in chosen])
            for st in chosen:
                src = next(x for x in st.sources if x in allowed)
                para = self.kb.paragraph(src).text(lang)
                cites.append(Citation(src, self.kb.paragraph(src).section, best_quote(para, st.text(lang)),
                                      allowed[src].score, lang))
        else:
            pid = next((x for x in lead if x in allowed), None)
            if pid is None:
                return answer
            sents = sentences(self.kb.paragraph(pid).text(lang))
            if scores is not None and row_of is not None and len(sents) > 1:
                dense = scores[0]
                best = max(range(len(sents)), key=lambda i: max(
                    (float(dense[row_of[k]]) for k in (f"{pid}:fr:s{i}", f"{pid}:en:s{i}") if k in row_of),
                    default=-9.0))
            else:
                best = 0
            text = sents[best] if sents else self.kb.paragraph(pid).text(lang)
            cites.append(Citation(pid, allowed[pid].section, text, allowed[pid].score, lang))
        head = answer.answer[:LEAD_CHARS]
        # Already first only when it opens the answer or fits whole in the opening (one that starts
        # at character 200 pushes its end, often the asked detail, out of sight).
        if answer.answer.lstrip().startswith(text[:LEAD_CHARS]) or all(w in words(head) for w in words(text)):
            return answer
        cites = self.validate_citations(cites, hits, lang)
        if not cites:
            return answer
        seen = {(c.id, c.quote) for c in cites}
        answer.citations = cites + [c for c in answer.citations if (c.id, c.quote) not in seen]
        answer.answer = f"{text}\n\n{answer.answer}"
        return answer

    @staticmethod
    def _by_question(chosen: list[Statement], scores, row_of) -> list[Statement]:
        """The bank's statements, the one the question itself is closest to first (the bank says
        which statements answer; the question's wording says which of them it asks first)."""
        rel = relevance(scores, LEAD_LEX)
        return sorted(chosen, key=lambda st: -rel(statement_rows(st, row_of)))

    def not_stated(self, answer: Answer, decision: ScopeDecision, intents: Intents) -> Answer:
        """The topic is covered but the detail asked is not: say so first, then the nearest, cited."""
        lang = answer.lang
        w = f" ({', '.join(decision.words)})" if decision.words and decision.reason != "no_dose" else ""
        said = phrases(lang)
        msg = said.refusals.get(decision.reason, said.refusals["not_stated"]).format(w=w, d=decision.drug or "")
        if answer.abstained or not answer.citations:
            return self.refuse(answer.question, lang, decision, answer.resolved_query, intents)
        nearest = answer.answer.split("\n\n")[0].split("\n")[0]
        answer.answer = f"{msg} {said.nearest} {nearest}\n\n{answer.answer}" if nearest != answer.answer \
            else f"{msg} {said.nearest} {nearest}"
        answer.abstained = True
        answer.reason = decision.reason
        return answer

    def validate_citations(self, cites: list[Citation], hits: list[Hit], lang: str) -> list[Citation]:
        """Keep only citations of retrieved paragraphs whose quote is really in that paragraph."""
        retrieved = {h.paragraph_id for h in hits}
        good = []
        for c in cites:
            if c.id in retrieved and self.kb.has(c.id) and c.quote and c.quote in self.kb.paragraph(c.id).text(lang):
                good.append(c)
        return good
