"""Indexing workers: each one cleans, extracts, analyzes *and* writes its own segments.

Why segments are written in the workers: once jieba and the postings run in workers, what is left
in a single writer process is Python work per posting (about one posting per character of text),
enough to keep one core busy on its own — the writer, not jieba, became the bottleneck. So each
worker process feeds a :class:`~indexer.segments.SegmentBuilder` and writes complete Whoosh segments
into the generation directory; the parent process holds the one Whoosh writer (and the lock), applies
deletions, and commits a table of contents that lists the new segments beside the existing ones —
no merge, so the commit is cheap. (Whoosh's own ``procs=N`` writer was slower than a single writer
because its parent re-sorts and re-writes every posting the sub-writers produced.)

Protocol: the parent's feeder thread puts ``(seq, [RawDocument, ...])`` chunks on a task queue and
one ``None`` per worker at the end; workers answer ``("chunk", seq, outcomes)`` per chunk and
``("done", worker, segments)`` at the end, or ``("crash", worker, traceback)``. The parent hands
chunks on in ``seq`` order, so a run's results do not depend on scheduling.
"""

from __future__ import annotations

import ctypes
import itertools
import multiprocessing
import os
import queue
import random
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from whoosh.filedb.filestore import FileStorage

from search.analysis import pos_tag, segmenter
from search.normalize import normalize
from search.schema import build_schema
from search.textindex import day_number

from .model import IngestError, RawDocument
from .segments import SegmentBuilder
from .textindex_build import save_segment_texts

__all__ = ["default_workers", "Written", "SegmentRun", "WorkerCrashed", "MAX_SEGMENT_POSTINGS"]

#: A worker starts a new segment after this many postings (bounds its memory to a few hundred MB:
#: word postings are 12 bytes each in the builder's flat arrays). Fewer, larger segments make
#: queries cheaper (each term is looked up in every segment), and cost nothing in wall-clock time:
#: a worker's finishing work is proportional to its postings however they are cut into segments.
#: 16 M gives one segment per worker for the 31,664 benchmark documents on two workers.
MAX_SEGMENT_POSTINGS = 16_000_000
CHUNK = 24  # documents per task: large enough to amortize queue traffic, small enough to balance


_PR_SET_PDEATHSIG = 1


