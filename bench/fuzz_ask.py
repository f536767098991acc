#!/usr/bin/env python
"""Coverage-guided fuzzing (atheris / libFuzzer) of ``Assistant.ask``, ``checker.check`` and ``parse_case``.

A script, not a test: it runs until stopped (or ``-runs=N`` / ``-max_total_time=S``) and stops at the first
input that breaks the contract, writing it to ``crash-<sha1>`` in the current folder. The contract is the
one ``tests/test_fuzz_inputs.py`` checks with hypothesis: ``ask`` returns an Answer (``lang`` fr/en, each
citation quoting its paragraph) or raises ``QueryError``; ``check`` returns a Report or raises a
``CaseError`` naming a field; ``parse_case`` returns a Case or raises ``CaseError``. Anything else is a bug.

Usage (atheris is not a project dependency: ``.venv/bin/pip install atheris``)::

    .venv/bin/python bench/fuzz_ask.py -runs=20000 -max_len=4096
    .venv/bin/python bench/fuzz_ask.py -max_total_time=600 corpus_dir/   # keeps interesting inputs
    .venv/bin/python bench/fuzz_ask.py crash-<sha1>                      # replay one input

Model-free (hash embedder, index in a temp folder), so an iteration costs a few milliseconds.
What it leaves out: the CLI and the app (see tests/test_faults.py), and a seed corpus (libFuzzer starts
from empty input and mutates; pass a folder of question files to seed it).
"""
from __future__ import annotations

import json
import sys
import tempfile

import atheris

with atheris.instrument_imports(include=["assistant"]):
    # The checker imports its engine and extractor lazily: import them here so they are instrumented too.
    import assistant.checker.engine  # noqa: F401
    import assistant.checker.extract  # noqa: F401
    import assistant.checker.render  # noqa: F401
    from assistant import Assistant
    from assistant.checker import CaseError, Report, check, parse_case
    from assistant.retriever import QueryError
    from assistant.settings import Settings

ASSISTANT = Assistant(Settings(embedder="hash", index_dir=tempfile.mkdtemp(prefix="tmo-fuzz-index-")))


def _ask(text: str, lang: str | None) -> None:
    try:
        ans = ASSISTANT.ask(text, lang=lang)
    except QueryError as exc:
        assert str(exc).strip(), "QueryError without a message"
        return
    assert ans.lang in ("fr", "en") and (lang is None or ans.lang == lang), ans.lang
    for c in ans.citations:
        assert c.quote in ASSISTANT.kb.paragraph(c.id).text(c.lang), (c.id, c.quote)
    json.dumps(ans.to_json(), ensure_ascii=False, allow_nan=False)


def _case_error(exc: CaseError) -> None:
    assert str(exc).strip() and exc.field, f"CaseError without a field: {exc}"


def _check(obj, lang: str | None) -> None:
    try:
        report = check(obj, lang=lang)
    except CaseError as exc:
        _case_error(exc)
        return
    assert isinstance(report, Report)
    json.dumps(report.to_dict(), ensure_ascii=False, allow_nan=False)


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    target = fdp.ConsumeIntInRange(0, 3)
    lang = [None, "fr", "en"][fdp.ConsumeIntInRange(0, 2)]
    if target == 0:
        _ask(fdp.ConsumeUnicode(fdp.remaining_bytes()), lang)
    elif target == 1:
        _check(fdp.ConsumeUnicode(fdp.remaining_bytes()), lang)
    elif target == 2:  # JSON text (or not) -> structured case
        raw = fdp.ConsumeBytes(fdp.remaining_bytes())
        try:
            case = parse_case(raw)
        except CaseError as exc:
            _case_error(exc)
            return
        _check(case, lang)
    else:  # a JSON value decoded first, as `tmo check` does with a file
        try:
            obj = json.loads(fdp.ConsumeUnicode(fdp.remaining_bytes()))
        except (ValueError, RecursionError):
            return
        _check(obj, lang)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
