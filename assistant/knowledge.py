"""The curated bilingual knowledge base: load it from ``knowledge/`` and validate it.

What it does: reads ``paragraphs.yaml`` (the seed restored to reading order, French
and English aligned one to one), ``facts.yaml`` (structured facts and the patient's
timeline) and ``glossary.yaml`` (FR/EN terms and synonyms), checks every entry with
pydantic (unknown keys, missing translations, duplicate ids, facts citing paragraphs
that do not exist) and returns one immutable :class:`KnowledgeBase`.

It is also the one place callers import the knowledge names from; the pieces live in
:mod:`assistant.knowledge_vocabulary` (languages, sections, topics, categories, modalities and
their labels), :mod:`assistant.knowledge_records` (the pydantic records),
:mod:`assistant.knowledge_validation` (reading YAML, error messages) and
:mod:`assistant.knowledge_paths` (the folder and the content digest).

What it leaves out: the diagnostic criteria (``criteria.yaml``) are read by the
checker, which validates their paragraph references through :meth:`KnowledgeBase.has`;
chunking and indexing live in :mod:`assistant.chunks` and :mod:`assistant.index`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

# Every name below is re-exported: callers import them from here, not from the pieces. (No
# __all__: tests/test_no_word_lists.py would read a list of these names as a list of words.)
from .knowledge_paths import DEFAULT_DIR, content_digest, knowledge_dir  # noqa: F401
from .knowledge_records import (Bilingual, Fact, FactsFile, GlossaryEntry, Paragraph, Record,  # noqa: F401
                                TimelineEvent)
from .knowledge_validation import (KnowledgeError, check_sources, check_unique, fails, read_yaml,  # noqa: F401
                                   validation_error)
from .knowledge_vocabulary import (CATEGORY_LABELS, FACT_CATEGORIES, LANGS, MODALITIES,  # noqa: F401
                                   MODALITY_LABELS, SECTION_LABELS, SECTIONS, TOPICS, Lang)

# The names the bank and the statements import for their own data files, from before the split.
_read_yaml = read_yaml
_validation_error = validation_error


@dataclass(frozen=True)
class KnowledgeBase:
    paragraphs: tuple[Paragraph, ...]
    facts: tuple[Fact, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()
    root: Path | None = None
    digest: str = ""
    _by_id: dict[str, Paragraph] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({p.id: p for p in self.paragraphs})

    def has(self, paragraph_id: str) -> bool:
        return paragraph_id in self._by_id

    def paragraph(self, paragraph_id: str) -> Paragraph:
        try:
            return self._by_id[paragraph_id]
        except KeyError:
            raise KeyError(f"no paragraph {paragraph_id!r}; known ids: {', '.join(self._by_id)}") from None

    def facts_in(self, *categories: str) -> list[Fact]:
        return [f for f in self.facts if f.category in categories]

    @cached_property
    def order(self) -> dict[str, int]:
        """Reading-order position of each paragraph id."""
        return {p.id: i for i, p in enumerate(self.paragraphs)}


def load_knowledge(root: Path | str | None = None) -> KnowledgeBase:
    """Load and validate the knowledge folder; raise :class:`KnowledgeError` on any problem."""
    root = Path(root) if root is not None else knowledge_dir()
    p_path = root / "paragraphs.yaml"
    raw = read_yaml(p_path)
    if not isinstance(raw, list):
        raise KnowledgeError(f"{p_path}: expected a list of paragraphs at the top level.")
    try:
        paragraphs = tuple(Paragraph.model_validate(x) for x in raw)
    except ValidationError as exc:
        idx = next((i for i, x in enumerate(raw) if fails(Paragraph, x)), 0)
        raise validation_error(p_path, raw, exc, (idx,)) from None
    check_unique(p_path, [p.id for p in paragraphs], "paragraph")
    known = {p.id for p in paragraphs}

    facts: tuple[Fact, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    f_path = root / "facts.yaml"
    if f_path.is_file():
        raw_f = read_yaml(f_path)
        try:
            ff = FactsFile.model_validate(raw_f)
        except ValidationError as exc:
            raise validation_error(f_path, raw_f, exc) from None
        facts, timeline = ff.facts, ff.timeline
        check_unique(f_path, [f.id for f in facts] + [t.id for t in timeline], "fact/timeline")
        for f in facts:
            check_sources(f_path, f.id, f.sources, known)
        for t in timeline:
            check_sources(f_path, t.id, t.sources, known)

    glossary: tuple[GlossaryEntry, ...] = ()
    g_path = root / "glossary.yaml"
    if g_path.is_file():
        raw_g = read_yaml(g_path)
        if not isinstance(raw_g, list):
            raise KnowledgeError(f"{g_path}: expected a list of glossary entries at the top level.")
        try:
            glossary = tuple(GlossaryEntry.model_validate(x) for x in raw_g)
        except ValidationError as exc:
            idx = next((i for i, x in enumerate(raw_g) if fails(GlossaryEntry, x)), 0)
            raise validation_error(g_path, raw_g, exc, (idx,)) from None
        check_unique(g_path, [g.id for g in glossary], "glossary")
        for g in glossary:
            check_sources(g_path, g.id, g.sources, known)

    return KnowledgeBase(paragraphs, facts, timeline, glossary, root=root, digest=content_digest(root))
