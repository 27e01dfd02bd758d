"""A community's settings: what its managers tune, kept in the store so that every
process and worker reads the same.

Settings come in sections; a manager writes them in a TOML file and loads it with
``veille settings load FILE``; ``veille settings show`` prints what is in force. Sections: ``[identities]``
(:class:`veille.members.resolve.ResolveRules` and :class:`veille.members.flags.FlagRules`:
merge thresholds, caps, the team and bots), ``[members]``
(:class:`veille.members.rules.MemberRules`: engagement and segments), and ``[spam]``: the
rule layer's lists and limits
(:class:`veille.enrich.spamrules.SpamRules`) and the rules that read the store
(:class:`veille.enrich.history.HistoryRules`)::

    [spam]
    max_links = 2                       # WordPress's comment_max_links
    moderation_keys = ["promo"]         # hold for moderation
    disallowed_keys = ["cheap-pills"]   # spam
    patterns = ['\\bwin \\$\\d+']       # Antispam Bee's regular expressions
    spam_hosts = ["bad.example"]
    spam_emails = ["x@bad.example"]
    allowed_languages = ["fr", "en"]    # empty: every language is welcome
    flood_seconds = 15
    learned = true                      # false: the rules alone decide
    comment_model = true                # false: the careful model reads comments too
    trust_team = true                   # the team is not read by the model (enrich/trust.py)
    trust_approved = true               # comments the site approved: the careful model
    known_authors = "careful"           # "both", "comment": who decides for known authors

A file is checked whole before anything is stored: an unknown section or key, a value
of the wrong type or a regular expression that does not compile is an error naming the
file, the key and the reason, and nothing changes.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

import orjson
from sqlalchemy import select

from veille.enrich.history import HistoryRules
from veille.enrich.spamrules import SpamRules
from veille.enrich.trust import KNOWN_AUTHORS
from veille.inbox.routing import AUTO_ASSIGN, InboxRules
from veille.members.flags import FlagRules
from veille.members.resolve import ResolveRules
from veille.members.rules import MemberRules
from veille.members.rules import from_mapping as members_from_mapping
from veille.notify import NotifyError, NotifyRules, kind_of
from veille.store import Store
from veille.store.schema import settings as settings_table
from veille.store.writer import insert_or_update
from veille.watch.people import KINDS as MEMBER_ALERTS
from veille.watch.people import MemberAlertRules, check_vip
from veille.watch.spikes import SpikeRules


class SettingsError(ValueError):
    """Settings that cannot be used; the message names the file, key and reason."""


@dataclass(frozen=True, slots=True)
class SpamSettings:
    """The ``[spam]`` section."""

    rules: SpamRules = field(default_factory=SpamRules)
    history: HistoryRules = field(default_factory=HistoryRules)
    learned: bool = True
    comment_model: bool = True
    """Comments and replies read by the comment spam model (docs/models.md, "a model for
    comments and replies"), except those of the team and of known authors
    (:mod:`veille.enrich.trust`); false: the careful model reads everything."""


_LISTS = {"link_kinds", "moderation_keys", "disallowed_keys", "patterns", "allowed_languages",
          "flood_kinds", "duplicate_kinds", "new_author_kinds"}  # fmt: skip
_SETS = {"spam_hosts", "spam_emails"}
_INTS = {"max_links", "flood_seconds"}
_BOOLS = {"learned", "comment_model", "trust_team", "trust_approved"}


def _spam_keys() -> set[str]:
    rules = {f.name for f in dataclasses.fields(SpamRules)}
    history = {f.name for f in dataclasses.fields(HistoryRules)}
    return rules | history | _BOOLS


def check_spam(values: dict[str, Any], where: str) -> dict[str, Any]:
    """``values`` made JSON-ready and checked; a :class:`SettingsError` otherwise."""
    known = _spam_keys()
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise SettingsError(
                f"{where}: [spam] has no setting {key!r} (known: {', '.join(sorted(known))})"
            )
        if key in _INTS:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise SettingsError(f"{where}: [spam] {key} must be a whole number >= 0")
        elif key in _BOOLS:
            if not isinstance(value, bool):
                raise SettingsError(f"{where}: [spam] {key} must be true or false")
        elif key == "known_authors":
            if value not in KNOWN_AUTHORS:
                raise SettingsError(
                    f"{where}: [spam] known_authors must be one of {', '.join(KNOWN_AUTHORS)}"
                )
        elif key in _LISTS or key in _SETS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SettingsError(f"{where}: [spam] {key} must be a list of strings")
            if key == "patterns":
                for pattern in value:
                    try:
                        re.compile(pattern)
                    except re.error as exc:
                        raise SettingsError(
                            f"{where}: [spam] patterns: {pattern!r} is not a regular "
                            f"expression ({exc})"
                        ) from None
            if key in _SETS:
                value = sorted({v.lower().removeprefix("www.") for v in value})
        out[key] = value
    return out


def spam_from(values: dict[str, Any]) -> SpamSettings:
    rules = {f.name for f in dataclasses.fields(SpamRules)}
    history = {f.name for f in dataclasses.fields(HistoryRules)}

    def convert(key: str, value: Any) -> Any:
        if key in _SETS:
            return frozenset(value)
        if key in _LISTS:
            return tuple(value)
        return value

    return SpamSettings(
        rules=SpamRules(**{k: convert(k, v) for k, v in values.items() if k in rules}),
        history=HistoryRules(**{k: convert(k, v) for k, v in values.items() if k in history}),
        learned=bool(values.get("learned", True)),
        comment_model=bool(values.get("comment_model", SpamSettings().comment_model)),
    )


def _check_fields(
    section: str, classes: tuple[Any, ...], values: dict[str, Any], where: str
) -> dict[str, Any]:
    """Values for the fields of frozen dataclasses, checked against their defaults'
    types: booleans, whole numbers, shares in [0, 1], lists of strings (of regular
    expressions for ``*patterns``), and strings (one of ``choices`` when declared)."""
    defaults = {f.name: getattr(cls(), f.name) for cls in classes for f in dataclasses.fields(cls)}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in defaults:
            raise SettingsError(
                f"{where}: [{section}] has no setting {key!r} "
                f"(known: {', '.join(sorted(defaults))})"
            )
        default = defaults[key]
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise SettingsError(f"{where}: [{section}] {key} must be true or false")
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise SettingsError(f"{where}: [{section}] {key} must be a whole number >= 0")
        elif isinstance(default, float):
            top = 1.0 if (section, key) in UNIT else float("inf")
            if (
                not isinstance(value, int | float)
                or isinstance(value, bool)
                or not 0 <= value <= top
            ):
                span = "in [0, 1]" if top == 1.0 else ">= 0"
                raise SettingsError(f"{where}: [{section}] {key} must be a number {span}")
            value = float(value)
        elif isinstance(default, str):
            choices = CHOICES.get((section, key))
            if not isinstance(value, str) or (choices and value not in choices):
                also = f" ({', '.join(choices)})" if choices else ""
                raise SettingsError(f"{where}: [{section}] {key} must be a string{also}")
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{where}: [{section}] {key} must be a list of strings")
        elif key.endswith("patterns"):
            for pattern in value:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise SettingsError(
                        f"{where}: [{section}] {key}: {pattern!r} is not a regular "
                        f"expression ({exc})"
                    ) from None
        out[key] = value
    return out


CHOICES: dict[tuple[str, str], tuple[str, ...]] = {("inbox", "auto_assign"): AUTO_ASSIGN}
# Numbers that are shares or probabilities: in [0, 1]. Other numbers are only >= 0.
UNIT = {("identities", "auto_merge"), ("identities", "suggest"),
        ("identities", "bot_repeat_share"), ("inbox", "learned_route_above"),
        ("watch", "alpha"), ("watch", "share_jump")}  # fmt: skip


def check_identities(values: dict[str, Any], where: str) -> dict[str, Any]:
    """The ``[identities]`` section: :class:`ResolveRules` and :class:`FlagRules`."""
    out = _check_fields("identities", (ResolveRules, FlagRules), values, where)
    for key in ("block_cap", "max_identities"):
        if out.get(key) == 0:
            raise SettingsError(f"{where}: [identities] {key} must be a whole number >= 1")
    default = ResolveRules()
    if out.get("suggest", default.suggest) > out.get("auto_merge", default.auto_merge):
        raise SettingsError(f"{where}: [identities] suggest must not be above auto_merge")
    return out


def _pick(cls: Any, values: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in names}


def identities_from(values: dict[str, Any]) -> tuple[ResolveRules, FlagRules]:
    return ResolveRules(**_pick(ResolveRules, values)), FlagRules(**_pick(FlagRules, values))


#: Settings named after the priorities before revision 0017, read as the new names.
RENAMED_INBOX: Final = {"sla_urgent_hours": "sla_critical_hours",
                        "sla_normal_hours": "sla_medium_hours"}  # fmt: skip


def _renamed(values: dict[str, Any]) -> dict[str, Any]:
    return {RENAMED_INBOX.get(k, k): v for k, v in values.items()}


def check_inbox(values: dict[str, Any], where: str) -> dict[str, Any]:
    """The ``[inbox]`` section (:class:`veille.inbox.routing.InboxRules`)."""
    return _check_fields("inbox", (InboxRules,), _renamed(values), where)


def check_notify(values: dict[str, Any], where: str) -> dict[str, Any]:
    """The ``[notify]`` section (:class:`veille.notify.NotifyRules`)."""
    return _check_fields("notify", (NotifyRules,), values, where)


def notify_rules(store: Store) -> NotifyRules:
    """How notifications are sent, in force."""
    return NotifyRules(**_pick(NotifyRules, stored(store, "notify")))


def check_watch(values: dict[str, Any], where: str) -> dict[str, Any]:
    """The ``[watch]`` section (:class:`veille.watch.spikes.SpikeRules`)."""
    out = _check_fields("watch", (SpikeRules, MemberAlertRules), values, where)
    for kind in out.get("member_alerts", []) + out.get("member_notify", []):
        if kind not in MEMBER_ALERTS:
            raise SettingsError(
                f"{where}: [watch] no member alert {kind!r} (known: {', '.join(MEMBER_ALERTS)})"
            )
    try:
        check_vip(out.get("vip", []))
    except ValueError as exc:
        raise SettingsError(f"{where}: [watch] {exc}") from None
    for target in out.get("notify", []):
        try:
            kind_of(target)
        except NotifyError as exc:
            raise SettingsError(f"{where}: [watch] notify: {exc}") from None
    return out


def watch_rules(store: Store) -> SpikeRules:
    """The spike detector's settings in force."""
    return SpikeRules(**_pick(SpikeRules, stored(store, "watch")))


def member_alert_rules(store: Store) -> MemberAlertRules:
    """The member alerts' settings in force."""
    return MemberAlertRules(**_pick(MemberAlertRules, stored(store, "watch")))


def inbox_rules(store: Store) -> InboxRules:
    """How the inbox takes items in, in force."""
    return InboxRules(**_pick(InboxRules, _renamed(stored(store, "inbox"))))


def check_members(values: dict[str, Any], where: str) -> dict[str, Any]:
    """The ``[members]`` section (:class:`MemberRules`), checked by its own module."""
    try:
        members_from_mapping(values, where)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    return values


SECTIONS = {
    "spam": check_spam,
    "identities": check_identities,
    "members": check_members,
    "inbox": check_inbox,
    "notify": check_notify,
    "watch": check_watch,
}


def read_file(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """The sections of a settings file, checked."""
    name = os.fspath(path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise SettingsError(f"{name}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{name}: not valid TOML ({exc})") from None
    out = {}
    for section, values in data.items():
        check = SECTIONS.get(section)
        if check is None:
            raise SettingsError(
                f"{name}: no section [{section}] (known: {', '.join(f'[{s}]' for s in SECTIONS)})"
            )
        if not isinstance(values, dict):
            raise SettingsError(f"{name}: {section} must be a [section] of settings")
        out[section] = check(values, name)
    return out


def load(store: Store, path: str | os.PathLike[str], *, by: str) -> list[str]:
    """Store the sections of a settings file (each replaces the stored one); return
    their names. Nothing is stored when any of it is wrong."""
    sections = read_file(path)
    now = datetime.now(UTC)
    rows = [
        {"section": s, "value": orjson.dumps(v).decode(), "updated_at": now, "updated_by": by}
        for s, v in sections.items()
    ]
    with store.engine.begin() as conn:
        insert_or_update(conn, settings_table, rows, key="section")
    return list(sections)


def stored(store: Store, section: str) -> dict[str, Any]:
    """The values stored for ``section`` (empty: the defaults)."""
    with store.engine.connect() as conn:
        value = conn.execute(
            select(settings_table.c.value).where(settings_table.c.section == section)
        ).scalar()
    return dict(orjson.loads(value)) if value else {}


def spam(store: Store) -> SpamSettings:
    """The spam settings in force."""
    return spam_from(stored(store, "spam"))


def identity_rules(store: Store) -> tuple[ResolveRules, FlagRules]:
    """The identity resolution and flagging settings in force."""
    return identities_from(stored(store, "identities"))


def member_rules(store: Store) -> MemberRules:
    """The engagement and segment settings in force."""
    return members_from_mapping(stored(store, "members"), "stored settings")


def show(store: Store) -> dict[str, dict[str, Any]]:
    """Every section with every setting in force (stored, or the default)."""
    current = spam(store)
    values: dict[str, Any] = {}
    for part in (current.rules, current.history):
        for f in dataclasses.fields(part):
            v = getattr(part, f.name)
            values[f.name] = (
                sorted(v) if isinstance(v, frozenset) else list(v) if isinstance(v, tuple) else v
            )
    values["learned"] = current.learned
    values["comment_model"] = current.comment_model
    resolve_rules, flag_rules = identity_rules(store)
    found: dict[str, Any] = {}
    for rules in (resolve_rules, flag_rules):
        for f in dataclasses.fields(rules):
            v = getattr(rules, f.name)
            found[f.name] = list(v) if isinstance(v, tuple) else v
    inbox = {
        f.name: list(v) if isinstance(v := getattr(inbox_rules(store), f.name), tuple) else v
        for f in dataclasses.fields(InboxRules)
    }
    return {
        "spam": values,
        "identities": found,
        "members": member_rules(store).as_mapping(),
        "inbox": inbox,
        "notify": dataclasses.asdict(notify_rules(store)),
        "watch": {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in dataclasses.asdict(watch_rules(store)).items()
        },
    }
