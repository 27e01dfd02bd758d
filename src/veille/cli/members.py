"""``veille members ...`` (identity resolution, profiles) and ``veille segments``."""

from __future__ import annotations

import dataclasses
import getpass
import json
from pathlib import Path
from typing import Any

import click

from veille.cli.commands import open_store as _store


@click.group()
def members() -> None:
    """People across channels: merge their identities, see their profiles."""


@members.command("resolve")
@click.option("--full", is_flag=True, help="Look at every identity and member again.")
@click.pass_context
def members_resolve(ctx: click.Context, full: bool) -> None:
    """Merge identities of one person (above the auto-merge confidence), store the rest
    as suggestions, flag bots and the team, and measure members again.

    Runs by itself after every ingest, for what the ingest added."""
    from veille.members.upkeep import update

    with _store(ctx) as store:
        report = update(store, full=True) if full else update(store, store.last_activity_id())
    click.echo(report.line())


@members.command("suggestions")
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line (a pair).")
@click.pass_context
def members_suggestions(ctx: click.Context, limit: int, as_json: bool) -> None:
    """Members that may be one person, surest first, with the reasons; members that
    suggestions link together come as one group.

    Accept a pair with `veille members merge A B`, a group with `veille members merge A
    B C ...`; refuse a pair with `veille members reject A B` (it will not be suggested
    again)."""
    from veille.members.profile import profile
    from veille.members.resolve import suggestion_groups, suggestions

    with _store(ctx) as store:
        if as_json:
            for s in suggestions(store.engine, limit):
                click.echo(json.dumps(dataclasses.asdict(s)))
            return
        groups = suggestion_groups(store.engine, limit)
        if not groups:
            click.echo("no suggestions")
        for g in groups:
            if len(g.members) == 2:
                s = g.pairs[0]
                click.echo(f"{s.member_a} + {s.member_b}  confidence {s.confidence:.2f}  "
                           f"({', '.join(s.reasons)})")  # fmt: skip
            else:
                click.echo(f"{' + '.join(map(str, g.members))}  confidence {g.confidence:.2f} "
                           f"(the weakest of {len(g.pairs)} suggestions)")  # fmt: skip
                for s in g.pairs:
                    click.echo(f"    {s.member_a} + {s.member_b}  {s.confidence:.2f}  "
                               f"({', '.join(s.reasons)})")  # fmt: skip
            for m in g.members:
                p = profile(store.engine, m, 0)
                handles = "; ".join(_identity(i) for i in p["identities"])
                click.echo(f"    {p['member_id']}: {p['display_name']} — {handles}")


def _identity(i: dict[str, Any]) -> str:
    shown = " ".join(str(i[k]) for k in ("name", "username", "email", "url") if k in i)
    return f"{i['channel']}: {shown}"


@members.command("merge")
@click.argument("keep", type=int)
@click.argument("others", type=int, nargs=-1, required=True)
@click.option("--by", help="Who decides (default: the user name).")
@click.option("--note", help="Why, for the team.")
@click.pass_context
def members_merge(
    ctx: click.Context, keep: int, others: tuple[int, ...], by: str | None, note: str | None
) -> None:
    """Merge members OTHERS into member KEEP (each recorded; undo with `members
    unmerge`), and measure it again."""
    from veille.members.resolve import ResolveError
    from veille.members.upkeep import merge_members

    with _store(ctx) as store:
        try:
            done = merge_members(store, keep, list(others), by or getpass.getuser(), note)
        except ResolveError as exc:
            raise click.ClickException(str(exc)) from None
    for other, merge_id in zip(others, done, strict=True):
        click.echo(f"member {other} merged into member {keep} (merge {merge_id})")


@members.command("reject")
@click.argument("a", type=int)
@click.argument("b", type=int)
@click.option("--by", help="Who decides (default: the user name).")
@click.pass_context
def members_reject(ctx: click.Context, a: int, b: int, by: str | None) -> None:
    """Members A and B are two people: never suggest or merge them again."""
    from veille.members.resolve import ResolveError, reject

    with _store(ctx) as store:
        try:
            reject(store.engine, a, b, by or getpass.getuser())
        except ResolveError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"members {a} and {b} kept apart")


@members.command("unmerge")
@click.argument("member", type=int)
@click.argument("identity", type=int)
@click.option("--by", help="Who decides (default: the user name).")
@click.pass_context
def members_unmerge(ctx: click.Context, member: int, identity: int, by: str | None) -> None:
    """Take IDENTITY (an identity id, see `members show`) out of MEMBER."""
    from veille.members.resolve import ResolveError
    from veille.members.upkeep import unmerge_identity

    with _store(ctx) as store:
        try:
            target = unmerge_identity(store, member, identity, by or getpass.getuser())
        except ResolveError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"identity {identity} is now member {target}")


