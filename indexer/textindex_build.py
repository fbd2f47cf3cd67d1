"""The substring index's build pipeline, run by the indexer only (the query side maps what it writes).

* Each indexer worker leaves the normalized texts of every segment it writes beside it, in
  ``<segment id>.ntx.npz`` (:func:`save_segment_texts`; this module alone writes and reads that file).
* After every commit, :func:`write_for_index` builds the generation's :class:`search.textindex.TextIndex`
  and persists it (``textindex-<TOC generation>/``, the layout :mod:`search.textindex` writes and
  reads). An incremental commit finds the texts of the segments it kept in the previous persisted
  index, and those of new segments in the workers' files, so it reads neither stored fields nor
  OpenCC for them (only segments Whoosh merged are read); the workers' files are deleted once the
  index holds their texts.
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
from search.textindex import PREFIX, TextIndex, Texts, persisted_texts, stored_grams_texts

__all__ = ["save_segment_texts", "write_for_index", "SEGMENT_TEXTS"]

#: Suffix of the per-segment texts an indexer worker leaves beside its segment.
SEGMENT_TEXTS = ".ntx.npz"


def save_segment_texts(folder: str, segment_id: str, texts: Sequence[str]) -> None:
    """Leave the normalized grams texts of a segment's documents (in docnum order) beside it."""
    blob = Texts.from_strings(texts)
    path = Path(folder) / f"{segment_id}{SEGMENT_TEXTS}"
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        np.savez(fh, blob=np.frombuffer(blob.blob, dtype=np.uint8), offsets=blob.offsets)
    os.replace(tmp, path)


#: segment id → (texts of a persisted index, first docnum of the segment in it, its documents).
_Previous = dict[str, tuple[Texts, int, int]]


def _previous_texts(folder: Path, keep: str) -> _Previous:
    """The segments of the newest other persisted index of ``folder`` (the generation before an
    incremental commit), so that segments the commit kept are not read and normalized again."""
    found: list[tuple[int, Path]] = []
    for child in folder.glob(PREFIX + "*"):
        suffix = child.name[len(PREFIX) :]
        if child.name != keep and suffix.isdigit():
            found.append((int(suffix), child))
    for _gen, child in sorted(found, reverse=True):
        persisted = persisted_texts(child)
        if persisted is None:
            continue
        prints, texts = persisted
        if sum(n for _s, n, _l in prints) != len(texts):
            continue
        out: _Previous = {}
        base = 0
        for segid, count, _live in prints:
            out[segid] = (texts, base, count)
            base += count
        return out
    return {}


def _segment_texts(storage: FileStorage, segment: Any, previous: _Previous) -> list[str]:
    """The normalized texts of one segment (deleted documents empty): from the previous persisted
    index, else from the texts its indexer worker left, else from its stored fields."""
    segid, count = segment.segment_id(), segment.doc_count_all()
    texts: list[str] | None = None
    if segid in previous and previous[segid][2] == count:
        old, base, _count = previous[segid]
        texts = [old[base + d] for d in range(count)]
    else:
        try:
            with np.load(Path(storage.folder) / f"{segid}{SEGMENT_TEXTS}", allow_pickle=False) as data:
                saved = Texts(data["blob"].tobytes(), data["offsets"])
            if len(saved) == count:
                texts = [saved[d] for d in range(count)]
        except (OSError, ValueError, KeyError):
            texts = None
    if texts is None:  # a segment Whoosh merged, or one written before the texts were left
        return [normalize(t) for t in _segment_stored_texts(storage, segment)]
    return [("" if segment.is_deleted(d) else t) for d, t in enumerate(texts)]


def _segment_stored_texts(storage: FileStorage, segment: Any) -> list[str]:
    # The stored fields only: a whole SegmentReader would also load the segment's term index
    # (hundreds of MB for the benchmark corpus), as SegmentReader.__init__ opens files.
    files = segment.open_compound_file(storage) if segment.is_compound() else None
    store = OverlayStorage(files, storage) if files is not None else storage
    perdoc = segment.codec().per_document_reader(store, segment)
    try:
        return stored_grams_texts(segment.doc_count_all(), segment.is_deleted, perdoc.stored_fields)
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
        previous = _previous_texts(folder, keep=path.name)
        texts: list[str] = []
        for segment in segments:
            texts.extend(_segment_texts(storage, segment, previous))
        del previous
        TextIndex(texts).save(path, prints)
    _remove_older(folder, keep=path.name)
    for leftover in folder.glob("*" + SEGMENT_TEXTS):
        leftover.unlink(missing_ok=True)
    return path


def _remove_older(folder: Path, keep: str) -> None:
    # Searchers that mapped an older one keep their mapping (POSIX keeps unlinked files alive).
    for child in folder.iterdir():
        if child.name.startswith(PREFIX) and child.name != keep:
            shutil.rmtree(child, ignore_errors=True)
