"""Reading: files and directories → :class:`RawDocument` records (or :class:`IngestError` reports).

``read_paths(paths) -> Iterator[RawDocument | IngestError]`` takes files and directories. A directory is
walked recursively in sorted (deterministic) order; hidden files and directories (``.name``) are skipped,
and only files with a known extension are read (``.jsonl``, ``.ndjson``, ``.json``, ``.txt``, ``.html``,
``.htm``, each optionally ``.gz``). A file named explicitly is read whatever its extension: its content
decides (``{`` or ``[`` → JSON, ``<`` with an HTML tag → HTML, else a plain-text post).

Formats:

* **JSON Lines** (UTF-8, as RFC 8259 requires; a BOM is tolerated): one JSON object per line with ``body``
  (plain text) or ``html`` (converted by :mod:`indexer.html`), optional ``id``, ``title``, ``date``,
  ``source``, ``category``, ``url``. An invalid line, a non-object, a record without text: an
  ``IngestError`` with the line number; the next lines are still read. A ``.json`` file may also hold one
  object or an array of objects (``line`` is then the 1-based position in the array).
* **Plain-text posts**: encoding detected (:func:`decode_bytes`); an optional category line on top
  (``Activities``, ``通知公告``, ``学会新闻``: see :func:`split_category_line`) goes to
  ``RawDocument.category``; everything else, including a trailing ``来源：`` line, stays in the body for
  the extractor.
* **HTML pages**: decoded like posts (a ``<meta charset>`` that decodes cleanly wins), then
  :func:`indexer.html.parse_html` gives title, date, source and body.

Limits (:class:`ReadLimits`): a non-JSON-Lines file larger than ``max_file_bytes`` and a JSON line
longer than ``max_line_bytes`` are reported, never loaded. JSON Lines files are streamed line by line,
so their total size is not limited.
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from search.normalize import to_simplified

from .html import NoContent, parse_html
from .model import IngestError, RawDocument

__all__ = ["ReadLimits", "DecodeError", "read_paths", "read_file", "decode_bytes", "split_category_line",
           "KNOWN_SUFFIXES"]

KNOWN_SUFFIXES = (".jsonl", ".ndjson", ".json", ".txt", ".html", ".htm")
_JSON_FIELDS = ("id", "title", "date", "source", "category", "url")


@dataclass(frozen=True)
class ReadLimits:
    """Size caps that turn a huge input into a report instead of an out-of-memory crash."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_line_bytes: int = 16 * 1024 * 1024


class DecodeError(ValueError):
    """Bytes that are not UTF-8, GB18030/GBK or Big5 text (or decode only into implausible text)."""


# ---------------------------------------------------------------------------------------------- encodings

# A decoding is accepted only if this share of its non-space characters is common text: ASCII, CJK
# punctuation, or one of the ~6,700 most frequent Han characters (GB2312 level 1 ∪ Big5 level 1). On the
# demo corpus right decodings score ≥ 0.97 and wrong ones (Big5 read as GBK, GBK read as Big5) ≤ 0.67.
PLAUSIBLE_SHARE = 0.8
_COMMON_PUNCT = frozenset("，。、；：？！“”‘’（）《》【】—…·「」『』〈〉　～・％＋－／")


