"""LangChain adapters: our retriever as a ``BaseRetriever`` returning ``Document``s.

What it does: lets users compose tmo's hybrid retrieval with their own LangChain chains.
What it leaves out: any chain of its own (answers are composed in :mod:`assistant.answer`).
Imported lazily: langchain_core is only loaded when a user asks for the adapter.
"""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class TmoRetriever(BaseRetriever):
    """Hybrid FR/EN retrieval over the case report. ``lang`` picks the documents' language
    (default: the question's)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    retriever: Any
    k: int = 5
    lang: str | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        lang = self.lang or self.retriever.language(query)
        docs = []
        for h in self.retriever.search(query, k=self.k):
            para = self.retriever.kb.paragraph(h.paragraph_id)
            docs.append(Document(page_content=para.text(lang), id=h.paragraph_id,
                                 metadata={"id": h.paragraph_id, "section": h.section, "topics": list(h.topics),
                                           "lang": lang, "score": h.score}))
        return docs


def make_langchain_retriever(retriever, k: int, lang: str | None) -> TmoRetriever:
    return TmoRetriever(retriever=retriever, k=k, lang=lang)
