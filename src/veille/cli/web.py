"""``veille users ...`` (accounts of the workbench) and ``veille serve`` (the workbench)."""

from __future__ import annotations

import sys

import click

from veille.cli.commands import open_store


@click.group()
def users() -> None:
    """Accounts of the web workbench: roles, departments, API tokens."""


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "manager", "department", "viewer"]),
              required=True, help="admin: everything; manager: the inbox, members, alerts; "
              "department: their departments' queues; viewer: reads only.")  # fmt: skip
@click.option("--department", "departments", multiple=True,
              help="A department whose queue the user sees (repeat for several).")  # fmt: skip
@click.option("--locale", type=click.Choice(["fr", "en"]), default="en", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def users_add(ctx: click.Context, email: str, role: str, departments: tuple[str, ...],
              locale: str, password_stdin: bool) -> None:  # fmt: skip
    """Create an account (the password is asked for, or read with --password-stdin)."""
    from veille.users import UserError, add

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with open_store(ctx) as store:
        try:
            user = add(store.engine, email, password, role, departments=departments,
                       locale=locale)  # fmt: skip
        except UserError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"added {user.email} ({user.role})")


@users.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """Every account, its role, departments and locale."""
    from veille.users import listing

    with open_store(ctx) as store:
        for u in listing(store.engine):
            state = "" if u.active else "  (disabled)"
            click.echo(f"{u.email:<32} {u.role:<10} {','.join(u.departments) or '-':<20} "
                       f"{u.locale}{state}")  # fmt: skip


@users.command("token")
@click.argument("email")
@click.option("--name", default="api", show_default=True, help="What the token is for.")
@click.pass_context
def users_token(ctx: click.Context, email: str, name: str) -> None:
    """Make an API token for scripts (`Authorization: Bearer TOKEN`); shown only once."""
    from veille.users import UserError, new_token

    with open_store(ctx) as store:
        try:
            click.echo(new_token(store.engine, email, name))
        except UserError as exc:
            raise click.ClickException(str(exc)) from exc


@users.command("disable")
@click.argument("email")
@click.pass_context
def users_disable(ctx: click.Context, email: str) -> None:
    """Stop an account from signing in (its sessions end; its tokens stop working)."""
    from veille.users import UserError, set_active

    with open_store(ctx) as store:
        try:
            set_active(store.engine, email, False)
        except UserError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"disabled {email}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--secure-cookies/--no-secure-cookies", default=False, show_default=True,
              help="Mark cookies Secure (behind HTTPS).")  # fmt: skip
@click.option("--private-feeds", is_flag=True,
              help="Let managers add feeds on loopback and private addresses from the pages.")  # fmt: skip
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, secure_cookies: bool,
          private_feeds: bool) -> None:  # fmt: skip
    """Serve the web workbench and the REST API (OpenAPI at /openapi.json).

    Create the first account with `veille users add EMAIL --role admin`."""
    import uvicorn

    from veille.web import create_app

    with open_store(ctx) as store:
        app = create_app(store, secure_cookies=secure_cookies, warm=True,
                         private_feeds=private_feeds)  # fmt: skip
        uvicorn.run(app, host=host, port=port, log_level="info")
