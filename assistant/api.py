"""The Python API: :class:`Assistant` loads everything once, then ``ask`` and ``check``.

What it does: wires the knowledge base, the embedder, the index (built or rebuilt when stale),
the hybrid retriever, scope, follow-up resolution and the composer; optionally hands the
retrieved passages to a language model (:mod:`assistant.generation`). ``check`` delegates to
the structured checker.

What it leaves out: presentation (CLI and app) and logging of questions (nothing about a
question is logged).
"""
from __future__ import annotations

import threading
from collections.abc import Callable

from .answer import Answer, Composer
from .conversation import resolve
from .embedders import get_embedder
from .index import load_or_build
from .knowledge import load_knowledge
from .retriever import QueryError, Retriever
from .scope import Scope
from .settings import Settings
from .patient import PatientFile
from .statements import CASE_SECTIONS, build_statements
from .subject import detect_subject
from .text import strip_topic_name


FOLLOWUP_OWN = 0.6  # weight of a follow-up's own words against the resolved question


class Assistant:
    """Load once, ask many times. Thread-safe for concurrent ``ask`` calls."""

    def __init__(self, settings: Settings | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.kb = load_knowledge(self.settings.knowledge_dir)
        self.embedder = get_embedder(self.settings.embedder)
        self.index = load_or_build(self.kb, self.embedder, self.settings.index_dir,
                                   self.settings.sentence_views, self.settings.max_chunk_words, progress=progress)
        self.statements = build_statements(self.kb)
        patient = PatientFile(self.kb, self.statements)  # shared: retrieval boosts, answers pick
        self.retriever = Retriever(self.kb, self.embedder, self.index, self.settings, patient)
        self.scope = Scope(self.kb, self.statements)
        self.composer = Composer(self.kb, self.statements, patient)
        self._lock = threading.Lock()
        self._generator = None

    def ask(self, question: str, history: list[str] | None = None, lang: str | None = None,
            generate: bool | None = None) -> Answer:
        """Answer ``question`` (raises :class:`QueryError` for empty or oversized input).

        ``history`` is the list of the user's previous questions in this conversation, oldest
        first; follow-ups are resolved against it. ``lang`` forces the answer language.
        """
        q = self.retriever.check_query(question)
        prev_lang = None
        resolved_prev: list[str] = []
        for h in (history or [])[-4:]:
            try:
                h = self.retriever.check_query(h)
            except QueryError:
                continue
            text, _, _ = resolve(h, resolved_prev)
            resolved_prev.append(text)
            prev_lang = self.retriever.language(h, default=prev_lang or "en")
        lang = lang or self.retriever.language(q, default=prev_lang or "en")
        resolved, intents, followup = resolve(q, resolved_prev, focus=strip_topic_name)
        focus = strip_topic_name(resolved)
        scores = self.retriever.score_chunks(focus)
        # A follow-up is judged with what it refers to ("For how long?" after a treatment question).
        decision = self.scope.decide(resolved if followup else q, intents, lang, best_dense=float(scores[0].max()),
                                     embedder=self.embedder.id)
        if decision.in_scope and followup:
            # 'And how much did he weigh?': a subject the follow-up names itself must be covered too
            # ('for how long?' names none and is judged with what it refers to).
            own = self.scope.decide(q, intents, lang)
            if own.reason == "not_in_case":
                decision = own
        if not decision.in_scope:
            return self.composer.refuse(q, lang, decision, resolved, intents)
        subject = detect_subject(resolved, history=intents.has("history"))
        hits = self.retriever.search(focus, k=self.settings.top_k, intents=intents, subject=subject)
        # Further searches whose best passages join the hits (text, then search() keywords).
        searches: list[tuple[str, dict]] = []
        topics = intents.topics() - {"case"}
        if topics:  # structured retrieval: also the best passages of the asked topic; all the
            # defining passages (abstracts, conclusion, discussion) or keyword lists when asked
            searches.append((focus, {"topics": topics, "k": 5 if topics & {"definition", "names"} else 3}))
        if followup:  # the new words alone too: "and on the bone scan?" must not stay on the MRI
            searches.append((strip_topic_name(q), {}))
        if subject == "case":  # the patient's paragraphs, so his statements can be cited
            searches.append((focus, {"sections": CASE_SECTIONS, "k": 8}))
        if intents.has("definition"):  # 'what is it?': the passages that define it
            searches.append((resolved, {"topics": {"definition"}, "k": 5}))
        for text, kwargs in searches:
            extra = self.retriever.search(text, **{"k": 3, "intents": intents, "subject": subject, **kwargs})
            hits += [h for h in extra if h.paragraph_id not in {x.paragraph_id for x in hits}]
        if followup:
            own = self.retriever.score_chunks(strip_topic_name(q))
            scores = tuple(FOLLOWUP_OWN * a + (1 - FOLLOWUP_OWN) * b for a, b in zip(own, scores))
        answer = self.composer.compose(q, lang, intents, hits, resolved, scores, self.retriever.row_of, subject)
        use_llm = self.settings.llm is not None if generate is None else generate
        if use_llm and not answer.abstained and self.settings.llm is not None:
            from .generation import Generator

            with self._lock:
                if self._generator is None:
                    self._generator = Generator(self.settings.llm)
            answer = self._generator.rewrite(answer, self.kb, hits)
        return answer

    def check(self, case, lang: str | None = None):
        """Grade case details (a dict, a Case, or free text) against the criteria."""
        from .checker import check

        return check(case, lang=lang)
