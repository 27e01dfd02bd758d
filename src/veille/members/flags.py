"""Bots and the team: flagged on members, with the reason, so engagement metrics and
segments leave them out by default.

A member is a **bot** when the platform marks one of its identities as one (Slack's
``bot_id``, Discord's ``isBot``: :attr:`veille.model.Author.bot`), when one is named
like one (``Kelvio Bot``,
``dependabot[bot]``, ``noreply@...``, a configured pattern) or behaves like one (at
least ``bot_min_activities`` activities of which at least ``bot_repeat_share`` repeat a
text it already wrote). A member is in the **team** when one of its identities is in
the configured list (an e-mail address, ``@domain`` for everyone of a domain, a
username) or, with ``site_authors``, when it wrote posts on a blog channel: the site's
own authors.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Final

import orjson
from sqlalchemy import Connection, Engine, func, select, update

from veille.members.activity import chunks
from veille.members.identity import normal_email
from veille.store import texts
from veille.store.schema import (
    POSTS,
    activities,
    channels,
    identities,
    identity_keys,
    members,
)

BOT_NAMES: Final = (
    r"\bbot\b",
    r"\[bot\]",
    r"[-_.]bot\b",
    r"\bbot[-_.]",
    r"\b(status|notifications?|automation|autoresponder|mailer-daemon)\b",
    r"\b(github-actions|dependabot|renovate(-bot)?|circleci)\b",
    # Travis and Jenkins are people's names too (Travis Hampton, Brian Jenkins on the
    # real lists): the CI services only with their "ci", or as a whole handle below.
    r"\b(travis|jenkins)[-_. ]?ci\b",
)
# Handles that are a CI service's when they are the whole name or username.
BOT_HANDLES: Final = frozenset({"travis", "jenkins", "buildbot", "github", "gitlab"})
BLOG_PLATFORMS: Final = ("blog", "wordpress")
# Up to this many identities, site authors are looked for among them; more, all.
SMALL: Final = 5000


@dataclass(frozen=True, slots=True)
class FlagRules:
    """Who is a bot and who is the team (``[identities]`` in the settings file)."""

    #: E-mail addresses, ``@domain`` entries and usernames of the team.
    team: tuple[str, ...] = ()
    #: Regular expressions (case-insensitive) on names and usernames of the team
    #: ("kelvio" for "Liam (Kelvio)" or "liam_kelvio").
    team_patterns: tuple[str, ...] = ()
    #: Authors of posts on blog channels are the site's own authors: the team.
    site_authors: bool = True
    #: More regular expressions (case-insensitive) on names, usernames and e-mails.
    bot_patterns: tuple[str, ...] = ()
    bot_min_activities: int = 20
    bot_repeat_share: float = 0.8


class Matcher:
    """The tests of :class:`FlagRules` that read an identity's own handles (its name,
    username and e-mail address), compiled once: the members step flags with them, and
    the spam step (:mod:`veille.enrich.trust`) knows the team by them before any member
    is flagged."""

    def __init__(self, rules: FlagRules) -> None:
        self.names = re.compile("|".join((*BOT_NAMES, *rules.bot_patterns)), re.IGNORECASE)
        self.emails = {e.lower() for e in rules.team if "@" in e and not e.startswith("@")}
        self.domains = {e[1:].lower() for e in rules.team if e.startswith("@")}
        self.usernames = {e.lower().lstrip("@") for e in rules.team if "@" not in e.lstrip("@")}
        self.team_names = (
            re.compile("|".join(rules.team_patterns), re.IGNORECASE)
            if rules.team_patterns
            else None
        )

    def bot(self, name: str, username: str, email: str) -> str | None:
        """``bot:name:...`` or ``bot:address:...`` when the handles are a bot's."""
        hit = self.names.search(" ".join(x for x in (name, username, email) if x))
        if hit:
            return f"bot:name:{hit.group(0).strip()}"
        _, local, role = normal_email(email) if email else (None, "", False)
        if role and local.startswith(("noreply", "no-reply", "donotreply", "mailer")):
            return f"bot:address:{email}"
        for handle in (name, username):  # (travis@ is a Travis's mailbox)
            if handle and handle.strip().lower().lstrip("@") in BOT_HANDLES:
                return f"bot:name:{handle.strip()}"
        return None

    def team(self, name: str, username: str, email: str) -> str | None:
        """``team:listed:...`` or ``team:name:...`` when the settings name the handles."""
        email = email.lower()
        if email and (email in self.emails or email.rpartition("@")[2] in self.domains):
            return f"team:listed:{email}"
        if username and username.lower() in self.usernames:
            return f"team:listed:{username}"
        if self.team_names and (found := self.team_names.search(f"{name} {username}")):
            return f"team:name:{found.group(0)}"
        return None


@dataclass(frozen=True, slots=True)
class _Identity:
    id: int
    member: int
    channel: int
    name: str
    username: str
    email: str
    bot: bool
    """The platform marks the account a bot (``identities.is_bot``)."""


