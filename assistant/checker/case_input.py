"""Structured input -> a :class:`~assistant.checker.case.Case`, with errors that say how to fix them.

What it does: :func:`parse_case` accepts a :class:`Case`, a dict, or JSON text or bytes, validates it,
and turns any problem into a :class:`~assistant.checker.case.CaseError` whose message names the field
(``episodes[0].mri.findings[1]``), what is wrong, and the fix (the allowed values, the closest known
field name); :func:`export_schema` writes the JSON Schema ``knowledge/case.schema.json``.

What it leaves out: the models themselves (:mod:`.case`) and free text (:mod:`.extract`).
"""
from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .case import (DXA, MRI, SCHEMA_PATH, UNITS, BoneScan, Case, CaseError, Episode, Exposures, History, JointFluid,
                   Labs, Pregnancy, Quantity, Radiograph, Resolution)

_HINTS = {
    "extra_forbidden": "this field does not exist",
    "missing": "add it",
    "literal_error": "use one of the allowed values",
    "bool_parsing": "use true or false (or leave the field out if unknown)",
    "bool_type": "use true or false (or leave the field out if unknown)",
    "float_parsing": "give a number",
    "float_type": "give a number",
    "int_parsing": "give a whole number",
    "greater_than_equal": "the value is impossible",
    "less_than_equal": "the value is impossible",
    "string_type": "give a text string",
    "list_type": "give a list",
    "model_type": "give an object {...}",
    "dict_type": "give an object {...}",
}

_MODELS: dict[str, type[BaseModel]] = {}


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("float", "Quantity", "bool", "str", "int") or "[" in str(part) or str(part).startswith("function-"):
            continue
        else:
            name = str(part)
            if not re.fullmatch(r"[A-Za-z_]\w*", name):
                name = json.dumps(name, ensure_ascii=False)
            out += ("." if out else "") + name
    return out or "(case)"


def _model_at(loc: tuple) -> type[BaseModel] | None:
    model: Any = Case
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        f = getattr(model, "model_fields", {}).get(part)
        if f is None:
            return None
        ann = f.annotation
        nxt = None
        for cand in (Episode, MRI, BoneScan, DXA, Radiograph, Resolution, Labs, JointFluid, Exposures, History,
                     Pregnancy, Quantity):
            if cand is ann or cand in getattr(ann, "__args__", ()) or any(
                    cand in getattr(a, "__args__", ()) for a in getattr(ann, "__args__", ())):
                nxt = cand
                break
        if nxt is None:
            return None
        model = nxt
    return model


def _describe(err: dict) -> tuple[str, str]:
    """(field path, message naming it and the fix) for one pydantic error."""
    text = _describe_text(err)
    loc = tuple(err.get("loc", ()))
    field = _field_path(loc)
    if err.get("type") == "value_error":
        m = re.match(r"^([A-Za-z_][\w\[\].]*): ", text)
        if m:
            field = m.group(1)
    return field, text


def _describe_text(err: dict) -> str:
    loc = tuple(err.get("loc", ()))
    field = _field_path(loc)
    etype = err.get("type", "")
    got = err.get("input")
    if etype == "extra_forbidden":
        model = _model_at(loc)
        known = list(getattr(model, "model_fields", {})) if model else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean `{close[0]}`?" if close else f"known fields here: {', '.join(known)}"
        return f"{field}: unknown field; {hint} (missing values are simply left out)"
    if etype == "literal_error":
        allowed = err.get("ctx", {}).get("expected", "")
        return f"{field}: {got!r} is not allowed; use one of {allowed}"
    if etype in ("float_parsing", "float_type") and isinstance(got, str):
        extra = ""
        if field.startswith("labs."):
            extra = (f" in {UNITS.get(field.split('.')[1], ('the canonical unit',))[0]}, or "
                     "{\"value\": 1.2, \"unit\": \"mg/dL\"}; if you only know it is raised, "
                     "set labs.inflammatory_syndrome to true")
        return f"{field}: expected a number{extra}; got {got!r}"
    msg = err.get("msg", "invalid")
    msg = re.sub(r"^(Value error|Assertion failed), ", "", msg)
    if etype == "value_error":
        m = re.match(r"^([A-Za-z_][\w\[\].]*): (.*)$", msg, re.S)
        if m:
            sub = m.group(1)
            full = f"{field}.{sub}" if field != "(case)" else sub
            return f"{full}: {m.group(2)}"
        return f"{field}: {msg}"
    hint = _HINTS.get(etype, "correct the value")
    shown = f" (got {got!r})" if etype in ("greater_than_equal", "less_than_equal", "bool_parsing",
                                           "bool_type", "string_type") else ""
    return f"{field}: {msg}{shown}; {hint}"


def parse_case(obj: Case | dict | str | bytes) -> Case:
    """A :class:`Case` from a Case, a dict or a JSON text; raise :class:`CaseError` naming the field."""
    if isinstance(obj, Case):
        return obj
    if isinstance(obj, (str, bytes)):
        try:
            obj = json.loads(obj)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            pos = f" at line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
            raise CaseError(f"case: not valid JSON{pos} ({exc.msg if hasattr(exc, 'msg') else exc}); "
                            "check quotes, commas and braces", field="(json)") from None
        except RecursionError:
            raise CaseError("case: JSON nested too deeply; a case is a flat object with an episodes list",
                            field="(json)") from None
    if not isinstance(obj, dict):
        raise CaseError(f"case: expected a JSON object {{...}} with fields such as age, sex, episodes; "
                        f"got {type(obj).__name__}", field="(case)")
    try:
        return Case.model_validate(obj)
    except ValidationError as exc:
        errs = exc.errors(include_url=False)
        lines, seen, fields = [], set(), []
        for e in errs:
            fld, text = _describe(e)
            if fld not in seen:
                seen.add(fld)
                lines.append(text)
                fields.append(fld)
        first = fields[0] if fields else "(case)"
        errs = lines
        more = f" (+{len(errs) - 8} more)" if len(errs) > 8 else ""
        raise CaseError("invalid case: " + "; ".join(lines[:8]) + more, field=first) from None
    except (TypeError, RecursionError) as exc:  # pathological inputs
        raise CaseError(f"invalid case: {exc}", field="(case)") from None


def export_schema(path: Path | None = None) -> dict:
    """Write the JSON Schema of :class:`Case` (sorted keys, stable) and return it."""
    schema = Case.model_json_schema()
    schema["$comment"] = ("Generated by assistant.checker.case.export_schema(); do not edit by hand. "
                          "Missing fields mean unknown, not false.")
    path = path or SCHEMA_PATH
    path.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return schema
