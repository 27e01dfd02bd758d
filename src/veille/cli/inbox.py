"""``veille inbox ...``, ``veille departments ...`` and ``veille rules ...``."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from typing import Any

import click

from veille.cli.commands import open_store as _store


def _who(by: str | None) -> str:
    return by or getpass.getuser()


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


BY = click.option("--by", help="Who acts (default: the user name).")
TAKE = click.option("--take", is_flag=True, help="Take the item over from whoever owns it.")
VERSION = click.option(
    "--version",
    "seen",
    type=int,
    help="The version you looked at (from `inbox show`): refused if it changed since.",
)


@click.group()
def inbox() -> None:
    """The shared inbox: triage, assign, route to departments, answer, close."""


@inbox.command("list")
@click.option("--status", multiple=True, help="new, triaged, routed, answered, closed, snoozed, "
              "spam (default: the open ones).")  # fmt: skip
@click.option("--department")
@click.option("--assignee")
@click.option("--channel")
@click.option("--lang", "language")
@click.option("--intent")
@click.option("--sentiment")
@click.option("--tag", multiple=True, help="Items carrying this tag (again: every one given).")
@click.option("--priority", help="critical, high, medium, low or none.")
@click.option("--keyword", help="Its words in the title or text, in that order (the last one "
              "may be a word's beginning), case and accents folded.")  # fmt: skip
@click.option("--limit", default=30, show_default=True)
@click.option("--before", type=int, help="Page on: items older than this one.")
@click.option("--format", "fmt", type=click.Choice(["text", "ndjson"]), default="text",
              show_default=True)  # fmt: skip
@click.pass_context
def inbox_list(ctx: click.Context, /, fmt: str, **filters: Any) -> None:
    """Items, newest first, filtered."""
    from veille.inbox import items

    with _store(ctx) as store:
        try:
            found = items.listing(store.engine, **filters)
        except items.InboxError as exc:
            raise _fail(exc) from None
    for item in found:
        if fmt == "ndjson":
            click.echo(json.dumps(item.as_record(), ensure_ascii=False))
            continue
        excerpt = " ".join((item.title or item.text or "").split())[:70]
        where = item.department or "-"
        click.echo(
            f"{item.activity_id:>8}  {item.status:<8} {item.priority:<6} {where:<10} "
            f"{(item.assignee or '-'):<10} {item.channel[:16]:<16} {item.author[:18]:<18} "
            f"{excerpt}"
        )
    if not found and fmt == "text":
        click.echo("nothing here")


@inbox.command("show")
@click.argument("item", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def inbox_show(ctx: click.Context, item: int, as_json: bool) -> None:
    """An item: the activity, its author, what rules did, and its history."""
    from veille.inbox import items

    with _store(ctx) as store:
        try:
            found = items.get(store.engine, item)
        except items.InboxError as exc:
            raise _fail(exc) from None
    if as_json:
        click.echo(json.dumps(found.as_record(), ensure_ascii=False, indent=2))
        return
    lines = [
        f"Item {found.activity_id} (version {found.version}): {found.status}, priority "
        f"{found.priority}, department {found.department or '-'}, owner {found.assignee or '-'}",
        f"  {found.kind} on {found.channel} by {found.author} (member {found.member_id}, "
        f"segment {found.segment or '-'}) at {found.received_at:%Y-%m-%d %H:%M}",
        f"  language {found.language or '-'}, sentiment {found.sentiment or '-'}, "
        f"intent {found.intent or '-'}; tags {', '.join(found.tags) or '-'}",
    ]
    author = found.context.get("author")
    if author:
        lines.append(
            f"  author: {author['name']} (member {author['member_id']}), segment "
            f"{author['segment'] or '-'}, Orbit level {author['orbit_level']}, "
            f"{author['activities'] or 0} activities since {(author['first_seen'] or '?')[:10]}"
        )
    for key in ("thread", "parent"):
        if key in found.context:
            ref = found.context[key]
            lines.append(f"  {key}: [{ref['activity_id']}] {ref['excerpt']}")
    if "replies_in_thread" in found.context:
        lines.append(f"  replies in the thread: {found.context['replies_in_thread']}")
    if found.proposed_department:
        lines.append(
            f"  learnt routing proposes {found.proposed_department} "
            f"({found.proposed_confidence or 0:.0%} sure)"
        )
    if found.title:
        lines.append(f"  {found.title}")
    lines += [f"  > {line}" for line in (found.text or "").splitlines()[:12]]
    for applied in found.rules_applied:
        lines.append(f"  rule {applied.get('rule')!r}: {', '.join(applied.get('did', []))}")
    for event in found.history:
        note = f": {event['note']}" if event.get("note") else ""
        lines.append(f"  {event['at'][:16]} {event['by']} {event['action']} "
                     f"({event['from'] or '-'} -> {event['to'] or '-'}){note}")  # fmt: skip
    click.echo("\n".join(lines))


def _act(ctx: click.Context, call: Any, *args: Any, **kwargs: Any) -> None:
    from veille.inbox import items

    with _store(ctx) as store:
        try:
            item = call(store.engine, *args, **kwargs)
        except items.InboxError as exc:
            raise _fail(exc) from None
    click.echo(
        f"item {item.activity_id}: {item.status}, department {item.department or '-'}, "
        f"owner {item.assignee or '-'} (version {item.version})"
    )


@inbox.command("assign")
@click.argument("item", type=int)
@click.option("--to", "to", help="Who gets it (default: you).")
@click.option("--nobody", is_flag=True, help="Give it back to the team.")
@BY
@TAKE
@VERSION
@click.pass_context
def inbox_assign(ctx: click.Context, item: int, to: str | None, nobody: bool, by: str | None,
                 take: bool, seen: int | None) -> None:  # fmt: skip
    """Give an item to a manager (one owner at a time)."""
    from veille.inbox.items import assign

    who = _who(by)
    _act(ctx, assign, item, None if nobody else (to or who), who, version=seen, take=take)


@inbox.command("route")
@click.argument("item", type=int)
@click.argument("department")
@click.option("--note", help="What the department should know.")
@BY
@TAKE
@VERSION
@click.pass_context
def inbox_route(ctx: click.Context, item: int, department: str, note: str | None, by: str | None,
                take: bool, seen: int | None) -> None:  # fmt: skip
    """Send an item to a department's queue, with a note."""
    from veille.inbox.items import route

    _act(ctx, route, item, department, _who(by), note, version=seen, take=take)


