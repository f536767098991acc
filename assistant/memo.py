"""A small bounded, thread-safe LRU map: what the retriever remembers of recent query texts.

What it does: ``get``, ``put`` and ``clear`` under one lock; past ``size`` entries the least
recently used one goes; ``size`` 0 remembers nothing. What it leaves out: expiry by time,
sharing across processes, and computing values (two threads asking the same new text may both
compute it; the second ``put`` wins, with the same value).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Hashable


class LRU:
    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError(f"LRU size must be 0 or more, not {size}.")
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        if not self.size:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
