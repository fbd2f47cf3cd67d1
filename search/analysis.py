"""Chinese analysis: one segmenter and two Whoosh tokenizers, used by the indexer and the query side.

Pipeline for every text, at index time and at query time alike (so the two sides cannot disagree):

1. :func:`search.normalize.normalize` — Traditional → Simplified, full-width → half-width, lower case,
   *length preserving*, so every offset below is an offset into the original text.
2. :func:`segment` — the normalized text is split into Han runs and Latin/number runs. Han runs are cut
   by jieba (HMM off: the HMM invents long words and loses recall) with the shared lexicon loaded; Latin
   words, numbers, versions and ISO dates are kept whole (``3.6.3``, ``covid-19``, ``2021-01-18``).
3. Two token streams:

   * :class:`WordTokenizer` (fields ``title``, ``body``): jieba words at sequential positions, plus the
     search-mode sub-words of every long word (``中国自动化学会`` → ``中国``, ``自动化``, ``学会`` …) at
     the position of their word, like synonyms. Whole-word matches rank here.
   * :class:`GramTokenizer` (field ``grams``): every Han bigram at the position of its first character,
     plus the last character of each Han run as a unigram. Any string of Han characters is then a phrase
     of consecutive bigrams (one character: a prefix query), so every substring finds its document.

Both tokenizers honour Whoosh's tokenizer contract (``positions``, ``chars``, ``start_pos``,
``start_char``, ``removestops``, ``mode``) and hold no state: Whoosh pickles them into the index, so
their import path (``search.analysis``) is part of the on-disk format.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import jieba
from whoosh.analysis import Analyzer, Token, Tokenizer

from .lexicon import JIEBA_TAGS, load_lexicon
from .normalize import HAN_CLASS, normalize

__all__ = [
    "Word",
    "Segmentation",
    "segment",
    "word_terms",
    "gram_terms",
    "WordTokenizer",
    "GramTokenizer",
    "word_analyzer",
    "gram_analyzer",
    "segmenter",
    "pos_tag",
]

# A Han run, or a Latin/number run that may contain inner dots, dashes, slashes, colons, plus signs
# (versions 3.6.3, ids PD1728, dates 2021-01-18, covid-19, c++).
_RUN_RE = re.compile(f"([{HAN_CLASS}]+)|([0-9a-z]+(?:[._\\-/:][0-9a-z]+)*\\+*)")
_HAN_ONLY_RE = re.compile(f"[{HAN_CLASS}]+")

_init_lock = threading.Lock()
_segmenter: jieba.Tokenizer | None = None


def segmenter() -> jieba.Tokenizer:
    """The process-wide jieba tokenizer, initialized once with the shared lexicon.

    Initializing at import of the web app (before gunicorn forks) shares the dictionary between
    workers; the indexer's worker processes initialize their own.
    """
    global _segmenter
    if _segmenter is None:
        with _init_lock:
            if _segmenter is None:
                jieba.setLogLevel(logging.WARNING)
                tok = jieba.dt  # the default instance, so jieba.posseg sees the same words
                tok.initialize()
                for name, kind in load_lexicon().words():
                    if _HAN_ONLY_RE.fullmatch(name):
                        tok.add_word(name, freq=max(tok.suggest_freq(name, False), 1000), tag=JIEBA_TAGS[kind])
                _segmenter = tok
    return _segmenter


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


@dataclass(frozen=True, slots=True)
class Word:
    """One segment of a text: ``text`` is normalized, ``start``/``end`` index the original text."""

    text: str
    start: int
    end: int
    han: bool


@dataclass(frozen=True, slots=True)
class Segmentation:
    """A text cut into words: the normalized text and its words in order (no sub-words)."""

    normalized: str
    words: tuple[Word, ...]


@functools.lru_cache(maxsize=16)
def segment(text: str) -> Segmentation:
    """Normalize and cut ``text`` once; cached so that entity extraction and indexing share the pass."""
    norm = normalize(text)
    cut = segmenter().cut
    words: list[Word] = []
    append = words.append
    for match in _RUN_RE.finditer(norm):
        start = match.start()
        if match.group(1):
            pos = start
            for piece in cut(match.group(1), HMM=False):
                end = pos + len(piece)
                append(Word(piece, pos, end, True))
                pos = end
        else:
            append(Word(match.group(2), start, match.end(), False))
    return Segmentation(norm, tuple(words))


def word_terms(text: str) -> Iterator[tuple[str, int, int, int]]:
    """``(term, position, startchar, endchar)`` for the word fields: words and their sub-words."""
    freq = segmenter().FREQ
    for pos, word in enumerate(segment(text).words):
        w = word.text
        yield w, pos, word.start, word.end
        n = len(w)
        if word.han and n > 2:
            for i in range(n - 1):
                gram = w[i : i + 2]
                if freq.get(gram):
                    yield gram, pos, word.start + i, word.start + i + 2
            if n > 3:
                for i in range(n - 2):
                    gram = w[i : i + 3]
                    if freq.get(gram):
                        yield gram, pos, word.start + i, word.start + i + 3


def gram_terms(text: str) -> Iterator[tuple[str, int, int, int]]:
    """``(term, position, startchar, endchar)`` for the ``grams`` field.

    Positions are character offsets, so consecutive bigrams of a substring are consecutive positions.
    """
    norm = normalize(text)
    for match in _HAN_ONLY_RE.finditer(norm):
        run, base = match.group(0), match.start()
        last = len(run) - 1
        for i in range(last):
            yield run[i : i + 2], base + i, base + i, base + i + 2
        yield run[last], base + last, base + last, base + last + 1


class _TermTokenizer(Tokenizer):
    """Adapts a ``(term, pos, start, end)`` generator to Whoosh's tokenizer contract."""

    def _terms(self, value: str) -> Iterator[tuple[str, int, int, int]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(  # type: ignore[override]
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
        for text, pos, start, end in self._terms(value):
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

    def _terms(self, value: str) -> Iterator[tuple[str, int, int, int]]:
        return word_terms(value)


class GramTokenizer(_TermTokenizer):
    """Han bigrams plus each run's last character, positioned by character offset."""

    def _terms(self, value: str) -> Iterator[tuple[str, int, int, int]]:
        return gram_terms(value)


def word_analyzer() -> Analyzer:
    """The analyzer of the ``title`` and ``body`` fields (normalization happens inside the tokenizer,
    because offsets must refer to the original text)."""
    return WordTokenizer()


def gram_analyzer() -> Analyzer:
    """The analyzer of the ``grams`` field."""
    return GramTokenizer()
