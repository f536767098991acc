"""Where the knowledge files live, and a digest of their content.

What it does: names the knowledge folder (``$TMO_KNOWLEDGE_DIR`` if set, else the repo's
``knowledge/``) and hashes the files the knowledge base is built from, so an index built from
other files is seen to be stale.

What it leaves out: reading and validating those files (:mod:`assistant.knowledge`); the
criteria and the question bank, which their own readers locate in the same folder.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "knowledge"


def knowledge_dir() -> Path:
    """The knowledge folder: ``$TMO_KNOWLEDGE_DIR`` if set, else the repo's ``knowledge/``."""
    return Path(os.environ.get("TMO_KNOWLEDGE_DIR", DEFAULT_DIR))


def content_digest(root: Path, names: tuple[str, ...] = ("paragraphs.yaml", "facts.yaml", "glossary.yaml")) -> str:
    h = hashlib.sha256()
    for name in names:
        p = root / name
        if p.is_file():
            h.update(name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]
