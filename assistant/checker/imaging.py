"""Imaging handlers: findings present or reported absent, subchondral lines, normal examinations, edema.

What it does: registers, in :mod:`.handlers`, what "IRM normale" or "radiographs unremarkable" sets
(the examination next to the words: radiographs normal, bone-scan uptake normal, no edema or, after an
edema, its resolution on MRI) and what an edema phrase sets (edema on MRI; negated after an edema, its
resolution); :func:`finding` records any other imaging finding on its examination (a fracture line on
radiographs is a fracture; a subchondral line is thick or thin by its size) as present, or absent when
negated.

What it leaves out: the phrases (data) and the grading of findings (``criteria.yaml``).
"""
from __future__ import annotations

import re
from typing import Any

from . import lexicon as lx
from .case import RADIOGRAPH_FINDINGS
from .handlers import BEFORE, EPISODE, Here, handler


def finding(r, h: Here, target: int, m, value: Any, mod: str | None) -> None:
    """An imaging finding (or another episode field): present, or reported absent."""
    f, path = r.notes.f, h.c.path
    present = value is not None
    if not present and path.endswith("findings"):
        value = h.c.yes
    if path.startswith("mri.findings") and mod == "radiograph":
        val = {"fracture_line": "fracture"}.get(value, value)
        if val in RADIOGRAPH_FINDINGS:
            path, value = "radiograph.findings", val
    if path.startswith("mri.findings") and value == "subchondral_line":
        value = line_kind(f, h) if present else ["subchondral_line_thin", "subchondral_line_thick"]
    if path.startswith("mri.findings") and value == "fracture_line" and present and lx.cue("thin").search(h.around(f, 25, 25)):
        value = "subchondral_line_thin"
    if not present and path.endswith("findings"):
        path = path[: -len("findings")] + "absent"
    m.field, m.value = path, value
    for v in value if isinstance(value, list) else [value]:
        r.tl.set(target, path, v, m)
    r.tl.imaging_date(target, path.split(".")[0], h.sent, h.s)


def line_kind(f: str, h: Here) -> str:
    """A subchondral low-signal line: thick (> 4 mm, or > 14 mm long, or said thick) or thin."""
    around = h.around(f, 40, 60)
    mm = [float(x.replace(",", ".")) for x in re.findall(r"(\d+(?:[.,]\d+)?) ?mm", around)]
    if lx.cue("line_thick").search(around) and not lx.cue("line_thin").search(around):
        return "subchondral_line_thick"
    if not mm:
        return "subchondral_line_thin"
    length = next((x for rx in lx.cue_patterns("line_length") for x in [rx.search(around)] if x), None)
    long_mm = float(length.group(1).replace(",", ".")) if length else None
    if long_mm is not None and long_mm > 14:
        return "subchondral_line_thick"
    if any(v > 4 for v in mm if v != long_mm):
        return "subchondral_line_thick"
    return "subchondral_line_thin"


@handler(BEFORE, "normal_imaging")
def _normal_imaging(r, h: Here) -> bool:
    """'IRM normale', 'radiographs were normal', 'bone scan unremarkable'."""
    f, (a, b), s, e, fl = r.notes.f, h.sent, h.s, h.e, h.fl
    labs = lx.cue("lab_words")
    mods = [(k, a + ms, a + me) for k, ms, me in lx.modality_matches(f[a:b])]
    before = [x for x in mods if x[2] <= s and s - x[2] <= 45 and not labs.search(f[x[2]:s])]
    after = [x for x in mods if x[1] >= e and x[1] - e <= 25]
    near = (before[-1] if before else None) or (after[0] if after else None)
    mod = near[0] if near else None
    if mod is None and h.carry in ("mri", "radiograph", "bone_scan") and not mods and not labs.search(f[a:b]):
        mod = h.carry
    if mod is None or fl.negated or fl.hypothetical or fl.family or mod in ("fluid", "dxa"):
        return True
    if lx.cue("structure").search(f[max(a, s - 22):min(b, e + 25)]):
        return True  # "sans anomalie méniscale", "normal menisci": another structure, not the bone
    m = r.notes.mention(f"{mod}.normal", True, s, e, fl, "normal_imaging")
    tl = r.tl
    target = tl.target(s, h.placement, h.prev_cur)
    target = tl.episode_for(s, h.items, target if target is not None else tl.ensure())
    if mod == "radiograph":
        m.field = "radiograph.normal"
        tl.set(target, "radiograph.normal", True, m)
    elif mod == "bone_scan":
        m.field = "bone_scan.uptake"
        tl.set(target, "bone_scan.uptake", "normal", m)
    elif mod == "mri":
        if (tl.eps[target].get("mri") or {}).get("bone_marrow_edema") is True:
            m.field = "resolution.mri"
            tl.set(target, "resolution.mri", True, m)
            tl.resolution_date(target, h.sent, h.s)
        else:
            m.field = "mri.bone_marrow_edema"
            tl.set(target, "mri.bone_marrow_edema", False, m)
    return True



@handler(EPISODE, "bme")
def _edema(r, h: Here, target: int, m) -> None:
    tl = r.tl
    if h.fl.negated:
        if (tl.eps[target].get("mri") or {}).get("bone_marrow_edema") is True:
            m.field, m.value = "resolution.mri", True
            tl.set(target, "resolution.mri", True, m)  # "no more edema" after an edema: resolved on MRI
        else:
            m.field = "mri.bone_marrow_edema"
            tl.set(target, "mri.bone_marrow_edema", False, m)
        return
    if r.modality_at(h.sent, h.s) in ("bone_scan", "radiograph") and not lx.cue("edema_word").search(r.notes.f[h.s:h.e]):
        return
    tl.set(target, "mri.bone_marrow_edema", True, m)
    tl.eps[target].setdefault("mri", {}).setdefault("findings", [])
    tl.imaging_date(target, "mri", h.sent, h.s)
