"""The ``tmo`` command line, per the contract in DESIGN.md (run in-process with typer's runner)."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.cli import app

runner = CliRunner()
HASH = ["--embedder", "hash"]


@pytest.fixture
def idx(tmp_path_factory):
    return ["--index-dir", str(tmp_path_factory.getbasetemp() / "cli-index")]


@pytest.mark.parametrize("q,lang", [("Quels sont les facteurs de risque ?", "fr"), ("What are the risk factors?", "en")])
def test_ask_json_contract(q, lang, idx):
    r = runner.invoke(app, ["ask", q, "--json", *HASH, *idx])
    assert r.exit_code == 0, r.output
    obj = json.loads(r.stdout.strip().splitlines()[-1])
    assert {"question", "lang", "answer", "abstained", "citations"} <= set(obj)
    assert obj["lang"] == lang and isinstance(obj["abstained"], bool)
    for c in obj["citations"]:
        assert {"id", "section", "quote", "score"} <= set(c)


def test_ask_reads_one_question_per_stdin_line_in_order(idx):
    r = runner.invoke(app, ["ask", "--json", *HASH, *idx], input="What is the treatment?\nQuel traitement ?\n")
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.stdout.strip().splitlines()]
    assert [x["lang"] for x in lines] == ["en", "fr"]


def test_a_blank_batch_line_yields_an_error_line_in_place_and_exit_2(idx):
    r = runner.invoke(app, ["ask", "--json", *HASH, *idx], input="What is the treatment?\n\nQuel traitement ?\n")
    assert r.exit_code == 2
    lines = [json.loads(x) for x in r.stdout.strip().splitlines()]
    assert len(lines) == 3 and lines[1] == {"question": "", "error": lines[1]["error"]} and "empty" in lines[1]["error"]
    assert [lines[0]["lang"], lines[2]["lang"]] == ["en", "fr"]


def test_ask_empty_question_is_a_clear_error(idx):
    r = runner.invoke(app, ["ask", "   ", *HASH, *idx])
    assert r.exit_code == 2 and "empty" in r.output


def test_ask_human_output_has_sources_and_disclaimer(idx):
    r = runner.invoke(app, ["ask", "What are the risk factors?", *HASH, *idx])
    assert r.exit_code == 0 and "Sources" in r.stdout and "not a diagnosis" in r.stdout


def test_check_text_json():
    r = runner.invoke(app, ["check", "--json", "--text",
                            "Homme de 50 ans, douleur brutale du genou droit sans traumatisme. IRM : œdème médullaire "
                            "du condyle fémoral interne."])
    assert r.exit_code == 0, r.output
    obj = json.loads(r.stdout.strip().splitlines()[-1])
    assert obj["verdict"] in {"confirmed", "probable", "possible", "unlikely", "insufficient"}
    assert isinstance(obj["migratory"], bool) and isinstance(obj["criteria"], list)


def test_index_command_reports_the_manifest(idx):
    r = runner.invoke(app, ["index", *HASH, *idx])
    assert r.exit_code == 0 and "chunks" in r.stdout


def test_eval_writes_reports_and_gates(tmp_path, idx, monkeypatch):
    qf = tmp_path / "q.jsonl"
    qf.write_text(json.dumps({"question": "What are the risk factors?", "language": "en",
                              "key_facts": [["smoking"]], "gold_ids": ["disc-1"]}) + "\n" +
                  json.dumps({"question": "Send me a recipe for a carrot cake.", "language": "en",
                              "answerable": False}) + "\n")
    r = runner.invoke(app, ["eval", "--questions", str(qf), "--out", str(tmp_path / "rep"), *HASH, *idx])
    assert r.exit_code == 0, r.output
    rep = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert rep["questions"][str(qf)]["n"] == 2
    assert (tmp_path / "rep" / "report.md").exists() and (tmp_path / "rep" / "report.png").exists()
    import assistant.evaluation as ev

    monkeypatch.setitem(ev.GATES, "language_match", 1.01)  # impossible: the gate must fail
    r = runner.invoke(app, ["eval", "--questions", str(qf), "--out", str(tmp_path / "rep2"), "--gate", *HASH, *idx])
    assert r.exit_code == 1


def test_eval_rejects_a_malformed_question_file(tmp_path, idx):
    qf = tmp_path / "bad.jsonl"
    qf.write_text('{"question": "x", "language": "de"}\n')
    r = runner.invoke(app, ["eval", "--questions", str(qf), "--out", str(tmp_path / "rep"), *HASH, *idx])
    assert r.exit_code == 2 and "bad.jsonl:1" in r.output
