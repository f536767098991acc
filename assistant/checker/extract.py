"""Free text (French or English) -> the same :class:`~assistant.checker.case.Case` as a structured case.

What it does: folds the text, splits it into sentences and, at time connectives ("puis",
"then", "3 mois plus tard"), into segments; finds anatomy (joint, side, site), findings, signs,
history and exposures with the lexicons of :mod:`.lexicon`, numbers and dates with
:mod:`.quantities`; reads each mention's context with :mod:`.context` (negated, hypothetical,
family, history) so that "pas de fièvre" sets ``fever: false``, "rule out osteonecrosis" and
"mère suivie pour ostéonécrose" set nothing, and "antécédent de cancer" still counts; and builds
the episodes over time: a new episode starts when a segment names another site, side or joint
after a time shift or a migration cue ("controlatéral", "migrated"), and a resolution is attached to
the episode whose site it names. Every value keeps the quoted span it came from (the report's
evidence); ignored mentions are kept too, with their flags.

What it leaves out: grading (:mod:`.engine`). Texts longer than :data:`MAX_TEXT_CHARS` are refused
with a :class:`~assistant.checker.case.CaseError` (a case note, not a record; keeps a check well under
a second).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import lexicon as lx
from .case import SITES, Case, CaseError, parse_case
from .context import Annotator, Flags, detect_language
from .engine import Provenance
from .quantities import DateMention, add_months, dates, quantities

MAX_TEXT_CHARS = 20_000

_COVER = {
    "femoral_condyles": {"medial_femoral_condyle", "lateral_femoral_condyle", "femoral_condyles"},
    "tibial_plateau": {"medial_tibial_plateau", "lateral_tibial_plateau", "posterolateral_tibial_plateau", "tibial_plateau"},
    "distal_tibia": {"distal_tibia", "tibial_plafond", "medial_malleolus"},
}
_OPPOSITE = {"right": "left", "left": "right"}
@dataclass
class Mention:
    """One phrase of the text, what it set (or would have set), and its context flags."""

    field: str
    value: Any
    start: int
    end: int
    text: str
    negated: bool = False
    hypothetical: bool = False
    family: bool = False
    history: bool = False
    concept: str = ""


@dataclass
class _Anat:
    kind: str  # joint | site | side
    name: str
    start: int
    end: int
    flags: Flags
    joint: str | None = None


@dataclass
class _Group:
    joint: str | None
    side: str | None
    sites: list[str] = field(default_factory=list)
    start: int = 0
    contra: bool = False
    same: bool = False


def _covers(have: list[str], site: str) -> bool:
    if site in have:
        return True
    return any(site in _COVER.get(h, ()) for h in have)


class _Builder:
    def __init__(self, text: str):
        self.ann = Annotator(text)
        self.f = self.ann.folded
        self.data: dict[str, Any] = {}
        self.eps: list[dict[str, Any]] = []
        self.cur: int | None = None
        self.prov = Provenance()
        self.now: str | None = None  # latest date reached in the story
        self.last_modality: str | None = None
        self.pending: int | None = None  # sentence index of a time shift not yet used by a new site
        self.pending_date: str | None = None
        self.weak = False
        self.hist_target: int | None = None
        self.si = 0

    # ------------------------------------------------------------ helpers
    def mention(self, path: str, value: Any, s: int, e: int, fl: Flags, concept: str) -> Mention:
        a, b, quote = self.ann.original(s, e)
        return Mention(path, value, a, b, quote, fl.negated, fl.hypothetical, fl.family, fl.history, concept)

    def set_case(self, path: str, value: Any, m: Mention, mode: str = "true_wins") -> None:
        node = self.data
        parts = path.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        key = parts[-1]
        old = node.get(key)
        if old is None or (mode == "true_wins" and value is True and old is False) or \
                (mode == "max" and isinstance(value, (int, float)) and value > old):
            node[key] = value
        self.prov.used.setdefault(path, []).append(m)

    def set_ep(self, idx: int, path: str, value: Any, m: Mention) -> None:
        ep = self.eps[idx]
        parts = path.split(".")
        node = ep
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        key = parts[-1]
        if key in ("findings", "absent"):
            lst = node.setdefault(key, [])
            if value is not None and value not in lst:
                lst.append(value)
        else:
            old = node.get(key)
            if old is None or (value is True and old is False) or (key == "uptake" and value == "decreased") or \
                    (key == "uptake" and old == "normal" and value == "increased"):
                node[key] = value
        self.prov.used.setdefault(f"episodes[{idx}].{path}", []).append(m)

    def new_episode(self, g: _Group, date: str | None, before: bool = False) -> int:
        ep: dict[str, Any] = {"joint": g.joint, "side": g.side, "sites": list(dict.fromkeys(g.sites))}
        if date:
            ep["date"] = date
        if before:
            self.eps.insert(0, ep)
            if self.cur is not None:
                self.cur += 1
            for k in list(self.prov.used):
                m = re.match(r"episodes\[(\d+)\](.*)", k)
                if m:
                    self.prov.used[f"episodes[{int(m.group(1)) + 1}]{m.group(2)}__tmp"] = self.prov.used.pop(k)
            for k in list(self.prov.used):
                if k.endswith("__tmp"):
                    self.prov.used[k[:-5]] = self.prov.used.pop(k)
            return 0
        self.eps.append(ep)
        self.cur = len(self.eps) - 1
        return self.cur

    def ensure_episode(self) -> int:
        if self.cur is None:
            self.eps.append({"sites": []})
            self.cur = len(self.eps) - 1
        return self.cur

    # ------------------------------------------------------------ anatomy
    def anatomy(self, a: int, b: int) -> list[_Anat]:
        seg = self.f[a:b]
        items = []
        for name, s, e in lx.joint_matches(seg):
            items.append(_Anat("joint", name, a + s, a + e, self.ann.flags(a + s, a + e), name))
        for name, s, e in lx.site_matches(seg):
            items.append(_Anat("site", name, a + s, a + e, self.ann.flags(a + s, a + e), lx.site_joint(name)))
        for name, s, e in lx.side_matches(seg):
            items.append(_Anat("side", name, a + s, a + e, Flags()))
        items.sort(key=lambda x: x.start)
        return items

    def groups(self, items: list[_Anat], exclude: set[int]) -> list[_Group]:
        sides = [x for x in items if x.kind == "side"]
        out: list[_Group] = []
        for it in items:
            if it.kind == "side" or it.start in exclude:
                continue
            fl = it.flags
            if fl.negated or fl.hypothetical or fl.family or fl.history:
                continue
            side = None
            best = 40
            for sd in sides:
                dist = sd.start - it.end if sd.start >= it.end else it.start - sd.end
                if 0 <= dist <= best and not re.search(r"[.;]", self.f[min(sd.end, it.end):max(sd.start, it.start)]):
                    best, side = dist, sd.name
            contra = side == "contralateral"
            same = side == "same"
            if contra or same:
                side = None
            g = next((g for g in out if g.joint == it.joint and (side is None or g.side in (None, side))), None)
            if g is None:
                g = _Group(it.joint, side, [], it.start, contra, same)
                out.append(g)
            if side and not g.side:
                g.side = side
            g.contra |= contra
            g.same |= same
            if it.kind == "site" and it.name not in g.sites:
                g.sites.append(it.name)
        return out

    def place(self, g: _Group, shift: bool, migr: bool, date: str | None) -> int:
        if self.pending is not None and self.si - self.pending <= 2:
            shift = True
        informative = bool(g.sites) or g.contra or (g.side is not None and not g.same)
        if informative:
            self.pending = None
        if self.cur is None:
            return self.new_episode(g, date)
        E = self.eps[self.cur]
        if E.get("joint") is None:
            E["joint"] = g.joint
            E["side"] = E.get("side") or g.side
            E["sites"] = list(dict.fromkeys(E.get("sites", []) + g.sites))
            if date and not E.get("date"):
                E["date"] = date
            return self.cur
        side = g.side
        if g.contra and E.get("side") in _OPPOSITE:
            side = _OPPOSITE[E["side"]]
        elif g.same or (side is None and g.joint == E.get("joint")):
            side = E.get("side")
        diff_joint = g.joint != E.get("joint")
        diff_side = bool(side and E.get("side") and side != E.get("side") and "bilateral" not in (side, E.get("side")))
        diff_sites = bool(g.sites and E.get("sites") and not all(_covers(E["sites"], s) for s in g.sites))
        differs = diff_joint or diff_side or diff_sites
        if differs and (shift or migr or g.contra or (self.weak and (diff_joint or diff_side))):
            return self.new_episode(_Group(g.joint, side, g.sites), date or self.pending_date)
        if diff_joint or diff_side:
            return self.cur  # simultaneous mention of another joint or side: not a new episode
        for s in g.sites:
            if not _covers(E["sites"], s):
                E["sites"].append(s)
        if side and not E.get("side"):
            E["side"] = side
        return self.cur

    def _linked(self, pos: int, it: _Anat) -> bool:
        """Is the site ``it`` the object of the resolution word at ``pos`` (same clause, close by)?"""
        if it.start >= pos:
            between = self.f[pos:it.start]
            return len(between) <= 70 and not lx.cue("clause").search(between)
        between = self.f[it.end:pos]
        return len(between) <= 30 and not lx.cue("clause").search(between)

    def episode_for(self, pos: int, items: list[_Anat], default: int) -> int:
        """The episode a resolution near ``pos`` speaks of: the latest one holding a site named close by."""
        near = [it for it in items if it.kind in ("site", "joint") and self._linked(pos, it)]
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
                if it.kind == "site" and _covers(ep.get("sites", []), it.name):
                    return i
            if it.kind == "site":
                continue
            for i in range(len(self.eps) - 1, -1, -1):
                ep = self.eps[i]
                if ep.get("joint") == it.joint and (not side or ep.get("side") in (None, side)):
                    return i
        return default

    # ------------------------------------------------------------ modality
    def modality_at(self, sent: tuple[int, int], pos: int) -> str | None:
        a, b = sent
        mods = [(k, a + s, a + e) for k, s, e in lx.modality_matches(self.f[a:b])]
        before = [m for m in mods if m[2] <= pos]
        after = [m for m in mods if m[1] >= pos]
        if before:
            k, s, e = before[-1]
            if not (k == "mri" and lx.cue("lab_words").search(self.f[e:pos])):
                return k
        if after and after[0][1] - pos <= 40:
            return after[0][0]
        if mods:
            return mods[0][0]
        return None

    # ------------------------------------------------------------ main
    def run(self) -> None:
        f = self.f
        for si, (sa, sb) in enumerate(self.ann.spans):
            self.si = si
            segs = self._segments(sa, sb)
            sent_mods = lx.modality_matches(f[sa:sb])
            carry = self.last_modality if not sent_mods else None
            for a, b, connective in segs:
                self._segment(si, (sa, sb), a, b, connective, carry)
            if sent_mods:
                self.last_modality = sent_mods[-1][0]
            elif not any(c.modality for c, _, _ in lx.concept_matches(f[sa:sb])):
                self.last_modality = None
        self._sentence_wide()

    def _segments(self, a: int, b: int) -> list[tuple[int, int, bool]]:
        cuts = [a + m.start() for m in lx.cue("time_connective").finditer(self.f[a:b]) if m.start() > 0]
        rel = [d for d in dates(self.f[a:b]) if d.relative and d.start > 0 and not lx.cue("follow_up").fullmatch(self.f[a + d.start:a + d.end])]
        cuts += [a + d.start for d in rel]
        cuts = sorted(set(c for c in cuts if a < c < b))
        out = []
        prev = a
        for c in cuts:
            out.append((prev, c, prev != a))
            prev = c
        out.append((prev, b, prev != a))
        return out

    def _segment(self, si: int, sent: tuple[int, int], a: int, b: int, connective: bool, carry: str | None) -> None:
        f = self.f
        seg = f[a:b]
        items = self.anatomy(a, b)
        concepts = [(c, a + s, a + e) for c, s, e in lx.concept_matches(seg)]
        dms = [DateMention(a + d.start, a + d.end, d.year, d.month, d.day, d.offset_months, d.relative) for d in dates(seg)]
        absolute = next((d.iso() for d in dms if not d.relative and d.year), None)
        if absolute is None:
            absolute = self._month_only(dms)
        rel = next((d for d in dms if d.relative), None)
        weak = rel is not None and rel.offset_months is None and bool(lx.cue("follow_up").fullmatch(f[rel.start:rel.end]))
        self.weak = weak
        if weak:
            rel = None  # "follow-up MRI": later in time, but the same episode unless another joint or side appears
        shift = connective or rel is not None
        if absolute:
            if self.now and absolute > self.now[: len(absolute)] and absolute[:7] != self.now[:7]:
                shift = True
            self.now = max(self.now or absolute, absolute)
        elif rel is not None and rel.offset_months and self.now:
            self.now = add_months(self.now, rel.offset_months)
        migr = bool(lx.cue("migration").search(seg))
        if shift or migr:
            self.pending = self.si
        seg_date = absolute or (self.now if rel is not None and rel.offset_months and self.now else None)
        if shift or migr:
            self.pending_date = seg_date

        # resolution-family mentions and the sites they name
        res_pos = []
        for c, s, e in concepts:
            fl = self.ann.flags(s, e)
            if c.id in ("resolution", "sequelae", "persistent") or (c.id == "bme" and fl.negated):
                res_pos.append(s)
        excl = set()
        for it in items:
            # a site right after "régression de" / "resolution of", or right before "a disparu", is the resolved one
            if it.kind == "site" and any(self._linked(p, it) for p in res_pos):
                excl.add(it.start)
        groups = self.groups(items, excl)

        # previous episode from the history ("antécédent d'ostéoporose transitoire de la hanche gauche")
        hist_tmo = [(c, s, e) for c, s, e in concepts if c.id in ("previous_tmo", "previous_episode")]
        if hist_tmo and any(self.ann.flags(s, e).history or c.id == "previous_episode" for c, s, e in hist_tmo):
            hist_items = [it for it in items if it.kind in ("joint", "site") and not it.flags.family]
            hg = self.groups([_Anat(it.kind, it.name, it.start, it.end, Flags(), it.joint) for it in hist_items] +
                             [it for it in items if it.kind == "side"], set())
            if hg:
                self.new_episode(hg[0], absolute if absolute and (not self.now or absolute <= self.now) else None,
                                 before=True)
                groups = []
                self.hist_target = 0

        placement = b
        if not hist_tmo:
            self.hist_target = None
        if groups:
            placement = groups[0].start
            multi = len(groups) > 1 and (migr or connective)
            if multi:
                for g in groups:
                    self.place(g, True, True, None) if self.cur is not None else self.new_episode(g, seg_date)
            else:
                self.place(groups[0], shift, migr, seg_date)
                for g in groups[1:]:
                    if g.joint == self.eps[self.cur].get("joint"):  # type: ignore[index]
                        self.place(g, False, False, None)
        prev_cur = self.cur

        for c, s, e in concepts:
            self._apply(c, s, e, sent, items, placement, prev_cur, carry)

        for q in quantities(seg):
            self._quantity(q, a, sent)

    def _apply(self, c: lx.Concept, s: int, e: int, sent: tuple[int, int], items: list[_Anat], placement: int,
               prev_cur: int | None, carry: str | None) -> None:
        f = self.f
        fl = self.ann.flags(s, e)
        sentence = f[sent[0]:sent[1]]
        if c.id == "osteonecrosis_dx" and not fl.history and fl.asserted:
            # an asserted osteonecrosis on imaging is a finding, not only a history item
            m = self.mention("mri.findings", "osteonecrosis", s, e, fl, c.id)
            self.set_ep(self.ensure_episode(), "mri.findings", "osteonecrosis", m)
            return
        if c.id == "sudden_onset" and lx.cue("improvement").search(f[max(0, s - 30):s]):
            return
        if c.id in ("previous_tmo",) and not fl.history:
            return  # the diagnosis under discussion, not a previous episode
        if c.id == "fracture" and not fl.family:
            mod_here = self.modality_at(sent, s)
            if mod_here not in ("mri", "radiograph") and not (carry in ("mri", "radiograph") and not fl.history):
                # a fracture told as an event is an injury (and, in a cast, a CRPS trigger), not an imaging finding
                m = self.mention("trauma", not fl.negated, s, e, fl, "fracture")
                if fl.hypothetical or fl.negated:
                    self.prov.ignored.append(m)
                else:
                    self.set_case("trauma", True, m)
                return
        if c.id == "normal_imaging":
            self._normal_imaging(s, e, fl, sent, items, placement, prev_cur, carry)
            return
        value = c.yes if not fl.negated else c.no
        m = self.mention(c.path, value, s, e, fl, c.id)
        # a negated imaging finding is kept: it is reported absent, which is not the same as unmentioned
        said_absent = fl.negated and value is None and c.episode and c.path.endswith("findings")
        ignored = fl.hypothetical or fl.family or (value is None and not said_absent) or (fl.history and not c.history)
        if c.id == "trauma" and fl.history and lx.cue("distant_past").search(sentence):
            ignored = True
        if c.id in ("corticosteroids", "immobilisation") and not fl.negated and lx.cue("treatment").search(sentence) \
                and not lx.cue("long_term").search(sentence) and not lx.cue("after_event").search(sentence):
            ignored = True
        if c.id == "alcohol" and not fl.negated and not ignored:
            if lx.cue("light_alcohol").search(sentence) and not lx.cue("heavy_alcohol").search(sentence):
                value = False
                m.value = False
            gm = next((m for rx in lx.cue_patterns("alcohol_grams") for m in [rx.search(sentence)] if m), None)
            if gm:
                value = int(gm.group(1)) >= 30
                m.value = value
        if c.id.startswith("fluid_") or c.id in ("crystals", "culture_positive", "culture_negative"):
            if not lx.modality_matches(sentence) or not any(k == "fluid" for k, _, _ in lx.modality_matches(sentence)):
                if c.id not in ("crystals", "culture_positive"):
                    ignored = True
        if c.id == "morning_stiffness" and not fl.negated and lx.cue("brief").search(sentence):
            value = 10.0
            m.value = value
        if ignored:
            self.prov.ignored.append(m)
            return
        if not c.episode:
            self.set_case(c.path, value, m)
            return

        # episode level
        target = self.cur if (self.cur is not None and s >= placement) else (prev_cur if prev_cur is not None else self.cur)
        if c.id in ("resolution", "sequelae", "persistent") or (c.id == "bme" and fl.negated):
            default = self.cur if s >= placement else (prev_cur if prev_cur is not None else self.cur)
            if default is None:
                default = self.ensure_episode()
            target = self.episode_for(s, items, default)
        if self.hist_target is not None:
            target = self.hist_target  # what the sentence says of a previous episode belongs to it
        if target is None:
            target = self.ensure_episode()
        mod = c.modality
        mod_here = self.modality_at(sent, s) or carry
        if mod in ("radiograph", "bone_scan") and mod_here != mod:
            self.prov.ignored.append(m)
            return
        if mod == "dxa" and mod_here not in (None, "dxa"):
            self.prov.ignored.append(m)
            return
        if mod == "imaging":
            mod = self.modality_at(sent, s) or carry or "mri"
            if mod not in ("mri", "radiograph"):
                mod = "mri"
        if c.id == "bme":
            if fl.negated:
                ep = self.eps[target]
                if (ep.get("mri") or {}).get("bone_marrow_edema") is True:
                    m.field, m.value = "resolution.mri", True
                    self.set_ep(target, "resolution.mri", True, m)
                else:
                    m.field = "mri.bone_marrow_edema"
                    self.set_ep(target, "mri.bone_marrow_edema", False, m)
                return
            if self.modality_at(sent, s) in ("bone_scan", "radiograph") and not lx.cue("edema_word").search(f[s:e]):
                return
            self.set_ep(target, "mri.bone_marrow_edema", True, m)
            self.eps[target].setdefault("mri", {}).setdefault("findings", [])
            self._imaging_date(target, "mri", sent)
            return
        if c.id == "resolution":
            if not fl.negated and lx.cue("partial").search(f[max(sent[0], s - 20):min(sent[1], e + 12)]):
                self.prov.ignored.append(m)
                return
            around = f[max(sent[0], s - 60):min(sent[1], e + 60)]
            mod_here = self.modality_at(sent, s)
            img_hits = [x for x in lx.cue("imaging").finditer(around)
                        if not self.ann.flags(max(sent[0], s - 60) + x.start(), max(sent[0], s - 60) + x.end()).negated]
            img = bool(img_hits) or (mod_here == "mri" and bool(img_hits))
            if lx.cue("clinical_word").search(f[max(sent[0], s - 20):min(sent[1], e + 20)]) and not re.search(
                    r"oedem|edem|irm|mri|imag|radiolog", f[max(sent[0], s - 25):min(sent[1], e + 25)]):
                img = False
            pain = bool(lx.cue("pain").search(around)) or lx.cue("healed").search(f[s:e])
            if fl.negated:
                if img:
                    self.set_ep(target, "resolution.mri", False, m)
                if pain or not img:
                    self.set_ep(target, "resolution.clinical", False, m)
                return
            if img:
                self.set_ep(target, "resolution.mri", True, m)
            if pain or not img:
                self.set_ep(target, "resolution.clinical", True, m)
            self._resolution_date(target, sent)
            return
        if c.id == "persistent":
            around = f[max(sent[0], s - 40):min(sent[1], e + 50)]
            if lx.cue("imaging").search(around):
                self.set_ep(target, "resolution.mri", False, m)
            if lx.cue("pain").search(around):
                self.set_ep(target, "resolution.clinical", False, m)
            return
        path = c.path
        present = value is not None
        if not present and path.endswith("findings"):
            value = c.yes
        if path.startswith("mri.findings") and mod == "radiograph":
            from .case import RADIOGRAPH_FINDINGS
            val = {"fracture_line": "fracture"}.get(value, value)
            if val in RADIOGRAPH_FINDINGS:
                path, value = "radiograph.findings", val
        if path.startswith("mri.findings") and value == "subchondral_line":
            value = self._line_kind(sent, s, e) if present else ["subchondral_line_thin", "subchondral_line_thick"]
        if path.startswith("mri.findings") and value == "fracture_line" and present and lx.cue("thin").search(
                f[max(sent[0], s - 25):min(sent[1], e + 25)]):
            value = "subchondral_line_thin"
        if not present and path.endswith("findings"):
            path = path[: -len("findings")] + "absent"
        m.field, m.value = path, value
        for v in value if isinstance(value, list) else [value]:
            self.set_ep(target, path, v, m)
        self._imaging_date(target, path.split(".")[0], sent)

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

    def _imaging_date(self, target: int, modality: str, sent: tuple[int, int]) -> None:
        if modality not in ("mri", "bone_scan", "dxa", "radiograph"):
            return
        ds = dates(self.f[sent[0]:sent[1]])
        iso = next((d.iso() for d in ds if not d.relative and d.year), None)
        if iso:
            self.eps[target].setdefault(modality, {}).setdefault("date", iso)

    def _normal_imaging(self, s: int, e: int, fl: Flags, sent: tuple[int, int], items: list[_Anat], placement: int,
                        prev_cur: int | None, carry: str | None) -> None:
        """'IRM normale', 'radiographs were normal', 'bone scan unremarkable'."""
        f = self.f
        a, b = sent
        mods = [(k, a + ms, a + me) for k, ms, me in lx.modality_matches(f[a:b])]
        before = [x for x in mods if x[2] <= s and s - x[2] <= 45 and not lx.cue("lab_words").search(f[x[2]:s])]
        after = [x for x in mods if x[1] >= e and x[1] - e <= 25]
        near = (before[-1] if before else None) or (after[0] if after else None)
        mod = near[0] if near else None
        if mod is None and carry in ("mri", "radiograph", "bone_scan") and not mods and not lx.cue("lab_words").search(f[a:b]):
            mod = carry
        if mod is None or fl.negated or fl.hypothetical or fl.family or mod in ("fluid", "dxa"):
            return
        if lx.cue("structure").search(f[max(a, s - 22):min(b, e + 25)]):
            return  # "sans anomalie méniscale", "normal menisci": another structure, not the bone
        m = self.mention(f"{mod}.normal", True, s, e, fl, "normal_imaging")
        target = self.cur if (self.cur is not None and s >= placement) else (prev_cur if prev_cur is not None else self.cur)
        if target is None:
            target = self.ensure_episode()
        target = self.episode_for(s, items, target)
        ep = self.eps[target]
        if mod == "radiograph":
            m.field = "radiograph.normal"
            self.set_ep(target, "radiograph.normal", True, m)
        elif mod == "bone_scan":
            m.field = "bone_scan.uptake"
            self.set_ep(target, "bone_scan.uptake", "normal", m)
        elif mod == "mri":
            if (ep.get("mri") or {}).get("bone_marrow_edema") is True:
                m.field = "resolution.mri"
                self.set_ep(target, "resolution.mri", True, m)
                self._resolution_date(target, sent)
            else:
                m.field = "mri.bone_marrow_edema"
                self.set_ep(target, "mri.bone_marrow_edema", False, m)

    def _line_kind(self, sent: tuple[int, int], s: int, e: int) -> str:
        f = self.f
        around = f[max(sent[0], s - 40):min(sent[1], e + 60)]
        mm = [float(x.replace(",", ".")) for x in re.findall(r"(\d+(?:[.,]\d+)?) ?mm", around)]
        if lx.cue("line_thick").search(around) and not lx.cue("line_thin").search(around):
            return "subchondral_line_thick"
        if mm:
            length = next((m for rx in lx.cue_patterns("line_length") for m in [rx.search(around)] if m), None)
            if length:
                v = float(length.group(1).replace(",", "."))
                if v > 14:
                    return "subchondral_line_thick"
            thick = [v for v in mm if not length or v != float(length.group(1).replace(",", "."))]
            if any(v > 4 for v in thick):
                return "subchondral_line_thick"
            return "subchondral_line_thin"
        return "subchondral_line_thin"

    def _resolution_date(self, target: int, sent: tuple[int, int]) -> None:
        ds = dates(self.f[sent[0]:sent[1]])
        iso = next((d.iso() for d in ds if not d.relative and d.year), None)
        if iso is None:
            return
        ep = self.eps[target]
        if ep.get("date") and iso < ep["date"]:
            return
        ep.setdefault("resolution", {}).setdefault("date", iso)

    def _quantity(self, q, a: int, sent: tuple[int, int]) -> None:
        s, e = a + q.start, a + q.end
        fl = self.ann.flags(s, e)
        sentence = self.f[sent[0]:sent[1]]
        paths = {"age": "age", "temperature": "temperature_c", "crp": "labs.crp", "esr": "labs.esr", "wbc": "labs.wbc",
                 "vitamin_d": "labs.vitamin_d", "pregnancy_weeks": "pregnancy.weeks", "trimester": "pregnancy.trimester",
                 "stiffness_min": "morning_stiffness_minutes"}
        m = self.mention(paths.get(q.kind, q.kind), q.value, s, e, fl, q.kind)
        if fl.family or fl.hypothetical:
            self.prov.ignored.append(m)
            return
        if q.kind == "age":
            if "age" not in self.data and not lx.cue("not_current_age").search(self.f[max(0, s - 12):e + 6]):
                self.set_case("age", q.value, m)
            return
        if q.kind in ("crp", "esr", "wbc", "temperature"):
            if q.kind == "esr" and not lx.cue("esr_word").search(self.f[s:e]):
                return
            self.set_case(paths[q.kind], q.value, m, mode="max")
            return
        if q.kind == "vitamin_d":
            self.set_case("labs.vitamin_d", q.value, m)
            return
        if q.kind == "pregnancy_weeks":
            self.set_case("pregnancy.weeks", q.value, m)
            return
        if q.kind == "trimester":
            if lx.cue("pregnancy").search(sentence) or lx.cue("trimester_word").search(self.f[s:e]):
                self.set_case("pregnancy.trimester", int(q.value), m)
            return
        if q.kind == "stiffness_min":
            self.data["morning_stiffness_minutes"] = q.value
            self.prov.used.setdefault("morning_stiffness_minutes", []).insert(0, m)
            return
        if q.kind in ("t_score", "loss_percent"):
            idx = self.ensure_episode()
            if q.kind == "t_score":
                m.field = "dxa.t_score"
                self.set_ep(idx, "dxa.t_score", q.value, m)
                hist = "history.osteoporosis" if q.value <= -2.5 else "history.osteopenia" if q.value < -1 else None
                if hist:
                    self.set_case(hist, True, m)
            else:
                m.field = "dxa.loss_percent"
                self.set_ep(idx, "dxa.loss_percent", q.value, m)
            return
        if q.kind == "fluid_cells" and any(k == "fluid" for k, _, _ in lx.modality_matches(sentence)):
            self.set_case("joint_fluid.wbc_per_mm3", q.value, m)

    def _sentence_wide(self) -> None:
        f = self.f
        # sex
        for sex, rx in (("female", lx.cue("female")), ("male", lx.cue("male"))):
            for mt in rx.finditer(f):
                fl = self.ann.flags(mt.start(), mt.end())
                if not fl.family:
                    self.data.setdefault("sex", sex)
                    self.prov.used.setdefault("sex", []).append(self.mention("sex", sex, mt.start(), mt.end(), fl, "sex"))
                    break
            if "sex" in self.data:
                break
        if "sex" not in self.data:
            counts = {sex: len(lx.cue(f"pronoun_{sex}").findall(f)) for sex in ("female", "male")}
            if max(counts.values()) > 0 and counts["female"] != counts["male"]:
                self.data["sex"] = max(counts, key=counts.get)  # type: ignore[arg-type]
        # pregnancy words
        for rx, key in ((lx.cue("pregnancy"), "pregnant"), (lx.cue("postpartum"), "postpartum")):
            for mt in rx.finditer(f):
                fl = self.ann.flags(mt.start(), mt.end())
                m = self.mention(f"pregnancy.{key}", not fl.negated, mt.start(), mt.end(), fl, key)
                if fl.family or fl.hypothetical:
                    self.prov.ignored.append(m)
                    continue
                self.set_case(f"pregnancy.{key}", not fl.negated, m)
        preg = self.data.get("pregnancy")
        if preg:
            if preg.get("postpartum") and preg.get("pregnant") and "weeks" not in preg and "trimester" not in preg:
                preg["pregnant"] = None
            if preg.get("pregnant") is False:
                preg.pop("weeks", None)
                preg.pop("trimester", None)
            if self.data.get("sex") == "male":
                self.data.pop("pregnancy")
            elif preg.get("pregnant") or preg.get("postpartum"):
                self.data["sex"] = "female"
        # onset: sudden wins over gradual
        # (set_case keeps the first value; prefer sudden if any asserted sudden mention exists)
        if any(m.value == "sudden" for m in self.prov.used.get("onset", [])):
            self.data["onset"] = "sudden"

    def case_dict(self, lang: str) -> dict:
        data = dict(self.data)
        data["lang"] = lang
        eps = []
        last = None
        for ep in self.eps:
            ep = {k: v for k, v in ep.items() if v not in (None, [], {})}
            ep.setdefault("sites", [])
            ep["sites"] = [s for s in ep["sites"] if s in SITES]
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
            if ep.get("joint") or ep.get("mri") or ep.get("bone_scan") or ep.get("radiograph") or ep.get("dxa") \
                    or ep.get("resolution"):
                eps.append(ep)
        data["episodes"] = eps
        return data


def extract(text: str, lang: str | None = None) -> tuple[Case, Provenance]:
    """Read a free-text case; return the :class:`Case` and where each value came from."""
    if not isinstance(text, str):
        raise CaseError(f"text: expected a string, got {type(text).__name__}", field="text")
    if len(text) > MAX_TEXT_CHARS:
        raise CaseError(f"text: {len(text):,} characters; the checker reads at most {MAX_TEXT_CHARS:,} characters "
                        "(a case summary of a few pages). Shorten it to the history, examination, labs and imaging.",
                        field="text")
    if not text.strip():
        raise CaseError("text: empty; describe the case (age, joint, onset, labs, imaging, course)", field="text")
    lang = lang if lang in ("fr", "en") else detect_language(text)
    b = _Builder(text)
    b.run()
    data = b.case_dict(lang)
    try:
        case = parse_case(data)
    except CaseError:
        case = _salvage(data)
        b.prov.notes.append("Some extracted values were dropped because they were inconsistent."
                            if lang == "en" else "Certaines valeurs extraites, incohérentes, ont été écartées.")
    return case, b.prov


def _salvage(data: dict) -> Case:
    """Drop the fields pydantic rejects, one at a time, until the case validates."""
    data = dict(data)
    for _ in range(20):
        try:
            return parse_case(data)
        except CaseError as exc:
            fld = (exc.field or "").split(".")[0].split("[")[0]
            if fld and fld in data:
                data.pop(fld)
            else:
                data = {"lang": data.get("lang")}
    return parse_case({})
