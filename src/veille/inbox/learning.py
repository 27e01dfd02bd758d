"""Learning the community's own routing from its managers' hands.

Every item a manager routed by hand (a ``route`` event not made by a rule or by veille)
is an example: its text with its intent, channel and language as extra words, and the
department chosen (the latest, when it was routed twice). A linear classifier over
hashed features (:class:`veille.enrich.textmodel.TextModel`, starting from zero, so its
fit is a regularised logistic regression on the examples) proposes a department with a
confidence for each new item the rules left unrouted; at or above ``route_above`` it
routes the item itself, as ``veille:learned``.

The model is fitted from the examples in the store (at most the 5,000 newest) when an
intake needs it and a manager routed something by hand since the last fit: nothing to
train by hand, and a correction counts at the next ingest. Fitting is slow (about 7 s
for 640 examples, a minute for 5,000, on 2 busy cores), so a fitted model is kept,
marked with the newest routing by hand it saw: in the process (one per database) and
in the store (the ``inbox-learnt`` row of the settings table: its weights, 680 KB for
2,000 examples, kept in 30 ms and read back in 10), so the next intake, in this process or another ``veille ingest``, takes it
as it is until a manager routes something by hand again.
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import numpy as np
import orjson
from sqlalchemy import ColumnElement, Connection, and_, func, select

from veille.enrich.features import Features
from veille.enrich.textmodel import Corrections, TextModel
from veille.inbox.rules import Facts
from veille.store import state
from veille.store.schema import (
    activities,
    channels,
    enrichments,
    inbox_events,
)

#: Fewer examples than this, or fewer than two departments among them: no proposals.
MIN_EXAMPLES = 10
MAX_EXAMPLES = 5000
FEATURES = Features(bits=16, char_ngrams=(3, 4), word_ngrams=2, max_chars=1000)
L2 = 0.3
STATE: Final = "inbox-learnt"
"""The settings row that keeps the fitted model between processes."""


@dataclass(frozen=True, slots=True)
class Proposal:
    department: str
    confidence: float


def text_of(text: str, title: str, intent: str | None, channel: str, language: str | None) -> str:
    """What the classifier reads: the words, and the facts as words of their own."""
    facts = f"zzintent{intent or 'none'} zzchannel{channel} zzlang{language or 'und'}"
    return f"{facts} {title} {text} {facts}"


def _by_hand() -> ColumnElement[bool]:
    return and_(
        inbox_events.c.action == "route",
        inbox_events.c.by.not_like("rule:%"),
        inbox_events.c.by.not_like("veille%"),
    )


Mark = tuple[int, datetime] | None
"""The newest routing by hand (its event's id and time): what a fitted model has seen.
The time tells two databases apart that reached the same id (a test's, reset)."""


def newest_by_hand(conn: Connection) -> Mark:
    row = conn.execute(
        select(inbox_events.c.id, inbox_events.c.at)
        .where(_by_hand())
        .order_by(inbox_events.c.id.desc())
        .limit(1)
    ).first()
    return (int(row[0]), row[1]) if row else None


def examples(conn: Connection) -> tuple[list[str], list[str]]:
    """(texts, departments) of the items managers routed by hand, newest first."""
    by_hand = _by_hand()
    latest = (
        select(func.max(inbox_events.c.id).label("id"))
        .where(by_hand)
        .group_by(inbox_events.c.activity_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            inbox_events.c.data,
            activities.c.text,
            activities.c.title,
            enrichments.c.intent,
            channels.c.name,
            enrichments.c.language,
        )
        .join(latest, latest.c.id == inbox_events.c.id)
        .join(activities, activities.c.id == inbox_events.c.activity_id)
        .join(channels, channels.c.id == activities.c.channel_id)
        .outerjoin(enrichments, enrichments.c.activity_id == activities.c.id)
        .order_by(inbox_events.c.id.desc())
        .limit(MAX_EXAMPLES)
    ).all()
    texts, labels = [], []
    for data, text, title, intent, channel, language in rows:
        department = orjson.loads(data).get("department") if data else None
        if department:
            texts.append(text_of(text or "", title or "", intent, channel, language))
            labels.append(str(department))
    return texts, labels


_FITTED: dict[str, tuple[Mark, RoutingModel]] = {}  # by database URL
_LOCK = threading.Lock()  # the web server's threads share it


class RoutingModel:
    """A department for an item, from the examples of a community's managers."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        self.departments = sorted(set(labels))
        self.examples = len(labels)
        self.model: TextModel | None = None
        if len(labels) >= MIN_EXAMPLES and len(self.departments) >= 2:
            self.model = _blank(self.departments).learn(list(texts), list(labels))
            # What it learnt is in its weights; the examples' features (tens of MB
            # for 5,000) are not needed to propose.
            self.model.corrections = Corrections.empty()

    @classmethod
    def from_store(cls, conn: Connection) -> RoutingModel:
        """The model of the store's examples: the one fitted before (in this process,
        or kept in the store) when no manager routed anything by hand since, else one
        fitted now and kept. Keeping it writes on ``conn``: an intake's transaction."""
        mark = newest_by_hand(conn)
        where = conn.engine.url.render_as_string(hide_password=False)
        with _LOCK:
            kept = _FITTED.get(where)
        if kept is not None and kept[0] == mark:
            return kept[1]
        model = _stored(conn, mark)
        if model is None:
            model = cls(*examples(conn))
            _keep(conn, mark, model)
        with _LOCK:
            _FITTED[where] = (mark, model)
        return model

    def propose(self, items: Sequence[Facts]) -> list[Proposal | None]:
        if self.model is None or not items:
            return [None] * len(items)
        texts = [text_of(f.text, f.title, f.intent, f.channel, f.language) for f in items]
        probabilities = self.model.predict_proba(texts)
        best = probabilities.argmax(axis=1)
        return [
            Proposal(self.departments[int(b)], round(float(p[b]), 4))
            for b, p in zip(best.tolist(), probabilities, strict=True)
        ]


def _blank(departments: Sequence[str]) -> TextModel:
    k = 1 if len(departments) == 2 else len(departments)
    zeros = np.zeros((k, FEATURES.size), dtype=np.float32)
    return TextModel(departments, FEATURES, zeros, np.zeros(k), l2=L2)


def _as_json(mark: Mark) -> list[Any] | None:
    return [mark[0], mark[1].astimezone(UTC).isoformat()] if mark else None


def _keep(conn: Connection, mark: Mark, routing: RoutingModel) -> None:
    """Keep a fitted model in the store, with the mark it was fitted at."""
    value: dict[str, Any] = {
        "format": 1,
        "mark": _as_json(mark),
        "departments": routing.departments,
        "examples": routing.examples,
        "weights": None,
    }
    if routing.model is not None:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, rows=routing.model.delta_rows, delta=routing.model.delta)
        value["weights"] = base64.b64encode(buffer.getvalue()).decode()
    state.write(conn, STATE, value)


def _stored(conn: Connection, mark: Mark) -> RoutingModel | None:
    """The model kept in the store, if it was fitted at ``mark``."""
    value = state.read(conn, STATE)
    if not value or value.get("format") != 1:
        return None
    if value["mark"] != _as_json(mark):
        return None
    routing = RoutingModel.__new__(RoutingModel)
    routing.departments = list(value["departments"])
    routing.examples = int(value["examples"])
    routing.model = None
    if value["weights"]:
        with np.load(io.BytesIO(base64.b64decode(value["weights"])), allow_pickle=False) as data:
            model = _blank(routing.departments)
            model.delta_rows, model.delta = data["rows"], data["delta"]
        routing.model = model
    return routing
