"""How common a word is in everyday language (wordfreq), for telling a subject from an ordinary word.

What it does: the Zipf frequency of a word in a language, whether a word is ordinary (common, or
a typo of a common word of any of tmo's languages) and each folded word's form as typed (accents
matter for French frequencies). Without wordfreq every word looks common.

What it leaves out: the source's own vocabulary and every decision taken from these numbers
(:mod:`assistant.scope`).
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache

from .lexicon import lexicon
from .text import fold, words

ORDINARY_ZIPF = 3.0  # wordfreq Zipf scale: 3 = once per million words
# A rare word a thousandfold less frequent than a close common word is that word mistyped
# ('folow', 1.3 against 'follow', 5.1); 'Paget' (2.7 against 'page', 5.1) is a name of its own.
TYPO_GAP = 3.0


def original_forms(question: str) -> dict[str, str]:
    """Folded word -> the word as typed (accents matter for French word frequencies)."""
    out = {}
    for raw in re.findall(r"[\w'-]+", question.lower()):
        for part in re.split(r"['-]", raw):
            for w in words(part):
                out.setdefault(w, part)
    return out


@lru_cache(maxsize=4096)
def zipf(word: str, lang: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # without frequencies every word looks common: no anchor from rarity
        return 8.0
    return zipf_frequency(word, lang)


@lru_cache(maxsize=4096)
def ordinary(word: str, lang: str) -> bool:
    """Common in everyday ``lang``, or a typo of a common word ('initial', 'taux', 'bloood')."""
    z = zipf(word, lang)  # without wordfreq every word looks common, so none is called foreign
    if z >= ORDINARY_ZIPF:
        return True
    if len(word) < 5:
        return False
    common = _common_words()
    close = difflib.get_close_matches(word, common.get(word[0], ()), n=1, cutoff=0.85)
    # A real but rare word is a subject of its own ('pamidronate'), unless a common word one
    # letter away is far more frequent: then it is that word mistyped ('folow', 'sympton').
    return bool(close) and (z == 0 or zipf(close[0], lang) >= z + TYPO_GAP)


@lru_cache(maxsize=1)
def _common_words() -> dict[str, tuple[str, ...]]:
    from wordfreq import top_n_list

    by_initial: dict[str, list[str]] = {}
    for lang in lexicon().by_lang:
        for w in top_n_list(lang, 30000):
            if len(w) >= 4:
                by_initial.setdefault(fold(w)[:1], []).append(fold(w))
    return {k: tuple(v) for k, v in by_initial.items()}
