"""Text utilities shared by retrieval, answering and evaluation: folding, tokens, stems, language.

What it does: accent and ligature folding (``œ`` -> ``oe``), word tokenisation, Snowball
stemming per language (PyStemmer), stop-word lists, sentence splitting that knows French
and English abbreviations, and a small, deterministic FR/EN language detector.

What it leaves out: anything model-based. The detector scores function words and
accents; it is fast and explainable, and only has to tell French from English.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "ʼ": "'", "‘": "'"})
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?")

STOP_FR = frozenset(
    """a au aux avec ce ces cet cette dans de des du elle en et est etre il ils je la le les leur lui ma mais me
    meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une
    vos votre vous c d j l m n s t y ete etait sont quel quelle quels quelles quoi comment pourquoi quand combien
    est-ce ce cela ca y-a-t-il il-y-a peut peuvent fait faire avoir ont a-t-il chez lors apres avant donc alors
    plus moins tres tout tous toute toutes aussi si sans sous entre vers selon ainsi dont lequel laquelle lesquels
    quoi quelles existe elles eux""".split()
)
STOP_EN = frozenset(
    """a an and are as at be been being but by can could did do does doing for from had has have he her hers him
    his how i if in into is it its me my no nor not of on or our ours she should so some such than that the their
    them then there these they this those to too was we were what when where which while who whom why will with
    would you your yours about any there's what's is it's does did was were shall may might must also very
    tell me please give list all each every other""".split()
)
STOPWORDS = STOP_FR | STOP_EN

# Function words that tell the languages apart (folded, lower case).
_FR_MARKERS = frozenset(
    """le la les des du de un une et est sont dans pour avec sur chez quel quelle quels quelles quoi comment
    pourquoi quand combien qui que ou au aux il elle ce cette ces son sa ses leur on pas ne y a-t-il
    traitement douleur genou hanche facteurs risque signes examen patient femme enceinte grossesse os
    osseuse osseux maladie combien duree dose recu eu ete""".split()
)
_EN_MARKERS = frozenset(
    """the a an and is are was were of in on for with what which who how why when does did do it its this that
    these those he she his her they there to from by be been has have any treatment pain knee hip risk factors
    signs patient woman pregnant pregnancy bone disease how long dose given received""".split()
)


def fold(text: str) -> str:
    """Lower-case, strip accents, expand ligatures: 'Œdème Épiphysaire' -> 'oedeme epiphysaire'."""
    text = text.translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """Folded word tokens; decimals like 26,1 stay whole and are written with a point."""
    return [w.replace(",", ".") for w in _WORD.findall(fold(text).replace("'", " "))]


@lru_cache(maxsize=4)
def _stemmer(lang: str):
    import Stemmer  # PyStemmer: C Snowball stemmers, imported once

    return Stemmer.Stemmer("french" if lang == "fr" else "english")


def stems(text: str, lang: str, keep_stopwords: bool = False) -> list[str]:
    """Content-word stems of ``text`` with the Snowball stemmer of ``lang``."""
    toks = [w for w in words(text) if keep_stopwords or (w not in STOPWORDS and len(w) > 1 or w.isdigit())]
    return _stemmer(lang).stemWords(toks)


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and (len(w) > 2 or w.isdigit())]


_ABBREV = re.compile(r"\b(?:M|Mr|Mrs|Dr|Pr|cf|vs|e\.g|i\.e|al|Fig|etc)\.$")


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
    """'fr' or 'en' from function words, accents and, when given, words found only in one
    language of the knowledge base (``vocab`` = (fr_only, en_only)); ``default`` when there is no signal."""
    raw = text.lower()
    toks = words(raw)
    fr = sum(1 for t in toks if t in _FR_MARKERS)
    en = sum(1 for t in toks if t in _EN_MARKERS)
    if vocab is not None:
        fr += 0.75 * sum(1 for t in toks if t in vocab[0])
        en += 0.75 * sum(1 for t in toks if t in vocab[1])
    # Accented letters are strong evidence of French; apostrophe elisions too (l'irm, d'un, qu'est).
    fr += 1.5 * len(re.findall(r"[éèêàùûôîçœë]", raw))
    fr += 1.0 * len(re.findall(r"\b(?:l|d|qu|n|s|c|j)'\w", raw))
    en += 1.0 * len(re.findall(r"\b\w+'s\b|\b\w+n't\b", raw))
    # French typography puts a space before ? ! : ; (a weak hint, for telegraphic questions).
    fr += 0.5 * len(re.findall(r"\w\s+[?!:;]", raw))
    if fr == en:
        return default
    return "fr" if fr > en else "en"


_QUAL = r"(?:transient|transitoire|transitoir|regionale?|migratory|migrating|migrante|migratoire|focale?|shifting)"
_TOPIC_NAME = re.compile(
    rf"\b(?:(?:{_QUAL}|de la|of the|du|de|d)\s+)*{_QUAL}\s+(?:{_QUAL}\s+)*(?:osteoporosis|osteoporose|osteoprosis)"
    rf"(?:\s+{_QUAL})*(?:\s+(?:des genoux|of the knees|du genou|of the knee))?\b"
    rf"|\b(?:osteoporosis|osteoporose)\s+{_QUAL}(?:\s+{_QUAL})*\b"
    r"|\b(?:cette|la|cette|this|the)\s+(?:maladie|pathologie|affection|disease|condition)\b"
    r"|\bbone marrow (?:o?edema|oedema) syndrome\b|\bsyndrome d.oedeme medullaire(?: transitoire)?\b"
    # the abbreviations clinicians write: ORT(M), OT(M), TRO, TMO, TOH, BMES
    r"|\b(?:ortm|ort|otm|tro|trmo|tmo|toh|bmes|bmoes)\b"
)


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


_MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "fev": 2, "mar": 3, "apr": 4, "avr": 4, "jun": 6, "jul": 7, "juil": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))


def iso_dates(text: str) -> list[str]:
    """Dates written the French or English way, in the ISO form the knowledge base uses:
    '8 février 2018' -> '2018-02-08', 'June 2018' -> '2018-06', '9/3/2018' -> '2018-03-09'
    (day first, as the source writes them)."""
    f = fold(text)
    out = []
    for d, mth, y in re.findall(rf"\b(\d{{1,2}})(?:er|st|nd|rd|th)?\s+({_MONTH_RE})\.?\s+(\d{{4}})\b", f):
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
