"""The bounded, thread-safe LRU behind the retriever's query cache."""
import threading

import pytest

from assistant.memo import LRU


def test_lru_evicts_least_recently_used():
    c = LRU(2)
    c.put("a", 1)
    c.put("b", 2)
    assert c.get("a") == 1  # 'a' is now the most recent
    c.put("c", 3)
    assert c.get("b") is None and c.get("a") == 1 and c.get("c") == 3
    assert len(c) == 2


def test_lru_size_zero_remembers_nothing_and_negative_fails():
    c = LRU(0)
    c.put("a", 1)
    assert c.get("a", "missing") == "missing"
    with pytest.raises(ValueError, match="0 or more"):
        LRU(-1)


def test_lru_stays_bounded_under_threads():
    c = LRU(50)

    def work(n):
        for i in range(2000):
            c.put((n, i), i)
            c.get((n, i - 1))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(c) == 50
