"""Chinese analysis: one segmenter and one Whoosh tokenizer, used by the indexer and the query side.

Pipeline for every text, at index time and at query time alike (so the two sides cannot disagree):

1. :func:`search.normalize.normalize` — Traditional → Simplified, full-width → half-width, lower case,
   *length preserving*, so every offset below is an offset into the original text.
2. :func:`segment` — the normalized text is split into Han runs and Latin/number runs. Han runs are cut
   by jieba (HMM off: the HMM invents long words and loses recall) with the shared lexicon loaded; Latin
   words, numbers, versions and ISO dates are kept whole (``3.6.3``, ``covid-19``, ``2021-01-18``).
3. :class:`WordTokenizer` (fields ``title``, ``body``): jieba words at sequential positions, plus the
   search-mode sub-words of every long word (``中国自动化学会`` → ``中国``, ``自动化``, ``学会`` …) at
   the position of their word, like synonyms. Whole-word matches rank here.

Substring recall (a string that cuts through words) does not go through a tokenizer: the query side
looks runs of Han characters up in the bigram index of the normalized texts (:mod:`search.textindex`),
whose text is :func:`grams_text`.

The tokenizer honours Whoosh's tokenizer contract (``positions``, ``chars``, ``start_pos``,
``start_char``, ``removestops``, ``mode``) and holds no state: Whoosh pickles it into the index, so
its import path (``search.analysis``) is part of the on-disk format.
"""

from __future__ import annotations

import functools
import logging
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import jieba
from whoosh.analysis import Analyzer, Token, Tokenizer

from .lexicon import JIEBA_TAGS, lexicon_fingerprint, lexicon_path, load_lexicon
from .normalize import HAN_RE, RUN_RE, normalize

__all__ = [
    "Word",
    "Segmentation",
    "segment",
    "word_terms",
    "words_terms",
    "document_terms",
    "grams_text",
    "DocumentTerms",
    "TermPositions",
    "WordTokenizer",
    "word_analyzer",
    "segmenter",
    "reload_lexicon",
    "active_lexicon_fingerprint",
    "on_lexicon_reload",
    "pos_tag",
]

_init_lock = threading.Lock()
_segmenter: jieba.Tokenizer | None = None
#: The lexicon words jieba holds now (Han-only names), with their jieba tag.
_loaded: dict[str, str] = {}
#: For each word in ``_loaded``: its frequency and user tag in jieba before the lexicon added it, so
#: removing it from the lexicon gives back jieba's own word (``北京``) rather than deleting it.
_base: dict[str, tuple[int | None, str | None]] = {}
_fingerprint: str | None = None
_reload_hooks: list[Callable[[], None]] = []


def segmenter() -> jieba.Tokenizer:
    """The process-wide jieba tokenizer, initialized once with the shared lexicon.

    Initializing at import of the web app (before gunicorn forks) shares the dictionary between
    workers; the indexer's worker processes initialize their own. :func:`reload_lexicon` updates it.
    """
    global _segmenter, _fingerprint
    if _segmenter is None:
        with _init_lock:
            if _segmenter is None:
                jieba.setLogLevel(logging.WARNING)
                tok = jieba.dt  # the default instance, so jieba.posseg sees the same words
                tok.initialize()
                path = lexicon_path()
                fingerprint = lexicon_fingerprint(path)
                for name, tag in _lexicon_words(path).items():
                    _add_word(tok, name, tag)
                _fingerprint = fingerprint
                _segmenter = tok
    return _segmenter


def _lexicon_words(path: Path) -> dict[str, str]:
    """The lexicon's names jieba can hold (Han only) and their jieba tag."""
    return {
        name: JIEBA_TAGS[kind] for name, kind in load_lexicon(path).words() if HAN_RE.fullmatch(name)
    }


def _add_word(tok: jieba.Tokenizer, name: str, tag: str) -> None:
    if name not in _base:
        _base[name] = (tok.FREQ.get(name), tok.user_word_tag_tab.get(name))
    freq = max(tok.suggest_freq(name, False), 1000)  # at least enough to keep the name whole
    tok.add_word(name, freq=freq, tag=tag)
    _loaded[name] = tag


