"""The question bank: how people word questions, and which entries of the source answer them.

What it does: loads ``knowledge/bank/*.yaml`` (validated like the rest of ``knowledge/``: unknown
keys, unknown labels and dangling ids fail with the file, the entry and the fix) into
:class:`BankEntry` records, and matches a question's vector against the bank's vectors (embedded
with the index's embedder at index time, see :mod:`assistant.index`). Each entry is labelled with
its language, register, whom it is about, what it asks and the fact, timeline or paragraph ids
that answer it; near-misses (``answerable: false``) say why the source does not answer and what
it says closest. The matches feed understanding (:mod:`assistant.understand`) and the calibrated
abstention (:mod:`assistant.abstain`), with their scores kept.

What it leaves out: embedding (the index does it once) and any decision taken from the matches.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field, ValidationError

from .knowledge import KnowledgeBase, KnowledgeError, Record, _read_yaml, _validation_error

ASKS = ("risk_factors", "population", "sites", "imaging_mri", "imaging_bone_scan", "imaging_dxa",
        "imaging_radiograph", "labs", "fluid_biopsy", "treatment", "dose", "duration", "course", "migration",
        "differential", "pathophysiology", "histology", "history", "definition", "names", "diagnosis",
        "timeline", "count", "value")
REASONS = ("figure", "drug", "case_detail", "site", "condition", "care", "general")
BANK_DIR = "bank"


class BankEntry(Record):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    lang: Literal["fr", "en"]
    text: str = Field(min_length=2, max_length=400)
    # 'register' in the files; another name here, since pydantic models have a .register attribute
    style: Literal["clinician", "trainee", "lay", "typo"] = Field(alias="register")
    about: Literal["disease", "case", "asker"]
    asks: tuple[Literal[ASKS], ...] = Field(default=(), max_length=3)  # type: ignore[valid-type]
    answers: tuple[str, ...] = ()
    answerable: bool = True
    reason: Literal[REASONS] | None = None  # type: ignore[valid-type]
    closest: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        """The question this entry rewords: ``n-fig-001-p2`` rewords ``n-fig-001`` (its own id otherwise)."""
        return re.sub(r"-p\d+$", "", self.id)


class _BankFile(Record):
    questions: tuple[BankEntry, ...]


def bank_files(root: Path) -> list[Path]:
    return sorted((Path(root) / BANK_DIR).glob("*.yaml"))


def bank_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in bank_files(root):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def load_bank(kb: KnowledgeBase) -> tuple[BankEntry, ...]:
    """All bank entries of ``kb.root``, checked against the knowledge base's ids."""
    if kb.root is None:
        return ()
    known = {p.id for p in kb.paragraphs} | {f.id for f in kb.facts} | {t.id for t in kb.timeline}
    entries: list[BankEntry] = []
    seen: dict[str, Path] = {}
    for path in bank_files(kb.root):
        raw = _read_yaml(path)
        try:
            entries_here = _BankFile.model_validate(raw).questions
        except ValidationError as exc:
            raise _validation_error(path, raw, exc) from None
        for e in entries_here:
            if e.id in seen:
                raise KnowledgeError(f"{path}: bank id {e.id!r} is also used in {seen[e.id]}; give it a new id.")
            seen[e.id] = path
            if e.answerable and not e.answers:
                raise KnowledgeError(f"{path}: entry id={e.id!r} is answerable but lists no `answers`; add the "
                                     "fact, timeline or paragraph ids that answer it, or set `answerable: false`.")
            if not e.answerable and e.reason is None:
                raise KnowledgeError(f"{path}: near-miss id={e.id!r} has no `reason`; use one of {', '.join(REASONS)}.")
            for ref in e.answers + e.closest:
                if ref not in known:
                    raise KnowledgeError(f"{path}: entry id={e.id!r} cites {ref!r}, which is no paragraph, fact or "
                                         "timeline id of knowledge/; fix the id.")
            entries.append(e)
    return tuple(entries)


@dataclass(frozen=True)
class Match:
    entry: BankEntry
    sim: float


class Bank:
    """The bank's entries and their (L2-normalised) vectors, row for row."""

    def __init__(self, entries: tuple[BankEntry, ...], vectors: np.ndarray | None, adapter=None) -> None:
        self.entries = entries
        dim = vectors.shape[1] if vectors is not None and vectors.ndim == 2 else 0
        # ``vectors``: the embedder's own space (compared with passages); ``space``: the bank adapter's
        # (compared with questions), the same vectors when there is no adapter.
        self.vectors = vectors if vectors is not None and len(vectors) == len(entries) else \
            np.zeros((len(entries), dim), dtype="float32")
        self.adapter = adapter
        self.space = adapter.apply(self.vectors) if adapter is not None and len(self.vectors) else self.vectors
        self.answerable = np.array([e.answerable for e in entries], dtype=bool)

    def __len__(self) -> int:
        return len(self.entries)

    def sims(self, qvec: np.ndarray) -> np.ndarray:
        """Cosines of a question's (embedder) vector with every bank question, in the adapter's space."""
        if not len(self.entries):
            return np.zeros(0, dtype="float32")
        q = np.asarray(qvec, dtype="float32")
        return self.space @ (self.adapter.apply(q) if self.adapter is not None else q)

    def match(self, qvec: np.ndarray | None = None, k: int = 8, sims: np.ndarray | None = None,
              exclude: np.ndarray | None = None) -> list[Match]:
        """The ``k`` nearest entries, best first; ``exclude`` masks rows out (leave-one-out fits)."""
        s = self.sims(qvec) if sims is None else sims
        if not len(s):
            return []
        if exclude is not None:
            s = np.where(exclude, -9.0, s)
        top = np.argsort(-s)[:k]
        return [Match(self.entries[i], float(s[i])) for i in top if s[i] > -9.0]
