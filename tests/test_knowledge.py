"""Tests for ``knowledge/``: the curated files load, cite real paragraphs, cover the seed and keep its figures.

Offline and fast: only pyyaml and pydantic. The seed is read from ``knowledge/source/`` (a byte-identical
copy of ``../shared/seeds/000_3a84878ef356d71b.txt``), so nothing outside the repo is needed.

What it checks:
- the real knowledge loads; paragraphs are bilingual; ids are unique; every citation resolves;
- each kind of defect (unknown key, missing ``en``, dangling citation, duplicate id, broken YAML) raises
  :class:`KnowledgeError` naming the file, the entry and the fix;
- coverage: every sentence of the seed's body (after undoing PDF hyphenation and column interleaving) is found,
  token by token, in one restored French paragraph (overlap >= 0.9; the minimum is printed and recorded);
- figures: every figure of the seed has the same value in the French and English paragraphs;
- traceability: every number of a fact or timeline event appears in a paragraph it cites, in the same language;
  doses, routes and durations are quoted from a cited paragraph;
- the timeline is chronological and its exact dates are the figure captions' dates.
"""
from __future__ import annotations

import re
import shutil
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.knowledge import KnowledgeError, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
KDIR = ROOT / "knowledge"
SEED_NAME = "000_3a84878ef356d71b.txt"
SEED = KDIR / "source" / SEED_NAME
SHARED_SEED = ROOT.parent / "shared" / "seeds" / SEED_NAME
COVERAGE_THRESHOLD = 0.9


# --------------------------------------------------------------------------- helpers

def fold(text: str) -> str:
    """Lowercase, accent-free, with the typographic apostrophe and the œ ligature made plain."""
    text = text.replace("\u2019", "'").replace("œ", "oe").replace("Œ", "OE")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


NUMBER_WORDS = {
    "deux": "2", "two": "2", "trois": "3", "three": "3", "quatre": "4", "four": "4", "six": "6",
    "dix": "10", "ten": "10", "douze": "12", "twelve": "12", "vingt": "20", "twenty": "20",
}


def numbers(text: str) -> set[str]:
    """Numeric values in a text: digits (decimal comma or point) and the number words the seed uses.

    Digits glued to letters (T1, T2, PGI2) are names, not values, and are left out.
    """
    found = {m.replace(",", ".") for m in re.findall(r"(?<![\w.,])\d+(?:[.,]\d+)?(?!\w)", text)}
    found |= {NUMBER_WORDS[w] for w in re.findall(r"\w+", fold(text)) if w in NUMBER_WORDS}
    return {n.lstrip("0") or "0" if "." not in n else n for n in found}


def canon(text: str) -> str:
    """Bring French and English forms of a figure to one form: 37,5 mg == 37.5 mg, 880 UI == 880 IU..."""
    t = squash(fold(text))
    t = re.sub(r"(\d),(\d)", r"\1.\2", t)
    t = re.sub(r"\s*%", " %", t)
    t = re.sub(r"\s*/\s*", "/", t)
    rules = [
        (r"\bui\b", "iu"), (r"\bcp/", "tablets/"), (r"/jour\b", "/day"), (r"\bmois\b", "months"),
        (r"\bmonth\b", "months"), (r"\bans\b", "years"), (r"\ban\b", "year"), (r"\bannee\b", "year"),
        (r"\bvingt\b", "twenty"), (r"\bune?\b", "one"), (r"(\d) a (\d)", r"\1 to \2"), (r"\bet\b", "and"),
        (r"(\d) mg, (\d)", r"\1 mg \2"),
    ]
    for pattern, repl in rules:
        t = re.sub(pattern, repl, t)
    return t


def iso_dates(text: str) -> str:
    """Day/month/year dates of the seed's captions (8/2/2018) written in ISO form (2018-02-08)."""
    return re.sub(
        r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b",
        lambda m: f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}",
        text,
    )


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(KDIR)


