"""The timeline of a note: its episodes, in order, as a small state machine.

What it does: holds the episodes read so far and the current one, the latest date the story has
reached (absolute dates, "3 mois plus tard", "en août" resolved against it), and a pending time shift
(a connective or date seen in the last two sentences, not yet used by a new place). :meth:`place`
decides where a place the note names goes: the current episode (same place, or another joint or side
named at the same time: multifocal), or a new episode (another site, side or joint after a time shift
or a migration cue, within a joint or across joints). :meth:`episode_for` finds the episode a
resolution speaks of (the latest one holding the site named next to it). Every value set keeps its
mention in the provenance; :meth:`finish` turns the episodes into the case's ``episodes`` list.

What it leaves out: reading the words (:mod:`.extract`, :mod:`.handlers`), and whether the course is
migratory (:func:`assistant.checker.engine.migratory` judges the finished case).
"""
from __future__ import annotations

import re
from typing import Any

from . import anatomy
from .anatomy import Anat, Group, covers
from .case import SITES
from .quantities import DateMention, dates

PENDING_SENTENCES = 2  # a time shift carries over this many sentences to the next place named


class Timeline:
    def __init__(self, notes):
        self.notes = notes
        self.eps: list[dict[str, Any]] = []
        self.cur: int | None = None
        self.now: str | None = None  # latest date reached in the story
        self.pending: int | None = None  # sentence index of a time shift not yet used by a new site
        self.pending_date: str | None = None
        self.weak = False  # the segment's only time cue is a follow-up ("IRM de contrôle")
        self.hist_target: int | None = None  # the sentence speaks of a previous episode
        self.si = 0
        self.born: dict[int, int] = {}  # episode index -> the sentence that opened it
        self.month: int | None = None  # the last month named, dated or not

    # ------------------------------------------------------------ values
    def set(self, idx: int, path: str, value: Any, m) -> None:
        node = self.eps[idx]
        parts = path.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        key = parts[-1]
        if key in ("findings", "absent"):
            lst = node.setdefault(key, [])
            if value is not None and value not in lst:
                lst.append(value)
        else:
            old = node.get(key)
            # a cold spot beats any uptake; increased beats normal; an asserted True beats False
            if old is None or (value is True and old is False) or (key == "uptake" and value == "decreased") or \
                    (key == "uptake" and old == "normal" and value == "increased"):
                node[key] = value
        self.notes.prov.used.setdefault(f"episodes[{idx}].{path}", []).append(m)

    def new(self, g: Group, date: str | None, before: bool = False) -> int:
        ep: dict[str, Any] = {"joint": g.joint, "side": g.side, "sites": list(dict.fromkeys(g.sites))}
        if date:
            ep["date"] = date
        if not before:
            self.eps.append(ep)
            self.cur = len(self.eps) - 1
            self.born[self.cur] = self.si
            return self.cur
        # a previous episode told in the history goes first; shift the provenance indices
        self.eps.insert(0, ep)
        if self.cur is not None:
            self.cur += 1
        used = self.notes.prov.used
        moved = {}
        for k in list(used):
            m = re.match(r"episodes\[(\d+)\](.*)", k)
            if m:
                moved[f"episodes[{int(m.group(1)) + 1}]{m.group(2)}"] = used.pop(k)
        used.update(moved)
        return 0

    def ensure(self) -> int:
        if self.cur is None:
            self.eps.append({"sites": []})
            self.cur = len(self.eps) - 1
        return self.cur

    def target(self, s: int, placement: int, prev_cur: int | None) -> int | None:
        """The episode a mention at ``s`` belongs to: the one placed in its segment once it is named."""
        return self.cur if (self.cur is not None and s >= placement) else (prev_cur if prev_cur is not None else self.cur)

    # ------------------------------------------------------------ time
    def advance(self, dms: list[DateMention], connective: bool, migration: bool, follow_up) -> tuple[bool, str | None, str | None]:
        """Read a segment's dates: (time shift?, its date, its absolute date)."""
        absolute = next((d.iso() for d in dms if not d.relative and d.year), None) or self._month_only(dms)
        # months with no year at all ("en mars ... en juin"): a later month is still a time shift
        month = next((d.month for d in dms if not d.relative and d.month), None)
        month_shift = absolute is None and month is not None and self.month is not None and month != self.month
        if month is not None:
            self.month = month
        rel = next((d for d in dms if d.relative), None)
        self.weak = rel is not None and rel.offset_months is None and bool(follow_up(rel))
        if self.weak:
            rel = None  # "follow-up MRI": later in time, but the same episode unless another joint or side appears
        shift = connective or rel is not None or month_shift
        if absolute:
            if self.now and absolute > self.now[: len(absolute)] and absolute[:7] != self.now[:7]:
                shift = True
            self.now = max(self.now or absolute, absolute)
            # "puis la cheville gauche en 2017": the date after the place dates the episode just opened
            if self.cur is not None and not self.eps[self.cur].get("date") and self.born.get(self.cur) == self.si:
                self.eps[self.cur]["date"] = absolute
        elif rel is not None and rel.offset_months and self.now:
            from .quantities import add_months
            self.now = add_months(self.now, rel.offset_months)
        if shift or migration:
            self.pending = self.si
        seg_date = absolute or (self.now if rel is not None and rel.offset_months and self.now else None)
        if shift or migration:
            self.pending_date = seg_date
        return shift, seg_date, absolute

    def _month_only(self, dms: list[DateMention]) -> str | None:
        """'en août', 'in August' after a dated point of the story: that month, this year or the next."""
        d = next((d for d in dms if not d.relative and d.year is None and d.month), None)
        if d is None or not self.now:
            return None
        year = int(self.now[:4])
        now_month = int(self.now[5:7]) if len(self.now) >= 7 else None
        if now_month is not None and d.month < now_month:
            year += 1
        return f"{year:04d}-{d.month:02d}"

    def date_at(self, sent: tuple[int, int], pos: int) -> str | None:
        """The date a phrase at ``pos`` is told under: the last full date of its sentence before it,
        else the first after it ("IRM du 9/3/2018 : œdème", "œdème à l'IRM du 9/3/2018")."""
        ds = [d for d in dates(self.notes.f[sent[0]:sent[1]]) if not d.relative and d.year]
        before = [d for d in ds if sent[0] + d.start <= pos]
        d = before[-1] if before else (ds[0] if ds else None)
        return d.iso() if d else None

    def imaging_date(self, target: int, modality: str, sent: tuple[int, int], pos: int | None = None) -> None:
        if modality not in ("mri", "bone_scan", "dxa", "radiograph"):
            return
        iso = self.date_at(sent, sent[0] if pos is None else pos)
        if iso:
            self.eps[target].setdefault(modality, {}).setdefault("date", iso)

    def resolution_date(self, target: int, sent: tuple[int, int], pos: int | None = None) -> None:
        iso = self.date_at(sent, sent[0] if pos is None else pos)
        ep = self.eps[target]
        if iso is None or (ep.get("date") and iso < ep["date"]):
            return
        ep.setdefault("resolution", {}).setdefault("date", iso)

    # ------------------------------------------------------------ places
    def place(self, g: Group, shift: bool, migr: bool, date: str | None) -> int:
        if self.pending is not None and self.si - self.pending <= PENDING_SENTENCES:
            shift = True
        if g.sites or g.contra or (g.side is not None and not g.same):
            self.pending = None
        if self.cur is None:
            return self.new(g, date)
        E = self.eps[self.cur]
        if E.get("joint") is None:
            E["joint"] = g.joint
            E["side"] = E.get("side") or g.side
            E["sites"] = list(dict.fromkeys(E.get("sites", []) + g.sites))
            if date and not E.get("date"):
                E["date"] = date
            return self.cur
        side = g.side
        if g.contra and E.get("side") in anatomy.OPPOSITE:
            side = anatomy.OPPOSITE[E["side"]]
        elif g.same or (side is None and g.joint == E.get("joint")):
            side = E.get("side")
        diff_joint = g.joint != E.get("joint")
        diff_side = bool(side and E.get("side") and side != E.get("side") and "bilateral" not in (side, E.get("side")))
        diff_sites = bool(g.sites and E.get("sites") and not all(covers(E["sites"], s) for s in g.sites))
        if (diff_joint or diff_side or diff_sites) and (shift or migr or g.contra or (self.weak and (diff_joint or diff_side))):
            return self.new(Group(g.joint, side, g.sites), date or self.pending_date)
        if diff_joint or diff_side:
            return self.cur  # simultaneous mention of another joint or side: not a new episode
        for s in g.sites:
            if not covers(E["sites"], s):
                E["sites"].append(s)
        if side and not E.get("side"):
            E["side"] = side
        return self.cur

    def episode_for(self, pos: int, items: list[Anat], default: int) -> int:
        """The episode a resolution near ``pos`` speaks of: the latest one holding a site named close by."""
        near = [it for it in items if it.kind in ("site", "joint") and anatomy.linked(self.notes.f, pos, it)]
        near.sort(key=lambda it: abs(it.start - pos))
        for it in near:
            side = None
            for sd in items:
                if sd.kind == "side" and abs(sd.start - it.end) <= 25 and sd.name in ("right", "left"):
                    side = sd.name
            for i in range(len(self.eps) - 1, -1, -1):
                ep = self.eps[i]
                if side and ep.get("side") and ep["side"] != side:
                    continue
                if it.kind == "site" and covers(ep.get("sites", []), it.name):
                    return i
            if it.kind == "site":
                continue
            for i in range(len(self.eps) - 1, -1, -1):
                ep = self.eps[i]
                if ep.get("joint") == it.joint and (not side or ep.get("side") in (None, side)):
                    return i
        return default

    # ------------------------------------------------------------ result
    def finish(self) -> list[dict[str, Any]]:
        """The episodes as case data: empty ones dropped, dates kept only when they go forward."""
        out = []
        last = None
        for ep in self.eps:
            ep = {k: v for k, v in ep.items() if v not in (None, [], {})}
            ep["sites"] = [s for s in ep.get("sites", []) if s in SITES]
            if "date" not in ep:
                known = [ep[k]["date"] for k in ("bone_scan", "mri", "radiograph", "dxa")
                         if isinstance(ep.get(k), dict) and ep[k].get("date")]
                if known:
                    ep["date"] = min(known)
            if "date" in ep:
                if last and ep["date"] < last:
                    ep.pop("date")
                else:
                    last = ep["date"]
            res = ep.get("resolution")
            if res and res.get("date") and ep.get("date") and res["date"] < ep["date"]:
                res.pop("date")
            if any(ep.get(k) for k in ("joint", "mri", "bone_scan", "radiograph", "dxa", "resolution")):
                out.append(ep)
        return out