@inbox.command("tag")
@click.argument("item", type=int)
@click.argument("tags", nargs=-1, required=True)
@BY
@VERSION
@click.pass_context
def inbox_tag(ctx: click.Context, item: int, tags: tuple[str, ...], by: str | None,
              seen: int | None) -> None:  # fmt: skip
    """Add tags to an item (anyone may, owner or not; nothing is taken over)."""
    from veille.inbox.items import tag

    _act(ctx, tag, item, list(tags), _who(by), version=seen)


@inbox.command("answer")
@click.argument("item", type=int)
@click.argument("text")
@BY
@TAKE
@VERSION
@click.pass_context
def inbox_answer(ctx: click.Context, item: int, text: str, by: str | None, take: bool,
                 seen: int | None) -> None:  # fmt: skip
    """Record your answer to an item."""
    from veille.inbox.items import answer

    _act(ctx, answer, item, text, _who(by), version=seen, take=take)


def _status_command(name: str, status: str, doc: str) -> click.Command:
    @click.argument("item", type=int)
    @click.option("--note", help="Why, for the team.")
    @BY
    @TAKE
    @VERSION
    @click.pass_context
    def command(ctx: click.Context, item: int, note: str | None, by: str | None, take: bool,
                seen: int | None) -> None:  # fmt: skip
        from veille.inbox.items import set_status

        _act(ctx, set_status, item, status, _who(by), note, version=seen, take=take)

    command.__doc__ = doc
    return inbox.command(name)(command)


_status_command("triage", "triaged", "Mark an item as seen and sorted.")
_status_command("close", "closed", "Close an item: nothing more to do.")
_status_command("reopen", "new", "Put an item back in the inbox.")
_status_command("spam", "spam", "Take an item out of the inbox as spam.")


@inbox.command("snooze")
@click.argument("item", type=int)
@click.option("--until", "until", required=True, type=click.DateTime(),
              help="When it comes back (UTC).")  # fmt: skip
@click.option("--note")
@BY
@TAKE
@VERSION
@click.pass_context
def inbox_snooze(ctx: click.Context, item: int, until: datetime, note: str | None,
                 by: str | None, take: bool, seen: int | None) -> None:  # fmt: skip
    """Hide an item until a time; it comes back as new."""
    from veille.inbox.items import set_status

    when = until.replace(tzinfo=UTC) if until.tzinfo is None else until
    _act(ctx, set_status, item, "snoozed", _who(by), note, until=when, version=seen, take=take)


@inbox.command("backlog")
@click.pass_context
def inbox_backlog(ctx: click.Context) -> None:
    """Open items per status, department and owner."""
    from veille.inbox.items import counts, wake

    with _store(ctx) as store:
        woke = wake(store.engine)
        found = counts(store.engine)
    if woke:
        click.echo(f"{woke} snoozed items came back")
    for family, values in found.items():
        click.echo(f"{family}:")
        for key, n in sorted(values.items(), key=lambda kv: -kv[1]):
            click.echo(f"  {key:<20} {n:>8,}")


