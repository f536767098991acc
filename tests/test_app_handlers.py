"""Unit tests of the app's handlers (no server, no browser; the model-free hash embedder).

Chat (FR/EN, streaming, source cards, follow-ups, abstention note, bad input, failures),
case checker (form and free text), timeline figures, sources search, opt-in feedback, and
that ``import assistant`` does not pull gradio in.
"""
from __future__ import annotations

import html
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.answer import Answer, Citation
from assistant.api import Assistant
from assistant.app import chat as chat_h
from assistant.app import checking, feedback, sources, timeline
from assistant.app.texts import EXAMPLE_VIGNETTES, SAMPLE_CASE
from assistant.checker import CaseError
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def hash_assistant(tmp_path_factory) -> Assistant:
    return Assistant(Settings(index_dir=tmp_path_factory.mktemp("app-hash-index"), embedder="hash"))


class Recording:
    """Wraps an assistant and records the history each ``ask`` received."""

    def __init__(self, inner, answer: Answer | None = None, error: Exception | None = None) -> None:
        self.inner, self.answer, self.error = inner, answer, error
        self.calls: list[tuple[str, list[str]]] = []

    def ask(self, question, history=None, lang=None):
        self.calls.append((question, list(history or [])))
        if self.error is not None:
            raise self.error
        return self.answer if self.answer is not None else self.inner.ask(question, history=history, lang=lang)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def final(gen):
    out = list(gen)
    assert out, "the handler yielded nothing"
    return out


# -- chat -------------------------------------------------------------------------------------

@pytest.mark.parametrize("question,lang", [
    ("Quels sont les facteurs de risque ?", "fr"),
    ("What are the risk factors?", "en"),
    ("Que montre l'IRM ?", "fr"),
    ("What is seen on MRI?", "en"),
])
def test_chat_shows_the_answer_in_the_question_language(hash_assistant, question, lang):
    # The hash embedder is not semantic: whether it answers or abstains is the library's business;
    # the handler must show exactly what the library said, with a note or with its sources.
    steps = final(chat_h.respond(hash_assistant, question, [], "en"))
    messages, record = steps[-1]
    assert messages[0] == {"role": "user", "content": question}
    expected = hash_assistant.ask(question)
    assert expected.lang == lang
    assert messages[1]["role"] == "assistant"
    assert messages[1]["content"] == chat_h.answer_markdown(chat_h.Turn(question, expected.answer, expected))
    assert len(messages[2:]) == len({c.id for c in expected.citations})
    assert record == {"question": question, "answer": expected.answer, "error": False}


@pytest.mark.parametrize("lang,label,link", [("fr", "Sources", "Ouvrir le paragraphe dans l'onglet Sources"),
                                             ("en", "Sources", "Open the paragraph in the Sources tab")])
def test_chat_source_cards_quote_and_link(hash_assistant, lang, label, link):
    kb = hash_assistant.kb
    para = kb.paragraph("disc-5")
    quote = para.text(lang).split(". ")[0]
    ans = Answer("q", lang, "- one\n- two", False, [Citation("disc-5", "discussion", quote, 0.61, lang),
                                                    Citation("case-2", "case", "Autre.", 0.4, lang)])
    messages, _ = final(chat_h.respond(Recording(hash_assistant, answer=ans), "q", [], "en"))[-1]
    assert messages[1]["content"] == "- one\n- two"  # no note on a real answer
    cards = messages[2:]
    assert [c["metadata"]["title"] for c in cards] == [
        f"¶ {label} · [disc-5] Discussion",
        f"¶ {label} · [case-2] {'Histoire clinique' if lang == 'fr' else 'Clinical history'}"]
    assert all(c["metadata"]["status"] == "done" for c in cards)  # collapsed until opened
    assert f"<blockquote>{html.escape(quote)}</blockquote>" in cards[0]["content"]
    assert 'href="#para-disc-5"' in cards[0]["content"] and link in cards[0]["content"]
    assert cards[0]["metadata"]["log"].endswith("0.61")


def test_chat_streams_progressively(hash_assistant):
    long = Answer("q", "en", " ".join(f"word{i}" for i in range(60)), False, [])
    steps = final(chat_h.respond(Recording(hash_assistant, answer=long), "q", [], "en"))
    partial = [m[-1]["content"] for m, _ in steps[:-1]]
    assert len(partial) > 3
    assert all(len(a) <= len(b) for a, b in zip(partial, partial[1:]))
    assert all(rec is None for _, rec in steps[:-1])  # the feedback record comes with the final answer
    assert steps[-1][1] is not None
    assert len(partial) <= 12  # long answers grow by bigger pieces, not by more messages
    api = list(chat_h.api_chat(Recording(hash_assistant, answer=long), "q", []))
    assert len(api) > 3 and api[-1] == long.answer
    assert all(api[-1].startswith(p) for p in api)


