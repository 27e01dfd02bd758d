"""Notifications: telling people outside veille, on a webhook, a Slack channel or by
e-mail, that something needs them (a routing rule's ``notify``, an alert).

A notification is queued in the store first (:func:`queue`), then delivered
(:func:`deliver`, after every ingest and with ``veille notifications send``): a target
that fails is tried again later, with a growing delay (1, 4, 16, 64... minutes), and
after ``max_attempts`` it is marked ``failed`` with its last error, for a manager to see
(``veille notifications list --status failed``) and retry; nothing is dropped silently.

Targets:

- ``https://hooks.slack.com/...`` (or any URL prefixed ``slack+``): a Slack-compatible
  incoming-webhook payload, ``{"text": ...}``;
- any other ``http://`` or ``https://`` URL: a generic JSON webhook, ``{"subject",
  "body", "source", "data", "created_at"}``;
- ``mailto:someone@example.org`` or a bare address: an e-mail over SMTP (the
  ``[notify]`` settings: host, port, sender, STARTTLS, user; the password is read from
  the ``VEILLE_SMTP_PASSWORD`` environment variable, never stored).
"""

from __future__ import annotations

import json
import os
import smtplib
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any, Final

import orjson
from sqlalchemy import Connection, Engine, and_, insert, or_, select, update

from veille.store.schema import notifications

STATUSES: Final = ("pending", "sent", "failed")


@dataclass(frozen=True, slots=True)
class NotifyRules:
    """How notifications are sent (``[notify]`` in the settings file)."""

    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_from: str = "veille@localhost"
    smtp_user: str = ""
    smtp_starttls: bool = False
    max_attempts: int = 5
    #: Seconds to wait for a webhook or a mail server before counting an attempt failed.
    timeout_seconds: int = 10
    #: Minutes before the first retry; each next one waits four times longer.
    retry_minutes: int = 1


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    target: str
    subject: str
    body: str
    data: dict[str, Any]
    source: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    sent_at: datetime | None


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def line(self) -> str:
        return f"notifications: {self.sent} sent, {self.retrying} to retry, {self.failed} failed"


class NotifyError(ValueError):
    """A target that cannot be used, or a notification that does not exist."""


def kind_of(target: str) -> str:
    """``slack``, ``webhook`` or ``email``; :class:`NotifyError` for anything else."""
    t = target.strip()
    if t.startswith("slack+http") or t.startswith("https://hooks.slack.com/"):
        return "slack"
    if t.startswith(("http://", "https://")):
        return "webhook"
    address = t.removeprefix("mailto:")
    local, at, domain = address.rpartition("@")
    if at and local and "." in domain and " " not in address:
        return "email"
    raise NotifyError(f"{target!r}: not a webhook URL, a Slack webhook or an e-mail address")


def _now() -> datetime:
    return datetime.now(UTC)


def queue(
    conn: Connection,
    targets: Sequence[str],
    subject: str,
    body: str,
    source: str,
    data: dict[str, Any] | None = None,
) -> int:
    """Queue one notification per target; the number queued."""
    now = _now()
    rows = [
        {
            "target": t,
            "subject": subject,
            "body": body,
            "data": orjson.dumps(data or {}).decode(),
            "source": source,
            "status": "pending",
            "attempts": 0,
            "last_error": None,
            "next_attempt_at": now,
            "created_at": now,
            "sent_at": None,
        }
        for t in dict.fromkeys(targets)
    ]
    if rows:
        conn.execute(insert(notifications), rows)
    return len(rows)


Transport = Callable[[Notification, NotifyRules], None]
"""Sends one notification or raises an exception saying why it could not."""


