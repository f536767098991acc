"""The case schema: what the checker knows about one patient, structured.

What it does: pydantic models (``Case``, ``Episode``, ``Labs``, imaging records) with
``extra="forbid"``; every field is optional, and a missing field means *unknown*, never
*false*. :func:`parse_case` turns a dict or a JSON string into a :class:`Case` and turns
any validation problem into a :class:`CaseError` whose message names the field
(``episodes[0].mri.findings[1]``) and says how to fix it. Labs take a number in the
canonical unit or ``{"value": .., "unit": ..}`` in another known unit.

What it leaves out: free text (see :mod:`assistant.checker.extract`) and grading
(see :mod:`assistant.checker.engine`). Reading input and explaining its errors lives in
:mod:`.case_input` (:func:`parse_case`, and the JSON Schema export ``knowledge/case.schema.json``,
:func:`export_schema`); both are re-exported here.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "case.schema.json"

from .vocabulary import (JOINTS, MRI_FINDINGS, RADIOGRAPH_FINDINGS, SITES, UNITS, WEIGHT_BEARING,  # noqa: F401
                         alias, convert, date_key, normalise_date)

Side = Literal["right", "left", "bilateral"]


class CaseError(ValueError):
    """A case could not be read; the message names the field and how to fix it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Quantity(_Model):
    """A lab value in a unit other than the canonical one."""

    value: float
    unit: str = Field(min_length=1)


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
        v = convert(info.field_name, v)
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

    _joint = field_validator("joint", mode="before")(classmethod(lambda cls, v: alias("joint", v)))
    _side = field_validator("side", mode="before")(classmethod(lambda cls, v: alias("side", v)))
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

    _sex = field_validator("sex", mode="before")(classmethod(lambda cls, v: alias("sex", v)))

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


from .case_input import export_schema, parse_case  # noqa: E402,F401 - the models above are theirs
