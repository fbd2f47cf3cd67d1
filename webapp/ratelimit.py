"""A per-client token bucket for the API.

Each client (its address) has a bucket of ``burst`` tokens refilled at ``rate`` tokens per second;
a request takes one token or is refused with the number of seconds until one is available. The
buckets live in the worker's memory, so with N gunicorn workers a client may get up to N times the
configured rate (the load balancer spreads its requests); run a shared limiter in the reverse proxy
when that matters. The clock is injected so tests can move time without sleeping.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateLimiter", "Decision"]

#: Buckets kept before full (refilled) ones are dropped, bounding memory under many clients.
MAX_CLIENTS = 10_000


@dataclass(frozen=True)
class Decision:
    """``allowed``, and when refused, ``retry_after`` whole seconds until a token is available."""

    allowed: bool
    retry_after: int = 0


class RateLimiter:
    """``rate`` tokens per second, ``burst`` tokens at most, per client key."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last update)
        self._lock = threading.Lock()

    def hit(self, key: str) -> Decision:
        """Take one token from ``key``'s bucket."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > MAX_CLIENTS:
                    self._forget_full(now)
                return Decision(True)
            self._buckets[key] = (tokens, now)
            return Decision(False, max(1, math.ceil((1.0 - tokens) / self.rate)))

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled completely (they behave exactly like absent ones)."""
        for key, (tokens, last) in list(self._buckets.items()):
            if tokens + (now - last) * self.rate >= self.burst:
                del self._buckets[key]
