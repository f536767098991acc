"""Timeline charts: the report patient's course, and the course of a checked case.

What it does: draws one matplotlib figure per course: one lane per joint and side, one bar per
painful episode labelled with its sites, symbols for imaging (bone scan, MRI, DXA, X-ray),
labs, clinical findings, treatments (short names under the bar) and resolution, dated ticks,
and arrows from one episode to the next so migration is seen at a glance. Also the event
table shown under the chart. Uses ``matplotlib.figure.Figure`` directly (no pyplot global
state), so concurrent users do not share a figure.

What it leaves out: gradio (the app hands the Figure to ``gr.Plot``).
"""
from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..knowledge import KnowledgeBase
from .texts import t

MONTHS = {
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
JOINTS = {  # French name and gender (for the side adjective)
    "hip": ("hanche", "f", "hip"), "knee": ("genou", "m", "knee"), "ankle": ("cheville", "f", "ankle"),
    "foot": ("pied", "m", "foot"), "shoulder": ("épaule", "f", "shoulder"), "elbow": ("coude", "m", "elbow"),
    "wrist": ("poignet", "m", "wrist"), "hand": ("main", "f", "hand"), "spine": ("rachis", "m", "spine"),
    "sacroiliac": ("sacro-iliaque", "f", "sacroiliac joint"),
}
SIDES = {"right": ("droit", "droite", "right"), "left": ("gauche", "gauche", "left"),
         "bilateral": ("bilatéral", "bilatérale", "bilateral")}
SITES = {
    "medial_femoral_condyle": ("condyle fémoral interne", "medial femoral condyle"),
    "lateral_femoral_condyle": ("condyle fémoral externe", "lateral femoral condyle"),
    "femoral_condyles": ("condyles fémoraux", "femoral condyles"),
    "medial_tibial_plateau": ("plateau tibial interne", "medial tibial plateau"),
    "lateral_tibial_plateau": ("plateau tibial externe", "lateral tibial plateau"),
    "posterolateral_tibial_plateau": ("plateau tibial postéro-externe", "posterolateral tibial plateau"),
    "tibial_plateau": ("plateau tibial", "tibial plateau"),
    "lateral_compartment": ("compartiment externe", "lateral compartment"),
    "intercondylar_region": ("région intercondylienne", "intercondylar region"),
    "trochlea": ("trochlée", "trochlea"), "patella": ("rotule", "patella"),
    "femoral_head": ("tête fémorale", "femoral head"), "femoral_neck": ("col fémoral", "femoral neck"),
    "talus": ("talus", "talus"), "calcaneus": ("calcanéus", "calcaneus"), "navicular": ("naviculaire", "navicular"),
    "metatarsal": ("métatarsien", "metatarsal"), "distal_tibia": ("tibia distal", "distal tibia"),
}
TREATMENTS = [  # (keyword in the English text, fr, en)
    ("offloading", "décharge", "offloading"), ("calcium", "calcium + vit. D", "calcium + vit. D"),
    ("nabumetone", "nabumétone", "nabumetone"), ("tramadol", "paracétamol + tramadol", "paracetamol + tramadol"),
    ("calcitonin", "calcitonine", "calcitonin"), ("alendronate", "alendronate", "alendronate"),
    ("corticoster", "corticoïdes", "corticosteroids"),
]
KINDS = {  # kind -> (marker, colour, fr, en, y offset)
    "clinical": ("o", "#555555", "clinique", "clinical", 0.13),
    "bone_scan": ("D", "#8e44ad", "scintigraphie", "bone scan", 0.0),
    "mri": ("s", "#1f5fa8", "IRM", "MRI", 0.0),
    "dxa": ("^", "#16a085", "DXA", "DXA", 0.0),
    "radiograph_ct": ("v", "#7f8c8d", "radio / scanner", "X-ray / CT", 0.0),
    "labs": ("P", "#d35400", "biologie", "labs", 0.13),
    "treatment": ("*", "#c0392b", "traitement", "treatment", -0.2),
    "resolution": ("o", "#27ae60", "résolution", "resolution", 0.0),
}
EPISODE_COLOURS = ["#e67e22", "#2980b9", "#8e44ad", "#27ae60", "#c0392b", "#16a085", "#7f8c8d", "#d35400"]


def site_label(site: str, lang: str) -> str:
    fr, en = SITES.get(site, (site.replace("_", " "), site.replace("_", " ")))
    return fr if lang == "fr" else en


def lane_label(joint: str | None, side: str | None, lang: str) -> str:
    j = JOINTS.get(joint or "", (joint or "?", "m", joint or "?"))
    if lang == "fr":
        s = SIDES.get(side or "", ("", "", ""))[0 if j[1] == "m" else 1]
        text = f"{j[0]} {s}".strip()
    else:
        s = SIDES.get(side or "", ("", "", ""))[2]
        text = f"{s} {j[2]}".strip()
    return text[:1].upper() + text[1:]


def parse_date(s: str | None) -> tuple[date | None, bool]:
    """ISO date (YYYY, YYYY-MM or YYYY-MM-DD) -> (date, approximate). Month only: the 15th."""
    if not s:
        return None, True
    parts = [int(p) for p in str(s).split("-") if p.isdigit()]
    try:
        if len(parts) >= 3:
            return date(parts[0], parts[1], parts[2]), False
        if len(parts) == 2:
            return date(parts[0], parts[1], 15), True
        if len(parts) == 1:
            return date(parts[0], 7, 1), True
    except ValueError:
        pass
    return None, True


def short_date(d: date, lang: str) -> str:
    return f"{d.day} {MONTHS[lang][d.month - 1]}"


def treatment_names(text: str, lang: str) -> list[str]:
    low = text.lower()
    return [fr if lang == "fr" else en for key, fr, en in TREATMENTS if key in low]


@dataclass
class Span:
    lane: int
    start: date
    end: date
    label: str
    episode: int
    open_end: bool = False


@dataclass
class Mark:
    lane: int
    day: date
    kind: str
    approximate: bool = False
    note: str = ""  # short text under the mark (treatment names, ✓)


@dataclass
class Course:
    lanes: list[str]
    spans: list[Span] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    title: str = ""


# -- building courses ------------------------------------------------------------------------

def kb_course(kb: KnowledgeBase, lang: str = "en") -> Course:
    """The report patient's course from the knowledge base's timeline."""
    events = list(kb.timeline)
    knees = []
    for e in events:
        if e.knee not in knees:
            knees.append(e.knee)
    lanes = [lane_label("knee", k, lang) for k in knees]
    course = Course(lanes, title=t("tl_title", lang))
    by_ep: dict[int, list] = {}
    for e in events:
        by_ep.setdefault(e.episode, []).append(e)
    for n, evs in sorted(by_ep.items()):
        dated = [(parse_date(e.date), e) for e in evs]
        known = [d for (d, approx), e in dated if d and len(e.date) > 4]
        if not known:
            continue
        mid = known[len(known) // 2]
        lane = knees.index(evs[0].knee)
        first_mri = next((e for e in evs if e.modality == "mri" and e.sites and not e.id.endswith("resolution")), None)
        sites = list(dict.fromkeys(first_mri.sites if first_mri else [s for e in evs for s in e.sites]))
        label = f"{t('episode', lang)} {n} · " + ", ".join(site_label(s, lang) for s in sites)
        course.spans.append(Span(lane, min(known), max(max(known), min(known) + timedelta(days=20)), label, n))
        for (d, approx), e in dated:
            year_only = len(e.date) == 4
            day = mid if year_only else d
            approx = approx or e.approximate
            if e.treatment is not None:
                names = treatment_names(e.treatment.en, lang)
                course.marks.append(Mark(lane, day, "treatment", approx, ", ".join(names)))
            if e.modality:
                kind = e.modality if e.modality in KINDS else "clinical"
                if e.id.endswith("resolution"):
                    kind = "resolution"
                note = "" if approx else short_date(day, lang)
                if kind == "resolution":
                    note = "✓ " + note
                course.marks.append(Mark(lane, day, kind, approx, note))
    return course


def case_course(case: dict, lang: str = "en") -> Course | None:
    """A checked case's course from its episodes (None if it has none)."""
    eps = [e for e in (case or {}).get("episodes", []) if isinstance(e, dict)]
    if not eps:
        return None
    keys = []
    for e in eps:
        k = (e.get("joint"), e.get("side"))
        if k not in keys:
            keys.append(k)
    course = Course([lane_label(j, s, lang) for j, s in keys], title=t("tl_case_title", lang))
    starts = [parse_date(e.get("date")) for e in eps]
    ordinal = any(d is None for d, _ in starts)
    origin = date(2000, 1, 1)
    for i, e in enumerate(eps):
        lane = keys.index((e.get("joint"), e.get("side")))
        if ordinal:  # no dates: one 'month' per episode, in order
            start, approx = origin + timedelta(days=60 * i), True
            end, open_end = start + timedelta(days=45), not e.get("resolution")
        else:
            start, approx = starts[i]
            res_day = parse_date((e.get("resolution") or {}).get("date"))[0]
            nxt = starts[i + 1][0] if i + 1 < len(starts) else None
            end = res_day or (nxt if nxt and nxt > start else start + timedelta(days=90))
            open_end = res_day is None
        end = max(end, start + timedelta(days=20))
        sites = ", ".join(site_label(s, lang) for s in e.get("sites") or [])
        label = f"{t('episode', lang)} {i + 1}" + (f" · {sites}" if sites else "")
        course.spans.append(Span(lane, start, end, label, i + 1, open_end))
        for key, kind in (("bone_scan", "bone_scan"), ("mri", "mri"), ("dxa", "dxa"), ("radiograph", "radiograph_ct")):
            rec = e.get(key)
            if not isinstance(rec, dict):
                continue
            d, a = parse_date(rec.get("date")) if not ordinal else (None, True)
            day = d or start
            course.marks.append(Mark(lane, day, kind, a or d is None, "" if (a or ordinal) else short_date(day, lang)))
        if e.get("treatment"):
            names = [str(x) for x in e["treatment"]]
            course.marks.append(Mark(lane, start + (end - start) / 3, "treatment", True, ", ".join(names)))
        res = e.get("resolution") or {}
        if res.get("clinical") or res.get("mri"):
            course.marks.append(Mark(lane, end, "resolution", open_end, "✓"))
    if ordinal:
        course.title += " (" + ("ordre des épisodes, dates inconnues" if lang == "fr" else "episode order, dates unknown") + ")"
    return course


# -- drawing ----------------------------------------------------------------------------------

def draw(course: Course, lang: str = "en", ordinal: bool = False):
    """Render a :class:`Course` as a matplotlib Figure."""
    from matplotlib.dates import DateFormatter, MonthLocator, date2num  # noqa: F401
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    n = max(1, len(course.lanes))
    fig = Figure(figsize=(11, 2.0 + 1.6 * n), dpi=100)
    ax = fig.add_subplot(111)
    ys = {i: n - 1 - i for i in range(n)}
    days = [s.start for s in course.spans] + [s.end for s in course.spans] + [m.day for m in course.marks]
    lo, hi = min(days), max(days)
    pad = max(20, (hi - lo).days // 25)
    level: dict[int, int] = {}
    for s in sorted(course.spans, key=lambda s: s.start):
        c = EPISODE_COLOURS[(s.episode - 1) % len(EPISODE_COLOURS)]
        y = ys[s.lane]
        width = (s.end - s.start).days
        ax.barh(y, width, left=date2num(s.start), height=0.5, color=c, alpha=0.18, edgecolor=c,
                linewidth=1.5, linestyle="--" if s.open_end else "-", zorder=1)
        k = level.get(s.lane, 0)  # alternate label heights so neighbouring episodes do not collide
        level[s.lane] = k + 1
        ax.text(date2num(s.start), y + 0.28 + 0.17 * (k % 2), s.label, fontsize=9, color=c, fontweight="bold",
                va="bottom", ha="left", zorder=4)
    # arrows from one episode to the next: the migration
    spans = sorted(course.spans, key=lambda s: s.episode)
    for a, b in zip(spans, spans[1:]):
        ya, yb = ys[a.lane], ys[b.lane]
        # from the end of an episode, or (when the next one starts before it ends) from its middle
        xa = date2num(a.end if a.end < b.start else a.start + (max(b.start, a.start) - a.start) / 2)
        ax.annotate("", xy=(date2num(b.start), yb), xytext=(xa, ya),
                    arrowprops=dict(arrowstyle="-|>", color="#444444", lw=1.2, alpha=0.7,
                                    connectionstyle="arc3,rad=-0.25" if ya == yb else "arc3,rad=0.15"),
                    zorder=2)
    used = []
    placed: list[tuple[int, float, float]] = []
    for m in course.marks:
        marker, colour, fr, en, off = KINDS[m.kind]
        y = ys[m.lane] + off
        x = date2num(m.day)
        while any(ln == m.lane and abs(py - y) < 0.05 and abs(px - x) < 6 for ln, py, px in placed):
            x += 8  # nudge marks that would sit on top of each other
        placed.append((m.lane, y, x))
        ax.scatter([x], [y], marker=marker, s=95 if m.kind == "treatment" else 60,
                   facecolors="white" if m.approximate and m.kind != "treatment" else colour,
                   edgecolors=colour, linewidths=1.5, zorder=3)
        if m.kind not in used:
            used.append(m.kind)
        if m.note:
            if m.kind == "treatment":
                note = "\n".join(textwrap.wrap(m.note, 26)[:3])
                ax.text(x, y - 0.09, note, fontsize=7.5, color=colour, va="top", ha="center", zorder=4)
            elif m.kind == "resolution":
                ax.text(x, y - 0.08, m.note, fontsize=8, color=colour, va="top", ha="center", fontweight="bold")
            else:
                ax.text(x, y - 0.07, m.note, fontsize=7, color="#333333", va="top", ha="center", zorder=4)
    ax.set_yticks([ys[i] for i in range(n)])
    ax.set_yticklabels(course.lanes, fontsize=10)
    ax.set_ylim(-0.8, n - 0.2)
    ax.set_xlim(date2num(lo - timedelta(days=pad)), date2num(hi + timedelta(days=pad)))
    if ordinal:
        ax.set_xticks([])
    else:
        span_days = (hi - lo).days
        interval = 1 if span_days < 240 else 2 if span_days < 730 else 6 if span_days < 2200 else 12
        ax.xaxis.set_major_locator(MonthLocator(interval=interval))
        from matplotlib.dates import num2date

        ax.xaxis.set_major_formatter(FuncFormatter(
            lambda x, _pos: (lambda d: f"{MONTHS[lang][d.month - 1]} {d.year}")(num2date(x))))
        for lab in ax.get_xticklabels():
            lab.set_fontsize(8)
    ax.grid(axis="x", color="#dddddd", linewidth=0.8, zorder=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(course.title, fontsize=12, loc="left")
    handles = []
    for k in used:
        marker, colour, fr, en, _ = KINDS[k]
        handles.append(Line2D([], [], marker=marker, linestyle="", color=colour, markersize=8,
                              label=fr if lang == "fr" else en))
    handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#555555",
                          markersize=8, label="date approximative" if lang == "fr" else "approximate date"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(len(handles), 5),
              fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def kb_figure(kb: KnowledgeBase, lang: str = "en"):
    return draw(kb_course(kb, lang), lang)


def worth_a_chart(case: dict | None) -> bool:
    """A course is worth drawing with several episodes, or one dated episode."""
    eps = [e for e in (case or {}).get("episodes", []) if isinstance(e, dict)]
    return len(eps) > 1 or any(e.get("date") for e in eps)


def case_figure(case: dict, lang: str = "en"):
    """The checked case's course as a Figure, or None when the case has no episodes."""
    course = case_course(case, lang)
    if course is None:
        return None
    ordinal = any(parse_date(e.get("date"))[0] is None for e in case.get("episodes", []))
    return draw(course, lang, ordinal=ordinal)


def timeline_table_html(kb: KnowledgeBase, lang: str = "en") -> str:
    """The report patient's events as a table (date, knee, episode, site, what happened)."""
    rows = []
    for e in kb.timeline:
        what = []
        for attr in ("finding", "treatment", "outcome"):
            v = getattr(e, attr)
            if v is not None:
                what.append(html.escape(v.get(lang)))
        sites = ", ".join(site_label(s, lang) for s in e.sites) or "—"
        date_s = ("≈ " if e.approximate else "") + e.date
        src = ", ".join(f'<a href="#para-{html.escape(s)}" class="tmo-cite" data-para="{html.escape(s)}">'
                        f'{html.escape(s)}</a>' for s in e.sources)
        rows.append(f"<tr><td>{date_s}</td><td>{e.episode}</td><td>{lane_label('knee', e.knee, lang)}</td>"
                    f"<td>{html.escape(sites)}</td><td>{'<br>'.join(what)}</td><td>{src}</td></tr>")
    head = (f"<tr><th>{t('date', lang)}</th><th>{t('episode', lang)}</th><th>{t('knee', lang)}</th>"
            f"<th>{t('site', lang)}</th><th>{t('event', lang)}</th><th>{t('sources', lang)}</th></tr>")
    return f'<table class="tmo-criteria tmo-timeline-table">{head}{"".join(rows)}</table>'
