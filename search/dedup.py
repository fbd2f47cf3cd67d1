"""Near-duplicate groups: one announcement published twice (its Traditional mirror, a repost under
another title or with a little boilerplate around it) is one group.

**Measure.** The Jaccard similarity of the sets of 5-character shingles of a document's *key text*:
its normalized title + body (:mod:`search.textindex` texts: Traditional folded to Simplified, width
and case folded) with everything but Han characters, Latin letters and digits removed, so the two
scripts of a text, and its copies with other punctuation or spacing, have the same shingles.

**Sketch.** One-permutation MinHash (Li, Owen & Zhang 2012) with rotation densification
(Shrivastava & Li 2014): each shingle is hashed once (64-bit, vectorized over a whole chunk of texts
with numpy) and falls into one of :data:`BINS` bins by its top bits; a document's signature is the
minimum per bin, empty bins borrowing the next non-empty bin's value. Classic MinHash (``datasketch``)
hashes every shingle once per permutation, 128 times the work, in a per-document Python loop: over
the benchmark corpus's 25 million characters that is minutes, while this costs about a second at
commit time, which the indexing-speed bar (200,000 characters/s) can afford.

**Grouping.** Locality-sensitive hashing on :data:`BANDS` bands of :data:`ROWS` bins: documents
sharing a band are candidates; a candidate pair whose estimated Jaccard (the share of equal bins) is
at least :data:`THRESHOLD`, and whose numbers agree (:data:`NUMBERS_SHARED`: the dates, sessions and
figures of a template filled in twice differ, a copy's do not) and whose dates are at most
:data:`MAX_DAYS` apart, is joined (union-find). Documents with fewer than :data:`MIN_KEY_CHARS` key
characters are never grouped (too little text to tell a copy from a template). A group is named by its
smallest docnum.

Groups are computed over a whole generation (every commit recomputes them from all texts, which the
text index already holds), so a document added incrementally joins the group of its existing twin.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .normalize import HAN_CLASS

__all__ = [
    "DupGroups",
    "group_texts",
    "group_signatures",
    "sketch",
    "signatures",
    "BINS",
    "THRESHOLD",
    "SHINGLE",
]

SHINGLE = 5
BINS = 128
ROWS = 4
BANDS = BINS // ROWS
#: Estimated Jaccard similarity from which two documents are one announcement.
THRESHOLD = 0.7
MIN_KEY_CHARS = 40
#: Share of the numbers (digit runs, Chinese numeral runs) of the document with fewer of them that the
#: other must have too: a template filled in twice (another date, another session) is two announcements.
NUMBERS_SHARED = 0.9
#: Dated copies of one announcement are published within this many days of each other.
MAX_DAYS = 31
_NUMERALS = "〇零一二两三四五六七八九十百千万亿"
_NUMBER_RE = re.compile(f"(?:[0-9]+|[{_NUMERALS}]{{2,}}|第[{_NUMERALS}]).?")
_CHUNK_DOCS = 2000
#: The code point ranges of HAN_CLASS ("a-b" ranges and single characters).
_HAN_RANGES = tuple(
    (ord(m[0]), ord(m[-1])) for m in re.findall(r".-.|.", HAN_CLASS, flags=re.S)
)
_EMPTY = np.uint64(np.iinfo(np.uint64).max)
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
# Odd 64-bit multipliers (a polynomial hash of the shingle's code points, then a splitmix64 finish).
_MULTIPLIERS = tuple(
    np.uint64(m)
    for m in (
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
    )
)


def _key_codes(chunk: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The key characters' code points of a chunk of texts and the chunk-local document of each."""
    lengths = np.fromiter((len(t) + 1 for t in chunk), dtype=np.int64, count=len(chunk))
    cps = np.frombuffer(("\x00".join(chunk) + "\x00").encode("utf-32-le"), dtype=np.uint32)
    doc = np.repeat(np.arange(len(chunk), dtype=np.int64), lengths)
    keep = ((cps >= 0x30) & (cps <= 0x39)) | ((cps >= 0x61) & (cps <= 0x7A))
    for low, high in _HAN_RANGES:
        keep |= (cps >= low) & (cps <= high)
    return cps[keep].astype(np.uint64), doc[keep]


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(31))
    x = x * np.uint64(0x7FB5D329728EA185)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x81DADEF4BC2DD44D)
    return x ^ (x >> np.uint64(33))


