"""A :class:`~.course.Course` drawn as a matplotlib Figure.

What it does: one horizontal lane per joint and side, one bar per episode (dashed while it has
not resolved) with its label, arrows from one episode to the next so migration is seen at a
glance, a symbol per kind of mark (hollow when its date is approximate) with its note, dated
month ticks and a legend of the kinds shown. Uses ``matplotlib.figure.Figure`` directly (no
pyplot global state), so concurrent users do not share a figure; matplotlib is imported only
when a figure is drawn.

What it leaves out: what goes on the chart (:mod:`.course`) and gradio (the app hands the
Figure to ``gr.Plot``).
"""
from __future__ import annotations

import textwrap
from datetime import timedelta
from typing import TYPE_CHECKING

from .course_labels import MONTHS

if TYPE_CHECKING:  # only for the annotation: course.py imports KINDS from here
    from .course import Course

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
