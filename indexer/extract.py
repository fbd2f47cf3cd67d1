"""Extraction: one :class:`RawDocument` → one :class:`Announcement`, exactly as the index stores it.

``build_announcement(raw)``:

* **title / body**: cleaned with :func:`indexer.clean.clean_text` (original script kept);
* **title**: metadata (readers put an HTML page's title there), else the body's first sentence, cut at
  about :data:`TITLE_CHARS` characters at a clause break (or hard, with ``…``);
* **category**: metadata (readers put a post's category line there), as a facet value (below);
* **source**: metadata, else the source the text states (:func:`indexer.sources.extract_source`), as a
  facet value;
* **date** (publication): the metadata date when it is a valid date, else the date the url or the file
  name carries (``/art/2020/3/20/``, ``20260616``), else the primary date the text states;
  **event_date**: the primary date the text states (:func:`indexer.dates.extract_dates` over title +
  body; the reference for year-less days is :func:`indexer.dates.reference_date`: metadata, url, file
  name, else the text's own first full date); **dates**: every date the text states;
* **people / orgs / places**: :func:`indexer.entities.find_mentions` over title + body, as canonical
  names; **entities**: each of them with the forms the text wrote and their positions in ``title`` /
  ``body`` (:class:`indexer.model.EntityRecord`);
* **id**: metadata, else ``<file stem>`` (a post, a page) or ``<file stem>-<line>`` (a JSON line).

Facet values (:func:`facet_value`) are Simplified and drop trailing provenance notes, so that
``中国科协 (cast.org.cn)`` and the Traditional twin's ``中國科協 (cast.org.cn) [OpenCC s2t 机器转换繁体]``
are the same bucket, ``中国科协``.
"""

from __future__ import annotations

import re
from pathlib import Path

from search.analysis import segment
from search.normalize import to_simplified
from search.urls import http_url

from .clean import clean_text
from .dates import date_in_name, extract_dates, reference_date
from .entities import Mention, entities_of, find_mentions
from .html import parse_date
from .model import Announcement, EntityRecord, Form, Position, RawDocument
from .readers import KNOWN_SUFFIXES
from .sources import extract_source

__all__ = ["build_announcement", "facet_value", "title_from_body", "document_id", "TITLE_CHARS"]

# A first sentence up to TITLE_MAX_CHARS is the title whole; a longer one is cut within TITLE_CHARS (the
# demo corpus's real titles: median 23 characters, 90% ≤ 36, longest 65).
TITLE_CHARS = 40
TITLE_MAX_CHARS = 48
# A clause break closer than this to the start makes a title too short to say anything: cut hard instead.
_MIN_TITLE_CHARS = 12

_SENTENCE_END_RE = re.compile(r"[。！？!?；;]")
# Where to cut, best first: a clause break, else a list comma or a space (a hard cut is the last resort).
_CLAUSE_BREAK_RES = (re.compile(r"[，,：:]"), re.compile(r"[、\s]"))
# A trailing provenance note: a bracketed group after a space, one holding a domain or only Latin text,
# or one in 【】 / [] (``(cast.org.cn)``, ``[OpenCC s2t 机器转换繁体]``, ``【時報】``).
_NOTE_RE = re.compile(
    r"(?:\s+[(（][^()（）]*[)）]|[(（][^()（）]*\.[A-Za-z]{2,}[^()（）]*[)）]|[(（][ -~]*[)）]"
    r"|\s*\[[^\[\]]*\]|\s*【[^【】]*】)\s*$"
)


def facet_value(value: str | None) -> str | None:
    """A source or category as a facet value: Simplified, provenance notes removed, ``None`` if empty."""
    if value is None:
        return None
    text = to_simplified(value.strip())
    while True:
        stripped = _NOTE_RE.sub("", text).strip()
        if stripped == text or not stripped:
            break
        text = stripped
    return text or None


