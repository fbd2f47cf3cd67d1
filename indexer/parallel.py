"""Run the CPU-heavy part of indexing (cleaning, extraction, jieba) in worker processes.

The writer process only reads files and writes the index; everything that costs CPU per character
happens in a :class:`multiprocessing.Pool` whose workers are *forked* after the parent has loaded
jieba and the lexicon, so each worker starts with the dictionary already in memory (copy-on-write)
instead of spending a second loading it again.

Results come back in input order (``imap``), in chunks, so the pickling overhead per document stays
small and the writer sees a steady stream.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from search.analysis import segmenter

__all__ = ["default_workers", "ordered_map"]

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """One worker per CPU this process may use (at least one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def ordered_map(func: Callable[[T], R], items: Iterable[T], workers: int, chunksize: int = 16) -> Iterator[R]:
    """``map(func, items)`` in ``workers`` processes, results in input order.

    ``workers <= 1`` runs in this process (no pickling, easiest to debug and to profile). ``func``
    must be a module-level function (it is pickled by name). ``items`` is consumed lazily by the
    pool's feeder thread, so a generator may record side information as it goes.
    """
    if workers <= 1:
        yield from map(func, items)
        return
    segmenter()  # load jieba + lexicon once, before the fork, so workers inherit it
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        yield from pool.imap(func, items, chunksize=chunksize)
