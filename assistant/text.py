"""Text utilities shared by retrieval, answering and evaluation: folding, tokens, stems, language.

What it does: accent and ligature folding (``œ`` -> ``oe``), word tokenisation, Snowball
stemming per language (PyStemmer), stop words, sentence splitting that knows abbreviations,
a small, deterministic language detector, the disease's own name and dates. Every word of a
language (stop words, markers, abbreviations, months, the disease's name) comes from
``assistant/lang/<xx>/understand.yaml`` through :mod:`assistant.lexicon`.

What it leaves out: anything model-based. The detector scores function words and language
hints (accents, elisions); it is fast and explainable, and only has to tell the languages apart.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .lexicon import alternation, lexicon

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "ʼ": "'", "‘": "'"})
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?")
_LEX = lexicon()

STOP_FR = frozenset(_LEX.of("fr").stop_words) if "fr" in _LEX.by_lang else frozenset()
STOP_EN = frozenset(_LEX.of("en").stop_words) if "en" in _LEX.by_lang else frozenset()
STOPWORDS = _LEX.union("stop_words")

# Function words that tell the languages apart (folded, lower case), per language.
_MARKERS = {lang: frozenset(u.language_markers) for lang, u in _LEX.by_lang.items()}
_HINTS = {lang: [(re.compile(h.pattern), h.weight) for h in u.language_hints] for lang, u in _LEX.by_lang.items()}


# Remembered, bounded: one question folds and tokenises the same source sentences many times
# over (scope, intents, quotes; 59,000 folds for 100 questions, a fifth of ask()'s Python time).
# lru_cache is thread-safe; the results are immutable (``words`` hands out a fresh list).
_TEXT_CACHE = 8192


@lru_cache(maxsize=_TEXT_CACHE)
def fold(text: str) -> str:
    """Lower-case, strip accents, expand ligatures: 'Œdème Épiphysaire' -> 'oedeme epiphysaire'."""
    text = text.translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=_TEXT_CACHE)
def _words(text: str) -> tuple[str, ...]:
    return tuple(w.replace(",", ".") for w in _WORD.findall(fold(text).replace("'", " ")))


def words(text: str) -> list[str]:
    """Folded word tokens; decimals like 26,1 stay whole and are written with a point."""
    return list(_words(text))


@lru_cache(maxsize=8)
def _stemmer(lang: str):
    import Stemmer  # PyStemmer: C Snowball stemmers, imported once

    return Stemmer.Stemmer(_LEX.stemmer(lang))


def stems(text: str, lang: str, keep_stopwords: bool = False) -> list[str]:
    """Content-word stems of ``text`` with the Snowball stemmer of ``lang``."""
    toks = [w for w in words(text) if keep_stopwords or (w not in STOPWORDS and len(w) > 1 or w.isdigit())]
    return _stemmer(lang).stemWords(toks)


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and (len(w) > 2 or w.isdigit())]


def prefixes(text: str) -> set[str]:
    """The content words cut to five letters: a crude stem shared by both languages' inflections."""
    return {w[:5] for w in content_words(text)}


