"""A time limit for one search (``HUIXUN_SEARCH_TIMEOUT``), so one pathological query cannot hold a worker.

gunicorn's worker (``webapp.gworker``) serves requests in pool threads, where ``SIGALRM`` cannot reach.
A timer thread instead raises an exception *in the searching thread* with CPython's
``PyThreadState_SetAsyncExc``: it is delivered at the next bytecode boundary, wherever the search is
(inside Whoosh's matchers, the highlighter, the facet counts), exactly like a signal handler's
exception would be, and :func:`time_limit` turns it into :class:`webapp.errors.SearchTimeout`, answered
503 ``search_timeout``. The request's searcher is closed at teardown as usual, so nothing half-done
survives. Arming and disarming take one lock shared with the timer, so the exception can never land
after the block has ended; a block that ends past the limit before the timer ran (it waits for the
GIL) is a timeout too.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import SearchTimeout

__all__ = ["time_limit"]

_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = [ctypes.c_ulong, ctypes.py_object]


class _Expired(BaseException):
    """Raised by the timer inside the search. A ``BaseException``, so the ``except Exception`` blocks of
    the code it interrupts cannot swallow it; :func:`time_limit` turns it into :class:`SearchTimeout`."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Run the block with a deadline of ``seconds``; raises :class:`SearchTimeout` when it passes."""
    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"armed": True, "fired": False}

    def expire() -> None:
        with lock:
            if state["armed"]:
                state["fired"] = True
                _set_async_exc(thread_id, _Expired)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    started = time.monotonic()
    try:
        try:
            timer.start()
            yield
        finally:
            timer.cancel()
            with lock:
                state["armed"] = False
                if state["fired"]:
                    # Fired but not delivered yet (the block ended first): take it back.
                    _set_async_exc(thread_id, ctypes.py_object())
    except _Expired:
        raise SearchTimeout(seconds) from None
    if time.monotonic() - started > seconds:
        # The timer thread waits for the GIL (up to the switch interval, 5 ms): a block that ended
        # past the limit before the timer ran is over time all the same.
        raise SearchTimeout(seconds)