@members.command("talents")
@click.argument("topic", required=False)
@click.option("--top", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def members_talents(ctx: click.Context, topic: str | None, top: int, as_json: bool) -> None:
    """Who the community turns to on TOPIC (answers to others' questions on it, threads
    others joined, replies received), most points first; without TOPIC, the topics most
    members have a talent on."""
    from veille.members.talents import holders, topics

    with _store(ctx) as store:
        if topic is None:
            found = topics(store.engine, top)
            for word, n in found:
                click.echo(json.dumps({"topic": word, "members": n}, ensure_ascii=False)
                           if as_json else f"{n:>6}  {word}")  # fmt: skip
            if not found and not as_json:
                click.echo("no talents yet")
            return
        people = holders(store.engine, topic, top)
    for h in people:
        if as_json:
            click.echo(json.dumps(dataclasses.asdict(h), default=str, ensure_ascii=False))
        else:
            click.echo(f"#{h.member_id:<8} {(h.display_name or '?')[:40]:<40} {h.points:>5} "
                       f"points  {h.segment or '-':<14} {', '.join(h.topics[:5])}")  # fmt: skip
    if not people and not as_json:
        click.echo(f"no member has a talent on {topic!r}")


@members.command("show")
@click.argument("member", type=int)
@click.option("--json", "as_json", is_flag=True, help="The profile as JSON.")
@click.pass_context
def members_show(ctx: click.Context, member: int, as_json: bool) -> None:
    """A member's profile: identities, scores, segments and why, merges, latest activity."""
    from veille.members.profile import MergedMember, UnknownMember, profile

    with _store(ctx) as store:
        try:
            try:
                p = profile(store.engine, member)
            except MergedMember as merged:  # an old number: the person it is part of now
                click.echo(f"member {member} was merged into member {merged.into}", err=True)
                p = profile(store.engine, merged.into)
        except UnknownMember as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(p, ensure_ascii=False, indent=2))
        return
    click.echo(render_profile(p))


@members.command("export")
@click.argument("member", type=int)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write to FILE.")
@click.pass_context
def members_export(ctx: click.Context, member: int, out: str | None) -> None:
    """Everything stored about MEMBER, as JSON (a data-access request): the profile,
    every activity with its text, raw record and enrichment, corrections, inbox items."""
    from veille.members import privacy
    from veille.members.profile import UnknownMember

    with _store(ctx) as store:
        try:
            record = privacy.export(store.engine, member)
        except UnknownMember as exc:
            raise click.ClickException(str(exc)) from None
    text = json.dumps(record, ensure_ascii=False, indent=2, default=str)
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
        click.echo(f"member {member}: {len(record['activities'])} activities written to {out}")
    else:
        click.echo(text)


@members.command("erase")
@click.argument("member", type=int)
@click.option("--yes", is_flag=True, help="Do not ask to type the member number again.")
@click.pass_context
def members_erase(ctx: click.Context, member: int, yes: bool) -> None:
    """Erase MEMBER and everything of theirs on every channel (an erasure request):
    identities, activities, enrichments, inbox items and their history. Cannot be undone."""
    from veille.members import privacy
    from veille.members.profile import UnknownMember

    if not yes:
        typed = click.prompt(f"Erasing member {member} cannot be undone; type {member} to confirm")
        if typed.strip() != str(member):
            raise click.ClickException("not confirmed: nothing erased")
    with _store(ctx) as store:
        try:
            gone = privacy.erase(store.engine, member)
        except UnknownMember as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(
        f"member {member} erased: {gone.identities} identities, {gone.activities} activities"
    )


def render_profile(p: dict[str, Any]) -> str:
    from veille.summary import noun

    flags = ", ".join(p["flags"]) or "none"
    lines = [f"Member {p['member_id']}: {p['display_name']}", f"  flags: {flags}", "  identities:"]
    for i in p["identities"]:
        n = i["activities"]
        lines.append(f"    [{i['identity_id']}] {_identity(i)} ({n} {noun(n, 'activity')})")
    s = p["stats"]
    if s:
        lines += [
            f"  activities: {s['activity_count']} (first {s['first_seen']}, last {s['last_seen']})",
            f"  active days: {s['active_30']} in 30, {s['active_90']} in 90, "
            f"{s['active_365']} in 365",
            f"  replies given {s['replies_given']}, received {s['replies_received']}; "
            f"talked with {s['partners']}; threads started {s['threads_started']}; "
            f"brand interactions {s['brand_interactions']}",
            f"  love {s['love'] or 0:.2f}, reach {s['reach']}, Orbit level {s['orbit_level']}",
            f"  segment: {s['segment']}",
        ]
        lines += [f"    - {why}" for why in s["segment_reasons"] or []]
        lines.append(f"  onion: {s['onion']}; cohort: {s['cohort']}")
        for t in s["talent_topics"] or []:
            lines.append(f"  talent: {json.dumps(t, ensure_ascii=False)}")
    else:
        lines.append("  not measured yet (run `veille members resolve`)")
    for m in p["merges"]:
        lines.append(
            f"  merge {m['merge_id']}: {m['from']} -> {m['into']} by {m['by']} at {m['at']} "
            f"(identities {m['identities']})"
        )
    if p["latest"]:
        lines.append("  latest:")
        lines += [
            f"    {a['created_at'][:16]} {a['channel']} {a['kind']}: {a['excerpt']}"
            for a in p["latest"]
        ]
    return "\n".join(lines)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="The shares as JSON.")
@click.pass_context
def segments(ctx: click.Context, as_json: bool) -> None:
    """The shares of members in each segment: typology, Orbit levels, onion, cohorts."""
    from veille.members.segments import shares

    with _store(ctx) as store:
        found = shares(store.engine)
    if as_json:
        click.echo(json.dumps({k: [r._asdict() for r in v] for k, v in found.items()}, indent=2))
        return
    click.echo(render_shares(found))


def render_shares(found: Any) -> str:
    lines: list[str] = []
    for family, rows in found.items():
        lines.append(f"{family}:")
        for name, n, share in rows:
            lines.append(f"  {str(name):<20} {n:>9,}  {share:6.1%}")
    return "\n".join(lines)
