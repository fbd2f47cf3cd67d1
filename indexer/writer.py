"""Write announcements into the index: incremental runs, atomic rebuilds, one writer.

Stages of :func:`index_paths`::

    read_paths (this process)  →  content hash, skip unchanged (this process)
        →  build_announcement + postings (worker processes, :func:`prepare`)
        →  one Whoosh writer (this process: no analysis, postings arrive pre-computed)
        →  the generation's substring index (:func:`indexer.textindex_build.write_for_index`)

Incremental runs (the default) commit into the live generation: a document whose id and content hash
are already in the index is skipped before any analysis, a changed one is replaced, a new one added.
``rebuild=True`` (and the very first run) writes a new generation beside the live one and switches
the ``live`` pointer only after the commit succeeded (see :mod:`search.store`), so a failed or killed
rebuild leaves the live index as it was.

A broken document becomes an :class:`~indexer.model.IngestError` in the report; it never stops the
batch.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import Index, clean_files
from whoosh.reading import TermNotFound
from whoosh.writing import MERGE_SMALL

from search.analysis import document_terms
from search.schema import TermPositionsValue
from search.store import IndexStore, utc_now
from search.urls import url_problem

from .extract import build_announcement, document_id
from .model import Announcement, IngestError, IngestWarning, RawDocument
from .parallel import SegmentRun, Written, default_workers
from .readers import read_paths
from .textindex_build import SEGMENT_TEXTS, write_for_index

__all__ = ["IndexReport", "IndexProgress", "PreparedDocument", "index_paths", "prepare", "content_hash"]

#: How long a run waits for Whoosh's lock, held only by the orphaned workers of a killed run.
WHOOSH_LOCK_WAIT_S = 30.0
#: How often (in documents) :func:`index_paths` reports progress.
PROGRESS_EVERY = 200


@dataclass
class IndexProgress:
    """A snapshot passed to the ``progress`` callback while a run goes on."""

    done: int
    chars: int
    added: int
    updated: int
    unchanged: int
    failed: int
    elapsed: float


@dataclass
class IndexReport:
    """What an indexing run did. ``errors`` lists every document that could not be indexed."""

    index_dir: str
    generation: str
    rebuilt: bool
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    documents: int = 0
    chars: int = 0
    seconds: float = 0.0
    errors: list[IngestError] = field(default_factory=list)
    #: origin file → counts of its documents (``added``, ``updated``, ``unchanged``): lets a caller that
    #: indexed several inputs at once (``huixun worker``: one file set per task) split the counts.
    by_origin: dict[str, Counter[str]] = field(default_factory=dict)
    #: The ids ``delete_ids`` removed (ids that were not in the index are not listed).
    deleted_ids: list[str] = field(default_factory=list)

    #: Documents indexed with something dropped (a ``javascript:`` url …).
    warnings: list[IngestWarning] = field(default_factory=list)

    def count(self, origin: str, what: str) -> None:
        self.by_origin.setdefault(origin, Counter())[what] += 1

    @property
    def failed(self) -> int:
        return len(self.errors)

    @property
    def ok(self) -> bool:
        """True when every document that was read is in the index."""
        return not self.errors


@dataclass
class PreparedDocument:
    """An announcement with its postings computed: what a worker's analysis hands to the segment
    builder (:meth:`indexer.segments.SegmentBuilder.add`).

    ``fields`` holds the index fields only (schema names; ``title``/``body`` as their terms'
    positions); ``stored`` the text stored for the fields whose indexed value is not the text itself
    (``title``, ``body``); ``normalized`` the normalized ``title + "\n" + body``, the document's text
    in the segment's substring index (:mod:`search.textindex`), not a field.
    """

    id: str
    origin: str
    hash: str
    chars: int
    fields: dict[str, Any]
    stored: dict[str, str]
    normalized: str


def content_hash(raw: RawDocument) -> str:
    """SHA-256 of everything in ``raw`` that can change the indexed document.

    The line number only counts for documents without an id of their own (their id is derived from
    origin and line), so inserting a line above a JSON Lines record with an id does not make it
    "changed".
    """
    data: list[str | int | None] = [raw.id, raw.title, raw.body, raw.date, raw.source, raw.category, raw.url]
    if raw.id is None:
        data += [raw.origin, raw.line]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def prepare(raw: RawDocument) -> PreparedDocument | IngestError:
    """Clean, extract and analyze one document (runs in a worker process).

    Never raises for a bad document: any failure becomes an :class:`IngestError` naming the file, the
    line and the reason.
    """
    try:
        ann = build_announcement(raw)
        return _prepared(ann, content_hash(raw))
    except Exception as exc:  # a broken document must not abort the batch
        reason = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
        return IngestError(raw.origin, raw.line, reason or type(exc).__name__)


def _prepared(ann: Announcement, digest: str) -> PreparedDocument:
    title, body = ann.title or "", ann.body or ""
    terms = document_terms(title, body)  # one jieba pass, usually cached from entity extraction
    origin = os.path.abspath(ann.origin)
    fields: dict[str, Any] = {
        "id": ann.id,
        "title": TermPositionsValue(terms.title),
        "body": TermPositionsValue(terms.body),
        "url": ann.url,
        "date": ann.date,
        "year": ann.date[:4] if ann.date else None,
        "month": ann.date[:7] if ann.date else None,
        "source": ann.source,
        "category": ann.category,
        "people": ",".join(ann.people) or None,
        "orgs": ",".join(ann.orgs) or None,
        "places": ",".join(ann.places) or None,
        "dates": list(ann.dates),
        "event_date": ann.event_date,
        "entities": [e.to_stored() for e in ann.entities],
        "origin": origin,
        "hash": digest,
        "indexed_at": None,  # set by the worker that writes the document
    }
    stored = {"title": title, "body": body}
    return PreparedDocument(ann.id, origin, digest, len(title) + len(body), fields, stored, terms.normalized)


@dataclass
class _Existing:
    """id → (hash, origin) of the documents already in the live index, and hash → id."""

    by_id: dict[str, tuple[str, str]] = field(default_factory=dict)
    by_hash: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, ix: Index) -> _Existing:
        existing = cls()
        with ix.reader() as reader:
            ids = reader.column_reader("id")
            hashes = reader.column_reader("hash")
            origins = reader.column_reader("origin")
            for docnum in reader.all_doc_ids():  # skips deleted documents
                doc_id = _text(ids[docnum])
                digest = _text(hashes[docnum])
                existing.by_id[doc_id] = (digest, _text(origins[docnum]))
                existing.by_hash[digest] = doc_id
        return existing


    @classmethod
    def lookup(cls, ix: Index, paths: Sequence[str | os.PathLike[str]], ids: Collection[str]) -> _Existing:
        """Only the indexed documents that ``paths`` or ``ids`` can touch (same id, or same content),
        found through the ``id`` and ``hash`` terms: for a few documents this is milliseconds where
        :meth:`read` reads every document's columns (1.4 s on the 31,664-document benchmark index)."""
        wanted_ids, hashes = set(ids), set()
        for item in read_paths([Path(p) for p in paths]):
            if not isinstance(item, IngestError):
                wanted_ids.add(document_id(item))
                hashes.add(content_hash(item))
        existing = cls()
        with ix.reader() as reader:
            columns = [reader.column_reader(name) for name in ("id", "hash", "origin")]
            for field_name, values in (("id", wanted_ids), ("hash", hashes)):
                for value in values:
                    try:
                        docnums = list(reader.postings(field_name, value).all_ids())
                    except TermNotFound:
                        continue
                    for docnum in docnums:
                        if reader.is_deleted(docnum):
                            continue
                        doc_id, digest, origin = (_text(column[docnum]) for column in columns)
                        existing.by_id[doc_id] = (digest, origin)
                        existing.by_hash[digest] = doc_id
        return existing


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


