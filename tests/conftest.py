"""Shared fixtures: a model-free assistant (hash embedder, temp index) for fast tests, and the
real default assistant (bundled multilingual e5) built once per session."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Never the user's ~/.cache: an index rebuilt for a stale shipped one goes to a temp folder.
os.environ.setdefault("TMO_CACHE_DIR", tempfile.mkdtemp(prefix="tmo-test-cache-"))

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def hash_assistant(tmp_path_factory):
    from assistant import Assistant
    from assistant.settings import Settings

    return Assistant(Settings(embedder="hash", index_dir=tmp_path_factory.mktemp("hash-index")))


@pytest.fixture(scope="session")
def assistant():
    """The default setup; its index lives in the repo's index/ (built once, then reused)."""
    from assistant import Assistant
    from assistant.settings import Settings

    return Assistant(Settings())


@pytest.fixture
def knowledge_copy(tmp_path) -> Path:
    dst = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", dst)
    return dst
