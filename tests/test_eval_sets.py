"""Validate the evaluation question sets in evals/ against the curated source.

Checks structure (every line parses, fields and enums, unique ids, FR/EN balance, sizes) and
faithfulness: every key fact of an answerable question must be stated, in the question's language,
by one of its gold paragraphs, so the sets never ask for something the source does not say.
It does not run the assistant; scoring answers is the eval runner's job.
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "evals" / "questions.jsonl"
CONVERSATIONS = ROOT / "evals" / "conversations.jsonl"
PARAGRAPHS = ROOT / "knowledge" / "paragraphs.yaml"

LANGUAGES = {"fr", "en"}
TOPICS = {
    "risk_factors", "epidemiology", "sites", "imaging_mri", "imaging_bone_scan", "imaging_dxa",
    "imaging_radiograph", "labs", "joint_fluid_biopsy", "course", "migration", "treatment_general",
    "treatment_patient", "differential", "pathophysiology", "histology", "history", "case_timeline",
    "case_presentation", "definition", "diagnosis", "out_of_scope",
}
KINDS = {"direct", "paraphrase", "lay", "typo", "case", "out_of_scope"}
QUESTION_FIELDS = {"id", "question", "language", "topic", "answerable", "key_facts", "gold_ids", "kind"}


def fold(text: str) -> str:
    """Lower-case, strip accents, spell out ligatures, unify apostrophes and spaces."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    text = text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:  # pragma: no cover - message for the fixer
            pytest.fail(f"{path.name} line {n} is not valid JSON: {exc}")
    return rows


@pytest.fixture(scope="module")
def paragraphs() -> dict[str, dict]:
    data = yaml.safe_load(PARAGRAPHS.read_text(encoding="utf-8"))
    return {p["id"]: p for p in data}


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    return read_jsonl(QUESTIONS)


@pytest.fixture(scope="module")
def conversations() -> list[dict]:
    return read_jsonl(CONVERSATIONS)


def check_key_facts_shape(key_facts, where: str) -> None:
    assert isinstance(key_facts, list), f"{where}: key_facts must be a list of groups"
    for group in key_facts:
        assert isinstance(group, list) and group, f"{where}: each key-fact group is a non-empty list"
        for alt in group:
            assert isinstance(alt, str) and alt.strip(), f"{where}: key-fact alternatives are non-empty strings"


def unfaithful_groups(key_facts, gold_ids, lang, paragraphs) -> list[list[str]]:
    """Key-fact groups none of whose alternatives occurs in the gold paragraphs' text in `lang`."""
    texts = [fold(paragraphs[g][lang]) for g in gold_ids if g in paragraphs]
    return [group for group in key_facts
            if not any(fold(alt) in text for alt in group for text in texts)]


# ------------------------------------------------------------------ questions.jsonl

def test_questions_fields_and_enums(questions):
    for q in questions:
        assert set(q) == QUESTION_FIELDS, f"{q.get('id')}: fields {sorted(set(q) ^ QUESTION_FIELDS)}"
        assert isinstance(q["question"], str) and q["question"].strip(), q["id"]
        assert q["language"] in LANGUAGES, q["id"]
        assert q["topic"] in TOPICS, f"{q['id']}: unknown topic {q['topic']!r}"
        assert q["kind"] in KINDS, f"{q['id']}: unknown kind {q['kind']!r}"
        assert isinstance(q["answerable"], bool), q["id"]
        check_key_facts_shape(q["key_facts"], q["id"])
        assert isinstance(q["gold_ids"], list), q["id"]


def test_question_ids_unique(questions):
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_question_counts_and_balance(questions):
    assert len(questions) >= 120
    fr = sum(q["language"] == "fr" for q in questions)
    en = sum(q["language"] == "en" for q in questions)
    assert abs(fr - en) <= 2, f"fr={fr} en={en}"
    unanswerable = [q for q in questions if not q["answerable"]]
    assert len(unanswerable) >= 24
    fr_u = sum(q["language"] == "fr" for q in unanswerable)
    assert abs(fr_u - (len(unanswerable) - fr_u)) <= 2


def test_every_topic_covered(questions):
    assert {q["topic"] for q in questions} == TOPICS


def test_gold_ids_exist(questions, paragraphs):
    for q in questions:
        missing = [g for g in q["gold_ids"] if g not in paragraphs]
        assert not missing, f"{q['id']}: unknown gold ids {missing}"


def test_answerable_have_facts_and_gold(questions):
    for q in questions:
        if q["answerable"]:
            assert 1 <= len(q["key_facts"]) <= 3, f"{q['id']}: 1 to 3 key-fact groups"
            assert q["gold_ids"], f"{q['id']}: no gold id"
            assert q["topic"] != "out_of_scope" and q["kind"] != "out_of_scope", q["id"]
        else:
            assert q["key_facts"] == [] and q["gold_ids"] == [], q["id"]
            assert q["topic"] == "out_of_scope" and q["kind"] == "out_of_scope", q["id"]


def test_key_facts_are_stated_by_gold_paragraphs(questions, paragraphs):
    problems = []
    for q in questions:
        if q["answerable"]:
            bad = unfaithful_groups(q["key_facts"], q["gold_ids"], q["language"], paragraphs)
            if bad:
                problems.append(f"{q['id']} ({q['language']}, gold {q['gold_ids']}): {bad}")
    assert not problems, "key facts not found in gold paragraphs:\n" + "\n".join(problems)


# ------------------------------------------------------------------ conversations.jsonl

def test_conversations_shape(conversations):
    assert len(conversations) >= 12
    ids = [c["id"] for c in conversations]
    assert len(ids) == len(set(ids))
    fr = sum(c["language"] == "fr" for c in conversations)
    assert abs(fr - (len(conversations) - fr)) <= 1, f"fr={fr} of {len(conversations)}"
    for c in conversations:
        assert set(c) == {"id", "language", "turns"}, c.get("id")
        assert c["language"] in LANGUAGES, c["id"]
        assert len(c["turns"]) >= 2, f"{c['id']}: a conversation needs a follow-up"
        for t in c["turns"]:
            assert set(t) == {"question", "key_facts", "gold_ids"}, c["id"]
            assert isinstance(t["question"], str) and t["question"].strip(), c["id"]
            check_key_facts_shape(t["key_facts"], c["id"])
            # A turn the source does not cover has neither key facts nor gold ids.
            assert bool(t["key_facts"]) == bool(t["gold_ids"]), f"{c['id']}: {t['question']}"
        assert c["turns"][0]["gold_ids"], f"{c['id']}: the opening turn must be answerable"


def test_conversation_turns_faithful(conversations, paragraphs):
    problems = []
    for c in conversations:
        for n, t in enumerate(c["turns"], 1):
            missing = [g for g in t["gold_ids"] if g not in paragraphs]
            if missing:
                problems.append(f"{c['id']} turn {n}: unknown gold ids {missing}")
                continue
            bad = unfaithful_groups(t["key_facts"], t["gold_ids"], c["language"], paragraphs)
            if bad:
                problems.append(f"{c['id']} turn {n}: {bad}")
    assert not problems, "\n".join(problems)
