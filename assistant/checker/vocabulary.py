"""The case schema's vocabulary: joints, sites, findings, lab units, dates, and the words that name them.

What it does: the closed lists a structured case may use (joints, sites, MRI and radiograph findings),
the canonical unit of each lab with the factors from other units, ISO date normalisation
(``dd/mm/yyyy`` -> ``YYYY-MM-DD``) and ordering, and :func:`alias`, which reads a joint, side or sex
written in words of any language with checker data ("genou", "gauche", "homme") as its id.

What it leaves out: the models (:mod:`.case`); the aliases themselves are data (``aliases`` in
``assistant/lang/<xx>/checker_concepts.yaml``).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

JOINTS = ("hip", "knee", "ankle", "foot", "shoulder", "elbow", "wrist", "hand", "spine", "sacroiliac")
WEIGHT_BEARING = ("hip", "knee", "ankle", "foot")
# Every joint and bone the seed or CLINICAL.md names (hip, knee, ankle, foot; rarely hands, sacrum).
SITES = (
    "medial_femoral_condyle", "lateral_femoral_condyle", "femoral_condyles", "trochlea",
    "medial_tibial_plateau", "lateral_tibial_plateau", "posterolateral_tibial_plateau", "tibial_plateau",
    "patella", "fibula", "femoral_head", "femoral_neck", "acetabulum", "greater_trochanter",
    "talus", "distal_tibia", "tibial_plafond", "medial_malleolus", "lateral_malleolus",
    "calcaneus", "navicular", "cuboid", "cuneiform", "metatarsal",
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

# Units: factor to the canonical unit of each lab.
UNITS = {
    "crp": ("mg/L", {"mg/l": 1.0, "mg/dl": 10.0, "g/l": 1000.0}),
    "esr": ("mm/h", {"mm/h": 1.0, "mm": 1.0, "mm/hr": 1.0}),
    "wbc": ("G/L", {"g/l": 1.0, "10^9/l": 1.0, "10e9/l": 1.0, "x10^9/l": 1.0, "giga/l": 1.0,
                    "/mm3": 0.001, "/µl": 0.001, "/ul": 0.001, "/mm³": 0.001, "10^3/µl": 1.0, "10^3/ul": 1.0}),
    "vitamin_d": ("ng/mL", {"ng/ml": 1.0, "nmol/l": 0.4}),
}


def convert(lab: str, v: Any) -> Any:
    """A ``{"value", "unit"}`` lab value in the lab's canonical unit; plain numbers pass through."""
    if hasattr(v, "unit") and hasattr(v, "value"):
        canon, table = UNITS[lab]
        unit = v.unit.strip().lower().replace(" ", "").replace("×", "x").replace("**", "^")
        if unit not in table:
            raise ValueError(f"unknown unit {v.unit!r}; use one of {', '.join(sorted(set(table)))} "
                             f"(or give a plain number in {canon})")
        return v.value * table[unit]
    return v


@lru_cache(maxsize=1)
def _aliases() -> dict[str, dict[str, str]]:
    from . import lang  # the data is read only when a case writes a value in words

    out: dict[str, dict[str, str]] = {}
    for code in lang.languages():
        for kind, table in lang.concepts(code).aliases.items():
            out.setdefault(kind, {}).update({k.lower(): v for k, v in table.items()})
    return out


def alias(kind: str, v: Any) -> Any:
    """'Genou' -> 'knee', 'G' -> 'left', 'homme' -> 'male'; ids and other values pass through."""
    if not isinstance(v, str):
        return v
    key = v.strip().lower()
    return _aliases().get(kind, {}).get(key, key)


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
