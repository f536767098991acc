"""The case checker's form: its fields, form values -> case dict, and back.

What it does: declares the form (the case schema's main fields, with unknown as a real choice,
grouped as the app shows them, and an episodes table with headers in both languages), turns
the form's values into a case dict for :func:`assistant.checker.check` (blank means unknown,
never false; a yes/no cell that is neither is a :class:`~assistant.checker.CaseError` that names
the cell), and fills the form from a case dict (the 'load an example' button).

What it leaves out: gradio (the layout builds the components from these declarations), running
the check (:mod:`.checking`) and the report (:mod:`.report_view`).
"""
from __future__ import annotations

from ..checker import CaseError
from .texts import t

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
