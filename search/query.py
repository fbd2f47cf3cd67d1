"""The query language: a query string → a :class:`ParsedQuery` of terms, exclusions and filters.

Syntax (README, "Search syntax")::

    学会 年会              every word must match (all of them; see "relaxed" below)
    "科创中国 平台"         a quoted phrase: its text must appear as is (after normalization)
    -通知                  exclude documents containing the word (or -"a phrase")
    学会 OR 协会            either word (OR binds the terms on each side of it)
    source:中国科协 category:全国学会 person:张三 org:中国化学会 place:北京 year:2021
    date:2021-01..2021-03  a date range (YYYY, YYYY-MM or YYYY-MM-DD; either side may be empty)
    py:kechuang zhongguo   pinyin (full syllables or initials, ``py:kczg``): the Latin words after ``py:``
                           are one pinyin term, searched as its Hanzi candidates (:mod:`search.pinyin`)

Parsing never fails: the query is cut to :data:`~search.models.MAX_QUERY_CHARS` characters, control
characters are dropped, and anything that is not valid syntax (an unbalanced quote, a lone ``-`` or
``OR``, an unknown ``field:``, a malformed date) is read as plain text or ignored, with a note saying so.

Each term is then planned by :func:`plan_term` into *pieces* the matcher understands: Han runs are cut
by the same analyzer as the index (:func:`search.analysis.segment`, after the same normalization, so
Traditional, Simplified and full-width input are one), and Latin/number runs are kept whole.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .analysis import segment
from .models import MAX_QUERY_CHARS, parse_date_bound
from .normalize import HAN_CLASS, normalize

__all__ = [
    "TextTerm",
    "FieldFilter",
    "ParsedQuery",
    "Piece",
    "TermPlan",
    "parse_query",
    "plan_term",
    "FIELD_NAMES",
    "clean_query_text",
    "PINYIN_PREFIX",
    "title_key",
    "title_key_of_normalized",
    "raw_key",
]

#: Field prefixes of the query language → facet names (``date`` is handled apart).
FIELD_NAMES: dict[str, str] = {
    "source": "source",
    "category": "category",
    "person": "person",
    "org": "org",
    "place": "place",
    "year": "year",
}

# Same runs as the analyzer (search.analysis): a Han run, or a Latin/number run with inner . _ - / :
RUN_RE = re.compile(f"([{HAN_CLASS}]+)|([0-9a-z]++(?:[._\\-/:][0-9a-z]++)*+\\+*+)")  # possessive: linear
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_QUOTES = {"\u201c": '"', "\u201d": '"', "\u300c": '"', "\u300d": '"', "\u300e": '"', "\u300f": '"'}
_TOKEN_RE = re.compile(r'"[^"]*"|[^\s"]+|"')
#: A date written out in full: ``5月12日``, ``2021年5月12日``, ``2021年5月`` (normalized digits).
DATE_TERM_RE = re.compile(r"(?:\d{2,4}年)?\d{1,2}月\d{1,2}[日号]|\d{2,4}年\d{1,2}月")
_FIELD_RE = re.compile(r"^([a-z]+):(.*)$", re.S)
_YEAR_RE = re.compile(r"^\d{4}$")
#: ``py:`` starts a pinyin term; its value (and the bare Latin words after it) must be letters,
#: apostrophes and spaces.
PINYIN_PREFIX = "py"
_PINYIN_VALUE_RE = re.compile(r"[A-Za-z' ]*[A-Za-z][A-Za-z' ]*")
_PINYIN_WORD_RE = re.compile(r"[A-Za-z']+")


@dataclass(frozen=True)
class TextTerm:
    """A word or a quoted phrase as typed (original script, trimmed)."""

    text: str
    phrase: bool = False
    #: ``py:`` input: ``text`` is pinyin (lower case, words separated by one space) that the service
    #: replaces by its Hanzi candidates; left unreplaced it searches as the Latin text it is.
    pinyin: bool = False


@dataclass(frozen=True)
class FieldFilter:
    """``facet:value`` from the query text (values of one facet combine with OR)."""

    facet: str
    value: str


@dataclass(frozen=True)
class ParsedQuery:
    """A parsed query: every group must match (a group is a tuple of OR alternatives), no excluded
    term may match, every filter applies. ``text`` is the query after cleaning and capping."""

    text: str
    groups: tuple[tuple[TextTerm, ...], ...] = ()
    excluded: tuple[TextTerm, ...] = ()
    filters: tuple[FieldFilter, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to match on (then every document matches the filters)."""
        return not self.groups


