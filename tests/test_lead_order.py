"""The bank's lead statements are shown in the order the question itself is closest to them."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.answer import Composer
from assistant.statements import Statement


def _st(i: int, src: str = "p-1") -> Statement:
    return Statement(id=f"s{i}", category="course", modality=None, fr=f"fr {i}", en=f"en {i}",
                     sources=(src,), is_case=False)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_closest_statement_leads(lang):
    chosen = [_st(0), _st(1), _st(2)]
    row_of = {f"p-1:{lg}:f:s{i}": 2 * i + (lg == "en") for i in range(3) for lg in ("fr", "en")}
    dense = np.zeros(6, dtype="float32")
    dense[row_of[f"p-1:{lang}:f:s2"]] = 0.9   # the question is closest to the third one
    dense[row_of[f"p-1:{lang}:f:s0"]] = 0.5
    lex = np.zeros(6, dtype="float32")
    order = [s.id for s in Composer._by_question(chosen, (dense, lex), row_of)]
    assert order == ["s2", "s0", "s1"]


def test_words_break_a_tie_of_meaning():
    chosen = [_st(0), _st(1)]
    row_of = {"p-1:fr:f:s0": 0, "p-1:fr:f:s1": 1}
    dense = np.array([0.8, 0.8], dtype="float32")
    lex = np.array([0.0, 5.0], dtype="float32")
    assert [s.id for s in Composer._by_question(chosen, (dense, lex), row_of)] == ["s1", "s0"]


def test_a_statement_without_a_view_goes_last():
    chosen = [_st(0), _st(1)]
    row_of = {"p-1:en:f:s1": 0}
    dense, lex = np.array([0.1], dtype="float32"), np.array([0.0], dtype="float32")
    assert [s.id for s in Composer._by_question(chosen, (dense, lex), row_of)] == ["s1", "s0"]
