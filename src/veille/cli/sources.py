"""``veille sources`` and ``veille sync``: live feeds."""

from __future__ import annotations

import sys

import click


@click.group()
def sources() -> None:
    """Live sources (feeds) polled by `veille sync`."""


@sources.command("add")
@click.argument("name")
@click.option("--feed", "url", required=True, help="The feed's URL (RSS, Atom or JSON Feed).")
@click.option("--channel", help="Channel name (default: from the feed).")
@click.pass_context
def add(ctx: click.Context, name: str, url: str, channel: str | None) -> None:
    """Register a feed to poll."""
    from veille import sources as lib
    from veille.store import Store

    with Store(ctx.obj["db"]) as store:
        try:
            lib.add_source(store, name, url, channel)
        except lib.SourceError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"added {name}: {url}")


@sources.command("remove")
@click.argument("name")
@click.pass_context
def remove(ctx: click.Context, name: str) -> None:
    """Stop polling a feed (and the comment feeds it led to); what it brought in stays."""
    from veille import sources as lib
    from veille.store import Store

    with Store(ctx.obj["db"]) as store:
        try:
            lib.remove_source(store, name)
        except lib.SourceError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"removed {name}")


@sources.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """Sources, with when each was last synced and how it went."""
    from veille import sources as lib
    from veille.store import Store

    with Store(ctx.obj["db"]) as store:
        rows = lib.list_sources(store)
    if not rows:
        click.echo("no sources; add one with: veille sources add NAME --feed URL")
    for s in rows:
        when = s.last_synced_at.isoformat(timespec="seconds") if s.last_synced_at else "never"
        click.echo(f"{s.name}\t{s.url}\tlast sync: {when}\t{s.last_status or ''}")


@click.command()
@click.argument("name", required=False)
@click.pass_context
def sync(ctx: click.Context, name: str | None) -> None:
    """Poll every source (or NAME): conditional requests, comment feeds followed."""
    from veille import sources as lib
    from veille.store import Store

    failed = False
    with Store(ctx.obj["db"]) as store:
        try:
            results = lib.sync(store, name)
        except lib.SourceError as exc:
            raise click.ClickException(str(exc)) from None
    for r in results:
        click.echo(f"{r.source}: {r.status}")
        failed = failed or r.status.startswith("error")
    sys.exit(1 if failed else 0)
