"""Questions about the reported patient (Mr CM): pick his statements by what is asked.

What it does: when a question is explicitly about the patient (see :mod:`assistant.subject`),
the answer is one of a small, known set of statements (his examinations, treatments and dated
course), so it is chosen by structure rather than by similarity:
- a date ('the MRI of 9 June 2018') or an ordinal ('the first bone scan', 'the last MRI',
  'the second episode') picks steps of his timeline;
- a modality ('his blood tests', 'la densitométrie') picks his findings of that modality;
- risk factors, treatment (one drug when a drug is named), migration (the sequence of sites),
  course and diagnosis pick his statements of that kind.
It returns ``None`` when nothing structured fits, and the caller falls back to ranking. It
reads the dates, ordinal, knees and episode that understanding found
(:class:`~assistant.understand.Entities`), not the question again; the question's words are
read only to name a drug.

What it leaves out: wording and citations (:mod:`assistant.answer`), and questions about the
disease in general.
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from .intents import MODALITIES, Intents
from .knowledge import KnowledgeBase
from .statements import Statement
from .text import STOPWORDS, words

if TYPE_CHECKING:  # understanding imports the retriever, which holds a PatientFile
    from .understand import Entities

COMMON_SHARE = 0.1  # a word in more than this share of all statements names no drug ('patient', 'episode')


class PatientFile:
    """The patient's statements, indexed for structured picking."""

    def __init__(self, kb: KnowledgeBase, statements: list[Statement]) -> None:
        by_id = {s.id: s for s in statements}
        self.events = [(ev, by_id[ev.id]) for ev in kb.timeline if ev.id in by_id]
        self.facts = [s for s in statements if s.is_case and s.category != "timeline"]
        # Word prefixes of each statement (drug field and wording), and the prefixes so common
        # across all statements ('patient', 'episode', 'traitement') that they name no drug.
        self._names = {s.id: {w[:6] for w in words(f"{s.drug or ''} {s.fr} {s.en}") if len(w) >= 5}
                       for s in statements}
        counts = Counter(p for names in self._names.values() for p in names)
        self._common = {p for p, n in counts.items() if n > COMMON_SHARE * len(statements)}

    def _naming(self, text: str, given: list[Statement]) -> list[Statement]:
        """The statements among ``given`` that a word of ``text`` names (by six-letter prefix)."""
        asked = {w[:6] for w in words(text) if len(w) >= 5 and w not in STOPWORDS} - self._common
        return [st for st in given if asked & self._names[st.id]]

    def _steps(self, keep) -> list[Statement]:
        return [st for ev, st in self.events if keep(ev)]

    def pick(self, entities: Entities, intents: Intents, text: str = "", context: str = "",
             carried: Entities | None = None) -> tuple[list[Statement], str | None] | None:
        """(statements, header key) answering a question about the patient, or None.

        ``entities`` are what the question names; ``text`` (its words) and ``context`` (the
        conversation it continues) are read only to name a drug; ``carried`` are the entities of
        the question with that conversation, whose knee holds when the question names none."""
        mods = intents.modalities()
        treatment = intents.has("treatment", "dose")
        dates, n = entities.dates, entities.ordinal
        knee = set(entities.knees)
        if not knee and carried is not None:  # 'and at what dose?' after 'his left knee': the same knee
            knee = set(carried.knees)
        on_knee = (lambda ev: ev.knee in knee) if len(knee) == 1 else (lambda ev: True)
        if dates:
            steps = self._steps(lambda ev: any(ev.date.startswith(d) or d.startswith(ev.date) for d in dates)
                                and (not mods or ev.modality in mods))
            if steps:
                return steps, "timeline"
        # Doses are asked of treatments, even when 'vitamin D' also reads as a lab question.
        if treatment and mods <= {"labs"} and (intents.has("dose") or not mods):
            mods = set()
        if n is not None:
            if entities.episode and not mods:
                episodes = sorted({ev.episode for ev, _ in self.events})
                ep = episodes[n] if -len(episodes) <= n < len(episodes) else None
                pool = self._steps(lambda ev: ev.episode == ep and (not treatment or ev.treatment is not None))
            elif mods or treatment:
                pool = self._steps(lambda ev: on_knee(ev) and ((ev.modality in mods) if mods
                                                               else ev.treatment is not None))
            else:  # 'where did it hurt at first?', 'which knee was involved last?': the n-th finding
                pool = self._steps(lambda ev: on_knee(ev) and ev.finding is not None)
            if pool and -len(pool) <= n < len(pool):
                return [pool[n]], "timeline"
        if intents.has("timeline") and (mods or knee):  # 'when did the left knee MRI show edema?'
            steps = self._steps(lambda ev: on_knee(ev) and (not mods or ev.modality in mods))
            if steps:
                return steps, "timeline"
        if intents.has("migration") and not treatment:  # the sequence of sites, seen on imaging
            steps = self._steps(lambda ev: ev.modality in (mods or {"mri", "bone_scan"}))
            return (steps, "timeline") if steps else None
        if mods:
            found = [s for s in self.facts if s.modality in mods]
            if found:
                return found, next(i for i in MODALITIES if intents.has(i))
            steps = self._steps(lambda ev: ev.modality in mods)
            return (steps, "timeline") if steps else None
        if intents.has("risk_factors"):
            found = [s for s in self.facts if s.category == "risk_factor"]
            return (found, "risk_factors") if found else None
        if treatment:
            given = [s for s in self.facts if s.category == "patient_treatment"]
            # A drug or class named by prefix ('alendronat', 'calcitonine', 'l'anti-inflammatoire',
            # 'antalgique'), in the drug field or the wording; words most of his treatments share
            # ('traitement', 'épisode') name none of them.
            # A dose is asked of a statement that gives one; the conversation names a drug only
            # among those ('gauche' of 'his left knee' names his offloading, which has no dose).
            dosed = [s for s in given if s.has_dose] if intents.has("dose") else given
            named = self._naming(text, given) or (self._naming(context, dosed) if context else [])
            if not named and len(knee) == 1:  # 'how was his left knee treated?'
                steps = self._steps(lambda ev: on_knee(ev) and ev.treatment is not None)
                if steps:
                    return steps, "timeline"
            return (named or given, "patient_treatment") if given else None
        if intents.has("course"):
            found = [s for s in self.facts if s.category == "course"]
            if found:
                return found, None
        if intents.has("diagnosis"):
            found = [s for s in self.facts if s.category == "diagnosis"]
            return (found, None) if found else None
        if intents.has("timeline"):
            return [st for _, st in self.events], "timeline"
        return None