@inbox.command("times")
@click.option("--by", type=click.Choice(["channel", "department", "assignee", "priority"]),
              default="channel", show_default=True)  # fmt: skip
@click.pass_context
def inbox_times(ctx: click.Context, by: str) -> None:
    """Time to first response (median, 90th percentile) and items past their target."""
    from veille import settings
    from veille.inbox.times import response_times

    with _store(ctx) as store:
        rows = response_times(store.engine, by, settings.inbox_rules(store))
    click.echo(f"{by:<20} {'items':>8} {'answered':>9} {'median h':>9} {'p90 h':>8} {'late':>7}")
    for r in rows:
        med = "-" if r.median_hours is None else f"{r.median_hours:.1f}"
        p90 = "-" if r.p90_hours is None else f"{r.p90_hours:.1f}"
        click.echo(f"{r.group[:20]:<20} {r.items:>8,} {r.responded:>9,} {med:>9} {p90:>8} "
                   f"{r.late:>7,}")  # fmt: skip


@inbox.command("late")
@click.option("--limit", default=30, show_default=True)
@click.pass_context
def inbox_late(ctx: click.Context, limit: int) -> None:
    """Open items still waiting past their priority's target (breach warnings)."""
    from veille import settings
    from veille.inbox.times import late_items

    with _store(ctx) as store:
        rows = late_items(store.engine, settings.inbox_rules(store), limit=limit)
    if not rows:
        click.echo("no item is late")
    for item, priority, waited, target in rows:
        click.echo(f"item {item:>8}: {priority:<7} waiting {waited:,.1f} h (target {target} h)")


@click.group()
def departments() -> None:
    """The departments items are routed to (marketing, PR, sales, support, ...)."""


@departments.command("list")
@click.pass_context
def departments_list(ctx: click.Context) -> None:
    """Departments with their open items."""
    from sqlalchemy import select

    from veille.inbox.items import counts
    from veille.store.schema import departments as table

    with _store(ctx) as store:
        with store.engine.connect() as conn:
            rows = conn.execute(select(table.c.name, table.c.label).order_by(table.c.name)).all()
        open_items = counts(store.engine, by=("department",))["department"]
    for name, label in rows:
        click.echo(f"{name:<12} {label:<28} {open_items.get(name, 0):>6} open")


@departments.command("add")
@click.argument("name")
@click.option("--label", help="How people call it (default: the name).")
@click.pass_context
def departments_add(ctx: click.Context, name: str, label: str | None) -> None:
    """Add a department."""
    from veille.inbox.departments import DepartmentError, add

    with _store(ctx) as store:
        try:
            add(store.engine, name, label)
        except DepartmentError as exc:
            raise _fail(exc) from None
    click.echo(f"department {name} added")


@departments.command("remove")
@click.argument("name")
@click.pass_context
def departments_remove(ctx: click.Context, name: str) -> None:
    """Remove a department that no item and no rule routes to."""
    from veille.inbox.departments import DepartmentError, remove

    with _store(ctx) as store:
        try:
            remove(store.engine, name)
        except DepartmentError as exc:
            raise _fail(exc) from None
    click.echo(f"department {name} removed")


@click.group()
def rules() -> None:
    """The routing rules: a TOML file you edit, checked whole and kept in the store."""


@rules.command("load")
@click.argument("path", type=click.Path(dir_okay=False))
@BY
@click.pass_context
def rules_load(ctx: click.Context, path: str, by: str | None) -> None:
    """Put a rules file in force (the rules run on every ingest)."""
    from veille.inbox.routing import load_rules
    from veille.inbox.rules import RulesError

    with _store(ctx) as store:
        try:
            found = load_rules(store, path, _who(by))
        except RulesError as exc:
            raise _fail(exc) from None
    click.echo(f"{len(found.rules)} rules in force from {path}")


@rules.command("list")
@click.pass_context
def rules_list(ctx: click.Context) -> None:
    """The rules in force, in the order they run."""
    from veille.inbox.routing import rules_in_force

    with _store(ctx) as store:
        found = rules_in_force(store.engine)
    if found is None:
        click.echo("no rules loaded (veille rules load FILE)")
        return
    for n, rule in enumerate(found.rules, 1):
        click.echo(f"{n:>3}. {rule.name}")