def _remove_word(tok: jieba.Tokenizer, name: str) -> None:
    base_freq, base_tag = _base.pop(name, (None, None))
    added = tok.FREQ.get(name) or 0
    if base_freq:  # a word of jieba's own dictionary: back to its own frequency
        tok.FREQ[name] = base_freq
    else:
        tok.del_word(name)  # frequency 0: a prefix of longer words at most, never a word itself
    tok.total -= added  # add_word added it; del_word does not take it back
    if base_tag is None:
        tok.user_word_tag_tab.pop(name, None)
    else:
        tok.user_word_tag_tab[name] = base_tag
    del _loaded[name]


def reload_lexicon() -> str:
    """Re-read the lexicon file (:func:`search.lexicon.lexicon_path`) into the running segmenter.

    New names are added with the same frequency rule as :func:`segmenter`, names no longer in the file
    are removed (jieba's own words get their own frequency back), changed types get their new tag; then
    every cache that depends on the dictionary is cleared (:func:`segment`, and the callbacks
    registered with :func:`on_lexicon_reload`). Returns the new fingerprint.

    Segmentation of a request running during the reload may mix both dictionaries; indexes must be
    rebuilt with the new lexicon anyway (``huixun index PATH --rebuild``), and the web app reloads
    when it opens such a generation. Raises ``OSError`` or :class:`search.lexicon.LexiconError`
    (and changes nothing) when the file cannot be read.
    """
    global _fingerprint
    tok = segmenter()
    path = lexicon_path()
    fingerprint = lexicon_fingerprint(path)
    words = _lexicon_words(path)  # read before touching jieba, so a malformed file changes nothing
    with _init_lock:
        for name in [name for name in _loaded if name not in words]:
            _remove_word(tok, name)
        for name, tag in words.items():
            if name not in _loaded:
                _add_word(tok, name, tag)
            elif _loaded[name] != tag:
                tok.user_word_tag_tab[name] = _loaded[name] = tag
        segment.cache_clear()
        _cuts.clear()
        _subs.clear()
        _cached_chars.update(cuts=0, subs=0)
        _fingerprint = fingerprint
        hooks = list(_reload_hooks)
    for hook in hooks:
        hook()
    return fingerprint


def active_lexicon_fingerprint() -> str | None:
    """The fingerprint of the lexicon the segmenter holds, ``None`` before it is initialized."""
    return _fingerprint


