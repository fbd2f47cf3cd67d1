"""Substring matching: a bigram index over the normalized text of one index generation.

Whoosh postings cost about 1.5 µs per posting to decode (a pickle of Python tuples per block), so a
positional bigram field made a common bigram's list cost 30 ms. :class:`TextIndex` instead holds, for
the generation:

* the normalized :func:`search.analysis.grams_text` of every document, as one UTF-8 blob with byte
  offsets (``texts[docnum]`` decodes one; a candidate is verified by a byte search in its slice,
  which for UTF-8 agrees with ``in`` on the decoded text);
* a CSR bigram index built with numpy: ``keys`` (sorted distinct codes ``first << 16 | second``; a
  run-final character is ``char << 16``), ``starts`` (offsets into ``docs``) and ``docs`` (sorted
  docnums per key).

Contract of :meth:`TextIndex.docs_with`: the sorted docnums whose grams text contains a run of Han
characters (normalized). Deleted documents may be included (the caller's live mask removes them).

**Persistence.** Building the index from the stored fields takes seconds (reading, OpenCC, sorting),
so the indexer writes it after every commit (:func:`indexer.textindex_build.write_for_index`, the build
pipeline, on the indexer's side) into the generation directory, as ``textindex-<TOC generation>/``
(``.npy`` arrays and the text blob; this module writes and reads that layout: :meth:`TextIndex.save`,
:meth:`TextIndex.load`, :func:`persisted_texts`), atomically (a temporary directory, then
``os.replace``). :meth:`TextIndex.for_reader` maps those files read-only (near-instant, and every worker
process shares the pages) when their fingerprint — the segments, their document counts and deletions,
on which docnums depend — equals what the reader sees; otherwise it builds the index in memory as
before.

Only Basic Multilingual Plane ideographs are Han here (``search.normalize.HAN_CLASS``), so a
character code fits in 16 bits and a bigram code in 32.
"""

from __future__ import annotations

import datetime
import json
import mmap
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.reading import IndexReader

from .analysis import grams_text
from .normalize import HAN_CLASS, normalize

__all__ = [
    "TextIndex",
    "Texts",
    "DupInputs",
    "day_number",
    "Fingerprint",
    "fingerprint",
    "index_folder",
    "persisted_index",
    "persisted_texts",
    "bigram_arrays",
    "stored_grams_texts",
    "PREFIX",
]

#: Documents per chunk while building (bounds the temporary arrays to a few tens of MB).
_CHUNK_DOCS = 2000
_SEPARATOR = "\x00"
#: Name prefix of a persisted text index in a generation directory (``textindex-<TOC generation>``).
PREFIX = "textindex-"
#: Bumped when the files' layout changes: an index of another format is rebuilt in memory.
#: 2: ``groups.npy``, the near-duplicate group of every document (:mod:`search.dedup`); an index of
#: format 1 (without it) is still mapped, its groups computed in memory on first use.
#: 3: also ``sketch.npy``, ``keychars.npy`` and ``days.npy`` (:class:`DupInputs`), so that a commit
#: adding a few documents groups near-duplicates without hashing every text again.
FORMAT = 3
_READABLE = (1, 2, FORMAT)
_ARRAYS = ("keys", "starts", "docs", "offsets")
_BLOB = "texts.utf8"
_GROUPS = "groups.npy"
_DUP_FILES = ("sketch", "keychars", "days")
#: Documents hashed at a time for :class:`DupInputs` (bounds the 64-bit signatures to 50 MB).
_DUP_BLOCK = 50_000
_META = "meta.json"

#: What identifies the docnums of a generation: (segment id, documents, live documents) per segment.
Fingerprint = list[tuple[str, int, int]]


def _han_ranges() -> list[tuple[int, int]]:
    ranges = []
    i = 0
    while i < len(HAN_CLASS):
        if i + 2 < len(HAN_CLASS) and HAN_CLASS[i + 1] == "-":
            ranges.append((ord(HAN_CLASS[i]), ord(HAN_CLASS[i + 2])))
            i += 3
        else:
            ranges.append((ord(HAN_CLASS[i]), ord(HAN_CLASS[i])))
            i += 1
    return ranges


_HAN_RANGES = _han_ranges()


def _is_han(codes: np.ndarray) -> np.ndarray:
    mask = np.zeros(codes.shape, dtype=bool)
    for low, high in _HAN_RANGES:
        mask |= (codes >= low) & (codes <= high)
    return mask