def send(n: Notification, rules: NotifyRules) -> None:
    """Deliver over the network: HTTP POST or SMTP."""
    kind = kind_of(n.target)
    if kind == "email":
        message = EmailMessage()
        message["From"] = rules.smtp_from
        message["To"] = n.target.removeprefix("mailto:")
        message["Subject"] = n.subject
        message.set_content(n.body)
        with smtplib.SMTP(rules.smtp_host, rules.smtp_port, timeout=rules.timeout_seconds) as s:
            if rules.smtp_starttls:
                s.starttls()
            if rules.smtp_user:
                s.login(rules.smtp_user, os.environ.get("VEILLE_SMTP_PASSWORD", ""))
            s.send_message(message)
        return
    url = n.target.removeprefix("slack+")
    if kind == "slack":
        payload: dict[str, Any] = {"text": f"*{n.subject}*\n{n.body}"}
    else:
        payload = {
            "subject": n.subject,
            "body": n.body,
            "source": n.source,
            "data": n.data,
            "created_at": n.created_at.isoformat(),
        }
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "veille"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=rules.timeout_seconds) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"HTTP {exc.code} {exc.reason}") from None


def _row(r: Any) -> Notification:
    return Notification(
        int(r.id), r.target, r.subject, r.body, orjson.loads(r.data) if r.data else {},
        r.source, r.status, int(r.attempts), r.last_error, r.next_attempt_at, r.created_at,
        r.sent_at,
    )  # fmt: skip


def deliver(
    engine: Engine,
    rules: NotifyRules | None = None,
    *,
    now: datetime | None = None,
    transport: Transport = send,
    limit: int = 200,
    budget_seconds: float | None = None,
) -> DeliveryReport:
    """Try every notification that is due; record what happened to each.

    A target that fails is not tried again in the same run (its other notifications
    wait for the next one), and with ``budget_seconds`` the run stops when that time is
    spent: an ingest never waits long on an unreachable server."""
    rules = rules or NotifyRules()
    now = now or _now()
    report = DeliveryReport()
    with engine.connect() as conn:
        due = [
            _row(r)
            for r in conn.execute(
                select(notifications)
                .where(
                    and_(
                        notifications.c.status == "pending",
                        or_(
                            notifications.c.next_attempt_at.is_(None),
                            notifications.c.next_attempt_at <= now,
                        ),
                    )
                )
                .order_by(notifications.c.id)
                .limit(limit)
            )
        ]
    started = time.monotonic()
    down: set[str] = set()
    for n in due:
        if n.target in down:
            continue
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            break
        attempts = n.attempts + 1
        try:
            transport(n, rules)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded, none is lost
            down.add(n.target)
            error = f"{type(exc).__name__}: {exc}"[:500]
            if attempts >= rules.max_attempts:
                values: dict[str, Any] = {"status": "failed", "next_attempt_at": None}
                report.failed += 1
            else:
                wait = timedelta(minutes=rules.retry_minutes * 4 ** (attempts - 1))
                values = {"next_attempt_at": now + wait}
                report.retrying += 1
            values.update(attempts=attempts, last_error=error)
        else:
            values = {"status": "sent", "attempts": attempts, "sent_at": now,
                      "next_attempt_at": None}  # fmt: skip
            report.sent += 1
        with engine.begin() as conn:
            conn.execute(update(notifications).where(notifications.c.id == n.id).values(**values))
    return report


def listing(engine: Engine, status: str | None = None, limit: int = 50) -> list[Notification]:
    """Notifications, newest first."""
    query = select(notifications).order_by(notifications.c.id.desc()).limit(limit)
    if status:
        if status not in STATUSES:
            raise NotifyError(f"no status {status!r} (known: {', '.join(STATUSES)})")
        query = query.where(notifications.c.status == status)
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(query)]


def retry(engine: Engine, notification_id: int) -> None:
    """Try a failed notification again at the next delivery."""
    with engine.begin() as conn:
        done = conn.execute(
            update(notifications)
            .where(notifications.c.id == notification_id)
            .values(status="pending", next_attempt_at=_now())
        )
        if not done.rowcount:
            raise NotifyError(f"no notification {notification_id}")