def all_text(kb, lang: str) -> str:
    return " ".join(p.text(lang) for p in kb.paragraphs)


# --------------------------------------------------------------------------- the real knowledge

def test_real_knowledge_loads(kb):
    assert len(kb.paragraphs) >= 30
    assert kb.facts and kb.timeline and kb.glossary
    assert kb.digest


def test_paragraphs_are_bilingual_with_unique_ids(kb):
    ids = [p.id for p in kb.paragraphs]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    for p in kb.paragraphs:
        assert p.fr.strip() and p.en.strip(), p.id


def test_fact_timeline_and_glossary_ids_are_unique(kb):
    ids = [f.id for f in kb.facts] + [t.id for t in kb.timeline]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    gids = [g.id for g in kb.glossary]
    assert len(gids) == len(set(gids)), [i for i, n in Counter(gids).items() if n > 1]


def test_every_citation_resolves(kb):
    for entry in (*kb.facts, *kb.timeline, *kb.glossary):
        for s in entry.sources:
            assert kb.has(s), f"{entry.id} cites unknown paragraph {s!r}"
    for entry in (*kb.facts, *kb.timeline):
        assert entry.sources, entry.id


def test_fact_counts_and_categories(kb):
    cats = Counter(f.category for f in kb.facts)
    assert 70 <= len(kb.facts) <= 110, len(kb.facts)
    for needed in ("definition", "risk_factor", "population", "site", "sign", "course", "migration",
                   "treatment", "patient_treatment", "differential", "pathophysiology", "histology",
                   "history", "diagnosis"):
        assert cats[needed] >= 1, needed
    for f in kb.facts:
        if f.category == "sign":
            assert f.modality, f"sign {f.id} has no modality"
    assert 50 <= len(kb.glossary) <= 100, len(kb.glossary)


def test_each_risk_factor_of_the_seed_is_its_own_fact(kb):
    rf = {f.id: f for f in kb.facts_in("risk_factor")}
    for fid in ("rf_osteopenia", "rf_osteoporosis", "rf_bone_metabolism", "rf_smoking",
                "rf_lower_limb_overload", "rf_previous_episode"):
        assert fid in rf and "disc-1" in rf[fid].sources, fid


def test_facts_share_words_with_the_paragraphs_they_cite(kb):
    """A cheap guard against a fact citing the wrong paragraph: most of its words are in its sources."""
    for f in kb.facts:
        for lang in ("fr", "en"):
            cited = Counter(tokens(" ".join(kb.paragraph(s).text(lang) for s in f.sources)))
            own = Counter(tokens(f.text(lang)))
            share = sum((own & cited).values()) / sum(own.values())
            assert share >= 0.5, f"{f.id} [{lang}]: only {share:.2f} of its words are in {f.sources}"


def test_source_copy_is_byte_identical_to_the_shared_seed():
    assert SEED.is_file(), "knowledge/source/ must hold a copy of the seed"
    if not SHARED_SEED.is_file():
        pytest.skip("../shared is not available here")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


# --------------------------------------------------------------------------- validation failures

