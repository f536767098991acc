"""Numbers with units and dates in French and English clinical text.

What it does: finds, in folded text (see :func:`assistant.text.fold_offsets`), the age
("54 ans", "54-year-old", "aged 54"), temperature ("38,6 °C", "fièvre à 39", "101 °F"), CRP
("CRP 180 mg/L", "CRP à 18 mg/dl"), ESR, white count ("GB 15 G/L", "15 000/mm3"), vitamin D,
pregnancy weeks or trimester ("34 SA", "34 semaines", "34 weeks of gestation", "third trimester"),
DXA T-score and loss versus the healthy side, the thickness and length of a subchondral line,
minutes of morning stiffness, synovial cell counts, and dates: ISO, dd/mm/yyyy, "mars 2018",
"March 9, 2018", "en 2019", and relative offsets ("3 mois plus tard", "six weeks later",
"à un an"). The decimal comma is accepted everywhere.

What it leaves out: deciding which episode a date belongs to (:mod:`.extract`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import lang

_NUM = r"(\d+(?:[.,]\d+)?)"
# Number words, month names and time units are language data (``numbers``, ``months``, ``time_units``
# in assistant/lang/<xx>/checker_concepts.yaml), merged over every language.
WORD_NUMBERS: dict[str, float] = lang.merged_table("numbers")
_WORDNUM = r"(\d+(?:[.,]5)?|" + "|".join(sorted((re.escape(w) for w in WORD_NUMBERS), key=len, reverse=True)) + r")"
MONTHS: dict[str, int] = {k: int(v) for k, v in lang.merged_table("months").items()}
def _cue(name: str) -> str:
    """A cue list of the language data as one alternation (no capture groups: they would shift the rules')."""
    return "|".join(f"(?:{p})" for p in lang.merged("cues")[name])


_MONTHS_ALONE = [m for m, v in lang.merged_table("months_alone").items() if v]  # unambiguous without a year
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"


def num(s: str) -> float:
    s = s.strip()
    if s in WORD_NUMBERS:
        return float(WORD_NUMBERS[s])
    return float(s.replace(",", ".").replace(" ", ""))


@dataclass(frozen=True)
class Quantity:
    kind: str
    value: float
    start: int
    end: int
    unit: str = ""


# The kinds of number, in the order they are read; their patterns are language data (``quantities``).
KINDS = ("age", "temperature", "crp", "esr", "wbc", "vitamin_d", "pregnancy_weeks", "trimester", "t_score",
         "loss_percent", "line_mm", "stiffness_min", "fluid_cells")
_DEFAULT_UNIT = {"line_mm": "mm"}
_PATTERNS = lang.merged("quantities")
_RULES: list[tuple[str, re.Pattern, str]] = [
    (k, re.compile("|".join(f"(?:{p})" for p in _PATTERNS[k])), _DEFAULT_UNIT.get(k, "")) for k in KINDS if _PATTERNS.get(k)]
_ORDINALS = {k: int(v) for k, v in lang.merged_table("ordinals").items()}


def quantities(folded: str) -> list[Quantity]:
    out: list[Quantity] = []
    for kind, rx, unit in _RULES:
        for m in rx.finditer(folded):
            groups = [g for g in m.groups()]
            val_s = next((g for g in groups if g and (re.match(r"^-? ?\d", g) or g in WORD_NUMBERS)), None)
            if val_s is None:
                if kind == "trimester":
                    val_s = next((g for g in groups if g), None)
                if val_s is None:
                    continue
            try:
                q = _interpret(kind, val_s, groups, m.group(0))
            except (ValueError, TypeError):
                continue
            if q is None:
                continue
            val, u = q
            out.append(Quantity(kind, val, m.start(), m.end(), u or unit))
    return out


def _interpret(kind: str, val_s: str, groups: list, whole: str) -> tuple[float, str] | None:
    unit = next((g for g in groups[1:] if g and not re.match(r"^-? ?\d", g)), "") or ""
    if kind == "trimester":
        return float(_ORDINALS[val_s] if val_s in _ORDINALS else int(val_s)), ""
    if kind == "stiffness_min":
        v = num(val_s) if val_s[0].isdigit() else float(WORD_NUMBERS.get(val_s, 1))
        if unit.startswith(("h", "heure", "hour")):
            v *= 60
        return v, "min"
    if kind in ("wbc", "fluid_cells"):
        v = float(re.sub(r"[ .,](?=\d{3}\b)", "", val_s).replace(",", "."))
        if kind == "wbc":
            if unit.startswith("/") or "mm" in unit or "elements" in unit or v > 300:
                v = v / 1000.0
            return v, "G/L"
        return v, "/mm3"
    v = num(val_s.replace(" ", ""))
    if kind == "temperature":
        if unit in ("f", "fahrenheit") or 95 <= v <= 110:
            v = round((v - 32) * 5 / 9, 1)
        if not 34 <= v <= 43.5:
            return None
        return v, "°C"
    if kind == "crp":
        if unit == "mg/dl":
            v *= 10
        elif unit == "g/l":
            v *= 1000
        return v, "mg/L"
    if kind == "vitamin_d":
        if unit == "nmol/l":
            v *= 0.4
        return v, "ng/mL"
    if kind == "age":
        if not 1 <= v <= 110:
            return None
        return v, "years"
    if kind == "pregnancy_weeks":
        if not 4 <= v <= 43:
            return None
        return v, "weeks"
    return v, unit


# ------------------------------------------------------------------------------ dates

@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    offset_months: float | None = None  # relative: months after the previous reference point
    relative: bool = False

    def iso(self) -> str | None:
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


_Y = r"((?:19|20)\d\d)"
_DATE_RULES = [
    ("iso", re.compile(r"\b" + _Y + r"-(\d{1,2})(?:-(\d{1,2}))?\b")),
    ("dmy", re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.]" + _Y + r"\b")),
    ("my", re.compile(r"\b(\d{1,2})/" + _Y + r"\b")),
    ("d_month_y", re.compile(r"\b(\d{1,2})(?:er|st|nd|rd|th)? " + _MONTH + r",? " + _Y + r"\b")),
    ("month_d_y", re.compile(r"\b" + _MONTH + r" (\d{1,2})(?:st|nd|rd|th)?,? " + _Y + r"\b")),
    ("month_y", re.compile(r"\b" + _MONTH + r",? (?:" + _cue("date_month_year_link") + ")?" + _Y + r"\b")),
    ("year", re.compile(r"\b(?:" + _cue("date_year_prefix") + ") " + _Y + r"\b")),
    # a bare year ("hip pain 2017", "(2019)"), not a count ("2000 cells/mm3") nor part of a number
    ("year", re.compile(r"(?<![\d.,/-])\b" + _Y + r"\b(?![.,/-]?\d)(?! ?(?:" + _cue("date_not_after_year") + "))")),
    # a month with no year ("en août", "in August"): resolved against the story's date by the extractor
    ("month", re.compile(r"\b(?:" + _cue("date_month_prefix") + ") ?(" + "|".join(sorted(_MONTHS_ALONE, key=len, reverse=True)) + r")\b")),
]
_UNIT_MONTHS: dict[str, float] = lang.merged_table("time_units")  # a unit word -> months
_UNIT = "(" + "|".join(sorted(_UNIT_MONTHS, key=len, reverse=True)) + ")"
# "3 mois plus tard", "after six weeks", "the following year", "later": the phrases are language data.
_NEXT_YEAR = re.compile(r"\b(?:" + _cue("next_year") + r")\b")
_REL = re.compile(
    r"\b" + _WORDNUM + " " + _UNIT + r" (?:" + _cue("rel_after") + r")\b|"
    r"\b(?:" + _cue("rel_before") + ") " + _WORDNUM + " " + _UNIT + r"\b(?! (?:" + _cue("rel_not") + "))|"
    + _NEXT_YEAR.pattern + r"|\b(?:" + _cue("later") + r")\b")


def dates(folded: str) -> list[DateMention]:
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return not any(a < tb and ta < b for ta, tb in taken)

    for kind, rx in _DATE_RULES:
        for m in rx.finditer(folded):
            if not free(m.start(), m.end()):
                continue
            g = m.groups()
            try:
                if kind == "iso":
                    y, mo, d = int(g[0]), int(g[1]), int(g[2]) if g[2] else None
                elif kind == "dmy":
                    d, mo, y = int(g[0]), int(g[1]), int(g[2])
                    if mo > 12 and d <= 12:
                        d, mo = mo, d
                elif kind == "my":
                    mo, y, d = int(g[0]), int(g[1]), None
                elif kind == "d_month_y":
                    d, mo, y = int(g[0]), MONTHS[g[1]], int(g[2])
                elif kind == "month_d_y":
                    mo, d, y = MONTHS[g[0]], int(g[1]), int(g[2])
                elif kind == "month_y":
                    mo, y, d = MONTHS[g[0]], int(g[1]), None
                    if g[0] in ("mar", "may", "mai", "sept") and not re.match(r"[a-z]+ \d{4}", m.group(0)):
                        pass
                elif kind == "month":
                    y, mo, d = None, MONTHS[g[0]], None
                else:
                    y, mo, d = int(g[0]), None, None
            except (KeyError, ValueError):
                continue
            if mo is not None and not 1 <= mo <= 12:
                continue
            if d is not None and not 1 <= d <= 31:
                continue
            taken.append((m.start(), m.end()))
            out.append(DateMention(m.start(), m.end(), y, mo, d))
    for m in _REL.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        g = m.groups()
        off = None
        if g[0] and g[1]:
            off = num(g[0]) * _UNIT_MONTHS.get(g[1], 1)
        elif g[2] and g[3]:
            off = num(g[2]) * _UNIT_MONTHS.get(g[3], 1)
        elif _NEXT_YEAR.fullmatch(m.group(0)):
            off = 12.0
        out.append(DateMention(m.start(), m.end(), offset_months=off, relative=True))
    out.sort(key=lambda d: d.start)
    return out


def add_months(iso: str | None, months: float | None) -> str | None:
    """ISO (partial) date plus a number of months, at month precision."""
    if not iso or months is None:
        return None
    parts = [int(p) for p in iso.split("-")]
    y = parts[0]
    mo = parts[1] if len(parts) > 1 else 6
    total = y * 12 + (mo - 1) + int(round(months))
    return f"{total // 12:04d}-{total % 12 + 1:02d}"
