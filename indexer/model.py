"""Typed records that cross the indexer's stage boundaries (read → clean → extract → write)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class RawDocument:
    """One document as a reader found it, before cleaning.

    ``origin`` is the file it came from and ``line`` its line (JSON Lines) or ``None``; ``body`` is
    plain text (already converted from HTML where the input was HTML). Metadata fields are ``None``
    when the input does not state them.
    """

    origin: str
    line: int | None
    id: str | None
    body: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    category: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Announcement:
    """A clean, structured announcement, exactly as the index stores it.

    ``title`` and ``body`` are the cleaned text in the original script; ``date`` is ``YYYY-MM-DD`` or
    ``None``; ``dates`` every date the text states, sorted; ``people``/``orgs``/``places`` are canonical
    Simplified names, distinct, in order of first appearance.
    """

    id: str
    title: str
    body: str
    origin: str
    date: str | None = None
    dates: list[str] = field(default_factory=list)
    source: str | None = None
    category: str | None = None
    url: str | None = None
    people: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class IngestError:
    """A document or file that could not be read; reported and skipped, never fatal to a batch."""

    origin: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.origin}:{self.line}" if self.line is not None else self.origin
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class IngestWarning:
    """A document that was indexed with something dropped (``reason`` says what and why)."""

    origin: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.origin}:{self.line}" if self.line is not None else self.origin
        return f"{where}: {self.reason}"