@rules.command("test")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--last", default=200, show_default=True, help="How many recent activities.")
@click.pass_context
def rules_test(ctx: click.Context, path: str, last: int) -> None:
    """Check a rules file and show what it would do to recent activities (nothing is
    changed)."""
    from collections import Counter

    from veille.inbox.routing import facts_of
    from veille.inbox.rules import RulesError, load

    try:
        found = load(path)
    except RulesError as exc:
        raise _fail(exc) from None
    with _store(ctx) as store, store.engine.connect() as conn:
        after = max(0, store.last_activity_id() - last)
        facts = facts_of(conn, after)
    outcomes = found.apply_many(facts)
    fired: Counter[str] = Counter()
    for outcome in outcomes:
        fired.update(a["rule"] for a in outcome.applied)
    click.echo(f"{len(found.rules)} rules are valid; on the last {len(facts)} items:")
    for rule in found.rules:
        click.echo(f"  {fired.get(rule.name, 0):>6}  {rule.name}")


@click.group()
def feedback() -> None:
    """Topics under evaluation (a concept, a process, a product) and what was said of them."""


@feedback.command("add")
@click.argument("name")
@click.option("--words", "-w", multiple=True, required=True,
              help="A word or phrase (repeat; * ends a word's beginning: eco*).")  # fmt: skip
@click.option("--since", type=click.DateTime(), help="Only from this date (UTC).")
@BY
@click.pass_context
def feedback_add(ctx: click.Context, name: str, words: tuple[str, ...], since: datetime | None,
                 by: str | None) -> None:  # fmt: skip
    """Add (or replace) a topic under evaluation."""
    from veille.inbox.feedback import TopicError, add

    when = since.replace(tzinfo=UTC) if since and since.tzinfo is None else since
    with _store(ctx) as store:
        try:
            add(store.engine, name, list(words), when, _who(by))
        except TopicError as exc:
            raise _fail(exc) from None
    click.echo(f"topic {name}: {', '.join(words)}")


@feedback.command("list")
@click.pass_context
def feedback_list(ctx: click.Context) -> None:
    """The topics under evaluation."""
    from veille.inbox.feedback import topics

    with _store(ctx) as store:
        found = topics(store.engine)
    if not found:
        click.echo("no topics (veille feedback add NAME --words ...)")
    for t in found:
        since = f" since {t.since:%Y-%m-%d}" if t.since else ""
        click.echo(f"{t.name}: {', '.join(t.words)}{since}")


@feedback.command("remove")
@click.argument("name")
@click.pass_context
def feedback_remove(ctx: click.Context, name: str) -> None:
    """Remove a topic (what was said stays stored)."""
    from veille.inbox.feedback import TopicError, remove

    with _store(ctx) as store:
        try:
            remove(store.engine, name)
        except TopicError as exc:
            raise _fail(exc) from None
    click.echo(f"topic {name} removed")


@feedback.command("report")
@click.argument("topic")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md",
              show_default=True)  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@click.pass_context
def feedback_report(ctx: click.Context, topic: str, fmt: str, out: str | None) -> None:
    """Everything said about a topic: volume, sentiment, intents, quotes, people."""
    from veille.inbox import feedback as lib

    with _store(ctx) as store:
        try:
            found = lib.report(store.engine, topic)
        except lib.TopicError as exc:
            raise _fail(exc) from None
    text = {"md": lib.as_markdown, "html": lib.as_html, "json": lib.as_json}[fmt](found)
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"{found.mentions:,} mentions: report written to {out}", err=True)
    else:
        click.echo(text)


@click.group()
def notifications() -> None:
    """Messages to webhooks, Slack and e-mail: queued, retried, never dropped silently."""


@notifications.command("list")
@click.option("--status", type=click.Choice(["pending", "sent", "failed"]))
@click.option("--limit", default=30, show_default=True)
@click.pass_context
def notifications_list(ctx: click.Context, status: str | None, limit: int) -> None:
    """Notifications, newest first, with their last error."""
    from veille.notify import listing

    with _store(ctx) as store:
        found = listing(store.engine, status, limit)
    if not found:
        click.echo("no notifications")
    for n in found:
        error = f" — {n.last_error}" if n.last_error else ""
        click.echo(f"{n.id:>6} {n.status:<8} {n.attempts} tries  {n.target[:50]:<50} "
                   f"{n.subject[:60]}{error}")  # fmt: skip


@notifications.command("send")
@click.pass_context
def notifications_send(ctx: click.Context) -> None:
    """Deliver the notifications that are due (also done after every ingest)."""
    from veille import settings
    from veille.notify import deliver

    with _store(ctx) as store:
        click.echo(deliver(store.engine, settings.notify_rules(store)).line())


@notifications.command("retry")
@click.argument("notification", type=int)
@click.pass_context
def notifications_retry(ctx: click.Context, notification: int) -> None:
    """Try a failed notification again (at once, then as usual)."""
    from veille import settings
    from veille.notify import NotifyError, deliver, retry

    with _store(ctx) as store:
        try:
            retry(store.engine, notification)
        except NotifyError as exc:
            raise _fail(exc) from None
        click.echo(deliver(store.engine, settings.notify_rules(store)).line())
