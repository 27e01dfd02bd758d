"""A synthetic but realistic community, written as veille NDJSON (``veille generate``).

One brand (Kelvio, smart thermostats) and four channels: its blog's comments, a forum,
a mailing list and a social channel. Members have heavy-tailed activity and appear on
several channels under different names, usernames and e-mail addresses; the truth file
says which identities are the same person, so identity merging can be scored. Team
members and two bots take part; about 4% of activities are spam (link and casino spam
in Finnish, Swedish, Arabic and more); a product launch and a two-day crisis (a logo
change the community rejects, as GAP's was) stand out over weekly and daily rhythms.

Output is deterministic for a seed and streamed: activities are produced day by day in
time order with bounded state (recent threads only), so a million activities never sit
in memory. State grows with ``members`` and the identities seen, not with ``activities``.
"""

from __future__ import annotations

import html
import random
import re
import unicodedata
from bisect import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import accumulate, product
from typing import TextIO, TypeVar
from urllib.parse import quote

import orjson

from veille import generate_text as T
from veille.model import Author


def _cum(weights: Iterable[float]) -> tuple[float, ...]:
    return tuple(accumulate(weights))


BLOG, FORUM, LIST, SOCIAL = "kelvio-blog", "kelvio-forum", "kelvio-users", "kelvio-social"
CHANNELS = (BLOG, FORUM, LIST, SOCIAL)
PLATFORMS = {BLOG: "blog", FORUM: "forum", LIST: "mailing-list", SOCIAL: "social"}
_PLATFORMS = tuple(PLATFORMS.values())
# Share of activities per channel (same order as CHANNELS) and of members' home channel.
SHARES = (0.17, 0.30, 0.18, 0.35)
HOMES = (0.15, 0.30, 0.17, 0.38)
SPAM_RATE = 0.04
WEEKDAY = (1.0, 1.06, 1.05, 1.0, 0.88, 0.52, 0.47)
HOURLY = (2, 1.2, 0.8, 0.6, 0.6, 1, 2.5, 5, 8, 10, 10.5, 10, 9, 9.5, 10, 10, 9.5, 9, 8.5, 8.5,
          8, 7, 5, 3.5)  # fmt: skip
MAX_THREADS = 300
LIFE = {BLOG: 40, FORUM: 14, LIST: 10, SOCIAL: 3}  # days a thread still gets replies
ROOT_MIX = {
    FORUM: {"question": 38, "bug": 25, "idea": 15, "complaint": 8, "praise": 5, "purchase": 5,
            "job": 1, "press": 1, "partner": 2},
    LIST: {"question": 40, "bug": 20, "idea": 15, "complaint": 6, "praise": 4, "purchase": 5,
           "job": 3, "press": 3, "partner": 4},
    SOCIAL: {"question": 15, "bug": 12, "idea": 8, "complaint": 20, "praise": 25, "purchase": 12,
             "job": 3, "press": 2, "partner": 3},
}  # fmt: skip
ARTICLES = {"release": 3, "tips": 3, "hiring": 1, "feedback": 2, "event": 1, "story": 2}
COMMENT_MIX = {
    "release": {"chat": 25, "question": 25, "bug": 25, "praise": 15, "idea": 10},
    "tips": {"chat": 50, "question": 25, "praise": 15, "idea": 10},
    "hiring": {"job": 60, "chat": 25, "question": 15},
    "feedback": {"idea": 55, "want": 10, "chat": 10, "complaint": 15, "disagree": 10},
    "event": {"chat": 50, "question": 30, "praise": 20},
    "story": {"chat": 50, "question": 30, "praise": 20},
    "launch": {"launch": 60, "purchase": 20, "question": 20},
    "logo": {"crisis": 90, "agree": 10},
    "backdown": {"relief": 80, "chat": 20},
}
REPLY_MIX = {
    "question": {"peer": 75, "metoo": 25},
    "bug": {"metoo": 50, "peer": 35, "followup": 15},
    "idea": {"want": 45, "agree": 15, "disagree": 25, "idea": 15},
    "complaint": {"agree": 35, "metoo": 25, "complaint": 15, "disagree": 10, "peer": 15},
    "praise": {"agree": 40, "praise": 60},
    "purchase": {"purchase": 50, "agree": 50},
    "launch": {"launch": 100},
    "crisis": {"crisis": 75, "agree": 25},
}
STAFF_INTENT = {
    "question": "staff_help",
    "bug": "staff_help",
    "purchase": "staff_contact",
    "job": "staff_contact",
    "press": "staff_contact",
    "partner": "staff_contact",
}
CONTACT = {"purchase": "sales", "job": "jobs", "press": "press", "partner": "partners"}
NEGATIVE = {"bug", "complaint", "crisis", "followup", "disagree"}
POSITIVE = {"praise", "thanks", "relief", "launch"}
_SHARES, _HOMES = _cum(SHARES), _cum(HOMES)
_EVENT_CHANNELS, _SPAM_CHANNELS = _cum((0.15, 0.2, 0.15, 0.5)), _cum((0.55, 0.15, 0.05, 0.25))
_CASINO = _cum(x[1] for x in T.CASINO_LANGS)
_HHMM = [f"{m // 60:02d}:{m % 60:02d}:" for m in range(1440)]
_SS = [f"{s:02d}+00:00" for s in range(60)]
MONTHS = "January February March April May June July August September October November December"


@dataclass(frozen=True)
class GenerateConfig:
    """How big a community to write: ``members`` people (team, brand account and bots
    included) and exactly ``activities`` records over ``days`` UTC days, the first being
    the UTC date of ``start`` (which must be timezone-aware)."""

    members: int = 500
    activities: int = 5000
    seed: int = 1
    start: datetime = datetime(2026, 1, 1, tzinfo=timezone.utc)
    days: int = 180


@dataclass
class GenerateSummary:
    """What was written. ``people`` counts distinct persons in the truth file (members
    who wrote at least once, plus spam senders); ``languages`` counts records by the
    language of their text (reactions have none)."""

    activities: int
    identities: int
    people: int
    spam: int
    channels: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Events:
    """When the scripted events are planned (records follow at the next activity)."""

    launch: datetime
    crisis: datetime
    backdown: datetime
    launch_hashtag: str = T.LAUNCH_TAG
    crisis_hashtag: str = T.CRISIS_TAG
    campaign_url: str = T.LAUNCH_URL


def _day0(config: GenerateConfig) -> datetime:
    start = config.start.astimezone(timezone.utc)
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


def _event_days(days: int) -> tuple[int, int]:
    return min(days - 1, round(days * 0.35)), min(days - 1, round(days * 0.7))


def events(config: GenerateConfig) -> Events:
    """The launch, the crisis (the new logo) and the brand backing down, for ``config``."""
    launch, crisis = _event_days(config.days)
    base = _day0(config)
    return Events(
        launch=base + timedelta(days=launch, hours=9),
        crisis=base + timedelta(days=crisis, hours=7, minutes=30),
        backdown=base + timedelta(days=crisis + 1, hours=15),
    )


