"""Fitted models' files: plain JSON next to an index (never a pickle), read back only when current.

What it does: finds, in a list of folders, the first file of a model whose ``key`` (a digest of
what it was fitted on) is the one asked, and writes a refitted model atomically, world-readable.
A missing, unreadable, stale or malformed file is no error: the caller refits.

What it leaves out: fitting, and what the JSON holds (each model parses its own).
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def read_current(folders: Sequence[Path | None], file: str, key: str, parse: Callable[[dict], T]) -> T | None:
    """The model saved as ``file`` in the first of ``folders`` whose key is ``key``, else None."""
    for folder in folders:
        if folder is None:
            continue
        try:
            model = parse(json.loads((Path(folder) / file).read_text()))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if getattr(model, "key", None) == key:
            return model
    return None


def write(folder: Path | None, file: str, obj: dict) -> None:
    """Save ``obj`` as ``folder/file`` (atomically); a read-only folder keeps the model in memory."""
    if folder is None:
        return
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{file}.", suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            json.dump(obj, fh, indent=1)
        os.chmod(tmp, 0o644)
        os.replace(tmp, Path(folder) / file)
    except OSError:
        pass
