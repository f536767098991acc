"""The case schema: what the checker knows about one patient, structured.

What it does: pydantic models (``Case``, ``Episode``, ``Labs``, imaging records) with
``extra="forbid"``; every field is optional, and a missing field means *unknown*, never
*false*. :func:`parse_case` turns a dict or a JSON string into a :class:`Case` and turns
any validation problem into a :class:`CaseError` whose message names the field
(``episodes[0].mri.findings[1]``) and says how to fix it. Labs take a number in the
canonical unit or ``{"value": .., "unit": ..}`` in another known unit.

What it leaves out: free text (see :mod:`assistant.checker.extract`) and grading
(see :mod:`assistant.checker.engine`). The JSON Schema export is
``knowledge/case.schema.json`` (:func:`export_schema`).
"""
from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "case.schema.json"

JOINTS = ("hip", "knee", "ankle", "foot", "shoulder", "elbow", "wrist", "hand", "spine", "sacroiliac")
WEIGHT_BEARING = ("hip", "knee", "ankle", "foot")
SITES = (
    "medial_femoral_condyle", "lateral_femoral_condyle", "femoral_condyles", "trochlea",
    "medial_tibial_plateau", "lateral_tibial_plateau", "posterolateral_tibial_plateau", "tibial_plateau",
    "patella", "fibula", "femoral_head", "femoral_neck", "acetabulum", "greater_trochanter",
    "talus", "distal_tibia", "tibial_plafond", "medial_malleolus", "lateral_malleolus", "calcaneus", "navicular", "cuboid", "cuneiform", "metatarsal",
    "sacrum", "other",
)
MRI_FINDINGS = (
    "effusion", "t1_low", "t2_high", "ill_defined", "enhancement", "subchondral",
    "double_line_sign", "serpiginous_band", "crescent_sign", "collapse", "osteonecrosis",
    "subchondral_line_thin", "subchondral_line_thick", "contour_depression", "fracture_line",
    "meniscal_root_tear", "meniscal_tear", "ligament_tear", "kissing_contusions", "bone_bruise",
    "synovitis", "erosions", "confluent_t1_replacement", "cortical_destruction", "abscess", "sequestrum", "osteomyelitis",
    "focal_lesion", "soft_tissue_mass", "periosteal_reaction", "pathological_fracture",
    "cartilage_loss", "osteophytes", "joint_space_narrowing",
)
RADIOGRAPH_FINDINGS = (
    "osteopenia", "joint_space_narrowing", "osteophytes", "erosions", "fracture", "lytic_lesion",
    "periosteal_reaction", "collapse", "crescent_sign", "sclerosis", "chondrocalcinosis",
    "cortical_destruction", "osteonecrosis", "pathological_fracture", "focal_lesion",
)

Side = Literal["right", "left", "bilateral"]

_ALIASES = {
    "sex": {"m": "male", "man": "male", "homme": "male", "h": "male", "masculin": "male",
            "f": "female", "woman": "female", "femme": "female", "feminin": "female", "féminin": "female"},
    "side": {"droit": "right", "droite": "right", "r": "right", "d": "right",
             "gauche": "left", "l": "left", "g": "left", "bilatéral": "bilateral", "bilateral": "bilateral",
             "both": "bilateral"},
    "joint": {"hanche": "hip", "genou": "knee", "cheville": "ankle", "pied": "foot", "épaule": "shoulder",
              "epaule": "shoulder", "coude": "elbow", "poignet": "wrist", "main": "hand", "rachis": "spine",
              "sacro-iliaque": "sacroiliac", "sacroiliaque": "sacroiliac", "sacro_iliac": "sacroiliac"},
}

# Units: factor to the canonical unit of each lab.
UNITS = {
    "crp": ("mg/L", {"mg/l": 1.0, "mg/dl": 10.0, "g/l": 1000.0}),
    "esr": ("mm/h", {"mm/h": 1.0, "mm": 1.0, "mm/hr": 1.0}),
    "wbc": ("G/L", {"g/l": 1.0, "10^9/l": 1.0, "10e9/l": 1.0, "x10^9/l": 1.0, "giga/l": 1.0,
                    "/mm3": 0.001, "/µl": 0.001, "/ul": 0.001, "/mm³": 0.001, "10^3/µl": 1.0, "10^3/ul": 1.0}),
    "vitamin_d": ("ng/mL", {"ng/ml": 1.0, "nmol/l": 0.4}),
}


