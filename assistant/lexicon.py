"""The words that understand a question, one data file per language: ``assistant/lang/<xx>/understand.yaml``.

What it does: reads every language's file once (pydantic: unknown keys are errors, every key is
required, patterns must compile), merges the languages present (a question may mix them, so
matching uses their union) and gives the modules their cue lists, word sets and regex
alternatives. Adding a language is adding its file. The terms of this one document (the
patient's initials, his dates) are derived from ``knowledge/`` by :mod:`assistant.document_terms`.

What it leaves out: what the words mean (the modules that match them), answer phrases
(:mod:`assistant.phrases`) and the checker's data (:mod:`assistant.checker.lang`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

LANG_DIR = Path(__file__).resolve().parent / "lang"
FILE = "understand.yaml"
FALLBACK = "en"  # the language an unknown language code is stemmed as (detect_language's default too)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Side = Literal["right", "left"]
FigureKind = Literal["count", "percent", "dose", "duration", "value", "date"]
UnitKind = Literal["percent", "dose", "duration"]


class LexiconError(ValueError):
    """A language file is missing or invalid; the message names the file and the fix."""


def _compiles(items: list[str]) -> list[str]:
    for p in items:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"pattern {p!r} does not compile ({exc})") from None
    return items


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hint(_Strict):
    """A regex over the lower-cased text; each match adds ``weight`` to the language's score."""
    pattern: str
    weight: float

    @field_validator("pattern")
    @classmethod
    def check_pattern(cls, v: str) -> str:
        return _compiles([v])[0]


class TopicName(_Strict):
    """The disease's own name, as a question writes it (literal folded words)."""
    qualifiers: list[str]
    joiners: list[str]
    nouns: list[str]
    noun_typos: list[str]
    places: list[str]
    determiners: list[str]
    references: list[str]
    syndromes: list[str]  # regex patterns
    abbreviations: list[str]

    @field_validator("syndromes")
    @classmethod
    def check_patterns(cls, v: list[str]) -> list[str]:
        return _compiles(v)


class SubjectWords(_Strict):
    """Regex alternatives (folded text) telling whom a question is about; see subject.py."""
    patient_named: list[str]
    patients_plural: list[str]
    others_patient: list[str]
    general: list[str]
    asker: list[str]
    person_pronouns: list[str]
    pronoun_patterns: list[str]
    inversion: list[str]
    impersonal: list[str]
    noun_first: list[str]
    past_tense: list[str]
    literature: list[str]

    @field_validator("*")
    @classmethod
    def check_patterns(cls, v: list[str]) -> list[str]:
        return _compiles(v)


class Ordinals(_Strict):
    """Regex alternatives for 'the first / second / third / last' (checked in that order)."""
    first: list[str]
    second: list[str]
    third: list[str]
    last: list[str]

    @field_validator("*")
    @classmethod
    def check_patterns(cls, v: list[str]) -> list[str]:
        return _compiles(v)


class Understand(_Strict):
    """One language's file. Words are folded (lower case, no accents) unless said otherwise."""
    stemmer: str
    # text.py
    stop_words: list[str]
    language_markers: list[str]
    language_hints: list[Hint]
    sentence_abbreviations: list[str]  # as written (case kept), without the final period
    months: dict[str, int]
    day_suffixes: list[str]
    topic_name: TopicName
    # intents.py
    intent_cues: dict[str, list[str]]
    shape_words: list[str]
    definition_fillers: list[str]
    # conversation.py
    followup_openers: list[str]
    pronouns: list[str]
    # subject.py
    subject: SubjectWords
    # patient.py
    ordinals: Ordinals
    sides: dict[Side, list[str]]
    knee_phrases: dict[Side, list[str]]
    episode_words: list[str]
    # scope.py
    everyday: list[str]
    request_verbs: list[str]
    body: list[str]
    other_sites: list[str]
    other_conditions: list[str]
    uncovered_subjects: list[str]
    kind_prefixes: list[str]
    value_phrases: list[str]
    # figures.py: what kind of figure a question asks for (literal folded phrases), the units that
    # say a figure of that kind, and numbers written as words
    asked_figures: dict[FigureKind, list[str]]
    figure_units: dict[UnitKind, list[str]]
    number_words: list[str]
    patient_markers: list[str]
    disease_words: list[str]
    # what finds the document's own terms in knowledge/
    patient_titles: list[str]
    age_suffixes: list[str]

    @field_validator("stemmer")
    @classmethod
    def check_stemmer(cls, v: str) -> str:
        import Stemmer  # PyStemmer

        if v not in Stemmer.algorithms():
            raise ValueError(f"no Snowball stemmer {v!r}; one of {', '.join(Stemmer.algorithms())}")
        return v

    @field_validator("months")
    @classmethod
    def check_months(cls, v: dict[str, int]) -> dict[str, int]:
        bad = [k for k, n in v.items() if not 1 <= n <= 12]
        if bad:
            raise ValueError(f"month numbers must be 1-12: {bad}")
        return v

    @field_validator("episode_words")
    @classmethod
    def check_patterns(cls, v: list[str]) -> list[str]:
        return _compiles(v)


