"""The Whoosh 3 (W3) posting format, written and read in one place.

huixun writes standard W3 segments (any Whoosh reader opens them) but not through Whoosh's per-posting
writer: the indexer's segment builder (:mod:`indexer.segments`) encodes whole posting lists with
:func:`write_term` and the term table's records with :func:`add_terms`; the query side
(:mod:`search.snapshot`) reads posting lists block by block into numpy arrays with
:func:`block_table` and :func:`read_block`, and walks term-table records with :func:`term_keys`,
instead of Whoosh's per-posting matchers. Both follow whoosh-reloaded 2.7.5's layout (the version is
pinned; ``tests/test_index_segments.py`` checks the writer against Whoosh's own writer byte for
byte in effect, and the reader against Whoosh's matchers):

* a posting list: ``WHOOSH3_HEADER_MAGIC``, then blocks of ``int32 length`` (negative for the last
  block), a pickled info tuple ``(count, max id, max weight, compression, min length, max length)``
  and the block's data, the pickled tuple ``(id deltas, weights, values)`` (zlib-compressed when
  ``compression``); a term in fewer than :data:`INLINE_LIMIT` documents is inlined in its term entry;
* a term entry: :data:`TERMINFO` (flags, weight, df, min/max length, max weight, min/max id), then
  the inlined postings or the list's offset and length;
* a term-table record (``whoosh.filedb.filetables``): :data:`RECORD_LENGTHS` (key and value length),
  the key (field number + term bytes), the value.

The Whoosh private attributes this needs (``_postfile._buf``, ``_tindex``, ``_keycoder``) are read
here only: :func:`mapped_postings`, :func:`term_keys`.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from pickle import dumps
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec, W3TermsReader
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter
from whoosh.filedb.structfile import BufferFile
from whoosh.reading import IndexReader, SegmentReader
from whoosh.system import pack_int, pack_long
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.numlists import delta_encode

__all__ = [
    "BLOCK_LIMIT",
    "INLINE_LIMIT",
    "COMPRESS_FROM",
    "COMPRESSION_LEVEL",
    "TERMINFO",
    "RECORD_LENGTHS",
    "new_codec",
    "write_term",
    "add_terms",
    "mapped_postings",
    "block_table",
    "read_block",
    "term_keys",
]

#: Postings per block, as Whoosh's default.
BLOCK_LIMIT = 128
#: Terms with fewer documents than this are stored inline in the term table (no posting block).
INLINE_LIMIT = 2
#: A block's pickled data is compressed only from this size on: small blocks do not shrink.
COMPRESS_FROM = 512
COMPRESSION_LEVEL = 3

TERMINFO = struct.Struct("!BfIBBfII")  # W3TermInfo's fixed part: flags, weight, df, lengths, ids
RECORD_LENGTHS = struct.Struct("!ii")  # filetables._lengths: key and value length of a hash record
BLOCK_LENGTH = struct.Struct("!i")
#: Bytes a block's pickled info tuple takes at most (six numbers; the data follows it).
INFO_MAX = 64


def new_codec() -> W3Codec:
    """The codec recorded in every segment huixun writes (a plain W3 codec: readers need nothing else)."""
    return W3Codec(blocklimit=BLOCK_LIMIT, compression=COMPRESSION_LEVEL, inlinelimit=INLINE_LIMIT)


# -- writing ----------------------------------------------------------------------------------------
def write_term(
    out: bytearray,
    base: int,
    ids: list[int],
    weights: list[float],
    values: list[bytes] | None,
    lengths: list[int],
    fixedsize: int | None = None,
) -> bytes:
    """Append one posting list to ``out`` in the W3 format and return its term-table entry.

    Byte for byte what ``W3PostingsWriter`` + ``W3TermInfo.to_bytes`` produce (blocks of
    :data:`BLOCK_LIMIT` postings; a term in fewer than :data:`INLINE_LIMIT` documents inlined in the
    term table), built with one pass over whole lists instead of a method call per posting. Inlined
    postings always carry one value per posting (``b""`` for formats without values): Whoosh's
    ``ListMatcher`` answers ``""`` (a str) otherwise, which breaks merging segments. ``out``
    holds the bytes of the postings file from offset ``base`` on. ``values`` is ``None`` for formats
    without per-posting values; ``fixedsize`` is the format's ``fixed_value_size()`` (values of a
    fixed size are stored concatenated in blocks); ``lengths`` are the documents' field lengths (0:
    not scorable).
    """
    df = len(ids)
    if df == 1 and INLINE_LIMIT > 1:  # the common case (most bigrams of the corpus), kept short
        lb = length_to_byte(lengths[0]) if lengths[0] else 0
        weight = weights[0]
        head = TERMINFO.pack(1, weight, 1, lb, lb, weight, ids[0], ids[0])
        return head + dumps(((ids[0],), (weight,), (values[0] if values else b"",)), 2)
    present = [n for n in lengths if n]
    minlen = length_to_byte(min(present)) if present else 0
    maxlen = length_to_byte(max(present)) if present else 0
    total = float(sum(weights))
    maxweight = max(weights)
    if df < INLINE_LIMIT:
        head = TERMINFO.pack(1, total, df, minlen, maxlen, maxweight, ids[0], ids[-1])
        return head + dumps((tuple(ids), tuple(weights), tuple(values) if values else (b"",) * df), 2)
    start = len(out)
    out += WHOOSH3_HEADER_MAGIC
    for first in range(0, df, BLOCK_LIMIT):
        last = first + BLOCK_LIMIT >= df
        block_ids = ids[first : first + BLOCK_LIMIT]
        block_weights = weights[first : first + BLOCK_LIMIT]
        block_lengths = [n for n in lengths[first : first + BLOCK_LIMIT] if n]
        if all(w == 1.0 for w in block_weights):
            mini_weights: Any = None
        elif all(w == block_weights[0] for w in block_weights):
            mini_weights = block_weights[0]
        else:
            mini_weights = tuple(block_weights)
        # W3PostingsWriter._mini_values: variable-size values as a tuple, fixed-size ones joined.
        if values is None:
            mini_values: Any = None
        elif fixedsize is None or fixedsize < 0:
            mini_values = tuple(values[first : first + BLOCK_LIMIT])
        else:
            mini_values = b"".join(values[first : first + BLOCK_LIMIT])
        data = dumps((tuple(delta_encode(block_ids)), mini_weights, mini_values), 2)
        # Whoosh compresses every block; small ones do not shrink and the zlib call is not free.
        comp = COMPRESSION_LEVEL if len(data) >= COMPRESS_FROM else 0
        if comp:
            data = zlib.compress(data, comp)
        info = dumps(
            (
                len(block_ids),
                block_ids[-1],
                max(block_weights),
                comp,
                length_to_byte(min(block_lengths)) if block_lengths else 0,
                length_to_byte(max(block_lengths)) if block_lengths else 0,
            ),
            2,
        )
        size = len(info) + len(data)
        out += pack_int(-size if last else size)
        out += info
        out += data
    head = TERMINFO.pack(0, total, df, minlen, maxlen, maxweight, ids[0], ids[-1])
    return head + pack_long(base + start) + pack_int(len(out) - start)


def add_terms(tindex: OrderedHashWriter, entries: list[tuple[bytes, bytes]]) -> None:
    """``tindex.add(key, value)`` for each entry (keys increasing), with one file write in all.

    Mirrors ``HashWriter.add`` + ``OrderedHashWriter.add`` of whoosh-reloaded 2.7.5 (the version is
    pinned): record = lengths, key, value; remember each record's position in the ordered index and
    in the hash bucket of its key. Calling ``add`` per term costs two ``tell()`` and three writes each.
    """
    if not entries:
        return
    if entries[0][0] <= tindex.lastkey:
        raise ValueError("term keys must increase")
    dbfile = tindex.dbfile
    base = dbfile.tell()
    buf = bytearray()
    hashfn = tindex.hashfn
    buckets = tindex.buckets
    index_append = tindex.index.append
    pack_lengths = RECORD_LENGTHS.pack
    for key, value in entries:
        pos = base + len(buf)
        index_append(pos)
        h = hashfn(key)
        buckets[h & 255].append((h, pos))
        buf += pack_lengths(len(key), len(value))
        buf += key
        buf += value
    dbfile.write(bytes(buf))
    tindex.lastkey = entries[-1][0]


# -- reading ----------------------------------------------------------------------------------------
def mapped_postings(leaf: IndexReader) -> Any | None:
    """The memory-mapped postings file of a W3 segment reader (what :func:`block_table` and
    :func:`read_block` read), or None for another reader or an unmapped file."""
    terms = getattr(leaf, "_terms", None)
    postfile = getattr(terms, "_postfile", None)
    if isinstance(leaf, SegmentReader) and isinstance(terms, W3TermsReader):
        return postfile._buf if isinstance(postfile, BufferFile) else None
    return None


def block_table(buf: Any, offset: int) -> tuple[tuple[tuple[int, int, int, int], ...], int]:
    """The blocks of the Whoosh 3 posting list at ``offset`` of the mapped postings file ``buf``
    (``(data start, data end, compression, max id)`` each) and its number of postings.

    The layout ``W3LeafMatcher`` reads (whoosh/codec/whoosh3.py): a magic tag, then blocks of
    ``int32 length`` (negative for the last block), a pickled info tuple ``(count, max id, max
    weight, compression, min length, max length)`` and the block's data."""
    if bytes(buf[offset : offset + 4]) != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"not a Whoosh 3 posting list at offset {offset}")
    pos = offset + 4
    blocks = []
    total = 0
    unpack_length = BLOCK_LENGTH.unpack_from
    while True:
        (length,) = unpack_length(buf, pos)
        pos += 4
        end = pos + abs(length)
        stream = io.BytesIO(buf[pos : min(end, pos + INFO_MAX)])
        count, maxid, _maxweight, compression, _minlen, _maxlen = pickle.load(stream)
        total += count
        blocks.append((pos + stream.tell(), end, compression, maxid))
        if length < 0:
            return tuple(blocks), total
        pos = end