def _edit_yaml(name: str, change):
    def apply(root: Path) -> None:
        path = root / name
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        change(data)
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        path.write_text(yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return apply


def _edit_text(name: str, old: str, new: str):
    def apply(root: Path) -> None:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture out of date: {old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def _by_id(items, entry_id):
    return next(x for x in items if x["id"] == entry_id)


def _dup_first(items):
    items.append(dict(items[0]))


DEFECTS = {
    # name: (defect, file named in the message, entry id named, words of the fix)
    "unknown-key-paragraph": (
        _edit_yaml("paragraphs.yaml", lambda d: _by_id(d, "disc-1").update(topcs=["course"])),
        "paragraphs.yaml", "disc-1", ["topcs", "fix its spelling"]),
    "unknown-key-fact": (
        _edit_yaml("facts.yaml", lambda d: _by_id(d["facts"], "rf_smoking").update(sorces=["disc-1"])),
        "facts.yaml", "rf_smoking", ["sorces", "fix its spelling"]),
    "unknown-key-timeline": (
        _edit_yaml("facts.yaml", lambda d: _by_id(d["timeline"], "ev1_mri").update(dat="2018-03-09")),
        "facts.yaml", "ev1_mri", ["dat", "fix its spelling"]),
    "unknown-key-glossary": (
        _edit_yaml("glossary.yaml", lambda d: _by_id(d, "mri").update(synonyms=["IRM"])),
        "glossary.yaml", "mri", ["synonyms", "fix its spelling"]),
    "missing-en-paragraph": (
        _edit_yaml("paragraphs.yaml", lambda d: _by_id(d, "case-3").pop("en")),
        "paragraphs.yaml", "case-3", ["en", "add the key"]),
    "missing-en-fact": (
        _edit_yaml("facts.yaml", lambda d: _by_id(d["facts"], "tx_offloading").pop("en")),
        "facts.yaml", "tx_offloading", ["en", "add the key"]),
    "missing-en-timeline-finding": (
        _edit_yaml("facts.yaml", lambda d: _by_id(d["timeline"], "ev2_mri")["finding"].pop("en")),
        "facts.yaml", "ev2_mri", ["finding", "add the key"]),
    "missing-en-glossary": (
        _edit_yaml("glossary.yaml", lambda d: _by_id(d, "bone_scan").pop("en")),
        "glossary.yaml", "bone_scan", ["en", "add the key"]),
    "dangling-citation-fact": (
        _edit_yaml("facts.yaml", lambda d: _by_id(d["facts"], "rf_smoking").update(sources=["disc-99"])),
        "facts.yaml", "rf_smoking", ["disc-99", "Use an id from paragraphs.yaml"]),
    "dangling-citation-timeline": (
        _edit_yaml("facts.yaml", lambda d: _by_id(d["timeline"], "ev3_mri").update(sources=["fig-7"])),
        "facts.yaml", "ev3_mri", ["fig-7", "Use an id from paragraphs.yaml"]),
    "dangling-citation-glossary": (
        _edit_yaml("glossary.yaml", lambda d: _by_id(d, "mri").update(sources=["nowhere"])),
        "glossary.yaml", "mri", ["nowhere", "Use an id from paragraphs.yaml"]),
    "duplicate-id-paragraph": (
        _edit_yaml("paragraphs.yaml", _dup_first),
        "paragraphs.yaml", "title", ["duplicate", "its own id"]),
    "duplicate-id-fact": (
        _edit_yaml("facts.yaml", lambda d: _dup_first(d["facts"])),
        "facts.yaml", "def_triad", ["duplicate", "its own id"]),
    "duplicate-id-timeline-vs-fact": (
        _edit_yaml("facts.yaml", lambda d: d["timeline"][0].update(id="rf_smoking")),
        "facts.yaml", "rf_smoking", ["duplicate", "its own id"]),
    "duplicate-id-glossary": (
        _edit_yaml("glossary.yaml", _dup_first),
        "glossary.yaml", "transient_osteoporosis", ["duplicate", "its own id"]),
    "invalid-yaml-facts": (
        _edit_text("facts.yaml", '    fr: "Le tabac est décrit comme facteur de risque."',
                   '    fr: "Le tabac est décrit comme facteur de risque.'),
        "facts.yaml", "rf_smoking", ["not valid YAML", "line", "Fix the syntax"]),
    "invalid-yaml-paragraphs": (
        _edit_text("paragraphs.yaml", "- id: case-3\n  section: case\n", "- id: case-3\n  section: case\n\tbad: tab\n"),
        "paragraphs.yaml", "case-3", ["not valid YAML", "line", "Fix the syntax"]),
    "invalid-yaml-glossary": (
        _edit_text("glossary.yaml", '- id: mri\n  fr: ["IRM"', '- id: mri\n  fr: ["IRM'),
        "glossary.yaml", "mri", ["not valid YAML", "line", "Fix the syntax"]),
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_defect_raises_knowledge_error_naming_file_entry_and_fix(defect, tmp_path):
    apply, filename, entry_id, fix_words = DEFECTS[defect]
    root = tmp_path / "knowledge"
    shutil.copytree(KDIR, root)
    apply(root)
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    msg = str(info.value)
    assert str(root / filename) in msg, msg
    assert entry_id in msg, msg
    for word in fix_words:
        assert word in msg, f"{word!r} not in: {msg}"


# --------------------------------------------------------------------------- coverage of the seed

HEADER = "OstéOpOrOse régiOnale transitOire migrante des genOux"


def _dehyphenate(text: str, vocab: set[str]) -> str:
    """Undo line-end hyphenation: "fré-\\nquemment" -> "fréquemment", but "intra-\\narticulaire" keeps its hyphen.

    The joined word is kept when it is a known word of the restored text; otherwise the hyphen was a real one.
    """
    def join(m: re.Match) -> str:
        left, right = m.group(1), m.group(2)
        return left + right if fold(left + right) in vocab else f"{left}-{right}"
    return re.sub(r"(\w+)-[ \t]*\n\s*(\w+)", join, text)


def seed_parts(raw: str, vocab: set[str]) -> dict[str, str]:
    """The seed's text blocks in reading order, the interleaved columns put back together.

    In the raw extraction the clinical history is cut mid-sentence ("paracétamol 325 mg +") by the
    introduction, the figure captions and a running header, and resumes after them ("tramadol 37,5 mg").
    """
    def between(start: str, end: str, origin: int = 0) -> str:
        i = raw.index(start, origin) + len(start)
        return raw[i:raw.index(end, i)]

    fig_start = raw.index(" Figure 1.")
    header_at = raw.index(HEADER, fig_start)
    parts = {
        "title_fr": raw[:raw.index("transient fOcal")].split("\n", 1)[1],
        "title_en": between("\n\n", "\n\nsummary", raw.index("transient fOcal") - 2),
        "summary": between("summary :", "keywOrds"),
        "keywords": between("keywOrds :", "résumé :"),
        "resume": between("résumé :", "mOts-clés"),
        "mots-cles": between("mOts-clés :", "(1) Service"),
        "case": between("histOire clinique", "intrOductiOn") + " " + between(HEADER, "discussiOn", header_at),
        "introduction": between("intrOductiOn", " Figure 1."),
        "figures": raw[fig_start:header_at],
        "discussion": between("discussiOn", "cOnclusiOn"),
        "conclusion": raw[raw.index("cOnclusiOn") + len("cOnclusiOn"):],
    }
    return {k: squash(iso_dates(_dehyphenate(v, vocab))) for k, v in parts.items()}


def sentences(text: str) -> list[str]:
    text = re.sub(r"\bM\. (?=CM)", "M ", text)  # "M. CM" is a title, not a sentence end
    if text.lstrip().startswith("Figure"):
        return [s.strip() for s in re.split(r"\s(?=Figure \d\.)", text) if s.strip()]
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-ÞŒ(])", text) if s.strip()]


def best_overlap(sentence: str, targets: list[Counter]) -> float:
    want = Counter(tokens(sentence))
    total = sum(want.values())
    return max(sum((want & t).values()) for t in targets) / total if total else 1.0


# Which language of paragraphs.yaml each part of the seed is restored into.
PART_LANG = {"title_fr": "fr", "title_en": "en", "summary": "en", "keywords": "en", "resume": "fr",
             "mots-cles": "fr", "case": "fr", "introduction": "fr", "figures": "fr", "discussion": "fr",
             "conclusion": "fr"}
BODY_PARTS = ("resume", "case", "introduction", "figures", "discussion", "conclusion")


@pytest.fixture(scope="module")
def seed_sentences(kb):
    raw = SEED.read_text(encoding="utf-8")
    vocab = set(tokens(all_text(kb, "fr") + " " + all_text(kb, "en")))
    out = []
    for part, text in seed_parts(raw, vocab).items():
        for s in sentences(text):
            out.append((part, s))
    return out


def test_seed_is_split_into_its_sentences(seed_sentences):
    parts = Counter(p for p, _ in seed_sentences)
    for part in BODY_PARTS:
        assert parts[part] >= 1, part
    assert parts["figures"] == 6
    joined = " ".join(s for p, s in seed_sentences if p == "case")
    assert "paracétamol 325 mg + tramadol 37,5 mg 3 cp/jour) est débuté." in joined
    assert "fréquemment" in " ".join(s for p, s in seed_sentences if p == "introduction")
    assert "2018-02-08" in " ".join(s for p, s in seed_sentences if p == "figures")


def test_every_seed_sentence_is_in_the_restored_paragraphs(kb, seed_sentences, record_property):
    targets = {lang: [Counter(tokens(p.text(lang))) for p in kb.paragraphs] for lang in ("fr", "en")}
    scores = [(best_overlap(s, targets[PART_LANG[part]]), part, s) for part, s in seed_sentences]
    body = [x for x in scores if x[1] in BODY_PARTS]
    worst = min(body)
    overall = min(scores)
    print(f"\ncoverage: {len(body)} body sentences, minimum overlap {worst[0]:.3f} ({worst[1]}: {worst[2][:80]!r}); "
          f"with title, summary and keywords: {len(scores)} sentences, minimum {overall[0]:.3f}")
    record_property("coverage_min", round(worst[0], 4))
    record_property("coverage_min_all", round(overall[0], 4))
    low = [f"{score:.2f} [{part}] {s}" for score, part, s in scores if score < COVERAGE_THRESHOLD]
    assert not low, "seed sentences missing from paragraphs.yaml:\n" + "\n".join(low)


def test_coverage_measure_catches_a_dropped_sentence(kb, seed_sentences):
    """Negative control: drop one sentence from its paragraph and the measure must fall below the threshold."""
    sentence = next(s for p, s in seed_sentences if s.startswith("Notons une légère hypovitaminose D"))
    targets = []
    for p in kb.paragraphs:
        text = p.fr.replace("Notons une légère hypovitaminose D (26,1 ng/ml).", "") if p.id == "case-3" else p.fr
        targets.append(Counter(tokens(text)))
    assert best_overlap(sentence, targets) < COVERAGE_THRESHOLD


def test_every_number_of_the_seed_body_is_in_both_languages(kb):
    raw = SEED.read_text(encoding="utf-8")
    vocab = set(tokens(all_text(kb, "fr") + " " + all_text(kb, "en")))
    parts = seed_parts(raw, vocab)
    seed_numbers = set().union(*(numbers(parts[p]) for p in BODY_PARTS))
    for lang in ("fr", "en"):
        missing = seed_numbers - numbers(all_text(kb, lang))
        assert not missing, f"numbers of the seed missing from the {lang} paragraphs: {sorted(missing)}"


# --------------------------------------------------------------------------- figures

FIGURES = [
    ("54 ans", "54 years"), ("100°", "100°"), ("26,1 ng/ml", "26.1 ng/ml"), ("1 g", "1 g"),
    ("880 UI", "880 IU"), ("500 mg", "500 mg"), ("325 mg", "325 mg"), ("37,5 mg", "37.5 mg"),
    ("100 UI", "100 IU"), ("10 mg/jour", "10 mg/day"), ("3 mois", "3 months"), ("20 %", "20 %"),
    ("10-20 %", "10-20 %"), ("30 %", "30 %"), ("1959", "1959"), ("3-4 mois", "3-4 months"),
    ("vingt ans", "twenty years"), ("6 à 12 mois", "6 to 12 months"),
    # more, found in the seed
    ("500 mg 2 cp/jour", "500 mg, 2 tablets/day"), ("37,5 mg 3 cp/jour", "37.5 mg, 3 tablets/day"),
    ("un an", "one year"), ("une année", "one year"), ("type 1", "type 1"), ("PGI2", "PGI2"),
    ("T1", "T1"), ("T2", "T2"), ("Figures 1 et 2", "Figures 1 and 2"), ("Figures 3 et 4", "Figures 3 and 4"),
    ("Figure 5", "Figure 5"), ("Figure 6", "Figure 6"), ("2018-02-08", "2018-02-08"), ("2018-03-09", "2018-03-09"),
    ("2018-05-16", "2018-05-16"), ("2018-06-09", "2018-06-09"), ("2018-11-09", "2018-11-09"),
    ("2019-05-07", "2019-05-07"), ("(1, 4)", "(1, 4)"), ("(2, 3)", "(2, 3)"), ("(3, 5)", "(3, 5)"),
    ("(2, 5)", "(2, 5)"), ("(7, 8)", "(7, 8)"), ("(9, 10)", "(9, 10)"),
]


@pytest.mark.parametrize("fr,en", FIGURES, ids=[f for f, _ in FIGURES])
def test_figure_has_the_same_value_in_french_and_english(kb, fr, en):
    assert canon(fr) == canon(en), (canon(fr), canon(en))
    assert canon(fr) in canon(all_text(kb, "fr")), f"{fr!r} missing from the French paragraphs"
    assert canon(en) in canon(all_text(kb, "en")), f"{en!r} missing from the English paragraphs"


@pytest.mark.parametrize("fr,en", FIGURES[:18], ids=[f for f, _ in FIGURES[:18]])
def test_figure_is_in_the_seed(fr, en):
    raw = squash(iso_dates(SEED.read_text(encoding="utf-8")))
    assert canon(fr) in canon(raw), f"{fr!r} is not a figure of the seed"


def test_each_paragraph_has_the_same_numbers_in_both_languages(kb):
    for p in kb.paragraphs:
        assert numbers(p.fr) == numbers(p.en), f"{p.id}: fr {sorted(numbers(p.fr))} != en {sorted(numbers(p.en))}"


# --------------------------------------------------------------------------- traceability

def _texts(entry, lang: str) -> list[str]:
    out = [entry.text(lang)] if hasattr(entry, "text") else []
    for field in ("dose", "route", "duration", "finding", "treatment", "outcome"):
        value = getattr(entry, field, None)
        if value is not None:
            out.append(value.get(lang))
    return out


def test_every_number_in_facts_and_timeline_is_in_a_cited_paragraph(kb):
    problems = []
    for entry in (*kb.facts, *kb.timeline):
        for lang in ("fr", "en"):
            cited = set().union(*(numbers(kb.paragraph(s).text(lang)) for s in entry.sources))
            for text in _texts(entry, lang):
                extra = numbers(text) - cited
                if extra:
                    problems.append(f"{entry.id} [{lang}]: {sorted(extra)} not in {list(entry.sources)}: {text!r}")
    assert not problems, "numbers the cited paragraphs do not give:\n" + "\n".join(problems)


def test_numbers_helper_normalises_and_catches_invented_figures():
    assert numbers("tramadol 37,5 mg 3 cp/jour") == numbers("tramadol 37.5 mg, 3 tablets/day") == {"37.5", "3"}
    assert numbers("jusqu'à vingt ans") == numbers("up to twenty years") == {"20"}
    assert numbers("pondération T1, PGI2") == set()
    assert numbers("calcitonine 200 UI") - numbers("calcitonine 100 UI") == {"200"}
    assert canon("6 à 12 mois") == canon("6 to 12 months")
    assert canon("26,1 ng/ml") == canon("26.1 ng/ml")


def test_doses_routes_and_durations_are_quoted_from_a_cited_paragraph(kb):
    problems = []
    for f in kb.facts:
        for field in ("dose", "route", "duration"):
            value = getattr(f, field)
            if value is None:
                continue
            for lang in ("fr", "en"):
                cited = [squash(kb.paragraph(s).text(lang)).lower() for s in f.sources]
                if not any(squash(value.get(lang)).lower() in c for c in cited):
                    problems.append(f"{f.id}.{field} [{lang}] {value.get(lang)!r}")
    assert not problems, "not written as in the cited paragraphs:\n" + "\n".join(problems)


def test_treatment_facts_name_their_drug_when_they_give_a_dose(kb):
    for f in kb.facts_in("treatment", "patient_treatment"):
        if f.dose is not None:
            assert f.drug, f.id


def test_patient_doses_keep_french_forms(kb):
    fr = " ".join(f.fr for f in kb.facts_in("patient_treatment"))
    for form in ("37,5 mg", "880 UI", "10 mg/jour", "2 cp/jour", "3 cp/jour", "100 UI", "1 g", "500 mg", "325 mg"):
        assert form in fr, form
    en = " ".join(f.en for f in kb.facts_in("patient_treatment"))
    for form in ("37.5 mg", "880 IU", "10 mg/day", "2 tablets/day", "3 tablets/day", "100 IU"):
        assert form in en, form


# --------------------------------------------------------------------------- timeline

def _bounds(value: str) -> tuple[date, date]:
    parts = [int(x) for x in value.split("-")]
    if len(parts) == 3:
        d = date(*parts)
        return d, d
    if len(parts) == 2:
        y, m = parts
        end = date(y + (m == 12), m % 12 + 1, 1).toordinal() - 1
        return date(y, m, 1), date.fromordinal(end)
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def test_timeline_is_chronological(kb):
    events = kb.timeline
    for a, b in zip(events, events[1:]):
        assert _bounds(a.date)[0] <= _bounds(b.date)[1], f"{a.id} ({a.date}) cannot come before {b.id} ({b.date})"
        assert a.episode <= b.episode, f"{a.id} (episode {a.episode}) before {b.id} (episode {b.episode})"
    exact = [_bounds(t.date)[0] for t in events if not t.approximate]
    assert exact == sorted(exact)


def test_exact_dates_are_full_and_approximate_ones_say_so(kb):
    for t in kb.timeline:
        if not t.approximate:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", t.date), f"{t.id}: an exact date needs day and month"


def test_dated_events_match_the_figure_captions(kb):
    raw = SEED.read_text(encoding="utf-8")
    seed_dates = {iso_dates(m) for m in re.findall(r"\b\d{1,2}/\d{1,2}/\d{4}\b", raw)}
    caption_dates = {}
    for p in kb.paragraphs:
        if p.section == "figures":
            for d in re.findall(r"\d{4}-\d{2}-\d{2}", p.fr):
                assert d in p.en, f"{p.id}: date {d} missing from the English caption"
                caption_dates[d] = p.id
    assert set(caption_dates) == seed_dates
    exact = {t.date: t for t in kb.timeline if not t.approximate}
    assert set(exact) == seed_dates, f"timeline dates {sorted(exact)} != caption dates {sorted(seed_dates)}"
    for d, t in exact.items():
        assert caption_dates[d] in t.sources, f"{t.id} ({d}) should cite {caption_dates[d]}"


def test_timeline_episodes_and_knees(kb):
    knees = {}
    for t in kb.timeline:
        knees.setdefault(t.episode, set()).add(t.knee)
    assert knees == {1: {"right"}, 2: {"right"}, 3: {"left"}}
    first_mri = {t.episode: t for t in reversed(kb.timeline) if t.modality == "mri" and t.finding}
    assert "medial_femoral_condyle" in first_mri[1].sites
    assert {"lateral_femoral_condyle", "medial_tibial_plateau"} <= set(first_mri[2].sites)
    assert "medial_femoral_condyle" in first_mri[3].sites
