"""Typed records that cross the indexer's stage boundaries (read → clean → extract → write)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple


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
        data = asdict(self)
        data["entities"] = [e.to_json() for e in self.entities]
        return data


class Position(NamedTuple):
    """Where a form is written: ``field`` (``title`` or ``body``) and ``start:end`` offsets into that
    field's text; ``implied`` when the name is only written inside a longer one (嘉兴 in 中共嘉兴市委),
    which gives a facet value but is not a mention of its own. (Named tuples: one is made per mention
    of every indexed document.)"""

    field: str
    start: int
    end: int
    implied: bool = False


class Form(NamedTuple):
    """One form of an entity, exactly as the text wrote it (original script), and where."""

    text: str
    positions: list[Position]


class EntityRecord(NamedTuple):
    """A canonical entity (the facet value) with the forms that produced it."""

    name: str
    type: str
    forms: list[Form]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "forms": [
            {"text": f.text, "positions": [p._asdict() for p in f.positions]} for f in self.forms]}

    def to_stored(self) -> tuple[Any, ...]:
        """Plain tuples for the index (``(name, type, ((text, ((field, s, e, implied), …)), …))``), which
        :func:`search.models.entities_from_stored` reads without importing this module."""
        forms = tuple((f.text, tuple(tuple(p) for p in f.positions)) for f in self.forms)
        return (self.name, self.type, forms)


@dataclass(frozen=True)
class _Notice:
    """Where (``origin``, ``line``) and why (``reason``): what a run reports about one input."""

    origin: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.origin}:{self.line}" if self.line is not None else self.origin
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class IngestError(_Notice):
    """A document or file that could not be read; reported and skipped, never fatal to a batch."""


@dataclass(frozen=True)
class IngestWarning(_Notice):
    """A document that was indexed with something dropped (``reason`` says what and why)."""