def title_from_body(body: str) -> str:
    """The first sentence of ``body`` (its first line), cut at about :data:`TITLE_CHARS` characters.

    A sentence ending in ``。``/``；`` loses that mark; one longer than :data:`TITLE_MAX_CHARS` is cut at
    its last clause break (``，``, ``：``; else ``、`` or a space) within :data:`TITLE_CHARS`, else hard,
    and ends with ``…``.
    """
    line = body.strip().split("\n", 1)[0].strip()
    m = _SENTENCE_END_RE.search(line)
    sentence = line[: m.end()] if m else line
    sentence = sentence.rstrip("。；;")
    if len(sentence) <= TITLE_MAX_CHARS:
        return sentence
    head = sentence[:TITLE_CHARS]
    cut = TITLE_CHARS
    for pattern in _CLAUSE_BREAK_RES:
        breaks = [b.start() for b in pattern.finditer(head) if b.start() >= _MIN_TITLE_CHARS]
        if breaks:
            cut = breaks[-1]
            break
    return sentence[:cut].rstrip() + "…"


def document_id(raw: RawDocument) -> str:
    """Metadata id, else ``<file stem>`` or ``<file stem>-<line>`` (stable across runs).

    Raises ``ValueError`` for a metadata id no URL can address (``/api/v1/documents/<id>``, ``/doc/<id>``):
    one with a ``/`` or a control character (NUL, line breaks …).
    """
    if raw.id:
        if "/" in raw.id or any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in raw.id):
            raise ValueError(f"id {raw.id!r} cannot be used in a URL (it has a '/' or a control character)")
        return raw.id
    name = Path(raw.origin).name
    lowered = name.lower()
    for suffix in (".gz", *KNOWN_SUFFIXES):
        if lowered.endswith(suffix):
            name, lowered = name[: -len(suffix)], lowered[: -len(suffix)]
    return f"{name}-{raw.line}" if raw.line is not None else name


def entity_records(mentions: list[Mention], full: str, body_start: int) -> list[EntityRecord]:
    """Group ``mentions`` of ``full`` (``title + "\\n" + body``, or the body alone when ``body_start``
    is 0) by canonical name: people, then organizations, then places, each in order of first
    appearance; a form is the text as written in ``full`` (original script) with its positions in the
    title or the body."""
    by_key: dict[tuple[str, str], dict[str, list[Position]]] = {}
    for m in mentions:
        if m.start >= body_start:
            pos = Position("body", m.start - body_start, m.end - body_start, m.implied)
        else:
            pos = Position("title", m.start, m.end, m.implied)
        forms = by_key.setdefault((m.kind, m.canonical), {})
        forms.setdefault(full[m.start : m.end], []).append(pos)
    order = {"person": 0, "org": 1, "place": 2}
    keys = sorted(by_key, key=lambda k: order[k[0]])  # stable: first appearance within a type
    return [
        EntityRecord(name, kind, [Form(text, positions) for text, positions in by_key[(kind, name)].items()])
        for kind, name in keys
    ]


def build_announcement(raw: RawDocument) -> Announcement:
    """Clean and extract one document (see the module docstring).

    Raises ``ValueError`` with a reason when the document has no text left after cleaning.
    """
    body = clean_text(raw.body).text
    if not body:
        raise ValueError("no text after cleaning")
    title = clean_text(raw.title).text.replace("\n", " ") if raw.title else ""
    # A title made from the first sentence adds nothing to extract from: read the body alone then.
    full = f"{title}\n{body}" if title else body
    title = title or title_from_body(body)

    meta_date = parse_date(raw.date) if raw.date else None
    # A file name carries the document's date only for a post or page (a JSON line's file holds many).
    name = Path(raw.origin).name if raw.line is None else None
    reference = reference_date(meta_date, raw.url, name)
    # Entity extraction segments `full` anyway (cached): the dates read its normalized text from there.
    found = extract_dates(full, reference_date=reference, normalized=segment(full).normalized)
    source = facet_value(raw.source) or facet_value(extract_source(body))
    mentions = find_mentions(full)
    entities = entities_of(mentions)
    published = meta_date or date_in_name(raw.url) or (date_in_name(name) if name else None)
    return Announcement(
        id=document_id(raw),
        title=title,
        body=body,
        origin=raw.origin,
        date=published or found.date,
        event_date=found.date,
        entities=entity_records(mentions, full, len(full) - len(body)),
        dates=list(found.dates),
        source=source,
        category=facet_value(raw.category),
        url=http_url(raw.url),  # javascript:, data: … never stored (the writer warns)
        people=list(entities.people),
        orgs=list(entities.orgs),
        places=list(entities.places),
    )
