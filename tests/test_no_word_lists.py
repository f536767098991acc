"""No word list of one language lives in Python: the words that understand a question are data.

An AST scan of ``assistant/*.py`` (the checker and the app have their own data and UI strings)
flags tuple, list, set and dict literals with more than four word strings, ``"...".split()``
strings of more than four words, and regex strings with more than three word alternatives,
unless the words are identifiers of the schema (allow-list below). The per-language files
``assistant/lang/<xx>/understand.yaml`` load, define every key, and a third language is picked
up without a code change. The document's own terms (initials, age, years, authors, lab figures)
are read from knowledge/, not written in Python.
"""
from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
import yaml

from assistant import bank, intents, knowledge
from assistant.knowledge import load_knowledge
from assistant.document_terms import derive_terms, document_terms
from assistant.lexicon import FILE, LANG_DIR, LexiconError, Understand, languages, lexicon, load_language

PKG = Path(__file__).resolve().parent.parent / "assistant"

# What is not language: identifiers of the schema and of the records the code reads and writes.
ALLOWED = frozenset(
    set(knowledge.SECTIONS) | set(knowledge.TOPICS) | set(knowledge.FACT_CATEGORIES) | set(knowledge.MODALITIES)
    | set(intents.TOPICS)  # intent names
    | set(bank.ASKS) | set(bank.REASONS)  # what a bank question asks; why a near miss is refused
    | {"timeline", "patient_treatment"}  # statement categories beyond the fact categories
    # field names of answers, citations, chunks, hits, eval records and the abstention model (JSON contracts)
    | {"id", "section", "quote", "score", "lang", "question", "answer", "abstained", "citations", "reason",
       "intents", "paragraph_id", "topics", "kind", "dense", "bm25", "chunk", "language", "topic", "answerable",
       "questions", "retrieval", "conversations", "vignettes", "gates", "feature_version", "features", "key",
       "mean", "scale", "coef"}
)
# A word of a language: letters, with spaces, apostrophes or hyphens inside ('genou droit', "qu'il");
# identifiers with '_' or digits (field names, TMO_* variables) and single letters are not.
_WORD = re.compile(r"^[^\W\d_]{2,}(?:[' -]?[^\W\d_]+)*$")
_REGEX_HINT = re.compile(r"\\b|\(\?|\(")


def _is_word(value: object) -> bool:
    return isinstance(value, str) and bool(_WORD.match(value.strip())) and value.strip() not in ALLOWED


def _alternatives(pattern: str) -> int:
    """How many alternatives of a regex string are plain words ('knee', 'genou droit')."""
    n = 0
    for piece in pattern.split("|"):
        core = re.sub(r"\\[bBwWsSd]|\(\?[:!=<]*|[()?^$*+\[\]{}.\\]", "", piece).strip()
        n += len(core) >= 2 and _is_word(core)
    return n


def flags(source: str) -> list[str]:
    """Word lists and word regexes in Python source, as 'line: what'."""
    tree = ast.parse(source)
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    out = []
    for node in ast.walk(tree):
        found = None
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            ws = [e.value for e in node.elts if isinstance(e, ast.Constant) and _is_word(e.value)]
            found = f"literal of {len(ws)} words {ws[:5]}" if len(ws) > 4 else None
        elif isinstance(node, ast.Dict):
            ws = [k.value for k in node.keys if isinstance(k, ast.Constant) and _is_word(k.value)]
            found = f"dict of {len(ws)} word keys {ws[:5]}" if len(ws) > 4 else None
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split"
              and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)):
            ws = [w for w in node.func.value.value.split() if _is_word(w)]
            found = f"split() of {len(ws)} words {ws[:5]}" if len(ws) > 4 else None
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
              and "|" in node.value and _REGEX_HINT.search(node.value)):
            n = _alternatives(node.value)
            found = f"regex with {n} word alternatives {node.value[:60]!r}" if n > 3 else None
        if found:
            out.append(f"{node.lineno}: {found}")
    return sorted(out, key=lambda f: int(f.split(":")[0]))


@pytest.mark.parametrize("path", sorted(PKG.glob("*.py")), ids=lambda p: p.name)
def test_no_word_list_in_python(path):
    found = flags(path.read_text(encoding="utf-8"))
    assert not found, (f"{path.name} holds words of a language; move them to assistant/lang/<xx>/{FILE} "
                       f"(read through assistant/lexicon.py):\n" + "\n".join(found))


def test_the_scan_catches_word_lists():
    src = '''
"""Docstrings may | name | words | like | these (freely)."""
BODY = frozenset("knee knees genou genoux leg jambe".split())
SITES = ("wrist", "poignet", "shoulder", "epaule", "elbow")
MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5}
PAST = r"\\b(did|was|were|had|received)\\b"
SECTIONS_OK = ("title", "summary", "introduction", "case", "figures", "discussion")
SHORT_OK = r"\\b(right|droit)\\b"
'''
    found = flags(src)
    assert [f.split(":")[0] for f in found] == ["3", "4", "5", "6"], found


