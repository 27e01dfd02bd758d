"""The commands. Each opens the store, calls the library, and prints."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from veille.connectors import FORMATS


def open_store(ctx: click.Context) -> Any:
    """The store the global ``--db`` names (opened late: ``--help`` stays fast)."""
    from veille.store import Store

    return Store(ctx.obj["db"])


def _progress(quiet: bool) -> tuple[Any, Any]:
    """A progress bar on stderr when a person is watching, else nothing."""
    if quiet or not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    bar = tqdm(unit=" items", file=sys.stderr, dynamic_ncols=True, leave=False)
    done = [0]

    def hook(doc: str, seen: int) -> None:
        bar.set_description(Path(doc).name[-40:], refresh=False)
        bar.update(seen - done[0])
        done[0] = seen

    return hook, bar


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True)
@click.option("--channel", help="Channel name for everything read (default: from the source).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no per-record errors.")
@click.option("--no-enrich", is_flag=True, help="Store only; enrich later with `veille enrich`.")
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    fmt: str,
    channel: str | None,
    quiet: bool,
    no_enrich: bool,
) -> None:
    """Ingest files or folders (recursively; .gz and .bz2 transparently).

    A folder holding an unpacked Slack export (channels.json, users.json) is read as
    one export. Ends with one line: added N, updated N, unchanged N, rejected N. Exit status 0 when
    everything was read, 1 when records were rejected, 2 when nothing could be read.
    """
    from veille.pipeline import ingest as run_ingest

    shown = [0]

    def on_rejection(r: Any) -> None:
        shown[0] += 1
        if not quiet and shown[0] <= 20:
            click.echo(f"rejected: {r}", err=True)

    hook, bar = _progress(quiet)
    with open_store(ctx) as store:
        try:
            report = run_ingest(
                store,
                list(paths),
                fmt=fmt,
                channel=channel,
                progress=hook,
                on_rejection=on_rejection,
                enrich=not no_enrich,
            )
        except KeyboardInterrupt:
            click.echo("interrupted: what was stored is kept; run again to complete", err=True)
            sys.exit(130)
        finally:
            if bar is not None:
                bar.close()
    if shown[0] > 20 and not quiet:
        click.echo(f"... and {shown[0] - 20} more; see `veille quarantine`", err=True)
    if report.members and not quiet:
        click.echo(f"members: {report.members}", err=True)
    click.echo(report.line())
    sys.exit(report.exit_code())


@click.command()
@click.argument("what", type=click.Choice(["activities", "members", "alerts"]))
@click.option(
    "--format", "fmt", type=click.Choice(["ndjson", "csv"]), default="ndjson", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@click.pass_context
def export(ctx: click.Context, what: str, fmt: str, out: str | None) -> None:
    """Write stored activities, members or alerts, one record per line (NDJSON is the
    stable interface)."""
    from veille import export as exporting

    with open_store(ctx) as store, contextlib.ExitStack() as stack:
        target: TextIO = sys.stdout
        if out:
            target = stack.enter_context(open(out, "w", encoding="utf-8", newline=""))
        n = exporting.write(store, what, fmt, target)
    if out:
        click.echo(f"{n} {what} written to {out}", err=True)


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--top", default=10, show_default=True, help="How many top members to list.")
@click.pass_context
def stats(ctx: click.Context, fmt: str, top: int) -> None:
    """The counts a community manager looks at first."""
    from veille import summary

    with open_store(ctx) as store:
        click.echo(summary.render(store, fmt, top))


@click.command()
@click.option("--limit", default=50, show_default=True)
@click.pass_context
def quarantine(ctx: click.Context, limit: int) -> None:
    """Records that were rejected, newest first: file, record and reason."""
    from veille.store.reads import list_quarantine

    with open_store(ctx) as store:
        rows = list_quarantine(store.engine, limit)
    if not rows:
        click.echo("nothing quarantined")
    for r in rows:
        click.echo(f"{r.file}: {r.record}: {r.reason}")


@click.command()
@click.option("--members", default=500, show_default=True, help="Number of people.")
@click.option("--activities", default=5000, show_default=True, help="Number of activities.")
@click.option("--seed", default=1, show_default=True)
@click.option("--days", default=180, show_default=True, help="Length of the history.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="NDJSON file to write.")
@click.option(
    "--truth", type=click.Path(dir_okay=False), help="Where to write who is who (NDJSON)."
)
def generate(
    members: int, activities: int, seed: int, days: int, out: str, truth: str | None
) -> None:
    """Write a synthetic, realistic community in veille NDJSON (deterministic per seed)."""
    from veille.generate import GenerateConfig
    from veille.generate import generate as run

    config = GenerateConfig(members=members, activities=activities, seed=seed, days=days)
    with open(out, "w", encoding="utf-8") as fh:
        if truth:
            with open(truth, "w", encoding="utf-8") as th:
                summary = run(config, fh, th)
        else:
            summary = run(config, fh)
    click.echo(f"{summary.activities} activities by {summary.people} people written to {out}")


@click.command()
@click.option("--members", default=400, show_default=True)
@click.option("--activities", default=4000, show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.pass_context
def demo(ctx: click.Context, members: int, activities: int, seed: int) -> None:
    """Build a demo community, ingest it into a fresh database, print the summary."""
    from veille import demo as running

    db = running.run(
        ctx.obj["db"], members=members, activities=activities, seed=seed, echo=click.echo
    )
    click.echo(f"\nThe demo database is {db}; try: veille --db {db} stats")


@click.command()
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Enrich everything again, not only what has no enrichment.",
)
@click.pass_context
def enrich(ctx: click.Context, everything: bool) -> None:
    """Enrich stored activities: language, sentiment, spam, keywords, intent, safe HTML.

    The members whose activities were enriched are measured again (spam does not count,
    talents read the keywords and intents)."""
    from veille.pipeline import enrich_again

    with open_store(ctx) as store:
        n, touched = enrich_again(store, everything=everything)
    click.echo(f"enriched {n} activities" + (
        f"; members measured again: {touched} touched" if touched else ""))  # fmt: skip


def register(group: click.Group) -> None:
    from veille.cli import inbox, members, models, sources, watch

    for command in (ingest, enrich, export, stats, quarantine, generate, demo):
        group.add_command(command)
    group.add_command(sources.sources)
    group.add_command(sources.sync)
    group.add_command(models.label)
    group.add_command(models.models)
    group.add_command(models.settings)
    group.add_command(members.members)
    group.add_command(members.segments)
    group.add_command(inbox.inbox)
    group.add_command(inbox.departments)
    group.add_command(inbox.rules)
    group.add_command(inbox.feedback)
    group.add_command(inbox.notifications)
    group.add_command(watch.alerts)
    group.add_command(watch.trends)
    group.add_command(watch.watch)
    group.add_command(watch.campaign)
