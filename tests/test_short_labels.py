"""Short labels (knowledge/short.yaml) say what their fact says, in its own words, in both languages."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.knowledge import KnowledgeError, load_knowledge
from assistant.statements import build_statements, load_short_labels
from assistant.text import content_words

REPO = Path(__file__).resolve().parent.parent
KB = load_knowledge(REPO / "knowledge")
LABELS = load_short_labels(KB)


def _texts(lang: str) -> dict[str, str]:
    """Fact or timeline id -> what it says (an event's finding, treatment and outcome)."""
    out = {f.id: f.text(lang) for f in KB.facts}
    for ev in KB.timeline:
        out[ev.id] = " ".join(x.get(lang) for x in (ev.finding, ev.treatment, ev.outcome) if x)
    return out


def test_every_fact_and_event_has_a_label():
    assert set(LABELS) == {f.id for f in KB.facts} | {ev.id for ev in KB.timeline}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_word_of_a_label_is_in_its_fact(lang):
    facts = _texts(lang)
    bad = []
    for fid, label in LABELS.items():
        # word stems of five letters: 'fractures' in a label, 'fracture' in the fact
        text = {w[:5] for w in content_words(facts[fid])}
        missing = [w for w in content_words(label.get(lang)) if w[:5] not in text]
        if missing:
            bad.append((fid, missing))
    assert not bad, f"{lang} labels with words their fact does not use: {bad[:10]}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_event_label_keeps_its_date_and_knee_in_front(lang):
    statements = {s.id: s for s in build_statements(KB)}
    for ev in KB.timeline:
        st = statements[ev.id]
        assert st.short(lang).startswith(ev.date) and len(st.short(lang)) < len(st.text(lang))


def test_a_label_for_no_fact_fails_with_the_fix(knowledge_copy):
    (knowledge_copy / "short.yaml").write_text('no_such_fact: {fr: "x", en: "x"}\n', encoding="utf-8")
    with pytest.raises(KnowledgeError, match="no_such_fact"):
        build_statements(load_knowledge(knowledge_copy))
