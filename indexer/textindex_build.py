"""The substring index's build pipeline, run by the indexer only (the query side maps what it writes).

* Each indexer worker leaves the normalized texts of every segment it writes beside it, in
  ``<segment id>.ntx.npz`` (:func:`save_segment_texts`; this module alone writes and reads that file).
* After every commit, :func:`write_for_index` builds the generation's :class:`search.textindex.TextIndex`
  and persists it (``textindex-<TOC generation>/``, the layout :mod:`search.textindex` writes and
  reads). An incremental commit finds the texts of the segments it kept in the previous persisted
  index, and those of new segments in the workers' files, so it reads neither stored fields nor
  OpenCC for them (only segments Whoosh merged are read); the workers' files are deleted once the
  index holds their texts.
* A commit that appends segments to those of the previous persisted index (``huixun worker``: one small
  segment per batch) extends that index instead of re-sorting every bigram (:func:`_extended`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.filedb.filestore import FileStorage, OverlayStorage
from whoosh.index import Index

from search.normalize import normalize
from search.textindex import (
    PREFIX,
    DupInputs,
    Fingerprint,
    TextIndex,
    Texts,
    bigram_arrays,
    day_number,
    persisted_index,
    stored_grams_texts,
)

__all__ = ["save_segment_texts", "write_for_index", "SEGMENT_TEXTS"]

#: Suffix of the per-segment texts an indexer worker leaves beside its segment.
SEGMENT_TEXTS = ".ntx.npz"


def save_segment_texts(folder: str, segment_id: str, texts: Sequence[str], days: Sequence[int]) -> None:
    """Leave the normalized grams texts of a segment's documents (in docnum order) beside it, and
    their dates as day numbers (:func:`search.textindex.day_number`)."""
    blob = Texts.from_strings(texts)
    path = Path(folder) / f"{segment_id}{SEGMENT_TEXTS}"
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        np.savez(
            fh,
            blob=np.frombuffer(blob.blob, dtype=np.uint8),
            offsets=blob.offsets,
            days=np.asarray(days, dtype=np.int32),
        )
    os.replace(tmp, path)


#: segment id → (the previous persisted index, first docnum of the segment in it, its documents).
_Previous = dict[str, tuple[TextIndex, int, int]]


def _older_indexes(folder: Path, keep: str) -> list[Path]:
    """The persisted indexes of ``folder`` other than ``keep``, newest generation first."""
    found: list[tuple[int, Path]] = []
    for child in folder.glob(PREFIX + "*"):
        suffix = child.name[len(PREFIX) :]
        if child.name != keep and suffix.isdigit():
            found.append((int(suffix), child))
    return [child for _gen, child in sorted(found, reverse=True)]


def _previous_texts(folder: Path, keep: str) -> _Previous:
    """The segments of the newest other persisted index of ``folder`` (the generation before an
    incremental commit), so that segments the commit kept are not read and normalized again."""
    for child in _older_indexes(folder, keep):
        persisted = persisted_index(child)
        if persisted is None:
            continue
        prints, old = persisted
        if sum(n for _s, n, _l in prints) != len(old.texts):
            continue
        out: _Previous = {}
        base = 0
        for segid, count, _live in prints:
            out[segid] = (old, base, count)
            base += count
        return out
    return {}


def _segment_texts(storage: FileStorage, segment: Any, previous: _Previous) -> tuple[list[str], np.ndarray]:
    """The normalized texts of one segment (deleted documents empty) and their dates (day numbers):
    from the previous persisted index, else from the texts its indexer worker left, else from its
    stored fields."""
    segid, count = segment.segment_id(), segment.doc_count_all()
    texts: list[str] | None = None
    days: np.ndarray | None = None
    if segid in previous and previous[segid][2] == count:
        old, base, _count = previous[segid]
        texts = [old.texts[base + d] for d in range(count)]
        if old.dup is not None:
            days = np.array(old.dup.days[base : base + count], dtype=np.int32)
    else:
        try:
            with np.load(Path(storage.folder) / f"{segid}{SEGMENT_TEXTS}", allow_pickle=False) as data:
                saved = Texts(data["blob"].tobytes(), data["offsets"])
                saved_days = data["days"] if "days" in data.files else None
            if len(saved) == count:
                texts = [saved[d] for d in range(count)]
                days = saved_days if saved_days is not None and saved_days.size == count else None
        except (OSError, ValueError, KeyError):
            texts = None
    if texts is None or days is None:
        # A segment Whoosh merged, or one written before its texts (or dates) were left beside it:
        # one pass over its stored fields gives both.
        stored_texts, days = _segment_stored(storage, segment)
        if texts is None:
            texts = [normalize(t) for t in stored_texts]
    return [("" if segment.is_deleted(d) else t) for d, t in enumerate(texts)], days


def _segment_stored(storage: FileStorage, segment: Any) -> tuple[list[str], np.ndarray]:
    """The grams texts (not normalized) and the dates (day numbers) of a segment's stored fields."""
    # The stored fields only: a whole SegmentReader would also load the segment's term index
    # (hundreds of MB for the benchmark corpus), as SegmentReader.__init__ opens files.
    files = segment.open_compound_file(storage) if segment.is_compound() else None
    store = OverlayStorage(files, storage) if files is not None else storage
    perdoc = segment.codec().per_document_reader(store, segment)
    count = segment.doc_count_all()
    days = np.full(count, -1, dtype=np.int32)

    def fields(docnum: int) -> dict[str, Any]:
        found: dict[str, Any] = perdoc.stored_fields(docnum)
        days[docnum] = day_number(found.get("date"))
        return found

    try:
        return stored_grams_texts(count, segment.is_deleted, fields), days
    finally:
        perdoc.close()
        if files is not None:
            files.close()


