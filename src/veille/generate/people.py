"""The people of a community: members, the team, the brand account, bots and spammers;
who joins when, on which channels, with which names and addresses."""

from __future__ import annotations

from bisect import bisect

from veille.generate import names
from veille.generate import text as T
from veille.generate.config import HOMES, GenerateConfig
from veille.generate.rng import Rng, cum
from veille.generate.wording import handle

WORK_DOMAINS = ("atelier-lumen.fr", "nordwerk.de", "bytebarn.io", "solera-grupo.es",
                "studio-aria.it", "casanorte.com.br", "brightwell.co.uk",
                "pixelforge.io")  # fmt: skip
# How often a member also has their personal local part at another provider.
MOVED = 0.2
STAFF_ORIGINS = ("fr", "en", "de", "es", "fr", "en")
_HOMES = cum(HOMES)


class Person:
    """One person: a member, a team member, a bot, the brand account or a spammer."""

    __slots__ = ("idx", "pid", "role", "first", "spellings", "native", "last", "origin",
                 "lang", "second", "weight", "join", "home", "channels", "emails", "site",
                 "nick", "user", "flat", "idents", "wrote")  # fmt: skip

    def __init__(self, idx: int, role: str, first: str, last: str, origin: str) -> None:
        self.idx, self.pid, self.role = idx, f"p{idx + 1:06d}", role
        spellings, _, native = first.partition("|")
        self.spellings = spellings.split("/")
        self.first, self.native, self.last, self.origin = self.spellings[0], native, last, origin
        self.lang, self.second = "en", ""
        self.weight, self.join, self.home = 1.0, 0, 0
        self.channels: dict[int, float] = {}
        self.emails: list[str] = []
        self.site, self.nick, self.user, self.flat, self.wrote = "", "", "", False, False
        self.idents: dict[int, list[dict[str, str]]] = {}

    def name(self) -> str:
        return f"{self.first} {self.last}".strip()


class Pool:
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

    def pick(self, rng: Rng) -> Person | None:
        if not self.k:
            return None
        return self.people[bisect(self.cum, rng.random() * self.cum[self.k - 1], 0, self.k - 1)]