@functools.lru_cache(maxsize=1)
def _common_chars() -> frozenset[str]:
    chars: set[str] = set()
    for hi in range(0xB0, 0xD8):  # GB2312 level 1 (3,755 characters by frequency of use)
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for hi in range(0xA4, 0xC7):  # Big5 常用字 A440–C67E (5,401 characters)
        for lo in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            if hi == 0xC6 and lo > 0x7E:
                break
            try:
                chars.add(bytes((hi, lo)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars) | _COMMON_PUNCT


def plausibility(text: str) -> float:
    """Share of ``text``'s non-space characters that are common (ASCII, CJK punctuation, frequent Han)."""
    common = _common_chars()
    total = good = 0
    for char in text:
        if char.isspace():
            continue
        total += 1
        if (char.isascii() and char.isprintable()) or char in common:
            good += 1
    return good / total if total else 1.0


def _utf8_error(data: bytes, exc: UnicodeDecodeError) -> DecodeError | None:
    """A :class:`DecodeError` if ``data`` is UTF-8 with a few bad bytes (not another encoding)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = sum(1 for c in text if ord(c) > 0x7F) - bad
    if multibyte and bad <= max(2, multibyte // 20):
        return DecodeError(f"invalid UTF-8 at byte {exc.start} ({bad} bad sequence(s))")
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode a post or page: ``(text, encoding)``.

    Order: a BOM (UTF-8, UTF-16); ``declared`` (an HTML ``<meta charset>``) if it decodes strictly;
    strict UTF-8; else GB18030 and Big5 (cp950), each strict, the more plausible one winning (see
    :func:`plausibility`). Raises :class:`DecodeError` when nothing decodes, when the bytes are UTF-8
    with a few corrupt bytes, or when the best decoding is implausible (mojibake rather than text).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid UTF-8 at byte {exc.start + 3} after a UTF-8 BOM") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid UTF-16 at byte {exc.start}") from None
    if declared:
        try:
            text = data.decode(declared)
            if plausibility(text) >= PLAUSIBLE_SHARE:
                return text, declared.lower()
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong declaration is common; detection below decides
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        corrupt = _utf8_error(data, exc)
        if corrupt is not None:
            raise corrupt from None
    candidates: list[tuple[float, str, str]] = []
    for encoding in ("gb18030", "cp950"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((plausibility(text), encoding, text))
    if not candidates:
        raise DecodeError("cannot decode: not UTF-8, GB18030/GBK or Big5")
    share, encoding, text = max(candidates)
    if share < PLAUSIBLE_SHARE:
        raise DecodeError(f"cannot decode reliably: best guess {encoding} gives implausible text "
                          f"({share:.0%} common characters)")
    return text, encoding


_META_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_-]+)", re.IGNORECASE)


def _declared_charset(head: bytes) -> str | None:
    m = _META_CHARSET_RE.search(head[:4096])
    return m.group(1).decode("ascii").lower() if m else None


# ---------------------------------------------------------------------------------------- category line

# A first line is a category label (not the opening sentence) when it is short, has no sentence
# punctuation, and is either a Latin label (``Activities``, ``events/event``) or Chinese ending in a word
# that names a kind of section.
_LATIN_LABEL_RE = re.compile(r"[A-Za-z][A-Za-z&/_ -]{1,29}")
_HAN_LABEL_RE = re.compile(
    r"[\u4e00-\u9fffA-Za-z /·]{0,10}"
    r"(?:新闻|动态|公告|通知|活动|资讯|要闻|工作|信息|快讯|简讯|科协|学会|服务|会议|通讯|报道|专题|党建|科普|公示|"
    r"公示公告|通告|消息|聚焦|视点|传真|园地|交流|风采|概况|简报)"
)
MAX_CATEGORY_CHARS = 16


def split_category_line(text: str) -> tuple[str | None, str]:
    """``(category, rest)`` if ``text`` opens with a category line, else ``(None, text)``.

    Only a first line of at most :data:`MAX_CATEGORY_CHARS` characters, followed by more text, and shaped
    like a label (see ``_LATIN_LABEL_RE`` / ``_HAN_LABEL_RE``, matched on the Simplified form) counts.
    """
    stripped = text.lstrip("\ufeff \t\r\n\u3000")
    first, newline, rest = stripped.partition("\n")
    label = first.strip(" \t\r\u3000")
    if not newline or not rest.strip() or not label or len(label) > MAX_CATEGORY_CHARS:
        return None, text
    if _LATIN_LABEL_RE.fullmatch(label) and len(label.split()) <= 3:
        return label, rest
    if _HAN_LABEL_RE.fullmatch(to_simplified(label)):
        return label, rest
    return None, text


# --------------------------------------------------------------------------------------------- formats


def _opener(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        return gzip.GzipFile(path, "rb")  # type: ignore[return-value]  # a binary file object
    return path.open("rb")


def _format_of(path: Path, head: bytes) -> str:
    """``jsonl`` / ``json`` / ``html`` / ``text`` from the extension, else from the first bytes."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".json"):
        return "json"
    if name.endswith((".html", ".htm")):
        return "html"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.endswith(".txt"):
        return "text"
    if start.startswith((b"{", b"[")):
        return "json"
    if re.match(rb"<(?:!doctype|html|head|body|meta|title|div|p|table|article)\b", start, re.IGNORECASE):
        return "html"
    return "text"


def _record_to_raw(record: Any, origin: str, line: int) -> RawDocument | IngestError:
    if not isinstance(record, dict):
        return IngestError(origin, line, f"not a JSON object ({type(record).__name__})")
    fields: dict[str, str | None] = {}
    for name in _JSON_FIELDS:
        value = record.get(name)
        if value is None or isinstance(value, str):
            fields[name] = (value.strip() or None) if isinstance(value, str) else None
        elif isinstance(value, int | float) and not isinstance(value, bool):
            fields[name] = str(value)
        else:
            return IngestError(origin, line, f"field {name!r} must be a string, not {type(value).__name__}")
    body = record.get("body")
    markup = record.get("html")
    if isinstance(body, str) and body.strip():
        text = body
    elif isinstance(markup, str) and markup.strip():
        try:
            page = parse_html(markup, url=fields["url"])
        except NoContent as exc:
            return IngestError(origin, line, str(exc))
        text = page.body
        fields["title"] = fields["title"] or page.title
        fields["date"] = fields["date"] or page.date
        fields["source"] = fields["source"] or page.source
    else:
        return IngestError(origin, line, "record has no text (no non-empty 'body' or 'html')")
    return RawDocument(origin=origin, line=line, id=fields["id"], body=text, title=fields["title"],
                       date=fields["date"], source=fields["source"], category=fields["category"],
                       url=fields["url"])


def _read_jsonl(stream: IO[bytes], origin: str, limits: ReadLimits) -> Iterator[RawDocument | IngestError]:
    number = 0
    while True:
        raw = stream.readline(limits.max_line_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limits.max_line_bytes and not raw.endswith(b"\n"):
            # Skip the rest of the oversized line without holding it in memory.
            while (chunk := stream.readline(1024 * 1024)) and not chunk.endswith(b"\n"):
                pass
            yield IngestError(origin, number, f"line longer than {limits.max_line_bytes} bytes")
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield IngestError(origin, number, f"invalid UTF-8 at byte {exc.start} of the line")
            continue
        except json.JSONDecodeError as exc:
            yield IngestError(origin, number, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        yield _record_to_raw(record, origin, number)


def _read_json(data: bytes, origin: str, limits: ReadLimits) -> Iterator[RawDocument | IngestError]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        # Not one JSON document: most likely JSON Lines under a .json name.
        yield from _read_jsonl(io.BytesIO(data), origin, limits)
        return
    records = document if isinstance(document, list) else [document]
    for position, record in enumerate(records, start=1):
        yield _record_to_raw(record, origin, position)


def _read_text(data: bytes, origin: str) -> RawDocument | IngestError:
    try:
        text, _ = decode_bytes(data)
    except DecodeError as exc:
        return IngestError(origin, None, str(exc))
    category, body = split_category_line(text)
    if not body.strip():
        return IngestError(origin, None, "empty file")
    return RawDocument(origin=origin, line=None, id=None, body=body, category=category)


def _read_html(data: bytes, origin: str) -> RawDocument | IngestError:
    try:
        markup, _ = decode_bytes(data, declared=_declared_charset(data))
        page = parse_html(markup)
    except (DecodeError, NoContent) as exc:
        return IngestError(origin, None, str(exc))
    return RawDocument(origin=origin, line=None, id=None, body=page.body, title=page.title, date=page.date,
                       source=page.source)


def read_file(path: Path, limits: ReadLimits = ReadLimits()) -> Iterator[RawDocument | IngestError]:
    """Documents of one file (any extension; the content decides). I/O errors become reports."""
    origin = str(path)
    try:
        with _opener(path) as stream:
            head = stream.read(4096)
            kind = _format_of(path, head)
            if kind == "jsonl":
                stream.seek(0)
                yield from _read_jsonl(stream, origin, limits)
                return
            rest = stream.read(limits.max_file_bytes + 1 - len(head))
            data = head + rest
            if len(data) > limits.max_file_bytes:
                yield IngestError(origin, None, f"file larger than {limits.max_file_bytes} bytes")
                return
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        yield IngestError(origin, None, f"cannot read: {reason}")
        return
    if kind == "json":
        yield from _read_json(data, origin, limits)
    elif kind == "html":
        yield _read_html(data, origin)
    else:
        yield _read_text(data, origin)


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _walk(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*")):
        if not path.is_file() or _is_hidden(path, root):
            continue
        if path.name.lower().removesuffix(".gz").endswith(KNOWN_SUFFIXES):
            yield path


def read_paths(paths: Sequence[str | Path], limits: ReadLimits = ReadLimits()
               ) -> Iterator[RawDocument | IngestError]:
    """Every document in ``paths`` (files and directories, in the given order; see the module docstring).

    Never raises for bad input: a missing path, an unreadable or undecodable file, an invalid line are
    yielded as :class:`IngestError` and reading goes on.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in _walk(path):
                yield from read_file(file, limits)
        elif path.is_file():
            yield from read_file(path, limits)
        else:
            yield IngestError(str(path), None, "no such file or directory")
