"""What a note says, as it is read: case-level values and the quoted mention each one came from.

What it does: holds the annotated note (:class:`~assistant.checker.context.Annotator`), the case fields
set so far, and the provenance of every value (the mentions used, and those ignored with their
negation / hypothesis / family / history flags); :meth:`Notes.set_case` keeps the first value, except
that an asserted ``True`` beats a ``False`` and ``mode="max"`` keeps the highest number.

What it leaves out: episode fields (:mod:`.episodes`) and deciding what a phrase means (:mod:`.handlers`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .context import Annotator, Flags


@dataclass
class Mention:
    """One phrase of the text, what it set (or would have set), and its context flags."""

    field: str
    value: Any
    start: int
    end: int
    text: str
    negated: bool = False
    hypothetical: bool = False
    family: bool = False
    history: bool = False
    concept: str = ""


@dataclass
class Provenance:
    """Where extracted values came from: field path -> text mentions (used and ignored)."""

    used: dict[str, list[Any]] = field(default_factory=dict)
    ignored: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Notes:
    def __init__(self, text: str):
        self.ann = Annotator(text)
        self.f = self.ann.folded
        self.data: dict[str, Any] = {}
        self.prov = Provenance()

    def flags(self, s: int, e: int) -> Flags:
        return self.ann.flags(s, e)

    def mention(self, path: str, value: Any, s: int, e: int, fl: Flags, concept: str) -> Mention:
        a, b, quote = self.ann.original(s, e)
        return Mention(path, value, a, b, quote, fl.negated, fl.hypothetical, fl.family, fl.history, concept)

    def ignore(self, m: Mention) -> None:
        self.prov.ignored.append(m)

    def set_case(self, path: str, value: Any, m: Mention, mode: str = "true_wins") -> None:
        node = self.data
        parts = path.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        key = parts[-1]
        old = node.get(key)
        if old is None or (mode == "true_wins" and value is True and old is False) or \
                (mode == "max" and isinstance(value, (int, float)) and value > old):
            node[key] = value
        self.prov.used.setdefault(path, []).append(m)
