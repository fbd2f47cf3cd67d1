"""Settings, each declared once with its type, default and help text.

Values come from the defaults, then ``HUIXUN_<NAME>`` environment variables, then explicit overrides
(``create_app(test_config)``, CLI options). A wrong type or an unknown key fails at start-up with a
:class:`SettingsError` naming the setting. The README's configuration table lists every setting in
:data:`SETTINGS` (a test checks it).

Settings used by several packages (the index location, the lexicon) are declared here; the web app
declares its own with :func:`declare` in ``webapp.settings``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Setting",
    "SettingsError",
    "SETTINGS",
    "declare",
    "resolve",
    "get",
    "ProcessSetting",
    "DEFAULT_INDEX_DIR",
]

DEFAULT_INDEX_DIR = "var/index"


class SettingsError(ValueError):
    """A setting has a value of the wrong type, or an unknown setting was given."""


@dataclass(frozen=True)
class Setting:
    """One setting: ``name`` is lower case (``index_dir``); its variable is ``HUIXUN_INDEX_DIR``."""

    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env_var(self) -> str:
        return "HUIXUN_" + self.name.upper()

    def coerce(self, value: Any) -> Any:
        """Parse a string (from the environment) or check an already typed value."""
        try:
            if isinstance(value, str):
                return self.parse(value)
            if self.parse in (int, float) and isinstance(value, bool):
                raise TypeError("a boolean is not a number")
            return self.parse(value) if self.parse in (int, float) else value
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"{self.env_var}: invalid value {value!r} ({exc})") from None


def parse_bool(value: str | bool) -> bool:
    if isinstance(value, bool):
        return value
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true/false")


def parse_list(value: str | list[str]) -> list[str]:
    if isinstance(value, list):
        return value
    return [part.strip() for part in value.split(",") if part.strip()]


def parse_positive_int(value: str | int) -> int:
    """An integer of at least 1 (a count, a size)."""
    number = int(value)
    if number < 1:
        raise ValueError("must be at least 1")
    return number


def parse_positive_float(value: str | float) -> float:
    """A number greater than 0 (seconds, a rate)."""
    number = float(value)
    if number <= 0:
        raise ValueError("must be greater than 0")
    return number


SETTINGS: dict[str, Setting] = {}


def declare(name: str, default: Any, help: str, parse: Callable[[str], Any] = str) -> Setting:
    """Register a setting (once per name) and return it."""
    if name in SETTINGS:
        raise SettingsError(f"setting {name!r} declared twice")
    setting = Setting(name, default, help, parse)
    SETTINGS[name] = setting
    return setting


declare(
    "index_dir",
    DEFAULT_INDEX_DIR,
    "Directory of the search index (relative paths: from the working directory).",
)
declare(
    "lexicon",
    "",
    "Path of the lexicon file (TSV); empty means the one packaged in search/data/lexicon.tsv.",
)
declare(
    "cache_mb",
    256,
    "Memory (MB) the query caches of one index generation may hold in each worker (posting lists and "
    "derived results, half each); the least recently used go first.",
    parse_positive_int,
)
declare(
    "facet_exact_limit",
    100_000,
    "Facet counts are exact for up to this many matching documents; above it they are estimated from "
    "an even sample of the matches (the answer says so: facets.estimated).",
    parse_positive_int,
)


def resolve(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    names: list[str] | None = None,
) -> dict[str, Any]:
    """Defaults, then ``HUIXUN_*`` variables, then ``overrides`` (lower-case names).

    Raises :class:`SettingsError` for an unknown override key or a value of the wrong type.
    """
    environ = os.environ if environ is None else environ
    wanted = names if names is not None else list(SETTINGS)
    values: dict[str, Any] = {}
    for name in wanted:
        setting = SETTINGS[name]
        values[name] = setting.default
        if setting.env_var in environ:
            values[name] = setting.coerce(environ[setting.env_var])
    for key, value in (overrides or {}).items():
        name = key.lower()
        if name not in SETTINGS:
            raise SettingsError(f"unknown setting {key!r}")
        values[name] = SETTINGS[name].coerce(value)
    return values


def get(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """The value of one setting from its default and the environment."""
    return resolve(environ=environ, names=[name])[name]


class ProcessSetting:
    """A setting whose value is the whole process's, not one app's (a bound of caches shared by every
    app of the process): the setting from the environment, read on first use, unless :meth:`use`
    gave one (``create_app(test_config)``; ``use(None)`` goes back to the setting). Read on hot paths
    (every cache insertion, every search): the environment is parsed once, not at every read."""

    def __init__(self, name: str):
        self.name = name
        self._given: Any = None
        self._from_environment: Any = None

    def use(self, value: Any) -> None:
        self._given = value

    def get(self) -> Any:
        if self._given is not None:
            return self._given
        if self._from_environment is None:
            self._from_environment = get(self.name)
        return self._from_environment


# -- the ingest API and its worker (shared by the web app, ``huixun worker`` and ``huixun keys``) --------
declare(
    "ingest_db",
    "",
    "SQLite file of the API keys and the task queue; empty means ingest.sqlite3 in the index directory.",
)
declare(
    "ingest_max_bytes",
    10 * 1024 * 1024,
    "Largest request body POST /api/v1/documents accepts, in bytes (larger: error 413).",
    parse_positive_int,
)
declare(
    "ingest_max_documents",
    10_000,
    "Most documents one POST /api/v1/documents may hold (more: error 413).",
    parse_positive_int,
)
declare(
    "worker_poll",
    0.2,
    "Seconds huixun worker waits between looks at an empty task queue.",
    parse_positive_float,
)
declare(
    "worker_batch",
    100,
    "Most tasks huixun worker applies in one index commit.",
    parse_positive_int,
)
declare(
    "serve_worker",
    True,
    "Whether huixun serve also runs huixun worker (the one process that applies ingest tasks).",
    parse_bool,
)


INGEST_DB_NAME = "ingest.sqlite3"


def ingest_db_path(environ: Mapping[str, str] | None = None, index_dir: str | None = None) -> str:
    """The task queue's SQLite file: ``HUIXUN_INGEST_DB``, else ``ingest.sqlite3`` in the index directory."""
    values = resolve(environ=environ, names=["ingest_db", "index_dir"])
    if values["ingest_db"]:
        return str(values["ingest_db"])
    return os.path.join(index_dir or values["index_dir"], INGEST_DB_NAME)
