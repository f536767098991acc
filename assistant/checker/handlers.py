"""A registry of concept handlers: what a phrase of the note does beyond setting its own field.

What it does: :func:`apply` takes one concept mention (a phrase matched by :mod:`.lexicon`, with its
context flags) and records it: a case field, or an episode field of the episode it belongs to, or an
ignored mention (negated, hypothetical, about a relative, in the history when that does not count).
Most concepts need nothing more: their ``field``, ``yes``/``no`` values and ``modality`` are data
(``checker_concepts.yaml``). The few whose meaning depends on their neighbourhood register a handler
here, by concept id, at one of three points:

- ``before``: may take the mention over entirely (a fracture told as an event is an injury; "IRM
  normale" reads the modality next to it);
- ``adjust``: may change the value or ignore it (light drinking is not heavy alcohol use; a brief
  morning stiffness is not a long one);
- ``episode``: reads the episode-level meaning (negated edema after an edema is its resolution; a
  resolution is clinical, on MRI or both depending on the words around it).

What it leaves out: the phrases (data), the timeline (:mod:`.episodes`), numbers (:mod:`.values`);
the imaging handlers live in :mod:`.imaging`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import lexicon as lx
from .anatomy import Anat
from .context import Flags

BEFORE: dict[str, Callable] = {}
ADJUST: dict[str, Callable] = {}
EPISODE: dict[str, Callable] = {}

# Concept roles the timeline reads: words that resolve an episode, and a previous episode in the history.
RESOLVING = ("resolution", "sequelae", "persistent")
PREVIOUS_EPISODE = ("previous_tmo", "previous_episode")


def handler(point: dict[str, Callable], *ids: str):
    def register(fn: Callable) -> Callable:
        for i in ids:
            point[i] = fn
        return fn
    return register


@dataclass
class Here:
    """One concept mention and where it sits: its sentence, the anatomy of its segment, the episode
    placement point of that segment, the episode before it, and the modality carried from before."""

    c: lx.Concept
    s: int
    e: int
    fl: Flags
    sent: tuple[int, int]
    items: list[Anat]
    placement: int
    prev_cur: int | None
    carry: str | None

    def around(self, f: str, before: int, after: int) -> str:
        return f[max(self.sent[0], self.s - before):min(self.sent[1], self.e + after)]


def apply(r, h: Here) -> None:
    """Record one concept mention (``r`` is the :class:`~assistant.checker.extract.Reader`)."""
    c, fl, notes = h.c, h.fl, r.notes
    if c.id in BEFORE and BEFORE[c.id](r, h):
        return
    value = c.yes if not fl.negated else c.no
    m = notes.mention(c.path, value, h.s, h.e, fl, c.id)
    # a negated imaging finding is kept: it is reported absent, which is not the same as unmentioned
    said_absent = fl.negated and value is None and c.episode and c.path.endswith("findings")
    ignored = fl.hypothetical or fl.family or (value is None and not said_absent) or (fl.history and not c.history)
    if c.id in ADJUST:
        value, ignored = ADJUST[c.id](r, h, value, ignored)
        m.value = value
    if ignored:
        notes.ignore(m)
        return
    if not c.episode:
        notes.set_case(c.path, value, m)
        return
    tl = r.tl
    target = tl.target(h.s, h.placement, h.prev_cur)
    if c.id in RESOLVING or (c.id == "bme" and fl.negated):
        default = target if target is not None else tl.ensure()
        target = tl.episode_for(h.s, h.items, default)
    if tl.hist_target is not None:
        target = tl.hist_target  # what the sentence says of a previous episode belongs to it
    if target is None:
        target = tl.ensure()
    mod = c.modality
    mod_here = r.modality_at(h.sent, h.s) or h.carry
    if (mod in ("radiograph", "bone_scan") and mod_here != mod) or (mod == "dxa" and mod_here not in (None, "dxa")):
        notes.ignore(m)  # a bone-scan or DXA word in a sentence about another examination
        return
    if mod == "imaging":
        mod = r.modality_at(h.sent, h.s) or h.carry or "mri"
        if mod not in ("mri", "radiograph"):
            mod = "mri"
    if c.id in EPISODE:
        EPISODE[c.id](r, h, target, m)
        return
    imaging.finding(r, h, target, m, value, mod)


# ------------------------------------------------------------------ before


@handler(BEFORE, "osteonecrosis_dx")
def _osteonecrosis(r, h: Here) -> bool:
    if h.fl.history or not h.fl.asserted:
        return False
    # an asserted osteonecrosis on imaging is a finding, not only a history item
    m = r.notes.mention("mri.findings", "osteonecrosis", h.s, h.e, h.fl, h.c.id)
    r.tl.set(r.tl.ensure(), "mri.findings", "osteonecrosis", m)
    return True


@handler(BEFORE, "sudden_onset")
def _sudden(r, h: Here) -> bool:
    return bool(lx.cue("improvement").search(r.notes.f[max(0, h.s - 30):h.s]))  # "improved suddenly" is no onset


@handler(BEFORE, "previous_tmo")
def _previous(r, h: Here) -> bool:
    return not h.fl.history  # the diagnosis under discussion, not a previous episode


@handler(BEFORE, "fracture")
def _fracture(r, h: Here) -> bool:
    if h.fl.family:
        return False
    if r.modality_at(h.sent, h.s) in ("mri", "radiograph") or (h.carry in ("mri", "radiograph") and not h.fl.history):
        return False
    # a fracture told as an event is an injury (and, in a cast, a CRPS trigger), not an imaging finding
    m = r.notes.mention("trauma", not h.fl.negated, h.s, h.e, h.fl, "fracture")
    if h.fl.hypothetical or h.fl.negated:
        r.notes.ignore(m)
    else:
        r.notes.set_case("trauma", True, m)
    return True


# ------------------------------------------------------------------ adjust


def _sentence(r, h: Here) -> str:
    return r.notes.f[h.sent[0]:h.sent[1]]


@handler(ADJUST, "trauma")
def _trauma(r, h: Here, value, ignored):
    return value, ignored or (h.fl.history and bool(lx.cue("distant_past").search(_sentence(r, h))))


@handler(ADJUST, "corticosteroids", "immobilisation")
def _as_treatment(r, h: Here, value, ignored):
    # a short course given for this pain is its treatment, not a risk factor nor a trigger
    sent = _sentence(r, h)
    if not h.fl.negated and lx.cue("treatment").search(sent) and not lx.cue("long_term").search(sent) \
            and not lx.cue("after_event").search(sent):
        ignored = True
    return value, ignored


@handler(ADJUST, "alcohol")
def _alcohol(r, h: Here, value, ignored):
    if h.fl.negated or ignored:
        return value, ignored
    sent = _sentence(r, h)
    if lx.cue("light_alcohol").search(sent) and not lx.cue("heavy_alcohol").search(sent):
        value = False
    grams = next((x for rx in lx.cue_patterns("alcohol_grams") for x in [rx.search(sent)] if x), None)
    if grams:
        value = int(grams.group(1)) >= 30
    return value, ignored


@handler(ADJUST, "fluid_turbid", "fluid_purulent", "fluid_clear", "fluid_bloody", "culture_negative")
def _fluid(r, h: Here, value, ignored):
    # "trouble", "clair", "stérile" describe the joint fluid only in a sentence about the aspirate
    if not any(k == "fluid" for k, _, _ in lx.modality_matches(_sentence(r, h))):
        ignored = True
    return value, ignored


@handler(ADJUST, "morning_stiffness")
def _stiffness(r, h: Here, value, ignored):
    if not h.fl.negated and lx.cue("brief").search(_sentence(r, h)):
        value = 10.0  # "brief morning stiffness": minutes, below the red flag's 30
    return value, ignored


# ------------------------------------------------------------------ episode


@handler(EPISODE, "resolution")
def _resolution(r, h: Here, target: int, m) -> None:
    f, fl, tl = r.notes.f, h.fl, r.tl
    if not fl.negated and lx.cue("partial").search(h.around(f, 20, 12)):
        r.notes.ignore(m)  # a partial or beginning regression is not a resolution
        return
    start = max(h.sent[0], h.s - 60)
    around = h.around(f, 60, 60)
    word = f[h.s:h.e]

    def told(x) -> bool:  # an imaging word not denied, or denied only by this very resolution ("l'œdème a disparu")
        fl = r.notes.flags(start + x.start(), start + x.end())
        return not fl.negated or all(word in c.split(":", 1)[1] for c in fl.cues if c.startswith("neg_"))
    img = any(told(x) for x in lx.cue("imaging").finditer(around))
    if lx.cue("clinical_word").search(h.around(f, 20, 20)) and not lx.cue("imaging_word").search(h.around(f, 25, 25)):
        img = False
    # pain words count only on this side of a contrast ("régression de l'œdème, mais douleurs persistantes")
    left, right = f[start:h.s], f[h.e:min(h.sent[1], h.e + 60)]
    cuts = list(lx.cue("contrast").finditer(left))
    left = left[cuts[-1].end():] if cuts else left
    cut = lx.cue("contrast").search(right)
    right = right[:cut.start()] if cut else right
    pain = bool(lx.cue("pain").search(left + word + right)) or bool(lx.cue("healed").search(word))
    status = not fl.negated
    if img:
        tl.set(target, "resolution.mri", status, m)
    if pain or not img:
        tl.set(target, "resolution.clinical", status, m)
    if status:
        tl.resolution_date(target, h.sent, h.s)


@handler(EPISODE, "persistent")
def _persistent(r, h: Here, target: int, m) -> None:
    around = h.around(r.notes.f, 40, 50)
    if lx.cue("imaging").search(around):
        r.tl.set(target, "resolution.mri", False, m)
    if lx.cue("pain").search(around):
        r.tl.set(target, "resolution.clinical", False, m)


from . import imaging  # noqa: E402 - registers the imaging handlers (normal examinations, edema)
