"""Grounded answers: compose a short reply, in the asker's language, from retrieved passages.

What it does: given the retrieval hits and the question's intents, picks the structured
statements (facts, timeline) whose sources were retrieved and that match the intent, or else
the best sentences of the best passages, renders them as a short text (lists read as lists),
and attaches citations (paragraph id, section, quoted sentence, score). Every citation is
checked against the retrieved passages and its quote against the paragraph text; anything
that does not match is dropped. When :mod:`assistant.scope` says the source is silent, it
abstains with a sentence on what it does cover.

What it leaves out: retrieval, language-model generation (:mod:`assistant.generation`), I/O.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .intents import Intents, asks_name_only
from .knowledge import KnowledgeBase, SECTION_LABELS
from .patient import PatientFile
from .retriever import Hit
from .scope import ScopeDecision
from .statements import CASE_SECTIONS, Statement
from .subject import Subject
from .text import sentences, words

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
LIST_INTENTS = {"risk_factors", "differential", "treatment", "sites", "population", "timeline", "pathophysiology",
                "histology", "migration", "imaging_mri", "imaging_bone_scan", "imaging_dxa", "labs", "fluid_biopsy"}

HEADERS = {
    "risk_factors": {"fr": "Facteurs de risque décrits :", "en": "Risk factors described:"},
    "differential": {"fr": "Diagnostics différentiels cités :", "en": "Differential diagnoses named:"},
    "treatment": {"fr": "Traitement :", "en": "Treatment:"},
    "patient_treatment": {"fr": "Traitement reçu par le patient (M. CM) :", "en": "Treatment the patient (Mr CM) received:"},
    "timeline": {"fr": "Évolution du patient (M. CM) :", "en": "The patient's course (Mr CM):"},
    "sites": {"fr": "Localisations :", "en": "Sites:"},
    "population": {"fr": "Qui est touché :", "en": "Who is affected:"},
    "imaging_mri": {"fr": "IRM :", "en": "MRI:"},
    "imaging_bone_scan": {"fr": "Scintigraphie osseuse :", "en": "Bone scan:"},
    "imaging_dxa": {"fr": "Ostéodensitométrie (DXA) :", "en": "Bone densitometry (DXA):"},
    "imaging_radiograph": {"fr": "Radiographie / scanner :", "en": "Radiographs / CT:"},
    "labs": {"fr": "Biologie :", "en": "Laboratory tests:"},
    "fluid_biopsy": {"fr": "Ponction et biopsie :", "en": "Joint fluid and biopsy:"},
    "migration": {"fr": "Caractère migratoire :", "en": "Migration:"},
    "course": {"fr": "Évolution :", "en": "Course:"},
    "pathophysiology": {"fr": "Physiopathologie :", "en": "Pathophysiology:"},
    "histology": {"fr": "Histologie :", "en": "Histology:"},
}

COVERS = {
    "fr": ("Je réponds à partir d'un seul cas clinique avec sa discussion (ostéoporose régionale transitoire "
           "migrante des genoux, Rev Med Liège) : facteurs de risque, personnes touchées, localisations, imagerie "
           "(IRM, scintigraphie, DXA, radiographie), biologie, évolution et migration, traitements, diagnostics "
           "différentiels, physiopathologie, et l'histoire du patient."),
    "en": ("I answer from a single case report with its discussion (transient regional migratory osteoporosis of "
           "the knees, Rev Med Liège): risk factors, who is affected, sites, imaging (MRI, bone scan, DXA, "
           "radiographs), labs, course and migration, treatments, differential diagnoses, pathophysiology, and "
           "the patient's history."),
}
REFUSALS = {
    "out_of_scope": {"fr": "La source ne traite pas de cette question{w}.",
                     "en": "The source does not cover this question{w}."},
    "no_dose": {"fr": "La source ne donne pas de dose pour {d} (elle parle de doses empiriques ou n'en précise pas).",
                "en": "The source does not give a dose for {d} (it speaks of empirical doses or gives none)."},
    "no_duration": {"fr": "La source ne précise pas la durée du traitement par {d}.",
                    "en": "The source does not state how long {d} was given."},
    "not_in_case": {"fr": "Le rapport de cas ne dit rien de cela chez le patient{w}.",
                    "en": "The case report does not say this about the patient{w}."},
    "no_passage": {"fr": "Je ne trouve aucun passage de la source qui réponde à cette question.",
                   "en": "I found no passage of the source that answers this question."},
    "no_figure": {"fr": "La source ne donne pas ce chiffre.", "en": "The source does not give this figure."},
    "no_drug": {"fr": "La source ne traite pas de ce médicament ni de cet usage.",
                "en": "The source does not discuss this drug or this use of it."},
    "not_stated": {"fr": "La source ne le précise pas.", "en": "The source does not state this."},
}
# The question bank's near-miss reasons -> the refusal said.
REASON_OF = {"figure": "no_figure", "drug": "no_drug", "case_detail": "not_in_case", "site": "out_of_scope",
             "condition": "out_of_scope", "care": "not_stated", "general": "out_of_scope"}
NEAREST = {"fr": "Ce que la source dit de plus proche :", "en": "What the source says nearest to it:"}
LEAD_CHARS = 300  # the direct answer: at most two sentences, about this long
SUMMARY_BY_SCORE = True  # the one-line summary of a list puts the items nearest the question first
DISCLAIMER = {"fr": "Aide pédagogique, pas un diagnostic.", "en": "Educational aid, not a diagnosis."}


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


def _overlap(a: str, b: str) -> float:
    wa, wb = set(words(a)), set(words(b))
    return len(wa & wb) / max(1, len(wa))


def best_quote(paragraph_text: str, statement_text: str) -> str:
    """The paragraph's sentence that best supports a statement (the quote a citation shows)."""
    sents = sentences(paragraph_text)
    return max(sents, key=lambda s: _overlap(statement_text, s)) if sents else paragraph_text