_ABBREV = re.compile(r"\b" + alternation(_LEX.listed("sentence_abbreviations")) + r"\.$")


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (keeps 'M. CM', '26,1', 'Figures 1 et 2)' intact)."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-ÝŒ(«\"])", text.strip())
    out: list[str] = []
    for part in parts:
        if out and _ABBREV.search(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return [s for s in out if s]


def detect_language(
    text: str, default: str = "en", vocab: tuple[frozenset[str], frozenset[str]] | None = None
) -> str:
    """The language of ``text`` from its function words, the language hints of each language file
    (accents, elisions) and, when given, words found only in one language of the knowledge base
    (``vocab`` = (fr_only, en_only)); ``default`` when no language scores highest alone."""
    raw = text.lower()
    toks = words(raw)
    extra = dict(zip(("fr", "en"), vocab)) if vocab is not None else {}
    score: dict[str, float] = {}
    for lang, markers in _MARKERS.items():
        s = sum(1 for t in toks if t in markers)
        if vocab is not None:
            s += 0.75 * sum(1 for t in toks if t in extra.get(lang, ()))
        for pattern, weight in _HINTS[lang]:
            s += weight * len(pattern.findall(raw))
        score[lang] = s
    top = max(score.values())
    best = [lang for lang, s in score.items() if s == top]
    return best[0] if len(best) == 1 else default


def _topic_name() -> re.Pattern:
    """The disease's own name: qualified ('ostéoporose transitoire migrante', 'transient osteoporosis
    of the knee'), referred to ('cette maladie', 'this condition'), a syndrome name or an abbreviation."""
    def alt(key: str, literal: bool = True) -> str:
        return alternation(_LEX.listed(f"topic_name.{key}"), literal)

    qual, noun = alt("qualifiers"), alt("nouns")
    any_noun = alternation(_LEX.listed("topic_name.nouns") + _LEX.listed("topic_name.noun_typos"))
    return re.compile(
        rf"\b(?:(?:{qual}|{alt('joiners')})\s+)*{qual}\s+(?:{qual}\s+)*{any_noun}"
        rf"(?:\s+{qual})*(?:\s+{alt('places')})?\b"
        rf"|\b{noun}\s+{qual}(?:\s+{qual})*\b"
        rf"|\b{alt('determiners')}\s+{alt('references')}\b"
        rf"|\b{alt('syndromes', literal=False)}\b"
        rf"|\b{alt('abbreviations')}\b")


_TOPIC_NAME = _topic_name()


def _fold_map(text: str) -> tuple[str, list[int]]:
    """Folded text and, for each folded character, the index of the original character."""
    out, where = [], []
    for i, ch in enumerate(text):
        for f in fold(ch):
            out.append(f)
            where.append(i)
    return "".join(out), where


def names_topic(text: str) -> bool:
    """Whether the text names the disease itself ('ostéoporose transitoire', 'this condition')."""
    return bool(_TOPIC_NAME.search(fold(text)))


def strip_topic_name(text: str) -> str:
    """Drop the disease's own name ('transient migratory osteoporosis', 'cette maladie'):
    every passage of this single-topic source is about it, so it only adds noise to matching.
    Accents and case of the rest are kept; the text is returned whole when nothing else is left."""
    folded, where = _fold_map(text)
    keep = [True] * len(text)
    for m in _TOPIC_NAME.finditer(folded):
        if m.end() > m.start():
            for i in range(where[m.start()], where[m.end() - 1] + 1):
                keep[i] = False
    rest = " ".join("".join(ch if k else " " for ch, k in zip(text, keep)).split())
    return rest if content_words(rest) else " ".join(text.split())


_MONTHS = _LEX.months
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_SUFFIX = alternation(_LEX.listed("day_suffixes"))


def iso_dates(text: str) -> list[str]:
    """Dates written the French or English way, in the ISO form the knowledge base uses:
    '8 février 2018' -> '2018-02-08', 'June 2018' -> '2018-06', '9/3/2018' -> '2018-03-09'
    (day first, as the source writes them)."""
    f = fold(text)
    out = []
    for d, mth, y in re.findall(rf"\b(\d{{1,2}}){_DAY_SUFFIX}?\s+({_MONTH_RE})\.?\s+(\d{{4}})\b", f):
        out.append(f"{y}-{_MONTHS[mth]:02d}-{int(d):02d}")
    for mth, d, y in re.findall(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", f):
        out.append(f"{y}-{_MONTHS[mth]:02d}-{int(d):02d}")
    for mth, y in re.findall(rf"\b({_MONTH_RE})\.?\s+(\d{{4}})\b", f):
        out.append(f"{y}-{_MONTHS[mth]:02d}")
    for d, m, y in re.findall(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b", f):
        if 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
            out.append(f"{y}-{int(m):02d}-{int(d):02d}")
    return list(dict.fromkeys(out))


# --- shared with the checker ---
# Free-text case notes need two things the functions above do not give: where each folded character
# came from (to quote the note back), and sentence spans that also break on ';', new lines and
# bullets. Both reuse fold(); the extra map below only straightens typography fold() leaves alone
# (dashes, odd spaces, comparison signs, the micro sign NFKD would turn into a Greek mu).
_TYPO = {"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "ß": "ss", "×": "x", "≥": ">", "≤": "<", "µ": "u", "`": "'"}


def fold_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` character by character, and for each folded character its index in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        f = fold(_TYPO.get(ch, ch))
        out.append(f)
        where.extend([i] * len(f))
    return "".join(out), where


_SPAN_ABBREV = r"(?<!\bm)(?<!\bmr)(?<!\bmrs)(?<!\bdr)(?<!\bpr)(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)(?<!\bcf)(?<!\bfig)(?<!\bmme)(?<!\bmlle)(?<!\bst)"
_SPAN_END = re.compile(_SPAN_ABBREV + r"[.!?]+(?=\s+|$)|[;\n]+|(?<=\S)\s+-\s+(?=[a-z])|\s•\s")


def sentence_spans(folded: str) -> list[tuple[int, int]]:
    """Sentence spans of a folded note: split on . ! ? (not after 'M.', 'Dr', 'e.g', nor inside '26,1'),
    on ';', new lines, a spaced dash before a lower-case word, and bullets; blank spans dropped."""
    spans = []
    start = 0
    for m in _SPAN_END.finditer(folded):
        # a question mark stays in its sentence: "fièvre ?" is a question about fever (a hypothesis cue)
        end = m.start() + 1 if m.group(0).startswith("?") else m.start()
        if end > start:
            spans.append((start, end))
        start = m.end()
    if start < len(folded):
        spans.append((start, len(folded)))
    return [(a, b) for a, b in spans if folded[a:b].strip()]