# --- the language files ---------------------------------------------------------------------------

def _keys(model, raw: dict, where: str) -> list[str]:
    """Keys of the model missing from ``raw``, recursively through nested sections."""
    missing = []
    for name, field in model.model_fields.items():
        if name not in raw:
            missing.append(f"{where}{name}")
        elif isinstance(field.annotation, type) and issubclass(field.annotation, Understand.__base__):
            missing += _keys(field.annotation, raw[name], f"{where}{name}.")
    return missing


def test_each_language_file_loads():
    assert {"fr", "en"} <= set(languages())
    for lang in languages():
        u = load_language(lang)
        assert u.stop_words and u.intent_cues and u.months


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_french_and_english_define_every_key(lang):
    raw = yaml.safe_load((LANG_DIR / lang / FILE).read_text(encoding="utf-8"))
    assert not _keys(Understand, raw, ""), _keys(Understand, raw, "")


def test_french_and_english_cue_the_same_intents():
    fr, en = load_language("fr"), load_language("en")
    assert set(fr.intent_cues) == set(en.intent_cues) == set(intents.TOPICS)
    assert all(fr.intent_cues[i] and en.intent_cues[i] for i in intents.TOPICS)


def _spanish(root: Path, **override) -> None:
    """French and English as shipped, plus a tiny Spanish file (every key, few words)."""
    for lang in ("fr", "en"):
        (root / lang).mkdir(parents=True)
        shutil.copy(LANG_DIR / lang / FILE, root / lang / FILE)
    raw = yaml.safe_load((LANG_DIR / "en" / FILE).read_text(encoding="utf-8"))

    def empty(value):
        if isinstance(value, dict):
            return {k: empty(v) for k, v in value.items()}
        return [] if isinstance(value, list) else value

    es = empty(raw)
    es.update(stemmer="spanish", stop_words=["el", "los", "las", "que"], months={"enero": 1, "febrero": 2},
              intent_cues={"treatment": ["tratamiento"], "risk_factors": ["factores de riesgo"]},
              body=["rodilla"], followup_openers=["y "])
    es["subject"]["asker"] = ["mi"]
    es.update(override)
    (root / "es").mkdir()
    (root / "es" / FILE).write_text(yaml.safe_dump(es, allow_unicode=True), encoding="utf-8")


def test_a_third_language_is_picked_up_without_code(tmp_path):
    _spanish(tmp_path)
    lex = lexicon(tmp_path)
    assert list(lex.by_lang) == ["en", "es", "fr"]
    assert {"el", "les", "the"} <= lex.union("stop_words")
    assert lex.months["enero"] == 1 and lex.months["janvier"] == 1 and lex.months["january"] == 1
    assert "tratamiento" in lex.intent_cues["treatment"] and "trait" in lex.intent_cues["treatment"]
    assert "rodilla" in lex.union("body") and "mi" in lex.union("subject.asker")
    assert lex.stemmer("es") == "spanish"
    assert lexicon() is lexicon() and "es" not in lexicon().by_lang  # the shipped folder is untouched


def test_an_unknown_key_names_the_file(tmp_path):
    _spanish(tmp_path, stop_wrds=["el"])
    with pytest.raises(LexiconError, match=r"es/understand.yaml.*stop_wrds"):
        lexicon(tmp_path)


def test_an_unknown_stemmer_is_an_error(tmp_path):
    _spanish(tmp_path, stemmer="castilian")
    with pytest.raises(LexiconError, match="castilian"):
        lexicon(tmp_path)


def test_a_month_told_two_ways_is_an_error(tmp_path):
    _spanish(tmp_path, months={"mars": 4})
    with pytest.raises(LexiconError, match="mars"):
        lexicon(tmp_path).months


# --- the document's own terms come from knowledge/ -----------------------------------------------

def test_document_terms_are_read_from_knowledge():
    t = document_terms()
    assert t.patient_names == ("cm",) and t.ages == ("54",) and t.years == ("2018", "2019")
    assert set(t.knees) == {"right", "left"} and t.lab_figures == ("26.1",)
    assert set(t.history_terms) == {"curtis", "kincaid", "1959"}


def test_document_terms_follow_the_knowledge(tmp_path):
    src = knowledge.DEFAULT_DIR
    dst = tmp_path / "knowledge"
    shutil.copytree(src, dst)
    p = dst / "paragraphs.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("54 ans", "61 ans").replace("54-year", "61-year")
                 .replace("M. CM", "M. JD").replace("Mr CM", "Mr JD"), encoding="utf-8")
    f = dst / "facts.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("Kincaid", "Smith"), encoding="utf-8")
    t = derive_terms(load_knowledge(dst), lexicon())
    assert t.ages == ("61",) and t.patient_names == ("jd",)
    assert "smith" in t.history_terms and "kincaid" not in t.history_terms