def _fold_table() -> dict[int, str]:
    table = {ord("ß"): "ss", ord("ø"): "o", ord("Ø"): "O", ord("æ"): "ae", ord("œ"): "oe",
             ord("Æ"): "AE", ord("Œ"): "OE", ord("ł"): "l", ord("Ł"): "L"}  # fmt: skip
    for code in range(0xC0, 0x250):
        parts = unicodedata.normalize("NFKD", chr(code))
        base = "".join(c for c in parts if not unicodedata.combining(c))
        if base != chr(code) and base.isascii():
            table.setdefault(code, base)
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """``text`` without accents, as people type when their keyboard makes it hard."""
    return text.translate(_FOLD)


def _handle(*parts: str) -> str:
    return "".join(c for c in fold("".join(parts)).lower() if c.isalnum() or c in "._")


def _slug(text: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in fold(text).lower()).split()
    return "-".join(words[:8]) or "post"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


_BARE = {"featx": "feature", "ideax": "idea"}  # the title form of a slot
_SLOT = re.compile(r"\{(\w+)\}")
_FULL = {v: k for k, v in _BARE.items()}


_CONTEXT = ("user", "contact", "launch_date")  # filled per message, not expanded
_VARIANTS: dict[tuple[str, str], list[str]] = {}


def _variants(lang: str, section: str) -> list[str]:
    """Every wording of a section's templates, slots filled (context slots kept).

    Vocabularies are small (under 5,000 wordings in all), so expanding once makes a
    message one pick instead of a template fill.
    """
    found = _VARIANTS.get((lang, section))
    if found is None:
        vocab, found = T.VOCAB[lang], []
        keep = {k: "{" + k + "}" for k in _CONTEXT}
        for line in T.TEXTS[lang][section]:
            slots = dict.fromkeys(_BARE.get(k, k) for k in _SLOT.findall(line) if k not in keep)
            choices = [vocab.get(k) or [(v, v) for v in T.SHARED[k]] for k in slots]
            for combo in product(*choices):
                values = dict(keep)
                for name, (full, bare) in zip(slots, combo, strict=True):
                    values[name] = full
                    if name in _FULL:
                        values[_FULL[name]] = bare
                found.append(" | ".join(_cap(x) for x in line.format_map(values).split(" | ")))
        _VARIANTS[(lang, section)] = found
    return found


class Person:
    """One person: a member, a team member, a bot, the brand account or a spammer."""

    __slots__ = ("idx", "pid", "role", "first", "spellings", "native", "last", "origin",
                 "lang", "second", "weight", "join", "home", "channels", "emails", "site",
                 "nick", "flat", "idents", "wrote")  # fmt: skip

    def __init__(self, idx: int, role: str, first: str, last: str, origin: str) -> None:
        self.idx, self.pid, self.role = idx, f"p{idx + 1:06d}", role
        spellings, _, native = first.partition("|")
        self.spellings = spellings.split("/")
        self.first, self.native, self.last, self.origin = self.spellings[0], native, last, origin
        self.lang, self.second = "en", ""
        self.weight, self.join, self.home = 1.0, 0, 0
        self.channels: dict[int, float] = {}
        self.emails: list[str] = []
        self.site, self.nick, self.flat, self.wrote = "", "", False, False
        self.idents: dict[int, list[dict[str, str]]] = {}

    def name(self) -> str:
        return f"{self.first} {self.last}".strip()


class _Pool:
    """People who may act on one channel (or channel and language), in join order, so
    that 'joined by today' is a prefix and a weighted pick is one bisection."""

    __slots__ = ("people", "cum", "k")

    def __init__(self) -> None:
        self.people: list[Person] = []
        self.cum: list[float] = []
        self.k = 0

    def add(self, person: Person, weight: float) -> None:
        self.people.append(person)
        self.cum.append((self.cum[-1] if self.cum else 0.0) + weight)

    def advance(self, day: int) -> None:
        while self.k < len(self.people) and self.people[self.k].join <= day:
            self.k += 1

    def pick(self, rng: _Rng) -> Person | None:
        if not self.k:
            return None
        return self.people[bisect(self.cum, rng.random() * self.cum[self.k - 1], 0, self.k - 1)]


_Entry = tuple[str, "Person", str, str, str]  # id, author, address, excerpt, created_at
_PEER = {"peer", "metoo", "agree", "want", "disagree"}


class _Thread:
    __slots__ = ("root", "lang", "topic", "title", "url", "day", "posts", "size", "count",
                 "answered", "op")  # fmt: skip

    def __init__(self, root: str, lang: str, topic: str, title: str, url: str, day: int,
                 op: Person) -> None:  # fmt: skip
        self.root, self.lang, self.topic, self.title, self.url = root, lang, topic, title, url
        self.day, self.op, self.size, self.count, self.answered = day, op, 1, 1, False
        # (id, author, how to address them, excerpt, created_at): the last few only.
        self.posts: list[_Entry] = []


_T = TypeVar("_T")
_TABLES: dict[int, tuple[tuple[str, ...], tuple[float, ...]]] = {}


class _Rng(random.Random):
    """``random.Random`` with the picks made for every record made cheap (the stock
    ``choice`` and ``choices`` cost several times a bisection)."""

    def one(self, seq: Sequence[_T]) -> _T:
        return seq[int(self.random() * len(seq))]

    def index(self, cum: tuple[float, ...]) -> int:
        return bisect(cum, self.random() * cum[-1], 0, len(cum) - 1)

    def weighted(self, mix: dict[str, int]) -> str:
        # Mixes are module constants, so their id is a stable cache key.
        table = _TABLES.get(id(mix))
        if table is None:
            table = _TABLES[id(mix)] = (tuple(mix), _cum(mix.values()))
        return table[0][self.index(table[1])]


LAUNCH_BOOST = {-1: 1.2, 0: 2.0, 1: 1.6, 2: 1.3, 3: 1.15}
CRISIS_BOOST = {0: 3.2, 1: 2.6, 2: 1.4, 3: 1.1}
LAUNCH_SHARE = {0: 0.4, 1: 0.3, 2: 0.2, 3: 0.12, 4: 0.08, 5: 0.06, 6: 0.05}
CRISIS_SHARE = {0: 0.6, 1: 0.5, 2: 0.2, 3: 0.08}
WORK_DOMAINS = ("atelier-lumen.fr", "nordwerk.de", "bytebarn.io", "solera-grupo.es",
                "studio-aria.it", "casanorte.com.br", "brightwell.co.uk",
                "pixelforge.io")  # fmt: skip
STAFF_ORIGINS = ("fr", "en", "de", "es", "fr", "en")
# Scripted posts: (day relative to the launch or the crisis, second of the day, what, ...).
LAUNCH_PLAN = (
    (-2, 39600, "social", "teaser", "en"),
    (-2, 39900, "social", "teaser", "fr"),
    (0, 32400, "article", "launch", "en"),
    (0, 32700, "social", "brand_launch", "en"),
    (0, 33000, "social", "brand_launch", "fr"),
    (0, 33300, "forum", "launch", "en"),
    (0, 33600, "list", "launch", "en"),
)
CRISIS_PLAN = (
    (0, 27000, "social", "brand_logo", "en"),
    (0, 27300, "social", "brand_logo", "fr"),
    (0, 27600, "article", "logo", "en"),
    (1, 54000, "article", "backdown", "en"),
    (1, 54300, "social", "brand_backdown", "en"),
    (1, 54600, "social", "brand_backdown", "fr"),
)