def test_follow_up_passes_the_previous_questions(hash_assistant):
    rec = Recording(hash_assistant)
    history = [{"role": "user", "content": "Quels sont les facteurs de risque ?"},
               {"role": "assistant", "content": "Facteurs…"},
               {"role": "assistant", "content": "card", "metadata": {"title": "¶ Sources"}},
               # gradio hands content back as a list of typed parts
               {"role": "user", "content": [{"type": "text", "text": "Et chez la femme enceinte ?"}]},
               {"role": "assistant", "content": "…"}]
    final(chat_h.respond(rec, "Et le traitement ?", history, "fr"))
    assert rec.calls[-1] == ("Et le traitement ?", ["Quels sont les facteurs de risque ?", "Et chez la femme enceinte ?"])
    list(chat_h.api_chat(rec, "And the dose?", history[:2]))
    assert rec.calls[-1] == ("And the dose?", ["Quels sont les facteurs de risque ?"])


def test_abstention_shows_a_clear_note(hash_assistant):
    for lang, note in (("fr", "Non couvert par la source"), ("en", "Not covered by the source")):
        ans = Answer("q", lang, "The source does not cover this question.", True, [], reason="out_of_scope")
        messages, record = final(chat_h.respond(Recording(hash_assistant, answer=ans), "q", [], "en"))[-1]
        assert messages[1]["content"].startswith(f"**{note}.**")
        assert len(messages) == 2  # no source card for an abstention
        # the API returns the answer text itself, without the interface's note
        assert list(chat_h.api_chat(Recording(hash_assistant, answer=ans), "q", []))[-1] == ans.answer


@pytest.mark.parametrize("bad", ["", "   ", "x" * 5000])
def test_bad_input_gives_a_friendly_message(hash_assistant, bad):
    messages, record = final(chat_h.respond(hash_assistant, bad, [], "en"))[-1]
    assert [m["role"] for m in messages] == (["assistant"] if not bad.strip() else ["user", "assistant"])
    text = messages[-1]["content"]
    assert text.startswith("⚠️") and "Traceback" not in text
    assert record["error"] is True
    api = list(chat_h.api_chat(hash_assistant, bad, None))[-1]
    assert api.startswith("⚠️") and ("empty" in api or "limit" in api)


def test_unexpected_failure_is_a_message_and_the_log_holds_no_text(hash_assistant, caplog):
    rec = Recording(hash_assistant, error=RuntimeError("secret patient detail"))
    with caplog.at_level(logging.WARNING, logger="assistant.app"):
        messages, _ = final(chat_h.respond(rec, "Patient de 54 ans, genou droit", [], "fr"))[-1]
    assert "erreur" in messages[-1]["content"]
    assert "RuntimeError" in caplog.text
    assert "secret" not in caplog.text and "54 ans" not in caplog.text


def test_turn_at_finds_the_rated_question_and_answer():
    msgs = [{"role": "user", "content": "Q1"}, {"role": "assistant", "content": "A1"},
            {"role": "assistant", "content": "card", "metadata": {"title": "¶"}},
            {"role": "user", "content": "Q2"}, {"role": "assistant", "content": "A2", "metadata": None}]
    assert chat_h.turn_at(msgs, 2) == {"question": "Q1", "answer": "A1"}
    assert chat_h.turn_at(msgs, [4, 0]) == {"question": "Q2", "answer": "A2"}
    assert chat_h.turn_at([], 0) is None


def test_citations_of_one_paragraph_make_one_card():
    cites = [Citation("disc-5", "discussion", "First sentence.", 0.5, "en"),
             Citation("disc-5", "discussion", "Second sentence.", 0.4, "en"),
             Citation("case-2", "case", "Third <b>sentence</b>.", 0.3, "en")]
    turn = chat_h.Turn("q", "a", Answer("q", "en", "a", False, cites))
    cards = chat_h.source_cards(turn)
    assert len(cards) == 2
    assert cards[0]["content"].count("<blockquote>") == 2
    assert "&lt;b&gt;" in cards[1]["content"]  # quotes are escaped


# -- case checker ---------------------------------------------------------------------------

