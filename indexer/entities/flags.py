"""What the rules know about one word: lexicon type, jieba tag and the ``_F_*`` flags, cached by text.

The caches (lexicon, aliases, tags, flags) hold lexicon-derived data: they are emptied by
:func:`search.analysis.reload_lexicon` through its reload hook, so a reloaded lexicon is read again."""

from __future__ import annotations

import functools

from search.analysis import Word, on_lexicon_reload, pos_tag
from search.lexicon import Lexicon, load_lexicon

from .tables import (
    _HEAD_LAST_CHARS,
    _NAME_STOP,
    _NOT_GIVEN,
    _PLACE_STOP,
    _SMALL_PLACE_FINAL,
    _SURNAME_RE,
    _SURNAMES,
)


@functools.cache
def _lexicon() -> Lexicon:
    return load_lexicon()


@functools.cache
def _aliases() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for form, canon in _lexicon().canonical.items():
        groups.setdefault(canon, {canon}).add(form)
    return {canon: frozenset(forms) for canon, forms in groups.items()}


def entity_forms(name: str) -> set[str]:
    """Every form of ``name`` known to the lexicon (canonical name and aliases), normalized; for scoring."""
    canon = _lexicon().canonical_name(name)
    return set(_aliases().get(canon, frozenset({canon}))) | {canon}


def _tag(word: Word) -> str:
    if not word.han:
        return "eng"
    return _TAGS.get(word.text) or _tag_of(word.text)


#: word → jieba tag, filled as words are met. A plain dict rather than ``functools.lru_cache``: the
#: rules look a tag up about once per word of every document, and ``_TAGS.get`` is the cheapest call.
_TAGS: dict[str, str] = {}
_TAGS_MAX = 1 << 17  # cleared when full (a worker meets a few hundred thousand distinct words)


def _tag_of(text: str) -> str:
    tag = _TAGS.get(text)
    if tag is None:
        if len(_TAGS) >= _TAGS_MAX:
            _TAGS.clear()
        tag = _TAGS[text] = pos_tag(text)
    return tag


# What the rules need to know about one word, by its text (see _word_flags).
_F_ORG = 1  # a lexicon organization
_F_PERSON = 2  # a lexicon person, or a dictionary name word (nr/nrfg, 2–3 characters, a surname first)
_F_PLACE = 4  # a place candidate of _find_places
_F_HEAD = 8  # may end an organization name (its last character; _org_head decides)
_F_LED = 16  # a two-character lexicon place starting with a surname (韩国 of 韩国瑜)
_F_GIVEN = 32  # one character jieba tags as a given name (瑜)
_F_NR = 64  # two or three characters jieba tags as a name
#: text → flags; like _TAGS, valid until the lexicon is reloaded (_clear_caches). Cleared when full.
_FLAGS: dict[str, int] = {}


def _word_flags(text: str) -> int:
    """The ``_F_*`` flags of a Han word (cached)."""
    flags = _FLAGS.get(text)
    if flags is not None:
        return flags
    lex = _lexicon()
    kind = lex.types.get(text)
    n = len(text)
    tag = _tag_of(text)
    flags = 0
    if kind == "org":
        flags |= _F_ORG
    if n >= 2 and text not in _NAME_STOP and (kind == "person" or (
            n <= 3 and tag in ("nr", "nrfg") and _SURNAME_RE.match(text))):
        flags |= _F_PERSON
    small = n == 3 and text[-1] in _SMALL_PLACE_FINAL  # may be a _small_place_word
    if n >= 2 and text not in _PLACE_STOP and (kind == "place" or (kind is None and (tag == "ns" or small))):
        flags |= _F_PLACE
    if text[-1] in _HEAD_LAST_CHARS:
        flags |= _F_HEAD
    if n == 2 and text[0] in _SURNAMES and kind == "place":
        flags |= _F_LED
    if n == 1 and text not in _NOT_GIVEN and tag in ("nr", "nrfg"):
        flags |= _F_GIVEN
    if 2 <= n <= 3 and tag in ("nr", "nrfg"):
        flags |= _F_NR
    if len(_FLAGS) >= _TAGS_MAX:
        _FLAGS.clear()
    _FLAGS[text] = flags
    return flags


class _Index:
    """The positions in ``words`` of the words each rule starts from, found in one pass: most words
    are none of these, and one dictionary lookup per word is cheaper than a test per rule."""

    def __init__(self, words: tuple[Word, ...]) -> None:
        get = _FLAGS.get
        # Comprehensions rather than one loop: most words have no flag, and skipping them there is cheap.
        all_flags = [get(w.text, -1) if w.han else 0 for w in words]
        if -1 in all_flags:  # words not met before
            for i in [i for i, flags in enumerate(all_flags) if flags < 0]:
                all_flags[i] = _word_flags(words[i].text)
        flagged = [(i, flags) for i, flags in enumerate(all_flags) if flags]
        self.orgs = [i for i, flags in flagged if flags & _F_ORG]
        self.people = [i for i, flags in flagged if flags & _F_PERSON]
        self.places = [i for i, flags in flagged if flags & _F_PLACE]
        self.heads = [i for i, flags in flagged if flags & _F_HEAD]
        self.led = [i for i, flags in flagged if flags & _F_LED]
        self.given = {i for i, flags in flagged if flags & _F_GIVEN}
        self.names = [i for i, flags in flagged if flags & _F_NR]


@on_lexicon_reload
def _clear_caches() -> None:
    """Forget every lexicon-derived value: a reloaded lexicon changes types, aliases and jieba's tags."""
    _lexicon.cache_clear()
    _aliases.cache_clear()
    _TAGS.clear()
    _FLAGS.clear()
