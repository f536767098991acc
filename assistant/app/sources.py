"""The Sources tab: the knowledge base's paragraphs, French and English side by side, searchable.

What it does: renders every paragraph (or those matching a search) as one row with its id,
section and both languages, each with an anchor ``para-<id>`` so citations elsewhere in the app
open here. Search is accent- and case-insensitive, matches all words of the query in either
language (or a paragraph id) and highlights them.

What it leaves out: gradio; retrieval (this is plain text search, for reading the source).
"""
from __future__ import annotations

import html
import re
import unicodedata

from ..knowledge import SECTION_LABELS, KnowledgeBase
from .texts import t

_LIG = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'"}


def _fold_char(ch: str) -> str:
    if ch in _LIG:
        return _LIG[ch]
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return base.lower()


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Folded text (lower case, no accents) and, for each folded char, its index in ``text``."""
    out, idx = [], []
    for i, ch in enumerate(text):
        f = _fold_char(ch)
        out.append(f)
        idx.extend([i] * len(f))
    return "".join(out), idx


def fold(text: str) -> str:
    return fold_with_map(text)[0]


def query_terms(query: str) -> list[str]:
    return [w for w in re.split(r"\s+", fold(query or "").strip()) if w]


def highlight(text: str, terms: list[str]) -> str:
    """HTML-escaped ``text`` with every occurrence of the folded ``terms`` wrapped in <mark>."""
    if not terms:
        return html.escape(text)
    folded, idx = fold_with_map(text)
    spans = []
    for term in terms:
        for m in re.finditer(re.escape(term), folded):
            spans.append((idx[m.start()], idx[m.end() - 1] + 1))
    if not spans:
        return html.escape(text)
    spans.sort()
    merged = [list(spans[0])]
    for a, b in spans[1:]:
        if a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, pos = [], 0
    for a, b in merged:
        out.append(html.escape(text[pos:a]) + "<mark>" + html.escape(text[a:b]) + "</mark>")
        pos = b
    out.append(html.escape(text[pos:]))
    return "".join(out)


def search(kb: KnowledgeBase, query: str) -> list:
    """Paragraphs matching every word of ``query`` (in FR, EN, id or section), in reading order."""
    terms = query_terms(query)
    if not terms:
        return list(kb.paragraphs)
    q = fold(query).strip()
    exact = [p for p in kb.paragraphs if p.id == q]
    if exact:
        return exact
    out = []
    for p in kb.paragraphs:
        labels = " ".join(SECTION_LABELS.get(p.section, {}).values())
        hay = fold(" ".join((p.id, p.section, labels, p.fr, p.en)))
        if all(term in hay for term in terms):
            out.append(p)
    return out


def sources_html(kb: KnowledgeBase, query: str = "", ui_lang: str = "en") -> str:
    """The Sources tab's table for a search (empty query: every paragraph)."""
    found = search(kb, query)
    terms = query_terms(query)
    rows = []
    for p in found:
        sec = SECTION_LABELS.get(p.section, {}).get(ui_lang, p.section)
        pid = html.escape(p.id)
        rows.append(
            f'<div class="tmo-para" id="para-{pid}" data-para="{pid}">'
            f'<div class="tmo-para-head"><code>{pid}</code> · {html.escape(sec)}</div>'
            f'<div class="tmo-para-cols"><div lang="fr"><span class="tmo-lang">FR</span> {highlight(p.fr, terms)}</div>'
            f'<div lang="en"><span class="tmo-lang">EN</span> {highlight(p.en, terms)}</div></div></div>')
    count = t("n_paragraphs", ui_lang, n=len(found), total=len(kb.paragraphs))
    return (f'<div class="tmo-sources"><p class="tmo-muted tmo-count">{count}</p>'
            f'<div class="tmo-para-header"><div>{t("french", ui_lang)}</div><div>{t("english", ui_lang)}</div></div>'
            + "".join(rows) + "</div>")
