"""Pinyin as an explicit input path: a Latin pinyin query → Hanzi candidates from the index's own names.

Pinyin is never indexed (a pinyin analyzer breaks phrase matching and highlight offsets, REQUESTS R5).
Instead, per index generation, the Han names the index knows — the lexicon (societies, people, places,
terms), the entity facet values (people, organizations, places) and the title words of two documents or
more — are keyed by their pinyin (pypinyin's reading, syllables joined without tones: ``kechuangzhongguo``)
and by their initials (``kczg``). A Latin query is looked up under both keys:

* :func:`expand_pinyin` replaces each ``py:`` term of a parsed query (see :mod:`search.query`) by an OR of
  its best :data:`MAX_ALTERNATIVES` candidates, each searched as an exact Han phrase, and says so in a note;
  a ``py:`` term without candidates searches as the Latin text it is, with a note.
* :func:`pinyin_suggestion` offers the best candidate as a "did you mean" when a query made only of Latin
  letters found fewer than ``few`` documents and is not made of words the index contains; the results of
  that query are never changed (``linux`` and ``tuna`` search as themselves).

Candidates are ranked: a full-pinyin match before an initials match, a known name (lexicon or entity)
before a title word, then by the number of documents containing it; a name no live document contains is
never a candidate. Polyphonic characters take pypinyin's phrase-aware reading only (``重庆`` is
``chongqing``); ``ü`` is typed ``v`` (``nvxing``).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from pypinyin import Style, lazy_pinyin
from whoosh.reading import IndexReader

from .cache import Whole
from .lexicon import Lexicon
from .matching import piece_mask
from .normalize import HAN_RE, normalize
from .query import ParsedQuery, Piece, TextTerm
from .snapshot import Snapshot
from .syllables import QUERY_SYLLABLES

__all__ = [
    "Candidate",
    "PinyinMap",
    "build_map",
    "candidates",
    "expand_pinyin",
    "lookup_keys",
    "pinyin_suggestion",
    "reading",
    "split_syllables",
    "MAX_ALTERNATIVES",
]

#: A ``py:`` term searches the OR of at most this many candidates.
MAX_ALTERNATIVES = 3
#: Names longer than this are not keyed (no one types their pinyin).
MAX_NAME_CHARS = 12
#: A title word is a candidate when at least this many titles contain it.
MIN_TITLE_DOCS = 2
_LATIN_QUERY_RE = re.compile(r"[a-z' ]*[a-z][a-z' ]*")
#: Letters that are never the first letter of a pinyin syllable (pypinyin writes 一 as ``yi``).
_NOT_INITIALS = frozenset("iuv")


@dataclass(frozen=True)
class Candidate:
    """A Hanzi reading of a pinyin query: ``name`` is contained in ``docs`` live documents."""

    name: str
    docs: int
    full: bool
    known: bool


@dataclass(frozen=True)
class PinyinMap:
    """Names by pinyin key: ``full`` (``kechuangzhongguo``) and ``initials`` (``kczg``); ``known`` are
    the names from the lexicon or the entity facets (the rest are title words)."""

    full: dict[str, tuple[str, ...]]
    initials: dict[str, tuple[str, ...]]
    known: frozenset[str]


def split_syllables(text: str) -> tuple[str, ...] | None:
    """``text`` (letters; spaces and apostrophes are boundaries) cut into pinyin syllables, fewest
    first, or ``None`` when it is not pinyin (``kechuangzhongguo`` → ``ke chuang zhong guo``)."""
    syllables = QUERY_SYLLABLES
    result: list[str] = []
    for chunk in re.split(r"[\s']+", text.lower()):
        if not chunk:
            continue
        # best[i]: the fewest syllables that spell chunk[:i]
        best: list[tuple[str, ...] | None] = [()] + [None] * len(chunk)
        for end in range(1, len(chunk) + 1):
            for start in range(max(0, end - 6), end):
                head = best[start]
                if head is not None and chunk[start:end] in syllables:
                    option = (*head, chunk[start:end])
                    current = best[end]
                    if current is None or len(option) < len(current):
                        best[end] = option
        found = best[len(chunk)]
        if found is None:
            return None
        result.extend(found)
    return tuple(result) or None


def lookup_keys(text: str) -> tuple[tuple[str, bool], ...]:
    """The keys a Latin query is looked up under: ``(key, full)`` — the joined syllables when it is
    pinyin, the letters as initials when there are two or more and none is ``i``, ``u`` or ``v``."""
    letters = re.sub(r"[\s']+", "", text.lower())
    if not letters.isascii() or not letters.isalpha():
        return ()
    keys: list[tuple[str, bool]] = []
    if split_syllables(text) is not None:
        keys.append((letters, True))
    if len(letters) >= 2 and not _NOT_INITIALS & set(letters):
        keys.append((letters, False))
    return tuple(keys)


@functools.lru_cache(maxsize=200_000)
def reading(name: str) -> tuple[str, str]:
    """``(full, initials)`` pinyin keys of a Han name (``科创中国`` → ``kechuangzhongguo``, ``kczg``)."""
    full = "".join(lazy_pinyin(name)).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
    return full, initials


def build_map(names: Iterable[str], known: Iterable[str] = ()) -> PinyinMap:
    """Key every Han name of 2–:data:`MAX_NAME_CHARS` characters by its pinyin and its initials."""
    full: dict[str, list[str]] = defaultdict(list)
    initials: dict[str, list[str]] = defaultdict(list)
    for name in sorted(set(names)):
        if not 2 <= len(name) <= MAX_NAME_CHARS or not HAN_RE.fullmatch(name):
            continue
        key_full, key_initials = reading(name)
        if key_full.isascii() and key_full.isalpha():
            full[key_full].append(name)
            initials[key_initials].append(name)
    return PinyinMap(
        {k: tuple(v) for k, v in full.items()},
        {k: tuple(v) for k, v in initials.items()},
        frozenset(known),
    )


#: The generation's pinyin map (:func:`_index_map`).
_PINYIN_MAP: Whole[PinyinMap] = Whole("pinyin-map")


def _index_map(snap: Snapshot, reader: IndexReader, lexicon: Lexicon) -> PinyinMap:
    """The map of this generation's names (built on the first Latin query, cached per generation)."""
    cached = _PINYIN_MAP.get(snap.cache)
    if cached is not None:
        return cached
    known: set[str] = {name for name, _ in lexicon.words()}
    for facet in ("person", "org", "place"):
        known.update(snap.facets[facet].normalized)
    names = set(known)
    for term, info in reader.iter_field("title"):
        text = term.decode("utf-8") if isinstance(term, bytes) else str(term)
        if info.doc_frequency() >= MIN_TITLE_DOCS:
            names.add(text)
    result = build_map(names, known)
    _PINYIN_MAP.put(snap.cache, result)
    return result


