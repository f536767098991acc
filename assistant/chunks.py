"""Chunks: the retrievable units made from the knowledge base, in both languages.

What it does: one chunk per paragraph and language (``disc-1:fr``), plus, when asked, one
per sentence (``disc-1:fr:s2``) so a precise question can hit the sentence that answers it,
one per structured fact and timeline step (``:f:``, ``:t:``), and the same fact again under its
category's name (``:c:``, "Course, duration, prognosis: ...") so that a question naming the kind
of thing it wants ('how long does it last?') meets the fact; the answer quotes ``:f:`` views only.
Every chunk keeps its paragraph id, section and topics, so retrieval can filter and cite.
What it leaves out: embeddings and scoring.
"""
from __future__ import annotations

from dataclasses import dataclass

from .knowledge import CATEGORY_LABELS, LANGS, MODALITY_LABELS, SECTION_LABELS, KnowledgeBase
from .text import sentences


@dataclass(frozen=True)
class Chunk:
    id: str
    paragraph_id: str
    lang: str
    section: str
    topics: tuple[str, ...]
    kind: str  # "paragraph" | "sentence"
    text: str

    def to_json(self) -> dict:
        return {"id": self.id, "paragraph_id": self.paragraph_id, "lang": self.lang, "section": self.section,
                "topics": list(self.topics), "kind": self.kind, "text": self.text}

    @classmethod
    def from_json(cls, d: dict) -> "Chunk":
        return cls(d["id"], d["paragraph_id"], d["lang"], d["section"], tuple(d["topics"]), d["kind"], d["text"])


def make_chunks(kb: KnowledgeBase, sentence_views: bool = True, max_words: int = 260,
                label_facts: bool = True) -> list[Chunk]:
    """Paragraph chunks, plus sentence views and fact views when ``sentence_views``.

    A fact view is a structured fact's wording attached to the paragraph it cites first
    (timeline events likewise): a question phrased like the fact finds its paragraph.
    """
    out: list[Chunk] = []
    for p in kb.paragraphs:
        if p.section == "front":  # authors and affiliation answer no clinical question
            continue
        for lang in LANGS:
            text = p.text(lang)
            label = SECTION_LABELS[p.section][lang]
            sents = sentences(text)
            # A paragraph longer than max_words is cut at sentence boundaries.
            windows: list[list[str]] = [[]]
            for s in sents:
                if windows[-1] and sum(len(x.split()) for x in windows[-1]) + len(s.split()) > max_words:
                    windows.append([])
                windows[-1].append(s)
            for w, sent_group in enumerate(windows):
                suffix = "" if len(windows) == 1 else f":w{w}"
                out.append(Chunk(f"{p.id}:{lang}{suffix}", p.id, lang, p.section, p.topics, "paragraph",
                                 f"{label}. {' '.join(sent_group)}"))
            if sentence_views and len(sents) > 1:
                for i, s in enumerate(sents):
                    out.append(Chunk(f"{p.id}:{lang}:s{i}", p.id, lang, p.section, p.topics, "sentence", s))
    if sentence_views:
        for f in kb.facts:
            p = kb.paragraph(f.sources[0])
            for lang in LANGS:
                out.append(Chunk(f"{p.id}:{lang}:f:{f.id}", p.id, lang, p.section, p.topics, "fact", f.text(lang)))
                if label_facts:  # the same fact under its category's name: a view for retrieval only
                    out.append(Chunk(f"{p.id}:{lang}:c:{f.id}", p.id, lang, p.section, p.topics, "fact",
                                     f"{CATEGORY_LABELS[f.category][lang]}: {f.text(lang)}"))
        for ev in kb.timeline:
            p = kb.paragraph(ev.sources[0])
            for lang in LANGS:
                parts = [ev.date, MODALITY_LABELS.get(ev.modality or "", {}).get(lang, "")]
                parts += [x.get(lang) for x in (ev.finding, ev.treatment, ev.outcome) if x]
                out.append(Chunk(f"{p.id}:{lang}:t:{ev.id}", p.id, lang, p.section, p.topics, "fact",
                                 " ".join(parts)))
    return out