@dataclass(frozen=True)
class Piece:
    """One thing a document must contain for a term to match.

    ``kind`` is ``han`` (``text`` must occur as a substring: the grams field) or ``latin`` (a word of
    the word fields; ``edge`` says how a query cut from the middle of a text may touch a longer word:
    ``exact``, ``prefix`` (the piece ends the term), ``suffix`` (it starts the term) or ``contains``).
    ``words`` are the analyzer's words of a Han piece (whole-word matches score above fragments).
    """

    kind: str
    text: str
    words: tuple[str, ...] = ()
    edge: str = "exact"


@dataclass(frozen=True)
class TermPlan:
    """How to match one :class:`TextTerm`: all ``pieces`` must match; ``phrases`` are contiguous
    strings that score extra when they occur as is (proximity); ``marks`` are the normalized strings
    the highlighter marks."""

    term: TextTerm
    pieces: tuple[Piece, ...]
    phrases: tuple[str, ...]
    marks: tuple[str, ...]
    #: A quoted phrase of several runs (``"5月12日"``, ``"COVID-19疫苗"``): its normalized text, which
    #: must occur contiguously (the pieces alone would also match ``12月5日``). ``None`` otherwise.
    exact: str | None = None


def title_key(text: str) -> str:
    """The comparable form of a title or query: its normalized Han and Latin characters only."""
    return title_key_of_normalized(normalize(text))


def title_key_of_normalized(norm: str) -> str:
    """:func:`title_key` of a text already normalized (``normalize(text)``)."""
    return "".join(m.group(0) for m in RUN_RE.finditer(norm))


def raw_key(text: str) -> str:
    """Letters, digits and Han characters of ``text`` as written (script kept)."""
    return "".join(char for char in text.lower() if char.isalnum())


def clean_query_text(text: str) -> str:
    """Drop control and format characters (emoji and other symbols stay), fold full-width ASCII and
    Chinese quotes, collapse whitespace, and cut to :data:`MAX_QUERY_CHARS` characters."""
    text = text[: MAX_QUERY_CHARS * 4]
    out = []
    for char in text:
        cat = unicodedata.category(char)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
            out.append(" ")
        else:
            out.append(_QUOTES.get(char, char))
    folded = "".join(out).translate(_WIDTH)
    return " ".join(folded.split())[:MAX_QUERY_CHARS].strip()


def parse_query(text: str | None) -> ParsedQuery:
    """Parse a query string (see the module docstring). Never raises."""
    cleaned = clean_query_text(text or "")
    notes: list[str] = []
    if text and len(" ".join(text.split())) > MAX_QUERY_CHARS:
        notes.append(f"the query was cut to {MAX_QUERY_CHARS} characters")
    raw_tokens = _merge_pinyin_words(_TOKEN_RE.findall(cleaned))
    groups: list[list[TextTerm]] = []
    excluded: list[TextTerm] = []
    filters: list[FieldFilter] = []
    date_from: str | None = None
    date_to: str | None = None
    pending_or = False
    for raw in raw_tokens:
        if raw == '"':
            notes.append("an unbalanced quote was ignored")
            continue
        if raw == "OR":
            if groups and not pending_or:
                pending_or = True
            else:
                notes.append("a lone OR was ignored")
            continue
        negate = False
        token = raw
        if token.startswith("-") and len(token) > 1:
            negate, token = True, token[1:]
        elif token == "-":
            notes.append("a lone - was ignored")
            continue
        field = _FIELD_RE.match(token)
        if field and not negate and field.group(1) in (*FIELD_NAMES, "date"):
            name, value = field.group(1), _unquote(field.group(2))
            if name == "date":
                bounds = _date_range(value)
                if bounds is None:
                    notes.append(f"date:{value} is not a date range, searched as text")
                else:
                    date_from, date_to = bounds
                    pending_or = False
                    continue
            elif name == "year" and not _YEAR_RE.match(value):
                notes.append(f"year:{value} is not a year, searched as text")
            elif value:
                filters.append(FieldFilter(FIELD_NAMES[name], value))
                pending_or = False
                continue
            token = value if name != "date" and value else token
        pinyin: TextTerm | None = None
        if field and not negate and field.group(1) == PINYIN_PREFIX:
            value = _unquote(field.group(2))
            if _PINYIN_VALUE_RE.fullmatch(value):
                pinyin = TextTerm(" ".join(value.lower().split()), pinyin=True)
            else:
                notes.append(f"py:{value} is not pinyin (Latin letters only), searched as text")
                token = value or token
        term = pinyin or _term(token)
        if term is None:
            continue
        if negate:
            excluded.append(term)
            continue
        if pending_or and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    if pending_or:
        notes.append("a trailing OR was ignored")
    return ParsedQuery(
        text=cleaned,
        groups=tuple(tuple(group) for group in groups),
        excluded=tuple(excluded),
        filters=tuple(filters),
        date_from=date_from,
        date_to=date_to,
        notes=tuple(notes),
    )


