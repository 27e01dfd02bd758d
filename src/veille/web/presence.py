"""Who else is looking at an inbox item right now: each open item page says so every
few seconds (``POST /api/inbox/{id}/presence``), and hears who else did lately.

Kept in the server's memory: one ``veille serve`` process serves a community, and a
restart loses only a few seconds of it."""

from __future__ import annotations

import threading
import time
from typing import Final

FRESH: Final = 30.0


class Presence:
    def __init__(self) -> None:
        self._seen: dict[int, dict[str, float]] = {}
        self._lock = threading.Lock()

    def here(self, item: int, who: str, now: float | None = None) -> list[str]:
        """Record ``who`` on ``item``; the others seen there in the last 30 s."""
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._seen.setdefault(item, {})
            seen[who] = now
            for name in [n for n, at in seen.items() if now - at > FRESH]:
                del seen[name]
            return sorted(n for n in seen if n != who)
