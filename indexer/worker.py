"""``huixun worker``: the one process that applies the ingest API's tasks to the index.

The web app never writes the index: ``POST``/``DELETE /api/v1/documents`` only put a task in the durable
queue (:mod:`search.taskqueue`). This worker takes the oldest queued tasks, applies them with the same
code as ``huixun index`` (:func:`indexer.writer.index_paths`: same readers, same incremental
add/update/unchanged logic, same writer lock — so a ``huixun index`` run and the worker never write at
once) and records each task's counts and failures.

Batching: consecutive tasks go into one commit (at most ``HUIXUN_WORKER_BATCH`` tasks and
:data:`MAX_BATCH_BYTES` of uploads) as long as no document id is touched by two of them; the first task
that touches an id already in the batch starts the next batch. Within a batch order therefore does not
matter, and between batches it is kept: tasks are applied in the order they were acknowledged.

Crash safety (a ``kill -9`` at any point): a task is ``processing`` from its claim until the
transaction that records its result. Just before the index commit the worker stores each task's
outcome as ``pending``. A restarted worker applies ``processing`` tasks again before anything else;
documents the first attempt committed now come back *unchanged* (their content hash is in the index)
and deletions find nothing to delete, so nothing is applied twice, and a task whose second application
changed nothing reports the stored outcome of the first. The uploaded files live in the database until
the task is done; the worker writes them to ``ingest-spool/<task>/`` beside the database only to read
them with the indexer's readers (the files are the documents' ``origin``).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from search.store import IndexLocked, IndexStore
from search.taskqueue import Task, TaskQueue, TaskResult

from .extract import document_id
from .model import IngestError
from .parallel import default_workers
from .readers import read_paths
from .writer import IndexReport, index_paths

__all__ = ["IngestWorker", "SMALL_BATCH_BYTES", "MAX_ATTEMPTS"]

log = logging.getLogger("huixun.worker")

#: A batch smaller than this is analyzed in the worker process itself: forking analysis workers costs
#: more than it saves for a few posts, and keeps the time from POST to searchable short.
SMALL_BATCH_BYTES = 1024 * 1024
#: A batch that fails this many times in a row (not a bad document — those are reported per document —
#: but e.g. an index that cannot be opened) is marked failed, so one poisoned task cannot stop the queue.
MAX_ATTEMPTS = 3
#: A batch stops growing past this many bytes of uploads (bounds the spool and one commit's work).
MAX_BATCH_BYTES = 64 * 1024 * 1024
#: Seconds to wait before retrying a batch whose application failed.
RETRY_DELAY_S = 2.0


@dataclass
class _Prepared:
    """A task ready to apply: its files in the spool (add) or its ids (delete), and the ids it touches."""

    task: Task
    files: list[Path] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    size: int = 0  # bytes of its files


class IngestWorker:
    """Applies the tasks of the queue in ``db_path`` to the index in ``index_dir``."""

    def __init__(self, index_dir: str, db_path: str, *, poll: float = 0.2, batch: int = 100,
                 workers: int | None = None):
        self.index_dir = str(index_dir)
        self.queue = TaskQueue(db_path)
        self.spool = Path(db_path).resolve().parent / "ingest-spool"
        self.poll = poll
        self.batch = batch
        self.workers = workers
        self.attempts = 0

    def close(self) -> None:
        self.queue.close()

    # -- the loop ------------------------------------------------------------------------------------
    def run(self, stop: threading.Event, *, once: bool = False) -> None:
        """Apply tasks until ``stop`` is set (or, with ``once``, until the queue is empty)."""
        _warm_up()
        self._clean_spool()
        log.info("ready: applying the tasks of %s to %s", self.queue.path, self.index_dir)
        while not stop.is_set():
            try:
                done = self.step()
            except IndexLocked as exc:
                log.info("waiting for the index lock: %s", exc)
                done = 0
                stop.wait(self.poll)
                continue
            if done == 0:
                if once:
                    return
                stop.wait(self.poll)

    def step(self) -> int:
        """Apply one batch; returns how many tasks it finished (0: nothing to do, or retry later)."""
        prepared = self._next_batch()
        if not prepared:
            return 0
        try:
            results = self._apply(prepared)
        except IndexLocked:
            raise
        except Exception as exc:  # not a bad document (those are per document): retry, then give up
            self.attempts += 1
            log.exception("applying tasks %s failed (attempt %d of %d)",
                          [p.task.id for p in prepared], self.attempts, MAX_ATTEMPTS)
            if self.attempts < MAX_ATTEMPTS:
                time.sleep(RETRY_DELAY_S)  # back-off between retries of a failing batch
                return 0
            results = {}
            for p in prepared:
                failed = TaskResult()
                failed.counts["failed"] = max(1, len(p.ids))
                failed.failures.append({"document": "", "reason": f"could not be applied: {exc}"})
                results[p.task.id] = failed
        self.attempts = 0
        self.queue.finish(results)
        for p in prepared:
            shutil.rmtree(self.spool / str(p.task.id), ignore_errors=True)
            result = results[p.task.id]
            log.info("task %d %s: %s", p.task.id, result.status,
                     ", ".join(f"{k} {v}" for k, v in result.counts.items()))
        return len(prepared)

    # -- batches -------------------------------------------------------------------------------------
    def _next_batch(self) -> list[_Prepared]:
        resumed = self.queue.processing()
        if resumed:  # claimed by a worker that was killed: that batch again, whole and first
            log.info("resuming tasks %s", [t.id for t in resumed])
            return [self._prepare(task) for task in resumed]
        batch: list[_Prepared] = []
        touched: set[str] = set()
        size = 0
        for task in self.queue.enqueued(self.batch):
            prepared = self._prepare(task)
            if batch and (prepared.ids & touched or size + prepared.size > MAX_BATCH_BYTES):
                shutil.rmtree(self.spool / str(task.id), ignore_errors=True)
                break
            batch.append(prepared)
            touched |= prepared.ids
            size += prepared.size
        if batch:
            self.queue.claim(p.task.id for p in batch)
        return batch

    def _prepare(self, task: Task) -> _Prepared:
        prepared = _Prepared(task)
        if task.kind == "delete":
            prepared.ids = set(task.delete_ids)
            return prepared
        base = self.spool / str(task.id)
        shutil.rmtree(base, ignore_errors=True)
        for position, (name, data) in enumerate(self.queue.files(task.id)):
            path = base / str(position) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            prepared.files.append(path)
            prepared.size += len(data)
        for item in read_paths(prepared.files):
            if not isinstance(item, IngestError):
                prepared.ids.add(document_id(item))
        return prepared

    def _apply(self, prepared: list[_Prepared]) -> dict[int, TaskResult]:
        files = [str(path) for p in prepared for path in p.files]
        deletes = [doc_id for p in prepared if p.task.kind == "delete" for doc_id in p.task.delete_ids]
        size = sum(os.path.getsize(path) for path in files)
        workers = self.workers or (1 if size < SMALL_BATCH_BYTES else default_workers())

        def record(report: IndexReport) -> None:
            self.queue.save_pending(_split(prepared, report))

        if not files and not IndexStore(self.index_dir).exists():
            report = IndexReport(self.index_dir, "", rebuilt=False)  # nothing to add, nothing to delete from
        else:
            report = index_paths(files, self.index_dir, workers=workers, delete_ids=deletes,
                                 before_commit=record, small=size < SMALL_BATCH_BYTES)
        results = _split(prepared, report)
        for p in prepared:
            # Applied again after a crash: when this application changed nothing, the first one had
            # committed, and its recorded outcome is the task's.
            if p.task.pending is not None and results[p.task.id].changed == 0:
                results[p.task.id] = p.task.pending
        return results

    def _clean_spool(self) -> None:
        """Drop spool directories of tasks that are done (left by a worker killed after finishing)."""
        if not self.spool.is_dir():
            return
        active = {str(task_id) for task_id in self.queue.active_ids()}
        for child in self.spool.iterdir():
            if child.name not in active:
                shutil.rmtree(child, ignore_errors=True)


def _split(prepared: list[_Prepared], report: IndexReport) -> dict[int, TaskResult]:
    """The report of one commit → the result of each task in it."""
    results: dict[int, TaskResult] = {}
    deleted = set(report.deleted_ids)
    for p in prepared:
        result = TaskResult()
        if p.task.kind == "delete":
            for doc_id in p.task.delete_ids:
                if doc_id in deleted:
                    result.counts["deleted"] += 1
                else:
                    result.counts["failed"] += 1
                    result.failures.append({"document": doc_id, "reason": "no document with this id"})
        else:
            origins = {str(path): path.parent for path in p.files}
            for origin, counts in report.by_origin.items():
                if origin in origins:
                    for name in ("added", "updated", "unchanged"):
                        result.counts[name] += counts[name]
            for error in report.errors:
                if error.origin in origins:
                    name = os.path.relpath(error.origin, origins[error.origin])
                    where = f"{name}:{error.line}" if error.line is not None else name
                    result.counts["failed"] += 1
                    result.failures.append({"document": where, "reason": error.reason})
        results[p.task.id] = result
    return results


def _warm_up() -> None:
    """Load jieba, its tag table and OpenCC now, so the first task is as fast as the next ones."""
    from search.analysis import pos_tag, segmenter
    from search.normalize import normalize

    segmenter()
    pos_tag("而且")
    normalize("中國")


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM/SIGINT: finish the batch being applied, then stop."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
