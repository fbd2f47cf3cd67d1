"""The query side's cache class and its typed views (search/cache.py)."""

from __future__ import annotations

import numpy as np

from search.cache import LRU, Derived, Whole, derived_cache


def test_lru_pushes_out_the_least_recently_used_entry() -> None:
    lru: LRU[str, int] = LRU(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # "a" is now the most recently used
    lru.put("c", 3)
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == (1, None, 3)
    assert len(lru) == 2


def test_capacity_is_read_at_every_insertion() -> None:
    limit = {"n": 3}
    lru: LRU[int, int] = LRU(lambda: limit["n"])
    for n in range(3):
        lru.put(n, n)
    limit["n"] = 1
    lru.put(3, 3)
    assert len(lru) == 1 and lru.get(3) == 3


def test_views_of_one_derived_cache_keep_purposes_apart_and_whole_values_stay() -> None:
    cache = derived_cache(4)
    grams: Derived[str, np.ndarray] = Derived("grams")
    phrases: Derived[str, np.ndarray] = Derived("contiguous")
    recency: Whole[np.ndarray] = Whole("recency")
    recency.put(cache, np.ones(2))
    grams.put(cache, "会议", np.arange(3))
    assert phrases.get(cache, "会议") is None
    assert grams.get(cache, "会议").tolist() == [0, 1, 2]
    for n in range(20):
        grams.put(cache, str(n), np.zeros(1))
    assert len(cache) == 4
    assert recency.get(cache).tolist() == [1.0, 1.0]
    assert grams.get(cache, "会议") is None