class CaseError(ValueError):
    """A case could not be read; the message names the field and how to fix it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _alias(kind: str):
    def fix(v: Any) -> Any:
        if isinstance(v, str):
            key = v.strip().lower()
            return _ALIASES[kind].get(key, key)
        return v
    return fix


def normalise_date(v: Any) -> Any:
    """ISO (YYYY, YYYY-MM, YYYY-MM-DD) or dd/mm/yyyy -> ISO string; other values pass through."""
    if not isinstance(v, str):
        return v
    s = v.strip()
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", s)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if mo > 12 and d <= 12:
            d, mo = mo, d
        s = f"{y:04d}-{mo:02d}-{d:02d}"
    m = re.fullmatch(r"(\d{1,2})[/.](\d{4})", s)
    if m:
        s = f"{int(m.group(2)):04d}-{int(m.group(1)):02d}"
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", s):
        raise ValueError(f"not a date: {v!r}; write YYYY-MM-DD (or YYYY-MM, YYYY, dd/mm/yyyy)")
    parts = [int(p) for p in s.split("-")]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        raise ValueError(f"month {parts[1]} out of range in {v!r}")
    if len(parts) > 2 and not 1 <= parts[2] <= 31:
        raise ValueError(f"day {parts[2]} out of range in {v!r}")
    if not 1900 <= parts[0] <= 2100:
        raise ValueError(f"year {parts[0]} out of range in {v!r}")
    return s


def date_key(s: str | None) -> tuple[int, int, int] | None:
    if not s:
        return None
    parts = [int(p) for p in s.split("-")] + [0, 0]
    return parts[0], parts[1], parts[2]


class Quantity(_Model):
    """A lab value in a unit other than the canonical one."""

    value: float
    unit: str = Field(min_length=1)


def _convert(lab: str, v: Any) -> Any:
    if isinstance(v, Quantity):
        canon, table = UNITS[lab]
        unit = v.unit.strip().lower().replace(" ", "").replace("×", "x").replace("**", "^")
        if unit not in table:
            raise ValueError(f"unknown unit {v.unit!r}; use one of {', '.join(sorted(set(table)))} "
                             f"(or give a plain number in {canon})")
        return v.value * table[unit]
    return v


class Labs(_Model):
    """Blood tests. Numbers are in the canonical unit, or ``{"value": .., "unit": ..}``."""

    crp: float | Quantity | None = Field(None, description="C-reactive protein, mg/L (0-1000)")
    esr: float | Quantity | None = Field(None, description="Erythrocyte sedimentation rate, mm/h (0-200)")
    wbc: float | Quantity | None = Field(None, description="White blood cell count, G/L = 10^9/L (0-500)")
    vitamin_d: float | Quantity | None = Field(None, description="25-OH vitamin D, ng/mL (0-300)")
    inflammatory_syndrome: bool | None = Field(
        None, description="Summary when numbers are not given: true = raised CRP/ESR, false = normal labs")
    rheumatoid_factor: bool | None = Field(None, description="Positive rheumatoid factor")
    anti_ccp: bool | None = Field(None, description="Positive anti-CCP antibodies")

    @field_validator("crp", "esr", "wbc", "vitamin_d", mode="after")
    @classmethod
    def _units(cls, v: Any, info) -> Any:
        v = _convert(info.field_name, v)
        limits = {"crp": 1000, "esr": 200, "wbc": 500, "vitamin_d": 300}
        if v is not None and not 0 <= v <= limits[info.field_name]:
            raise ValueError(f"{v:g} {UNITS[info.field_name][0]} is impossible "
                             f"(expected 0 to {limits[info.field_name]})")
        return v


class JointFluid(_Model):
    """Joint aspirate."""

    appearance: Literal["clear", "cloudy", "turbid", "purulent", "bloody"] | None = None
    wbc_per_mm3: float | None = Field(None, ge=0, le=1_000_000, description="Synovial fluid leucocytes per mm3")
    crystals: bool | None = None
    culture_positive: bool | None = None


class Exposures(_Model):
    """Medications and exposures (true = present, false = explicitly absent)."""

    corticosteroids: bool | None = None
    alcohol: bool | None = Field(None, description="Heavy alcohol use")
    smoking: bool | None = None


class History(_Model):
    """Medical history of the patient (not of the family)."""

    osteoporosis: bool | None = None
    osteopenia: bool | None = None
    bone_metabolism_disorder: bool | None = None
    previous_transient_osteoporosis: bool | None = None
    sickle_cell: bool | None = None
    lupus: bool | None = None
    transplant: bool | None = None
    cancer: bool | None = None
    meniscectomy: bool | None = None
    inflammatory_arthritis: bool | None = Field(None, description="Known rheumatoid arthritis, spondyloarthritis, gout...")
    osteoarthritis: bool | None = Field(None, description="Known osteoarthritis of the joint")
    osteonecrosis: bool | None = Field(None, description="Known osteonecrosis (any site)")


class Pregnancy(_Model):
    pregnant: bool | None = None
    weeks: float | None = Field(None, ge=0, le=45, description="Weeks of gestation (amenorrhoea)")
    trimester: Literal[1, 2, 3] | None = None
    postpartum: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "Pregnancy":
        if self.weeks is not None:
            t = 1 if self.weeks < 14 else 2 if self.weeks < 28 else 3
            if self.trimester is not None and self.trimester != t:
                raise ValueError(f"trimester: {self.weeks:g} weeks is trimester {t}, not {self.trimester}; fix one of them")
            object.__setattr__(self, "trimester", t)
            if self.pregnant is None:
                object.__setattr__(self, "pregnant", True)
        if self.trimester is not None and self.pregnant is None:
            object.__setattr__(self, "pregnant", True)
        return self


class MRI(_Model):
    date: str | None = None
    bone_marrow_edema: bool | None = Field(
        None, description="Epiphyseal bone marrow edema (low T1, high T2 fat-sat/STIR); false = MRI without edema")
    findings: list[Literal[MRI_FINDINGS]] | None = Field(  # type: ignore[valid-type]
        None, description="Other findings reported present. A finding in neither `findings` nor `absent` was not "
                          "mentioned: unknown, not absent")
    absent: list[Literal[MRI_FINDINGS]] | None = Field(  # type: ignore[valid-type]
        None, description="Findings reported absent ('no fracture line', 'pas de liseré')")
    subchondral_line_mm: float | None = Field(None, ge=0, le=50, description="Thickness of a subchondral low-signal line")
    subchondral_line_length_mm: float | None = Field(None, ge=0, le=200)

    _date = field_validator("date", mode="before")(classmethod(lambda cls, v: normalise_date(v)))


class BoneScan(_Model):
    date: str | None = None
    uptake: Literal["increased", "normal", "decreased"] | None = Field(
        None, description="increased = hyperfixation; decreased = cold spot")

    _date = field_validator("date", mode="before")(classmethod(lambda cls, v: normalise_date(v)))


class DXA(_Model):
    date: str | None = None
    focal_osteoporosis: bool | None = Field(None, description="Focal demineralisation of the painful site")
    loss_percent: float | None = Field(None, ge=0, le=100, description="Loss versus the healthy side, %")
    t_score: float | None = Field(None, ge=-10, le=10)

    _date = field_validator("date", mode="before")(classmethod(lambda cls, v: normalise_date(v)))


class Radiograph(_Model):
    date: str | None = None
    normal: bool | None = None
    findings: list[Literal[RADIOGRAPH_FINDINGS]] | None = Field(  # type: ignore[valid-type]
        None, description="Findings reported present; one in neither list was not mentioned: unknown")
    absent: list[Literal[RADIOGRAPH_FINDINGS]] | None = Field(  # type: ignore[valid-type]
        None, description="Findings reported absent")

    _date = field_validator("date", mode="before")(classmethod(lambda cls, v: normalise_date(v)))


class Resolution(_Model):
    clinical: bool | None = Field(None, description="Pain and function back to normal")
    mri: bool | None = Field(None, description="Follow-up MRI shows the edema resolved")
    date: str | None = None
    sequelae: bool | None = None

    _date = field_validator("date", mode="before")(classmethod(lambda cls, v: normalise_date(v)))


class Episode(_Model):
    """One painful episode at one joint (one or several sites), in time order."""

    date: str | None = Field(None, description="Onset, ISO date (YYYY-MM-DD, YYYY-MM or YYYY)")
    joint: Literal[JOINTS] | None = None  # type: ignore[valid-type]
    side: Side | None = None
    sites: list[Literal[SITES]] = Field(default_factory=list)  # type: ignore[valid-type]
    mri: MRI | None = None
    bone_scan: BoneScan | None = None
    dxa: DXA | None = None
    radiograph: Radiograph | None = None
    treatment: list[str] = Field(default_factory=list)
    resolution: Resolution | None = None

    @model_validator(mode="before")
    @classmethod
    def _site_alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "site" in data:
            data = dict(data)
            site = data.pop("site")
            if "sites" in data:
                raise ValueError("give either `site` or `sites`, not both")
            data["sites"] = [site] if isinstance(site, str) else site
        if isinstance(data, dict) and isinstance(data.get("treatment"), str):
            data = dict(data)
            data["treatment"] = [data["treatment"]]
        return data

    @field_validator("sites", mode="before")
    @classmethod
    def _norm_sites(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [re.sub(r"[\s-]+", "_", s.strip().lower()) if isinstance(s, str) else s for s in v]
        return v

    _joint = field_validator("joint", mode="before")(classmethod(lambda cls, v: _alias("joint")(v)))
    _side = field_validator("side", mode="before")(classmethod(lambda cls, v: _alias("side")(v)))
    _date = field_validator("date", mode="before")(classmethod(lambda cls, v: normalise_date(v)))

    @model_validator(mode="after")
    def _order(self) -> "Episode":
        start = date_key(self.date)
        end = date_key(self.resolution.date) if self.resolution else None
        if start and end and end < start:
            raise ValueError(f"resolution.date: {self.resolution.date} is before the episode date {self.date}; "
                             "dates must go forward in time")
        return self

    def key(self) -> tuple:
        return (self.joint, self.side)


class Case(_Model):
    """One patient. Every field is optional: missing means unknown, not false."""

    id: str | None = None
    lang: Literal["fr", "en"] | None = None
    age: float | None = Field(None, ge=0, le=120, description="Years")
    sex: Literal["male", "female"] | None = None
    pregnancy: Pregnancy | None = None
    onset: Literal["sudden", "gradual"] | None = None
    trauma: bool | None = Field(None, description="A trauma or injury preceding the pain")
    immobilisation: bool | None = Field(None, description="Cast, splint or prolonged immobilisation before the pain")
    overload: bool | None = Field(None, description="Sudden overload of the lower limbs")
    pain_rhythm: Literal["mechanical", "inflammatory"] | None = None
    night_pain: bool | None = Field(None, description="Progressive night or rest pain")
    chronic_pain: bool | None = Field(None, description="Chronic, progressive pain for months or years before")
    morning_stiffness_minutes: float | None = Field(None, ge=0, le=1440)
    functional_impairment: bool | None = None
    effusion: bool | None = None
    warm_swollen_joint: bool | None = Field(None, description="Hot, red, swollen joint")
    fever: bool | None = None
    temperature_c: float | None = Field(None, ge=30, le=45, description="Highest body temperature, °C")
    weight_loss: bool | None = None
    skin_breach: bool | None = Field(None, description="Wound, ulcer or sinus tract near the bone")
    polyarticular: bool | None = Field(None, description="Several joints inflamed at the same time")
    allodynia: bool | None = None
    vasomotor_changes: bool | None = Field(None, description="Skin colour or temperature asymmetry")
    sudomotor_changes: bool | None = Field(None, description="Sweating changes or limb oedema")
    trophic_changes: bool | None = Field(None, description="Skin, hair or nail changes")
    labs: Labs | None = None
    joint_fluid: JointFluid | None = None
    exposures: Exposures | None = None
    history: History | None = None
    episodes: list[Episode] = Field(default_factory=list, description="Painful episodes, oldest first")
    notes: str | None = Field(None, max_length=20000, description="Free comment, not graded")

    _sex = field_validator("sex", mode="before")(classmethod(lambda cls, v: _alias("sex")(v)))

    @field_validator("pregnancy", mode="before")
    @classmethod
    def _preg(cls, v: Any) -> Any:
        if isinstance(v, bool):
            return {"pregnant": v}
        if isinstance(v, (int, float)):
            return {"weeks": v}
        return v

    @model_validator(mode="after")
    def _checks(self) -> "Case":
        if self.sex == "male" and self.pregnancy and (self.pregnancy.pregnant or self.pregnancy.postpartum):
            raise ValueError("pregnancy: set for a male patient; fix `sex` or remove `pregnancy`")
        prev = None
        for i, ep in enumerate(self.episodes):
            k = date_key(ep.date)
            if k and prev and k < prev[1]:
                raise ValueError(f"episodes[{i}].date: {ep.date} is before episodes[{prev[0]}].date; "
                                 "list episodes oldest first, with dates going forward")
            if k:
                prev = (i, k)
        return self


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
