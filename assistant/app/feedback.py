"""Opt-in feedback: thumbs up/down with an optional comment, appended to a local JSON Lines file.

What it does: when the app was started with a feedback path *and* the user ticked "save my
feedback", appends one line ``{"ts", "rating", "comment"}`` (plus ``question`` and ``answer``
only if the user ticked that too). Writes are serialised with a lock; an unwritable path gives
a message, not a crash.

What it leaves out: anything else about the user (no ids, no IP, no browser data), and sending
anything anywhere.
"""
from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path

from .texts import t

MAX_COMMENT = 2000
MAX_FIELD = 8000


class FeedbackStore:
    """Appends feedback records to one JSONL file (or refuses politely if there is none)."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path).expanduser() if path else None
        self._lock = threading.Lock()

    @property
    def configured(self) -> bool:
        return self.path is not None

    def append(self, record: dict) -> None:
        """Append one record; raises OSError if the file cannot be written."""
        if self.path is None:
            raise OSError("no feedback file configured")
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(line)


def make_record(rating: str, comment: str | None, turn: dict | None, include_qa: bool) -> dict:
    rec = {"ts": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "rating": "up" if rating in ("up", True, "like", "Like") else "down",
           "comment": (comment or "").strip()[:MAX_COMMENT]}
    if include_qa and turn:
        rec["question"] = str(turn.get("question", ""))[:MAX_FIELD]
        rec["answer"] = str(turn.get("answer", ""))[:MAX_FIELD]
    return rec


def give_feedback(store: FeedbackStore, enabled: bool, include_qa: bool, rating: str, comment: str | None,
                  turn: dict | None, ui_lang: str = "en") -> str:
    """Save feedback if (and only if) it is configured and enabled; return a status message."""
    if not enabled:
        return t("fb_off", ui_lang)
    if not store.configured:
        return t("fb_unavailable", ui_lang)
    if not turn:
        return t("fb_nothing", ui_lang)
    try:
        store.append(make_record(rating, comment, turn, include_qa))
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return t("fb_failed", ui_lang, err=f"{reason} ({store.path})")
    return t("fb_saved", ui_lang)
