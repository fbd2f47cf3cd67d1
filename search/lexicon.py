"""The shared lexicon: society names, people, places and domain terms.

One data file (``search/data/lexicon.tsv``, or the file named by the ``lexicon`` setting,
``HUIXUN_LEXICON``, see :mod:`search.settings`) feeds both
jieba (as user words, so the analyzer keeps ``中国自动化学会`` whole at index *and* query time) and
entity extraction (canonical names and aliases), so segmentation and extraction cannot drift apart.

File format: ``type<TAB>canonical<TAB>alias|alias`` per line, ``#`` starts a comment, type is one of
``org``, ``person``, ``place``, ``term``. Every name is stored normalized (Simplified, lower case).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import settings
from .normalize import normalize

__all__ = [
    "Lexicon",
    "LexiconError",
    "DEFAULT_LEXICON_PATH",
    "load_lexicon",
    "lexicon_path",
    "lexicon_fingerprint",
    "use_lexicon",
]

DEFAULT_LEXICON_PATH = Path(__file__).parent / "data" / "lexicon.tsv"
ENTITY_TYPES = ("org", "person", "place", "term")
# jieba part-of-speech tags for user words, as jieba's own dictionary uses them.
JIEBA_TAGS = {"org": "nt", "person": "nr", "place": "ns", "term": "nz"}


class LexiconError(ValueError):
    """The lexicon file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Lexicon:
    """Entries of the lexicon, all normalized.

    ``types`` maps every name and alias to its entity type; ``canonical`` maps every name and alias
    to the canonical name of its entry (``中国科学技术协会`` → ``中国科协``).
    """

    types: dict[str, str] = field(default_factory=dict)
    canonical: dict[str, str] = field(default_factory=dict)

    def type_of(self, name: str) -> str | None:
        return self.types.get(normalize(name))

    def canonical_name(self, name: str) -> str:
        """The canonical form of ``name`` (normalized); unknown names come back normalized."""
        norm = normalize(name)
        return self.canonical.get(norm, norm)

    def words(self) -> list[tuple[str, str]]:
        """Every name and alias with its entity type, for the segmenter."""
        return sorted(self.types.items())


#: The lexicon chosen for this process by :func:`use_lexicon` (``None``: the ``lexicon`` setting).
_chosen: str | None = None


def use_lexicon(path: str | Path | None) -> None:
    """Make ``path`` this process's lexicon (``""``: the packaged one; ``None``: back to the ``lexicon``
    setting). jieba's dictionary is one per process, so the choice is too: ``create_app`` makes it for
    a ``lexicon`` given in its configuration; :func:`search.analysis.reload_lexicon` applies it to a
    segmenter already loaded."""
    global _chosen
    _chosen = None if path is None else str(path)


def lexicon_path() -> Path:
    """The lexicon in use: the one chosen by :func:`use_lexicon`, else the ``lexicon`` setting
    (``HUIXUN_LEXICON``), read through the settings table; empty means the packaged file."""
    value = _chosen if _chosen is not None else settings.get("lexicon")
    return Path(value) if value else DEFAULT_LEXICON_PATH


def lexicon_fingerprint(path: Path | None = None) -> str:
    """The sha256 (hex) of the lexicon file's bytes (default: :func:`lexicon_path`): an index generation
    records the fingerprint it was segmented with, so a web worker can tell its lexicon is stale.

    Raises ``OSError`` if the file is unreadable.
    """
    return hashlib.sha256((path or lexicon_path()).read_bytes()).hexdigest()


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Read a lexicon file. Raises :class:`LexiconError` on a malformed line, ``OSError`` if unreadable."""
    path = path or lexicon_path()
    types: dict[str, str] = {}
    canonical: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 2 or parts[0] not in ENTITY_TYPES or not parts[1].strip():
                raise LexiconError(f"{path}:{lineno}: expected 'type<TAB>name[<TAB>aliases]', got {line!r}")
            kind, name = parts[0], normalize(parts[1].strip())
            aliases = [normalize(a.strip()) for a in parts[2].split("|")] if len(parts) > 2 else []
            for form in [name, *filter(None, aliases)]:
                types.setdefault(form, kind)
                canonical.setdefault(form, name)
    return Lexicon(types=types, canonical=canonical)