def test_checker_form_with_episodes(hash_assistant):
    values, rows = checking.form_from_case(SAMPLE_CASE)
    case = checking.case_from_form(values, rows)
    assert case["age"] == 54 and case["trauma"] is False and len(case["episodes"]) == 3
    assert case["episodes"][1]["sites"] == ["lateral_femoral_condyle", "medial_tibial_plateau"]
    res = checking.run_check(hash_assistant, case, "en", hash_assistant.kb)
    assert res.error is None and res.report["migratory"] is True
    assert res.report["verdict"] in ("confirmed", "probable")
    html = res.html
    assert 'class="tmo-verdict tmo-verdict-' in html and "<table" in html
    assert "tmo-badge-met" in html and 'href="#para-' in html
    assert "Educational aid, not a diagnosis" in html
    fr = checking.run_check(hash_assistant, case, "fr", hash_assistant.kb)
    assert fr.report["lang"] == "fr" and "Aide pédagogique" in fr.html


def test_checker_form_unknown_means_missing_and_bad_cells_name_the_field():
    values = {k: ("unknown" if kind != "number" else "") for k, kind, _ in checking.FORM_FIELDS}
    values.update({"f_fever": "no", "f_crp": "12", "f_sex": "female"})
    rows = [["2020-01-02", "genou", "droit", "medial femoral condyle", "oui", "", "", "", "", "décharge", "", "", ""],
            [""] * len(checking.EPISODE_COLUMNS)]
    case = checking.case_from_form(values, rows)
    assert case == {"sex": "female", "fever": False, "labs": {"crp": 12.0},
                    "episodes": [{"date": "2020-01-02", "joint": "genou", "side": "droit",
                                  "sites": ["medial_femoral_condyle"], "mri": {"bone_marrow_edema": True},
                                  "treatment": ["décharge"]}]}
    rows[0][4] = "maybe"
    with pytest.raises(CaseError, match=r"episodes\[0\]\.mri\.bone_marrow_edema"):
        checking.case_from_form(values, rows)


def test_checker_free_text_shows_verdict_and_urgent_differential(hash_assistant):
    septic = EXAMPLE_VIGNETTES[1]
    res = checking.run_check(hash_assistant, septic, "fr", hash_assistant.kb)
    assert res.report["lang"] == "en"  # free text: the report follows the text
    assert res.report["verdict"] == "unlikely"
    assert any(d["id"] == "septic_arthritis" and d["urgent"] for d in res.report["differentials"])
    assert 'data-diff="septic_arthritis"' in res.html and "tmo-diff-urgent" in res.html
    assert "tmo-urgent" in res.html and "Septic arthritis" in res.html
    migr = checking.run_check(hash_assistant, EXAMPLE_VIGNETTES[0], "en", hash_assistant.kb)
    assert migr.report["migratory"] is True and len(migr.case["episodes"]) == 2


def test_checker_empty_and_invalid_cases_are_messages(hash_assistant):
    for empty in ("", "   ", {}):
        res = checking.run_check(hash_assistant, empty, "en")
        assert res.report is None and "Nothing to check" in res.html
    bad = checking.run_check(hash_assistant, {"age": 300}, "en")
    assert bad.report is None and "age" in bad.error and "tmo-note-error" in bad.html


def test_unknowns_and_disclaimer_in_report_html(hash_assistant):
    res = checking.run_check(hash_assistant, {"episodes": [{"joint": "knee", "mri": {"bone_marrow_edema": True}}]},
                             "en", hash_assistant.kb)
    assert res.report["unknowns"]
    assert "Decisive unknowns" in res.html and res.report["unknowns"][0]["ask"].split()[0] in res.html
    assert res.report["disclaimer"] in res.html


# -- timeline -------------------------------------------------------------------------------

def _texts(fig) -> str:
    ax = fig.axes[0]
    return " ".join([t.get_text() for t in ax.texts] + [t.get_text() for t in ax.get_yticklabels()]
                    + [ax.get_title(loc="left")] + [t.get_text() for t in ax.get_legend().get_texts()])


def test_timeline_figure_of_the_report_patient(hash_assistant):
    fig = timeline.kb_figure(hash_assistant.kb, "en")
    text = _texts(fig)
    for want in ("Right knee", "Left knee", "Episode 1", "Episode 3", "medial femoral condyle", "MRI",
                 "bone scan", "treatment", "alendronate", "calcitonin", "9 Mar", "resolution"):
        assert want in text, want
    assert len(fig.axes[0].patches) >= 3  # one bar per episode
    fr = _texts(timeline.kb_figure(hash_assistant.kb, "fr"))
    assert "Genou droit" in fr and "Genou gauche" in fr and "condyle fémoral interne" in fr and "IRM" in fr
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert buf.getvalue()[:4] == b"\x89PNG"
    table = timeline.timeline_table_html(hash_assistant.kb, "en")
    assert table.count("<tr>") == len(hash_assistant.kb.timeline) + 1