def _brand_lang(rng: _Rng) -> str:
    """The brand is French but writes for an international audience."""
    return "en" if rng.random() < 0.6 else "fr"


def _build_people(cfg: GenerateConfig, rng: _Rng, per_day: list[int]) -> list[Person]:
    """Team, brand account and bots first, then members in the order they join."""
    people: list[Person] = []
    n_staff = max(2, min(6, cfg.members // 80))
    n_bots = 2 if cfg.members >= 20 else 1
    for i in range(n_staff):
        origin = STAFF_ORIGINS[i]
        first, last = rng.one(T.NAMES[origin][0]), rng.one(T.NAMES[origin][1])
        p = Person(len(people), "staff", first.partition("|")[0].split("/")[0], last, origin)
        p.lang, p.weight = origin, 1.0
        p.emails = [f"{_handle(p.first)}.{_handle(p.last)}@{T.DOMAIN}"]
        people.append(p)
    people.append(Person(len(people), "brand", T.BRAND, "", "en"))
    for name in ("Kelvio Bot", "Kelvio Status")[:n_bots]:
        people.append(Person(len(people), "bot", name, "", "en"))
    members = cfg.members - len(people)
    origins = tuple(T.ORIGINS)
    origin_cum = _cum(v[0] for v in T.ORIGINS.values())
    phase = rng.random()
    ranks = list(range(1, members + 1))
    rng.shuffle(ranks)
    # Members present before the window join on day 0; the others join when their first
    # activity is due, spread like the activity itself.
    total, acc, day, existing = max(1, sum(per_day)), per_day[0], 0, int(members * 0.4)
    for j in range(members):
        # Origins follow a golden-ratio sequence along the activity rank, so the few who
        # write most have the same mix of origins as everyone (languages stay stable).
        u = (phase + ranks[j] * 0.6180339887) % 1.0 * origin_cum[-1]
        origin = origins[bisect(origin_cum, u, 0, len(origins) - 1)]
        p = Person(len(people), "member", rng.one(T.NAMES[origin][0]),
                   rng.one(T.NAMES[origin][1]), origin)  # fmt: skip
        langs = T.ORIGINS[origin][1]
        p.lang = rng.choices([x[0] for x in langs], [x[1] for x in langs])[0]
        p.second = "en" if p.lang != "en" and rng.random() < 0.3 else ""
        p.flat = p.lang != "en" and rng.random() < 0.1
        p.weight = (ranks[j] + 4) ** -1.2  # Zipf-like, with a less extreme head
        while acc < (j + 0.5) / members * total and day < len(per_day) - 1:
            day += 1
            acc += per_day[day]
        p.join = 0 if j < existing else day
        _place(p, ranks[j] / members, rng)
        people.append(p)
    return people


def _place(p: Person, top: float, rng: _Rng) -> None:
    """Channels, addresses and site of a member; the most active are on more channels."""
    home = rng.index(_HOMES)
    extra = (rng.randint(2, 3) if top < 0.05 else rng.randint(1, 2) if top < 0.2
             else int(rng.random() < 0.4) if top < 0.5 else int(rng.random() < 0.12))  # fmt: skip
    others = [c for c in range(4) if c != home]
    rng.shuffle(others)
    p.home = home
    p.channels = {home: 0.6 if extra else 1.0}
    for c in others[:extra]:
        p.channels[c] = 0.4 / extra
    f, last = _handle(p.first), _handle(p.last)
    pattern = rng.randrange(5)
    local = (f"{f}.{last}", f"{f[:1]}{last}", f"{f}{last}{rng.randint(70, 99)}",
             f"{f}_{last}", f"{last}.{f}")[pattern]  # fmt: skip
    p.emails = [f"{local}@{rng.one(T.MAIL_DOMAINS[p.origin])}"]
    if rng.random() < 0.3:
        p.emails.append(f"{f[:1]}.{last}@{rng.one(WORK_DOMAINS)}")
    if rng.random() < 0.2:
        p.nick = rng.one(T.NICKS)
    if rng.random() < 0.15:
        tld = T.SITE_TLDS.get(p.lang, "com")
        p.site = rng.one((f"https://www.{f}-{last}.{tld}", f"https://{f}{last}.wordpress.com",
                             f"https://{f}{last[:1]}.blog"))  # fmt: skip


class _Community:
    """The day-by-day generator; one instance writes one community."""

    def __init__(self, cfg: GenerateConfig, out: TextIO, truth: TextIO | None) -> None:
        if cfg.members < 10:
            raise ValueError("generate: members must be at least 10")
        if cfg.activities < 0 or cfg.days < 1:
            raise ValueError("generate: activities must be >= 0 and days >= 1")
        if cfg.start.tzinfo is None:
            raise ValueError("generate: start must be timezone-aware")
        self.cfg, self.out, self.truth = cfg, out, truth
        self.rng = _Rng(cfg.seed)
        self.base = _day0(cfg)
        self.launch_day, self.crisis_day = _event_days(cfg.days)
        self.per_day = self._plan()
        self.people = _build_people(cfg, self.rng, self.per_day)
        self.staff = [p for p in self.people if p.role == "staff"]
        self.brand = next(p for p in self.people if p.role == "brand")
        self.bots = [p for p in self.people if p.role == "bot"]
        self.members = [p for p in self.people if p.role == "member"]
        self.pools = [_Pool() for _ in CHANNELS]
        self.lpools: dict[tuple[int, str], _Pool] = {}
        self.sites = _Pool()
        for p in self.members:
            for c, share in p.channels.items():
                self.pools[c].add(p, p.weight * share)
                self._lpool(c, p.lang).add(p, p.weight * share)
                if p.second:
                    self._lpool(c, p.second).add(p, p.weight * share * 0.4)
            if p.site:
                self.sites.add(p, p.weight)
        self.spammers: list[Person] = []
        self.threads: list[list[_Thread]] = [[] for _ in CHANNELS]
        self.seq = [0, 1000, 0, 0]
        self.keys: dict[str, int] = {}
        self.seen: set[int] = set()
        self.event_posts: dict[str, _Thread] = {}
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

    def _lpool(self, c: int, lang: str) -> _Pool:
        pool = self.lpools.get((c, lang))
        if pool is None:
            pool = self.lpools[(c, lang)] = _Pool()
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

    # -- the main loop -------------------------------------------------------------

    def run(self) -> GenerateSummary:
        rng, cum = self.rng, [0.0]
        for h in HOURLY:
            cum.append(cum[-1] + h)
        hours = [c / cum[-1] for c in cum]
        due, members, total, acc, j = 0, len(self.members), max(1, self.cfg.activities), 0, 0
        for d, n in enumerate(self.per_day):
            self._start_day(d)
            acc += n
            while j < members and (j + 0.5) / members * total <= acc:
                j += 1
            due = min(j, self.forced)
            top = 1.0
            for left in range(n, 0, -1):
                # Ascending uniform order statistics, one at a time (no list, no sort).
                top *= rng.random() ** (1.0 / left)
                u = 1.0 - top
                h = min(23, bisect(hours, u) - 1)
                sec = min(86399, int(3600 * (h + (u - hours[h]) / (hours[h + 1] - hours[h]))))
                self.ts = self.prefix + _HHMM[sec // 60] + _SS[sec % 60]
                self.epoch = self.day_epoch + sec
                pending = due - self.g_next
                if self.sched and self.sched[-1][0] <= sec:
                    _, _, kind, a, b = self.sched.pop()
                    self._scheduled(kind, a, b)
                elif pending > 0 and rng.random() < min(0.7, pending / left):
                    self._guaranteed(self.members[self.g_next])
                    self.g_next += 1
                else:
                    self._free(d)
            self._flush()
        self._flush(final=True)
        return self.summary

    def _start_day(self, d: int) -> None:
        self.day = d
        date = self.base + timedelta(days=d)
        self.prefix = date.strftime("%Y-%m-%dT")
        self.day_epoch = int(date.timestamp())
        for pool in (*self.pools, *self.lpools.values(), self.sites):
            pool.advance(d)
        for c, threads in enumerate(self.threads):
            oldest = d - LIFE[CHANNELS[c]]
            if len(threads) > MAX_THREADS or (threads and threads[0].day < oldest):
                kept = [t for t in threads[-MAX_THREADS:] if t.day >= oldest]
                self.threads[c] = kept
        self._schedule(d, (self.base + timedelta(days=d)).weekday())

    def _schedule(self, d: int, weekday: int) -> None:
        rng, add = self.rng, []
        if d == 0:
            add.append((0, "article", "tips", "fr"))
        if weekday in (1, 3):
            art = rng.weighted(ARTICLES)
            add.append((rng.randint(7, 10) * 3600, "article", art, _brand_lang(rng)))
        if weekday < 5 and rng.random() < 0.7:
            add.append((rng.randint(9, 16) * 3600, "social", "brand", _brand_lang(rng)))
        for offset, sec, kind, a, b in LAUNCH_PLAN:
            if d == self.launch_day + offset:
                add.append((sec, kind, a, b))
        for offset, sec, kind, a, b in CRISIS_PLAN:
            day = self.crisis_day + offset
            if day >= self.cfg.days:  # no day after the crisis: back down that evening
                day, sec = self.crisis_day, sec + 5 * 3600
            if d == day:
                add.append((sec, kind, a, b))
        # Items not emitted yesterday (no activity left after their time) come first.
        carried = [(0, s[1], s[2], s[3], s[4]) for s in self.sched]
        items = carried + [(sec, i + len(carried), k, a, b) for i, (sec, k, a, b) in enumerate(add)]
        self.sched = sorted(items, key=lambda s: (s[0], s[1]), reverse=True)

    # -- what happens in one slot ---------------------------------------------------

    def _free(self, d: int) -> None:
        rng = self.rng
        if rng.random() < SPAM_RATE:
            return self._spam()
        r = rng.random()
        if self.crisis and r < CRISIS_SHARE.get(d - self.crisis_day, 0.0):
            return self._event("relief" if self.crisis == 2 and rng.random() < 0.6 else "crisis")
        if self.launched and r < LAUNCH_SHARE.get(d - self.launch_day, 0.0):
            return self._event("launch")
        self._channel(rng.index(_SHARES))

    def _channel(self, c: int) -> None:
        if c == 0:
            self._blog()
        elif c == 3:
            self._social()
        else:
            self._threaded(c)

    def _scheduled(self, kind: str, a: str, b: str) -> None:
        if kind == "article":
            self._article(a, b)
        elif kind == "social":
            self._brand_post(a, b)
        else:  # the launch announced on the forum and on the list
            body = self._text(b, "brand_launch")
            title = (
                "Kelvio Mini is here: ask us anything" if kind == "forum" else "[ANN] Kelvio Mini"
            )
            self._new_thread(1 if kind == "forum" else 2, self.brand, b, a, title, body)

    def _guaranteed(self, p: Person) -> None:
        """A member's due activity, on their home channel."""
        c, lang, rng = p.home, self._lang(p), self.rng
        if c == 0:
            if self.threads[0]:
                post = self._pick(self.threads[0])
                return self._comment(post, p, lang, rng.weighted(COMMENT_MIX[post.topic]))
            c = 1
        t = self._find(c, None, lang) if rng.random() < 0.5 else None
        if t is not None:
            self._reply(c, t, p, rng.weighted(REPLY_MIX.get(t.topic, REPLY_MIX["praise"])))
        else:
            self._new_thread(c, p, lang, rng.weighted(ROOT_MIX[CHANNELS[c]]))

    def _event(self, topic: str) -> None:
        """Part of the launch campaign or of the crisis: mostly social, on every channel."""
        rng = self.rng
        c = rng.index(_EVENT_CHANNELS)
        p = self._someone(c)
        lang = self._lang(p)
        if c == 0:
            post = self.event_posts.get(
                {"launch": "launch", "crisis": "logo"}.get(topic, "backdown")
            )
            if post is None or post.day < self.day - LIFE[BLOG]:
                return self._blog()
            return self._comment(post, p, lang, rng.weighted(COMMENT_MIX[post.topic]))
        t = self._find(c, "launch" if topic == "launch" else "crisis", lang)
        if topic == "relief":
            if t is not None:
                return self._reply(c, t, p, "relief")
            if c != 3:
                return self._channel(c)
            return self._new_thread(c, p, lang, "relief")
        if t is not None and rng.random() < 0.7:
            return self._reply(c, t, p, rng.weighted(REPLY_MIX[t.topic]))
        self._new_thread(c, p, lang, topic)

    def _threaded(self, c: int) -> None:
        """Forum or mailing list: new threads, replies, answers from the team."""
        rng, threads = self.rng, self.threads[c]
        r = rng.random()
        if c == 1 and r < 0.03 and threads and threads[-1].size == 1:
            t = threads[-1]
            if t.op.role == "member":
                return self._reply(c, t, self.bots[0], "bot")
        new = 0.24 if c == 1 else 0.32
        if not threads or r < new:
            p = self._someone(c)
            return self._new_thread(c, p, self._lang(p), rng.weighted(ROOT_MIX[CHANNELS[c]]))
        if r < new + 0.13:
            return self._team_reply(c)
        t = self._pick(threads)
        if t.size > 1 and t.op.role == "member" and rng.random() < 0.15:
            return self._reply(c, t, t.op, "thanks" if rng.random() < 0.6 else "followup")
        self._peer_reply(c, t)

    def _peer_reply(self, c: int, t: _Thread) -> None:
        rng, pool = self.rng, self._lpool(c, t.lang)
        p = pool.pick(rng)
        if p is t.op:
            p = pool.pick(rng)
        if p is None:
            p = self._someone(c)
            return self._new_thread(c, p, self._lang(p), rng.weighted(ROOT_MIX[CHANNELS[c]]))
        intent = rng.weighted(REPLY_MIX.get(t.topic, REPLY_MIX["praise"]))
        self._reply(c, t, p, "followup" if p is t.op else intent)

    def _team_reply(self, c: int) -> None:
        threads = self.threads[c]
        t = next((x for x in reversed(threads[-40:]) if not x.answered and x.op.role == "member"),
                 None) or self._pick(threads)  # fmt: skip
        p = self.brand if c == 3 else self.rng.one(self.staff)
        self._reply(c, t, p, STAFF_INTENT.get(t.topic, "staff_ack"))
        t.answered = True

    def _blog(self) -> None:
        rng, threads = self.rng, self.threads[0]
        r = rng.random()
        if not threads or r < 1 / 60:
            return self._article(rng.weighted(ARTICLES), _brand_lang(rng))
        post = self._pick(threads)
        if r < 0.045:
            return self._pingback(post)
        if r < 0.14 and post.size > 1:
            return self._comment(post, rng.one(self.staff), post.lang,
                                 STAFF_INTENT.get(post.topic, "staff_ack"), reply=True)  # fmt: skip
        own = rng.random() < 0.85
        p = self._lpool(0, post.lang).pick(rng) if own else None
        p = p or self._someone(0)
        lang = post.lang if own else self._lang(p)
        if r < 0.36 and post.size > 1:
            return self._comment(post, p, lang, rng.weighted(REPLY_MIX["praise"]), reply=True)
        self._comment(post, p, lang, rng.weighted(COMMENT_MIX[post.topic]))

    def _social(self) -> None:
        rng, threads = self.rng, self.threads[3]
        r = rng.random()
        if r < 0.015 and len(self.bots) > 1:
            bot = self.bots[1]
            author = self._author(bot, 3)
            rid = self._snowflake()
            text = rng.one(T.STATUS_BOT)
            url = f"https://social.example/{author['username']}/status/{rid}"
            return self._emit(self._rec(3, rid, "post", author, text, url=url), bot, 3, "en")
        if not threads or r > 0.5:
            p = self._someone(3)
            return self._new_thread(3, p, self._lang(p), rng.weighted(ROOT_MIX[SOCIAL]))
        if r < 0.09:
            return self._team_reply(3)
        t = self._pick(threads)
        if r < 0.2:
            p = self._someone(3)
            post_id = rng.one(t.posts)[0]
            author = self._author(p, 3)
            rec = self._rec(3, self._snowflake(), "reaction", author, parent=post_id, thread=t.root)
            return self._emit(rec, p, 3, None)
        self._peer_reply(3, t)

    # -- helpers for choosing ---------------------------------------------------------

    def _lang(self, p: Person) -> str:
        return p.second if p.second and self.rng.random() < 0.15 else p.lang

    def _someone(self, c: int) -> Person:
        """A member active on channel ``c``; anyone joined if the channel has nobody yet."""
        p = self.pools[c].pick(self.rng)
        for pool in self.pools:
            p = p or pool.pick(self.rng)
        return p or self.rng.one(self.staff)

    def _pick(self, threads: list[_Thread]) -> _Thread:
        """A recent thread, busy ones more likely (two random picks, keep the busier)."""
        rng, n = self.rng, len(threads)
        a = threads[n - 1 - int(n * rng.random() ** 3)]
        b = threads[n - 1 - int(n * rng.random() ** 3)]
        return a if a.size >= b.size else b

    def _find(self, c: int, topic: str | None, lang: str) -> _Thread | None:
        found = [t for t in self.threads[c][-80:] if t.lang == lang and topic in (None, t.topic)]
        return self.rng.one(found[-5:]) if found else None

    # -- records ------------------------------------------------------------------

    def _text(self, lang: str, section: str, ctx: dict[str, str] | None = None) -> str:
        """A wording from ``section``; for a thread opener, its body."""
        text = self.rng.one(_variants(lang, section)).rpartition(" | ")[2]
        return _cap(text.format_map(ctx)) if ctx and "{" in text else text

    def _new_thread(self, c: int, p: Person, lang: str, topic: str, title: str = "",
                    body: str = "") -> None:  # fmt: skip
        rng = self.rng
        if not body:
            title, _, body = rng.one(_variants(lang, topic)).partition(" | ")
            if not body:
                title, body = "", title
            if p.flat:
                title, body = fold(title), fold(body)
        author = self._author(p, c)
        member = p.role == "member"
        if c == 3:
            rid, title = self._snowflake(), ""
            text = self._short(body, lang, topic, True) if member else body
            url = f"https://social.example/{author['username']}/status/{rid}"
            kind = "mention" if "@kelvio" in text else "post"
            rec = self._rec(3, rid, kind, author, text, url=url)
        elif c == 1:
            tid = self._next(1)
            rid, url = f"{tid}/1", f"https://forum.{T.DOMAIN}/t/{_slug(title)}/{tid}"
            text = self._long(body, lang, topic, p, False) if member else body
            rec = self._rec(1, rid, "post", author, text, title=title, url=url)
        else:
            rid, title = self._msgid(author), f"[kelvio-users] {title}"
            text = self._long(body, lang, topic, p, True)
            rec = self._rec(2, rid, "message", author, text, title=title, url=self._archive())
        t = _Thread(rid, lang, topic, title, url if c != 2 else "", self.day, p)
        t.posts.append(self._entry(rid, p, author, c, body))
        if not member:
            t.size = 4  # the brand's own posts draw more replies
        self._keep(c, t)
        self._emit(rec, p, c, lang)

    def _reply(self, c: int, t: _Thread, p: Person, intent: str) -> None:
        rng = self.rng
        parent = self._parent(t.posts[-1] if rng.random() < 0.65 else rng.one(t.posts),
                              t.posts, p, intent)  # fmt: skip
        ctx = {"user": t.posts[0][2] if intent == "bot" else parent[2]}
        if intent == "staff_contact":
            ctx["contact"] = f"{CONTACT.get(t.topic, 'hello')}@{T.DOMAIN}"
        body = self._text(t.lang, intent, ctx)
        if p.flat:
            body = fold(body)
        author = self._author(p, c)
        t.size += 1
        t.count += 1
        if c == 1:
            rid = f"{t.root.partition('/')[0]}/{t.count}"
            rec = self._rec(1, rid, "reply", author, body, url=f"{t.url}/{t.count}",
                            parent=parent[0], thread=t.root)  # fmt: skip
        elif c == 2:
            rid, re = self._msgid(author), rng.one(T.VOCAB[t.lang]["re"])[0]
            text = f"{body}\n\n{self._sign(p, t.lang)}"
            if rng.random() < 0.5:
                header = rng.one(T.TEXTS[t.lang]["quote"])
                when = parent[4][:16].replace("T", " ")
                text += "\n\n" + header.format(date=when, name=parent[2]) + "\n> " + parent[3]
            rec = self._rec(2, rid, "message", author, text, title=f"{re} {t.title}",
                            url=self._archive(), parent=parent[0], thread=t.root)  # fmt: skip
        else:
            rid = self._snowflake()
            text = self._short(f"{parent[2]} {body}", t.lang, intent, rng.random() < 0.2)
            url = f"https://social.example/{author['username']}/status/{rid}"
            rec = self._rec(3, rid, "reply", author, text, url=url, parent=parent[0], thread=t.root)
        t.posts.append(self._entry(rid, p, author, c, body))
        if len(t.posts) > 6:
            del t.posts[1]
        self._emit(rec, p, c, t.lang)

    @staticmethod
    def _parent(first: _Entry, posts: list[_Entry], p: Person, intent: str) -> _Entry:
        """Whom a reply answers: not oneself, and a fellow member when agreeing."""
        if first[1] is not p and (intent not in _PEER or first[1].role == "member"):
            return first
        for entry in reversed(posts):
            if entry[1] is not p and (intent not in _PEER or entry[1].role == "member"):
                return entry
        return first

    def _comment(self, post: _Thread, p: Person, lang: str, intent: str,
                 reply: bool = False) -> None:  # fmt: skip
        rng = self.rng
        parent = None
        if reply and len(post.posts) > 1:
            parent = self._parent(rng.one(post.posts[1:]), post.posts[1:], p, intent)
        ctx = {"user": (parent or post.posts[0])[2]}
        if intent == "staff_contact":
            ctx["contact"] = f"{CONTACT.get(post.topic, 'hello')}@{T.DOMAIN}"
        body = self._text(lang, intent, ctx)
        link = p.site if p.site and rng.random() < 0.25 else ""
        paras = [body, rng.one(T.TEXTS[lang]["myblog"])] if link else [body]
        if p.flat:
            paras = [fold(x) for x in paras]
        author = self._author(p, 0)
        rid = f"comment-{self._next(0)}"
        status = "pending" if p.role == "member" and rng.random() < 0.03 else "approved"
        rec = self._rec(0, rid, "reply" if parent else "comment", author, "\n\n".join(paras),
                        self._html(paras, link), url=f"{post.url}#{rid}",
                        parent=(parent or post.posts[0])[0], thread=post.root,
                        status=status)  # fmt: skip
        post.size += 1
        post.posts.append(self._entry(rid, p, author, 0, body))
        if len(post.posts) > 6:
            del post.posts[1]
        self._emit(rec, p, 0, lang)

    def _article(self, kind: str, lang: str) -> None:
        rng = self.rng
        head = _cap(kind) + " | "
        parts = rng.one([x for x in _variants(lang, "article") if x.startswith(head)]).split(" | ")
        title, paras = parts[1], parts[2:]
        staff = rng.one(self.staff)
        author = self._author(staff, 0)
        rid = f"post-{self._next(0)}"
        url = f"https://blog.{T.DOMAIN}/{self.prefix[:4]}/{self.prefix[5:7]}/{_slug(title)}/"
        rec = self._rec(0, rid, "post", author, "\n\n".join(paras), self._html(paras, ""),
                        title=title, url=url)  # fmt: skip
        t = _Thread(rid, lang, kind, title, url, self.day, staff)
        t.posts.append(self._entry(rid, staff, author, 0, title))
        self._keep(0, t)
        if kind in ("launch", "logo", "backdown"):
            self.event_posts[kind] = t
            self._phase(kind)
        self._emit(rec, staff, 0, lang)

    def _brand_post(self, section: str, lang: str) -> None:
        text = self._text(lang, section, {"launch_date": self._launch_date(lang)})
        topic = {"brand_launch": "launch", "brand_logo": "crisis", "brand_backdown": "crisis"}
        self._new_thread(3, self.brand, lang, topic.get(section, "praise"), "", text)
        self._phase(section.removeprefix("brand_"))

    def _phase(self, kind: str) -> None:
        if kind == "launch":
            self.launched = True
        elif kind == "logo":
            self.crisis = max(self.crisis, 1)
        elif kind == "backdown":
            self.crisis = 2

    def _pingback(self, post: _Thread) -> None:
        owner = self.sites.pick(self.rng)
        if owner is None:
            return self._comment(post, self._someone(0), post.lang, "chat")
        author = self._author(owner, 0, pingback=True)
        text = self._text(owner.lang, "pingback")
        rid = f"comment-{self._next(0)}"
        url = f"{owner.site}/{self.prefix[:4]}/{self.prefix[5:7]}/{_slug(post.title)}/"
        rec = self._rec(0, rid, "pingback", author, text, url=url, parent=post.root,
                        thread=post.root, status="approved")  # fmt: skip
        post.size += 1
        self._emit(rec, owner, 0, owner.lang)

    # -- text shapes per channel -------------------------------------------------------

    def _short(self, text: str, lang: str, intent: str, mention: bool) -> str:
        """A social post: short, often @brand, sometimes a hashtag or an emoji."""
        rng = self.rng
        if len(text) > 240:
            cut = text.rfind(". ", 0, 240)
            text = text[: cut + 1] if cut > 40 else text[:237] + "…"
        r = rng.random()
        if mention and "@kelvio" not in text and r < 0.75:
            text = f"@kelvio {text}" if r < 0.3 else f"{text} @kelvio"
        if "#" not in text and rng.random() < 0.3:
            text += " " + rng.one(T.HASHTAGS[lang])
        if rng.random() < 0.35:
            faces = (T.EMOJI_DOWN if intent in NEGATIVE else T.EMOJI_UP if intent in POSITIVE
                     else T.EMOJI_ASK)  # fmt: skip
            text += " " + rng.one(faces)
        return text

    def _long(self, body: str, lang: str, intent: str, p: Person, mail: bool) -> str:
        """A forum post or an e-mail: greeting, details, closing, signature."""
        rng, texts = self.rng, T.TEXTS[lang]
        if intent in ("bug", "question") and rng.random() < 0.5:
            body += " " + self._text(lang, "detail")
        if rng.random() < 0.55:
            body = rng.one(texts["open"]) + "\n\n" + body
        if rng.random() < 0.5:
            body += "\n\n" + rng.one(texts["close"])
        if mail:
            body += "\n\n" + self._sign(p, lang)
        return fold(body) if p.flat else body

    def _sign(self, p: Person, lang: str) -> str:
        if p.role == "brand":
            return "The Kelvio team"
        sign = self.rng.one(T.TEXTS[lang]["sign"]).format(first=p.first, last=p.last)
        return sign + "\nKelvio" if p.role == "staff" else sign

    def _html(self, paras: list[str], link: str) -> str:
        """Blog HTML: paragraphs, links, now and then an emphasis (the origin's tags)."""
        out = []
        for i, para in enumerate(paras):
            esc = html.escape(para, quote=False).replace("\n", "<br />")
            if "http" in esc:
                esc = " ".join(f'<a href="{w}" rel="nofollow">{w}</a>' if w.startswith("http")
                               else w for w in esc.split(" "))  # fmt: skip
            if link and i == len(paras) - 1:
                esc = f'<a href="{html.escape(link)}" rel="nofollow">{esc}</a>'
            elif i == 0 and self.rng.random() < 0.08:
                esc = f"<em>{esc}</em>"
            out.append(f"<p>{esc}</p>")
        return "".join(out)

    def _entry(self, rid: str, p: Person, author: dict[str, str], c: int,
               body: str) -> _Entry:  # fmt: skip
        """What a thread remembers of a message; only e-mail replies quote it."""
        if c == 2:
            return rid, p, self._handle_of(author, c), body[:80], self.ts
        return rid, p, self._handle_of(author, c), "", ""

    def _keep(self, c: int, t: _Thread) -> None:
        """Open a thread; the oldest are forgotten beyond a fixed number, even within a
        busy day, so state stays bounded whatever the volume."""
        threads = self.threads[c]
        threads.append(t)
        if len(threads) > MAX_THREADS + 100:
            del threads[:100]

    @staticmethod
    def _handle_of(author: dict[str, str], c: int) -> str:
        """How others address this author in a reply on channel ``c``."""
        if c in (1, 3) and "username" in author:
            return "@" + author["username"]
        name = author.get("name") or author.get("email", "").partition("@")[0]
        name = name.partition(",")[2] or name
        return (name.split() or [name])[0]

    def _launch_date(self, lang: str) -> str:
        date = self.base + timedelta(days=self.launch_day)
        if lang == "fr":
            mois = "janvier février mars avril mai juin juillet août septembre octobre novembre"
            return f"{date.day} {(mois + ' décembre').split()[date.month - 1]}"
        return f"{MONTHS.split()[date.month - 1]} {date.day}"

    # -- identities ------------------------------------------------------------------

    def _author(self, p: Person, c: int, pingback: bool = False) -> dict[str, str]:
        """One of the person's identities on channel ``c`` (most use one; some two)."""
        slot = 4 if pingback else c
        idents = p.idents.get(slot)
        if idents is None:
            unique: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
            for a in self._identities(p, c, pingback):
                a = self._register(c, a, p)
                unique.setdefault(tuple(a.items()), a)  # two variants may come out alike
            idents = p.idents[slot] = list(unique.values())
        if len(idents) == 1 or self.rng.random() < 0.75:
            return idents[0]
        return idents[self.rng.randrange(len(idents))]

    def _register(self, c: int, a: dict[str, str], p: Person) -> dict[str, str]:
        """Make the identity's key unique in its channel: two people, two identities."""
        for _ in range(50):
            key = f"{c}:{Author(**a).key()}"
            owner = self.keys.setdefault(key, p.idx)
            if owner == p.idx:
                break
            digit = str(self.rng.randint(0, 9))
            if "username" in a:
                a["username"] += digit
            elif "email" in a:
                local, _, domain = a["email"].partition("@")
                a["email"] = f"{local}{digit}@{domain}"
            else:
                a["name"] += digit
        return a

    def _identities(self, p: Person, c: int, pingback: bool) -> list[dict[str, str]]:
        rng = self.rng
        if p.role in ("staff", "brand", "bot"):
            return [self._team_identity(p, c)]
        if p.role == "spam":
            user = _handle(p.first.replace(" ", "_")) or "user"
            return [({"name": p.first, "email": p.emails[0], "url": p.site},
                     {"username": f"{user}{rng.randint(1, 999)}"},
                     {"name": p.first, "email": p.emails[0]},
                     {"name": p.first, "username": f"{user}{rng.randint(1, 999)}"})[c]]  # fmt: skip
        if pingback:
            title = {"fr": "Le blog de {}", "de": "Blog von {}", "es": "El blog de {}",
                     "it": "Il blog di {}", "pt": "Blog da {}"}.get(p.lang,
                                                                    "{}'s blog")  # fmt: skip
            return [{"name": title.format(p.name()), "url": p.site}]
        first = p.first if rng.random() < 0.7 else rng.one(p.spellings)
        f, last = _handle(first), _handle(p.last)
        full = f"{first} {p.last}"

        drop = 0.5 if p.flat else 0.18  # how often accents are left out when typing

        def written() -> str:
            r = rng.random()
            name = (full if r < 0.6 else first if r < 0.74 else f"{first} {p.last[:1]}."
                    if r < 0.86 else full.lower())  # fmt: skip
            return fold(name) if rng.random() < drop else name

        if c == 0:  # the blog's comment form asks for a name and an e-mail
            out = [{"name": written(), "email": p.emails[0]}]
            if p.site and rng.random() < 0.6:
                out[0]["url"] = p.site
            if rng.random() < 0.2:
                out.append({"name": written(), "email": rng.one(p.emails)})
            return out
        if c == 2:
            r = rng.random()
            name = (full if r < 0.6 else f"{p.last}, {first}" if r < 0.78 else
                    f"{p.last.upper()} {first}" if r < 0.85 else "")  # fmt: skip
            name = fold(name) if rng.random() < drop else name
            return [self._mail(name, p) for _ in range(2 if rng.random() < 0.25 else 1)]
        if p.nick and rng.random() < 0.7:
            user = f"{p.nick}{rng.randint(1, 99)}"
        elif c == 1:
            user = rng.one((f"{f[:1]}{last}", f"{f}.{last}", f"{f}_{last[:1]}",
                               f"{f}{rng.randint(70, 99)}", f"{last}{f[:1]}"))  # fmt: skip
        else:
            user = rng.one((f"{f}{last[:3]}", f"{f}_{last}", f"{f}{last}{rng.randint(1, 99)}",
                               f"{f[:1]}{last}", f"{last}{f}"))  # fmt: skip
        if c == 1:
            return [
                {"name": written(), "username": user} if rng.random() < 0.35 else {"username": user}
            ]
        r = rng.random()
        shown = (full if r < 0.4 else f"{first} {p.last[:1]}." if r < 0.6 else
                 f"{first} {rng.one('✨🌿☕🏠')}" if r < 0.75 else
                 p.native if p.native and r < 0.9 else first.lower())  # fmt: skip
        return [{"name": fold(shown) if rng.random() < drop else shown, "username": user}]

    def _mail(self, name: str, p: Person) -> dict[str, str]:
        r, email = self.rng.random(), p.emails[0]
        if r < 0.15:
            local, _, domain = email.partition("@")
            email = f"{local}+{self.rng.one(('ml', 'kelvio', 'lists'))}@{domain}"
        elif r < 0.45 and len(p.emails) > 1:
            email = p.emails[1]
        return {"name": name, "email": email} if name else {"email": email}

    @staticmethod
    def _team_identity(p: Person, c: int) -> dict[str, str]:
        if p.role == "brand":
            return ({"name": "Kelvio", "username": "kelvio"},
                    {"name": "Kelvio Team", "username": "kelvio"},
                    {"name": "Kelvio Team", "email": f"news@{T.DOMAIN}"},
                    {"name": "Kelvio", "username": "kelvio"})[c]  # fmt: skip
        user = _handle(p.first.replace(" ", "_"))
        if p.role == "bot":
            return {"name": p.first, "username": user} if c != 2 else {"name": p.first,
                    "email": f"{user}@{T.DOMAIN}"}  # fmt: skip
        login = f"{user}.{_handle(p.last)}"
        return ({"name": p.name(), "username": login, "email": p.emails[0],
                 "url": f"https://{T.DOMAIN}"},
                {"name": f"{p.first} (Kelvio)", "username": f"{user}_kelvio"},
                {"name": p.name(), "email": p.emails[0]},
                {"name": f"{p.first} @ Kelvio", "username": f"{user}_kelvio"})[c]  # fmt: skip

    # -- spam ------------------------------------------------------------------------

    def _spammer(self) -> Person:
        rng = self.rng
        if self.spammers and (len(self.spammers) >= 40 or rng.random() > 0.1):
            return rng.one(self.spammers)
        name = rng.one(T.SPAM_NAMES)
        p = Person(self.cfg.members + len(self.spammers), "spam", name, "", "en")
        word, n = rng.one(T.SPAM_WORDS) + rng.one(T.SPAM_WORDS), rng.randint(1, 99)
        p.site = f"http://www.{word}{n}.{rng.one(T.SPAM_SITE_TLDS)}"
        p.emails = [f"{_handle(name.replace(' ', '')) or 'info'}{n}@{word}{n}.com"]
        self.spammers.append(p)
        return p

    def _casino(self) -> tuple[str, str, str, str]:
        """Links with casino words in several languages at once: text, html, language, title."""
        rng = self.rng
        links, langs = [], []
        for _ in range(rng.randint(3, 6)):
            lang = T.CASINO_LANGS[rng.index(_CASINO)][0]
            game = rng.one(T.GAMES_AR if lang == "ar" and rng.random() < 0.5 else T.GAMES)
            anchor = f"{game} {rng.one(T.CASINO_TERMS[lang])}"
            host = rng.one(T.SPAM_SYLLABLES) + rng.one(T.SPAM_SYLLABLES)
            host += rng.one(("", "pub", "shop", "-catering", "-net"))
            tld = T.SPAM_TLDS.get(lang) or rng.one(("com", "net", "org"))
            www = "www." if rng.random() < 0.5 else ""
            query = f"{rng.one(('art', 'node', 'p', 'page'))}={quote(anchor.replace(' ', '-'))}"
            junk = f"{rng.getrandbits(12):03x}={rng.getrandbits(8):02x}"
            url = f"http://{www}{host}.{tld}/?{query}&{junk}"
            links.append((url, anchor))
            langs.append(lang)
        text = " ".join(f"{u} {a}" for u, a in links)
        markup = " ".join(f'<a href="{html.escape(u)}">{html.escape(a)}</a>' for u, a in links)
        if rng.random() < 0.4:
            tail = f"{rng.one(T.GAMES)} {rng.one(T.CASINO_TERMS[langs[0]])}"
            text, markup = f"{text} {tail}", f"{markup} {html.escape(tail)}"
        return text, markup, max(langs, key=langs.count), links[0][1]

    def _spam(self) -> None:
        rng = self.rng
        c = rng.index(_SPAM_CHANNELS)
        if c == 0 and not self.threads[0]:
            c = 1
        p = self._spammer()
        if rng.random() < (0.5, 0.7, 0.8, 0.3)[c]:
            text, markup, lang, title = self._casino()
        else:
            table = T.SOCIAL_SPAM if c == 3 else T.NICE_SPAM
            lang = rng.one(tuple(table))
            text = rng.one(table[lang]).format(url=p.site)
            markup, title = self._html([text], ""), text[:40]
        if c == 3 and rng.random() < 0.5:
            text = f"@kelvio {text}"
        markup = markup if markup.startswith("<p>") else f"<p>{markup}</p>"
        r = rng.random()
        status = (("spam" if r < 0.6 else "pending" if r < 0.75 else "approved") if c == 0
                  else "spam" if c == 1 and r < 0.45 else "")  # fmt: skip
        author = self._author(p, c)
        if c == 0:
            post = self._pick(self.threads[0])
            rid = f"comment-{self._next(0)}"
            rec = self._rec(0, rid, "comment", author, text, markup, url=f"{post.url}#{rid}",
                            parent=post.root, thread=post.root, status=status)  # fmt: skip
        elif c == 1:
            tid = self._next(1)
            rec = self._rec(1, f"{tid}/1", "post", author, text, title=title, status=status,
                            url=f"https://forum.{T.DOMAIN}/t/{_slug(title)}/{tid}")  # fmt: skip
        elif c == 2:
            rec = self._rec(2, self._msgid(author), "message", author, text,
                            title=f"[kelvio-users] {title}", url=self._archive())  # fmt: skip
        else:
            rid = self._snowflake()
            kind = "mention" if "@kelvio" in text else "post"
            url = f"https://social.example/{author['username']}/status/{rid}"
            rec = self._rec(3, rid, kind, author, text, url=url)
        self.summary.spam += 1
        self._emit(rec, p, c, lang)

    # -- output ----------------------------------------------------------------------

    def _next(self, c: int) -> int:
        self.seq[c] += 1
        return self.seq[c]

    def _snowflake(self) -> str:
        ms = (self.epoch - 1288834974) * 1000 + self.rng.randrange(1000)
        return str(ms << 22 | (self._next(3) & 0x3FFFFF))

    def _msgid(self, author: dict[str, str]) -> str:
        domain = author.get("email", "").partition("@")[2] or f"lists.{T.DOMAIN}"
        return f"<{self.epoch}.{self._next(2)}.{self.rng.getrandbits(24):06x}@{domain}>"

    def _archive(self) -> str:
        month = self.prefix[:7]
        return f"https://lists.{T.DOMAIN}/archives/kelvio-users/{month}/{self.seq[2]:06d}.html"

    def _rec(self, c: int, rid: str, kind: str, author: dict[str, str], text: str = "",
             markup: str = "", title: str = "", url: str = "", parent: str = "",
             thread: str = "", status: str = "") -> dict[str, object]:  # fmt: skip
        rec: dict[str, object] = {"id": rid, "channel": CHANNELS[c],
                                  "platform": _PLATFORMS[c], "kind": kind,
                                  "created_at": self.ts, "author": author}  # fmt: skip
        if text:
            rec["text"] = text
        if markup:
            rec["html"] = markup
        if title:
            rec["title"] = title
        if url:
            rec["url"] = url
        if parent:
            rec["parent_id"] = parent
            rec["thread_id"] = thread
        if status:
            rec["status"] = status
        return rec

    def _emit(self, rec: dict[str, object], p: Person, c: int, lang: str | None) -> None:
        self.buf.append(orjson.dumps(rec))
        author = rec["author"]
        # Identity objects are built once per person and channel and kept, so the object
        # itself tells whether this identity was already written to the truth file.
        if id(author) not in self.seen:
            self.seen.add(id(author))
            self.summary.identities += 1
            if self.truth is not None:
                line = {"channel": CHANNELS[c], "author": author, "person": p.pid}
                self.tbuf.append(orjson.dumps(line))
        if not p.wrote:
            p.wrote = True
            self.summary.people += 1
        self.counts[c] += 1
        if lang:
            self.langs[lang] = self.langs.get(lang, 0) + 1
        if len(self.buf) >= 256:  # orjson results are over-allocated: keep few
            self._flush()

    def _flush(self, final: bool = False) -> None:
        for lines, stream in ((self.buf, self.out), (self.tbuf, self.truth)):
            if lines and stream is not None:
                _write(stream, b"\n".join(lines) + b"\n")
                lines.clear()
        if final:
            s = self.summary
            s.channels = {name: n for name, n in zip(CHANNELS, self.counts, strict=True)}
            s.activities = sum(self.counts)
            s.languages = dict(sorted(self.langs.items(), key=lambda x: -x[1]))
            self.out.flush()
            if self.truth is not None:
                self.truth.flush()


def _write(stream: TextIO, data: bytes) -> None:
    """UTF-8 bytes straight to the file under a text stream, when there is one (encoding
    a million records through the text layer costs more than making them)."""
    raw = getattr(stream, "buffer", None)
    if raw is None:
        stream.write(data.decode())
    else:
        stream.flush()
        raw.write(data)


def generate(config: GenerateConfig, out: TextIO, truth: TextIO | None = None) -> GenerateSummary:
    """Write ``config.activities`` records to ``out`` (and who is who to ``truth``)."""
    return _Community(config, out, truth).run()
