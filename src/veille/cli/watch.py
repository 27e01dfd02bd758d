"""``veille alerts ...``: spikes in volume and negative sentiment, as alerts."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import UTC, datetime
from typing import Any

import click

from veille.cli.commands import open_store as _store


@click.group()
def alerts() -> None:
    """Spikes in volume and in negative sentiment, overall and per channel."""


@alerts.command("list")
@click.option("--status", type=click.Choice(["open", "acknowledged", "resolved"]))
@click.option("--kind", "kinds", multiple=True,
              help="Only this kind (repeat): volume-spike, negative-spike, member-silent, ...")  # fmt: skip
@click.option("--backtest", is_flag=True, help="The alerts of backtests instead of live ones.")
@click.pass_context
def alerts_list(
    ctx: click.Context, status: str | None, kinds: tuple[str, ...], backtest: bool
) -> None:
    """Alerts, oldest first: what spiked, when, how far above its usual level; and
    member alerts."""
    from veille.watch.alerts import iter_alerts

    with _store(ctx) as store:
        found = list(iter_alerts(store.engine, status, backtest, kinds))
    if not found:
        click.echo("no alerts")
    for a in found:
        if "summary" in a["series"]:
            click.echo(f"{a['id']:>5} {a['status']:<12} {a['kind']:<20} {a['subject']:<24} "
                       f"{a['started_at'][:16]}: {a['series']['summary']}")  # fmt: skip
            continue
        click.echo(
            f"{a['id']:>5} {a['status']:<12} {a['kind']:<20} {a['subject']:<24} from "
            f"{a['started_at'][:16]} (seen {a['detected_at'][:16]}): {a['observed']:g} "
            f"against {a['baseline']:g}, {len(a['evidence'])} activities"
        )


def _set(ctx: click.Context, alert: int, status: str, by: str | None) -> None:
    from veille.watch.alerts import AlertError, set_status

    with _store(ctx) as store:
        try:
            set_status(store.engine, alert, status, by or getpass.getuser())
        except AlertError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"alert {alert} {status}")


@alerts.command("ack")
@click.argument("alert", type=int)
@click.option("--by", help="Who (default: the user name).")
@click.pass_context
def alerts_ack(ctx: click.Context, alert: int, by: str | None) -> None:
    """Say someone is on it."""
    _set(ctx, alert, "acknowledged", by)


@alerts.command("resolve")
@click.argument("alert", type=int)
@click.option("--by", help="Who (default: the user name).")
@click.pass_context
def alerts_resolve(ctx: click.Context, alert: int, by: str | None) -> None:
    """Close an alert; the next spike on the same subject opens a new one."""
    _set(ctx, alert, "resolved", by)


@alerts.command("backtest")
@click.option("--since", type=click.DateTime(), help="From (UTC; default: the oldest activity).")
@click.option("--until", type=click.DateTime(), help="To (UTC; default: the newest).")
@click.pass_context
def alerts_backtest(ctx: click.Context, since: datetime | None, until: datetime | None) -> None:
    """Replay stored history hour by hour as if live; store what would have fired
    (marked backtest: `veille alerts list --backtest`, `veille export alerts`)."""
    from veille import settings
    from veille.watch.alerts import backtest, iter_alerts

    def aware(value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value

    with _store(ctx) as store:
        report = backtest(store, aware(since), aware(until), settings.watch_rules(store))
        click.echo(report.line())
        for a in iter_alerts(store.engine, backtest=True):
            click.echo(
                f"  {a['kind']:<20} {a['subject']:<24} from {a['started_at'][:16]}, "
                f"detected {a['detected_at'][:16]}: {a['observed']:g} against {a['baseline']:g}"
            )


@click.command()
@click.option("--window", type=click.Choice(["hour", "day", "week"]), default="day",
              show_default=True)  # fmt: skip
@click.option("--lang", "language", help="Only this language (ISO 639-1).")
@click.option("--until", type=click.DateTime(),
              help="The window ends then (UTC; default: just after the newest activity).")
@click.option("--top", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def trends(ctx: click.Context, window: str, language: str | None, until: datetime | None,
           top: int, as_json: bool) -> None:  # fmt: skip
    """Terms said much more in the latest window (or the one ending --until) than in
    their usual level over the windows before."""
    import dataclasses

    from veille.watch.trends import BASELINE, period
    from veille.watch.trends import trends as find

    end = until.replace(tzinfo=UTC) if until and until.tzinfo is None else until
    with _store(ctx) as store:
        with store.engine.connect() as conn:
            span = period(conn, window, end)
        found = find(store.engine, window, language, top=top, end=span[1]) if span else []
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(t) for t in found], ensure_ascii=False))
        return
    if span is None:
        click.echo("nothing is stored yet")
        return
    start, stop = span
    click.echo(f"the {window} from {start:%Y-%m-%d %H:%M} to {stop:%Y-%m-%d %H:%M} UTC, "
               f"against the {BASELINE} {window}s before" + (f", in {language}" if language else ""))  # fmt: skip
    if not found:
        click.echo("nothing stands out")
    for t in found:
        click.echo(
            f"{t.term[:40]:<40} {t.count:>6} (usually {t.baseline:g}, x{t.score:g})  "
            f"{t.negative_share:.0%} negative  {'/'.join(t.languages)}  e.g. "
            f"{', '.join(str(i) for i in t.examples)}"
        )


def _query(**lists: tuple[str, ...]) -> Any:
    from veille.watch.queries import Query, QueryError

    try:
        return Query.from_mapping({k: list(v) for k, v in lists.items() if v})
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None


def _match(store: Any) -> None:
    """Run what was just saved over the stored activities, with a progress bar on a TTY."""
    from veille.watch.watches import match

    with click.progressbar(length=store.last_activity_id() or 0, label="matching",
                           file=sys.stderr, hidden=not sys.stderr.isatty()) as bar:  # fmt: skip
        report = match(store, progress=bar.update)
    click.echo(report.line())


def _report(found: dict[str, Any]) -> None:
    now, before, change = found["period"], found["before"], found["change"]

    def pct(value: float | None) -> str:
        return "new" if value is None else f"{value:+.0%}"

    click.echo(f"{found['kind']} {found['name']}: {json.dumps(found['query'], ensure_ascii=False)}")
    click.echo(f"  {now['start'][:16]} to {now['end'][:16]} against the same length before")
    for key in ("volume", "authors", "reach"):
        click.echo(f"  {key:<10}{now[key]:>7} (before {before[key]}, {pct(change[key])})")
    for label in ("sentiment", "languages", "channels"):
        shares = ", ".join(f"{k} {v}" for k, v in list(now[label].items())[:6]) or "-"
        click.echo(f"  {label:<10}{shares}")
    if now["daily"]:
        peak = max(now["daily"], key=now["daily"].get)
        click.echo(f"  per day   {len(now['daily'])} days, peak {now['daily'][peak]} on {peak}")
    for post in now["top_posts"]:
        click.echo(f"  post      {post['activity']} ({post['replies']} replies): "
                   f"{(post['title'] or post['snippet'])[:70]}")  # fmt: skip
    for m in now["top_members"]:
        click.echo(f"  member    {m['member']} {m['name'] or ''}: {m['activities']} activities, "
                   f"reach {m['reach']}")  # fmt: skip


def _common(f: Any) -> Any:
    for name, text in reversed([
        ("--channel", "Only on this channel (repeat)."),
        ("--lang", "Only in this language, ISO 639-1 (repeat)."),
        ("--exclude", "Not when this term is there (repeat)."),
    ]):  # fmt: skip
        f = click.option(name, multiple=True, help=text)(f)
    return f


@click.group()
def watch() -> None:
    """Named queries run on everything ingested: brands, products, topics."""


@watch.command("add")
@click.argument("name")
@click.option("--term", multiple=True, help='A word or phrase (any of them; "logo*" for a prefix).')
@click.option("--exact", multiple=True, help="A term as written (case and accents kept).")
@click.option("--all", "all_", multiple=True, help="A term that must be there too.")
@_common
@click.option("--by", help="Who (default: the user name).")
@click.pass_context
def watch_add(ctx: click.Context, name: str, term: tuple[str, ...], exact: tuple[str, ...],
              all_: tuple[str, ...], exclude: tuple[str, ...], lang: tuple[str, ...],
              channel: tuple[str, ...], by: str | None) -> None:  # fmt: skip
    """Add a watch (or change the one of that name) and run it over what is stored."""
    from veille.watch.watches import WatchError, save

    query = _query(terms=term, exact=exact, all=all_, exclude=exclude, languages=lang,
                   channels=channel)  # fmt: skip
    with _store(ctx) as store:
        try:
            save(store.engine, "watch", name, query, by or getpass.getuser())
        except WatchError as exc:
            raise click.ClickException(str(exc)) from None
        _match(store)


@watch.command("load")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--by", help="Who (default: the user name).")
@click.pass_context
def watch_load(ctx: click.Context, path: str, by: str | None) -> None:
    """Add or change the watches and campaigns of a TOML file ([watch.NAME] and
    [campaign.NAME] tables with the options' names as keys) and run them."""
    from veille.watch.watches import WatchError, load_file

    with _store(ctx) as store:
        try:
            saved = load_file(store.engine, path, by or getpass.getuser())
        except WatchError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{len(saved)} watches and campaigns saved from {path}")
        _match(store)


def _list(ctx: click.Context, kind: str, as_json: bool) -> None:
    from veille.watch.watches import listing

    with _store(ctx) as store:
        found = list(listing(store.engine, kind))
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False))
        return
    if not found:
        click.echo(f"no {kind}s")
    for w in found:
        dates = f" {w['starts'][:10]} to {w['ends'][:10]}" if w["starts"] else ""
        click.echo(f"{w['name']:<24}{dates} {w['matches']:>8} matches  "
                   f"{json.dumps(w['query'], ensure_ascii=False)}")  # fmt: skip


