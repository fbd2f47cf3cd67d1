"""The query side's caches: one small thread-safe LRU class, and typed, named views of a generation's
cache of derived results.

Three things are cached, each by what it depends on:

* per generation (:class:`search.snapshot.Snapshot`): posting lists and term look-ups (an
  :class:`LRU` each, keyed by ``(field, text)``), and the *derived results* of queries — one
  :class:`LRU` shared by every purpose, so that one bound holds them all. A purpose reads and writes
  it only through its typed view, declared once where it is computed: a :class:`Derived` (per-query
  results keyed by their input, pushed out least recently used first) or a :class:`Whole`
  (one value about the whole generation, slow to build and never pushed out by per-query results);
* per segment (:func:`segment_cached`): the parts of a snapshot a segment alone decides (facet terms,
  field lengths), shared by the snapshots of successive commits;
* the generations themselves (``search.snapshot.snapshot_for``, an :class:`LRU` of snapshots).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

__all__ = ["LRU", "Derived", "Whole", "DerivedKey", "segment_cached", "SEGMENT_CACHE"]


class LRU(Generic[K, V]):
    """A thread-safe map of at most ``capacity`` entries, the least recently used out first.

    ``capacity`` is a number or a function returning it (read at every insertion, so a module
    constant can be changed at run time). Keys for which ``pinned(key)`` is true are never pushed
    out (they are few); a ``get`` of a missing key returns None, so None is never stored."""

    def __init__(self, capacity: int | Callable[[], int], pinned: Callable[[K], bool] | None = None):
        self._capacity = capacity
        self._pinned = pinned
        self._lock = threading.Lock()
        self._items: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def capacity(self) -> int:
        return self._capacity() if callable(self._capacity) else self._capacity

    def get(self, key: K) -> V | None:
        """``self[key]`` (marked most recently used), or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Store ``value``; the least recently used unpinned entries go beyond the capacity."""
        limit = self.capacity()
        with self._lock:
            items = self._items
            items[key] = value
            if self._pinned is None:
                while len(items) > limit:
                    items.popitem(last=False)
                return
            for _ in range(len(items)):
                if len(items) <= limit:
                    break
                oldest = next(iter(items))
                if self._pinned(oldest):
                    items.move_to_end(oldest)
                else:
                    del items[oldest]


#: A key of a generation's derived-result cache: the purpose's name, then its input (a key of the
#: name alone is a :class:`Whole` value: pinned).
DerivedKey = tuple[Any, ...]


def derived_cache(capacity: int | Callable[[], int]) -> LRU[DerivedKey, Any]:
    """The derived-result cache of one generation (whole-generation values pinned)."""
    return LRU(capacity, pinned=lambda key: len(key) == 1)


class Derived(Generic[K, V]):
    """One purpose's typed view of a derived-result cache: values of type ``V`` by inputs ``K``."""

    def __init__(self, name: str):
        self.name = name

    def get(self, cache: LRU[DerivedKey, Any], key: K) -> V | None:
        value: V | None = cache.get((self.name, key))
        return value

    def put(self, cache: LRU[DerivedKey, Any], key: K, value: V) -> None:
        cache.put((self.name, key), value)


class Whole(Generic[V]):
    """A typed value about a whole generation in its derived-result cache (built once, kept)."""

    def __init__(self, name: str):
        self.name = name

    def get(self, cache: LRU[DerivedKey, Any]) -> V | None:
        value: V | None = cache.get((self.name,))
        return value

    def put(self, cache: LRU[DerivedKey, Any], value: V) -> None:
        cache.put((self.name,), value)


# -- per-segment parts of a snapshot (shared by the snapshots of successive commits) -------------------
#: Entries kept: a few fields of each live segment, for the last few commits' segments.
SEGMENT_CACHE = 256
_segments: LRU[tuple[Any, ...], Any] = LRU(lambda: SEGMENT_CACHE)


def segment_cached(leaf: Any, what: tuple[Any, ...], build: Callable[[], V]) -> V:
    """``build()`` for ``what`` of the segment ``leaf`` reads, cached by index folder, segment id and
    size (a segment's terms, postings and lengths never change; only its deletions do, which callers
    apply). The folder is part of the key: segment ids are random names, and processes that start from
    the same random state (forks, or a fixed seed) name the segments of two indexes alike."""
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    folder = _leaf_folder(leaf)
    if segment is None or folder is None:
        return build()
    key = (folder, segment.segment_id(), segment.doc_count_all(), *what)
    hit: V | None = _segments.get(key)
    if hit is not None:
        return hit
    value = build()
    _segments.put(key, value)
    return value


def _leaf_folder(leaf: Any) -> str | None:
    storage = getattr(leaf, "_storage", None)
    # A compound segment is read through an OverlayStorage(compound file, the folder's storage).
    while storage is not None and not hasattr(storage, "folder") and hasattr(storage, "b"):
        storage = storage.b
    folder = getattr(storage, "folder", None)
    return folder if isinstance(folder, str) else None