def signatures(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Densified one-permutation MinHash signatures (``len(texts) × BINS`` uint64) and the number of
    key characters of each text (see the module docstring)."""
    count = len(texts)
    sig = np.full((count, BINS), _EMPTY, dtype=np.uint64)
    key_chars = np.zeros(count, dtype=np.int64)
    with np.errstate(over="ignore"):
        for first in range(0, count, _CHUNK_DOCS):
            chunk = [texts[i] for i in range(first, min(first + _CHUNK_DOCS, count))]
            cps, doc = _key_codes(chunk)
            key_chars[first : first + len(chunk)] = np.bincount(doc, minlength=len(chunk))
            n = cps.size - SHINGLE + 1
            if n <= 0:
                continue
            h = np.zeros(n, dtype=np.uint64)
            for j, mult in enumerate(_MULTIPLIERS):
                h = (h + cps[j : j + n]) * mult
            h = _mix(h)
            whole = doc[:n] == doc[SHINGLE - 1 :]  # the shingle does not cross two texts
            h, owner = h[whole], doc[:n][whole]
            cell = owner * BINS + (h >> np.uint64(64 - 7)).astype(np.int64)
            flat = np.full(len(chunk) * BINS, _EMPTY, dtype=np.uint64)
            np.minimum.at(flat, cell, h & np.uint64((1 << 57) - 1))
            sig[first : first + len(chunk)] = flat.reshape(len(chunk), BINS)
    _densify(sig)
    return sig, key_chars


def _densify(sig: np.ndarray) -> None:
    """Rotation densification: an empty bin takes the value of the next non-empty bin (circularly)
    plus a constant per bin skipped, so two documents agree on it exactly when they agree there."""
    empty = sig == _EMPTY
    if not empty.any():
        return
    cols = np.arange(BINS)
    index = np.where(empty, 3 * BINS, cols[None, :])
    both = np.concatenate([index, np.where(empty, 3 * BINS, cols[None, :] + BINS)], axis=1)
    nxt = np.minimum.accumulate(both[:, ::-1], axis=1)[:, ::-1][:, :BINS]
    full = ~empty.all(axis=1)
    rows = np.flatnonzero(full)[:, None]
    taken = sig[rows, nxt[full] % BINS]
    with np.errstate(over="ignore"):
        dense = taken + (nxt[full] - cols[None, :]).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    sig[full] = np.where(empty[full], dense, sig[full])


def sketch(sig: np.ndarray) -> np.ndarray:
    """The signatures kept with a persisted text index: each bin's low 16 bits (``uint16``, a quarter
    of the memory; two different bins agree by chance once in 65,536, which moves an estimated
    Jaccard by less than 0.01 %)."""
    return (sig & np.uint64(0xFFFF)).astype(np.uint16)


def group_texts(texts: Sequence[str], date_of: Callable[[int], str | None] | None = None) -> np.ndarray:
    """For each text (normalized, as the text index holds them; deleted documents are empty), the
    smallest index of its near-duplicate group (its own index when it has no near-duplicate).

    ``date_of(index)`` gives a document's date (``YYYY-MM-DD`` or None), asked only for documents
    of similar pairs: two dated documents more than :data:`MAX_DAYS` apart are two announcements
    (the same ceremony's text a year later)."""
    if len(texts) < 2:
        return np.arange(len(texts), dtype=np.int32)
    sig, key_chars = signatures(texts)
    days: dict[int, int] = {}

    def day_of(docs: np.ndarray) -> np.ndarray:
        out = np.full(docs.size, -1, dtype=np.int64)
        if date_of is not None:
            for i, doc in enumerate(docs.tolist()):
                if doc not in days:
                    days[doc] = _day(date_of(doc)) or -1
                out[i] = days[doc]
        return out

    return group_signatures(sketch(sig), key_chars, texts, day_of)


def group_signatures(
    sig: np.ndarray,
    key_chars: np.ndarray,
    texts: Sequence[str],
    day_of: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """:func:`group_texts` from signatures already computed (:func:`sketch` of :func:`signatures`,
    one row per document, and the key characters of each): a commit that adds a few documents to a
    large index computes only theirs and groups from the persisted rest. ``day_of(docnums)`` gives the
    dates of documents as day numbers (-1 when unknown), asked once for the documents of similar
    pairs; ``texts[i]`` is read only for similar pairs whose texts may differ."""
    count = int(key_chars.size)
    if count < 2:
        return np.arange(count, dtype=np.int32)
    eligible = np.flatnonzero(key_chars >= MIN_KEY_CHARS)
    if eligible.size < 2:
        return np.arange(count, dtype=np.int32)
    esig = np.asarray(sig)[eligible].astype(np.uint64)
    firsts: list[np.ndarray] = []
    others: list[np.ndarray] = []
    with np.errstate(over="ignore"):
        for band in range(BANDS):
            part = esig[:, band * ROWS : (band + 1) * ROWS]
            key = part[:, 0].copy()
            for r in range(1, ROWS):
                key = _mix(key * np.uint64(0x9E3779B97F4A7C15) + part[:, r])
            order = np.argsort(key, kind="stable")
            sorted_key = key[order]
            same = np.flatnonzero(sorted_key[1:] == sorted_key[:-1])
            if not same.size:
                continue
            # Each member of a run of equal keys is paired with the run's first member.
            run_start = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
            starts = run_start[np.searchsorted(run_start, same + 1, side="right") - 1]
            a, b = order[starts], order[same + 1]
            firsts.append(np.minimum(a, b))
            others.append(np.maximum(a, b))
    if not firsts:
        return np.arange(count, dtype=np.int32)
    # Distinct candidate pairs (indexes into ``eligible``), in one vectorized pass over every band.
    pair_keys = np.unique(np.concatenate(firsts).astype(np.int64) * eligible.size + np.concatenate(others))
    pa, pb = pair_keys // eligible.size, pair_keys % eligible.size
    similar = (esig[pa] == esig[pb]).mean(axis=1) >= THRESHOLD
    da, db = eligible[pa[similar]], eligible[pb[similar]]
    if da.size:
        # Dates: two dated documents more than MAX_DAYS apart are two announcements.
        docs, inverse = np.unique(np.concatenate((da, db)), return_inverse=True)
        days = day_of(docs)[inverse]
        day_a, day_b = days[: da.size], days[da.size :]
        close = (day_a < 0) | (day_b < 0) | (np.abs(day_a - day_b) <= MAX_DAYS)
        da, db = da[close], db[close]
    numbers: dict[int, frozenset[str]] = {}

    def numbers_of(doc: int) -> frozenset[str]:
        found = numbers.get(doc)
        if found is None:
            found = numbers[doc] = frozenset(_NUMBER_RE.findall(texts[doc]))
        return found

    keep = np.ones(da.size, dtype=bool)
    for k, (a, b) in enumerate(zip(da.tolist(), db.tolist(), strict=True)):
        text_a, text_b = texts[a], texts[b]
        if text_a == text_b:  # a copy (a repost, the other script folded): its numbers agree
            continue
        na, nb = numbers_of(a), numbers_of(b)
        small, large = (na, nb) if len(na) <= len(nb) else (nb, na)
        if small and len(small & large) < NUMBERS_SHARED * len(small):
            keep[k] = False
    return _union(count, da[keep], db[keep])


def _union(count: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of the pairs ``a[i]``–``b[i]`` over ``count`` nodes, each named by its
    smallest node (label propagation with numpy: a few passes over the pairs, not a Python loop)."""
    label = np.arange(count, dtype=np.int64)
    if not a.size:
        return label.astype(np.int32)
    a, b = a.astype(np.int64), b.astype(np.int64)
    while True:
        low = np.minimum(label[a], label[b])
        before = label.copy()
        np.minimum.at(label, a, low)
        np.minimum.at(label, b, low)
        label = label[label]  # pointer jumping: a label's own label is at most it
        if np.array_equal(label, before):
            return label.astype(np.int32)


def _day(date: str | None) -> int | None:
    try:
        return datetime.date.fromisoformat(date).toordinal() if date else None
    except ValueError:
        return None


@dataclass(frozen=True)
class DupGroups:
    """The near-duplicate groups of a generation: ``group[docnum]`` is the group's smallest docnum;
    ``dup`` marks the live documents of groups with two or more live members (the only ones
    collapsing or group counting has to look at); ``tiebreak`` orders those by document id (members
    with equal scores: the smaller id is shown, the same whatever script the query was typed in)."""

    group: np.ndarray
    dup: np.ndarray
    tiebreak: np.ndarray
    #: The ``dup`` documents ordered by group, then docnum (a group's members are one run of it).
    by_group: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    #: ``group[by_group]`` (sorted: where a group's run starts and ends).
    group_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))

    @classmethod
    def of(cls, group: np.ndarray, live: np.ndarray, id_of: Callable[[int], str] | None = None) -> DupGroups:
        """The groups of ``group`` (see :func:`group_texts`) among the ``live`` documents;
        ``id_of(docnum)`` (the stored id) is asked for the documents having near-duplicates."""
        group = np.asarray(group, dtype=np.int32)
        if group.size != live.size:  # (a text index of another generation: no groups)
            group = np.arange(live.size, dtype=np.int32)
        sizes = np.bincount(group[live], minlength=live.size)
        dup = live & (sizes[group] >= 2)
        tiebreak = np.zeros(live.size, dtype=np.int32)
        docs = np.flatnonzero(dup)
        keys = [id_of(int(d)) for d in docs] if id_of is not None else [str(d) for d in docs]
        tiebreak[docs[np.argsort(np.array(keys, dtype=object), kind="stable")]] = np.arange(docs.size)
        by_group = docs[np.argsort(group[docs], kind="stable")].astype(np.int32)
        return cls(group, dup, tiebreak, by_group, group[by_group])

    def members(self, docnum: int, among: np.ndarray | None = None) -> list[int]:
        """The other live members of ``docnum``'s group (those in the mask ``among`` when given), by
        docnum: a binary search in :attr:`by_group`, not a pass over the corpus."""
        if not self.dup[docnum]:
            return []
        g = self.group[docnum]
        low, high = np.searchsorted(self.group_keys, [g, g + 1])
        found = self.by_group[low:high]
        if among is not None:
            found = found[among[found]]
        return [int(d) for d in found if d != docnum]

    def collapse(self, mask: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """``mask`` with each group reduced to its best member there: the highest score, then the
        smallest id (:attr:`tiebreak`). Linear in the matches (two scatter passes), not a sort."""
        docs = np.flatnonzero(mask & self.dup)
        if not docs.size:
            return mask
        groups = self.group[docs]
        doc_scores = scores[docs]
        best = np.full(self.group.size, -np.inf)
        np.maximum.at(best, groups, doc_scores)
        top = doc_scores == best[groups]
        least = np.full(self.group.size, np.iinfo(np.int32).max, dtype=np.int32)
        np.minimum.at(least, groups[top], self.tiebreak[docs[top]])
        winners = docs[top][self.tiebreak[docs[top]] == least[groups[top]]]
        out = mask & ~self.dup
        out[winners] = True
        return out

    def count(self, mask: np.ndarray) -> int:
        """The number of groups (a document without near-duplicates is a group of one) in ``mask``."""
        single = int(np.count_nonzero(mask & ~self.dup))
        docs = np.flatnonzero(mask & self.dup)
        return single + (int(np.unique(self.group[docs]).size) if docs.size else 0)
