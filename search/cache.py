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

import dataclasses
import mmap
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

import numpy as np

from .settings import ProcessSetting

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

__all__ = [
    "LRU",
    "nbytes",
    "cache_budget",
    "use_cache_mb",
    "Derived",
    "Whole",
    "DerivedKey",
    "segment_cached",
    "SEGMENT_CACHE",
]


def nbytes(value: Any) -> int:
    """The memory ``value`` holds, roughly (bytes): numpy arrays by their buffers (a view of a memory
    map counts nothing: its pages are the page cache's), containers and dataclasses by their parts,
    anything else by ``sys.getsizeof``. What a byte budget of a cache counts."""
    if isinstance(value, np.ndarray):
        base = value
        while isinstance(base, np.ndarray) and base.base is not None:
            base = base.base
        return 0 if isinstance(base, mmap.mmap | np.memmap) else int(value.nbytes) + 112
    if isinstance(value, bytes | str):
        return sys.getsizeof(value)
    if isinstance(value, tuple | list | set | frozenset):
        return sys.getsizeof(value) + sum(nbytes(item) for item in value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(nbytes(k) + nbytes(v) for k, v in value.items())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return 64 + sum(nbytes(getattr(value, f.name)) for f in dataclasses.fields(value))
    return sys.getsizeof(value)


class LRU(Generic[K, V]):
    """A thread-safe map of at most ``capacity`` entries, the least recently used out first.

    ``capacity`` is a number or a function returning it (read at every insertion, so a module
    constant can be changed at run time). With ``budget`` (bytes, or a function returning them), the
    entries also hold at most that much memory (:func:`nbytes` of each value, measured once when
    stored): a cache of whole-corpus masks and posting lists is then bounded in memory whatever the
    corpus size, not only in entries. An entry larger than the whole budget is not kept. Keys for
    which ``pinned(key)`` is true are never pushed out and not counted in the budget (they are few);
    a ``get`` of a missing key returns None, so None is never stored."""

    def __init__(
        self,
        capacity: int | Callable[[], int],
        pinned: Callable[[K], bool] | None = None,
        budget: int | Callable[[], int] | None = None,
    ):
        self._capacity = capacity
        self._pinned = pinned
        self._budget = budget
        self._lock = threading.Lock()
        self._items: OrderedDict[K, V] = OrderedDict()
        self._sizes: dict[K, int] = {}
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def bytes(self) -> int:
        """What the entries hold (:func:`nbytes`; counted only with a budget)."""
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._sizes.clear()
            self._bytes = 0

    def capacity(self) -> int:
        return self._capacity() if callable(self._capacity) else self._capacity

    def budget(self) -> int | None:
        return self._budget() if callable(self._budget) else self._budget

    def get(self, key: K) -> V | None:
        """``self[key]`` (marked most recently used), or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Store ``value``; the least recently used unpinned entries go beyond the capacity (and the
        budget)."""
        limit = self.capacity()
        budget = self.budget()
        pinned = self._pinned is not None and self._pinned(key)
        # Pinned entries (few, one per purpose) are outside the budget: it bounds per-query results.
        size = nbytes(value) if budget is not None and not pinned else 0
        with self._lock:
            items = self._items
            if budget is not None and size > budget and not pinned:
                self._drop(key)
                return
            self._drop(key)
            items[key] = value
            self._sizes[key] = size
            self._bytes += size
            for _ in range(len(items)):
                if len(items) <= limit and (budget is None or self._bytes <= budget):
                    break
                oldest = next(iter(items))
                if self._pinned is not None and self._pinned(oldest):
                    items.move_to_end(oldest)
                else:
                    self._drop(oldest)

    def _drop(self, key: K) -> None:
        if key in self._items:
            del self._items[key]
            self._bytes -= self._sizes.pop(key, 0)


_CACHE_MB = ProcessSetting("cache_mb")


def use_cache_mb(megabytes: int | None) -> None:
    """Bound the caches of every generation of this process (``None``: the ``cache_mb`` setting)."""
    _CACHE_MB.use(megabytes)


def cache_budget() -> int:
    """Bytes the per-query caches of one generation may hold (the ``cache_mb`` setting, or the value
    given to :func:`use_cache_mb`)."""
    return int(_CACHE_MB.get()) * 1024 * 1024


#: A key of a generation's derived-result cache: the purpose's name, then its input (a key of the
#: name alone is a :class:`Whole` value: pinned).
DerivedKey = tuple[Any, ...]


def derived_cache(
    capacity: int | Callable[[], int], budget: int | Callable[[], int] | None = None
) -> LRU[DerivedKey, Any]:
    """The derived-result cache of one generation (whole-generation values pinned)."""
    return LRU(capacity, pinned=lambda key: len(key) == 1, budget=budget)


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
