"""Optional LLM generation, tested with LangChain's fake chat models: citations validated,
fallback to the extractive answer when the model fails or cites nothing retrieved."""
from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.generation import Generator


def _ask(hash_assistant, q="Quels sont les facteurs de risque ?"):
    a = hash_assistant
    ans = a.ask(q)
    hits = a.retriever.search(q, k=5)
    return ans, hits


def test_generated_answer_keeps_only_sentences_citing_retrieved_passages(hash_assistant):
    ans, hits = _ask(hash_assistant)
    good, other = hits[0].paragraph_id, next(p.id for p in hash_assistant.kb.paragraphs
                                             if p.id not in {h.paragraph_id for h in hits})
    model = FakeListChatModel(responses=[
        f"Le tabac est un facteur de risque [{good}]. La lune cause la maladie [{other}]. Sans source."])
    out = Generator(chat_model=model).rewrite(ans, hash_assistant.kb, hits)
    assert out.generated and out.answer == f"Le tabac est un facteur de risque [{good}]."
    assert {c.id for c in out.citations} == {good}
    assert all(c.quote in hash_assistant.kb.paragraph(c.id).fr for c in out.citations)


@pytest.mark.parametrize("response", ["Nothing cited here.", "NOT_COVERED", "[no-such-id] invented."])
def test_falls_back_to_the_extractive_answer(hash_assistant, response):
    ans, hits = _ask(hash_assistant)
    out = Generator(chat_model=FakeListChatModel(responses=[response])).rewrite(ans, hash_assistant.kb, hits)
    assert out is ans and not out.generated


class _Down:
    def invoke(self, *_a, **_k):
        raise TimeoutError("endpoint down")


def test_unreachable_model_falls_back(hash_assistant):
    ans, hits = _ask(hash_assistant)
    assert Generator(chat_model=_Down()).rewrite(ans, hash_assistant.kb, hits) is ans


def test_prompt_holds_only_retrieved_passages(hash_assistant):
    ans, hits = _ask(hash_assistant)
    msgs = Generator(chat_model=FakeListChatModel(responses=["x"])).prompt(ans.question, "fr", hash_assistant.kb, hits)
    body = msgs[1][1]
    assert all(f"[{h.paragraph_id}]" in body for h in hits)
    shown = {p.id for p in hash_assistant.kb.paragraphs if f"[{p.id}] " in body}
    assert shown == {h.paragraph_id for h in hits}


def test_configured_but_unreachable_endpoint_still_answers(tmp_path):
    from assistant import Assistant
    from assistant.settings import LLMSettings, Settings

    s = Settings(embedder="hash", index_dir=tmp_path,
                 llm=LLMSettings(base_url="http://127.0.0.1:9/v1", model="none", timeout_s=2))
    ans = Assistant(s).ask("What are the risk factors?")
    assert not ans.generated and ans.citations
