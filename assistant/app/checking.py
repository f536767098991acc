"""Case-checker handlers: the form's fields, form -> case dict, and the report as HTML.

What it does: declares the form (the case schema's main fields, with unknown as a real choice,
and an episodes table), turns the form's values into a case dict for
:func:`assistant.checker.check` (blank means unknown, never false), runs the check on a form
or on free text, and renders the report as HTML: the verdict, urgent warnings, differentials
with their reasons, the criteria table (met / not met / unknown, evidence, sources linking to
the Sources tab), the decisive unknowns and the disclaimer.

What it leaves out: gradio, and any logging of the case text.
"""
from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field

from ..checker import CaseError
from .texts import t

log = logging.getLogger("assistant.app")

# (key, kind, dotted path in the case). kind: number | tri | choice:<a>,<b>
FORM_FIELDS: list[tuple[str, str, str]] = [
    ("f_age", "number", "age"),
    ("f_sex", "choice:male,female", "sex"),
    ("f_onset", "choice:sudden,gradual", "onset"),
    ("f_rhythm", "choice:mechanical,inflammatory", "pain_rhythm"),
    ("f_trauma", "tri", "trauma"),
    ("f_pregnancy", "tri", "pregnancy.pregnant"),
    ("f_impairment", "tri", "functional_impairment"),
    ("f_effusion", "tri", "effusion"),
    ("f_warm", "tri", "warm_swollen_joint"),
    ("f_fever", "tri", "fever"),
    ("f_temp", "number", "temperature_c"),
    ("f_night", "tri", "night_pain"),
    ("f_weight_loss", "tri", "weight_loss"),
    ("f_poly", "tri", "polyarticular"),
    ("f_crp", "number", "labs.crp"),
    ("f_esr", "number", "labs.esr"),
    ("f_wbc", "number", "labs.wbc"),
    ("f_inflam", "tri", "labs.inflammatory_syndrome"),
    ("f_steroids", "tri", "exposures.corticosteroids"),
    ("f_alcohol", "tri", "exposures.alcohol"),
    ("f_smoking", "tri", "exposures.smoking"),
    ("f_osteopenia", "tri", "history.osteopenia"),
    ("f_cancer", "tri", "history.cancer"),
]
FORM_GROUPS = {
    "grp_patient": ["f_age", "f_sex", "f_onset", "f_rhythm", "f_trauma", "f_pregnancy", "f_impairment", "f_effusion"],
    "grp_flags": ["f_warm", "f_fever", "f_temp", "f_night", "f_weight_loss", "f_poly"],
    "grp_labs": ["f_crp", "f_esr", "f_wbc", "f_inflam"],
    "grp_history": ["f_steroids", "f_alcohol", "f_smoking", "f_osteopenia", "f_cancer"],
}

# Episode table columns: (header key shown, dotted path in the episode, kind)
EPISODE_COLUMNS: list[tuple[str, str, str]] = [
    ("date", "date", "text"),
    ("joint", "joint", "text"),
    ("side", "side", "text"),
    ("sites", "sites", "list"),
    ("mri_edema", "mri.bone_marrow_edema", "bool"),
    ("mri_date", "mri.date", "text"),
    ("bone_scan_uptake", "bone_scan.uptake", "text"),
    ("dxa_focal_osteoporosis", "dxa.focal_osteoporosis", "bool"),
    ("radiograph_normal", "radiograph.normal", "bool"),
    ("treatment", "treatment", "list"),
    ("resolved_clinically", "resolution.clinical", "bool"),
    ("resolved_on_mri", "resolution.mri", "bool"),
    ("resolution_date", "resolution.date", "text"),
]
EPISODE_HEADERS = {
    "en": ["date", "joint", "side", "sites", "MRI edema", "MRI date", "bone scan uptake", "DXA focal osteoporosis",
           "X-ray normal", "treatment", "resolved (clinical)", "resolved (MRI)", "resolution date"],
    "fr": ["date", "articulation", "côté", "sites", "œdème IRM", "date IRM", "fixation scintigraphie",
           "ostéoporose focale DXA", "radio normale", "traitement", "résolution clinique", "résolution IRM",
           "date de résolution"],
}

TRUE_WORDS = {"yes", "y", "oui", "o", "true", "vrai", "1", "x", "+", "✓"}
FALSE_WORDS = {"no", "n", "non", "false", "faux", "0", "-", "✗"}
UNKNOWN_WORDS = {"", "?", "unknown", "inconnu", "nan", "none", "null"}


def choices(kind: str, lang: str) -> list[tuple[str, str]]:
    """Radio choices (label, value) for a field kind; 'unknown' first and default."""
    if kind == "tri":
        vals = ["yes", "no"]
    elif kind.startswith("choice:"):
        vals = kind.split(":", 1)[1].split(",")
    else:
        return []
    return [(t("unknown", lang), "unknown")] + [(t(v, lang), v) for v in vals]


def _set(d: dict, path: str, value) -> None:
    keys = path.split(".")
    for k in keys[:-1]:
        d = d.setdefault(k, {})
    d[keys[-1]] = value