class Texts(Sequence[str]):
    """The normalized texts of a generation as one UTF-8 blob (bytes, or a read-only file mapping)
    and ``offsets`` (``len + 1`` byte offsets): ``texts[docnum]`` decodes one text."""

    def __init__(self, blob: bytes | mmap.mmap, offsets: np.ndarray):
        self.blob = blob
        self.offsets = offsets

    @classmethod
    def from_strings(cls, texts: Sequence[str]) -> Texts:
        encoded = [t.encode("utf-8") for t in texts]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        if encoded:
            np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
        return cls(b"".join(encoded), offsets)

    def __len__(self) -> int:
        return int(self.offsets.size) - 1

    def __getitem__(self, docnum: Any) -> Any:
        if not isinstance(docnum, int | np.integer):
            raise TypeError("Texts is indexed by one docnum")
        start, end = int(self.offsets[docnum]), int(self.offsets[docnum + 1])
        return bytes(self.blob[start:end]).decode("utf-8")

    def first_line(self, docnum: int) -> str:
        """The text of ``docnum`` up to its first line break (the whole text when it has none)."""
        start, end = int(self.offsets[docnum]), int(self.offsets[docnum + 1])
        newline = self.blob.find(b"\n", start, end)
        return bytes(self.blob[start : end if newline < 0 else newline]).decode("utf-8")

    def containing(self, docnums: np.ndarray, needle: bytes) -> np.ndarray:
        """The docnums (int32, in the given order) of ``docnums`` whose text contains ``needle``."""
        if not docnums.size:
            return np.zeros(0, dtype=np.int32)
        find, offsets = self.blob.find, self.offsets
        starts = offsets[docnums].tolist()
        ends = offsets[docnums + 1].tolist()
        keep = [find(needle, start, end) >= 0 for start, end in zip(starts, ends, strict=True)]
        return np.asarray(docnums, dtype=np.int32)[np.asarray(keep, dtype=bool)]

    @property
    def nbytes(self) -> int:
        return len(self.blob) + int(self.offsets.nbytes)


@dataclass(frozen=True)
class DupInputs:
    """What near-duplicate grouping needs per document, kept with a persisted index: the
    :func:`search.dedup.sketch` of its signature (``documents × BINS`` uint16), its number of key
    characters (int32) and its date as a day number (``date.toordinal()``, -1 when it has none)."""

    sketch: np.ndarray
    key_chars: np.ndarray
    days: np.ndarray

    @classmethod
    def of(cls, texts: Sequence[str], days: np.ndarray) -> DupInputs:
        from .dedup import signatures, sketch

        # A document's signature depends on its text alone: hashed a block at a time, so the full
        # 64-bit signatures of a million documents (1 GB) are never in memory at once.
        sketches, key_chars = [], []
        for first in range(0, len(texts), _DUP_BLOCK):
            block = [texts[i] for i in range(first, min(first + _DUP_BLOCK, len(texts)))]
            sig, chars = signatures(block)
            sketches.append(sketch(sig))
            key_chars.append(chars.astype(np.int32))
        if not sketches:
            from .dedup import BINS

            return cls(np.zeros((0, BINS), np.uint16), np.zeros(0, np.int32), np.zeros(0, np.int32))
        return cls(np.concatenate(sketches), np.concatenate(key_chars), np.asarray(days, dtype=np.int32))

    def groups(self, texts: Sequence[str]) -> np.ndarray:
        from .dedup import group_signatures

        days = self.days
        return group_signatures(self.sketch, self.key_chars, texts, lambda docs: days[docs].astype(np.int64))


def day_number(date: Any) -> int:
    """A stored ``YYYY-MM-DD`` date as a day number (``date.toordinal()``), -1 when absent or invalid."""
    try:
        return datetime.date.fromisoformat(str(date)).toordinal() if date else -1
    except ValueError:
        return -1


