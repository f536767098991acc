"""The knowledge base says what its source says: no added order, gloss or strength; no false synonym.

One test per kind of fault an audit of knowledge/ against the seed found, written so that the fault
would have failed it, and run over every entry rather than the one that was wrong:
- translation: an English sequencing word needs one in the French; an English parenthesis with no French
  counterpart must render a French term of the same paragraph; a strong English word needs its French
  strength (a "deficiency" is a "carence", not an "hypovitaminose");
- facts: a risk factor is one the source calls a risk factor; a site fact keeps the source's frequency
  word (preferentially / more rarely);
- timeline: an approximate date is no more precise than the paragraphs it cites allow;
- glossary: every entry's terms appear in the paragraphs it cites, and no two words the audit found
  not to be synonyms share an entry (retrieval expands a query with every term of an entry).
"""
from __future__ import annotations

import re

import pytest

from assistant.knowledge import load_knowledge
from assistant.text import fold


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def _has(term: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(_norm(term))}\b", _norm(text)) is not None


def _paragraphs(kb):
    # the summary and keywords are the journal's own English, kept as published
    return [p for p in kb.paragraphs if p.section not in ("title", "front", "summary")]


# ------------------------------------------------------------------ translation

SEQUENCE_EN = r"\b(?:then|followed by|subsequently|next|afterwards)\b"
SEQUENCE_FR = r"\b(?:puis|ensuite|suivie?s?|succ[èe]de|apr[èe]s|pour atteindre|secondairement|avant)\b"

# English words stronger than some French renderings: the French must carry the same strength.
STRENGTH = [
    (r"\bdeficiency\b", r"carence|d[ée]ficit|d[ée]ficience"),
    (r"\bfacing\b", r"\bface\b|en face"),
    (r"\bstep ?\d", r"\b[ée]tape\b|\bpalier \d"),
    (r"\bmust\b", r"\bdoit\b|\bdoivent\b|\bdevra\b|\bn[ée]cessaire\b|\bfaut\b"),
    (r"\balways\b", r"\btoujours\b"),
]

# English parentheses with no French counterpart: each renders a French term of its paragraph.
GLOSSES = {
    ("case-6", "restitutio ad integrum"): "restitution ad integrum",
    ("disc-2", "biopsy drilling"): "forages biopsiques",
    ("disc-4", "DXA"): "absorptiométrie biphotonique",
    # the translator's label on the French abstract and keywords (their English is ours, and says so)
    ("resume", "French abstract, translated"): None,
    ("mots-cles", "French, translated"): None,
}


@pytest.mark.parametrize("pid", [p.id for p in load_knowledge().paragraphs])
def test_english_adds_no_order(kb, pid):
    p = next(x for x in kb.paragraphs if x.id == pid)
    if p.section in ("title", "front", "summary"):
        return
    if re.search(SEQUENCE_EN, p.en, re.I):
        assert re.search(SEQUENCE_FR, p.fr, re.I), f"{pid}: the English gives an order the French does not have"


@pytest.mark.parametrize("en_word, fr_words", STRENGTH)
def test_english_is_no_stronger_than_the_french(kb, en_word, fr_words):
    for p in _paragraphs(kb):
        if re.search(en_word, p.en, re.I):
            assert re.search(fr_words, p.fr, re.I), f"{p.id}: /{en_word}/ in the English, no /{fr_words}/ in the French"


def test_english_parentheses_have_a_french_counterpart(kb):
    for p in _paragraphs(kb):
        glosses = [g for g in re.findall(r"\(([^)]*)\)", p.en) if (p.id, g) in GLOSSES]
        for g in glosses:
            if GLOSSES[(p.id, g)] is not None:
                assert GLOSSES[(p.id, g)] in p.fr, f"{p.id}: the gloss ({g}) renders nothing in the French"
        assert p.en.count("(") - len(glosses) == p.fr.count("("), (
            f"{p.id}: an English parenthesis with no French counterpart; a gloss the source lacks is an addition")


@pytest.mark.parametrize("pid, wrong", [
    ("intro-1", "then the lateral femoral condyle"),
    ("case-3", "vitamin D deficiency"),
    ("case-4", "(step 2)"),
    ("case-2", "facing a demineralisation"),
])
def test_the_four_audited_translations_stay_fixed(kb, pid, wrong):
    p = next(x for x in kb.paragraphs if x.id == pid)
    assert wrong not in p.en


# ------------------------------------------------------------------ facts

def _risk_sentences(kb) -> list[str]:
    return [s for p in kb.paragraphs for s in re.split(r"(?<=[.!?])\s+", p.fr) if "facteurs de risque" in s]


def test_risk_factors_are_the_ones_the_source_calls_so(kb):
    listed = " ".join(_norm(s) for s in _risk_sentences(kb))
    assert listed, "no sentence of the source names risk factors"
    stop = {"patient", "chez", "biologie", "note", "revele", "legere", "presence", "episode"}
    for f in kb.facts:
        if f.category != "risk_factor":
            continue
        words = [w for w in _norm(f.fr).split() if len(w) >= 6 and w not in stop]
        assert any(w[:7] in listed for w in words), (
            f"{f.id} is filed as a risk factor, but the source's risk-factor sentence names none of {words}")