def _get(d: dict, path: str):
    for k in path.split("."):
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _cell_bool(v, where: str) -> bool | None:
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    s = str(v).strip().lower()
    if s in UNKNOWN_WORDS:
        return None
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    raise CaseError(f"{where}: {v!r} is not yes/no; write yes or no (oui/non), or leave it blank if unknown",
                    field=where)


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and v.strip() in ("", "nan"))


def case_from_form(values: dict, episode_rows) -> dict:
    """The case dict for the checker from the form's values (``{field key: value}``) and episode rows.

    Unknown and blank values are left out (missing means unknown, not false).
    """
    case: dict = {}
    for key, kind, path in FORM_FIELDS:
        v = values.get(key)
        if _blank(v) or v == "unknown":
            continue
        if kind == "number":
            try:
                v = float(v)
            except (TypeError, ValueError):
                raise CaseError(f"{path}: {v!r} is not a number", field=path) from None
        elif kind == "tri":
            v = {"yes": True, "no": False}.get(v, v)
        _set(case, path, v)
    episodes = []
    for i, row in enumerate(_rows(episode_rows)):
        cells = list(row) + [None] * (len(EPISODE_COLUMNS) - len(row))
        if all(_blank(c) for c in cells):
            continue
        ep: dict = {}
        for (name, path, kind), cell in zip(EPISODE_COLUMNS, cells):
            if _blank(cell):
                continue
            where = f"episodes[{i}].{path}"
            if kind == "bool":
                b = _cell_bool(cell, where)
                if b is not None:
                    _set(ep, path, b)
            elif kind == "list":
                items = [s.strip() for s in str(cell).replace(";", ",").split(",") if s.strip()]
                if path == "sites":
                    items = [s.lower().replace(" ", "_").replace("-", "_") for s in items]
                if items:
                    _set(ep, path, items)
            else:
                s = str(cell).strip()
                if path in ("joint", "side", "bone_scan.uptake"):
                    s = s.lower()
                _set(ep, path, s)
        if ep:
            episodes.append(ep)
    if episodes:
        case["episodes"] = episodes
    return case


def _rows(rows) -> list[list]:
    if rows is None:
        return []
    if hasattr(rows, "values") and hasattr(rows, "columns"):  # a pandas DataFrame
        return rows.values.tolist()
    if isinstance(rows, dict) and "data" in rows:
        return list(rows["data"])
    return [list(r) for r in rows]


def form_from_case(case: dict) -> tuple[dict, list[list]]:
    """The form's values and episode rows for a case dict (the 'load an example' button)."""
    values = {}
    for key, kind, path in FORM_FIELDS:
        v = _get(case, path)
        if kind == "tri":
            values[key] = "unknown" if v is None else ("yes" if v else "no")
        elif kind.startswith("choice:"):
            values[key] = v or "unknown"
        else:
            values[key] = v
    rows = []
    for ep in case.get("episodes", []):
        row = []
        for _, path, kind in EPISODE_COLUMNS:
            v = _get(ep, path)
            if v is None:
                row.append("")
            elif kind == "bool":
                row.append("yes" if v else "no")
            elif kind == "list":
                row.append(", ".join(v))
            else:
                row.append(str(v))
        rows.append(row)
    return values, rows


def empty_rows(n: int = 3) -> list[list]:
    return [[""] * len(EPISODE_COLUMNS) for _ in range(n)]


# -- running a check --------------------------------------------------------------------------

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


# -- the report as HTML -------------------------------------------------------------------------

STATUS_ICON = {"met": "✓", "not_met": "✗", "unknown": "?"}


def _source_links(sources, kb) -> str:
    out = []
    for s in sources or []:
        if kb is not None and kb.has(s):
            e = html.escape(s)
            out.append(f'<a href="#para-{e}" class="tmo-cite" data-para="{e}">{e}</a>')
        else:
            out.append(f'<span class="tmo-ref">{html.escape(str(s))}</span>')
    return ", ".join(out)


def _evidence(ev: list[dict], lang: str) -> str:
    parts = []
    for e in ev[:3]:
        if e.get("quote"):
            flags = [t(k, lang) for k in ("negated", "hypothetical", "family", "history") if e.get(k)]
            if e.get("used") is False:
                flags.append(t("ignored", lang))
            q = f"« {e['quote']} »" if lang == "fr" else f"“{e['quote']}”"
            parts.append(html.escape(q) + (f' <span class="tmo-flag">[{html.escape(", ".join(flags))}]</span>'
                                           if flags else ""))
        else:
            val = e.get("value")
            if isinstance(val, list):
                val = ", ".join(map(str, val)) or "—"
            parts.append(f'<code>{html.escape(str(e.get("field")))}</code> = {html.escape(str(val))}')
    return "<br>".join(parts)