def flag(
    engine: Engine,
    rules: FlagRules | None = None,
    member_ids: Collection[int] | None = None,
    *,
    shared_above: int = 20,
    large_from: int = 12,
) -> tuple[int, int]:
    """Set ``is_bot``, ``is_team`` and ``flags`` on members (all, or ``member_ids``);
    the number of bots and of team members among them.

    Also flagged, for a manager to look at (neither bot nor team): an address shared by
    more than ``shared_above`` identities or a role mailbox (``shared:<address>``), and
    a member of ``large_from`` identities or more (``large:<n> identities``)."""
    rules = rules or FlagRules()
    matcher = Matcher(rules)
    with engine.begin() as conn:
        found = _identities(conn, member_ids)
        ids = [i.id for i in found]
        everyone = member_ids is None
        authors = _site_authors(conn, found, everyone) if rules.site_authors else set()
        repeaters = _repeaters(conn, ids, rules, everyone)
        # the addresses looked up below: normal_email of the lower-cased address
        mine = {normal_email(i.email.lower())[0] for i in found if i.email}
        shared = _shared_addresses(conn, shared_above, None if everyone else mine)
        reasons: dict[int, list[str]] = {i.member: [] for i in found}
        sizes = Counter(i.member for i in found)
        for ident in found:
            why = reasons[ident.member]
            _, _, role = normal_email(ident.email) if ident.email else (None, "", False)
            if ident.bot:
                why.append(f"bot:platform:{ident.username or ident.name}")
            if bot := matcher.bot(ident.name, ident.username, ident.email):
                why.append(bot)
            if ident.id in repeaters:
                why.append(f"bot:repeats:{repeaters[ident.id]:.0%}")
            email = (ident.email or "").lower()
            if team := matcher.team(ident.name, ident.username, ident.email):
                why.append(team)
            if ident.id in authors:
                why.append("team:site-author")
            norm = normal_email(email)[0] if email else None
            if (role or norm in shared) and not any(w.startswith("bot:") for w in why):
                why.append(f"shared:{email}")
        for member, n in sizes.items():
            if n >= large_from:
                reasons[member].append(f"large:{n} identities")
        bots = teams = 0
        plain: list[int] = []
        for member, why in reasons.items():
            if not why:
                plain.append(member)
                continue
            unique = list(dict.fromkeys(why))
            is_bot = any(w.startswith("bot:") for w in unique)
            is_team = any(w.startswith("team:") for w in unique) and not is_bot
            bots += is_bot
            teams += is_team
            conn.execute(
                update(members)
                .where(members.c.id == member)
                .values(is_bot=is_bot, is_team=is_team, flags=orjson.dumps(unique).decode())
            )
        # Most members have no flag: clear the few that had one, in bulk.
        for i in range(0, len(plain), 5000):
            conn.execute(
                update(members)
                .where(members.c.id.in_(plain[i : i + 5000]), members.c.flags.is_not(None))
                .values(is_bot=False, is_team=False, flags=None)
            )
    return bots, teams


def _identities(conn: Connection, member_ids: Collection[int] | None) -> list[_Identity]:
    query = select(
        identities.c.id,
        identities.c.member_id,
        identities.c.channel_id,
        identities.c.name,
        identities.c.username,
        identities.c.email,
        identities.c.is_bot,
    )
    if member_ids is None:
        rows = conn.execute(query).all()
    else:
        wanted = sorted(member_ids)
        rows = []
        for i in range(0, len(wanted), 5000):
            rows += conn.execute(
                query.where(identities.c.member_id.in_(wanted[i : i + 5000]))
            ).all()
    return [
        _Identity(int(r[0]), int(r[1]), int(r[2]), r[3] or "", r[4] or "", r[5] or "", bool(r[6]))
        for r in rows
    ]


def _shared_addresses(conn: Connection, above: int, among: set[str | None] | None) -> set[str]:
    """Normalised addresses held by more than ``above`` identities (of ``among``, or all:
    an incremental step counts only its identities' addresses, by index)."""
    k = identity_keys.c
    query = (
        select(k.value, func.count())
        .where(k.kind == "email")
        .group_by(k.value)
        .having(func.count() > above)
    )
    if among is None:
        return {str(value) for value, _ in conn.execute(query)}
    # keys are cut at 400 characters, as resolve writes them
    values = sorted({a[:400] for a in among if a})
    return {
        str(value)
        for c in chunks(values)
        for value, _ in conn.execute(query.where(k.value.in_(c)))
    }


def _site_authors(conn: Connection, found: list[_Identity], everyone: bool) -> set[int]:
    """Identities of ``found`` that wrote posts on a blog channel. An identity is one
    channel's: only those of blog channels are looked up, by the index of posts while
    they are few (not their comments, nor the touched forum or list writers)."""
    blogs = [
        int(c)
        for c in conn.execute(
            select(channels.c.id).where(channels.c.platform.in_(BLOG_PLATFORMS))
        ).scalars()
    ]
    mine = sorted(i.id for i in found if i.channel in blogs)
    if not mine:
        return set()
    # The kind as a literal: SQLite uses the partial index of posts only then. The
    # identities' own posts are on their (blog) channel: naming the channels as well
    # made SQLite read the blogs' every activity by the channel index instead (22 s at
    # 10,000,000 activities, against 0.6 s for every author of a post from the partial
    # index alone, kept only for the blogs' identities below).
    query = select(activities.c.identity_id).distinct().where(POSTS)
    if not everyone and len(mine) <= SMALL:
        query = query.where(activities.c.identity_id.in_(mine))
    return {int(r[0]) for r in conn.execute(query)} & set(mine)


def _repeaters(
    conn: Connection, ids: list[int], rules: FlagRules, everyone: bool
) -> dict[int, float]:
    """Identities with many activities that mostly repeat their own texts.

    Read from the texts counted per identity (:mod:`veille.store.texts`): counted again
    for everyone, else the activities stored since the last step added to them."""
    if everyone:
        texts.build(conn)
    else:
        texts.catch_up(conn)
    out: dict[int, float] = {}
    wanted = set(ids)
    for ident, n, hashed, distinct_texts in texts.totals(
        conn, None if everyone else ids, rules.bot_min_activities
    ):
        if ident not in wanted or not hashed:
            continue
        repeated = (hashed - distinct_texts) / n
        if repeated >= rules.bot_repeat_share:
            out[ident] = repeated
    return out
