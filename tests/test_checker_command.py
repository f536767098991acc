"""``check_command``: JSON file, --text, stdin batch with a bad line; errors exit 2 without a traceback."""
from __future__ import annotations

import io
import json

import pytest

from assistant.checker.command import check_command

CASE = {"lang": "en", "age": 50, "sex": "male", "onset": "sudden", "trauma": False,
        "episodes": [{"joint": "knee", "side": "right", "mri": {"bone_marrow_edema": True}}]}


def test_json_file(tmp_path, capsys):
    p = tmp_path / "case.json"
    p.write_text(json.dumps(CASE), encoding="utf-8")
    assert check_command(str(p), None, True) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == 1 and out[0]["verdict"] == "probable" and out[0]["migratory"] is False


@pytest.mark.parametrize("text, lang, marker", [
    ("Homme de 50 ans, gonalgie droite brutale, pas de fièvre.", "fr", "Verdict"),
    ("A 50-year-old man with sudden right knee pain, no fever.", "en", "Verdict"),
])
def test_text_human_readable(capsys, text, lang, marker):
    assert check_command(None, text, False) == 0
    out = capsys.readouterr().out
    assert marker in out and "POSSIBLE" in out
    assert ("pas un diagnostic" in out) if lang == "fr" else ("not a diagnosis" in out)


def test_stdin_batch_with_bad_lines(monkeypatch, capsys):
    lines = [json.dumps(CASE), "{not json", "Sudden right knee pain in a 50-year-old man.", "",
             json.dumps({"age": -3}), "Homme de 40 ans, coxalgie gauche brutale."]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert check_command("-", None, True) == 2
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == 5
    assert out[0]["verdict"] == "probable"
    assert out[1]["line"] == 2 and "JSON" in out[1]["error"]
    assert out[2]["verdict"] == "possible"
    assert out[3]["line"] == 5 and out[3]["field"] == "age"
    assert out[4]["lang"] == "fr"


@pytest.mark.parametrize("args, words", [
    ((None, None, True), ["give a CASE"]),
    (("/no/such/file.json", None, True), ["no such file"]),
    (("x.json", "text", True), ["not both"]),
])
def test_usage_errors(capsys, args, words):
    assert check_command(*args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for w in words:
        assert w in err


def test_bad_json_file(tmp_path, capsys):
    p = tmp_path / "bad.json"
    p.write_text('{"age": 50,,}', encoding="utf-8")
    assert check_command(str(p), None, True) == 2
    err = capsys.readouterr().err
    assert "not valid JSON at line 1" in err and "Traceback" not in err


def test_invalid_case_file_names_the_field(tmp_path, capsys):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps({"labs": {"crp": "high"}}), encoding="utf-8")
    assert check_command(str(p), None, False) == 2
    assert "labs.crp" in capsys.readouterr().err


def test_huge_text_is_refused(capsys):
    assert check_command(None, "x" * 1_000_000, True) == 2
    assert "at most" in capsys.readouterr().err