def read_block(buf: Any, start: int, end: int, compression: int) -> tuple[tuple[int, ...], Any]:
    """A block's ``(id deltas, weights)`` from its data at ``buf[start:end]`` (see :func:`block_table`);
    weights are ``None`` (all 1.0), one float (all equal) or a tuple. The values are not returned."""
    data = buf[start:end]
    block_ids, block_weights, _values = pickle.loads(zlib.decompress(data) if compression else data)
    return block_ids, block_weights


def term_keys(leaf: IndexReader, field: str, low: bytes, high: bytes) -> list[bytes] | None:
    """The terms of ``field`` in one segment from ``low`` to ``high`` (inclusive, term bytes), read
    record by record from the mapped term table (a fifth of the time of Whoosh's per-term
    generators); None when the segment is not a mapped W3 one (the caller asks Whoosh instead)."""
    terms = getattr(leaf, "_terms", None)
    table = getattr(terms, "_tindex", None)
    dbfile = getattr(table, "dbfile", None)
    if not (isinstance(terms, W3TermsReader) and isinstance(table, OrderedHashReader)) or not isinstance(
        dbfile, BufferFile
    ):
        return None
    prefix = terms._keycoder(field, b"")
    if prefix[:2] == b"\xff\xff":  # the field is not in this segment
        return []
    buf, end = dbfile._buf, table.endofdata
    pos = table.closest_key_pos(prefix + low)
    unpack, head, skip = RECORD_LENGTHS.unpack_from, RECORD_LENGTHS.size, len(prefix)
    last = prefix + high
    found = []
    while pos is not None and pos < end:
        key_length, value_length = unpack(buf, pos)
        key = bytes(buf[pos + head : pos + head + key_length])
        if key > last:
            break
        found.append(key[skip:])
        pos += head + key_length + value_length
    return found


