"""The ``veille`` command: a thin layer over the library (each command a few calls)."""

from __future__ import annotations

import click

from veille import __version__
from veille.cli.commands import register
from veille.cli.web import serve, users


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="veille")
@click.option(
    "--db",
    envvar="VEILLE_DB",
    metavar="URL_OR_PATH",
    help="A SQLite file path or a postgresql:// URL (default: a file in your data folder).",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """veille — community intelligence: ingest, understand, watch, route, report."""
    ctx.obj = {"db": db}


register(cli)
cli.add_command(users)
cli.add_command(serve)


def main() -> None:
    cli(prog_name="veille")