def _criteria_rows(criteria: list[dict], lang: str, kb) -> str:
    rows = []
    for c in criteria:
        st = c["status"]
        label = {"met": t("met", lang), "not_met": t("not_met", lang), "unknown": t("st_unknown", lang)}[st]
        rows.append(
            f'<tr class="tmo-st-{st}"><td>{html.escape(c["label"])}</td>'
            f'<td class="tmo-status"><span class="tmo-badge tmo-badge-{st}">{STATUS_ICON[st]} {label}</span></td>'
            f'<td>{_evidence(c.get("evidence", []), lang)}</td><td>{_source_links(c.get("sources"), kb)}</td></tr>')
    return "".join(rows)


def report_html(d: dict, kb=None) -> str:
    """The report dict (``Report.to_dict()``) as HTML, in the report's language."""
    lang = d.get("lang", "en")
    v = d["verdict"]
    out = [f'<div class="tmo-report" data-verdict="{html.escape(v)}">',
           f'<div class="tmo-verdict tmo-verdict-{html.escape(v)}"><span class="tmo-verdict-label">{t("verdict", lang)}'
           f'</span> <strong>{html.escape(v.upper())}</strong> — {html.escape(d.get("label", ""))}</div>']
    if d.get("urgent"):
        out.append(f'<div class="tmo-urgent">⚠️ {html.escape(t("urgent", lang))}</div>')
    # differentials
    out.append(f'<h4>{t("differentials", lang)}</h4>')
    diffs = d.get("differentials") or []
    if diffs:
        out.append('<ul class="tmo-diffs">')
        for x in diffs:
            cls = "tmo-diff tmo-diff-urgent" if x.get("urgent") else "tmo-diff"
            tag = ' <span class="tmo-urgent-tag">URGENT</span>' if x.get("urgent") else ""
            reasons = "".join(f"<li>{html.escape(r)}</li>" for r in x.get("reasons", []))
            src = _source_links(x.get("sources"), kb)
            note = f'<div class="tmo-diff-note">{html.escape(x["note"])}</div>' if x.get("note") else ""
            out.append(f'<li class="{cls}" data-diff="{html.escape(x["id"])}"><strong>{html.escape(x["label"])}</strong>'
                       f' <code>{html.escape(x["id"])}</code>{tag}<ul>{reasons}</ul>{note}'
                       + (f'<div class="tmo-src">{t("sources", lang)}: {src}</div>' if src else "") + "</li>")
        out.append("</ul>")
    else:
        out.append(f'<p class="tmo-muted">{t("no_differentials", lang)}</p>')
    # migration
    steps = d.get("migration") or []
    mig = t("yes" if d.get("migratory") else "no", lang)
    if len(steps) > 1:
        chain = " → ".join(html.escape(" ".join(x for x in (s.get("date") or "?", s.get("joint") or "?",
                                                              s.get("side") or "", "/".join(s.get("sites") or []))
                                                if x)) for s in steps)
        mig += f" <span class='tmo-muted'>({chain})</span>"
    out.append(f'<p><strong>{t("migratory", lang)}:</strong> {mig}</p>')
    # unknowns
    unknowns = d.get("unknowns") or []
    if unknowns:
        out.append(f'<h4>{t("unknowns", lang)}</h4><ul class="tmo-unknowns">')
        for u in unknowns[:8]:
            out.append(f'<li>{html.escape(u["ask"])} <span class="tmo-muted">({t("if_met", lang)}: {u["if_met"]}; '
                       f'{t("if_not_met", lang)}: {u["if_not_met"]})</span></li>')
        out.append("</ul>")
    # criteria
    crit = [c for c in d.get("criteria", []) if c.get("kind") != "red_flag"]
    order = {"met": 0, "not_met": 1, "unknown": 2}
    crit.sort(key=lambda c: order[c["status"]])
    head = (f'<tr><th>{t("criterion", lang)}</th><th>{t("status", lang)}</th><th>{t("evidence", lang)}</th>'
            f'<th>{t("sources", lang)}</th></tr>')
    out.append(f'<h4>{t("criteria", lang)}</h4><table class="tmo-criteria">{head}{_criteria_rows(crit, lang, kb)}</table>')
    flags = [c for c in d.get("criteria", []) if c.get("kind") == "red_flag"]
    if flags:
        flags.sort(key=lambda c: order[c["status"]])
        n_met = sum(c["status"] == "met" for c in flags)
        out.append(f'<details class="tmo-flags"><summary>{t("red_flags", lang)} ({n_met}/{len(flags)} '
                   f'{t("met", lang)})</summary><table class="tmo-criteria">{head}{_criteria_rows(flags, lang, kb)}'
                   f'</table></details>')
    cautions = d.get("cautions") or []
    if cautions:
        out.append(f'<h4>{t("cautions", lang)}</h4><ul>'
                   + "".join(f'<li>{html.escape(c["label"])}</li>' for c in cautions) + "</ul>")
    s = d.get("support") or {}
    if s:
        out.append(f'<p class="tmo-muted">{t("score", lang)}: {s.get("met", 0):g} / {s.get("total", 0):g} '
                   f'({html.escape(str(s.get("note", "")))})</p>')
    out.append(f'<p class="tmo-disclaimer">{html.escape(d.get("disclaimer", ""))}</p></div>')
    return "".join(out)