#: ``byte_to_length`` of every length byte (W3 stores a field's length per document in one byte).
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


def field_lengths(leaf: IndexReader, field: str) -> np.ndarray | None:
    """The length of ``field`` of every document of one segment (float32), read from its length
    column in one slice of the file (W3: one byte per document, documents past the column's end and
    length byte 0 are length 0) instead of a Python call per document; None for other codecs."""
    perdoc = getattr(leaf, "_perdoc", None)
    if perdoc is None or not hasattr(perdoc, "_cached_reader"):
        return None
    reader = perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)  # whoosh3._lenfield
    count = leaf.doc_count_all()
    lengths = np.zeros(count, dtype=np.float32)
    if reader is None:
        return lengths
    stored = getattr(reader, "_count", None)
    dbfile = getattr(reader, "_dbfile", None)
    basepos = getattr(reader, "_basepos", None)
    if stored is None or dbfile is None or basepos is None or getattr(reader, "_fixedlen", 1) != 1:
        return None  # pragma: no cover - another column layout
    stored = min(int(stored), count)
    if stored:
        raw = np.frombuffer(bytes(dbfile.get(basepos, stored)), dtype=np.uint8)
        lengths[:stored] = _LENGTH_OF_BYTE[raw]
    return lengths


# -- zero-copy compound files ----------------------------------------------------------------------
class _ViewReader(io.RawIOBase):
    """A seekable, read-only file over a memoryview (a slice of a memory-mapped compound file), that
    copies only what is read."""

    def __init__(self, buf: memoryview):
        super().__init__()
        self._buf = buf
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._buf)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._pos + size)
        data = bytes(self._buf[self._pos : end]) if end > self._pos else b""
        self._pos = max(self._pos, end)
        return data

    def readinto(self, target: Any) -> int:
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)


def _buffer_file_init(self: BufferFile, buf: Any, name: str | None = None, onclose: Any = None) -> None:
    self._buf = buf
    self._name = name
    # Whoosh's BufferFile wraps its buffer in io.BytesIO, which copies a memoryview: every sub-file of
    # a compound segment a reader opens (the postings, the term index: 2 bytes for every byte of raw
    # text) was copied into each worker's private memory, although the compound file is mapped.
    self.file = _ViewReader(buf) if isinstance(buf, memoryview) else io.BytesIO(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


BufferFile.__init__ = _buffer_file_init