def _merge_pinyin_words(tokens: list[str]) -> list[str]:
    """Join ``py:word`` with the bare Latin words after it into one token ``py:"word word"`` (so
    ``py:kechuang zhongguo`` is one pinyin term; ``OR`` and anything else end the run), and
    ``py:`` with the quoted string after it (``py:"xi'an"``)."""
    merged: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if not token.startswith(PINYIN_PREFIX + ":") or token.endswith('"'):
            merged.append(token)
            continue
        if token == PINYIN_PREFIX + ":" and index < len(tokens) and tokens[index][:1] == '"' != tokens[index]:
            merged.append(token + tokens[index])  # py:"kechuang zhongguo"
            index += 1
            continue
        words = [token[len(PINYIN_PREFIX) + 1 :]]
        while index < len(tokens) and tokens[index] != "OR" and _PINYIN_WORD_RE.fullmatch(tokens[index]):
            words.append(tokens[index])
            index += 1
        merged.append(f'{PINYIN_PREFIX}:"{" ".join(w for w in words if w)}"' if len(words) > 1 else token)
    return merged


def _unquote(value: str) -> str:
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return value[1:-1].strip()
    return value.strip('"').strip()


def _term(token: str) -> TextTerm | None:
    if len(token) >= 2 and token.startswith('"') and token.endswith('"'):
        inner = " ".join(token[1:-1].split())
        return TextTerm(inner, phrase=True) if inner else None
    token = token.strip('"')
    if not token:
        return None
    # A date written out (5月12日, 2021年1月) means that date: as a phrase, not its numbers anywhere.
    return TextTerm(token, phrase=bool(DATE_TERM_RE.fullmatch(normalize(token))))


def _date_range(value: str) -> tuple[str | None, str | None] | None:
    if ".." in value:
        start_s, _, end_s = value.partition("..")
    else:
        start_s = end_s = value
    start = parse_date_bound(start_s, end=False) if start_s else None
    end = parse_date_bound(end_s, end=True) if end_s else None
    if (start_s and start is None) or (end_s and end is None) or (start is None and end is None):
        return None
    if start and end and start > end:
        return None
    return start, end


def plan_term(term: TextTerm) -> TermPlan:
    """Cut a term into pieces with the index's analyzer (see :class:`Piece`).

    Unquoted Han text is cut into jieba words; each word of two or more characters must occur
    (single-character words are dropped when longer ones exist: they add nothing but cost), and the
    whole run scores extra when it occurs contiguously. A quoted phrase keeps each Han run whole.
    A Latin run that starts or ends the term may be part of a longer word in the document (a query
    copied from the middle of ``2021-01-18`` still finds it).
    """
    norm = normalize(term.text)
    runs = list(RUN_RE.finditer(norm))
    pieces: list[Piece] = []
    phrases: list[str] = []
    marks: list[str] = []
    compact = " ".join(norm.split())
    if compact:
        marks.append(compact)
    for index, match in enumerate(runs):
        han, latin = match.group(1), match.group(2)
        if han:
            if term.phrase or len(han) <= 2:
                pieces.append(Piece("han", han, (han,)))
                marks.append(han)
                continue
            words = tuple(w.text for w in segment(han).words)
            long_words = tuple(w for w in words if len(w) >= 2)
            if not long_words:
                pieces.append(Piece("han", han, words))
                marks.append(han)
                continue
            for word in dict.fromkeys(long_words):
                pieces.append(Piece("han", word, (word,)))
                marks.append(word)
            if len(words) > 1:
                phrases.append(han)
                marks.append(han)
        elif latin:
            if term.phrase:
                edge = "exact"
            else:
                first, last = index == 0, index == len(runs) - 1
                edge = "contains" if first and last else "suffix" if first else "prefix" if last else "exact"
            pieces.append(Piece("latin", latin, (latin,), edge))
            marks.append(latin)
    if len(pieces) > 1:
        # A single Han character beside other pieces narrows nothing worth its cost (it expands to
        # every bigram starting with it); the whole term still scores as a phrase.
        pieces = [p for p in pieces if p.kind != "han" or len(p.text) > 1] or pieces
    # Longest first, so that the highlighter prefers the whole phrase over its words.
    ordered_marks = tuple(sorted(dict.fromkeys(marks), key=lambda m: (-len(m), m)))
    exact = compact if term.phrase and len(runs) > 1 else None
    if exact is not None and " " not in exact:
        # Every match holds the phrase as is: mark it whole, never its pieces (月, 5) elsewhere.
        ordered_marks = (exact,)
    return TermPlan(term, tuple(pieces), tuple(dict.fromkeys(phrases)), ordered_marks, exact)
