"""The question bank: validated on load, labelled against real ids, and no copy of the evaluation sets."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from assistant.bank import load_bank
from assistant.knowledge import KnowledgeError, load_knowledge
from assistant.text import fold

REPO = Path(__file__).resolve().parent.parent


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", fold(text)).split())


@pytest.fixture(scope="module")
def bank():
    return load_bank(load_knowledge(REPO / "knowledge"))


def test_bank_covers_both_languages_and_both_sides(bank):
    for lang in ("fr", "en"):
        mine = [e for e in bank if e.lang == lang]
        assert sum(e.answerable for e in mine) >= 300
        assert sum(not e.answerable for e in mine) >= 50
    assert {e.about for e in bank} == {"disease", "case", "asker"}
    assert all(e.reason for e in bank if not e.answerable)


def test_every_fact_and_timeline_step_is_asked_in_both_languages(bank):
    kb = load_knowledge(REPO / "knowledge")
    first = {(e.answers[0], e.lang) for e in bank if e.answerable}
    anywhere = {(ref, e.lang) for e in bank if e.answerable for ref in e.answers}
    for item in list(kb.facts) + list(kb.timeline):
        for lang in ("fr", "en"):
            assert (item.id, lang) in anywhere, f"no {lang} bank question is answered by {item.id}"
    assert len(first) > 150


def test_no_bank_question_copies_an_evaluation_question(bank):
    asked = set()
    for path in (REPO / "evals").glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            for q in [row.get("question")] + [t.get("question") for t in row.get("turns", [])]:
                if q:
                    asked.add(_norm(q))
    copies = [e.id for e in bank if _norm(e.text) in asked]
    assert not copies, f"bank questions identical to evaluation questions (folded): {copies[:10]}"


@pytest.mark.parametrize("edit, message", [
    ({"answers": ["no_such_fact"]}, "no_such_fact"),
    ({"answers": []}, "lists no `answers`"),
    ({"register": "poetry"}, "register"),
    ({"colour": "blue"}, "colour"),
])
def test_a_broken_bank_entry_fails_with_the_file_and_the_fix(knowledge_copy, edit, message):
    path = knowledge_copy / "bank" / "extra.yaml"
    entry = {"id": "x-one", "lang": "en", "text": "What is it?", "register": "trainee", "about": "disease",
             "asks": ["definition"], "answers": ["def_triad"], **edit}
    path.write_text(yaml.safe_dump({"questions": [entry]}), encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        load_bank(load_knowledge(knowledge_copy))
    assert "extra.yaml" in str(exc.value) and message in str(exc.value)


def test_a_near_miss_needs_a_reason(knowledge_copy):
    path = knowledge_copy / "bank" / "extra.yaml"
    path.write_text(yaml.safe_dump({"questions": [{"id": "x-nm", "lang": "fr", "text": "Prévalence ?",
                                                   "register": "clinician", "about": "disease",
                                                   "answerable": False}]}), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="reason"):
        load_bank(load_knowledge(knowledge_copy))


def test_an_eval_file_error_names_the_line_and_the_field(tmp_path):
    from assistant.evaluation import Question, load_jsonl

    f = tmp_path / "mine.jsonl"
    f.write_text('{"question": "Quels FdR ?", "language": "fr"}\n{"question": "x", "language": "de"}\n',
                 encoding="utf-8")
    with pytest.raises(ValueError) as exc:
        load_jsonl(f, Question)
    assert "mine.jsonl:2" in str(exc.value) and "field 'language'" in str(exc.value)


def test_metrics_with_nothing_to_count_are_not_applicable():
    from assistant.evaluation import Question, answer_row, summarise

    q = Question(question="Quels FdR ?", language="fr", key_facts=[["tabac"]])
    s = summarise([answer_row(q, "Le tabac.", False, "fr", ["disc-1"])])
    assert s["answer_accuracy"] == 1.0 and s["abstention_precision"] is None and s["abstention_recall"] is None


def test_an_unknown_tmo_variable_is_named_with_the_closest_setting():
    from assistant.settings import warn_unknown_env

    msgs = warn_unknown_env({"TMO_EMBEDER": "hash", "TMO_EMBEDDER": "hash", "HOME": "/x"})
    assert len(msgs) == 1 and "TMO_EMBEDER" in msgs[0] and "TMO_EMBEDDER" in msgs[0]


def test_every_tmo_variable_the_code_reads_is_known():
    import re

    from assistant.settings import KNOWN_ENV

    read = set()
    for path in (REPO / "assistant").rglob("*.py"):
        read |= set(re.findall(r"\bTMO_[A-Z_]+[A-Z]\b", path.read_text(encoding="utf-8")))
    assert read <= set(KNOWN_ENV), sorted(read - set(KNOWN_ENV))


def _entry(id_, text):
    from assistant.bank import BankEntry
    return BankEntry.model_validate({"id": id_, "lang": "en", "text": text, "register": "lay", "about": "disease",
                                     "answerable": False, "reason": "figure"})


def test_a_bank_question_scored_as_unseen_never_finds_its_own_rewording():
    from assistant.bank import Bank
    from assistant.understand import repeats

    bank = Bank((_entry("n-x-001", "How many shots?"), _entry("n-x-001-p1", "Number of injections?"),
                 _entry("n-x-002", "Which dose?")), None)
    mask = repeats(bank)
    assert mask[0, 1] and mask[1, 0], "a rewording (-p1) is the same question, masked as its own row"
    assert not mask[0, 2] and not mask[1, 2], "another question stays a neighbour"
    assert bank.entries[1].family == "n-x-001" and bank.entries[2].family == "n-x-002"