class Composer:
    def __init__(self, kb: KnowledgeBase, statements: list[Statement], patient: PatientFile | None = None) -> None:
        self.kb, self.statements = kb, statements
        self.patient = patient or PatientFile(kb, statements)
        self._by_id = {st.id: st for st in statements}

    # -- abstention -------------------------------------------------------------------------
    def refuse(self, question: str, lang: str, decision: ScopeDecision, resolved: str, intents: Intents) -> Answer:
        w = f" ({', '.join(decision.words)})" if decision.words and decision.reason != "no_dose" else ""
        msg = REFUSALS.get(decision.reason, REFUSALS["out_of_scope"])[lang].format(w=w, d=decision.drug or "")
        return Answer(question, lang, f"{msg} {COVERS[lang]}", True, [], sorted(intents.names),
                      decision.reason, resolved)

    # -- composition ------------------------------------------------------------------------
    def compose(self, question: str, lang: str, intents: Intents, hits: list[Hit], resolved: str,
                scores: tuple | None = None, row_of: dict[str, int] | None = None,
                subject: Subject = None, lead: tuple[str, ...] = ()) -> Answer:
        """Pick what answers best among the retrieved paragraphs' sentences and statements.

        Every sentence and every statement (fact, timeline step) has its own embedding
        ("view"); the question is scored against all of them (dense + BM25), statements of the
        asked category get a small bonus, and the best item decides the form: a statement leads
        to a short list of statements of its category, a sentence to the best sentence or two,
        quoted from the source in the asker's language. ``lead`` (statement or paragraph ids the
        question bank says answer the question) opens the reply when they were retrieved.
        """
        answer = self._compose(question, lang, intents, hits, resolved, scores, row_of, subject)
        return self._lead(answer, lead, lang, hits, intents, scores, row_of) if lead and not answer.abstained \
            else answer

    def sources_of(self, ref: str) -> tuple[str, ...]:
        """The paragraphs a statement id rests on (a paragraph id is its own source)."""
        st = self._by_id.get(ref)
        return st.sources if st else ((ref,) if self.kb.has(ref) else ())

    def _compose(self, question, lang, intents, hits, resolved, scores, row_of, subject) -> Answer:
        if not hits:
            return self.refuse(question, lang, ScopeDecision(False, "no_passage"), resolved, intents)
        if scores is None or row_of is None:
            return self._extractive(question, lang, intents, hits, resolved)
        dense, lex = scores
        lex_max = float(lex.max()) or 1.0
        allowed = {h.paragraph_id: h for h in hits}
        if subject == "case":
            picked = self.patient.pick(question, intents, context=resolved if resolved != question else "")
            if picked:
                chosen = [st for st in picked[0] if any(src in allowed for src in st.sources)]
                if chosen:
                    return self._from_statements(question, lang, intents, hits, allowed, chosen, picked[1],
                                                 resolved)
        if intents.has("names"):  # 'what other names is it known by?': the keyword lists, whole
            lists = [h for h in hits if "names" in h.topics]
            if lists:
                parts = [self.kb.paragraph(h.paragraph_id).text(lang) for h in lists]
                cites = [Citation(h.paragraph_id, h.section, text, h.score, lang) for h, text in zip(lists, parts)]
                return self._finish(question, lang, "\n\n".join(parts), cites, intents, hits, resolved)
        if intents.has("definition") and asks_name_only(question):
            # The statements that define a name ('... is called transient regional [migratory]
            # osteoporosis') first, the one of the name asked ('migrante' or not) before the other.
            migr = "migr" in " ".join(words(question))

            def defined(st: Statement) -> str | None:
                return st.en.rsplit(" called ", 1)[1] if " called " in st.en else None

            defs = sorted((st for st in self.statements if st.category == "definition"
                           and any(src in allowed for src in st.sources)),
                          key=lambda st: (defined(st) is None, ("migr" in (defined(st) or "")) != migr, st.order))
            if defs:
                return self._from_statements(question, lang, intents, hits, allowed, defs[:2], None, resolved)
        case = subject == "case" if subject else intents.has("timeline")
        case_bonus = SUBJECT_BONUS if subject else CASE_BONUS
        wanted = {c for intent, cats in PRIORITY if intents.has(intent) for c in cats}
        if intents.has("duration") and not wanted:
            wanted = {"course"}
        if intents.has("duration") and not intents.has("migration"):
            wanted.discard("migration")  # 'how long does it last?' asks the course, not the interval between sites
        modalities = intents.modalities()

        def rel(rows: list[int]) -> float:
            rows = [r for r in rows if r is not None]
            if not rows:
                return -9.0
            return max(float(dense[r]) + LEX_WEIGHT * float(lex[r]) / lex_max for r in rows)

        items: list[tuple[float, str, object]] = []
        for st in self.statements:
            pid = next((x for x in st.sources if x in allowed), None)
            if pid is None:
                continue
            # Asked of the disease, the patient's findings are no answer; his dated steps answer
            # only questions about him.
            if st.is_case and (subject == "general" or (st.category == "timeline" and not case)):
                continue
            kind = "t" if st.category == "timeline" else "f"
            r = rel([row_of.get(f"{st.sources[0]}:{lg}:{kind}:{st.id}") for lg in ("fr", "en")])
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
            n = len(sentences(self.kb.paragraph(pid).text(lang)))
            for i in range(n):
                r = rel([row_of.get(f"{pid}:{lg}:s{i}") for lg in ("fr", "en")] if n > 1 else
                        [row_of.get(f"{pid}:{lg}") for lg in ("fr", "en")])
                if subject == "general" and h.section in CASE_SECTIONS:
                    continue
                if case == (h.section in CASE_SECTIONS):
                    r += case_bonus / 2  # statements carry the patient's structured details
                items.append((r, "sentence", (h, i if n > 1 else -1)))
        if not items:
            return self._extractive(question, lang, intents, hits, resolved)
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
                    para = self.kb.paragraph(h.paragraph_id).text(lang)
                    sent = para if idx < 0 else sentences(para)[idx]
                    cited = h.paragraph_id in {src for st in chosen for src in st.sources}
                    # Already said: close wording, or looser wording of a paragraph already cited.
                    if max(_overlap(sent, x) for x in said) < (0.4 if cited else 0.6):
                        extra = it
                        break
            return self._from_statements(question, lang, intents, hits, allowed, chosen, header, resolved, extra,
                                         ranked if SUMMARY_BY_SCORE else None)
        picked = [it for r, k, it in items if k == "sentence" and r >= best_rel - ITEM_MARGIN][:2]
        parts, cites = [], []
        for h, idx in picked:
            para = self.kb.paragraph(h.paragraph_id).text(lang)
            quote = para if idx < 0 else sentences(para)[idx]
            parts.append(quote)
            cites.append(Citation(h.paragraph_id, h.section, quote, h.score, lang))
        return self._finish(question, lang, " ".join(parts), cites, intents, hits, resolved)

    def _from_statements(self, question, lang, intents, hits, allowed, chosen, header_key, resolved,
                         extra=None, ranked=None) -> Answer:
        lines = [f"- {s.text(lang)}" for s in chosen]
        header = HEADERS.get(header_key or "", {}).get(lang)
        if len(chosen) > 1 and all(s.has_short for s in chosen):
            # Answer first: the whole list in one line of short labels, then each item in full.
            summary = "; ".join(s.short(lang) for s in (ranked or chosen))
            text = "\n".join([f"{header} {summary}." if header else f"{summary[:1].upper()}{summary[1:]}."] + lines)
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
              scores, row_of) -> Answer:
        """Open ``answer`` with what the bank says answers the question, if retrieved and not already first."""
        allowed = {h.paragraph_id: h for h in hits}
        chosen = [self._by_id[x] for x in lead if x in self._by_id
                  and any(src in allowed for src in self._by_id[x].sources)][:MAX_LIST]
        cites: list[Citation] = []
        if chosen:
            if len(chosen) == 1:
                text = chosen[0].text(lang)
            else:
                summary = "; ".join(st.short(lang) for st in chosen)
                text = f"{summary[:1].upper()}{summary[1:]}."
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
        if all(w in words(head) for w in words(text)[:12]) or text in answer.answer[:LEAD_CHARS + len(text)]:
            return answer  # the composed answer already opens with it
        cites = self.validate_citations(cites, hits, lang)
        if not cites:
            return answer
        seen = {(c.id, c.quote) for c in cites}
        answer.citations = cites + [c for c in answer.citations if (c.id, c.quote) not in seen]
        answer.answer = f"{text}\n\n{answer.answer}"
        return answer

    def not_stated(self, answer: Answer, decision: ScopeDecision, intents: Intents) -> Answer:
        """The topic is covered but the detail asked is not: say so first, then the nearest, cited."""
        lang = answer.lang
        w = f" ({', '.join(decision.words)})" if decision.words and decision.reason != "no_dose" else ""
        msg = REFUSALS.get(decision.reason, REFUSALS["not_stated"])[lang].format(w=w, d=decision.drug or "")
        if answer.abstained or not answer.citations:
            return self.refuse(answer.question, lang, decision, answer.resolved_query, intents)
        nearest = answer.answer.split("\n\n")[0].split("\n")[0]
        answer.answer = f"{msg} {NEAREST[lang]} {nearest}\n\n{answer.answer}" if nearest != answer.answer \
            else f"{msg} {NEAREST[lang]} {nearest}"
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
