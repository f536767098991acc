"""``tmo check``: the command-line semantics, as one function the CLI registers.

What it does: ``check_command(case, text, as_json)`` reads a JSON case file, ``-`` for a stdin batch
(one case per line: a line starting with ``{`` is a JSON case, any other non-empty line is free
text) or ``--text``; prints one JSON object per case per line with ``--json``, else the
human-readable report. Errors go to stderr as one clear line and exit code 2, never a traceback;
in a stdin batch a bad line prints ``{"line": n, "error": "..."}`` and the batch goes on (exit 2 at
the end if any line failed).

What it leaves out: argument parsing (``assistant/cli.py``).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from . import CaseError, check
from .render import render

MAX_FILE_BYTES = 2_000_000


def _emit(report, as_json: bool, out) -> None:
    if as_json:
        out.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.write(render(report) + "\n\n")


def _error(msg: str) -> int:
    sys.stderr.write(f"tmo check: error: {msg}\n")
    return 2


def _one(obj, lang=None):
    return check(obj, lang)


def check_command(case: str | None, text: str | None, as_json: bool, lang: str | None = None) -> int:
    out = sys.stdout
    try:
        if text is not None:
            if case is not None:
                return _error("give either a CASE file (or -) or --text, not both")
            _emit(_one(text, lang), as_json, out)
            return 0
        if case is None:
            return _error("give a CASE (a JSON file, or - for stdin, one case per line) or --text \"free text\"")
        if case == "-":
            return _batch(sys.stdin, as_json, out, lang)
        path = Path(case)
        if not path.is_file():
            return _error(f"{case}: no such file; give a JSON case file, - for stdin, or --text \"...\"")
        if path.stat().st_size > MAX_FILE_BYTES:
            return _error(f"{case}: {path.stat().st_size:,} bytes; a case file is at most {MAX_FILE_BYTES:,} bytes")
        raw = path.read_text(encoding="utf-8", errors="replace")
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            return _error(f"{case}: not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg}); "
                          "check quotes, commas and braces")
        items = data if isinstance(data, list) else [data]
        status = 0
        for i, item in enumerate(items):
            try:
                _emit(_one(item, lang), as_json, out)
            except CaseError as exc:
                where = f"{case}[{i}]" if isinstance(data, list) else case
                if as_json and isinstance(data, list):
                    out.write(json.dumps({"index": i, "error": str(exc), "field": exc.field}, ensure_ascii=False) + "\n")
                else:
                    sys.stderr.write(f"tmo check: error: {where}: {exc}\n")
                status = 2
        return status
    except CaseError as exc:
        return _error(str(exc))
    except (OSError, UnicodeError, RecursionError, ValueError) as exc:
        return _error(f"{type(exc).__name__}: {exc}")


def _batch(stream, as_json: bool, out, lang: str | None) -> int:
    status = 0
    for n, line in enumerate(stream, start=1):
        line = line.strip()
        if not line:
            continue
        try:
            if line.startswith("{"):
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CaseError(f"line {n}: not valid JSON at column {exc.colno} ({exc.msg})", field="(json)") from None
                report = _one(obj, lang)
            else:
                report = _one(line, lang)
            _emit(report, as_json, out)
        except (CaseError, RecursionError, ValueError) as exc:
            status = 2
            field = getattr(exc, "field", None)
            if as_json:
                out.write(json.dumps({"line": n, "error": str(exc), "field": field}, ensure_ascii=False) + "\n")
            else:
                sys.stderr.write(f"tmo check: error: line {n}: {exc}\n")
        out.flush()
    return status
