"""A time limit for one search (``HUIXUN_SEARCH_TIMEOUT``), so one pathological query cannot hold a worker.

gunicorn's sync workers serve each request in the process's main thread, where a ``SIGALRM`` timer can
interrupt the search wherever it is (inside Whoosh's matchers, the highlighter, the facet counts) and
raise :class:`webapp.errors.SearchTimeout`, answered 503 ``search_timeout``. The request's searcher is
closed at teardown as usual, so nothing half-done survives. Outside the main thread (Flask's threaded
development server) signals cannot be used and searches run without a limit.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from .errors import SearchTimeout

__all__ = ["time_limit"]


class _Expired(BaseException):
    """Raised by the alarm inside the search. A ``BaseException``, so the ``except Exception`` blocks of
    the code it interrupts cannot swallow it; :func:`time_limit` turns it into :class:`SearchTimeout`."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Run the block with a deadline of ``seconds``; raises :class:`SearchTimeout` when it passes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)  # one-shot timer: disarmed, it cannot fire any more
    except _Expired:
        raise SearchTimeout(seconds) from None
    finally:
        signal.signal(signal.SIGALRM, previous)
