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


def test_a_byte_budget_bounds_the_memory_of_the_entries_not_only_their_number() -> None:
    # Four masks of a million documents are 4 MB: a budget of 2.5 MB keeps the two most recent.
    lru: LRU[str, np.ndarray] = LRU(4096, budget=2_500_000)
    for name in "abcd":
        lru.put(name, np.zeros(1_000_000, dtype=bool))
    assert [lru.get(name) is not None for name in "abcd"] == [False, False, True, True]
    assert 2_000_000 <= lru.bytes <= 2_500_000
    lru.put("c", np.zeros(10, dtype=bool))  # replacing an entry gives its bytes back
    assert lru.bytes < 1_100_000


def test_an_entry_larger_than_the_budget_is_not_kept_and_pinned_entries_stay() -> None:
    cache = derived_cache(100, budget=1_000_000)
    cache.put(("whole",), np.zeros(2_000_000, dtype=bool))  # pinned: kept whatever its size
    cache.put(("mask", "x"), np.zeros(3_000_000, dtype=bool))
    cache.put(("mask", "y"), np.zeros(10, dtype=bool))
    assert cache.get(("whole",)) is not None
    assert cache.get(("mask", "x")) is None and cache.get(("mask", "y")) is not None


def test_nbytes_counts_arrays_in_containers_and_dataclasses_but_not_mapped_pages(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from search.cache import nbytes
    from search.snapshot import Postings

    ids, weights = np.arange(1000, dtype=np.int32), np.ones(1000, dtype=np.float32)
    assert nbytes(Postings(ids, weights)) >= 8000
    assert nbytes((ids, [weights], {"k": ids})) >= 12000
    path = tmp_path / "a.npy"
    np.save(path, np.zeros(1_000_000, dtype=np.int64))
    assert nbytes(np.load(path, mmap_mode="r")[10:]) == 0