class TextIndex:
    """Normalized texts and their bigram index (see the module docstring).

    ``mapped`` is True when the arrays are read-only mappings of persisted files.
    """

    def __init__(
        self,
        texts: Sequence[str] | Texts,
        arrays: tuple[np.ndarray, ...] | None = None,
        mapped: bool = False,
        groups: np.ndarray | None = None,
        dup: DupInputs | None = None,
    ):
        self.texts = texts if isinstance(texts, Texts) else Texts.from_strings(texts)
        if arrays is None:
            arrays = _build(list(texts))
        self.keys, self.starts, self.docs = arrays
        self.mapped = mapped
        self._groups = groups
        self.dup = dup

    def groups(self, date_of: Callable[[int], str | None] | None = None) -> np.ndarray:
        """The near-duplicate group of every document (:func:`search.dedup.group_texts`): persisted
        with the index, else computed on first use (``date_of`` as there)."""
        if self._groups is None:
            from .dedup import group_texts  # (search.dedup reads this module's character ranges)

            self._groups = group_texts(self.texts, date_of)
        return self._groups

    @classmethod
    def from_reader(cls, reader: IndexReader) -> TextIndex:
        """Read every stored title and body of ``reader`` (deleted documents get an empty text)."""
        return cls([normalize(text) for text in _stored_texts(reader)])

    @classmethod
    def for_reader(cls, reader: IndexReader) -> TextIndex:
        """The persisted index of the generation ``reader`` sees when there is one that matches it
        (see the module docstring), else one built from the stored fields."""
        loaded = cls.load(reader)
        return loaded if loaded is not None else cls.from_reader(reader)

    @classmethod
    def load(cls, reader: IndexReader) -> TextIndex | None:
        """The persisted index matching ``reader``, mapped read-only; None when there is none."""
        folder = index_folder(reader)
        if folder is None:
            return None
        path = Path(folder) / f"{PREFIX}{reader.generation()}"
        try:
            meta = json.loads((path / _META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("format") not in _READABLE:
            return None
        if _as_fingerprint(meta.get("fingerprint")) != fingerprint(reader):
            return None
        try:
            keys, starts, docs, offsets = (_map_array(path / f"{name}.npy") for name in _ARRAYS)
            blob = _map_blob(path / _BLOB)
            groups = np.load(path / _GROUPS, allow_pickle=False) if meta["format"] >= 2 else None
        except (OSError, ValueError):
            return None
        return cls(Texts(blob, offsets), (keys, starts, docs), mapped=True, groups=groups)

    def save(
        self,
        path: Path,
        prints: Fingerprint,
        date_of: Callable[[int], str | None] | None = None,
        days: np.ndarray | None = None,
    ) -> None:
        """Write the index, its near-duplicate groups and their inputs (:class:`DupInputs`: kept from
        :attr:`dup`, else computed with the dates ``days`` — day numbers per document — or, without
        them, those ``date_of`` gives) into the directory ``path`` (which must not exist),
        atomically."""
        if self.dup is None:
            if days is None:
                days = np.fromiter(
                    (day_number(date_of(d)) if date_of is not None else -1 for d in range(len(self.texts))),
                    dtype=np.int32,
                    count=len(self.texts),
                )
            self.dup = DupInputs.of(self.texts, days)
        if self._groups is None:
            self._groups = self.dup.groups(self.texts)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            for name, array in zip(
                _ARRAYS, (self.keys, self.starts, self.docs, self.texts.offsets), strict=True
            ):
                np.save(tmp / f"{name}.npy", np.ascontiguousarray(array))
            with open(tmp / _BLOB, "wb") as fh:
                fh.write(self.texts.blob)
            np.save(tmp / _GROUPS, self._groups)
            for name, array in zip(
                _DUP_FILES, (self.dup.sketch, self.dup.key_chars, self.dup.days), strict=True
            ):
                np.save(tmp / f"{name}.npy", np.ascontiguousarray(array))
            meta = {"format": FORMAT, "documents": len(self.texts), "fingerprint": prints}
            (tmp / _META).write_text(json.dumps(meta), encoding="utf-8")
            os.replace(tmp, path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def docs_containing(self, text: str, within: np.ndarray) -> np.ndarray:
        """Sorted docnums among the mask ``within`` whose normalized text contains ``text`` (any
        string), checked document by document: for a few candidates only."""
        return self.texts.containing(np.flatnonzero(within), text.encode("utf-8"))

    @property
    def nbytes(self) -> int:
        """Memory the index spans (mapped files included: their pages are shared between processes)."""
        return int(self.keys.nbytes + self.starts.nbytes + self.docs.nbytes) + self.texts.nbytes

    def _list(self, code: int) -> np.ndarray:
        # A numpy scalar of the keys' dtype: a Python int would make numpy copy the keys to int64.
        i = int(np.searchsorted(self.keys, np.uint32(code)))
        if i == self.keys.size or int(self.keys[i]) != code:
            return self.docs[:0]
        return self.docs[self.starts[i] : self.starts[i + 1]]

    def bigram_docs(self, bigram: str) -> np.ndarray:
        """Sorted docnums having the Han bigram (two normalized characters) adjacent."""
        return self._list(ord(bigram[0]) << 16 | ord(bigram[1]))

    def char_docs(self, char: str) -> np.ndarray:
        """Sorted docnums having the Han character anywhere (it starts a bigram or ends a run)."""
        low = ord(char) << 16
        first, last = np.searchsorted(self.keys, np.array([low, low + (1 << 16)], dtype=np.uint32))
        if first == last:
            return self.docs[:0]
        if last - first == 1:
            return self.docs[self.starts[first] : self.starts[last]]
        # Union of the lists of every bigram starting with the character: a mask is O(n), a sort not.
        mask = np.zeros(len(self.texts), dtype=bool)
        mask[self.docs[self.starts[first] : self.starts[last]]] = True
        return np.flatnonzero(mask).astype(np.int32)

    def docs_with(self, run: str, within: np.ndarray | None = None) -> np.ndarray:
        """Sorted docnums whose normalized text contains ``run`` (normalized Han characters); with
        ``within`` (a boolean mask), only those among it."""
        if len(run) == 1:
            ids = self.char_docs(run)
        elif len(run) == 2:
            ids = self.bigram_docs(run)
        else:
            # Bigrams at offsets 0, 2, 4 … and the last one cover every character: their lists'
            # intersection holds every match, and a search in each candidate's text confirms it.
            n = len(run)
            lists = [self.bigram_docs(run[i : i + 2]) for i in sorted(set(range(0, n - 1, 2)) | {n - 2})]
            lists.sort(key=len)
            ids = lists[0]
            if within is not None:
                ids = ids[within[ids]]
            for other in lists[1:]:
                if not ids.size:
                    break
                ids = _intersect(ids, other)
            return self.texts.containing(ids, run.encode("utf-8"))
        return ids if within is None else ids[within[ids]]


def _intersect(small: np.ndarray, large: np.ndarray) -> np.ndarray:
    """The elements of ``small`` that are in ``large`` (both sorted, distinct): a binary search of
    each in the larger list, not a sort of both (np.intersect1d), which costs as much as the
    larger list for a single candidate."""
    if not small.size or not large.size:
        return small[:0]
    pos = np.searchsorted(large, small)
    pos[pos == large.size] = large.size - 1
    return small[large[pos] == small]


# -- persistence ---------------------------------------------------------------------------------
def fingerprint(reader: IndexReader) -> Fingerprint:
    """What the docnums of ``reader`` depend on: (segment id, documents, live documents) per segment."""
    prints = []
    for leaf, _offset in reader.leaf_readers():
        segment = getattr(leaf, "_segment", None)
        segid = segment.segment_id() if segment is not None else f"?{id(leaf)}"
        prints.append((segid, leaf.doc_count_all(), leaf.doc_count()))
    return prints


def _as_fingerprint(data: Any) -> Fingerprint | None:
    if not isinstance(data, list):
        return None
    return [(str(s), int(n), int(live)) for s, n, live in data]


def index_folder(reader: IndexReader) -> str | None:
    """The directory of the index ``reader`` reads (None for an index not in a folder)."""
    leaves = reader.leaf_readers()
    if not leaves:
        return None
    storage = getattr(leaves[0][0], "_storage", None)
    # A compound segment is read through an OverlayStorage(compound file, the folder's storage).
    while storage is not None and not hasattr(storage, "folder") and hasattr(storage, "b"):
        storage = storage.b
    folder = getattr(storage, "folder", None)
    return folder if isinstance(folder, str) else None


def _map_array(path: Path) -> np.ndarray:
    try:
        mapped = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError:  # some numpy versions cannot map an empty array's region
        return np.load(path, allow_pickle=False)
    # A plain ndarray view of the mapping: np.memmap's Python-level __getitem__ costs a microsecond
    # per scalar read, which the search loops do by the hundred thousand.
    return mapped.view(np.ndarray)


def _map_blob(path: Path) -> bytes | mmap.mmap:
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return b""
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


def persisted_texts(path: Path) -> tuple[Fingerprint, Texts] | None:
    """The fingerprint and the texts of the persisted index in the directory ``path`` (mapped
    read-only), without its bigram arrays; None when it is missing, unreadable or of another format."""
    try:
        meta = json.loads((path / _META).read_text(encoding="utf-8"))
        prints = _as_fingerprint(meta.get("fingerprint")) if meta.get("format") in _READABLE else None
        texts = Texts(_map_blob(path / _BLOB), _map_array(path / "offsets.npy"))
    except (OSError, ValueError, TypeError):
        return None
    return None if prints is None else (prints, texts)


def _stored_texts(reader: IndexReader) -> list[str]:
    return stored_grams_texts(reader.doc_count_all(), reader.is_deleted, reader.stored_fields)


def stored_grams_texts(
    count: int, is_deleted: Callable[[int], bool], stored_fields: Callable[[int], dict[str, Any]]
) -> list[str]:
    """The grams text of documents ``0 .. count-1`` from their stored fields ("" for deleted ones)."""
    texts: list[str] = []
    for docnum in range(count):
        if is_deleted(docnum):
            texts.append("")
            continue
        fields = stored_fields(docnum)
        texts.append(grams_text(str(fields.get("title") or ""), str(fields.get("body") or "")))
    return texts


def persisted_index(path: Path) -> tuple[Fingerprint, TextIndex] | None:
    """The fingerprint and the whole persisted index in the directory ``path`` (mapped read-only);
    None when it is missing, unreadable or of another format (the indexer extends it, see
    :mod:`indexer.textindex_build`)."""
    persisted = persisted_texts(path)
    if persisted is None:
        return None
    prints, texts = persisted
    try:
        keys, starts, docs = (_map_array(path / f"{name}.npy") for name in _ARRAYS[:3])
    except (OSError, ValueError):
        return None
    dup = None
    try:
        sketch, key_chars, days = (_map_array(path / f"{name}.npy") for name in _DUP_FILES)
        if len(sketch) == len(key_chars) == len(days) == len(texts):
            dup = DupInputs(sketch, key_chars, days)
    except (OSError, ValueError):
        dup = None  # an index of format 1 or 2: the next save computes them
    return prints, TextIndex(texts, (keys, starts, docs), mapped=True, dup=dup)


def bigram_arrays(texts: list[str], first_doc: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The CSR bigram index (``keys``, ``starts``, ``docs``) of ``texts``, numbered from ``first_doc``."""
    return _build(texts, first_doc)


def _build(texts: list[str], first_doc: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Every distinct (code, docnum) pair as one uint64 ``code << 32 | docnum``: a single in-place sort
    # orders them by code, then docnum (no argsort index array and no gathers: half the memory).
    # Unsigned: a code of a character from U+8000 on has the top bit set.
    parts = [
        _chunk_pairs(texts[i : i + _CHUNK_DOCS], first_doc + i) for i in range(0, len(texts), _CHUNK_DOCS)
    ]
    pairs = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    del parts
    pairs.sort()
    codes = (pairs >> np.uint64(32)).astype(np.uint32)
    docs = (pairs & np.uint64(0xFFFFFFFF)).astype(np.int32)
    del pairs
    bounds = np.flatnonzero(np.diff(codes)) + 1 if codes.size else np.zeros(0, dtype=np.int64)
    starts = np.concatenate(([0], bounds, [codes.size])).astype(np.int64)
    keys = codes[starts[:-1]] if codes.size else codes
    return keys, starts, docs


def _chunk_pairs(chunk: list[str], first_doc: int) -> np.ndarray:
    """Distinct ``code << 32 | docnum`` pairs (uint64) of a chunk of texts, sorted."""
    lengths = np.fromiter((len(t) + 1 for t in chunk), dtype=np.int64, count=len(chunk))
    joined = _SEPARATOR.join(chunk) + _SEPARATOR
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    doc_of = np.repeat(np.arange(first_doc, first_doc + len(chunk), dtype=np.uint64), lengths)
    han = _is_han(cps) & (cps < 0x10000)
    nxt = np.zeros_like(han)
    nxt[:-1] = han[1:]
    at = np.flatnonzero(han)
    second = np.where(nxt[at], cps[np.minimum(at + 1, cps.size - 1)], 0)
    codes = (cps[at].astype(np.uint64) << np.uint64(16)) | second.astype(np.uint64)
    pairs = np.sort((codes << np.uint64(32)) | doc_of[at])  # (np.unique hashes in numpy 2: slower here)
    if pairs.size:
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    return pairs
