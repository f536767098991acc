"""Statements: the structured facts and the patient's timeline as one list the answerer can pick from.

What it does: wraps each :class:`~assistant.knowledge.Fact` and
:class:`~assistant.knowledge.TimelineEvent` in a :class:`Statement` with its category, modality,
sources, bilingual text and whether it is about the reported patient.
What it leaves out: ranking (done in :mod:`assistant.answer` with retrieval scores).
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from .knowledge import MODALITY_LABELS, Bilingual, KnowledgeBase, KnowledgeError, _read_yaml, _validation_error

SHORT_FILE = "short.yaml"

CASE_SECTIONS = ("case", "figures")

_KNEE = {"right": {"fr": "genou droit", "en": "right knee"}, "left": {"fr": "genou gauche", "en": "left knee"}}


@dataclass(frozen=True)
class Statement:
    id: str
    category: str  # a fact category, or "timeline"
    modality: str | None
    fr: str
    en: str
    sources: tuple[str, ...]
    is_case: bool
    drug: str | None = None
    has_dose: bool = False
    has_duration: bool = False
    order: int = 0  # reading order of the first source, then file order
    short_fr: str = ""  # a short label in the fact's own words (knowledge/short.yaml), for one-line lists
    short_en: str = ""

    def text(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en

    def short(self, lang: str) -> str:
        """The short label, or the whole text when the fact has none."""
        return (self.short_fr if lang == "fr" else self.short_en) or self.text(lang)

    @property
    def has_short(self) -> bool:
        return bool(self.short_fr and self.short_en)


def _numeric(value) -> bool:
    """A dose or duration counts only with a figure ('empirical doses' is no dose)."""
    return value is not None and any(ch.isdigit() for ch in value.en)


def load_short_labels(kb: KnowledgeBase) -> dict[str, Bilingual]:
    """``knowledge/short.yaml``: fact or timeline event id -> short FR/EN label (optional file; ids checked)."""
    path = kb.root / SHORT_FILE if kb.root else None
    if path is None or not path.is_file():
        return {}
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{path}: expected a mapping of fact id -> {{fr: ..., en: ...}}.")
    known = {f.id for f in kb.facts} | {ev.id for ev in kb.timeline}
    out = {}
    for fid, label in raw.items():
        if fid not in known:
            raise KnowledgeError(f"{path}: {fid!r} is no fact or timeline id of facts.yaml; fix the id or remove "
                                 "the entry.")
        try:
            out[fid] = Bilingual.model_validate(label)
        except ValidationError as exc:
            raise _validation_error(path, raw, exc, (fid,)) from None
    return out


def build_statements(kb: KnowledgeBase) -> list[Statement]:
    out: list[Statement] = []
    short = load_short_labels(kb)
    for n, f in enumerate(kb.facts):
        is_case = f.category == "patient_treatment" or f.about == "case" or all(
            kb.paragraph(s).section in CASE_SECTIONS for s in f.sources)
        out.append(Statement(f.id, f.category, f.modality, f.fr, f.en, f.sources, is_case, f.drug,
                             _numeric(f.dose), _numeric(f.duration),
                             kb.order[f.sources[0]] * 1000 + n,
                             short[f.id].fr if f.id in short else "", short[f.id].en if f.id in short else ""))
    for n, ev in enumerate(kb.timeline):
        texts, labels = {}, {}
        for lang in ("fr", "en"):
            date = ev.date + (" (~)" if ev.approximate else "")
            parts = [x.get(lang) for x in (ev.finding, ev.treatment, ev.outcome) if x]
            mod = MODALITY_LABELS.get(ev.modality or "", {}).get(lang)
            where = f"{_KNEE[ev.knee][lang]}" + (f", {mod}" if mod else "")
            head = f"{date}, {where} : " if lang == "fr" else f"{date}, {where}: "
            texts[lang] = head + " ".join(parts)
            # When and where stay in front of the short label: 'his second bone scan' is told by its date.
            labels[lang] = head + short[ev.id].get(lang) if ev.id in short else ""
        out.append(Statement(ev.id, "timeline", ev.modality, texts["fr"], texts["en"], ev.sources, True,
                             order=100_000 + n, short_fr=labels["fr"], short_en=labels["en"]))
    return out
