"""Case-checker handlers: run a check on a form's case or on free text, and show the report.

What it does: runs :meth:`Assistant.check` on a case dict or free text and never raises: an
empty case, an invalid case and an unexpected failure all come back as a message for the
user, with the report's HTML, its dict and the case as graded (for its timeline) otherwise.
The form (:mod:`.case_form`) and the report's HTML (:mod:`.report_view`) are re-exported here,
where the layout and the tests import them from.

What it leaves out: gradio, and any logging of the case text (only the exception's class name
is logged).
"""
from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field

from ..checker import CaseError
from .case_form import (EPISODE_COLUMNS, EPISODE_HEADERS, FALSE_WORDS, FORM_FIELDS, FORM_GROUPS, TRUE_WORDS,
                        UNKNOWN_WORDS, case_from_form, choices, empty_rows, form_from_case)
from .report_view import STATUS_ICON, report_html
from .texts import t

__all__ = [
    "EPISODE_COLUMNS", "EPISODE_HEADERS", "FALSE_WORDS", "FORM_FIELDS", "FORM_GROUPS", "STATUS_ICON", "TRUE_WORDS",
    "UNKNOWN_WORDS", "CheckResult", "case_from_form", "choices", "empty_rows", "form_from_case", "report_html",
    "run_check",
]

log = logging.getLogger("assistant.app")


@dataclass
class CheckResult:
    html: str
    report: dict | None = None
    case: dict | None = field(default=None)  # the case as graded (for its timeline)
    error: str | None = None


def run_check(assistant, case, ui_lang: str = "en", kb=None, form_follows_ui: bool = True) -> CheckResult:
    """Check a case dict or free text; never raise (errors come back as a message).

    The report's language: free text's own; a form's the interface's (``form_follows_ui``),
    else the case's ``lang`` field.
    """
    if isinstance(case, str) and not case.strip() or isinstance(case, dict) and not case:
        msg = t("empty_case", ui_lang)
        return CheckResult(_note(msg), error=msg)
    try:
        lang = ui_lang if isinstance(case, dict) and form_follows_ui else None
        report = assistant.check(case, lang=lang)
    except CaseError as exc:
        msg = t("case_error", ui_lang, err=str(exc))
        return CheckResult(_note(msg, "error"), error=msg)
    except Exception as exc:  # noqa: BLE001 - a message for the user, the class name for the log
        log.warning("checker handler failed: %s", type(exc).__name__)
        msg = t("error_generic", ui_lang)
        return CheckResult(_note(msg, "error"), error=msg)
    d = report.to_dict()
    graded = case if isinstance(case, dict) else (d.get("extracted") or {})
    return CheckResult(report_html(d, kb), d, graded)


def _note(msg: str, kind: str = "info") -> str:
    return f'<div class="tmo-note tmo-note-{kind}">{html.escape(msg)}</div>'