class _Feed:
    """The reading side of a run: yields documents that need analysis, records everything else.

    Runs in the pool's feeder thread; only this object writes its attributes while the run goes on.
    """

    def __init__(self, paths: Sequence[str | os.PathLike[str]], existing: _Existing | None):
        self.paths = paths
        self.existing = existing
        self.errors: list[IngestError] = []
        self.warnings: list[IngestWarning] = []
        self.unchanged_ids: set[str] = set()
        self.unchanged_origins: Counter[str] = Counter()
        self.origins_read: set[str] = set()
        self.origins_failed: set[str] = set()

    def __iter__(self) -> Iterator[RawDocument]:
        for item in read_paths([Path(p) for p in self.paths]):
            origin = os.path.abspath(item.origin)
            if isinstance(item, IngestError):
                self.errors.append(item)
                if item.line is None:  # the whole file failed: do not prune what it used to hold
                    self.origins_failed.add(origin)
                continue
            self.origins_read.add(origin)
            if item.url and (problem := url_problem(item.url)) is not None:
                # build_announcement stores no url then; say so once, where the document was read.
                self.warnings.append(IngestWarning(item.origin, item.line, f"url dropped: {problem}"))
            if self.existing is not None:
                known = self.existing.by_hash.get(content_hash(item))
                if known is not None:
                    self.unchanged_ids.add(known)
                    self.unchanged_origins[origin] += 1
                    continue
            yield item


