"""Watches and campaigns: named queries (:mod:`veille.watch.queries`) kept in the store,
run on everything ingested, and their reports.

A watch or a campaign is matched once against every stored activity when it is added
(or changed), then against each new batch after every ingest: ``matched_to`` keeps the
highest activity id each one has seen, so :func:`match` only reads what is new and a
second run does nothing. What they match is kept in ``watch_hits`` with the activity's
time, so that their series (for spike alerts) and reports read one index.

A campaign also has a start and an end. It is matched from the start of the period of
the same length before it (what its report compares with) to its end.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import orjson
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    and_,
    delete,
    func,
    insert,
    select,
    update,
)

from veille.store import Store
from veille.store.reads import newest_activity
from veille.store.schema import (
    activities,
    campaigns,
    channels,
    enrichments,
    identities,
    member_stats,
    members,
    watch_hits,
    watches,
)
from veille.watch.hourly import forget
from veille.watch.queries import Matcher, Query, QueryError, Text

KINDS: Final = ("watch", "campaign")
CHUNK: Final = 20_000
_TABLES: Final = {"watch": watches, "campaign": campaigns}


class WatchError(ValueError):
    """An unknown watch or campaign, or one that cannot be made."""


def _table(kind: str) -> Any:
    if kind not in _TABLES:
        raise WatchError(f"no kind {kind!r} (known: {', '.join(KINDS)})")
    return _TABLES[kind]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Named:
    """A stored watch or campaign."""

    kind: str
    id: int
    name: str
    query: Query
    starts: datetime | None
    ends: datetime | None
    matched_to: int
    created_at: datetime
    created_by: str

    @property
    def span(self) -> tuple[datetime, datetime] | None:
        """The time a campaign is matched over: the period before it, and itself."""
        if self.starts is None or self.ends is None:
            return None
        return self.starts - (self.ends - self.starts), self.ends


def _named(kind: str, row: Any) -> Named:
    return Named(
        kind=kind,
        id=int(row.id),
        name=row.name,
        query=Query.from_mapping(orjson.loads(row.spec), f"{kind} {row.name!r}"),
        starts=row.starts_at,
        ends=row.ends_at,
        matched_to=int(row.matched_to),
        created_at=row.created_at,
        created_by=row.created_by,
    )


def save(
    engine: Engine,
    kind: str,
    name: str,
    query: Query,
    by: str,
    starts: datetime | None = None,
    ends: datetime | None = None,
) -> Named:
    """Add a watch or campaign, or change the one of that name (what it matched is then
    forgotten and matched again by the next :func:`match`)."""
    table = _table(kind)
    name = name.strip()
    if not name:
        raise WatchError(f"a {kind} needs a name")
    if kind == "campaign":
        if starts is None or ends is None:
            raise WatchError(f"campaign {name!r}: a campaign needs a start and an end")
        if ends <= starts:
            raise WatchError(f"campaign {name!r}: its end must come after its start")
        if not query.looks_for_text:
            raise WatchError(
                f"campaign {name!r}: give hashtags, links, utm_campaign or keywords"
            )
    elif starts is not None or ends is not None:
        raise WatchError("a watch has no dates (a campaign has)")
    query.check(f"{kind} {name!r}")
    row = {
        "spec": orjson.dumps(query.as_dict()).decode(),
        "starts_at": starts,
        "ends_at": ends,
        "matched_to": 0,
    }
    with engine.begin() as conn:
        old = conn.execute(select(table.c.id).where(table.c.name == name)).scalar()
        forget(conn, f"{kind}:{name}")
        if old is None:
            conn.execute(insert(table).values(name=name, created_at=_now(), created_by=by, **row))
        else:
            conn.execute(update(table).where(table.c.id == old).values(**row))
            conn.execute(
                delete(watch_hits).where(watch_hits.c.kind == kind, watch_hits.c.owner_id == old)
            )
        found = conn.execute(select(table).where(table.c.name == name)).one()
    return _named(kind, found)


def remove(engine: Engine, kind: str, name: str) -> None:
    table = _table(kind)
    with engine.begin() as conn:
        owner = conn.execute(select(table.c.id).where(table.c.name == name)).scalar()
        if owner is None:
            raise WatchError(f"no {kind} named {name!r}")
        conn.execute(
            delete(watch_hits).where(watch_hits.c.kind == kind, watch_hits.c.owner_id == owner)
        )
        conn.execute(delete(table).where(table.c.id == owner))
        forget(conn, f"{kind}:{name}")


def stored(conn: Connection, kind: str | None = None) -> list[Named]:
    out = []
    for k in (kind,) if kind else KINDS:
        table = _table(k)
        out += [_named(k, r) for r in conn.execute(select(table).order_by(table.c.name))]
    return out


def get(engine: Engine, kind: str, name: str) -> Named:
    table = _table(kind)
    with engine.connect() as conn:
        row = conn.execute(select(table).where(table.c.name == name)).first()
    if row is None:
        raise WatchError(f"no {kind} named {name!r}")
    return _named(kind, row)


# -- matching ---------------------------------------------------------------------------
@dataclass(slots=True)
class MatchReport:
    activities: int = 0
    hits: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        total = sum(self.hits.values())
        return f"watches: {self.activities} activities read, {total} matches"


def match(
    store: Store, progress: Callable[[int], None] | None = None, chunk: int = CHUNK
) -> MatchReport:
    """Run every watch and campaign over the activities each has not seen yet."""
    report = MatchReport()
    with store.engine.connect() as conn:
        owners = stored(conn)
        newest = conn.execute(select(func.max(activities.c.id))).scalar() or 0
    owners = [o for o in owners if o.matched_to < newest]
    if not owners:
        return report
    matcher = Matcher.of(((o.kind, o.id), o.query) for o in owners)
    seen = {(o.kind, o.id): o for o in owners}
    low = min(o.matched_to for o in owners)
    spans = [o.span for o in owners]
    # Only campaigns limit the time read, and only when every owner is a campaign.
    window = None if any(s is None for s in spans) else (
        min(s[0] for s in spans if s), max(s[1] for s in spans if s)
    )  # fmt: skip
    with_html = matcher.any_links
    specs = {(o.kind, o.id): orjson.dumps(o.query.as_dict()).decode() for o in owners}
    while low < newest:
        high = min(newest, low + chunk)
        with store.engine.begin() as conn:
            # A watch changed or removed meanwhile (the web, another command) is left
            # for the next run, which matches it from the start.
            current = {
                (kind, int(i)): spec
                for kind in KINDS
                for i, spec in conn.execute(select(_table(kind).c.id, _table(kind).c.spec))
            }
            live = {k for k, spec in specs.items() if current.get(k) == spec}
            rows = _read(conn, low, high, with_html, window)
            found = []
            for row in rows:
                item = Text(
                    int(row.id), row.channel, row.language,
                    f"{row.title or ''}\n{row.text or ''}", row.html if with_html else None,
                )  # fmt: skip
                at = int(row.created_at.timestamp())
                for key in matcher.match(item):
                    owner = seen[key]
                    if item.id <= owner.matched_to or key not in live:
                        continue
                    span = owner.span
                    if span and not span[0] <= row.created_at < span[1]:
                        continue
                    found.append(
                        {"kind": key[0], "owner_id": key[1], "activity_id": item.id, "at": at}
                    )
                    report.hits[owner.name] += 1
            if found:
                conn.execute(insert(watch_hits), found)
            for kind in KINDS:
                table = _table(kind)
                ids = [i for k, i in live if k == kind]
                if ids:
                    conn.execute(
                        update(table)
                        .where(table.c.id.in_(ids), table.c.matched_to < high)
                        .values(matched_to=high)
                    )
            report.activities += len(rows)
        if progress:
            progress(high - low)
        low = high
    return report


def _read(
    conn: Connection,
    low: int,
    high: int,
    with_html: bool,
    window: tuple[datetime, datetime] | None,
) -> list[Any]:
    columns = [
        activities.c.id,
        activities.c.created_at,
        activities.c.title,
        activities.c.text,
        channels.c.name.label("channel"),
        enrichments.c.language,
    ]
    if with_html:
        columns.append(activities.c.html)
    query = (
        select(*columns)
        .select_from(
            activities.join(channels, channels.c.id == activities.c.channel_id).outerjoin(
                enrichments, enrichments.c.activity_id == activities.c.id
            )
        )
        .where(activities.c.id > low, activities.c.id <= high)
    )
    if window:
        query = query.where(
            activities.c.created_at >= window[0], activities.c.created_at < window[1]
        )
    return list(conn.execute(query))


# -- reports ----------------------------------------------------------------------------
@dataclass(slots=True)
class Figures:
    """What a watch or campaign matched in one period (spam left out)."""

    start: datetime
    end: datetime
    volume: int = 0
    authors: int = 0
    reach: int = 0
    sentiment: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)
    daily: dict[str, int] = field(default_factory=dict)
    daily_negative: dict[str, int] = field(default_factory=dict)
    top_posts: list[dict[str, Any]] = field(default_factory=list)
    top_members: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "volume": self.volume,
            "authors": self.authors,
            "reach": self.reach,
            "sentiment": self.sentiment,
            "languages": self.languages,
            "channels": self.channels,
            "daily": self.daily,
            "daily_negative": self.daily_negative,
            "top_posts": self.top_posts,
            "top_members": self.top_members,
        }


def _matched(named: Named, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    """What ``named`` matched in ``[start, end)``, spam left out (joined to enrichments)."""
    return [
        watch_hits.c.kind == named.kind,
        watch_hits.c.owner_id == named.id,
        watch_hits.c.at >= int(start.timestamp()),
        watch_hits.c.at < int(end.timestamp()),
        enrichments.c.spam.is_not(True),
    ]


def figures(
    conn: Connection, named: Named, start: datetime, end: datetime, top: int = 5
) -> Figures:
    out = Figures(start=start, end=end)
    rows = conn.execute(
        select(
            activities.c.id,
            activities.c.created_at,
            channels.c.name,
            enrichments.c.language,
            enrichments.c.sentiment,
            identities.c.member_id,
        )
        .select_from(
            watch_hits.join(activities, activities.c.id == watch_hits.c.activity_id)
            .join(channels, channels.c.id == activities.c.channel_id)
            .join(identities, identities.c.id == activities.c.identity_id)
            .outerjoin(enrichments, enrichments.c.activity_id == activities.c.id)
        )
        .where(*_matched(named, start, end))
    ).all()
    out.volume = len(rows)
    sentiment: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    chans: Counter[str] = Counter()
    daily: Counter[str] = Counter()
    negative: Counter[str] = Counter()
    by_member: Counter[int] = Counter()
    for _aid, created, channel, lang, mood, member in rows:
        day = created.astimezone(UTC).date().isoformat()
        daily[day] += 1
        sentiment[mood or "unknown"] += 1
        negative[day] += mood == "negative"
        languages[lang or "und"] += 1
        chans[channel] += 1
        if member is not None:
            by_member[int(member)] += 1
    out.sentiment = dict(sentiment.most_common())
    out.languages = dict(languages.most_common())
    out.channels = dict(chans.most_common())
    out.daily = dict(sorted(daily.items()))
    out.daily_negative = {d: negative[d] for d in out.daily}
    out.authors = len(by_member)
    ids = list(by_member)
    reach: dict[int, int] = {}
    for n in range(0, len(ids), 500):
        part = ids[n : n + 500]
        reach.update(
            (int(m), int(r or 0))
            for m, r in conn.execute(
                select(member_stats.c.member_id, member_stats.c.reach).where(
                    member_stats.c.member_id.in_(part)
                )
            )
        )
    out.reach = sum(reach.values())
    # The team and bots count in the volume, not among the top members.
    people = {
        int(m): name
        for m, name in conn.execute(
            select(members.c.id, members.c.display_name).where(
                members.c.id.in_([m for m, _ in by_member.most_common(top * 4)]),
                members.c.is_team.is_(False),
                members.c.is_bot.is_(False),
            )
        )
    }
    out.top_members = [
        {"member": m, "name": people[m], "activities": n, "reach": reach.get(m, 0)}
        for m, n in by_member.most_common(top * 4)
        if m in people
    ][:top]
    out.top_posts = _top_posts(conn, named, start, end, top)
    return out


def _top_posts(
    conn: Connection, named: Named, start: datetime, end: datetime, top: int
) -> list[dict[str, Any]]:
    """The matched activities whose threads drew the most replies."""
    reply = activities.alias("reply")
    rows = conn.execute(
        select(
            activities.c.id,
            activities.c.title,
            activities.c.text,
            activities.c.url,
            func.count(reply.c.id).label("replies"),
        )
        .select_from(
            watch_hits.join(activities, activities.c.id == watch_hits.c.activity_id)
            .outerjoin(enrichments, enrichments.c.activity_id == activities.c.id)
            .join(
                reply,
                and_(
                    reply.c.channel_id == activities.c.channel_id,
                    reply.c.thread_native_id == activities.c.native_id,
                    reply.c.id != activities.c.id,
                ),
            )
        )
        .where(*_matched(named, start, end))
        .group_by(activities.c.id, activities.c.title, activities.c.text, activities.c.url)
        .order_by(func.count(reply.c.id).desc(), activities.c.id)
        .limit(top)
    ).all()
    return [
        {"activity": int(r.id), "title": r.title, "snippet": (r.text or "")[:160].strip(),
         "url": r.url, "replies": int(r.replies)}  # fmt: skip
        for r in rows
    ]


def _change(now: float, before: float) -> float | None:
    return round((now - before) / before, 3) if before else None


def report(engine: Engine, kind: str, name: str, days: int = 30) -> dict[str, Any]:
    """A watch's last ``days`` against the ``days`` before them; a campaign's period
    against the period of the same length before it. Ends at the newest activity for a
    watch."""
    named = get(engine, kind, name)
    with engine.connect() as conn:
        if named.starts is not None and named.ends is not None:
            start, end = named.starts, named.ends
        else:
            newest = newest_activity(conn)
            end = (newest or _now()) + timedelta(seconds=1)
            start = end - timedelta(days=days)
        length = end - start
        now = figures(conn, named, start, end)
        before = figures(conn, named, start - length, start)
    return {
        "kind": kind,
        "name": named.name,
        "query": named.query.as_dict(),
        "period": now.as_dict(),
        "before": before.as_dict(),
        "change": {
            "volume": _change(now.volume, before.volume),
            "authors": _change(now.authors, before.authors),
            "reach": _change(now.reach, before.reach),
            "negative_share": round(
                now.sentiment.get("negative", 0) / now.volume
                - (before.sentiment.get("negative", 0) / before.volume if before.volume else 0),
                3,
            )
            if now.volume
            else None,
        },
    }


def listing(engine: Engine, kind: str | None = None) -> Iterator[dict[str, Any]]:
    """Each watch or campaign with its number of matches."""
    with engine.connect() as conn:
        counts: dict[tuple[str, int], int] = defaultdict(int)
        for k, owner, n in conn.execute(
            select(watch_hits.c.kind, watch_hits.c.owner_id, func.count()).group_by(
                watch_hits.c.kind, watch_hits.c.owner_id
            )
        ):
            counts[(k, int(owner))] = int(n)
        for named in stored(conn, kind):
            yield {
                "kind": named.kind,
                "name": named.name,
                "query": named.query.as_dict(),
                "starts": named.starts.isoformat() if named.starts else None,
                "ends": named.ends.isoformat() if named.ends else None,
                "matches": counts[(named.kind, named.id)],
            }


def load_file(engine: Engine, path: str, by: str) -> list[Named]:
    """Watches and campaigns from a TOML file (``[watch.NAME]`` and ``[campaign.NAME]``
    tables), checked whole before anything is saved."""
    import tomllib

    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise WatchError(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise WatchError(f"{path}: not valid TOML ({exc})") from None
    todo: list[tuple[str, str, Query, datetime | None, datetime | None]] = []
    for kind, entries in data.items():
        if kind not in KINDS or not isinstance(entries, dict):
            raise WatchError(f"{path}: [{kind}]: expected [watch.NAME] or [campaign.NAME] tables")
        for name, spec in entries.items():
            where = f"{path}: [{kind}.{name}]"
            if not isinstance(spec, dict):
                raise WatchError(f"{where}: expected a table")
            spec = dict(spec)
            starts, ends = (_when(spec.pop(k, None), where, k) for k in ("starts", "ends"))
            try:
                query = Query.from_mapping(spec, where)
            except QueryError as exc:
                raise WatchError(str(exc)) from None
            if kind == "campaign" and (starts is None or ends is None or ends <= starts):
                raise WatchError(f"{where}: a campaign needs starts and ends, in that order")
            todo.append((kind, name, query, starts, ends))
    return [save(engine, k, n, q, by, s, e) for k, n, q, s, e in todo]


def _when(value: Any, where: str, key: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise WatchError(f"{where}: {key}: {value!r} is not a date") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    import datetime as dt

    if isinstance(value, dt.date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise WatchError(f"{where}: {key}: expected a date")