def default_workers() -> int:
    """One worker per CPU this process may use (at least one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class WorkerCrashed(RuntimeError):
    """A worker process died or failed outside the per-document error handling."""


@dataclass(frozen=True)
class Written:
    """A document a worker added to one of its segments."""

    id: str
    origin: str
    chars: int
    worker: int
    segment: int  # index in that worker's list of finished segments
    docnum: int  # document number within that segment


class _SegmentWorker:
    """The work of one worker: prepare documents and add them to segments of ``gen_dir``."""

    def __init__(self, wid: int, gen_dir: str, indexed_at: str, max_postings: int,
                 prepare: Callable[[RawDocument], Any]):
        self.wid = wid
        self.storage = FileStorage(gen_dir)
        self.schema = build_schema()
        self.indexed_at = indexed_at
        self.max_postings = max_postings
        self.prepare = prepare
        self.segments: list[Any] = []
        self.builder = SegmentBuilder(self.storage, self.schema)
        self.texts: list[str] = []  # normalized texts of the builder's documents, by docnum
        self.days: list[int] = []  # and their dates as day numbers (near-duplicate grouping)

    def process(self, raws: list[RawDocument]) -> list[Written | IngestError]:
        outcomes: list[Written | IngestError] = []
        for raw in raws:
            prepared = self.prepare(raw)
            if isinstance(prepared, IngestError):
                outcomes.append(prepared)
                continue
            prepared.fields["indexed_at"] = self.indexed_at
            docnum = self.builder.add(prepared.fields, prepared.stored)
            self.texts.append(prepared.normalized)
            self.days.append(day_number(prepared.fields.get("date")))
            outcomes.append(Written(prepared.id, prepared.origin, prepared.chars, self.wid,
                                    len(self.segments), docnum))
            if self.builder.postings >= self.max_postings:
                self._finish_segment()
                self.builder = SegmentBuilder(self.storage, self.schema)
        return outcomes

    def _finish_segment(self) -> None:
        segment = self.builder.finish()
        # After finish(): a file of the segment's name written before would go into its compound file.
        save_segment_texts(self.storage.folder, segment.segment_id(), self.texts, self.days)
        self.texts = []
        self.days = []
        self.segments.append(segment)

    def close(self) -> list[Any]:
        if self.builder.docnum:
            self._finish_segment()
        else:
            self.builder.cancel()
        return self.segments


def _worker_main(wid: int, args: tuple[Any, ...], tasks: Any, results: Any, parent: int) -> None:
    # Forked children inherit the parent's random state, and Whoosh names segments and temporary
    # files with `random`: without a reseed two workers would write files of the same name.
    random.seed()
    _die_with_parent(parent)
    try:
        worker = _SegmentWorker(wid, *args)
        while True:
            try:
                item = tasks.get(timeout=1.0)
            except queue.Empty:
                if os.getppid() != parent:  # the parent was killed: do not linger
                    return
                continue
            if item is None:
                break
            seq, raws = item
            results.put(("chunk", seq, worker.process(raws)))
        results.put(("done", wid, worker.close()))
    except BaseException:
        results.put(("crash", wid, traceback.format_exc()))


def _die_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this worker when the indexer dies (``PR_SET_PDEATHSIG``, Linux).

    A worker orphaned by ``kill -9`` of the indexer could otherwise block for ever flushing its
    results queue, holding the index's Whoosh lock it inherited and stopping every later run.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux: the getppid() poll remains
        return
    if os.getppid() != parent:  # the indexer died before the request took effect
        os._exit(1)


class SegmentRun:
    """Prepare and write ``docs`` into new segments of ``gen_dir`` with ``workers`` processes.

    Iterate it for the outcomes (:class:`Written` or :class:`IngestError`) in input order; afterwards
    :attr:`segments` maps each worker to its finished segments. ``workers <= 1`` does everything in
    this process. Raises :class:`WorkerCrashed` if a worker dies.
    """

    def __init__(self, docs: Iterable[RawDocument], gen_dir: str, *, workers: int, indexed_at: str,
                 prepare: Callable[[RawDocument], Any], max_postings: int = MAX_SEGMENT_POSTINGS):
        self.docs = docs
        self.workers = workers
        self.args = (gen_dir, indexed_at, max_postings, prepare)
        self.segments: dict[int, list[Any]] = {}

    def __iter__(self) -> Iterator[Written | IngestError]:
        docs = iter(self.docs)
        first = next(docs, None)
        if first is None:  # nothing to analyze (e.g. every document unchanged): no worker, no jieba
            return
        self.docs = itertools.chain([first], docs)
        if self.workers <= 1:
            yield from self._in_process()
        else:
            yield from self._in_workers()

    def all_segments(self) -> list[Any]:
        return [seg for wid in sorted(self.segments) for seg in self.segments[wid]]

    def _in_process(self) -> Iterator[Written | IngestError]:
        worker = _SegmentWorker(0, *self.args)
        for chunk in _chunks(self.docs, CHUNK):
            yield from worker.process(chunk)
        self.segments[0] = worker.close()

    def _in_workers(self) -> Iterator[Written | IngestError]:
        # Load jieba + lexicon, jieba's tag table (entity rules) and OpenCC once, before the fork, so
        # workers inherit them instead of each spending seconds loading them again.
        segmenter()
        pos_tag("而且")  # not a lexicon word: loads jieba.posseg's table
        normalize("中國")
        ctx = multiprocessing.get_context("fork")
        tasks = ctx.Queue(maxsize=4 * self.workers)
        results = ctx.Queue()
        procs = [
            ctx.Process(target=_worker_main, args=(wid, self.args, tasks, results, os.getpid()), daemon=True)
            for wid in range(self.workers)
        ]
        for proc in procs:
            proc.start()
        feeder_error: list[BaseException] = []
        stop = threading.Event()
        feeder = threading.Thread(target=self._feed, args=(tasks, feeder_error, stop), daemon=True)
        feeder.start()
        pending: dict[int, list[Written | IngestError]] = {}
        next_seq = 0
        try:
            while len(self.segments) < self.workers:
                try:
                    message = results.get(timeout=1.0)
                except queue.Empty:
                    dead = [p for i, p in enumerate(procs) if i not in self.segments and not p.is_alive()]
                    if dead:
                        raise WorkerCrashed(f"indexing worker pid {dead[0].pid} died "
                                            f"(exit code {dead[0].exitcode})") from None
                    continue
                kind = message[0]
                if kind == "chunk":
                    pending[message[1]] = message[2]
                    while next_seq in pending:
                        yield from pending.pop(next_seq)
                        next_seq += 1
                elif kind == "done":
                    self.segments[message[1]] = message[2]
                else:
                    raise WorkerCrashed(f"indexing worker {message[1]} failed:\n{message[2]}")
            feeder.join()
            if feeder_error:
                raise feeder_error[0]
        finally:
            stop.set()
            for proc in procs:
                if proc.is_alive() and len(self.segments) < self.workers:
                    proc.terminate()
                proc.join()

    def _feed(self, tasks: Any, errors: list[BaseException], stop: threading.Event) -> None:
        try:
            for seq, chunk in enumerate(_chunks(self.docs, CHUNK)):
                if not _put(tasks, (seq, chunk), stop):
                    return
        except BaseException as exc:  # reported by the consuming thread
            errors.append(exc)
        for _ in range(self.workers):
            if not _put(tasks, None, stop):
                return


def _put(tasks: Any, item: Any, stop: threading.Event) -> bool:
    """Put ``item`` unless the run was stopped (a full queue must not block the feeder forever)."""
    while not stop.is_set():
        try:
            tasks.put(item, timeout=0.5)
            return True
        except queue.Full:
            continue
    return False


def _chunks(items: Iterable[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    chunk: list[RawDocument] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