def index_paths(
    paths: Sequence[str | os.PathLike[str]],
    index_dir: str | os.PathLike[str],
    *,
    rebuild: bool = False,
    prune: bool = False,
    workers: int | None = None,
    progress: Callable[[IndexProgress], None] | None = None,
    delete_ids: Collection[str] = (),
    before_commit: Callable[[IndexReport], None] | None = None,
    small: bool = False,
    notice: Callable[[str], None] | None = None,
) -> IndexReport:
    """Index the files and directories in ``paths`` into ``index_dir``.

    :param rebuild: build a fresh generation from ``paths`` alone and switch to it atomically.
    :param prune: delete documents whose origin file was read in this run but no longer contains
        them, and documents whose origin lies under ``paths`` but no longer exists.
    :param workers: worker processes for cleaning/extraction/analysis (default: one per CPU).
    :param progress: called every :data:`PROGRESS_EVERY` documents and once at the end.
    :param delete_ids: also delete these documents, in the same commit (an id none of ``paths`` holds;
        ids not in the index are skipped and not counted).
    :param before_commit: called with the complete report just before the commit that applies it
        (``huixun worker`` records the outcome of its tasks there).
    :param small: ``paths`` hold few documents (``huixun worker``'s batches): look up only their ids and
        content hashes in the index rather than reading every indexed document's (not with ``prune``).
    :param notice: gets operator messages while the run goes on (a writer lock taken over from a
        killed run).
    :raises search.store.IndexLocked: another indexer holds the lock (the message names it).
    :raises search.store.SchemaVersionMismatch: incremental run on an index of another version.
    """
    store = IndexStore(index_dir)
    workers = default_workers() if workers is None else max(1, workers)
    with store.writer_lock(notice):
        store.remove_failed_generations()
        if rebuild or not store.exists():
            return _build_generation(store, paths, workers, progress, before_commit)
        return _update_live(store, paths, prune, workers, progress, delete_ids, before_commit, small)


