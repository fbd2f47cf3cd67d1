"""The index as the web app sees it: opened once per worker, one searcher per request.

:class:`IndexHolder` opens the live index lazily (so gunicorn's ``preload_app`` master never holds
one: each worker opens its own after fork) and reopens it when the ``live`` symlink points to a new
generation (``huixun index --rebuild``). Incremental commits into the same generation are seen by
every new searcher (Whoosh reads the latest table of contents when a searcher opens). The flaskr
``get_db``/``close_db`` shape: :func:`get_searcher` keeps one searcher in ``g``, closed at teardown.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import Flask, current_app, g
from whoosh.index import Index
from whoosh.searching import Searcher

from search.store import IndexMeta, IndexStore

__all__ = ["IndexHolder", "get_searcher", "init_app"]


class IndexHolder:
    """The live index of ``index_dir`` for this process."""

    def __init__(self, index_dir: str | os.PathLike[str]):
        self.store = IndexStore(index_dir)
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._opened_for: tuple[int, str] | None = None  # (pid, live target) of self._index

    def _live_target(self) -> str:
        return str(self.store.live_dir())

    def index(self) -> Index:
        """The live index, opening or reopening it as needed.

        Raises :class:`search.store.IndexNotFound` or ``SchemaVersionMismatch`` when it cannot be opened.
        """
        key = (os.getpid(), self._live_target())
        if self._index is None or self._opened_for != key:
            with self._lock:
                if self._index is None or self._opened_for != key:
                    self._index = self.store.open()
                    self._opened_for = key
        return self._index

    def searcher(self) -> Searcher:
        """A new searcher over the latest commit of the live generation (the caller closes it)."""
        return self.index().searcher()

    def meta(self) -> IndexMeta:
        return self.store.meta()

    @property
    def root(self) -> Path:
        return self.store.root


def holder() -> IndexHolder:
    return current_app.extensions["huixun_index"]  # type: ignore[no-any-return]


def get_searcher() -> Searcher:
    """This request's searcher (opened on first use, closed at teardown)."""
    if "searcher" not in g:
        g.searcher = holder().searcher()
    return g.searcher  # type: ignore[no-any-return]


def _close_searcher(_exc: BaseException | None = None) -> None:
    searcher = g.pop("searcher", None)
    if searcher is not None:
        searcher.close()


def init_app(app: Flask, index_dir: str | os.PathLike[str]) -> None:
    app.extensions["huixun_index"] = IndexHolder(index_dir)
    app.teardown_appcontext(_close_searcher)