def write_for_index(ix: Index) -> Path:
    """Build and persist the text index of ``ix``'s latest generation (after a commit), then remove
    the persisted indexes of older generations and the segments' texts left by the indexer workers
    (the persisted index now holds them). Returns the directory written.

    Works from the table of contents, without opening an index reader (which maps every segment's
    term index: over 300 MB on the benchmark corpus).
    """
    storage = ix.storage
    folder = Path(storage.folder)
    gen = ix.latest_generation()
    path = folder / f"{PREFIX}{gen}"
    if not path.exists():
        segments = ix._segments()
        prints = [(s.segment_id(), s.doc_count_all(), s.doc_count()) for s in segments]
        built = _extended(storage, folder, path.name, segments)
        days: np.ndarray | None = None
        if built is None:
            previous = _previous_texts(folder, keep=path.name)
            texts: list[str] = []
            all_days: list[np.ndarray] = []
            for segment in segments:
                segment_texts, segment_days = _segment_texts(storage, segment, previous)
                texts.extend(segment_texts)
                all_days.append(segment_days)
            del previous
            built = TextIndex(texts)
            days = np.concatenate(all_days) if all_days else np.zeros(0, dtype=np.int32)
        # Near-duplicate groups are recomputed over the whole generation (search.dedup), so that a
        # document added incrementally joins the group of its existing twin; only the signatures of
        # documents the previous persisted index did not hold are computed (an extended index
        # carries the others).
        if built.dup is None and days is None:
            # Extending an index persisted by an older version (no dates kept): read every date once.
            dates = _Dates(storage, segments)
            try:
                built.save(path, prints, date_of=dates.date_of)
            finally:
                dates.close()
        else:
            built.save(path, prints, days=days)
    _remove_older(folder, keep=path.name)
    for leftover in folder.glob("*" + SEGMENT_TEXTS):
        leftover.unlink(missing_ok=True)
    return path