def test_vitamin_d_is_a_finding_not_a_risk_factor(kb):
    f = next(x for x in kb.facts if x.id == "pt_vitamin_d")
    assert f.category != "risk_factor" and "deficiency" not in f.en


# The frequency word the source gives each knee site (intro-1); a site fact must keep it.
KNEE_SITES = [("condyle fémoral interne", "préférentiellement"), ("condyle fémoral externe", "préférentiellement"),
              ("plateau tibial", "plus rarement"), ("patella", "plus rarement"), ("fibula", "plus rarement")]


def test_the_site_table_follows_intro_1(kb):
    text = next(p for p in kb.paragraphs if p.id == "intro-1").fr
    pref, rare = text.index("préférentiellement"), text.index("plus rarement")
    for site, word in KNEE_SITES:
        at = text.index(site)
        assert (pref < at < rare) == (word == "préférentiellement"), site


@pytest.mark.parametrize("site, word", KNEE_SITES)
def test_site_facts_keep_the_source_frequency(kb, site, word):
    for f in kb.facts:
        if f.category == "site" and "intro-1" in f.sources and site in f.fr and not re.search(
                r"plateau tibial, la patella", f.fr) and f.fr.count(",") < 2:
            assert word in f.fr, f"{f.id}: {site} is '{word}' in intro-1, the fact says {f.fr!r}"
            assert not re.search(r"peut aussi|can also", f.fr + f.en), f"{f.id}: a hedge weakens a preferential site"


# ------------------------------------------------------------------ timeline

def _precision(date: str) -> int:
    return date.count("-") + 1  # 1 year, 2 month, 3 day


def test_approximate_dates_are_no_more_precise_than_their_paragraphs(kb):
    """An approximate step the source does not date gets a year, unless it shares a cited paragraph with
    an exact (figure-dated) step of its episode in the same month (the paragraph ties them together)."""
    exact = [t for t in kb.timeline if not t.approximate]
    for t in kb.timeline:
        if not t.approximate or _precision(t.date) == 1:
            continue
        stated = [d for s in t.sources for p in kb.paragraphs if p.id == s
                  for d in re.findall(r"\d{4}-\d{2}(?:-\d{2})?", p.fr)]
        if any(d.startswith(t.date) for d in stated):
            continue
        ties = [e for e in exact if e.episode == t.episode and e.date.startswith(t.date) and set(e.sources) & set(t.sources)]
        assert ties, f"{t.id}: {t.date} is more precise than its paragraphs {t.sources} allow; give the year"


# ------------------------------------------------------------------ glossary

NOT_SYNONYMS = [
    ("ostéoporose focale", "ostéoporose réversible"), ("focal osteoporosis", "reversible osteoporosis"),
    ("T1-weighted", "low T1 signal"), ("pondération T1", "hyposignal T1"), ("pondération T2", "coupe coronale T2"),
    ("T2-weighted", "coronal T2"), ("hypovitaminose D", "carence en vitamine D"), ("hypovitaminosis D", "vitamin D deficiency"),
    ("membre inférieur", "jambe"), ("lower limb", "leg"),
    ("arthropathie infectieuse", "arthrite septique"), ("infectious arthropathy", "septic arthritis"),
    ("traumatisme", "chute"), ("traumatisme", "cogné"), ("traumatisme", "choc"), ("trauma", "fall"), ("trauma", "bumped"),
    ("pronostic", "bon pronostic"), ("prognosis", "good prognosis"),
    ("hyperpression intra-osseuse", "pression intra-osseuse"), ("intraosseous hypertension", "intraosseous pressure"),
]


@pytest.mark.parametrize("a, b", NOT_SYNONYMS)
def test_words_that_are_not_synonyms_never_share_an_entry(kb, a, b):
    for g in kb.glossary:
        terms = {_norm(t) for t in (*g.fr, *g.en)}
        assert not (_norm(a) in terms and _norm(b) in terms), f"{g.id}: {a!r} and {b!r} are not interchangeable"


def test_each_glossary_source_uses_a_term_of_the_entry(kb):
    for g in kb.glossary:
        for s in g.sources or ():
            p = next(x for x in kb.paragraphs if x.id == s)
            assert any(_has(t, p.fr) for t in g.fr) or any(_has(t, p.en) for t in g.en), (
                f"{g.id} cites {s}, which uses none of its terms")


def test_a_term_inside_another_concept_is_no_citation(kb):
    """'X-ray' inside 'X-ray absorptiometry' is DXA, not a radiograph: a paragraph cited by an entry must
    use one of its terms in French too when its only English use sits inside another entry's term."""
    for g in kb.glossary:
        for s in g.sources or ():
            p = next(x for x in kb.paragraphs if x.id == s)
            if any(_has(t, p.fr) for t in g.fr):
                continue
            hits = [t for t in g.en if _has(t, p.en)]
            longer = [o for other in kb.glossary if other.id != g.id for o in other.en
                      if any(_norm(t) in _norm(o) and _norm(t) != _norm(o) for t in hits) and _has(o, p.en)]
            assert not (hits and longer and all(any(_norm(t) in _norm(o) for o in longer) for t in hits)), (
                f"{g.id} cites {s} only through {longer}, another entry's term")
