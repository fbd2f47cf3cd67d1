"""The ingest database: one SQLite file holding the API keys and the task queue.

Shared by the web app (which checks keys and enqueues tasks), ``huixun worker`` (which applies them)
and ``huixun keys``. Its location is :func:`search.settings.ingest_db_path` (``ingest.sqlite3`` in the
index directory unless ``HUIXUN_INGEST_DB`` names another file).

Durability: the database runs in WAL mode with ``synchronous=FULL``, so a transaction that returned
from ``COMMIT`` has been fsync'ed to the write-ahead log — a task acknowledged with 202 survives a
crash of the process or of the machine right after. Every connection is short-lived and opened per
use (one per request in the web app); SQLite's busy timeout serializes the few concurrent writers.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["connect", "transaction", "now"]

#: Seconds a connection waits for another one's write lock before failing (``database is locked``).
BUSY_TIMEOUT_S = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    name        TEXT PRIMARY KEY,
    key_id      TEXT NOT NULL UNIQUE,
    scopes      TEXT NOT NULL,
    kdf         TEXT NOT NULL,
    salt        BLOB NOT NULL,
    hash        BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE TABLE IF NOT EXISTS tasks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    key_name    TEXT,
    enqueued_at TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT,
    delete_ids  TEXT,
    result      TEXT,
    pending     TEXT
);
CREATE INDEX IF NOT EXISTS tasks_by_status ON tasks (status, id);
CREATE TABLE IF NOT EXISTS task_files (
    task_id     INTEGER NOT NULL REFERENCES tasks (id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (task_id, position)
);
"""


def now() -> str:
    """The current UTC time, ISO 8601 with milliseconds (``2026-12-06T02:30:00.123Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def connect(path: str | os.PathLike[str], *, create: bool = True) -> sqlite3.Connection | None:
    """Open the database (creating it and its tables when ``create``); ``None`` if it does not exist
    and ``create`` is false (the web app then knows no key was ever created, without writing)."""
    db = Path(path)
    if not create and not db.exists():
        return None
    if create:
        db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(db), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")  # a COMMIT is on disk (fsync of the WAL) before it returns
    conn.execute("PRAGMA foreign_keys=ON")
    if create:
        conn.executescript(_SCHEMA)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on an exception): one atomic, durable change."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