def _build_generation(
    store: IndexStore,
    paths: Sequence[str | os.PathLike[str]],
    workers: int,
    progress: Callable[[IndexProgress], None] | None,
    before_commit: Callable[[IndexReport], None] | None = None,
) -> IndexReport:
    gen, ix = store.new_generation()
    report = IndexReport(str(store.root), gen.name, rebuilt=True)
    try:
        feed = _Feed(paths, existing=None)
        _write(ix, gen, feed, workers, report, known_ids=set(), prune_paths=None, progress=progress,
               before_commit=before_commit)
        report.documents = _doc_count(ix)
        ix.close()
        store.touch_meta(gen, report.documents)
        store.switch_live(gen)
    except BaseException:
        # The live generation was never touched; drop the partial one now (a killed run's partial
        # generation is dropped by the next run, see IndexStore.remove_failed_generations).
        ix.close()
        shutil.rmtree(gen, ignore_errors=True)
        raise
    return report


def _update_live(
    store: IndexStore,
    paths: Sequence[str | os.PathLike[str]],
    prune: bool,
    workers: int,
    progress: Callable[[IndexProgress], None] | None,
    delete_ids: Collection[str] = (),
    before_commit: Callable[[IndexReport], None] | None = None,
    small: bool = False,
) -> IndexReport:
    ix = store.open()
    gen = store.live_dir()
    report = IndexReport(str(store.root), gen.name, rebuilt=False)
    existing = _Existing.lookup(ix, paths, delete_ids) if small and not prune else _Existing.read(ix)
    feed = _Feed(paths, existing)
    try:
        _write(
            ix,
            gen,
            feed,
            workers,
            report,
            known_ids=set(existing.by_id),
            prune_paths=paths if prune else None,
            progress=progress,
            existing=existing,
            delete_ids=delete_ids,
            before_commit=before_commit,
        )
    except BaseException:
        # Nothing was committed: the live table of contents is as it was. Free the disk the run's
        # segments took now (a full disk is a likely cause) rather than at the next commit.
        _remove_uncommitted(ix, gen)
        ix.close()
        raise
    report.documents = _doc_count(ix)
    ix.close()
    store.touch_meta(gen, report.documents)
    return report


def _write(
    ix: Index,
    gen: Path,
    feed: _Feed,
    workers: int,
    report: IndexReport,
    known_ids: set[str],
    prune_paths: Sequence[str | os.PathLike[str]] | None,
    progress: Callable[[IndexProgress], None] | None,
    existing: _Existing | None = None,
    delete_ids: Collection[str] = (),
    before_commit: Callable[[IndexReport], None] | None = None,
) -> None:
    """Write every document of ``feed`` into new segments and commit them with the deletions.

    The Whoosh writer of this process adds no documents itself: it deletes the old versions of
    updated documents (and pruned ones) from the existing segments, then its commit lists the new
    segments the workers wrote beside the existing ones.
    """
    started = time.monotonic()
    run = SegmentRun(feed, str(gen), workers=workers, indexed_at=utc_now(), prepare=prepare)
    # Whoosh's own lock is an flock, inherited by the workers of a killed run until they notice and
    # exit (about a second); our writer lock already excludes every other huixun indexer, so wait.
    writer = ix.writer(timeout=WHOOSH_LOCK_WAIT_S)
    try:
        written: dict[str, str] = {}  # id → origin of its first occurrence in this run
        duplicates: list[Written] = []
        done = 0
        for outcome in run:
            done += 1
            if isinstance(outcome, IngestError):
                report.errors.append(outcome)
            elif outcome.id in written or outcome.id in feed.unchanged_ids:
                duplicates.append(outcome)
                where = written.get(outcome.id, "an unchanged document")
                report.errors.append(
                    IngestError(outcome.origin, None, f"duplicate id {outcome.id!r} (first in {where})")
                )
            else:
                written[outcome.id] = outcome.origin
                report.chars += outcome.chars
                if outcome.id in known_ids:
                    writer.delete_by_term("id", outcome.id)  # the old version, in an existing segment
                    report.updated += 1
                    report.count(outcome.origin, "updated")
                else:
                    report.added += 1
                    report.count(outcome.origin, "added")
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(_snapshot(report, feed, done, started))
        for dup in duplicates:  # keep the first occurrence only
            run.segments[dup.worker][dup.segment].delete_document(dup.docnum)
        report.unchanged = len(feed.unchanged_ids)
        for origin, n in feed.unchanged_origins.items():
            report.by_origin.setdefault(origin, Counter())["unchanged"] += n
        for doc_id in delete_ids:
            if doc_id in known_ids and doc_id not in written and doc_id not in feed.unchanged_ids:
                writer.delete_by_term("id", doc_id)
                report.deleted += 1
                report.deleted_ids.append(doc_id)
        if prune_paths is not None and existing is not None:
            seen = set(written) | feed.unchanged_ids
            for doc_id in _stale_ids(existing, seen, prune_paths, feed):
                writer.delete_by_term("id", doc_id)
                report.deleted += 1
        new_segments = run.all_segments()
        # The last progress line is taken before the feed's errors join the report's: each is counted once.
        final = _snapshot(report, feed, done, started)
        report.errors = sorted(feed.errors + report.errors, key=_error_key)
        report.warnings = list(feed.warnings)
        if before_commit is not None:
            before_commit(report)
    except BaseException:
        writer.cancel()
        raise
    # Small existing segments are merged as Whoosh usually does; the new ones are listed as written.
    writer.commit(mergetype=lambda w, segments: MERGE_SMALL(w, segments) + new_segments)
    # Docnums change with every commit, so every commit gets its own persisted substring index.
    write_for_index(ix)
    report.seconds = time.monotonic() - started
    if progress is not None:
        progress(replace(final, elapsed=report.seconds))


