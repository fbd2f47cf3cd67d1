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

    ``title`` and ``body`` are the cleaned text in the original script; ``date`` (the publication date)
    is ``YYYY-MM-DD`` or ``None``; ``event_date`` the primary date the text states (its event), or
    ``None``; ``dates`` every date the text states, sorted; ``people``/``orgs``/``places`` are canonical
    Simplified names, distinct, in order of first appearance. ``entities`` traces them to the text: one
    :class:`EntityRecord` per canonical name (``name``, ``type`` person/org/place, and each form the text
    wrote, as written, with its positions in ``title`` or ``body``).
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
    event_date: str | None = None
    entities: list[EntityRecord] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Position:
    """Where a form is written: ``field`` (``title`` or ``body``) and ``start:end`` offsets into that
    field's text; ``implied`` when the name is only written inside a longer one (嘉兴 in 中共嘉兴市委),
    which gives a facet value but is not a mention of its own."""

    field: str
    start: int
    end: int
    implied: bool = False


@dataclass(frozen=True)
class Form:
    """One form of an entity, exactly as the text wrote it (original script), and where."""

    text: str
    positions: list[Position] = field(default_factory=list)


@dataclass(frozen=True)
class EntityRecord:
    """A canonical entity (the facet value) with the forms that produced it."""

    name: str
    type: str
    forms: list[Form] = field(default_factory=list)

    def to_stored(self) -> tuple[Any, ...]:
        """A compact, picklable form for the index (``(name, type, ((text, ((field, s, e, implied),
        …)), …))``); :meth:`from_stored` reads it back."""
        return (self.name, self.type, tuple(
            (f.text, tuple((p.field, p.start, p.end, p.implied) for p in f.positions)) for f in self.forms))

    @classmethod
    def from_stored(cls, value: Any) -> EntityRecord:
        name, kind, forms = value
        return cls(name, kind, [Form(text, [Position(*p) for p in positions]) for text, positions in forms])


@dataclass(frozen=True)
class IngestError:
    """A document or file that could not be read; reported and skipped, never fatal to a batch."""

    origin: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.origin}:{self.line}" if self.line is not None else self.origin
        return f"{where}: {self.reason}"