def _show(ctx: click.Context, kind: str, name: str, days: int, as_json: bool) -> None:
    from veille.watch.watches import WatchError, report

    with _store(ctx) as store:
        try:
            found = report(store.engine, kind, name, days)
        except WatchError as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False))
    else:
        _report(found)


def _remove(ctx: click.Context, kind: str, name: str) -> None:
    from veille.watch.watches import WatchError, remove

    with _store(ctx) as store:
        try:
            remove(store.engine, kind, name)
        except WatchError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"{kind} {name} removed")


@watch.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def watch_list(ctx: click.Context, as_json: bool) -> None:
    """The watches, with their number of matches."""
    _list(ctx, "watch", as_json)


@watch.command("show")
@click.argument("name")
@click.option("--days", default=30, show_default=True, help="The period, against the one before.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def watch_show(ctx: click.Context, name: str, days: int, as_json: bool) -> None:
    """What a watch found lately: volume, authors, reach, sentiment, languages, channels,
    top posts and members, against the period before."""
    _show(ctx, "watch", name, days, as_json)


@watch.command("remove")
@click.argument("name")
@click.pass_context
def watch_remove(ctx: click.Context, name: str) -> None:
    """Remove a watch and what it matched."""
    _remove(ctx, "watch", name)


@click.group()
def campaign() -> None:
    """Campaigns: a period, hashtags, links and keywords, and how they did."""


@campaign.command("add")
@click.argument("name")
@click.option("--start", type=click.DateTime(), required=True, help="When it starts (UTC).")
@click.option("--end", type=click.DateTime(), required=True, help="When it ends (UTC).")
@click.option("--hashtag", multiple=True, help="A hashtag (repeat).")
@click.option("--link", multiple=True, help="A link of the campaign; UTM parameters ignored.")
@click.option("--utm-campaign", default="", help="Its utm_campaign value.")
@click.option("--keyword", multiple=True, help="A word or phrase (repeat).")
@_common
@click.option("--by", help="Who (default: the user name).")
@click.pass_context
def campaign_add(ctx: click.Context, name: str, start: datetime, end: datetime,
                 hashtag: tuple[str, ...], link: tuple[str, ...], utm_campaign: str,
                 keyword: tuple[str, ...], exclude: tuple[str, ...], lang: tuple[str, ...],
                 channel: tuple[str, ...], by: str | None) -> None:  # fmt: skip
    """Add a campaign (or change the one of that name) and run it over what is stored."""
    from veille.watch.queries import Query, QueryError
    from veille.watch.watches import WatchError, save

    try:
        query = Query.from_mapping(
            {"hashtags": list(hashtag), "links": list(link), "utm_campaign": utm_campaign,
             "terms": list(keyword), "exclude": list(exclude), "languages": list(lang),
             "channels": list(channel)}  # fmt: skip
        )
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None
    with _store(ctx) as store:
        try:
            save(store.engine, "campaign", name, query, by or getpass.getuser(),
                 start.replace(tzinfo=UTC), end.replace(tzinfo=UTC))  # fmt: skip
        except WatchError as exc:
            raise click.ClickException(str(exc)) from None
        _match(store)


@campaign.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def campaign_list(ctx: click.Context, as_json: bool) -> None:
    """The campaigns, with their dates and number of matches."""
    _list(ctx, "campaign", as_json)


@campaign.command("report")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def campaign_report(ctx: click.Context, name: str, as_json: bool) -> None:
    """The campaign's period against the period of the same length before it."""
    _show(ctx, "campaign", name, 0, as_json)


@campaign.command("remove")
@click.argument("name")
@click.pass_context
def campaign_remove(ctx: click.Context, name: str) -> None:
    """Remove a campaign and what it matched."""
    _remove(ctx, "campaign", name)
