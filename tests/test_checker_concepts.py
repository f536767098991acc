"""Tests generated from the concepts' example sentences, in every language with checker data.

Each concept of ``assistant/lang/<xx>/checker_concepts.yaml`` carries sentences that state it
(positive), deny it (negated), raise it as a hypothesis, tell it of a relative (family) or of the
past (history). Each sentence is read by the free-text extractor alone and must set the concept's
field to its ``yes`` value (positive; history when the concept counts the history), to its ``no``
value or the finding's ``absent`` list (negated), and never to ``yes`` otherwise. A concept may say
which field and value to look at instead (``examples.expect``), when a handler gives it another
meaning (a fracture told as an event is a trauma).
"""
from __future__ import annotations

from typing import Any

import pytest

from assistant.checker import lang
from assistant.checker.extract import extract

KINDS = ("positive", "negated", "hypothetical", "family", "history")


def _values(case, path: str) -> list[Any]:
    """Values at a dotted path, in the case and in every episode."""
    data = case.model_dump()
    out = []
    for root in [data] + list(data.get("episodes") or []):
        node: Any = root
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            out.append(node)
    return out


def _has(case, path: str, value: Any) -> bool:
    return any(v == value or (isinstance(v, list) and value in v) for v in _values(case, path))


def _rows():
    rows = []
    for code in lang.languages():
        for c in lang.concepts(code).concepts:
            for kind in KINDS:
                for text in getattr(c.examples, kind):
                    rows.append(pytest.param(code, c, kind, text, id=f"{code}-{c.id}-{kind}"))
    return rows


@pytest.mark.parametrize("code, c, kind, text", _rows())
def test_example_sentence(code, c, kind, text):
    case, _ = extract(text, code)
    expect = (c.examples.expect or {}).get(kind)
    if expect:
        for path, value in expect.items():
            if path == "not":  # {not: {field: value}}: the sentence must not set it
                for p, v in value.items():
                    assert not _has(case, p, v), f"{text!r} ({kind}) must not set {p} = {v!r}"
            else:
                assert _has(case, path, value), f"{text!r}: expected {path} = {value!r}, got {_values(case, path)}"
        return
    if kind == "positive" or (kind == "history" and c.history):
        assert _has(case, c.field, c.yes), f"{text!r}: expected {c.field} = {c.yes!r}, got {_values(case, c.field)}"
    elif kind == "negated" and c.no is not None:
        assert _has(case, c.field, c.no), f"{text!r}: expected {c.field} = {c.no!r}, got {_values(case, c.field)}"
    elif kind == "negated" and c.field.endswith("findings"):
        absent = c.field[: -len("findings")] + "absent"
        assert _has(case, absent, c.yes), f"{text!r}: expected {c.yes!r} in {absent}, got {_values(case, absent)}"
    else:
        assert not _has(case, c.field, c.yes), f"{text!r} ({kind}) must not set {c.field} = {c.yes!r}"


def test_every_concept_has_a_positive_or_history_example_in_every_language():
    for code in lang.languages():
        for c in lang.concepts(code).concepts:
            assert c.examples.positive or c.examples.history, f"{code}: concept {c.id!r} has no example sentence"


def test_concepts_mean_the_same_in_every_language():
    meanings = [{c.id: c.meaning() for c in lang.concepts(code).concepts} for code in lang.languages()]
    assert all(m == meanings[0] for m in meanings)
    assert lang.all_concepts()  # the loader agrees (it raises on a mismatch)
