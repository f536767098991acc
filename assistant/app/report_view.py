"""The case checker's report as HTML, in the report's language.

What it does: renders a report dict (``Report.to_dict()``): the verdict, urgent warnings,
differentials with their reasons, whether the course is migratory, the decisive unknowns, the
criteria table (met / not met / unknown, evidence, sources linking to the Sources tab), the red
flags folded away, cautions, the support score and the disclaimer. Every value from the report
is HTML-escaped.

What it leaves out: grading (the checker) and running it from the app (:mod:`.checking`).
"""
from __future__ import annotations

import html

from .texts import t

STATUS_ICON = {"met": "✓", "not_met": "✗", "unknown": "?"}


def _source_links(sources, kb) -> str:
    out = []
    for s in sources or []:
        if kb is not None and kb.has(s):
            e = html.escape(s)
            out.append(f'<a href="#para-{e}" class="tmo-cite" data-para="{e}">{e}</a>')
        else:
            out.append(f'<span class="tmo-ref">{html.escape(str(s))}</span>')
    return ", ".join(out)


def _evidence(ev: list[dict], lang: str) -> str:
    parts = []
    for e in ev[:3]:
        if e.get("quote"):
            flags = [t(k, lang) for k in ("negated", "hypothetical", "family", "history") if e.get(k)]
            if e.get("used") is False:
                flags.append(t("ignored", lang))
            q = f"« {e['quote']} »" if lang == "fr" else f"“{e['quote']}”"
            parts.append(html.escape(q) + (f' <span class="tmo-flag">[{html.escape(", ".join(flags))}]</span>'
                                           if flags else ""))
        else:
            val = e.get("value")
            if isinstance(val, list):
                val = ", ".join(map(str, val)) or "—"
            parts.append(f'<code>{html.escape(str(e.get("field")))}</code> = {html.escape(str(val))}')
    return "<br>".join(parts)


def _criteria_rows(criteria: list[dict], lang: str, kb) -> str:
    rows = []
    for c in criteria:
        st = c["status"]
        label = {"met": t("met", lang), "not_met": t("not_met", lang), "unknown": t("st_unknown", lang)}[st]
        rows.append(
            f'<tr class="tmo-st-{st}"><td>{html.escape(c["label"])}</td>'
            f'<td class="tmo-status"><span class="tmo-badge tmo-badge-{st}">{STATUS_ICON[st]} {label}</span></td>'
            f'<td>{_evidence(c.get("evidence", []), lang)}</td><td>{_source_links(c.get("sources"), kb)}</td></tr>')
    return "".join(rows)


def report_html(d: dict, kb=None) -> str:
    """The report dict (``Report.to_dict()``) as HTML, in the report's language."""
    lang = d.get("lang", "en")
    v = d["verdict"]
    out = [f'<div class="tmo-report" data-verdict="{html.escape(v)}">',
           f'<div class="tmo-verdict tmo-verdict-{html.escape(v)}"><span class="tmo-verdict-label">{t("verdict", lang)}'
           f'</span> <strong>{html.escape(v.upper())}</strong> — {html.escape(d.get("label", ""))}</div>']
    if d.get("urgent"):
        out.append(f'<div class="tmo-urgent">⚠️ {html.escape(t("urgent", lang))}</div>')
    # differentials
    out.append(f'<h4>{t("differentials", lang)}</h4>')
    diffs = d.get("differentials") or []
    if diffs:
        out.append('<ul class="tmo-diffs">')
        for x in diffs:
            cls = "tmo-diff tmo-diff-urgent" if x.get("urgent") else "tmo-diff"
            tag = ' <span class="tmo-urgent-tag">URGENT</span>' if x.get("urgent") else ""
            reasons = "".join(f"<li>{html.escape(r)}</li>" for r in x.get("reasons", []))
            src = _source_links(x.get("sources"), kb)
            note = f'<div class="tmo-diff-note">{html.escape(x["note"])}</div>' if x.get("note") else ""
            out.append(f'<li class="{cls}" data-diff="{html.escape(x["id"])}"><strong>{html.escape(x["label"])}</strong>'
                       f' <code>{html.escape(x["id"])}</code>{tag}<ul>{reasons}</ul>{note}'
                       + (f'<div class="tmo-src">{t("sources", lang)}: {src}</div>' if src else "") + "</li>")
        out.append("</ul>")
    else:
        out.append(f'<p class="tmo-muted">{t("no_differentials", lang)}</p>')
    # migration
    steps = d.get("migration") or []
    mig = t("yes" if d.get("migratory") else "no", lang)
    if len(steps) > 1:
        chain = " → ".join(html.escape(" ".join(x for x in (s.get("date") or "?", s.get("joint") or "?",
                                                              s.get("side") or "", "/".join(s.get("sites") or []))
                                                if x)) for s in steps)
        mig += f" <span class='tmo-muted'>({chain})</span>"
    out.append(f'<p><strong>{t("migratory", lang)}:</strong> {mig}</p>')
    # unknowns
    unknowns = d.get("unknowns") or []
    if unknowns:
        out.append(f'<h4>{t("unknowns", lang)}</h4><ul class="tmo-unknowns">')
        for u in unknowns[:8]:
            out.append(f'<li>{html.escape(u["ask"])} <span class="tmo-muted">({t("if_met", lang)}: {u["if_met"]}; '
                       f'{t("if_not_met", lang)}: {u["if_not_met"]})</span></li>')
        out.append("</ul>")
    # criteria
    crit = [c for c in d.get("criteria", []) if c.get("kind") != "red_flag"]
    order = {"met": 0, "not_met": 1, "unknown": 2}
    crit.sort(key=lambda c: order[c["status"]])
    head = (f'<tr><th>{t("criterion", lang)}</th><th>{t("status", lang)}</th><th>{t("evidence", lang)}</th>'
            f'<th>{t("sources", lang)}</th></tr>')
    out.append(f'<h4>{t("criteria", lang)}</h4><table class="tmo-criteria">{head}{_criteria_rows(crit, lang, kb)}</table>')
    flags = [c for c in d.get("criteria", []) if c.get("kind") == "red_flag"]
    if flags:
        flags.sort(key=lambda c: order[c["status"]])
        n_met = sum(c["status"] == "met" for c in flags)
        out.append(f'<details class="tmo-flags"><summary>{t("red_flags", lang)} ({n_met}/{len(flags)} '
                   f'{t("met", lang)})</summary><table class="tmo-criteria">{head}{_criteria_rows(flags, lang, kb)}'
                   f'</table></details>')
    cautions = d.get("cautions") or []
    if cautions:
        out.append(f'<h4>{t("cautions", lang)}</h4><ul>'
                   + "".join(f'<li>{html.escape(c["label"])}</li>' for c in cautions) + "</ul>")
    s = d.get("support") or {}
    if s:
        out.append(f'<p class="tmo-muted">{t("score", lang)}: {s.get("met", 0):g} / {s.get("total", 0):g} '
                   f'({html.escape(str(s.get("note", "")))})</p>')
    out.append(f'<p class="tmo-disclaimer">{html.escape(d.get("disclaimer", ""))}</p></div>')
    return "".join(out)