def on_lexicon_reload(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` after every :func:`reload_lexicon` (for caches of lexicon-derived data, such
    as a cached :class:`search.lexicon.Lexicon`); returns it, so it can decorate."""
    _reload_hooks.append(callback)
    return callback


def pos_tag(word: str) -> str:
    """jieba's part-of-speech tag for a dictionary word (``x`` when unknown)."""
    tok = segmenter()
    tag = tok.user_word_tag_tab.get(word)
    if tag:
        return tag
    return _word_tags().get(word, "x")


@functools.cache
def _word_tags() -> dict[str, str]:
    import jieba.posseg as posseg

    segmenter()
    posseg.dt.word_tag_tab  # noqa: B018 - forces posseg to load its tag table
    return posseg.dt.word_tag_tab


class Word(NamedTuple):
    """One segment of a text: ``text`` is normalized, ``start``/``end`` index the original text.

    A named tuple rather than a dataclass: a 25-million-character corpus makes about 15 million of
    them, and a tuple is built several times faster than a frozen dataclass.
    """

    text: str
    start: int
    end: int
    han: bool


@dataclass(frozen=True, slots=True)
class Segmentation:
    """A text cut into words: the normalized text and its words in order (no sub-words)."""

    normalized: str
    words: tuple[Word, ...]


#: Han run → the ends of its words (:func:`_cut_han`). Runs recur across documents (names, set phrases,
#: boilerplate clauses: with this size, about 16% of the Han characters one indexing worker meets in
#: the benchmark corpus are in a run it has cut before), and a lookup is much cheaper than the cut.
#: Cleared when full (a few MB at most) and by :func:`reload_lexicon`.
_cuts: dict[str, tuple[int, ...]] = {}
_CUTS_MAX = 1 << 16
#: Characters of keys each of the caches ``_cuts`` and ``_subs`` holds at most: the entry count alone
#: does not bound them, since a client can send distinct 200-character runs (65,536 of them would keep
#: about 100 MB in a web worker). Runs met while indexing are short: there the entry count binds first.
_CACHE_MAX_CHARS = 1 << 20
_cached_chars = {"cuts": 0, "subs": 0}
_new_tuple = tuple.__new__  # builds a Word without the Python-level NamedTuple.__new__ call


@functools.lru_cache(maxsize=16)
def segment(text: str) -> Segmentation:
    """Normalize and cut ``text`` once; cached so that entity extraction and indexing share the pass."""
    norm = normalize(text)
    assert len(norm) == len(text), "normalization must preserve length (offsets index the original)"
    tok = segmenter()
    freq, logtotal = tok.FREQ, math.log(tok.total)
    cuts, new = _cuts, _new_tuple
    words: list[Word] = []
    append = words.append
    for match in RUN_RE.finditer(norm):  # the runs the query language reads too
        start = match.start()
        run = match.group(1)
        if run:
            ends = cuts.get(run)
            if ends is None:
                if len(cuts) >= _CUTS_MAX or _cached_chars["cuts"] + len(run) > _CACHE_MAX_CHARS:
                    cuts.clear()
                    _cached_chars["cuts"] = 0
                ends = cuts[run] = tuple(_cut_han(run, freq, logtotal))
                _cached_chars["cuts"] += len(run)
            i = 0
            for j in ends:
                append(new(Word, (run[i:j], start + i, start + j, True)))
                i = j
        else:
            append(new(Word, (match.group(2), start, match.end(), False)))
    return Segmentation(norm, tuple(words))


def _cut_han(run: str, freq: dict[str, int], logtotal: float) -> list[int]:
    """End offsets of the words of jieba's ``cut(run, HMM=False)`` for a run of Han characters.

    The same dynamic programme as jieba's ``get_DAG`` + ``calc`` (best log-probability route
    through the dictionary, ties to the longer word), fused into one loop without the DAG dict, the
    route tuples and the generator ``max``: about twice as fast, and jieba is the indexer's largest
    cost. ``tests/test_analysis.py`` checks the cuts equal jieba's on the demo corpus.
    """
    n = len(run)
    best = [0.0] * (n + 1)  # best[i]: log-probability of the best cut of run[i:]
    nxt = [0] * (n + 1)  # nxt[i]: end of the first word of that cut
    log = math.log
    for idx in range(n - 1, -1, -1):
        best_p = -math.inf
        best_end = 0
        end = idx + 1
        while end <= n:
            f = freq.get(run[idx:end])
            if f is None:  # not even a prefix of a dictionary word: no longer word starts here
                break
            if f:
                p = log(f) - logtotal + best[end]
                if p >= best_p:
                    best_p, best_end = p, end
            end += 1
        if not best_end:  # no dictionary word starts here: the character alone
            best_end = idx + 1
            best_p = log(freq.get(run[idx]) or 1) - logtotal + best[idx + 1]
        best[idx] = best_p
        nxt[idx] = best_end
    ends = []
    i = 0
    while i < n:
        i = nxt[i]
        ends.append(i)
    return ends


def word_terms(text: str) -> Iterator[tuple[str, int, int, int]]:
    """``(term, position, startchar, endchar)`` for the word fields: words and their sub-words."""
    return words_terms(segment(text).words)


def words_terms(words: Sequence[Word], shift: int = 0) -> Iterator[tuple[str, int, int, int]]:
    """:func:`word_terms` of already segmented ``words``, character offsets moved back by ``shift``.

    Sub-words follow jieba's ``cut_for_search``: every dictionary bigram of a word longer than two
    characters and every dictionary trigram of a word longer than three, at the word's position.
    """
    freq = segmenter().FREQ
    for pos, word in enumerate(words):
        w = word.text
        start = word.start - shift
        yield w, pos, start, start + len(w)
        n = len(w)
        if word.han and n > 2:
            for i in range(n - 1):
                gram = w[i : i + 2]
                if freq.get(gram):
                    yield gram, pos, start + i, start + i + 2
            if n > 3:
                for i in range(n - 2):
                    gram = w[i : i + 3]
                    if freq.get(gram):
                        yield gram, pos, start + i, start + i + 3


#: term → its positions in one field of one document, in increasing order (what postings encode).
TermPositions = dict[str, list[int]]


@dataclass(frozen=True, slots=True)
class DocumentTerms:
    """The positions of every term of one document's ``title`` and ``body`` fields, and its
    normalized :func:`grams_text` (what the substring index of :mod:`search.textindex` holds)."""

    title: TermPositions
    body: TermPositions
    normalized: str


def grams_text(title: str, body: str) -> str:
    """The text substring matching covers (:mod:`search.textindex`): title and body; the newline
    ends the Han run, so no bigram (hence no phrase) spans the two."""
    return f"{title}\n{body}"


def document_terms(title: str, body: str) -> DocumentTerms:
    """Term positions of the two word fields from a single jieba pass over ``grams_text(title, body)``.

    Exactly the positions ``WordTokenizer`` gives for ``title`` and ``body`` (no word crosses the
    newline; the tests compare them), but jieba runs once instead of twice — and not at all when
    entity extraction already segmented the same text (:func:`segment` is cached) — and no token
    tuple is built: this is the indexer's inner loop.
    """
    seg = segment(grams_text(title, body))
    cut = len(title)
    words = seg.words
    k = 0  # the title's words are the first ones (words are in text order): a short scan
    while k < len(words) and words[k].start < cut:
        k += 1
    return DocumentTerms(_word_positions(words[:k]), _word_positions(words[k:]), seg.normalized)


#: Han word → its search-mode sub-words (:func:`_sub_words`). Long words recur across documents far
#: more than Han runs do; cleared when full and by :func:`reload_lexicon`.
_subs: dict[str, tuple[str, ...]] = {}
_SUBS_MAX = 1 << 16


def _sub_words(w: str) -> tuple[str, ...]:
    """The dictionary bigrams, then trigrams, of a Han word of three or more characters, in order and
    with repeats (the sub-words :func:`words_terms` yields for it); cached."""
    subs = _subs.get(w)
    if subs is None:
        freq = segmenter().FREQ
        n = len(w)
        grams = [w[i : i + 2] for i in range(n - 1)]
        if n > 3:
            grams += [w[i : i + 3] for i in range(n - 2)]
        if len(_subs) >= _SUBS_MAX or _cached_chars["subs"] + n > _CACHE_MAX_CHARS:
            _subs.clear()
            _cached_chars["subs"] = 0
        subs = _subs[w] = tuple(gram for gram in grams if freq.get(gram))
        _cached_chars["subs"] += n
    return subs


def _word_positions(words: Sequence[Word]) -> TermPositions:
    # The same terms as words_terms(), collected straight into lists of positions.
    out: TermPositions = {}
    get = out.get
    for pos, word in enumerate(words):
        w = word.text
        plist = get(w)
        if plist is None:
            out[w] = [pos]
        else:
            plist.append(pos)
        if word.han and len(w) > 2:
            for sub in _subs.get(w) or _sub_words(w):
                plist = get(sub)
                if plist is None:
                    out[sub] = [pos]
                else:
                    plist.append(pos)
    return out


class _TermTokenizer(Tokenizer):
    """Adapts a ``(term, pos, start, end)`` generator to Whoosh's tokenizer contract."""

    def terms(self, value: str) -> Iterator[tuple[str, int, int, int]]:  # pragma: no cover - abstract
        """``(term, position, startchar, endchar)`` for every token of ``value``."""
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = normalize(value)
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        for text, pos, start, end in self.terms(value):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class WordTokenizer(_TermTokenizer):
    """jieba words plus search-mode sub-words; see the module docstring."""

    def terms(self, value: str) -> Iterator[tuple[str, int, int, int]]:
        return word_terms(value)


def word_analyzer() -> Analyzer:
    """The analyzer of the ``title`` and ``body`` fields (normalization happens inside the tokenizer,
    because offsets must refer to the original text)."""
    return WordTokenizer()
