"""Optional answer generation with a language model through LangChain (off by default).

What it does: when ``Settings.llm`` names an OpenAI-compatible endpoint (a local Ollama serves
one at ``http://127.0.0.1:11434/v1``), :class:`Generator` asks the model to rewrite the answer
from the retrieved passages only, in the asker's language, citing paragraph ids as ``[id]``.
Its output is validated: a sentence whose citation names no retrieved paragraph is dropped,
and if nothing cited is left, or the model is unreachable, slow or fails, the extractive answer
is returned unchanged. Any LangChain chat model can be passed in (tests use a fake one).

What it leaves out: free generation. The prompt holds nothing but the retrieved passages.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .answer import Answer, Citation, best_quote
from .knowledge import KnowledgeBase
from .retriever import Hit
from .settings import LLMSettings
from .text import sentences

SYSTEM = {
    "fr": ("Tu réponds à une question clinique uniquement à partir des passages fournis, en français, en 2 à 5 "
           "phrases. Après chaque phrase, cite l'identifiant du passage entre crochets, par exemple [disc-1]. "
           "N'ajoute aucun fait absent des passages. Si les passages ne répondent pas, écris NON_COUVERT."),
    "en": ("Answer the clinical question only from the passages given, in English, in 2 to 5 sentences. After "
           "each sentence, cite the passage id in square brackets, e.g. [disc-1]. Add no fact that is not in the "
           "passages. If the passages do not answer it, write NOT_COVERED."),
}
_CITE = re.compile(r"\[([a-z][a-z0-9-]*)\]")


class Generator:
    def __init__(self, settings: LLMSettings | None = None, chat_model=None) -> None:
        if chat_model is None:
            if settings is None:
                raise ValueError("Generator needs LLM settings or a chat model.")
            try:
                from langchain_openai import ChatOpenAI
            except ImportError as exc:
                raise ValueError("LLM generation needs `pip install 'tmo-assistant[llm]'`.") from exc
            chat_model = ChatOpenAI(base_url=settings.base_url, model=settings.model, api_key=settings.api_key,
                                    timeout=settings.timeout_s, max_retries=0, temperature=settings.temperature)
        self.model = chat_model

    def prompt(self, question: str, lang: str, kb: KnowledgeBase, hits: list[Hit]) -> list[tuple[str, str]]:
        passages = "\n\n".join(f"[{h.paragraph_id}] {kb.paragraph(h.paragraph_id).text(lang)}" for h in hits)
        return [("system", SYSTEM[lang]), ("human", f"Passages:\n{passages}\n\nQuestion: {question}")]

    def rewrite(self, answer: Answer, kb: KnowledgeBase, hits: list[Hit]) -> Answer:
        try:
            out = self.model.invoke(self.prompt(answer.question, answer.lang, kb, hits))
            text = out.content if hasattr(out, "content") else str(out)
        except Exception:  # unreachable, timeout, bad response: the extractive answer stands
            return answer
        if not isinstance(text, str) or "NOT_COVERED" in text or "NON_COUVERT" in text:
            return answer
        retrieved = {h.paragraph_id: h for h in hits}
        kept, cites = [], []
        for sent in sentences(text.strip()):
            ids = [i for i in _CITE.findall(sent) if i in retrieved]
            if not ids:
                continue  # uncited, or citing a passage that was not retrieved: dropped
            kept.append(sent)
            for i in ids:
                para = kb.paragraph(i)
                cites.append(Citation(i, para.section, best_quote(para.text(answer.lang), _CITE.sub("", sent)),
                                      retrieved[i].score, answer.lang))
        if not kept:
            return answer
        seen, unique = set(), []
        for c in cites:
            if (c.id, c.quote) not in seen:
                seen.add((c.id, c.quote))
                unique.append(c)
        return replace(answer, answer=" ".join(kept), citations=unique, generated=True)
