"""Hybrid bilingual retrieval: dense (FAISS, multilingual embeddings) + BM25, fused by rank.

What it does: scores every chunk of both languages with the embedder and with BM25 (the
query stemmed both ways and expanded through the FR/EN glossary), keeps the best chunk per
paragraph, fuses the two rankings with reciprocal rank fusion, nudges paragraphs whose topics
match the question's intents, and returns :class:`Hit` records with the matched chunk.
Filters restrict languages, sections and topics. :meth:`Retriever.as_langchain` gives a
LangChain ``BaseRetriever`` returning ``Document``s.

What it leaves out: answer composition (:mod:`assistant.answer`) and index persistence
(:mod:`assistant.index`).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .chunks import Chunk
from .embedders import Embedder
from .index import VectorIndex
from .intents import Intents, asks_name_only, detect_intents
from .knowledge import KnowledgeBase
from .lexical import BM25Index, query_tokens
from .memo import LRU
from .settings import Settings
from .patient import PatientFile
from .statements import CASE_SECTIONS, build_statements
from .subject import detect_subject
from .text import detect_language, fold, iso_dates, stems, strip_topic_name, words

if TYPE_CHECKING:
    from .understand import Entities


@dataclass
class Hit:
    paragraph_id: str
    section: str
    topics: tuple[str, ...]
    score: float
    dense: float
    bm25: float
    chunk: Chunk  # the best-matching chunk (paragraph or sentence) of this paragraph
    sentence_scores: dict[tuple[str, int], float] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"id": self.paragraph_id, "section": self.section, "score": round(self.score, 4),
                "dense": round(self.dense, 4), "bm25": round(self.bm25, 4), "chunk": self.chunk.id}


SECTION_PRIOR = {"summary": 0.85, "resume": 0.85}


class QueryError(ValueError):
    """The question cannot be searched (empty, too long, no words); the message says why."""


class Retriever:
    def __init__(self, kb: KnowledgeBase, embedder: Embedder, index: VectorIndex, settings: Settings,
                 patient: PatientFile | None = None) -> None:
        self.kb, self.embedder, self.index, self.settings = kb, embedder, index, settings
        self.chunks = index.chunks
        self.bm25 = BM25Index(self.chunks)
        # Query vectors (key: the text) and chunk scores (key: (text, mode)) of recent texts.
        self._qcache = LRU(settings.query_cache)
        self.row_of = {c.id: i for i, c in enumerate(self.chunks)}
        self._lang_of = np.array([c.lang for c in self.chunks])
        self._para_of = [c.paragraph_id for c in self.chunks]
        # Per chunk, computed once: what the filters of search() test and a sentence view's
        # (language, position) key (building them per search was a fifth of its time).
        self._section_of = np.array([c.section for c in self.chunks], dtype=object)
        self._para_arr = np.array(self._para_of, dtype=object)
        self._not_title = np.array([c.section != "title" for c in self.chunks], dtype=bool)
        self._topic_sets = [frozenset(c.topics) for c in self.chunks]
        self._sent_key = [(c.lang, int(c.id.rsplit(":s", 1)[1])) if c.kind == "sentence" else None
                          for c in self.chunks]
        fr_vocab = {w for p in kb.paragraphs for w in words(p.fr)}
        en_vocab = {w for p in kb.paragraphs for w in words(p.en)}
        self.lang_vocab = (frozenset(fr_vocab - en_vocab), frozenset(en_vocab - fr_vocab))
        # Structured retrieval: paragraphs that hold the patient's statement asked for ('his first
        # MRI') or the definitions ('what is it?') are known from the knowledge base's structure.
        self.patient = patient or PatientFile(kb, build_statements(kb))
        self._definitions = frozenset(src for f in kb.facts if f.category == "definition" for src in f.sources)
        # Glossary: folded term -> all terms of its entry (both languages), longest terms first.
        self._glossary: list[tuple[str, tuple[str, ...]]] = sorted(
            ((fold(t), g.fr + g.en) for g in kb.glossary for t in g.fr + g.en), key=lambda x: -len(x[0]))
        # Tokenised once: the expansion runs for every query (it was a fifth of the app's CPU).
        self._glossary_words = [(f" {' '.join(words(term))} ", tuple(x for x in group if fold(x) != term))
                                for term, group in self._glossary if words(term)]

    # -- query side -------------------------------------------------------------------------
    def check_query(self, query: str) -> str:
        if not isinstance(query, str):
            raise QueryError("the question must be text.")
        q = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in query).strip()
        if not q:
            raise QueryError("the question is empty: type a question about transient (migratory) osteoporosis.")
        if len(q) > self.settings.max_question_chars:
            raise QueryError(
                f"the question is {len(q)} characters long; the limit is {self.settings.max_question_chars}. "
                "Ask one short question at a time.")
        if not words(q):
            raise QueryError("the question has no words to search for.")
        return " ".join(q.split())

    def language(self, query: str, default: str = "en") -> str:
        return detect_language(query, default=default, vocab=self.lang_vocab)

    def expansions(self, query: str) -> list[str]:
        if not self.settings.glossary_expansion:
            return []
        folded = f" {' '.join(words(query))} "
        out: list[str] = []
        for padded, others in self._glossary_words:
            if padded in folded:
                out.extend(others)
        return list(dict.fromkeys(out))

    def query_vector(self, q: str) -> np.ndarray:
        """Embed a query once: follow-ups and repeated questions are common in a chat."""
        vec = self._qcache.get(q)
        if vec is None:
            vec = self.embedder.embed_query(q)
            vec.setflags(write=False)  # shared by every caller of the cache
            self._qcache.put(q, vec)
        return vec

    def score_chunks(self, q: str, mode: str = "rrf") -> tuple[np.ndarray, np.ndarray]:
        """Dense cosine and BM25 score of every chunk (paragraphs, sentences, fact views);
        read-only arrays, remembered per text (one question searches the same text several times)."""
        key = (q, mode)
        pair = self._qcache.get(key)
        if pair is None:
            pair = self._score_chunks(q, mode)
            for a in pair:
                a.setflags(write=False)
            self._qcache.put(key, pair)
        return pair

    def _score_chunks(self, q: str, mode: str) -> tuple[np.ndarray, np.ndarray]:
        zeros = np.zeros(len(self.chunks), dtype="float32")
        dense = self.index.all_scores(self.query_vector(q)) if mode in ("rrf", "dense") else zeros
        if mode in ("rrf", "bm25"):
            toks = query_tokens(q)
            extra = self.expansions(q) + iso_dates(q)
            exp = [t for e in extra for t in stems(e, "fr") + stems(e, "en") if t not in toks]
            lex = self.bm25.scores(toks + list(dict.fromkeys(exp)))
        else:
            lex = zeros
        return dense, lex

    # -- search -----------------------------------------------------------------------------
    def search(self, query: str, k: int | None = None, langs: Iterable[str] = ("fr", "en"),
               sections: Iterable[str] | None = None, topics: Iterable[str] | None = None,
               intents: Intents | None = None, mode: str | None = None, subject: str | None = None,
               prefer: Iterable[str] = (), only: Iterable[str] | None = None,
               entities: Entities | None = None) -> list[Hit]:
        """Best paragraphs for ``query``; ``prefer`` boosts paragraph ids (the structure boost),
        ``only`` restricts the search to paragraph ids. ``entities`` are what ``query`` names
        (from its :class:`~assistant.understand.Query`); read from ``query`` when not given."""
        q = self.check_query(query)
        asked = q
        if subject is None:
            subject = detect_subject(q)
        if self.settings.strip_topic_name:
            q = strip_topic_name(q)
        k = k or self.settings.top_k
        mode = mode or self.settings.fusion
        langs = set(langs)
        intents = intents if intents is not None else detect_intents(q)
        preferred: set[str] = set(prefer)
        if subject == "case":
            if entities is None:  # imported here: understanding imports the retriever
                from .understand import read_entities

                entities = read_entities(asked)
            picked = self.patient.pick(entities, intents, asked)
            preferred |= {src for st in (picked[0] if picked else ()) for src in st.sources}
        if intents.has("definition") and asks_name_only(asked):
            preferred |= self._definitions
        mask = np.isin(self._lang_of, list(langs)) & self._not_title
        if sections is not None:
            mask &= np.isin(self._section_of, list(set(sections)))
        if topics is not None:
            tops = set(topics)
            mask &= np.array([not tops.isdisjoint(t) for t in self._topic_sets], dtype=bool)
        if only is not None:
            mask &= np.isin(self._para_arr, list(set(only)))

        dense_arr, lex_arr = self.score_chunks(q, mode)
        # Python floats: the same values as the float32 entries, read far faster one by one.
        dense, lex = dense_arr.tolist(), lex_arr.tolist()

        # Best chunk per paragraph, per signal.
        best_d: dict[str, tuple[float, int]] = {}
        best_b: dict[str, tuple[float, int]] = {}
        sent: dict[str, dict[tuple[str, int], float]] = {}
        for i in np.nonzero(mask)[0].tolist():
            pid = self._para_of[i]
            d, b = dense[i], lex[i]
            if d > best_d.get(pid, (-9.0, -1))[0]:
                best_d[pid] = (d, i)
            if b > best_b.get(pid, (-1.0, -1))[0]:
                best_b[pid] = (b, i)
            skey = self._sent_key[i]
            if skey is not None:
                sent.setdefault(pid, {})[skey] = d + 0.02 * b
        if not best_d:
            return []
        pids = list(best_d)
        rank_d = {p: r for r, p in enumerate(sorted(pids, key=lambda p: -best_d[p][0]))}
        rank_b = {p: r for r, p in enumerate(sorted(pids, key=lambda p: -best_b[p][0]))}
        want = intents.topics()
        s = self.settings
        hits = []
        for p in pids:
            if mode == "dense":
                score = best_d[p][0]
            elif mode == "bm25":
                score = best_b[p][0]
            else:
                score = s.dense_weight / (s.rrf_k + rank_d[p] + 1)
                if best_b[p][0] > 0:
                    score += s.bm25_weight / (s.rrf_k + rank_b[p] + 1)
            # The abstracts restate the body in brief; the body paragraph is the better citation.
            score *= SECTION_PRIOR.get(self.kb.paragraph(p).section, 1.0) if mode == "rrf" else 1.0
            para = self.kb.paragraph(p)
            para_topics = set(para.topics)
            if want and para_topics & want and mode == "rrf":
                score *= 1.0 + s.topic_boost * len(para_topics & want) / len(want)
            if subject and mode == "rrf":
                # The patient's paragraphs for questions about him (the case sections and the passages
                # that sum the case up), the discussion for questions about the disease.
                in_case = para.section in CASE_SECTIONS or "case" in para_topics
                if in_case == (subject == "case"):
                    score *= 1.0 + s.subject_boost
            if p in preferred and mode == "rrf":
                score *= 1.0 + s.structure_boost
            d_score, d_idx = best_d[p]
            b_score, b_idx = best_b[p]
            chunk = self.chunks[d_idx if mode != "bm25" else b_idx]
            hits.append(Hit(p, para.section, para.topics, score, d_score, b_score, chunk, sent.get(p, {})))
        hits.sort(key=lambda h: -h.score)
        return hits[:k]

    # -- LangChain ----------------------------------------------------------------------------
    def as_langchain(self, k: int | None = None, lang: str | None = None):
        """A LangChain ``BaseRetriever`` over this retriever; documents carry id, section, score."""
        from .lc import make_langchain_retriever

        return make_langchain_retriever(self, k or self.settings.top_k, lang)