def candidates(snap: Snapshot, reader: IndexReader, lexicon: Lexicon, text: str) -> list[Candidate]:
    """Hanzi readings of the Latin ``text`` that live documents contain, best first (module docstring)."""
    table = _index_map(snap, reader, lexicon)
    found: dict[str, Candidate] = {}
    for key, full in lookup_keys(text):
        for name in (table.full if full else table.initials).get(key, ()):
            if name in found:
                continue
            docs = int((piece_mask(snap, reader, Piece("han", name, (name,))) & snap.live).sum())
            if docs:
                found[name] = Candidate(name, docs, full, name in table.known)
    return sorted(found.values(), key=lambda c: (not c.full, not c.known, -c.docs, c.name))


def _hanzi_for(snap: Snapshot, reader: IndexReader, lexicon: Lexicon, text: str) -> list[str]:
    """Candidates of the whole of ``text``; failing that, of each of its words, joined by spaces."""
    whole = candidates(snap, reader, lexicon, text)
    if whole:
        return [c.name for c in whole]
    words = text.split()
    if len(words) < 2:
        return []
    parts = []
    for word in words:
        found = candidates(snap, reader, lexicon, word)
        if not found:
            return []
        parts.append(found[0].name)
    return [" ".join(parts)]


def expand_pinyin(snap: Snapshot, reader: IndexReader, lexicon: Lexicon, parsed: ParsedQuery) -> ParsedQuery:
    """``parsed`` with every ``py:`` term replaced by the OR of its best candidates (exact phrases),
    and a note per term saying what it was searched as. Queries without ``py:`` come back unchanged."""
    if not any(term.pinyin for group in parsed.groups for term in group):
        return parsed
    notes = list(parsed.notes)
    groups: list[tuple[TextTerm, ...]] = []
    for group in parsed.groups:
        alternatives: list[TextTerm] = []
        for term in group:
            if not term.pinyin:
                alternatives.append(term)
                continue
            names = _hanzi_for(snap, reader, lexicon, term.text)[:MAX_ALTERNATIVES]
            if names:
                alternatives.extend(TextTerm(name, phrase=" " not in name) for name in names)
                notes.append(f"py:{term.text} was searched as its Hanzi candidates: {' OR '.join(names)}")
            else:
                alternatives.append(TextTerm(term.text))
                notes.append(f"py:{term.text} has no Hanzi candidates in this index, searched as typed")
        groups.append(tuple(dict.fromkeys(alternatives)))
    return replace(parsed, groups=tuple(groups), notes=tuple(notes))


def pinyin_suggestion(
    snap: Snapshot, reader: IndexReader, lexicon: Lexicon, parsed: ParsedQuery, total: int, few: int
) -> str | None:
    """The best Hanzi reading of a query made only of Latin letters (spaces, apostrophes) that found
    fewer than ``few`` documents, or ``None``. No suggestion when every word of the query is a word
    of the index (a real Latin word searches as itself) or when the reading finds no more documents."""
    text = normalize(parsed.text)
    if total >= few or not _LATIN_QUERY_RE.fullmatch(text):
        return None
    words = re.split(r"[\s']+", text.strip())
    if all(any(snap.postings(reader, f, word).df for f in ("title", "body")) for word in words if word):
        return None
    names = _hanzi_for(snap, reader, lexicon, text)
    if not names:
        return None
    best = names[0]
    if " " not in best and int(piece_mask(snap, reader, Piece("han", best, (best,))).sum()) <= total:
        return None
    return best
