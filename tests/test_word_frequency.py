"""How common a word is: a typo of a common word is ordinary, a rare real word is a subject."""
from __future__ import annotations

import pytest

from assistant.word_frequency import ordinary


@pytest.mark.parametrize("lang, word", [("en", "folow"), ("en", "sympton"), ("fr", "douleure"), ("en", "knee")])
def test_typos_of_common_words_are_ordinary(lang, word):
    assert ordinary(word, lang)


@pytest.mark.parametrize("lang, word", [("en", "paget"), ("en", "denosumab"), ("fr", "zoledronique"),
                                        ("en", "teriparatide")])
def test_rare_real_words_are_subjects(lang, word):
    """'Paget' is 'page' one letter off, but a real name a few hundred times rarer, not its typo."""
    assert not ordinary(word, lang)


@pytest.mark.parametrize("lang, q", [("en", "What did the MRI of June 2018 show?"),
                                     ("fr", "Que montrait l'IRM de juin 2018 ?")])
def test_a_month_is_no_subject_the_source_lacks(assistant, lang, q):
    unknown_share, _ = assistant.scope.signals(q, lang)
    assert unknown_share == 0.0
