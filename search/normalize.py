"""Length-preserving text normalization, applied before segmentation on both sides.

Contract: ``normalize(text)`` returns a string of exactly ``len(text)`` characters in which
character *i* is the normalized form of character *i* of the input. Because of that, every token
offset computed on the normalized text is also an offset into the original text, and highlights
land on the characters the reader sees (Traditional or Simplified, full- or half-width).

Steps, in order:

1. Traditional → Simplified with OpenCC's phrase-level ``t2s`` configuration (jieba's dictionary
   is Simplified; phrase-level conversion keeps ``乾隆`` as ``乾隆``, unlike per-character tables).
   OpenCC ``t2s`` is length preserving in practice; if a chunk ever converts to a different
   length, that chunk is converted character by character instead, so the contract always holds.
2. Full-width ASCII (U+FF01–U+FF5E) → ASCII, ideographic space → space.
3. Lower case, character by character where ``str.lower`` would change the length (``İ``).
"""

from __future__ import annotations

import functools
import re
import threading

import opencc

__all__ = ["normalize", "to_simplified", "is_han", "HAN_CLASS", "HAN_RE", "RUN_RE", "WIDTH_TABLE"]

# CJK Unified Ideographs (+ Extension A and compatibility ideographs) and 〇, which is a numeral
# in dates such as 二〇二一年.
HAN_CLASS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN_CLASS}]+")
#: The runs of a normalized text that the analyzer and the query language read: a Han run (group 1),
#: or a Latin/number run (group 2) that may contain inner dots, dashes, slashes, colons and end in plus
#: signs (versions 3.6.3, ids PD1728, dates 2021-01-18, covid-19, c++).
RUN_RE = re.compile(f"([{HAN_CLASS}]+)|([0-9a-z]++(?:[._\\-/:][0-9a-z]++)*+\\+*+)")  # possessive: linear

#: Full-width ASCII → ASCII, ideographic space → space (``str.translate`` table).
WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
WIDTH_TABLE[0x3000] = 0x20  # ideographic space
# ``str.translate`` looks every character up in the table; translating only the runs of wide
# characters (Chinese text is mostly Han with a full-width ，or ： here and there) is twice as fast.
_WIDE_RE = re.compile("[\uff01-\uff5e\u3000]+")


def _narrow(match: re.Match[str]) -> str:
    return match.group().translate(WIDTH_TABLE)

_local = threading.local()
# Chunks converted separately if a whole-text conversion ever changes the length.
_CHUNK_RE = re.compile(r"[^\n。！？；，、,.!?;]*[\n。！？；，、,.!?;]?")


def _converter() -> opencc.OpenCC:
    # OpenCC objects are cheap but not documented as thread safe: one per thread.
    conv = getattr(_local, "converter", None)
    if conv is None:
        conv = opencc.OpenCC("t2s")
        _local.converter = conv
    return conv


def is_han(char: str) -> bool:
    """True when ``char`` is a single Han ideograph (or 〇)."""
    return bool(HAN_RE.fullmatch(char))


def _t2s_exact_length(text: str) -> str:
    conv = _converter()
    out = conv.convert(text)
    if len(out) == len(text):
        return out
    parts = []
    for chunk in _CHUNK_RE.findall(text):
        converted = conv.convert(chunk)
        if len(converted) != len(chunk):
            converted = "".join(_char_t2s(c) for c in chunk)
        parts.append(converted)
    return "".join(parts)


@functools.lru_cache(maxsize=65536)
def _char_t2s(char: str) -> str:
    converted = _converter().convert(char)
    return converted if len(converted) == 1 else char


def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC ``t2s``), guaranteed to keep the length of ``text``."""
    if not text:
        return text
    return _t2s_exact_length(text)


def normalize(text: str) -> str:
    """Return the normalized form of ``text``: Simplified, half-width, lower case, same length."""
    if not text:
        return text
    out = _WIDE_RE.sub(_narrow, _t2s_exact_length(text))
    lowered = out.lower()
    if len(lowered) != len(out):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in out)
    return lowered
