"""Substring matching in memory: a bigram index over the normalized text of one index generation.

Whoosh's ``grams`` postings cost about 1.5 µs per posting to decode (a pickle of Python tuples per
block, positions included), so reading the list of a common bigram took 30 ms and a phrase check
decoded positions document by document. :class:`TextIndex` instead holds, for the generation:

* ``texts[docnum]`` — the normalized grams text (:func:`search.analysis.grams_text`, then
  :func:`search.normalize.normalize`) of every document, for verifying a candidate with ``in`` and
  for highlighting without normalizing again;
* a CSR bigram index built with numpy: ``keys`` (sorted distinct codes ``first << 16 | second``; a
  run-final character is ``char << 16``, as the ``grams`` field indexes it), ``starts`` (offsets into
  ``docs``) and ``docs`` (sorted docnums per key).

Contract of :meth:`TextIndex.docs_with`: the sorted docnums whose grams text contains a run of Han
characters (normalized), exactly the documents a positional phrase over the ``grams`` field finds.
Deleted documents are included (the caller's live mask removes them).

Only Basic Multilingual Plane ideographs are Han here (``search.normalize.HAN_CLASS``), so a
character code fits in 16 bits and a bigram code in 32.
"""

from __future__ import annotations

import re

import numpy as np
from whoosh.reading import IndexReader

from .analysis import grams_text
from .normalize import _WIDTH_TABLE, HAN_CLASS, normalize, to_simplified

__all__ = ["TextIndex", "fast_normalize"]

#: Documents per chunk while building (bounds the temporary arrays to a few tens of MB).
_CHUNK_DOCS = 2000
_SEPARATOR = "\x00"


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


def fast_normalize(text: str) -> str:
    """Exactly :func:`normalize` of ``text``, cheaper on long texts: the full-width table (a slow
    ``str.translate`` over every character) is applied only when a full-width character is present."""
    out = to_simplified(text)
    if _WIDE_RE.search(out):
        out = out.translate(_WIDTH_TABLE)
    lowered = out.lower()
    return lowered if len(lowered) == len(out) else normalize(text)


_WIDE_RE = re.compile("[\\uff01-\\uff5e\\u3000]")


class TextIndex:
    """Normalized texts and their bigram index (see the module docstring)."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.keys, self.starts, self.docs = _build(texts)

    @classmethod
    def from_reader(cls, reader: IndexReader) -> TextIndex:
        """Read every stored title and body of ``reader`` (deleted documents get an empty text)."""
        raw: list[str] = []
        for docnum in range(reader.doc_count_all()):
            if reader.is_deleted(docnum):
                raw.append("")
                continue
            fields = reader.stored_fields(docnum)
            raw.append(grams_text(str(fields.get("title") or ""), str(fields.get("body") or "")))
        return cls([fast_normalize(text) for text in raw])

    def docs_containing(self, text: str, within: np.ndarray) -> np.ndarray:
        """Sorted docnums among the mask ``within`` whose normalized text contains ``text`` (any
        string), checked document by document: for a few candidates only."""
        texts = self.texts
        return np.asarray([d for d in np.flatnonzero(within).tolist() if text in texts[d]], dtype=np.int32)

    @property
    def nbytes(self) -> int:
        """Approximate memory held (texts counted at 2 bytes a character)."""
        return int(self.keys.nbytes + self.starts.nbytes + self.docs.nbytes) + 2 * sum(map(len, self.texts))

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
            # intersection holds every match, and ``in`` on the cached text confirms each candidate.
            n = len(run)
            lists = [self.bigram_docs(run[i : i + 2]) for i in sorted(set(range(0, n - 1, 2)) | {n - 2})]
            lists.sort(key=len)
            ids = lists[0]
            if within is not None:
                ids = ids[within[ids]]
            for other in lists[1:]:
                if not ids.size:
                    break
                ids = np.intersect1d(ids, other, assume_unique=True)
            texts = self.texts
            return np.asarray([d for d in ids.tolist() if run in texts[d]], dtype=np.int32)
        return ids if within is None else ids[within[ids]]


def _build(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    code_parts: list[np.ndarray] = []
    doc_parts: list[np.ndarray] = []
    for first in range(0, len(texts), _CHUNK_DOCS):
        chunk = texts[first : first + _CHUNK_DOCS]
        codes, docs = _chunk_pairs(chunk, first)
        code_parts.append(codes)
        doc_parts.append(docs)
    codes = np.concatenate(code_parts) if code_parts else np.zeros(0, dtype=np.uint32)
    docs = np.concatenate(doc_parts) if doc_parts else np.zeros(0, dtype=np.int32)
    # Chunks are in document order, so a stable sort by code keeps each list's docnums sorted.
    order = np.argsort(codes, kind="stable")
    codes, docs = codes[order], docs[order]
    bounds = np.flatnonzero(np.diff(codes)) + 1 if codes.size else np.zeros(0, dtype=np.int64)
    starts = np.concatenate(([0], bounds, [codes.size])).astype(np.int64)
    keys = codes[starts[:-1]] if codes.size else codes
    return keys, starts, docs.astype(np.int32)


def _chunk_pairs(chunk: list[str], first_doc: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (code, docnum) pairs of a chunk of texts, sorted by code then docnum."""
    lengths = np.fromiter((len(t) + 1 for t in chunk), dtype=np.int64, count=len(chunk))
    joined = _SEPARATOR.join(chunk) + _SEPARATOR
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    doc_of = np.repeat(np.arange(first_doc, first_doc + len(chunk), dtype=np.int64), lengths)
    han = _is_han(cps) & (cps < 0x10000)
    nxt = np.zeros_like(han)
    nxt[:-1] = han[1:]
    at = np.flatnonzero(han)
    second = np.where(nxt[at], cps[np.minimum(at + 1, cps.size - 1)], 0)
    codes = (cps[at].astype(np.int64) << 16) | second.astype(np.int64)
    pairs = np.sort((codes << 32) | doc_of[at])  # (np.unique hashes in numpy 2: slower here)
    if pairs.size:
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    return (pairs >> 32).astype(np.uint32), (pairs & 0xFFFFFFFF).astype(np.int32)
