"""Results kept for a while and recomputed in the background when old.

Some reads cost seconds on a large community (a dashboard, the trends) and many people
ask for the same one. :class:`Cache` serves the copy it has; a copy older than
``max_age`` seconds is still served while one thread computes the next; only the first
request for a key waits, and requests arriving during that first computation wait for
it rather than computing it again."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Cache(Generic[V]):
    def __init__(self, max_age: float = 120.0) -> None:
        self.max_age = max_age
        self._kept: dict[Hashable, tuple[float, V]] = {}
        self._running: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        with self._lock:
            found = self._kept.get(key)
            running = self._running.get(key)
            fresh = found is not None and time.monotonic() - found[0] <= self.max_age
            if running is None and not fresh:
                self._running[key] = threading.Event()
        if found is not None:
            if not fresh and running is None:
                threading.Thread(target=self._compute, args=(key, compute), daemon=True).start()
            return found[1]
        if running is not None:  # someone is computing it: wait for theirs
            running.wait()
            with self._lock:
                done = self._kept.get(key)
            return done[1] if done is not None else self.get(key, compute)
        return self._compute(key, compute)

    def forget(self, key: Hashable) -> None:
        """Drop the copy of ``key``, after a change it must show: the next request
        computes it again."""
        with self._lock:
            self._kept.pop(key, None)

    def _compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        try:
            value = compute()
            with self._lock:
                self._kept[key] = (time.monotonic(), value)
            return value
        finally:
            with self._lock:
                event = self._running.pop(key, None)
            if event is not None:
                event.set()
