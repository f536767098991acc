"""A compact ConText/NegEx-style annotator for clinical notes in any language with checker data.

What it does: folds a note (:func:`assistant.text.fold_offsets`, keeping a map back to the original
characters), splits it into sentences (:func:`assistant.text.sentence_spans`), finds the trigger
phrases of ``assistant/lang/<xx>/checker_context.json`` (negation and hypothesis before or after the
target, family, history, pseudo-triggers that block a trigger, terminators that end a scope) and, for
any target span, says whether it is negated, hypothetical, about a family member, or part of the
history. Every language's triggers are applied to every note (mixed notes are common).

Scopes: a forward trigger reaches to the end of its sentence, at most its record's ``max_scope``
tokens, stopping at a terminator; a backward trigger reaches back the same way. Family cues work
both ways within their clause; a history cue after its target counts only when it is a past-time cue
(direction ``BIDIRECTIONAL``: "5 years ago", "il y a 3 ans").

What it leaves out: parsing and syntax (no dependency trees), coreference, temporality beyond the
history cue. It is a rule list of a few hundred phrases, measured on ``evals/vignettes.jsonl``
(see ``tests/test_checker_context.py``); edsnlp would bring a French clinical pipeline of the same
family (NegEx/ConText rules) for ~630 MB of dependencies and a spaCy start-up.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import detect_language, fold_offsets, sentence_spans  # noqa: F401 - detect_language re-exported
from . import lang

WINDOW = 10  # tokens a trigger with no max_scope reaches

# --------------------------------------------------------------------------- triggers
# The trigger records live in assistant/lang/<xx>/checker_context.json (medspaCy's record shape);
# each (category, direction) pair is one of the kinds the scope rules below know.
_KINDS = {
    ("PSEUDO", "PSEUDO"): "pseudo", ("NEGATED_EXISTENCE", "FORWARD"): "neg_pre",
    ("NEGATED_EXISTENCE", "BACKWARD"): "neg_post", ("POSSIBLE_EXISTENCE", "FORWARD"): "hyp_pre",
    ("POSSIBLE_EXISTENCE", "BACKWARD"): "hyp_post", ("FAMILY", "BIDIRECTIONAL"): "family",
    ("HISTORICAL", "FORWARD"): "history", ("HISTORICAL", "BIDIRECTIONAL"): "history_both",
    ("TERMINATE", "TERMINATE"): "term", ("FAMILY_TERMINATE", "TERMINATE"): "famterm",
}


@lru_cache(maxsize=1)
def _compiled() -> dict[tuple[str, int], re.Pattern]:
    by_kind: dict[tuple[str, int], list[str]] = {}
    for r in lang.all_context_rules():
        kind = _KINDS.get((r.category, r.direction))
        if kind is None:
            raise lang.LangDataError(f"checker_context.json: no scope rule for category {r.category} with direction "
                                     f"{r.direction}; use one of {sorted(_KINDS)}")
        by_kind.setdefault((kind, r.max_scope or WINDOW), []).append(r.regex())
    return {k: re.compile("|".join(f"(?:{p})" for p in v)) for k, v in by_kind.items()}


_TOKEN = re.compile(r"[\w']+|[^\w\s]")


@dataclass(frozen=True)
class Trigger:
    kind: str
    start: int
    end: int
    text: str
    scope: int = WINDOW  # tokens it reaches (the record's max_scope)


@dataclass(frozen=True)
class Flags:
    negated: bool = False
    hypothetical: bool = False
    family: bool = False
    history: bool = False
    cues: tuple[str, ...] = ()

    @property
    def asserted(self) -> bool:
        return not (self.negated or self.hypothetical or self.family)


class Sentence:
    """One sentence of folded text with its triggers, ready to annotate target spans."""

    def __init__(self, folded: str, start: int, end: int):
        self.start, self.end = start, end
        self.text = folded[start:end]
        found: list[Trigger] = []
        for (kind, scope), rx in _compiled().items():
            for m in rx.finditer(self.text):
                if m.end() > m.start():
                    found.append(Trigger(kind, m.start() + start, m.end() + start, m.group(0), scope))
        pseudo = [t for t in found if t.kind == "pseudo"]
        self.triggers = [t for t in found if t.kind != "pseudo" and not any(
            p.start <= t.start < p.end or t.start <= p.start < t.end for p in pseudo)]
        # When a post-negation and a pre-hypothesis overlap ("ruled out" vs "rule out"), keep the longer.
        self.triggers.sort(key=lambda t: (t.start, -(t.end - t.start)))

    def _tokens_between(self, a: int, b: int) -> int:
        return len(_TOKEN.findall(self.text[a - self.start:b - self.start])) if b > a else 0

    def _terminated(self, a: int, b: int, exclude: tuple[int, int] | None = None, kind: str = "term") -> bool:
        for t in self.triggers:
            if t.kind == kind and a <= t.start and t.end <= b:
                if exclude and not (t.end <= exclude[0] or t.start >= exclude[1]):
                    continue
                if t.text == ":" and t.start - a <= 2:
                    continue  # "DD : ostéonécrose, fracture" - a colon right after the cue introduces its list
                return True
        return False

    def flags(self, s: int, e: int) -> Flags:
        neg = hyp = fam = hist = False
        cues: list[str] = []
        for t in self.triggers:
            if t.kind in ("term", "famterm"):
                continue
            inside = t.start >= s and t.end <= e
            if inside and t.kind not in ("family", "history", "history_both"):
                continue  # a cue inside the target belongs to it ("non-traumatic" handled by the lexicon)
            if t.kind in ("history", "history_both") and t.end <= s:
                if self._tokens_between(t.end, s) > t.scope:
                    continue
            elif t.kind in ("history", "history_both") and t.start >= e:
                # "... of the left hip 5 years ago": only a past-time cue may follow its target
                if t.kind != "history_both" or self._tokens_between(e, t.start) > t.scope // 2 or \
                        self._terminated(e, t.start):
                    continue
            elif t.kind in ("neg_pre", "hyp_pre") and t.end <= s:
                gap = self._tokens_between(t.end, s)
                if gap > t.scope or self._terminated(t.end, s) or (gap > 1 and self._terminated(s, e)):
                    continue
            elif t.kind in ("neg_post", "hyp_post") and t.start >= e:
                if self._tokens_between(e, t.start) > t.scope or self._terminated(e, t.start):
                    continue
            elif t.kind == "family":
                lo, hi = (t.end, s) if t.end <= s else (e, t.start)
                if not inside and (self._tokens_between(lo, hi) > t.scope or self._terminated(lo, hi, kind="famterm")):
                    continue
            elif t.kind in ("history", "history_both") and inside:
                pass
            else:
                continue
            if t.kind in ("neg_pre", "neg_post"):
                neg = True
            elif t.kind in ("hyp_pre", "hyp_post"):
                hyp = True
            elif t.kind == "family":
                fam = True
            elif t.kind in ("history", "history_both"):
                hist = True
            cues.append(f"{t.kind}:{t.text}")
        return Flags(neg, hyp, fam, hist, tuple(cues))


class Annotator:
    """Fold a text once, then annotate any span of it."""

    def __init__(self, text: str):
        self.text = text
        self.folded, self.index = fold_offsets(text)
        self.spans = sentence_spans(self.folded)
        self._sent: dict[int, Sentence] = {}

    def sentence(self, i: int) -> Sentence:
        if i not in self._sent:
            a, b = self.spans[i]
            self._sent[i] = Sentence(self.folded, a, b)
        return self._sent[i]

    def sentence_of(self, pos: int) -> int:
        for i, (a, b) in enumerate(self.spans):
            if a <= pos < b:
                return i
        return max(0, len(self.spans) - 1)

    def flags(self, s: int, e: int) -> Flags:
        if not self.spans:
            return Flags()
        return self.sentence(self.sentence_of(s)).flags(s, e)

    def original(self, s: int, e: int) -> tuple[int, int, str]:
        """Map a folded span back to the original text."""
        if not self.index:
            return 0, 0, ""
        a = self.index[min(s, len(self.index) - 1)]
        b = self.index[min(max(e - 1, s), len(self.index) - 1)] + 1
        return a, b, self.text[a:b]
