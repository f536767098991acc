"""Tests of understanding use their own phrasings: no test string repeats a question of evals/ word for word."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from assistant.text import fold

REPO = Path(__file__).resolve().parent.parent


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", fold(text)).split())


def _phrasing(text: str) -> bool:
    """A question as a test would word it: a label or a field value ('risk_factors', 'bilateral',
    'facteurs de risque') is not one, even where a terse evaluation question is the same words."""
    return len(text) > 8 and (text.rstrip().endswith("?") or len(text.split()) >= 4)


def test_no_test_replays_an_evaluation_question():
    asked = set()
    for path in (REPO / "evals").glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                for q in [row.get("question"), row.get("text")] + [t.get("question") for t in row.get("turns", [])]:
                    if q:
                        asked.add(_norm(q))
    replays = [f"{p.name}:{n.lineno}" for p in sorted((REPO / "tests").glob("*.py"))
               for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
               if isinstance(n, ast.Constant) and isinstance(n.value, str) and _phrasing(n.value)
               and _norm(n.value) in asked]
    assert not replays, f"test strings identical to evaluation questions (tuning-set replays): {replays}"
