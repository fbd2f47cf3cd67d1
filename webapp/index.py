"""The index as the web app sees it: opened once per worker, one searcher per request.

:class:`IndexHolder` opens the live index lazily (so gunicorn's ``preload_app`` master never holds one:
each worker opens its own after fork) and reopens it when the ``live`` symlink points to a new
generation (``huixun index --rebuild``). A generation segmented with another lexicon than the one this
worker holds (``lexicon`` fingerprint in its ``meta.json``) makes the worker reload the lexicon file
(:func:`search.analysis.reload_lexicon`) before it serves that generation, so queries are cut the way
the generation's documents were: a staff edit of the lexicon + a rebuild needs no restart.

Each request checks a searcher out (:func:`get_searcher`, kept in ``g``, the flaskr ``get_db`` shape)
and checks it back in at teardown. Checked-in searchers wait in a small pool and are ``refresh()``-ed
on their next checkout: that sees every new commit (Whoosh compares the index's latest generation,
one directory listing) yet reuses the open segment readers, which a new searcher per request would
reopen every time (measured: about 17 ms a request on the demo index). A new commit becomes visible
once the indexer has also written its substring index (:mod:`search.textindex`), which it does right
after the commit: until then requests keep the previous commit, instead of building that index
themselves. A searcher serves one request at a time, so the pool is thread-safe for Flask's threaded
development server as well. Checkout also
prepares the query side's in-memory arrays of the commit (:func:`search.snapshot.snapshot_for`), so
that work is never cut short by the search time limit.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g
from whoosh.index import Index
from whoosh.reading import EmptyReader, IndexReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from search.analysis import active_lexicon_fingerprint, reload_lexicon, segmenter
from search.snapshot import snapshot_for
from search.store import IndexMeta, IndexStore
from search.textindex import PREFIX as TEXT_PREFIX

__all__ = ["IndexHolder", "Lease", "get_searcher", "holder", "init_app"]

#: Idle searchers kept per process (one per concurrent request is enough; sync workers need one).
MAX_IDLE = 8
#: Seconds a commit without its substring index is held back (see :func:`_commit_complete`).
COMMIT_GRACE_S = 60.0


@dataclass
class Lease:
    """A searcher checked out for one request; ``key`` is the (pid, generation) it belongs to."""

    searcher: Searcher
    key: tuple[int, str]
    generation: str


class IndexHolder:
    """The live index of ``index_dir`` for this process, and a pool of its searchers."""

    def __init__(self, index_dir: str | os.PathLike[str]):
        self.store = IndexStore(index_dir)
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._key: tuple[int, str] | None = None  # (pid, live generation) of self._index
        self._idle: list[Searcher] = []

    def index(self) -> tuple[Index, tuple[int, str]]:
        """The live index and its key, opening or reopening it as needed.

        Raises :class:`search.store.IndexNotFound` or ``SchemaVersionMismatch`` when it cannot be opened.
        """
        key = (os.getpid(), self.store.live_dir().name)
        with self._lock:
            if self._index is None or self._key != key:
                index = self.store.open()
                _sync_lexicon(self.store.meta())
                stale, self._idle = self._idle, []
                if self._key is not None and self._key[0] == key[0]:
                    for searcher in stale:  # idle searchers of the previous generation
                        searcher.close()
                self._index, self._key = index, key
            return self._index, key

    def checkout(self) -> Lease:
        """A searcher over the latest commit of the live generation; give it back with :meth:`checkin`."""
        index, key = self.index()
        with self._lock:
            searcher = self._idle.pop() if self._idle else None
        searcher = index.searcher() if searcher is None else _refreshed(index, searcher)
        # Build (or find cached) the query side's per-commit arrays here, outside the search deadline: a
        # large index's first search after a commit must not time out, and then again, forever.
        snapshot_for(searcher.reader())
        return Lease(searcher, key, key[1])

    def checkin(self, lease: Lease) -> None:
        with self._lock:
            if lease.key == self._key and len(self._idle) < MAX_IDLE:
                self._idle.append(lease.searcher)
                return
        lease.searcher.close()

    def meta(self) -> IndexMeta:
        return self.store.meta()

    @property
    def root(self) -> Path:
        return self.store.root


def _refreshed(index: Index, searcher: Searcher) -> Searcher:
    """``searcher`` brought up to the latest commit, reusing the readers of unchanged segments.

    Not Whoosh's ``refresh()``, which has two faults: it reuses the reader of a segment whose id is
    unchanged also when the commit deleted documents in it (an update, a deletion: the refreshed
    searcher still found the deleted documents), and it *adds back* the segments the commit merged
    away (``FileIndex._reader`` extends the new segment list with the reused reader's old segments), so
    after a merge every document of the merged segments was found twice and the docnums no longer
    matched the commit's persisted substring index. Here the new reader holds exactly the commit's
    segments; a segment's reader is reused when its id, size and deletions are unchanged.
    """
    if searcher.up_to_date() or not _commit_complete(index):
        return searcher
    toc = index._read_toc()
    old = {
        leaf.segment().segment_id(): leaf for leaf, _offset in searcher.reader().leaf_readers()
        if leaf.segment() is not None
    }
    readers = []
    reused: set[int] = set()
    for segment in toc.segments:
        leaf = old.get(segment.segment_id())
        if leaf is not None and leaf.segment().doc_count_all() == segment.doc_count_all() \
                and leaf.segment().deleted_count() == segment.deleted_count():
            readers.append(leaf)
            reused.add(id(leaf))
        else:
            readers.append(SegmentReader(index.storage, toc.schema, segment, generation=toc.generation))
    for leaf in old.values():
        if id(leaf) not in reused:
            leaf.close()
    searcher.is_closed = True  # as refresh() does: the old searcher must not be used any more
    # A MultiReader even of one segment: it carries the commit's generation (a reused segment
    # reader still has the generation it was opened in).
    reader: IndexReader = (
        MultiReader(readers, generation=toc.generation) if readers else EmptyReader(toc.schema)
    )
    return Searcher(reader, fromindex=index, weighting=searcher.weighting)


def _commit_complete(index: Index) -> bool:
    """Whether the latest commit's substring index is written (the indexer writes it just after the
    commit). Until it is, requests keep the previous commit: a searcher opened in between would build the
    substring index itself from every stored text — seconds to tens of seconds on a large index, in
    every web worker. A commit whose substring index has not appeared after :data:`COMMIT_GRACE_S`
    (its writer died in between) is served anyway, with an index built in memory."""
    generation = index.latest_generation()
    folder = Path(index.storage.folder)
    if (folder / f"{TEXT_PREFIX}{generation}").exists():
        return True
    try:
        age = time.time() - (folder / f"_{index.indexname}_{generation}.toc").stat().st_mtime
    except OSError:
        return True
    return age > COMMIT_GRACE_S


def _sync_lexicon(meta: IndexMeta) -> None:
    """Reload the lexicon when the generation was segmented with another one than this process holds."""
    segmenter()  # the lexicon this process holds (loaded now if not yet)
    if meta.lexicon and meta.lexicon != active_lexicon_fingerprint():
        reload_lexicon()
        if meta.lexicon != active_lexicon_fingerprint():
            # The file changed again since the rebuild (or the index was built elsewhere): serve with
            # the file as it is now; the next rebuild brings the two back together.
            logging.getLogger(__name__).warning(
                "the index was built with lexicon %s, the lexicon file is now %s",
                meta.lexicon[:12], (active_lexicon_fingerprint() or "")[:12],
            )


def holder() -> IndexHolder:
    found: IndexHolder = current_app.extensions["huixun_index"]
    return found


def lease() -> Lease:
    """This request's lease (checked out on first use, checked in at teardown)."""
    if "lease" not in g:
        g.lease = holder().checkout()
    current: Lease = g.lease
    return current


def get_searcher() -> Searcher:
    """This request's searcher."""
    return lease().searcher


def index_version() -> str:
    """Identifies the data this request sees: the live generation and the searcher's commit."""
    current = lease()
    return f"{current.generation}:{current.searcher.reader().generation()}"


def _release(_exc: BaseException | None = None) -> None:
    current = g.pop("lease", None)
    if current is not None:
        current_app.extensions["huixun_index"].checkin(current)


def init_app(app: Flask, index_dir: str | os.PathLike[str]) -> None:
    app.extensions["huixun_index"] = IndexHolder(index_dir)
    app.teardown_appcontext(_release)
