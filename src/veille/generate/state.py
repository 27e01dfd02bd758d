"""What the generator remembers while it writes, and picking from it.

State is bounded: people and their pools, the recent threads of each channel, counters
and output buffers; it grows with ``members`` and the identities seen, never with
``activities``. :class:`State` holds it for the parts of the generator (identities,
records, threads, spam, the day loop), each a class built on it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from veille.generate.config import (
    CHANNELS,
    CRISIS_BOOST,
    LAUNCH_BOOST,
    WEEKDAY,
    GenerateConfig,
    GenerateSummary,
    day0,
    event_days,
)
from veille.generate.people import Person, Pool, build_people
from veille.generate.rng import Rng

Entry = tuple[str, Person, str, str, str]  # id, author, address, excerpt, created_at


class Thread:
    """A thread that may still get replies: a forum topic, a list thread, a social
    post or a blog article with its comments."""

    __slots__ = ("root", "lang", "topic", "title", "url", "day", "posts", "size", "count",
                 "answered", "op")  # fmt: skip

    def __init__(self, root: str, lang: str, topic: str, title: str, url: str, day: int,
                 op: Person) -> None:  # fmt: skip
        self.root, self.lang, self.topic, self.title, self.url = root, lang, topic, title, url
        self.day, self.op, self.size, self.count, self.answered = day, op, 1, 1, False
        # (id, author, how to address them, excerpt, created_at): the last few only.
        self.posts: list[Entry] = []


class State:
    """What one community's generator keeps between activities (set up from ``cfg``)."""

    def __init__(self, cfg: GenerateConfig, out: TextIO, truth: TextIO | None) -> None:
        if cfg.members < 10:
            raise ValueError("generate: members must be at least 10")
        if cfg.activities < 0 or cfg.days < 1:
            raise ValueError("generate: activities must be >= 0 and days >= 1")
        if cfg.start.tzinfo is None:
            raise ValueError("generate: start must be timezone-aware")
        self.cfg, self.out, self.truth = cfg, out, truth
        self.rng = Rng(cfg.seed)
        self.base = day0(cfg)
        self.launch_day, self.crisis_day = event_days(cfg.days)
        self.per_day = self._plan()
        self.people = build_people(cfg, self.rng, self.per_day)
        self.staff = [p for p in self.people if p.role == "staff"]
        self.brand = next(p for p in self.people if p.role == "brand")
        self.bots = [p for p in self.people if p.role == "bot"]
        self.members = [p for p in self.people if p.role == "member"]
        self.pools = [Pool() for _ in CHANNELS]
        self.lpools: dict[tuple[int, str], Pool] = {}
        self.sites = Pool()
        for p in self.members:
            for c, share in p.channels.items():
                self.pools[c].add(p, p.weight * share)
                self._lpool(c, p.lang).add(p, p.weight * share)
                if p.second:
                    self._lpool(c, p.second).add(p, p.weight * share * 0.4)
            if p.site:
                self.sites.add(p, p.weight)
        self.spammers: list[Person] = []
        self.threads: list[list[Thread]] = [[] for _ in CHANNELS]
        self.seq = [0, 1000, 0, 0]
        self.keys: dict[str, int] = {}
        self.seen: set[int] = set()
        self.event_posts: dict[str, Thread] = {}
        self.launched, self.crisis = False, 0
        self.sched: list[tuple[int, int, str, str, str]] = []
        self.buf: list[bytes] = []
        self.tbuf: list[bytes] = []
        self.counts = [0, 0, 0, 0]
        self.langs: dict[str, int] = {}
        self.summary = GenerateSummary(0, 0, 0, 0, {c: 0 for c in CHANNELS}, {})
        # Every member writes at least once when there is room for it.
        self.forced = min(len(self.members), int(cfg.activities * 0.5))
        self.g_next = 0
        self.day, self.ts, self.epoch, self.prefix, self.day_epoch = 0, "", 0, "", 0

    def _lpool(self, c: int, lang: str) -> Pool:
        pool = self.lpools.get((c, lang))
        if pool is None:
            pool = self.lpools[(c, lang)] = Pool()
        return pool

    def _plan(self) -> list[int]:
        cfg, rng = self.cfg, self.rng
        weights = []
        for d in range(cfg.days):
            w = WEEKDAY[(self.base + timedelta(days=d)).weekday()] * (1 + 0.3 * d / cfg.days)
            w *= (0.85 + 0.3 * rng.random()) * LAUNCH_BOOST.get(d - self.launch_day, 1.0)
            weights.append(w * CRISIS_BOOST.get(d - self.crisis_day, 1.0))
        total = sum(weights)
        raw = [cfg.activities * w / total for w in weights]
        counts = [int(r) for r in raw]
        rest = cfg.activities - sum(counts)
        for d in sorted(range(cfg.days), key=lambda d: counts[d] - raw[d])[:rest]:
            counts[d] += 1
        return counts

    # -- helpers for choosing ---------------------------------------------------------

    def _lang(self, p: Person) -> str:
        return p.second if p.second and self.rng.random() < 0.15 else p.lang

    def _someone(self, c: int) -> Person:
        """A member active on channel ``c``; anyone joined if the channel has nobody yet."""
        p = self.pools[c].pick(self.rng)
        for pool in self.pools:
            p = p or pool.pick(self.rng)
        return p or self.rng.one(self.staff)

    def _pick(self, threads: list[Thread]) -> Thread:
        """A recent thread, busy ones more likely (two random picks, keep the busier)."""
        rng, n = self.rng, len(threads)
        a = threads[n - 1 - int(n * rng.random() ** 3)]
        b = threads[n - 1 - int(n * rng.random() ** 3)]
        return a if a.size >= b.size else b

    def _find(self, c: int, topic: str | None, lang: str) -> Thread | None:
        found = [t for t in self.threads[c][-80:] if t.lang == lang and topic in (None, t.topic)]
        return self.rng.one(found[-5:]) if found else None
