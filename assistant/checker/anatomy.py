"""Anatomy in a note: the joints, sites and sides a passage names, grouped into the places it speaks of.

What it does: finds joint, site and side phrases in a stretch of folded text (:mod:`.lexicon`, from the
per-language data), drops those negated, hypothetical, about a relative or in the history, and groups
each joint or site with the side written closest to it (within 40 characters, not across '.' or ';')
into a :class:`Group` (joint, side, sites, and whether it was said to be the other or the same side).
A site implies its joint (talus -> ankle, femoral head -> hip).

What it leaves out: time and episodes (:mod:`.episodes`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import lexicon as lx
from .context import Flags

# A generic site covers the specific ones: a later "femoral condyles" does not name a new site.
COVER = {
    "femoral_condyles": {"medial_femoral_condyle", "lateral_femoral_condyle", "femoral_condyles"},
    "tibial_plateau": {"medial_tibial_plateau", "lateral_tibial_plateau", "posterolateral_tibial_plateau", "tibial_plateau"},
    "distal_tibia": {"distal_tibia", "tibial_plafond", "medial_malleolus"},
}
OPPOSITE = {"right": "left", "left": "right"}
SIDE_REACH = 40  # characters between a site and the side that qualifies it


@dataclass
class Anat:
    kind: str  # joint | site | side
    name: str
    start: int
    end: int
    flags: Flags
    joint: str | None = None


@dataclass
class Group:
    joint: str | None
    side: str | None
    sites: list[str] = field(default_factory=list)
    start: int = 0
    contra: bool = False
    same: bool = False


def covers(have: list[str], site: str) -> bool:
    if site in have:
        return True
    return any(site in COVER.get(h, ()) for h in have)


def find(notes, a: int, b: int) -> list[Anat]:
    """Joint, site and side mentions in ``notes.f[a:b]``, in text order."""
    seg = notes.f[a:b]
    items = []
    for name, s, e in lx.joint_matches(seg):
        items.append(Anat("joint", name, a + s, a + e, notes.flags(a + s, a + e), name))
    for name, s, e in lx.site_matches(seg):
        items.append(Anat("site", name, a + s, a + e, notes.flags(a + s, a + e), lx.site_joint(name)))
    for name, s, e in lx.side_matches(seg):
        items.append(Anat("side", name, a + s, a + e, Flags()))
    items.sort(key=lambda x: x.start)
    return items


def group(folded: str, items: list[Anat], exclude: set[int]) -> list[Group]:
    """Asserted joints and sites grouped by joint, each with its nearest side."""
    sides = [x for x in items if x.kind == "side"]
    out: list[Group] = []
    for it in items:
        if it.kind == "side" or it.start in exclude:
            continue
        fl = it.flags
        if fl.negated or fl.hypothetical or fl.family or fl.history:
            continue
        side = None
        best = SIDE_REACH
        for sd in sides:
            dist = sd.start - it.end if sd.start >= it.end else it.start - sd.end
            if 0 <= dist <= best and not re.search(r"[.;]", folded[min(sd.end, it.end):max(sd.start, it.start)]):
                best, side = dist, sd.name
        contra = side == "contralateral"
        same = side == "same"
        if contra or same:
            side = None
        g = next((g for g in out if g.joint == it.joint and (side is None or g.side in (None, side))), None)
        if g is None:
            g = Group(it.joint, side, [], it.start, contra, same)
            out.append(g)
        if side and not g.side:
            g.side = side
        g.contra |= contra
        g.same |= same
        if it.kind == "site" and it.name not in g.sites:
            g.sites.append(it.name)
    return out


def linked(folded: str, pos: int, it: Anat) -> bool:
    """Is ``it`` the object of the word at ``pos`` ("régression de l'œdème du condyle", "the talus
    lesion resolved"): close by, in the same clause?"""
    if it.start >= pos:
        between = folded[pos:it.start]
        return len(between) <= 70 and not lx.cue("clause").search(between)
    between = folded[it.end:pos]
    return len(between) <= 30 and not lx.cue("clause").search(between)
