"""The index on disk: generations, the atomic ``live`` pointer, metadata and the writer lock.

Layout of an index directory::

    <index_dir>/
        live -> gen-20261128T161200Z-1a2b3c   symlink to the generation searchers use
        gen-.../                              a complete Whoosh index + meta.json
        writer.lock                           held (flock) by the one running ``huixun index``
        writer.lock.info                      who holds it: pid, host, command, since (removed on
                                              release: left behind, it names a killed holder)

Incremental runs commit new segments into the live generation (Whoosh's own table of contents makes
each commit atomic). ``--rebuild`` writes a new generation beside it and then replaces the ``live``
symlink with ``os.replace`` — atomic on POSIX — so a searcher sees either the old complete index or the
new complete one, never a partial or empty one. A rebuild that fails or is killed leaves ``live`` as
it was; its half-written generation is removed by the next run. The previous generation is kept until
the next switch, so searchers that opened it before the switch can finish.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from .analysis import active_lexicon_fingerprint
from .lexicon import lexicon_fingerprint
from .schema import SCHEMA_VERSION, build_schema

__all__ = [
    "IndexStoreError",
    "IndexNotFound",
    "SchemaVersionMismatch",
    "IndexLocked",
    "IndexMeta",
    "IndexStore",
]

LIVE = "live"
META = "meta.json"
LOCK = "writer.lock"


#: Descriptors of writer locks this process holds (see :func:`_drop_held_locks`).
_HELD_LOCKS: set[int] = set()


def _drop_held_locks() -> None:
    """In a child just forked: point the inherited descriptors of held writer locks at /dev/null. An
    ``flock`` lasts while any descriptor of it is open, so a child that outlived a killed indexer would
    otherwise keep the index locked. (``dup2``, not ``close``: the parent's file object, copied into the
    child, will close that descriptor number later.)"""
    if not _HELD_LOCKS:
        return
    devnull = os.open(os.devnull, os.O_RDONLY)
    for fd in _HELD_LOCKS:
        try:
            os.dup2(devnull, fd)
        except OSError:
            pass
    os.close(devnull)
    _HELD_LOCKS.clear()


os.register_at_fork(after_in_child=_drop_held_locks)


class IndexStoreError(RuntimeError):
    """Base class of the errors of this module; the message is meant for an operator."""


class IndexNotFound(IndexStoreError):
    """There is no live index in the directory (build one with ``huixun index``)."""


class SchemaVersionMismatch(IndexStoreError):
    """The live index was written with another schema version and must be rebuilt."""


class IndexLocked(IndexStoreError):
    """Another ``huixun index`` holds the writer lock; the message names the holder."""


@dataclass
class IndexMeta:
    """What ``meta.json`` of a generation records.

    ``lexicon`` is the fingerprint (:func:`search.lexicon.lexicon_fingerprint`) of the lexicon the
    generation was segmented with; ``None`` in meta files written before it was recorded.
    """

    schema_version: int
    created_at: str
    last_indexed_at: str | None = None
    documents: int = 0
    lexicon: str | None = None

    @classmethod
    def read(cls, gen_dir: Path) -> IndexMeta:
        data = json.loads((gen_dir / META).read_text(encoding="utf-8"))
        keys = ("schema_version", "created_at", "last_indexed_at", "documents", "lexicon")
        return cls(**{k: data.get(k) for k in keys})

    def write(self, gen_dir: Path) -> None:
        tmp = gen_dir / (META + ".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, gen_dir / META)


def segmentation_lexicon() -> str:
    """The fingerprint of the lexicon this process segments with: the one jieba loaded, or (before
    jieba is loaded) the lexicon file's, which is what it will load."""
    return active_lexicon_fingerprint() or lexicon_fingerprint()


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class IndexStore:
    """An index directory. Cheap to create; nothing is touched on disk until a method says so."""

    def __init__(self, index_dir: str | os.PathLike[str]):
        self.root = Path(index_dir)

    # -- reading -------------------------------------------------------------------------------
    def live_dir(self) -> Path:
        """The directory of the live generation. Raises :class:`IndexNotFound`."""
        link = self.root / LIVE
        try:
            target = os.readlink(link)
        except (FileNotFoundError, NotADirectoryError):
            raise IndexNotFound(
                f"no index in {self.root} (build one with: huixun index PATH --index-dir {self.root})"
            ) from None
        return self.root / target

    def meta(self) -> IndexMeta:
        """Metadata of the live generation."""
        live = self.live_dir()
        try:
            return IndexMeta.read(live)
        except (OSError, ValueError, TypeError) as exc:
            raise IndexNotFound(f"the index in {live} has no readable {META}: {exc}") from None

    def open(self) -> Index:
        """Open the live index, checking its schema version.

        Raises :class:`IndexNotFound` or :class:`SchemaVersionMismatch` (with the command to rebuild).
        """
        live = self.live_dir()
        meta = self.meta()
        if meta.schema_version != SCHEMA_VERSION:
            raise SchemaVersionMismatch(
                f"the index in {self.root} has schema version {meta.schema_version}, this huixun needs "
                f"{SCHEMA_VERSION}: rebuild it with: huixun index PATH... --rebuild --index-dir {self.root}"
            )
        try:
            return whoosh_index.open_dir(str(live))
        except (whoosh_index.EmptyIndexError, OSError) as exc:
            raise IndexNotFound(f"cannot open the index in {live}: {exc}") from None

    def exists(self) -> bool:
        try:
            self.live_dir()
        except IndexNotFound:
            return False
        return (self.live_dir() / META).exists()

    # -- writing -------------------------------------------------------------------------------
    def new_generation(self) -> tuple[Path, Index]:
        """Create an empty generation beside the live one (not yet live) and its Whoosh index."""
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        gen = self.root / f"gen-{stamp}-{os.getpid()}-{os.urandom(3).hex()}"
        gen.mkdir()
        ix = whoosh_index.create_in(str(gen), build_schema())
        meta = IndexMeta(schema_version=SCHEMA_VERSION, created_at=utc_now(), lexicon=segmentation_lexicon())
        meta.write(gen)
        return gen, ix

    def switch_live(self, gen: Path) -> None:
        """Atomically make ``gen`` the live generation, then drop generations older than the previous."""
        previous = self._live_name()
        tmp = self.root / f".{LIVE}.{os.getpid()}.tmp"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(gen.name, tmp)
        os.replace(tmp, self.root / LIVE)
        self.collect_garbage(keep={gen.name, previous} - {None})

    def collect_garbage(self, keep: set[str | None]) -> None:
        """Remove generations not in ``keep`` (failed rebuilds, generations older than the previous)."""
        names = {k for k in keep if k}
        live = self._live_name()
        if live:
            names.add(live)
        for child in self.root.glob("gen-*"):
            if child.name not in names and child.is_dir():
                shutil.rmtree(child, ignore_errors=True)

    def remove_failed_generations(self) -> None:
        """Remove generations that never completed (a rebuild that failed or was killed).

        A generation is complete once :meth:`touch_meta` recorded an indexing run in it; the live one
        and the previous one (kept for searchers opened before the last switch) are complete.
        Call only while holding :meth:`writer_lock`, so no rebuild is in progress.
        """
        live = self._live_name()
        for child in self.root.glob("gen-*"):
            if child.name == live or not child.is_dir():
                continue
            try:
                complete = IndexMeta.read(child).last_indexed_at is not None
            except (OSError, ValueError, TypeError):
                complete = False
            if not complete:
                shutil.rmtree(child, ignore_errors=True)

    def _live_name(self) -> str | None:
        try:
            return os.readlink(self.root / LIVE)
        except OSError:
            return None

    @contextmanager
    def writer_lock(self, notice: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the writer lock for the duration of the block.

        Raises :class:`IndexLocked` naming the holder (pid, host, command, since) when another
        process — or another block of this one — holds it. The lock is an ``flock`` lock: the kernel
        releases it when its holder dies, even killed. Processes forked while it is held (the
        indexer's workers) drop their copy of the descriptor at once (:func:`_drop_held_locks`), so
        orphaned workers of a killed run cannot keep it. ``writer.lock.info`` is removed on release;
        finding it when taking the lock means its holder was killed: ``notice`` (if given) gets a
        message naming that dead holder, and the lock is taken over.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / LOCK
        fh = open(path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise IndexLocked(f"another indexer is running on {self.root}: {self._holder()}") from None
        _HELD_LOCKS.add(fh.fileno())
        info_path = self.root / (LOCK + ".info")
        if info_path.exists() and notice is not None:
            notice(
                f"taking over the writer lock of {self.root} left by a process that is gone: {self._holder()}"
            )
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": " ".join(sys.argv),
            "since": utc_now(),
        }
        info_path.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
        try:
            yield
        finally:
            info_path.unlink(missing_ok=True)
            _HELD_LOCKS.discard(fh.fileno())
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()

    def _holder(self) -> str:
        try:
            info = json.loads((self.root / (LOCK + ".info")).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "holder unknown"
        return (
            f"pid {info.get('pid')} on {info.get('host')} since {info.get('since')} ({info.get('command')})"
        )

    def touch_meta(self, gen: Path, documents: int) -> None:
        """Record an indexing run in ``gen``'s metadata, with the lexicon it segmented with."""
        meta = IndexMeta.read(gen)
        meta.last_indexed_at = utc_now()
        meta.documents = documents
        meta.lexicon = segmentation_lexicon()
        meta.write(gen)

