"""The durable queue of ingest tasks (SQLite, :mod:`search.ingestdb`).

A task is one ``POST /api/v1/documents`` (kind ``add``: the uploaded files, kept in ``task_files`` until
the task is done) or one ``DELETE /api/v1/documents/<id>`` (kind ``delete``). Its life::

    enqueued ──(huixun worker claims it)──▶ processing ──▶ succeeded | failed

The web app only inserts tasks (one transaction each: the row and its files, fsync'ed before the 202)
and reads them. Only ``huixun worker`` changes a task after that: it claims consecutive tasks in id
order, applies them in one index commit, and records the outcome. A worker killed while tasks are
``processing`` finds them again when it restarts and applies them again; the index's content hashes
make that idempotent (see :mod:`indexer.worker`), so nothing is lost and nothing is applied twice.

``status`` ``failed`` means nothing of the task could be applied (every document failed); a task in
which some documents failed ``succeeded`` and lists each failure with its reason.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .ingestdb import connect, now, transaction

__all__ = [
    "STATUSES",
    "COUNTS",
    "Task",
    "TaskResult",
    "enqueue_add",
    "enqueue_delete",
    "get_task",
    "list_tasks",
]

STATUSES = ("enqueued", "processing", "succeeded", "failed")
COUNTS = ("added", "updated", "unchanged", "deleted", "failed")
KINDS = {"add": "documents.add", "delete": "documents.delete"}
#: Placeholder in a file name given to :func:`enqueue_add`, replaced by ``task-<id>`` (so documents
#: without an id of their own get ids unique to their task: ``task-12-3``).
TASK_NAME = "{task}"


@dataclass
class TaskResult:
    """What applying one task did: the counts, and each failed document with its reason."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    failures: list[dict[str, str]] = field(default_factory=list)

    @property
    def status(self) -> str:
        applied = sum(self.counts[name] for name in COUNTS if name != "failed")
        return "failed" if self.counts["failed"] and not applied else "succeeded"

    @property
    def changed(self) -> int:
        """Documents this application added, replaced or deleted (0 when it repeated a committed one)."""
        return self.counts["added"] + self.counts["updated"] + self.counts["deleted"]

    def to_json(self) -> dict[str, Any]:
        return {"counts": dict(self.counts), "failures": list(self.failures)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TaskResult:
        return cls(dict(data["counts"]), list(data["failures"]))


@dataclass(frozen=True)
class Task:
    """One ingest task as stored (its JSON body: :func:`search.envelope.task_json`)."""

    id: int
    kind: str
    status: str
    key_name: str | None
    enqueued_at: str
    started_at: str | None
    finished_at: str | None
    delete_ids: tuple[str, ...]
    result: TaskResult | None
    pending: TaskResult | None


def _task(row: sqlite3.Row) -> Task:
    return Task(
        id=row["id"],
        kind=row["kind"],
        status=row["status"],
        key_name=row["key_name"],
        enqueued_at=row["enqueued_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        delete_ids=tuple(json.loads(row["delete_ids"])) if row["delete_ids"] else (),
        result=TaskResult.from_json(json.loads(row["result"])) if row["result"] else None,
        pending=TaskResult.from_json(json.loads(row["pending"])) if row["pending"] else None,
    )


def _insert(db_path: str, kind: str, key_name: str | None, delete_ids: Sequence[str] | None,
            files: Sequence[tuple[str, bytes]]) -> Task:
    conn = connect(db_path)
    assert conn is not None
    try:
        with transaction(conn):
            cursor = conn.execute(
                "INSERT INTO tasks (kind, status, key_name, enqueued_at, delete_ids) VALUES (?, ?, ?, ?, ?)",
                (kind, "enqueued", key_name, now(), json.dumps(list(delete_ids), ensure_ascii=False)
                 if delete_ids is not None else None),
            )
            task_id = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT INTO task_files (task_id, position, name, data) VALUES (?, ?, ?, ?)",
                [(task_id, i, name.replace(TASK_NAME, f"task-{task_id}"), data)
                 for i, (name, data) in enumerate(files)],
            )
            row = conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
    finally:
        conn.close()
    return _task(row)


def enqueue_add(db_path: str, key_name: str | None, files: Sequence[tuple[str, bytes]]) -> Task:
    """Queue the files (name, bytes) for indexing; returns the task once it is on disk."""
    return _insert(db_path, "add", key_name, None, files)


def enqueue_delete(db_path: str, key_name: str | None, doc_ids: Sequence[str]) -> Task:
    """Queue the deletion of ``doc_ids``; returns the task once it is on disk."""
    return _insert(db_path, "delete", key_name, doc_ids, [])


def get_task(db_path: str, task_id: int) -> Task | None:
    conn = connect(db_path, create=False)
    if conn is None:
        return None
    try:
        row = conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
    finally:
        conn.close()
    return _task(row) if row else None


def list_tasks(db_path: str, status: str | None = None, limit: int = 20) -> list[Task]:
    """The newest ``limit`` tasks (of one ``status`` if given), newest first."""
    conn = connect(db_path, create=False)
    if conn is None:
        return []
    try:
        if status:
            rows = conn.execute(
                "SELECT * FROM tasks WHERE status = ? ORDER BY id DESC LIMIT ?", (status, limit)
            )
        else:
            rows = conn.execute("SELECT * FROM tasks ORDER BY id DESC LIMIT ?", (limit,))
        return [_task(row) for row in rows]
    finally:
        conn.close()


# -- the worker's side -----------------------------------------------------------------------------------
class TaskQueue:
    """The worker's connection to the queue (one process: ``huixun worker``)."""

    def __init__(self, db_path: str):
        conn = connect(db_path)
        assert conn is not None
        self.conn = conn
        self.path = db_path

    def close(self) -> None:
        self.conn.close()

    def processing(self) -> list[Task]:
        """Tasks a previous worker claimed and did not finish (it was killed), in order."""
        rows = self.conn.execute("SELECT * FROM tasks WHERE status = 'processing' ORDER BY id")
        return [_task(row) for row in rows]

    def enqueued(self, limit: int) -> list[Task]:
        rows = self.conn.execute(
            "SELECT * FROM tasks WHERE status = 'enqueued' ORDER BY id LIMIT ?", (limit,)
        )
        return [_task(row) for row in rows]

    def files(self, task_id: int) -> list[tuple[str, bytes]]:
        rows = self.conn.execute(
            "SELECT name, data FROM task_files WHERE task_id = ? ORDER BY position", (task_id,)
        )
        return [(row["name"], bytes(row["data"])) for row in rows]

    def active_ids(self) -> set[int]:
        rows = self.conn.execute("SELECT id FROM tasks WHERE status IN ('enqueued', 'processing')")
        return {row["id"] for row in rows}

    def claim(self, ids: Iterable[int]) -> None:
        stamp = now()
        with transaction(self.conn):
            self.conn.executemany(
                "UPDATE tasks SET status = 'processing', started_at = ? WHERE id = ? AND status = 'enqueued'",
                [(stamp, task_id) for task_id in ids],
            )

    def save_pending(self, results: dict[int, TaskResult]) -> None:
        """Record each task's outcome just before the index commit that applies it (see ``finish``)."""
        with transaction(self.conn):
            self.conn.executemany(
                "UPDATE tasks SET pending = ? WHERE id = ?",
                [(json.dumps(r.to_json(), ensure_ascii=False), task_id) for task_id, r in results.items()],
            )

    def finish(self, results: dict[int, TaskResult]) -> None:
        """Mark the tasks done with their results and drop their files (one transaction)."""
        stamp = now()
        with transaction(self.conn):
            for task_id, result in results.items():
                self.conn.execute(
                    "UPDATE tasks SET status = ?, finished_at = ?, result = ?, pending = NULL WHERE id = ?",
                    (result.status, stamp, json.dumps(result.to_json(), ensure_ascii=False), task_id),
                )
                self.conn.execute("DELETE FROM task_files WHERE task_id = ?", (task_id,))
