"""The structured checker: a case (structured or free text, FR/EN) -> a graded report.

Public API::

    check(case: Case | dict | str, lang: str | None = None) -> Report
    parse_case(obj) -> Case
    CaseError  (ValueError; the message names the field and how to fix it)

A ``str`` is free text; a ``dict`` (or :class:`Case`) is a structured case. The language of
the report follows ``lang``, else the case's ``lang``, else the text's language. Imports only
pydantic and yaml: the checker starts in well under a second.
"""
from __future__ import annotations

from .case import Case, CaseError, parse_case
from .report import Report

__all__ = ["check", "parse_case", "Case", "CaseError", "Report", "render"]


def check(case: "Case | dict | str", lang: str | None = None, criteria=None) -> Report:
    """Grade one case; raise :class:`CaseError` if it cannot be read."""
    from .engine import grade

    if isinstance(case, str):
        from .extract import extract

        parsed, prov = extract(case, lang)
        report = grade(parsed, lang or parsed.lang or "en", prov, criteria, input_kind="text")
        report.extracted = parsed.model_dump(mode="json", exclude_none=True)
        return report
    if not isinstance(case, (dict, Case)):
        raise CaseError(f"case: expected a dict, a Case or free text; got {type(case).__name__}", field="(case)")
    parsed = parse_case(case)
    return grade(parsed, lang or parsed.lang or "en", None, criteria)


def render(report: Report) -> str:
    from .render import render as _render

    return _render(report)
