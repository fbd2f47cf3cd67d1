"""A per-client token bucket for the API, one limit per client across all gunicorn workers.

Each client (its address) has a bucket of ``burst`` tokens refilled at ``rate`` tokens per second; a
request takes one token or is refused with the number of seconds until one is available.

The buckets live in an anonymous shared memory map (``mmap(-1)``: ``MAP_SHARED``) created with the app.
gunicorn builds the app once in the master (``preload_app``) and forks the workers from it, so every
worker — and every worker gunicorn restarts later — updates the same table under one process-shared
lock: no extra server, no file. The table is a fixed array of :data:`SLOTS` slots (key hash, tokens,
last update) with :data:`PROBES` linear probes; when all probes of a new client are taken, the slot
updated longest ago is reused (a refilled bucket behaves exactly like an absent one), so memory stays
bounded under any number of clients. ``time.monotonic`` is one system-wide clock on Linux, so the
workers agree on time. The clock is injected so tests can move time without sleeping.
"""

from __future__ import annotations

import hashlib
import math
import mmap
import multiprocessing
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateLimiter", "Decision", "SLOTS"]

#: Buckets in the shared table (24 bytes each).
SLOTS = 16_384
#: Slots tried for one client before the stalest is reused.
PROBES = 8
#: A worker waits at most this long for the table's lock; a holder killed mid-update (the lock is then
#: never released) must not stop the API, so the request is let through instead.
LOCK_WAIT_S = 0.05

_SLOT = struct.Struct("<Qdd")  # key hash (0 = empty), tokens, last update


@dataclass(frozen=True)
class Decision:
    """``allowed``, and when refused, ``retry_after`` whole seconds until a token is available."""

    allowed: bool
    retry_after: int = 0


class RateLimiter:
    """``rate`` tokens per second, ``burst`` tokens at most, per client key, shared with forked children."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic, slots: int = SLOTS
    ):
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.slots = slots
        self._table = mmap.mmap(-1, slots * _SLOT.size)
        self._lock = multiprocessing.get_context("fork").Lock()

    def hit(self, key: str) -> Decision:
        """Take one token from ``key``'s bucket."""
        digest = int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little") | 1
        if not self._lock.acquire(timeout=LOCK_WAIT_S):
            return Decision(True)
        try:
            now = self.clock()
            offset = self._find(digest)
            stored, tokens, last = _SLOT.unpack_from(self._table, offset)
            if stored != digest:
                tokens, last = float(self.burst), now
            tokens = min(float(self.burst), tokens + max(0.0, now - last) * self.rate)
            if tokens >= 1.0:
                _SLOT.pack_into(self._table, offset, digest, tokens - 1.0, now)
                return Decision(True)
            _SLOT.pack_into(self._table, offset, digest, tokens, now)
            return Decision(False, max(1, math.ceil((1.0 - tokens) / self.rate)))
        finally:
            self._lock.release()

    def _find(self, digest: int) -> int:
        """The offset of ``digest``'s slot: its own, else the first empty one, else the stalest probed."""
        empty = stalest = -1
        stalest_time = math.inf
        for probe in range(PROBES):
            offset = ((digest + probe) % self.slots) * _SLOT.size
            stored, _tokens, last = _SLOT.unpack_from(self._table, offset)
            if stored == digest:
                return offset
            if stored == 0:
                if empty < 0:
                    empty = offset
            elif last < stalest_time:
                stalest, stalest_time = offset, last
        return empty if empty >= 0 else stalest
