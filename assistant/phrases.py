"""What the assistant says in each language: list headers, refusals, what it covers, the disclaimer.

What it does: loads ``assistant/lang/<xx>/answers.yaml`` once per language (validated: unknown
keys are errors, every language has every key), so answers are composed without a sentence of
French or English in Python. Adding a language is adding its file.

What it leaves out: the words that *understand* a question (intents, scope, subject), which
have their own per-language files, and the app's interface strings.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

LANG_DIR = Path(__file__).resolve().parent / "lang"
FILE = "answers.yaml"


class Phrases(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    headers: dict[str, str]
    covers: str
    refusals: dict[str, str]
    nearest: str
    disclaimer: str
    # The words that introduce a defined name in a definition ('... is called X'), if this
    # language's fact texts are the ones read for it.
    definition_marker: str | None = None


@lru_cache(maxsize=None)
def phrases(lang: str, root: Path = LANG_DIR) -> Phrases:
    path = Path(root) / lang / FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Phrases.model_validate(raw)
    except OSError:
        raise ValueError(f"no answer phrases for language {lang!r}: add {path}") from None
    except (yaml.YAMLError, ValidationError) as exc:
        raise ValueError(f"{path}: invalid answer phrases ({exc}); see the French and English files.") from None


def languages(root: Path = LANG_DIR) -> list[str]:
    return sorted(p.parent.name for p in Path(root).glob(f"*/{FILE}"))