class _Dates:
    """The stored ``date`` of a document by its docnum in the generation of ``segments``, read from
    the segment's stored fields on demand (near-duplicate grouping asks for a few hundred)."""

    def __init__(self, storage: FileStorage, segments: list[Any]):
        self.storage = storage
        self.segments = segments
        self.bases = np.cumsum([0] + [s.doc_count_all() for s in segments])
        self.open: dict[int, tuple[Any, Any]] = {}

    def date_of(self, docnum: int) -> str | None:
        index = int(np.searchsorted(self.bases, docnum, side="right")) - 1
        segment = self.segments[index]
        if index not in self.open:
            files = segment.open_compound_file(self.storage) if segment.is_compound() else None
            store = OverlayStorage(files, self.storage) if files is not None else self.storage
            self.open[index] = (segment.codec().per_document_reader(store, segment), files)
        local = docnum - int(self.bases[index])
        if segment.is_deleted(local):
            return None
        value = self.open[index][0].stored_fields(local).get("date")
        return str(value) if value else None

    def close(self) -> None:
        for perdoc, files in self.open.values():
            perdoc.close()
            if files is not None:
                files.close()
        self.open.clear()


def _remove_older(folder: Path, keep: str) -> None:
    # Searchers that mapped an older one keep their mapping (POSIX keeps unlinked files alive).
    for child in folder.iterdir():
        if child.name.startswith(PREFIX) and child.name != keep:
            shutil.rmtree(child, ignore_errors=True)


def _extended(storage: FileStorage, folder: Path, keep: str, segments: list[Any]) -> TextIndex | None:
    """The new generation's index as the previous persisted one plus the documents after it, or None.

    A commit that appends segments (``huixun worker``: one small segment per batch) keeps the docnums of
    the segments before them (deletions do not renumber), so the previous index stays valid for those
    documents: its arrays are cut after the last segment the commit kept in place and merged with the
    bigrams of the new documents — memory copies in proportion to the index, not a re-sort of every
    bigram (2.4-4.6 s per commit on the 31,664-document benchmark index, 0.25-0.6 s this way).
    Documents deleted since lose their text and bigrams, so the result equals a full build. None when
    the commit kept no leading segment or added more documents than it kept (a full build costs the
    same then).
    """
    found = _previous_index(folder, keep)
    if found is None:
        return None
    old_prints, old = found
    same = 0
    while (same < min(len(old_prints), len(segments)) and old_prints[same][0] == segments[same].segment_id()
           and old_prints[same][1] == segments[same].doc_count_all()):
        same += 1
    kept = sum(count for _segid, count, _live in old_prints[:same])
    added = sum(segment.doc_count_all() for segment in segments[same:])
    if not kept or added > kept or not isinstance(old.texts, Texts):
        return None
    blob, offsets = old.texts.blob, old.texts.offsets
    previous = _previous_texts(folder, keep)
    texts: list[str] = []
    new_days: list[np.ndarray] = []
    for segment in segments[same:]:
        segment_texts, segment_days = _segment_texts(storage, segment, previous)
        texts.extend(segment_texts)
        new_days.append(segment_days)
    new = Texts.from_strings(texts)
    deleted: list[int] = []  # docnums of the kept segments deleted now (their text becomes empty)
    base = 0
    for segment in segments[:same]:
        if segment.has_deletions():
            deleted.extend(base + d for d in sorted(segment.deleted_docs()))
        base += segment.doc_count_all()
    lengths = np.diff(offsets[: kept + 1])
    pieces, start = [], 0
    for docnum in deleted:
        pieces.append(blob[int(offsets[start]) : int(offsets[docnum])])
        start = docnum + 1
    pieces.append(blob[int(offsets[start]) : int(offsets[kept])])
    lengths[deleted] = 0
    total = np.cumsum(lengths)
    all_offsets = np.concatenate(([0], total, total[-1:] + new.offsets[1:])).astype(np.int64)
    all_blob = b"".join(bytes(piece) for piece in pieces) + bytes(new.blob)
    keep_docs = np.asarray(old.docs) < kept
    if deleted:
        keep_docs &= ~np.isin(old.docs, np.asarray(deleted, dtype=np.int32))
    arrays = _merge_csr((old.keys, old.starts, old.docs), keep_docs, bigram_arrays(texts, first_doc=kept))
    dup = None
    if old.dup is not None:
        # The kept documents' signatures as persisted (a deleted one loses its key characters: never
        # grouped), the new documents' computed now.
        added_dup = DupInputs.of(texts, np.concatenate(new_days) if new_days else np.zeros(0, np.int32))
        key_chars = np.array(old.dup.key_chars[:kept], dtype=np.int32)
        key_chars[deleted] = 0
        dup = DupInputs(
            np.concatenate((np.asarray(old.dup.sketch[:kept]), added_dup.sketch)),
            np.concatenate((key_chars, added_dup.key_chars)),
            np.concatenate((np.asarray(old.dup.days[:kept]), added_dup.days)),
        )
    return TextIndex(Texts(all_blob, all_offsets), arrays, dup=dup)