def build_people(cfg: GenerateConfig, rng: Rng, per_day: list[int]) -> list[Person]:
    """Team, brand account and bots first, then members in the order they join."""
    people: list[Person] = []
    n_staff = max(2, min(6, cfg.members // 80))
    n_bots = 2 if cfg.members >= 20 else 1
    for i in range(n_staff):
        origin = STAFF_ORIGINS[i]
        first, last = rng.one(T.NAMES[origin][0]), rng.one(T.NAMES[origin][1])
        p = Person(len(people), "staff", first.partition("|")[0].split("/")[0], last, origin)
        p.lang, p.weight = origin, 1.0
        p.emails = [f"{handle(p.first)}.{handle(p.last)}@{T.DOMAIN}"]
        people.append(p)
    people.append(Person(len(people), "brand", T.BRAND, "", "en"))
    for name in ("Kelvio Bot", "Kelvio Status")[:n_bots]:
        people.append(Person(len(people), "bot", name, "", "en"))
    members = cfg.members - len(people)
    origins = tuple(T.ORIGINS)
    origin_cum = cum(v[0] for v in T.ORIGINS.values())
    phase = rng.random()
    ranks = list(range(1, members + 1))
    rng.shuffle(ranks)
    # Members present before the window join on day 0; the others join when their first
    # activity is due, spread like the activity itself.
    total, acc, day, existing = max(1, sum(per_day)), per_day[0], 0, int(members * 0.4)
    taken: set[str] = {e for p in people for e in p.emails}
    for j in range(members):
        # Origins follow a golden-ratio sequence along the activity rank, so the few who
        # write most have the same mix of origins as everyone (languages stay stable).
        u = (phase + ranks[j] * 0.6180339887) % 1.0 * origin_cum[-1]
        origin = origins[bisect(origin_cum, u, 0, len(origins) - 1)]
        p = Person(len(people), "member", *names.draw(rng, origin), origin)
        langs = T.ORIGINS[origin][1]
        p.lang = rng.choices([x[0] for x in langs], [x[1] for x in langs])[0]
        p.second = "en" if p.lang != "en" and rng.random() < 0.3 else ""
        p.flat = p.lang != "en" and rng.random() < 0.1
        p.weight = (ranks[j] + 4) ** -1.2  # Zipf-like, with a less extreme head
        while acc < (j + 0.5) / members * total and day < len(per_day) - 1:
            day += 1
            acc += per_day[day]
        p.join = 0 if j < existing else day
        _place(p, ranks[j] / members, rng, taken)
        people.append(p)
    return people


def _place(p: Person, top: float, rng: Rng, taken: set[str]) -> None:
    """Channels, addresses and site of a member; the most active are on more channels.

    An e-mail address or a site belongs to one person: when the one wanted is taken,
    a digit goes in, as mail providers and registrars make people do.
    """
    home = rng.index(_HOMES)
    extra = (rng.randint(2, 3) if top < 0.05 else rng.randint(1, 2) if top < 0.2
             else int(rng.random() < 0.4) if top < 0.5 else int(rng.random() < 0.12))  # fmt: skip
    others = [c for c in range(4) if c != home]
    rng.shuffle(others)
    p.home = home
    p.channels = {home: 0.6 if extra else 1.0}
    for c in others[:extra]:
        p.channels[c] = 0.4 / extra
    if rng.random() < 0.2:
        p.nick = nickname(rng)
    p.emails = [f"{_local_part(p, rng)}@{rng.one(T.MAIL_DOMAINS[p.origin])}"]
    f, last = handle(p.first), handle(p.last)
    if rng.random() < 0.3:
        p.emails.append(f"{f[:1]}.{last}@{rng.one(WORK_DOMAINS)}")
    if rng.random() < MOVED:
        # The same local part at another provider: an address kept when changing
        # providers (real senders show one name at related addresses a third of the
        # time they show it at several, bench/identity_realism.py).
        local = p.emails[0].partition("@")[0]
        p.emails.append(f"{local}@{rng.one(T.MAIL_DOMAINS[p.origin])}")
    if rng.random() < 0.15:
        tld = T.SITE_TLDS.get(p.lang, "com")
        p.site = rng.one((f"https://www.{f}-{last}.{tld}", f"https://{f}{last}.wordpress.com",
                             f"https://{f}{last[:1]}.blog"))  # fmt: skip
    p.emails = [_unique(e, taken, rng) for e in p.emails]
    if p.site:
        p.site = _unique(p.site, taken, rng)


# How real senders' local parts are made (bench/identity_realism.py on the scale lists,
# docs/members.md): shares of first.last, flast, firstlast, first, last, firstl,
# lastfirst, last.first, lastf, initials, the name and more, and anything else.
_LOCAL_KINDS = ("first.last", "flast", "firstlast", "first", "last", "firstl", "lastfirst",
                "last.first", "lastf", "initials", "more", "other")  # fmt: skip
_LOCAL_CUM = cum((115, 111, 106, 145, 38, 19, 12, 6, 5, 14, 139, 291))


def _local_part(p: Person, rng: Rng) -> str:
    """A personal address's local part, made of the name as often as real ones are."""
    words = p.last.split()
    f, last, l1 = handle(p.first), handle(words[0]), handle(words[0])[:1]
    kind = _LOCAL_KINDS[rng.index(_LOCAL_CUM)]
    if kind == "more":
        return rng.one((f"{f}{last}{rng.randint(1, 99)}", f"{f}.{last}{rng.randint(60, 99)}",
                        f"{f}{rng.randint(1, 999)}", f"{f}.{last}.{nickname(rng)}"))  # fmt: skip
    if kind == "other":
        # A nickname or words of one's own: nothing of the name.
        nick = p.nick or nickname(rng)
        return nick if rng.random() < 0.5 else f"{nick}{rng.randint(1, 99)}"
    return {"first.last": f"{f}.{last}", "flast": f"{f[:1]}{last}", "firstlast": f"{f}{last}",
            "first": f, "last": last, "firstl": f"{f}{l1}", "lastfirst": f"{last}{f}",
            "last.first": f"{last}.{f}", "lastf": f"{last}{f[:1]}",
            "initials": f"{f[:1]}{l1}{handle(words[-1])[:1] if len(words) > 1 else ''}",
            }[kind]  # fmt: skip


_WORDS = ("42", "x", "dev", "home", "box", "mail", "net", "geek", "fan", "pro", "man", "girl",
          "lab", "web", "tech", "bzh", "max", "ace", "zen", "art", "run", "sky", "sun")  # fmt: skip


# Some words are picked far more often than others (blue, dark, fox, wolf), as in real
# handles: weights fall with the rank as (rank + 4) ** -1, set against the real lists.
_NICK_HEAD_CUM = cum(tuple((k + 4) ** -1.0 for k in range(len(T.NICK_HEADS))))
_NICK_TAIL_CUM = cum(tuple((k + 4) ** -1.0 for k in range(len(T.NICK_TAILS))))


def nickname(rng: Rng) -> str:
    """A nickname of one's own: two words run together (``bluefox``, ``gatonegro``),
    syllables (``zorvak``), sometimes with a word of the net (``bluefoxdev``)."""
    r = rng.random()
    if r < 0.55:
        head, tail = rng.index(_NICK_HEAD_CUM), rng.index(_NICK_TAIL_CUM)
        nick = f"{T.NICK_HEADS[head]}{T.NICK_TAILS[tail]}"
    else:
        nick = "".join(rng.one(T.NICK_SYLLABLES) for _ in range(rng.randint(2, 3)))
    return f"{nick}{rng.one(_WORDS)}" if rng.random() < 0.2 else nick


def _unique(address: str, taken: set[str], rng: Rng) -> str:
    """``address`` (an e-mail or a site), with digits added until no one else has it."""
    while address in taken:
        digit = str(rng.randint(0, 9))
        if "@" in address:
            local, _, domain = address.rpartition("@")
            address = f"{local}{digit}@{domain}"
        else:  # https://www.name.tld -> https://www.name7.tld
            scheme, _, host = address.partition("://")
            labels = host.split(".")
            labels[1 if labels[0] == "www" else 0] += digit
            address = f"{scheme}://{'.'.join(labels)}"
    taken.add(address)
    return address