def _snapshot(report: IndexReport, feed: _Feed, done: int, started: float) -> IndexProgress:
    unchanged = len(feed.unchanged_ids)
    return IndexProgress(
        done=done + unchanged + len(feed.errors),  # lines that could not be read were processed too
        chars=report.chars,
        added=report.added,
        updated=report.updated,
        unchanged=unchanged,
        failed=len(report.errors) + len(feed.errors),
        elapsed=time.monotonic() - started,
    )


def _stale_ids(
    existing: _Existing, seen: set[str], paths: Iterable[str | os.PathLike[str]], feed: _Feed
) -> list[str]:
    """Ids to prune: not seen in this run, and their origin was read, or is under ``paths`` and gone."""
    roots = [os.path.abspath(p) for p in paths]
    stale = []
    for doc_id, (_digest, origin) in existing.by_id.items():
        if doc_id in seen or origin in feed.origins_failed:
            continue
        if origin in feed.origins_read:
            stale.append(doc_id)
        elif not os.path.exists(origin) and any(_is_under(origin, root) for root in roots):
            stale.append(doc_id)
    return stale


def _is_under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _remove_uncommitted(ix: Index, gen: Path) -> None:
    """Delete segment files the live table of contents does not list, and workers' text files."""
    try:
        latest = whoosh_index.open_dir(str(gen))
        clean_files(latest.storage, latest.indexname, latest.latest_generation(), latest._segments())
        latest.close()
    except Exception:  # best effort: the next commit cleans up too (Whoosh's clean_files)
        pass
    for leftover in gen.glob("*" + SEGMENT_TEXTS):
        leftover.unlink(missing_ok=True)


def _doc_count(ix: Index) -> int:
    """Live documents, from the table of contents: ``Index.doc_count()`` opens a reader, which maps
    every segment and loads its term index — over a gigabyte for the benchmark corpus."""
    return sum(segment.doc_count() for segment in ix._segments())


def _error_key(error: IngestError) -> tuple[str, int]:
    return (error.origin, error.line if error.line is not None else -1)


def index_size(index_dir: str | os.PathLike[str]) -> int:
    """Bytes on disk of the live generation."""
    live = IndexStore(index_dir).live_dir()
    return sum(p.stat().st_size for p in Path(live).iterdir() if p.is_file())
