"""``veille alerts ...``: spikes in volume and negative sentiment, as alerts."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime

import click

from veille.cli.commands import open_store as _store


@click.group()
def alerts() -> None:
    """Spikes in volume and in negative sentiment, overall and per channel."""


@alerts.command("list")
@click.option("--status", type=click.Choice(["open", "acknowledged", "resolved"]))
@click.option("--backtest", is_flag=True, help="The alerts of backtests instead of live ones.")
@click.pass_context
def alerts_list(ctx: click.Context, status: str | None, backtest: bool) -> None:
    """Alerts, oldest first: what spiked, when, how far above its usual level."""
    from veille.watch.alerts import iter_alerts

    with _store(ctx) as store:
        found = list(iter_alerts(store.engine, status, backtest))
    if not found:
        click.echo("no alerts")
    for a in found:
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
@click.option("--top", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def trends(ctx: click.Context, window: str, language: str | None, top: int, as_json: bool) -> None:
    """Terms said much more in the latest window than in their usual level."""
    import dataclasses
    import json

    from veille.watch.trends import trends as find

    with _store(ctx) as store:
        found = find(store.engine, window, language, top=top)
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(t) for t in found], ensure_ascii=False))
        return
    if not found:
        click.echo("nothing is trending")
    for t in found:
        click.echo(
            f"{t.term[:40]:<40} {t.count:>6} (usually {t.baseline:g}, x{t.score:g})  "
            f"{t.negative_share:.0%} negative  {'/'.join(t.languages)}  e.g. "
            f"{', '.join(str(i) for i in t.examples)}"
        )
