""" "Did you mean": a near-miss of a name the index knows, offered beside (never instead of) the results.

A Han run of the query (three characters or more) that occurs nowhere in the index is compared with
the names the index knows — the lexicon (societies, people, places, terms), the entity facet values
(people, organizations, places, sources) and the words of the titles — and a name one edit away (one
character replaced, added or dropped) that does occur becomes the suggestion, the most frequent first.
Nothing here changes what matches: homophones and typos never create hits (``景点`` does not find
``经典``), they can only produce a suggestion the user may click.

A query of Latin letters only that reads as pinyin (``kechuangzhongguo``, ``zgkx``) and found little gets
its best Hanzi reading as the suggestion instead (:func:`search.pinyin.pinyin_suggestion`).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from whoosh.reading import IndexReader

from .cache import Whole
from .lexicon import Lexicon
from .matching import piece_mask
from .normalize import HAN_RE, normalize
from .pinyin import pinyin_suggestion
from .query import ParsedQuery, Piece
from .snapshot import Snapshot

__all__ = ["suggest", "one_edit_apart", "MIN_CHARS"]

MIN_CHARS = 3
#: Suggest only when the query found fewer results than this (or a name is one edit away).
FEW_RESULTS = 3


def one_edit_apart(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with exactly one character replaced, inserted or deleted."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1 :] == short:
            return True
    return False


#: The generation's known Han names by length (:func:`_names`).
_NAMES: Whole[dict[int, tuple[str, ...]]] = Whole("suggest-names")


def _names(snap: Snapshot, reader: IndexReader, lexicon: Lexicon) -> dict[int, tuple[str, ...]]:
    """Known Han names of three characters or more, by length (cached per generation)."""
    cached = _NAMES.get(snap.cache)
    if cached is not None:
        return cached
    names: set[str] = {name for name, _ in lexicon.words()}
    for facet in ("person", "org", "place", "source"):
        names.update(snap.facets[facet].normalized)
    for term in reader.field_terms("title"):
        names.add(term.decode("utf-8") if isinstance(term, bytes) else str(term))
    by_length: dict[int, list[str]] = defaultdict(list)
    for name in names:
        if len(name) >= MIN_CHARS and HAN_RE.fullmatch(name):
            by_length[len(name)].append(name)
    result = {length: tuple(sorted(group)) for length, group in by_length.items()}
    _NAMES.put(snap.cache, result)
    return result


def suggest(
    snap: Snapshot,
    reader: IndexReader,
    parsed: ParsedQuery,
    lexicon: Lexicon,
    total: int,
) -> str | None:
    """A corrected query string, or ``None`` (see the module docstring)."""
    text = parsed.text
    norm = normalize(text)
    names: dict[int, tuple[str, ...]] | None = None
    corrected = text
    changed = False
    for run_match in HAN_RE.finditer(norm):
        run = run_match.group(0)
        if len(run) < MIN_CHARS or lexicon.type_of(run):
            continue
        if piece_mask(snap, reader, Piece("han", run, (run,))).any():
            continue
        if names is None:
            names = _names(snap, reader, lexicon)
        best: tuple[int, str] | None = None
        for length in (len(run) - 1, len(run), len(run) + 1):
            for name in names.get(length, ()):
                if one_edit_apart(run, name):
                    df = int(np.count_nonzero(piece_mask(snap, reader, Piece("han", name, (name,)))))
                    if df and (best is None or df > best[0]):
                        best = (df, name)
        if best is None:
            continue
        known = lexicon.type_of(best[1]) is not None or any(
            best[1] in snap.facets[f].normalized for f in ("person", "org", "place")
        )
        if total >= FEW_RESULTS and not known:
            continue
        start, end = run_match.span()
        offset = len(corrected) - len(text)
        corrected = corrected[: start + offset] + best[1] + corrected[end + offset :]
        changed = True
    if changed:
        return corrected
    return pinyin_suggestion(snap, reader, lexicon, parsed, total, FEW_RESULTS)
