"""Notifications over real loopback servers: a JSON webhook, a Slack-compatible one, an
SMTP server (aiosmtpd); retries with backoff, failures kept visible; and a routing
rule's ``notify`` reaching a webhook after an ingest."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from veille.cli import cli
from veille.notify import NotifyError, NotifyRules, deliver, kind_of, listing, queue, retry
from veille.store import Store


class Hooks:
    """A loopback HTTP server: /ok answers 200, /down answers 503; keeps what it got."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                outer.received.append((self.path, json.loads(self.rfile.read(length))))
                self.send_response(200 if self.path.startswith("/ok") else 503)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hooks() -> Iterator[Hooks]:
    h = Hooks()
    yield h
    h.server.shutdown()


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    mailbox = Inbox()
    with socket.socket() as s:  # a free port (the controller checks it can connect)
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


def test_targets_are_told_apart() -> None:
    assert kind_of("https://hooks.slack.com/services/T/B/x") == "slack"
    assert kind_of("slack+http://127.0.0.1:9/x") == "slack"
    assert kind_of("https://example.org/hook") == "webhook"
    assert kind_of("mailto:pr@kelvio.example") == kind_of("pr@kelvio.example") == "email"
    with pytest.raises(NotifyError, match="not a webhook"):
        kind_of("pr team")


def test_webhook_slack_and_email_are_delivered(
    tmp_path: Path, hooks: Hooks, smtp: tuple[Inbox, int]
) -> None:
    mailbox, port = smtp
    store = Store(tmp_path / "n.db")
    with store.engine.begin() as conn:
        targets = [f"{hooks.url}/ok/generic", f"slack+{hooks.url}/ok/slack", "pr@kelvio.example"]
        assert queue(conn, targets, "Crisis words", "Someone got sick", "test", {"item": 7}) == 3
    report = deliver(store.engine, NotifyRules(smtp_host="127.0.0.1", smtp_port=port,
                                               smtp_from="veille@kelvio.example"))  # fmt: skip
    assert (report.sent, report.retrying, report.failed) == (3, 0, 0)
    got = dict(hooks.received)
    assert got["/ok/generic"]["subject"] == "Crisis words"
    assert got["/ok/generic"]["data"] == {"item": 7}
    assert got["/ok/slack"] == {"text": "*Crisis words*\nSomeone got sick"}
    mail = message_from_bytes(mailbox.messages[0])
    assert mail["Subject"] == "Crisis words" and mail["To"] == "pr@kelvio.example"
    assert all(n.status == "sent" for n in listing(store.engine))
    assert deliver(store.engine).sent == 0  # nothing is sent twice
    store.close()


def test_a_target_that_keeps_failing_is_retried_then_kept_as_failed(
    tmp_path: Path, hooks: Hooks
) -> None:
    store = Store(tmp_path / "f.db")
    with store.engine.begin() as conn:
        queue(conn, [f"{hooks.url}/down"], "Alert", "Spike", "test")
    rules = NotifyRules(max_attempts=3, retry_minutes=1)
    first = deliver(store.engine, rules)
    assert first.retrying == 1
    (n,) = listing(store.engine)
    assert n.status == "pending" and n.attempts == 1 and "HTTP 503" in (n.last_error or "")
    assert n.next_attempt_at is not None
    assert deliver(store.engine, rules, now=n.created_at).retrying == 0  # not due yet
    later = n.next_attempt_at + timedelta(seconds=1)
    assert deliver(store.engine, rules, now=later).retrying == 1
    (n,) = listing(store.engine)
    assert n.next_attempt_at is not None and n.next_attempt_at - later >= timedelta(minutes=4)
    assert deliver(store.engine, rules, now=n.next_attempt_at).failed == 1
    (n,) = listing(store.engine, "failed")
    assert n.attempts == 3 and "503" in (n.last_error or "")
    retry(store.engine, n.id)
    assert listing(store.engine, "pending")
    with pytest.raises(NotifyError, match="no notification 999"):
        retry(store.engine, 999)
    store.close()


def test_a_routing_rule_notifies_a_webhook_after_an_ingest(tmp_path: Path, hooks: Hooks) -> None:
    db = str(tmp_path / "r.db")
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rule]]\nname = "crisis"\nwhen.any_words = ["sick", "malade"]\nthen.route = "pr"\n'
        f'then.notify = ["{hooks.url}/ok/crisis"]\n',
        encoding="utf-8",
    )
    record = {"id": "1", "channel": "forum", "kind": "post", "author": {"username": "tom"},
              "created_at": "2026-05-01T10:00:00+00:00",
              "text": "My whole family got sick after the update, the house was freezing"}  # fmt: skip
    data = tmp_path / "c.ndjson"
    data.write_bytes(orjson.dumps(record) + b"\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "rules", "load", str(rules)]).exit_code == 0
    assert runner.invoke(cli, ["--db", db, "ingest", "-q", str(data)]).exit_code == 0
    ((path, payload),) = hooks.received
    assert (
        path == "/ok/crisis"
        and "sick" in payload["body"]
        and payload["data"]["rules"] == ["crisis"]
    )
    listed = runner.invoke(cli, ["--db", db, "notifications", "list"])
    assert "sent" in listed.output and "/ok/crisis" in listed.output


def test_a_down_target_is_tried_once_per_run(tmp_path: Path, hooks: Hooks) -> None:
    store = Store(tmp_path / "d.db")
    with store.engine.begin() as conn:
        queue(conn, [f"{hooks.url}/down"], "one", "1", "test")
        queue(conn, [f"{hooks.url}/down"], "two", "2", "test")
        queue(conn, [f"{hooks.url}/ok/other"], "three", "3", "test")
    report = deliver(store.engine, NotifyRules())
    assert (report.sent, report.retrying) == (1, 1)
    assert len([p for p, _ in hooks.received if p == "/down"]) == 1
    assert sorted(n.attempts for n in listing(store.engine, "pending")) == [0, 1]
    store.close()
