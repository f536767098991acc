"""The knowledge base's records: one pydantic model per kind of entry in ``knowledge/``.

What it does: declares a paragraph (French and English aligned one to one), a fact (one
statement of the source with the paragraphs it rests on, and a treatment's drug, dose, route
and duration), a dated step of the patient's timeline, a glossary entry, and the shape of
``facts.yaml``. Every record is frozen and forbids unknown keys, so a typo in a data file is an
error, not a silently ignored field.

What it leaves out: reading the files and wording their errors (:mod:`assistant.knowledge_validation`),
cross-file checks such as unique ids and existing sources (:func:`assistant.knowledge.load_knowledge`),
and the allowed values themselves (:mod:`assistant.knowledge_vocabulary`).
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .knowledge_vocabulary import FACT_CATEGORIES, MODALITIES, SECTIONS, TOPICS, Lang


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


Record = _Record  # public name for other data files' models (the checker's criteria)


class Bilingual(_Record):
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


class Paragraph(_Record):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    section: Literal[SECTIONS]  # type: ignore[valid-type]
    topics: tuple[Literal[TOPICS], ...] = ()  # type: ignore[valid-type]
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


class Fact(_Record):
    """One statement of the source, in both languages, with the paragraphs it rests on."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    category: Literal[FACT_CATEGORIES]  # type: ignore[valid-type]
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    modality: Literal[MODALITIES] | None = None  # type: ignore[valid-type]
    # Whom it is about when its sources do not tell: a sentence of the abstract on the patient is
    # 'case' (facts resting on the case paragraphs are the patient's anyway).
    about: Literal["case"] | None = None
    # Treatments: the international name, and dose/route/duration as written in each language.
    drug: str | None = None
    dose: Bilingual | None = None
    route: Bilingual | None = None
    duration: Bilingual | None = None

    def text(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


class TimelineEvent(_Record):
    """One dated step of the patient's course (dates ISO; approximate ones say so)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    date: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    approximate: bool = False
    episode: int = Field(ge=1)
    knee: Literal["right", "left"]
    sites: tuple[str, ...] = ()
    modality: Literal[MODALITIES] | None = None  # type: ignore[valid-type]
    finding: Bilingual | None = None
    treatment: Bilingual | None = None
    outcome: Bilingual | None = None
    sources: tuple[str, ...] = Field(min_length=1)


class GlossaryEntry(_Record):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    fr: tuple[str, ...] = Field(min_length=1)
    en: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = ()

    @field_validator("fr", "en")
    @classmethod
    def _no_blank_terms(cls, terms: tuple[str, ...]) -> tuple[str, ...]:
        if any(not t.strip() for t in terms):
            raise ValueError("a term is blank")
        return terms


class FactsFile(_Record):
    facts: tuple[Fact, ...]
    timeline: tuple[TimelineEvent, ...]