def languages(root: Path | str = LANG_DIR) -> list[str]:
    """The language codes that have an understanding file under ``root``, sorted."""
    return sorted(p.parent.name for p in Path(root).glob(f"*/{FILE}"))


@lru_cache(maxsize=None)
def load_language(lang: str, root: Path | str = LANG_DIR) -> Understand:
    path = Path(root) / lang / FILE
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        return Understand.model_validate(raw)
    except OSError:
        raise LexiconError(f"no understanding words for language {lang!r}: add {path}") from None
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: not valid YAML ({exc}); fix the syntax at the line shown.") from None
    except ValidationError as exc:
        errs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:8])
        raise LexiconError(f"{path}: invalid ({errs}); every language file has the keys of "
                           f"{Path(root) / 'en' / FILE}.") from None


def alternation(items, literal: bool = True) -> str:
    """``(?:a|b|c)`` of the items: escaped and longest first when ``literal``, as given when they are
    patterns; a group that never matches when there are none."""
    items = list(dict.fromkeys(items))
    if not items:
        return "(?!)"
    if literal:
        items = [re.escape(i) for i in sorted(items, key=len, reverse=True)]
    return "(?:" + "|".join(items) + ")"


@dataclass(frozen=True)
class Lexicon:
    """Every language's words, merged. ``union``/``listed`` take a dotted key such as 'subject.asker'."""
    by_lang: dict[str, Understand]

    def _get(self, u: Understand, key: str):
        for part in key.split("."):
            u = getattr(u, part)
        return u

    def listed(self, key: str) -> tuple[str, ...]:
        """The entries of ``key`` in every language, first occurrence kept."""
        return tuple(dict.fromkeys(w for u in self.by_lang.values() for w in self._get(u, key)))

    def union(self, key: str) -> frozenset[str]:
        return frozenset(self.listed(key))

    def of(self, lang: str) -> Understand:
        return self.by_lang[lang]

    def stemmer(self, lang: str) -> str:
        u = self.by_lang.get(lang) or self.by_lang.get(FALLBACK) or next(iter(self.by_lang.values()))
        return u.stemmer

    @cached_property
    def intent_cues(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, dict[str, None]] = {}
        for u in self.by_lang.values():
            for intent, cues in u.intent_cues.items():
                out.setdefault(intent, {}).update(dict.fromkeys(cues))
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def months(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for lang, u in self.by_lang.items():
            for name, n in u.months.items():
                if out.setdefault(name, n) != n:
                    raise LexiconError(f"month {name!r} is {out[name]} in one language and {n} in {lang}'s {FILE}.")
        return out

    def keyed(self, key: str) -> dict[str, tuple[str, ...]]:
        """A mapping key (sides, knee_phrases) merged: name -> entries of every language."""
        out: dict[str, dict[str, None]] = {}
        for u in self.by_lang.values():
            for name, items in self._get(u, key).items():
                out.setdefault(name, {}).update(dict.fromkeys(items))
        return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=None)
def lexicon(root: Path | str = LANG_DIR) -> Lexicon:
    """The merged words of every language file under ``root`` (cached; pass a folder in tests)."""
    langs = languages(root)
    if not langs:
        raise LexiconError(f"no {FILE} under {root}: each language needs assistant/lang/<xx>/{FILE}.")
    return Lexicon({lang: load_language(lang, Path(root)) for lang in langs})
