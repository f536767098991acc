"""Free text (any language with checker data) -> the same :class:`~assistant.checker.case.Case` as a structured case.

What it does: folds the note, splits it into sentences and, at time connectives ("puis", "then",
"3 mois plus tard"), into segments; in each segment finds the anatomy (:mod:`.anatomy`), the dates
(:mod:`.quantities`), the concepts (:mod:`.lexicon`) and the numbers; reads each mention's context
(:mod:`.context`: negated, hypothetical, family, history) so that "pas de fièvre" sets ``fever: false``,
"rule out osteonecrosis" and "mère suivie pour ostéonécrose" set nothing, and "antécédent de cancer"
still counts; places what the segment names on the timeline (:mod:`.episodes`: a new episode when
another site, side or joint comes after a time shift or a migration cue, at any joint); and records
each concept through :mod:`.handlers` and each number through :mod:`.values`. Every value keeps the
quoted span it came from (the report's evidence); ignored mentions are kept too, with their flags.

What it leaves out: grading (:mod:`.engine`). Texts longer than :data:`MAX_TEXT_CHARS` are refused
with a :class:`~assistant.checker.case.CaseError` (a case note, not a record; keeps a check well under
a second).
"""
from __future__ import annotations

from . import anatomy
from . import lexicon as lx
from .anatomy import Anat
from .case import Case, CaseError, parse_case
from .context import Flags, detect_language
from .episodes import Timeline
from .handlers import PREVIOUS_EPISODE, RESOLVING, Here, apply
from .lang import labels
from .notes import Notes, Provenance
from .quantities import DateMention, dates, quantities
from .values import record_person, record_quantity

MAX_TEXT_CHARS = 20_000
MODALITY_LOOKAHEAD = 40  # characters: a modality named just after a finding ("œdème ... à l'IRM")


class Reader:
    """One pass over a note: its :class:`Notes` (case fields) and :class:`Timeline` (episodes)."""

    def __init__(self, text: str):
        self.notes = Notes(text)
        self.tl = Timeline(self.notes)
        self.last_modality: str | None = None  # the previous sentence's examination, for "T1 hypo" lines

    def modality_at(self, sent: tuple[int, int], pos: int) -> str | None:
        """The examination a phrase at ``pos`` reports: the modality named last before it in the
        sentence (unless lab words come between), else the one just after, else the sentence's first."""
        f, (a, b) = self.notes.f, sent
        mods = [(k, a + s, a + e) for k, s, e in lx.modality_matches(f[a:b])]
        before = [m for m in mods if m[2] <= pos]
        after = [m for m in mods if m[1] >= pos]
        if before:
            k, s, e = before[-1]
            if not (k == "mri" and lx.cue("lab_words").search(f[e:pos])):
                return k
        if after and after[0][1] - pos <= MODALITY_LOOKAHEAD:
            return after[0][0]
        return mods[0][0] if mods else None

    def run(self) -> None:
        f = self.notes.f
        for si, (sa, sb) in enumerate(self.notes.ann.spans):
            self.tl.si = si
            sent_mods = lx.modality_matches(f[sa:sb])
            carry = self.last_modality if not sent_mods else None
            for a, b, connective in self._segments(sa, sb):
                self._segment((sa, sb), a, b, connective, carry)
            if sent_mods:
                self.last_modality = sent_mods[-1][0]
            elif not any(c.modality for c, _, _ in lx.concept_matches(f[sa:sb])):
                self.last_modality = None
        record_person(self.notes)

    def _follow_up(self, d) -> bool:
        return bool(lx.cue("follow_up").fullmatch(self.notes.f[d.start:d.end]))

    def _segments(self, a: int, b: int) -> list[tuple[int, int, bool]]:
        f = self.notes.f
        cuts = [a + m.start() for m in lx.cue("time_connective").finditer(f[a:b]) if m.start() > 0]
        ds = dates(f[a:b])
        cuts += [a + d.start for d in ds if d.relative and d.start > 0
                 and not lx.cue("follow_up").fullmatch(f[a + d.start:a + d.end])]
        # a second date in one sentence starts another point of the story ("Feb 2018 ... then in May 2018")
        absolute = [d for d in ds if not d.relative and (d.year or d.month)]
        cuts += [a + d.start for d in absolute[1:]]
        cuts = sorted(set(c for c in cuts if a < c < b))
        out, prev = [], a
        for c in cuts:
            out.append((prev, c, prev != a))
            prev = c
        out.append((prev, b, prev != a))
        return out

    def _segment(self, sent: tuple[int, int], a: int, b: int, connective: bool, carry: str | None) -> None:
        notes, tl = self.notes, self.tl
        seg = notes.f[a:b]
        items = anatomy.find(notes, a, b)
        concepts = [(c, a + s, a + e) for c, s, e in lx.concept_matches(seg)]
        dms = [DateMention(a + d.start, a + d.end, d.year, d.month, d.day, d.offset_months, d.relative) for d in dates(seg)]
        migr = bool(lx.cue("migration").search(seg))
        shift, seg_date, absolute = tl.advance(dms, connective, migr, self._follow_up)

        # a site right after "régression de" / "resolution of", or right before "a disparu", is the resolved one
        res_pos = [s for c, s, e in concepts if c.id in RESOLVING or (c.id == "bme" and notes.flags(s, e).negated)]
        # (only a site an earlier episode holds: "MFC edema, resolved" first told is a place, not a recovery)
        excl = {it.start for it in items if it.kind == "site" and any(anatomy.linked(notes.f, p, it) for p in res_pos)
                and any(anatomy.covers(ep.get("sites", []), it.name) for ep in tl.eps)}
        groups = anatomy.group(notes.f, items, excl)

        # a previous episode from the history ("antécédent d'ostéoporose transitoire de la hanche gauche")
        hist = [(c, s, e) for c, s, e in concepts if c.id in PREVIOUS_EPISODE]
        if hist and any(notes.flags(s, e).history or c.id == "previous_episode" for c, s, e in hist):
            places = [Anat(it.kind, it.name, it.start, it.end, Flags(), it.joint) for it in items
                      if it.kind in ("joint", "site") and not it.flags.family]
            hg = anatomy.group(notes.f, places + [it for it in items if it.kind == "side"], set())
            if hg:
                tl.new(hg[0], absolute if absolute and (not tl.now or absolute <= tl.now) else None, before=True)
                groups = []
                tl.hist_target = 0
        if not hist:
            tl.hist_target = None

        placement = b
        if groups:
            placement = groups[0].start
            if len(groups) > 1 and (migr or connective):
                for g in groups:
                    tl.place(g, True, True, None) if tl.cur is not None else tl.new(g, seg_date)
            else:
                tl.place(groups[0], shift, migr, seg_date)
                for g in groups[1:]:
                    if g.joint == tl.eps[tl.cur].get("joint"):  # type: ignore[index]
                        tl.place(g, False, False, None)
        prev_cur = tl.cur
        for c, s, e in concepts:
            apply(self, Here(c, s, e, notes.flags(s, e), sent, items, placement, prev_cur, carry))
        for q in quantities(seg):
            record_quantity(self, q, a, sent)

    def case_dict(self, lang: str) -> dict:
        data = dict(self.notes.data)
        data["lang"] = lang
        data["episodes"] = self.tl.finish()
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
    r = Reader(text)
    r.run()
    data = r.case_dict(lang)
    try:
        case = parse_case(data)
    except CaseError:
        case = _salvage(data)
        r.notes.prov.notes.append(labels(lang).report["dropped_values"])
    return case, r.notes.prov


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
