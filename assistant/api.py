"""The Python API: :class:`Assistant` loads everything once, then ``ask`` and ``check``.

What it does: wires the knowledge base, the embedder, the index (built or rebuilt when stale),
the question bank, understanding (one :class:`~assistant.understand.Query` per question), the
hybrid retriever, the calibrated abstention decision and the composer; optionally hands the
retrieved passages to a language model (:mod:`assistant.generation`). ``check`` delegates to
the structured checker.

What it leaves out: presentation (CLI and app) and logging of questions (nothing about a
question is logged).
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from collections.abc import Callable

import numpy as np

from .abstain import FEATURES, features, load_or_fit, model_key
from .adapter import Adapter, adapter_key
from .adapter import fit as fit_adapter
from .adapter import read as read_adapter
from .adapter import write as write_adapter
from . import lead as lead_model
from .answer import REASON_OF, Answer, Composer
from .bank import Bank, load_bank
from .embedders import get_embedder
from .figures import figure_missing
from .index import _atomic_write, load_or_build
from .intents import detect_intents
from .subject import detect_subject, named_outright, refers_to_patient
from .knowledge import load_knowledge
from .patient import PatientFile
from .retriever import QueryError, Retriever  # noqa: F401  (QueryError: part of the API)
from .scope import Scope, ScopeDecision
from .settings import Settings
from .statements import CASE_SECTIONS, build_statements
from .strategies import statement_rows
from .text import prefixes, strip_topic_name
from .threads import one_blas_thread
from .understand import FOLLOWUP_OWN, Query, Understander, repeats, self_similarities
from .vocabulary import learn_vocabulary


def _atomic_json(path: Path, obj: dict) -> None:
    _atomic_write(path, json.dumps(obj, indent=1).encode())


NEAREST_ROWS = 5  # the passages whose figures count as 'near' the question (figures.py)


class Assistant:
    """Load once, ask many times. Thread-safe for concurrent ``ask`` calls."""

    def __init__(self, settings: Settings | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        one_blas_thread()  # numpy loaded before tmo: the import-time default came too late
        self.settings = settings or Settings.from_env()
        self.kb = load_knowledge(self.settings.knowledge_dir)
        self.embedder = get_embedder(self.settings.embedder)
        cache = self.settings.index_cache()
        self.index = load_or_build(self.kb, self.embedder, self.settings.index_dir,
                                   self.settings.sentence_views, self.settings.max_chunk_words, progress=progress,
                                   cache=cache)
        self.statements = build_statements(self.kb)
        patient = PatientFile(self.kb, self.statements)  # shared: retrieval boosts, answers pick
        self.retriever = Retriever(self.kb, self.embedder, self.index, self.settings, patient)
        self.scope = Scope(self.kb, self.statements)
        self.composer = Composer(self.kb, self.statements, patient)
        entries = load_bank(self.kb)
        self.bank = Bank(entries, self.index.bank_vectors)
        if self.settings.bank_adapter and len(entries) and len(self.bank.vectors):
            self.bank = Bank(entries, self.bank.vectors, self._adapter(cache))
        if self.settings.bank_vocabulary:
            learn_vocabulary(self.scope, self.bank.entries)
        self.understander = Understander(self.retriever, self.bank, self.settings, self._anchored)
        key = model_key(self.index.manifest.get("embedder", ""), self.index.manifest.get("knowledge_digest", ""),
                        self.index.manifest.get("bank_digest", ""), str(self.settings.abstain_precision),
                        self.bank.adapter.key if self.bank.adapter is not None else "no adapter")
        # The model fitted with the index is read from its folder; the shipped index/ is only
        # written by `tmo index` (a refit for a changed model lives in memory).
        shipped = cache is not None and self.index.folder == Path(self.settings.index_dir)
        writable = None if shipped else self.index.folder
        self._bank_cache: tuple[np.ndarray, np.ndarray] | None = None  # what both fits on the bank read
        self.abstention = load_or_fit([self.index.folder], key, self._bank_training, self.settings.abstain_precision,
                                      writable)
        self._stems = {st.id: prefixes(st.text("fr") + " " + st.text("en")) for st in self.statements}
        self._rows = {st.id: [r for r in statement_rows(st, self.retriever.row_of) if r is not None]
                      for st in self.statements}
        self.lead = lead_model.load_or_fit([self.index.folder], model_key("lead", str(lead_model.FEATURE_VERSION), key),
                                           self._lead_training, writable) if self.settings.lead_ranker else None
        self._bank_cache = None  # freed: answering needs no bank x bank matrix
        self._lock = threading.Lock()
        self._generator = None

    def _adapter(self, cache: Path | None) -> Adapter:
        """The bank adapter fitted for this bank, embedder and settings: read from the index folder or
        the cache, else fitted (about a minute on two cores) and saved to both where writable."""
        s = self.settings
        key = adapter_key(self.index.manifest.get("embedder", ""), self.index.manifest.get("bank_digest", ""),
                          f"{s.adapter_epochs}:{s.adapter_l2}:{s.adapter_temperature}")
        # Also kept by key in the user's cache: indexes in other folders (tests' temporary ones) share it.
        shared = Path(os.environ.get("TMO_CACHE_DIR") or Path.home() / ".cache" / "tmo") / "adapters"
        folders = [self.index.folder, cache, shared / key]
        found = read_adapter(folders, key)
        if found is not None:
            return found
        entries = self.bank.entries
        fitted = fit_adapter(self.bank.vectors, [e.id for e in entries], [e.answerable for e in entries],
                             [set(e.answers if e.answerable else e.closest) for e in entries], repeats(self.bank),
                             key, s.adapter_epochs, s.adapter_l2, s.adapter_temperature)
        shipped = cache is not None and self.index.folder == Path(s.index_dir)
        write_adapter(None if shipped else self.index.folder, fitted)
        write_adapter(shared / key, fitted)
        return fitted

    def _anchored(self, text: str) -> bool:
        """Whether ``text`` names something of the domain itself (the disease, a body part, a cue, a term)."""
        return bool(self.scope.anchors(text, self.retriever.language(text, default="en")))

    # -- abstention -------------------------------------------------------------------------
    def save_fitted(self, folder) -> None:
        """Write the fitted models (abstention, bank adapter) next to an index (``tmo index`` does, for the
        shipped one)."""
        from .abstain import FILE

        _atomic_json(Path(folder) / FILE, self.abstention.to_json())
        if self.lead is not None:
            _atomic_json(Path(folder) / lead_model.FILE, self.lead.to_json())
        if self.bank.adapter is not None:
            write_adapter(Path(folder), self.bank.adapter)

    def _nearest_texts(self, dense: np.ndarray | None) -> list[str]:
        """The texts of the index rows closest to a question (its cosines over every row)."""
        if dense is None or not len(dense):
            return []
        top = np.argpartition(-dense, min(NEAREST_ROWS, len(dense) - 1))[:NEAREST_ROWS]
        return [self.index.chunks[i].text for i in top]

    def _signals(self, text: str, intents, lang: str, matches, best_dense: float, subject=None,
                 named_patient: bool | None = None, dense: np.ndarray | None = None):
        rules = self.scope.decide(text, intents, lang, best_dense=best_dense, embedder=self.embedder.id,
                                  named_patient=named_patient)
        if not rules.in_scope and rules.reason == "not_in_case" and subject != "case":
            # The rules read 'patient' in 'mon patient' as the report's; understanding says the
            # question is not about him, so his case's silence says nothing.
            rules = ScopeDecision(True, "ok")
        unknown, foreign = self.scope.signals(text, lang)
        missing = figure_missing(text, self._nearest_texts(dense))
        return rules, features(text, matches, best_dense, not rules.in_scope, unknown, foreign, missing)

    def _bank_as_unseen(self) -> tuple[np.ndarray, np.ndarray]:
        """The bank's cross-fitted similarities to itself and its cosines to every index row, computed once
        for both models fitted on the bank."""
        if self._bank_cache is None:
            n = self.index.faiss_index.ntotal
            chunk_vecs = self.index.faiss_index.reconstruct_n(0, n) if n else np.zeros((0, self.embedder.dim))
            dense = self.bank.vectors @ chunk_vecs.T if len(self.bank) and n else np.zeros((len(self.bank), 0))
            self._bank_cache = (self_similarities(self.bank), dense)
        return self._bank_cache

    def _bank_training(self):
        """Leave-one-out features of every bank question, and whether the source answers it."""
        sims, dense_all = self._bank_as_unseen()
        best = dense_all.max(axis=1) if dense_all.shape[1] else np.zeros(len(self.bank))
        X, y = [], []
        for i, e in enumerate(self.bank.entries):
            matches = self.bank.match(sims=sims[i], k=self.settings.bank_k)
            subject, _ = self.understander._subject(detect_subject(e.text), tuple(matches), False,
                                                    named_outright(e.text))
            _, f = self._signals(e.text, detect_intents(strip_topic_name(e.text)), e.lang, matches, float(best[i]),
                                 subject, refers_to_patient(e.text), dense_all[i])
            X.append(f)
            y.append(not e.answerable)
        return np.asarray(X, dtype=float).reshape(-1, len(FEATURES)), np.asarray(y, dtype=bool)

    def _lead_training(self):
        """The lead ranker's training groups: every answerable bank question as an unseen one would be."""
        sims, dense_all = self._bank_as_unseen()

        def relevance(i):
            text = self.bank.entries[i].text
            lex = self.retriever.score_chunks(strip_topic_name(text) or text, mode="bm25")[1]
            return lead_model.relevance_of(dense_all[i], lex, self._rows)

        return lead_model.bank_groups(self.bank.entries, lambda i: self.bank.match(sims=sims[i], k=self.settings.bank_k),
                                      self._stems, relevance)

    def decide(self, query: Query, best_dense: float, dense: np.ndarray | None = None) -> tuple[ScopeDecision, float]:
        """The scope decision for ``query`` and the model's probability that the source does not answer it
        (``dense``: the question's cosines over the index rows, for the passages nearest it)."""
        text = query.resolved if query.followup else query.text
        worded = query.worded or query.intents
        rules, f = self._signals(text, worded, query.lang, query.matches, best_dense, query.subject,
                                 query.resolved_entities.named_patient, dense)
        if rules.in_scope and query.followup:
            # 'And how much did he weigh?': a subject the follow-up names itself must be covered too
            own = self.scope.decide(query.text, worded, query.lang, named_patient=query.entities.named_patient)
            if own.reason == "not_in_case":
                rules = own
                f[FEATURES.index("rules_refuse")] = 1.0
        p = self.abstention.probability(f)
        threshold = self.settings.abstain_threshold
        threshold = self.abstention.threshold if threshold is None else threshold
        # A refusal read off the knowledge (no dose given for that drug) stands at any probability.
        rules_stand = self.settings.abstain_rules_veto and (
            p >= self.settings.abstain_rules_floor or rules.from_knowledge)
        if p < threshold and (rules.in_scope or not rules_stand):
            return ScopeDecision(True, "ok", rules.words if rules.in_scope else ()), p
        if not rules.in_scope:
            return rules, p
        near = query.best(answerable=False)
        reason = REASON_OF.get(near.entry.reason if near else "", "out_of_scope")
        if reason == "not_in_case" and query.subject != "case":
            reason = "not_stated"
        return ScopeDecision(False, reason, ()), p

    # -- asking -----------------------------------------------------------------------------
    def understand(self, question: str, history: list[str] | None = None, lang: str | None = None) -> Query:
        return self.understander.understand(question, history, lang)

    def ask(self, question: str, history: list[str] | None = None, lang: str | None = None,
            generate: bool | None = None) -> Answer:
        """Answer ``question`` (raises :class:`QueryError` for empty or oversized input).

        ``history`` is the list of the user's previous questions in this conversation, oldest
        first; follow-ups are resolved against it. ``lang`` forces the answer language.
        """
        query = self.understand(question, history, lang)
        q, lang, intents, focus, subject = query.text, query.lang, query.intents, query.focus, query.subject
        scores = self.retriever.score_chunks(focus)
        decision, p_refuse = self.decide(query, float(scores[0].max()), scores[0])
        # Outside what the source covers: say so, with nothing nearest to quote.
        if not decision.in_scope and decision.reason in ("out_of_scope", "no_passage"):
            return self.composer.refuse(q, lang, decision, query.resolved, intents)
        targets = self._targets(query)
        prefer = {src for t in targets for src in self.composer.sources_of(t)}
        # What the searched text names: the disease's name, dropped from ``focus`` and ``own``,
        # names no date, ordinal, knee or episode.
        entities = query.resolved_entities
        hits = self.retriever.search(focus, k=self.settings.top_k, intents=intents, subject=subject, prefer=prefer,
                                     entities=entities)
        # Further searches whose best passages join the hits (text, then search() keywords).
        searches: list[tuple[str, dict]] = []
        topics = intents.topics() - {"case"}
        if topics:  # structured retrieval: also the best passages of the asked topic; all the
            # defining passages (abstracts, conclusion, discussion) or keyword lists when asked
            searches.append((focus, {"topics": topics, "k": 5 if topics & {"definition", "names"} else 3}))
        if query.followup:  # the new words alone too: "and on the bone scan?" must not stay on the MRI
            searches.append((query.own or q, {"entities": query.entities}))
        if subject == "case":  # the patient's paragraphs, so his statements can be cited
            searches.append((focus, {"sections": CASE_SECTIONS, "k": 8}))
        if intents.has("definition"):  # 'what is it?': the passages that define it
            searches.append((query.resolved, {"topics": {"definition"}, "k": 5}))
        if prefer:  # the paragraphs that the nearest bank questions' answers rest on
            searches.append((focus, {"only": prefer, "k": len(prefer)}))
        for text, kwargs in searches:
            extra = self.retriever.search(text, **{"k": 3, "intents": intents, "subject": subject, "entities": entities,
                                                   **kwargs})
            hits += [h for h in extra if h.paragraph_id not in {x.paragraph_id for x in hits}]
        if query.followup:
            own = self.retriever.score_chunks(query.own or q)
            scores = tuple(FOLLOWUP_OWN * a + (1 - FOLLOWUP_OWN) * b for a, b in zip(own, scores))
        ordered = self.lead is not None
        if ordered and targets:
            targets = self.lead.order(targets, query.lead, self._stems,
                                      lead_model.relevance_of(scores[0], scores[1], self._rows), query.own or q,
                                      self.settings.lead_floor)
        answer = self.composer.compose(q, lang, intents, hits, query.resolved, scores, self.retriever.row_of,
                                       subject, lead=targets, entities=query.entities,
                                       resolved_entities=query.resolved_entities, lead_ordered=ordered)
        if not decision.in_scope:
            return self.composer.not_stated(answer, decision, intents)
        use_llm = self.settings.llm is not None if generate is None else generate
        if use_llm and not answer.abstained and self.settings.llm is not None:
            from .generation import Generator

            with self._lock:
                if self._generator is None:
                    self._generator = Generator(self.settings.llm)
            answer = self._generator.rewrite(answer, self.kb, hits)
        return answer

    def _targets(self, query: Query) -> tuple[str, ...]:
        """The ids that should lead the answer: the nearest answerable bank questions' answers,
        when that match is close enough and agrees with whom the question is about."""
        if query.target_about is None or query.target_sim < self.settings.bank_target_sim:
            return ()
        if (query.target_about == "case") != (query.subject == "case"):
            return ()
        return query.targets

    def check(self, case, lang: str | None = None):
        """Grade case details (a dict, a Case, or free text) against the criteria."""
        from .checker import check

        return check(case, lang=lang)
