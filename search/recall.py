"""Full-recall queries over the ``grams`` field: any string of Han characters finds every document
that contains it (after normalization), whatever jieba made of the surrounding text.

The ``grams`` field indexes every Han bigram of title + body at the position of its first character
(positions are character offsets) and the last character of every Han run as a unigram. So:

* a string of two or more Han characters occurs in a document exactly when its consecutive bigrams
  occur at consecutive positions: a :class:`~whoosh.query.Phrase` of those bigrams (``slop=1``);
* a single character occurs exactly when some bigram starts with it or a run ends with it: a
  :class:`~whoosh.query.Prefix` on the character.

Whole-word ranking is not this module's business: combine these recall queries with a query on the
word fields (``title``, ``body``) so that documents where the string is a whole word score higher.
"""

from __future__ import annotations

import re

from whoosh import query

from .normalize import HAN_CLASS, normalize

__all__ = ["GRAMS_FIELD", "substring_query", "han_substring_query"]

GRAMS_FIELD = "grams"
_RUN_RE = re.compile(f"([{HAN_CLASS}]+)|([0-9a-z]+(?:[._\\-/:][0-9a-z]+)*\\+*)")


def han_substring_query(han: str, field: str = GRAMS_FIELD) -> query.Query:
    """The recall query for a run of Han characters (normalized or not; it is normalized here).

    :raises ValueError: ``han`` is empty or contains a character that is not Han.
    """
    norm = normalize(han)
    if not norm or not re.fullmatch(f"[{HAN_CLASS}]+", norm):
        raise ValueError(f"not a run of Han characters: {han!r}")
    if len(norm) == 1:
        return query.Prefix(field, norm)
    grams = [norm[i : i + 2] for i in range(len(norm) - 1)]
    if len(grams) == 1:
        return query.Term(field, grams[0])
    return query.Phrase(field, grams, slop=1)


def substring_query(text: str, latin_fields: tuple[str, ...] = ("title", "body")) -> query.Query:
    """A query matching the documents that contain every run of ``text``.

    ``text`` is normalized (Traditional → Simplified, full → half width, lower case) and cut into
    Han runs and Latin/number runs exactly as the analyzer cuts documents. Each Han run becomes a
    :func:`han_substring_query` on ``grams``; each Latin/number run (``3.6.3``, ``covid-19``, ``2021``)
    a term on ``latin_fields`` (they are indexed whole). All runs must match (``And``); adjacency
    between runs is not required. Punctuation and spaces only separate runs.

    Examples: ``substring_query("學會")`` finds ``中國自動化學會``; ``substring_query("學")`` every
    document with the character 学/學.

    :raises ValueError: ``text`` contains no Han character, letter or digit.
    """
    parts: list[query.Query] = []
    for match in _RUN_RE.finditer(normalize(text)):
        if match.group(1):
            parts.append(han_substring_query(match.group(1)))
        else:
            word = match.group(2)
            parts.append(query.Or([query.Term(field, word) for field in latin_fields]))
    if not parts:
        raise ValueError(f"nothing to search for in {text!r}")
    return parts[0] if len(parts) == 1 else query.And(parts)
