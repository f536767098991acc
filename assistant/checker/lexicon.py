"""The checker's lexicon: the per-language data of :mod:`.lang`, compiled into matchers over folded text.

What it does: joins every language's patterns for each joint, side, site, imaging modality, named cue
and concept into one regular expression, compiled once on first use, and finds their matches in a
folded text (:func:`joint_matches`, :func:`site_matches`, :func:`concept_matches`...). A :class:`Concept`
says what a phrase sets in the case when asserted or negated.

What it leaves out: the phrases themselves (``assistant/lang/<xx>/checker_concepts.yaml``), numbers and
dates (:mod:`.quantities`), negation and hypothesis scopes (:mod:`.context`), and what a concept does
beyond setting its field (:mod:`.handlers`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import lang


@dataclass(frozen=True)
class Concept:
    """A phrase family and what it sets.

    ``path``: a case field (``fever``, ``labs.inflammatory_syndrome``) or, with ``episode=True``, an
    episode field (``mri.findings``, ``resolution.clinical``); for a list field the value is appended.
    ``yes``/``no``: the value when asserted / negated (``None``: negation sets nothing).
    ``history``: whether a mention in the history ("antécédent de", "history of") still counts.
    ``modality``: for imaging findings, the modality they belong to ("imaging" = the sentence's).
    """

    id: str
    path: str
    yes: Any = True
    no: Any = False
    history: bool = False
    episode: bool = False
    modality: str | None = None


def _join(patterns) -> re.Pattern | None:
    pats = [p for p in patterns if p]
    return re.compile("|".join(f"(?:{p})" for p in pats)) if pats else None


@lru_cache(maxsize=1)
def _compiled() -> dict[str, Any]:
    concepts = [(Concept(c.id, c.field, c.yes, c.no, c.history, c.episode, c.modality), _join(c.patterns))
                for c in lang.all_concepts()]
    sites = lang.merged_sites()
    return {
        "concepts": [(c, rx) for c, rx in concepts if rx is not None],
        "by_id": {c.id: (c, rx) for c, rx in concepts},
        "joints": {k: _join(v) for k, v in lang.merged("joints").items()},
        "sites": {k: _join(v[1]) for k, v in sites.items()},
        "site_joint": {k: v[0] for k, v in sites.items()},
        "sides": {k: _join(v) for k, v in lang.merged("sides").items()},
        "modalities": {k: _join(v) for k, v in lang.merged("modalities").items()},
        "cues": {k: _join(v) for k, v in lang.merged("cues").items()},
        "cue_lists": {k: [re.compile(p) for p in v] for k, v in lang.merged("cues").items()},
    }


_NEVER = re.compile(r"(?!x)x")


def cue(name: str) -> re.Pattern:
    """A named cue list of the data ('migration', 'pain', 'follow_up'...) as one regex."""
    try:
        return _compiled()["cues"][name] or _NEVER
    except KeyError:
        raise lang.LangDataError(f"no cue list {name!r} in any checker_concepts.yaml; add `cues: {{{name}: [...]}}`") from None


def cue_patterns(name: str) -> list[re.Pattern]:
    """The patterns of a cue one by one (for cues that capture a number, one pattern per phrasing)."""
    cue(name)
    return _compiled()["cue_lists"][name]


def concept(concept_id: str) -> Concept:
    return _compiled()["by_id"][concept_id][0]


def site_joint(site: str) -> str:
    return _compiled()["site_joint"][site]


def concept_matches(text: str) -> list[tuple[Concept, int, int]]:
    """All concept matches in a folded text: (concept, start, end)."""
    out = []
    for c, rx in _compiled()["concepts"]:
        for m in rx.finditer(text):
            if m.end() > m.start():
                out.append((c, m.start(), m.end()))
    return out


def _matches(kind: str, text: str) -> list[tuple[str, int, int]]:
    return [(k, m.start(), m.end()) for k, rx in _compiled()[kind].items() if rx is not None
            for m in rx.finditer(text) if m.end() > m.start()]


def joint_matches(text: str):
    return _matches("joints", text)


def side_matches(text: str):
    return _matches("sides", text)


def modality_matches(text: str):
    return _matches("modalities", text)


def site_matches(text: str):
    found = _matches("sites", text)
    # A specific site wins over a generic one on the same span (posterolateral over tibial plateau).
    found.sort(key=lambda x: (x[1], -(x[2] - x[1])))
    out: list[tuple[str, int, int]] = []
    for s, a, b in found:
        if any(a < ob and oa < b for _, oa, ob in out):
            continue
        out.append((s, a, b))
    return out