def _merge_csr(
    old: tuple[np.ndarray, np.ndarray, np.ndarray],
    keep: np.ndarray,
    new: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The entries of ``old`` that ``keep`` marks, plus ``new`` (whose docnums are all above the kept
    ones): per key, the old docnums then the new ones, so every list stays sorted."""
    keys_o, starts_o, docs_o = old
    keys_n, starts_n, docs_n = new
    if not keep.all():  # documents deleted, or trailing segments replaced (a merge): drop them
        # Every list of a built index is non-empty, so reduceat's segments are exactly the lists.
        kept_counts = np.add.reduceat(keep.astype(np.int64), starts_o[:-1])
        docs_o = np.asarray(docs_o)[keep]
        nonempty = kept_counts > 0
        keys_o = np.asarray(keys_o)[nonempty]
        starts_o = np.concatenate(([0], np.cumsum(kept_counts[nonempty]))).astype(np.int64)
    keys_o = np.asarray(keys_o, dtype=np.uint32)
    if not keys_n.size:  # no new bigram (a commit of deletions only): ``bigram_arrays([])`` has starts [0, 0]
        starts_n = np.zeros(1, dtype=np.int64)
    # Keys only the new documents have, inserted in order (a search per new key: no sort of the old).
    pos = np.searchsorted(keys_o, keys_n)
    if keys_o.size:
        known = (pos < keys_o.size) & (keys_o[np.minimum(pos, keys_o.size - 1)] == keys_n)
    else:
        known = np.zeros(keys_n.size, dtype=bool)
    missing = keys_n[~known]
    keys = np.insert(keys_o, np.searchsorted(keys_o, missing), missing).astype(np.uint32)
    at_n = np.searchsorted(keys, keys_n)
    count_o = np.insert(np.diff(starts_o), np.searchsorted(keys_o, missing), 0).astype(np.int64)
    count_n = np.zeros(keys.size, dtype=np.int64)
    count_n[at_n] = np.diff(starts_n)
    starts = np.concatenate(([0], np.cumsum(count_o + count_n))).astype(np.int64)
    # Each new docnum goes after its key's old docnums: one insertion pass over the old array.
    where = np.repeat(np.cumsum(count_o)[at_n], np.diff(starts_n))
    docs = np.insert(np.asarray(docs_o, dtype=np.int32), where, np.asarray(docs_n, dtype=np.int32))
    return keys, starts, docs


def _previous_index(folder: Path, keep: str) -> tuple[Fingerprint, TextIndex] | None:
    """The newest readable persisted index of ``folder`` other than ``keep``, with its fingerprint."""
    for child in _older_indexes(folder, keep):
        persisted = persisted_index(child)
        if persisted is not None:
            return persisted
    return None