def test_timeline_of_a_checked_case():
    fig = timeline.case_figure(SAMPLE_CASE, "fr")
    text = _texts(fig)
    assert "Genou droit" in text and "Épisode 2" in text and "plateau tibial interne" in text
    assert timeline.case_figure({"age": 40}, "en") is None
    undated = {"episodes": [{"joint": "hip", "side": "left"}, {"joint": "knee", "side": "right"}]}
    assert "dates unknown" in _texts(timeline.case_figure(undated, "en"))
    assert timeline.worth_a_chart(undated) and not timeline.worth_a_chart({"episodes": [{"joint": "knee"}]})


# -- sources --------------------------------------------------------------------------------

def test_sources_side_by_side_and_search(hash_assistant):
    kb = hash_assistant.kb
    full = sources.sources_html(kb, "", "en")
    assert full.count('class="tmo-para"') == len(kb.paragraphs)
    assert 'lang="fr"' in full and 'lang="en"' in full and 'id="para-disc-5"' in full
    hits = sources.search(kb, "calcitonine")
    assert {p.id for p in hits} >= {"case-6", "disc-2"}
    html = sources.sources_html(kb, "calcitonine", "fr")
    assert "<mark>calcitonine</mark>" in html and f"{len(hits)} paragraphe(s) sur {len(kb.paragraphs)}" in html
    # accents and case do not matter; every word must match
    assert {p.id for p in sources.search(kb, "OEDEME epiphysaire")} == \
        {p.id for p in sources.search(kb, "œdème épiphysaire")} != set()
    assert "<mark>œdème</mark>" in sources.highlight("Un œdème.", sources.query_terms("oedeme"))
    assert [p.id for p in sources.search(kb, "disc-5")] == ["disc-5"]
    assert sources.search(kb, "zzzz-nothing") == []


# -- feedback -------------------------------------------------------------------------------

TURN = {"question": "Quels sont les facteurs de risque ?", "answer": "Facteurs…"}


def test_feedback_is_off_unless_configured_and_enabled(tmp_path):
    path = tmp_path / "fb.jsonl"
    assert "not configured" in feedback.give_feedback(feedback.FeedbackStore(None), True, True, "up", "", TURN)
    store = feedback.FeedbackStore(path)
    assert "turned off" in feedback.give_feedback(store, False, True, "up", "great", TURN)
    assert not path.exists()
    assert "Ask a question first" in feedback.give_feedback(store, True, False, "up", "", None)


def test_feedback_opt_in_writes_json_lines(tmp_path):
    path = tmp_path / "sub" / "fb.jsonl"
    store = feedback.FeedbackStore(path)
    assert "saved" in feedback.give_feedback(store, True, False, "up", " nice ", TURN)
    assert "enregistré" in feedback.give_feedback(store, True, True, "down", "", TURN, "fr")
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [x["rating"] for x in lines] == ["up", "down"]
    assert set(lines[0]) == {"ts", "rating", "comment"} and lines[0]["comment"] == "nice"
    assert lines[1]["question"] == TURN["question"] and lines[1]["answer"] == TURN["answer"]


def test_feedback_unwritable_path_is_a_message(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    msg = feedback.give_feedback(feedback.FeedbackStore(blocker / "fb.jsonl"), True, False, "up", "", TURN)
    assert msg.startswith("Could not save the feedback")


# -- packaging ------------------------------------------------------------------------------

def test_import_assistant_does_not_import_gradio():
    code = ("import sys, assistant, assistant.cli, assistant.app, assistant.app.chat, assistant.app.checking, "
            "assistant.app.feedback, assistant.app.sources, assistant.app.timeline\n"
            "from assistant import Assistant\n"
            "bad = [m for m in ('gradio', 'gradio_client', 'matplotlib') if m in sys.modules]\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_build_app_returns_blocks_with_the_chat_api(hash_assistant):
    import gradio as gr

    from assistant.app import build_app

    app = build_app(hash_assistant)
    assert isinstance(app, gr.Blocks)
    public = {f.api_name for f in app.fns.values() if f.api_visibility == "public"}
    assert public == {"chat", "check"}
    assert not getattr(app, "is_running", False)
