"""Feedback on a topic under evaluation (a new concept, process or product): everything
the community said about it, across channels, ready to send to a department.

A topic is a name and phrases (matched as the routing rules match words: whole words,
case and accents folded, ``*`` for a word's beginning), optionally from a date; topics
are kept in the store (``veille feedback add|list|remove``). :func:`report` gathers the
activities that mention it (spam left out): volume per week with sentiment, intents
(ideas, complaints, questions...), channels and languages, representative quotes in
each language, and the members who said it.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

import orjson
from sqlalchemy import Engine, select

from veille.inbox import rules as rulebook
from veille.inbox.routing import not_spam_at_source
from veille.store import state
from veille.store.schema import (
    activities,
    channels,
    enrichments,
    identities,
    member_stats,
    members,
)
from veille.store.schema import settings as settings_table

PREFIX = "topic:"
_NAME = re.compile(r"^[\w][\w .-]{0,40}$")


class TopicError(ValueError):
    """A topic that cannot be made or found; the message says why, ``field`` which of
    its parts is wrong (name, words, since), when one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    words: tuple[str, ...]
    since: datetime | None = None


def add(engine: Engine, name: str, words: list[str], since: datetime | None, by: str) -> Topic:
    if not _NAME.match(name):
        raise TopicError(f"topic {name!r}: letters, digits, spaces, '.', '-' (at most 41)",
                         "name")  # fmt: skip
    words = [w.strip() for w in words if w.strip()]
    if not words:
        raise TopicError(f"topic {name!r}: give at least one word or phrase", "words")
    _rules(Topic(name, tuple(words), since))  # checked as the rules check words
    value = {"words": words, "since": since.isoformat() if since else None}
    with engine.begin() as conn:
        state.write(conn, PREFIX + name, value, by=by)
    return Topic(name, tuple(words), since)


def topics(engine: Engine) -> list[Topic]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(settings_table.c.section, settings_table.c.value)
            .where(settings_table.c.section.like(PREFIX + "%"))
            .order_by(settings_table.c.section)
        ).all()
    out = []
    for section, value in rows:
        data = orjson.loads(value)
        since = datetime.fromisoformat(data["since"]) if data.get("since") else None
        out.append(Topic(section.removeprefix(PREFIX), tuple(data["words"]), since))
    return out


def get(engine: Engine, name: str) -> Topic:
    for topic in topics(engine):
        if topic.name == name:
            return topic
    known = ", ".join(t.name for t in topics(engine)) or "none yet"
    raise TopicError(f"no topic {name!r} (known: {known}; add one with `veille feedback add`)")


def remove(engine: Engine, name: str) -> None:
    get(engine, name)
    with engine.begin() as conn:
        state.forget(conn, PREFIX + name)


def _rules(topic: Topic) -> rulebook.RuleSet:
    words = ", ".join(orjson.dumps(w).decode() for w in topic.words)
    text = f'[[rule]]\nname = "topic"\nwhen.any_words = [{words}]\nthen.tag = ["topic"]\n'
    try:
        return rulebook.parse(text, f"topic {topic.name}")
    except rulebook.RulesError as exc:
        # Said of the topic's words, not of the rule they are checked as.
        reason = str(exc).rsplit("when.any_words: ", 1)[-1]
        raise TopicError(f"topic {topic.name!r}: words: {reason}", "words") from None


def add_from_text(engine: Engine, name: str, words: str, since: str, by: str) -> Topic:
    """:func:`add` from a form's texts: a word or phrase per line, ``since`` as
    ``YYYY-MM-DD`` (UTC) or empty."""
    when = None
    if since.strip():
        try:
            when = datetime.fromisoformat(since.strip())
        except ValueError:
            raise TopicError(f"{since.strip()[:40]!r} is not a date (YYYY-MM-DD)", "since") from None
        when = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    return add(engine, name.strip(), words.splitlines(), when, by)


@dataclass
class Quote:
    activity_id: int
    created_at: str
    channel: str
    language: str
    sentiment: str | None
    intent: str | None
    author: str
    text: str


@dataclass
class Report:
    topic: str
    words: list[str]
    since: str | None
    mentions: int = 0
    people: int = 0
    weeks: list[dict[str, Any]] = field(default_factory=list)
    months: list[dict[str, Any]] = field(default_factory=list)
    sentiment: dict[str, int] = field(default_factory=dict)
    intents: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    quotes: dict[str, list[Quote]] = field(default_factory=dict)
    members: list[dict[str, Any]] = field(default_factory=list)


WEEKS_SHOWN: Final = 26
"""A report over more weeks (with mentions) than this reads month by month."""


def periods(r: Report) -> tuple[str, list[dict[str, Any]]]:
    """What a reader is shown: ``("week", r.weeks)``, or ``("month", r.months)`` when the
    topic spans more than :data:`WEEKS_SHOWN` weeks (ten years of a list are 500 rows
    week by week); the exports keep both."""
    if len(r.weeks) <= WEEKS_SHOWN:
        return "week", r.weeks
    return "month", r.months


def _mentions(engine: Engine, topic: Topic, batch: int = 20_000) -> Iterator[tuple[Any, ...]]:
    """The activities mentioning the topic, as rows, read in batches of ``batch``."""
    found = _rules(topic)
    a, e, i, c = activities, enrichments, identities, channels
    last = 0
    with engine.connect() as conn:
        while True:
            q = (
                select(
                    a.c.id,
                    a.c.text,
                    a.c.title,
                    c.c.name,
                    a.c.kind,
                    a.c.created_at,
                    e.c.language,
                    e.c.sentiment,
                    e.c.intent,
                    i.c.member_id,
                    members.c.display_name,
                    member_stats.c.segment,
                )  # fmt: skip
                .select_from(
                    a.join(c, c.c.id == a.c.channel_id)
                    .join(i, i.c.id == a.c.identity_id)
                    .join(members, members.c.id == i.c.member_id)
                    .outerjoin(e, e.c.activity_id == a.c.id)
                    .outerjoin(member_stats, member_stats.c.member_id == i.c.member_id)
                )
                .where(a.c.id > last, e.c.spam.is_not(True), not_spam_at_source())
                .order_by(a.c.id)
                .limit(batch)
            )
            if topic.since is not None:
                q = q.where(a.c.created_at >= topic.since)
            rows = conn.execute(q).all()
            if not rows:
                return
            last = rows[-1][0]
            facts = [
                rulebook.Facts(
                    activity_id=r[0], text=r[1] or "", title=r[2] or "", channel=r[3], kind=r[4]
                )  # fmt: skip
                for r in rows
            ]
            for row, outcome in zip(rows, found.apply_many(facts), strict=True):
                if outcome.applied:
                    yield tuple(row)


def report(engine: Engine, name: str, quotes_per_language: int = 3) -> Report:
    """Everything said about topic ``name``."""
    topic = get(engine, name)
    out = Report(topic.name, list(topic.words), topic.since.isoformat() if topic.since else None)
    weeks: dict[str, Counter[str]] = defaultdict(Counter)
    months: dict[str, Counter[str]] = defaultdict(Counter)
    people: Counter[int] = Counter()
    who: dict[int, tuple[str, str | None]] = {}
    sentiment: Counter[str] = Counter()
    intents: Counter[str] = Counter()
    chans: Counter[str] = Counter()
    langs: Counter[str] = Counter()
    candidates: dict[str, list[Quote]] = defaultdict(list)
    for (aid, text, title, channel, _kind, created, language, mood, intent, member, display,
         segment) in _mentions(engine, topic):  # fmt: skip
        out.mentions += 1
        year, week, _ = created.isocalendar()
        weeks[f"{year}-W{week:02d}"].update(["all", mood or "unknown"])
        months[f"{created:%Y-%m}"].update(["all", mood or "unknown"])
        people[member] += 1
        who[member] = (display or "?", segment)
        sentiment[mood or "unknown"] += 1
        intents[intent or "unknown"] += 1
        chans[channel] += 1
        lang = language or "und"
        langs[lang] += 1
        body = " ".join((text or title or "").split())
        if 30 <= len(body) <= 400:
            candidates[lang].append(
                Quote(aid, created.isoformat(), channel, lang, mood, intent, display or "?", body)
            )
    out.people = len(people)
    out.weeks = [
        {"week": w, "mentions": c["all"], **{k: c[k] for k in ("negative", "neutral", "positive")}}
        for w, c in sorted(weeks.items())
    ]
    out.months = [
        {"month": m, "mentions": c["all"], **{k: c[k] for k in ("negative", "neutral", "positive")}}
        for m, c in sorted(months.items())
    ]
    out.sentiment, out.intents = dict(sentiment.most_common()), dict(intents.most_common())
    out.channels, out.languages = dict(chans.most_common()), dict(langs.most_common())
    for lang, found in sorted(candidates.items(), key=lambda kv: -langs[kv[0]]):
        out.quotes[lang] = _representative(found, quotes_per_language)
    out.members = [
        {"member_id": m, "name": who[m][0], "segment": who[m][1], "mentions": n}
        for m, n in people.most_common(10)
    ]
    return out


def _representative(found: list[Quote], n: int) -> list[Quote]:
    """A few quotes that show the range: the most recent of each sentiment and intent
    first, from different people."""
    chosen: list[Quote] = []
    seen_authors: set[str] = set()
    for key in ("negative", "positive", "idea", "complaint", "question", "neutral", None):
        for q in reversed(found):
            fits = key is None or q.sentiment == key or q.intent == key
            if fits and q.author not in seen_authors and q not in chosen:
                chosen.append(q)
                seen_authors.add(q.author)
                break
        if len(chosen) >= n:
            break
    return chosen[:n]


def as_json(r: Report) -> str:
    return orjson.dumps(asdict(r), option=orjson.OPT_INDENT_2).decode()


def as_markdown(r: Report) -> str:
    lines = [f"# Feedback: {r.topic}", "",
             f"Words: {', '.join(r.words)}" + (f"; since {r.since[:10]}" if r.since else ""),
             "", f"**{r.mentions:,} mentions by {r.people:,} people.**", ""]  # fmt: skip
    if not r.mentions:
        return "\n".join(lines)
    total = r.mentions
    unit, shown = periods(r)

    def shares(values: dict[str, int]) -> str:
        return ", ".join(f"{k} {v:,} ({v / total:.0%})" for k, v in values.items())

    lines += [f"- Sentiment: {shares(r.sentiment)}", f"- Intents: {shares(r.intents)}",
              f"- Channels: {shares(r.channels)}", f"- Languages: {shares(r.languages)}",
              "", f"## {unit.capitalize()} by {unit}", "",
              f"| {unit} | mentions | negative | neutral | positive |", "|---|---|---|---|---|"]  # fmt: skip
    lines += [f"| {w[unit]} | {w['mentions']} | {w['negative']} | {w['neutral']} | "
              f"{w['positive']} |" for w in shown]  # fmt: skip
    lines += ["", "## What people said", ""]
    for lang, quotes in r.quotes.items():
        lines.append(f"### {lang}")
        lines.append("")
        for q in quotes:
            lines.append(f"> {q.text}")
            lines.append(f"> — {q.author}, {q.channel}, {q.created_at[:10]} "
                         f"({q.sentiment or '?'}, {q.intent or '?'})")  # fmt: skip
            lines.append("")
    lines += ["## Who said it", "", "| member | segment | mentions |", "|---|---|---|"]
    lines += [f"| {m['name']} (#{m['member_id']}) | {m['segment'] or '-'} | {m['mentions']} |"
              for m in r.members]  # fmt: skip
    return "\n".join(lines) + "\n"


def as_html(r: Report) -> str:
    """A self-contained page (no scripts, no outside files) to mail to a department."""
    e = html.escape
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>Feedback: {e(r.topic)}"
             "</title></head><body>", f"<h1>Feedback: {e(r.topic)}</h1>",
             f"<p>Words: {e(', '.join(r.words))}. <strong>{r.mentions:,} mentions by "
             f"{r.people:,} people.</strong></p>"]  # fmt: skip
    for title, values in (("Sentiment", r.sentiment), ("Intents", r.intents),
                          ("Channels", r.channels), ("Languages", r.languages)):  # fmt: skip
        items = "".join(f"<li>{e(k)}: {v:,}</li>" for k, v in values.items())
        parts.append(f"<h2>{title}</h2><ul>{items}</ul>")
    unit, shown = periods(r)
    rows = "".join(f"<tr><td>{e(w[unit])}</td><td>{w['mentions']}</td><td>{w['negative']}"
                   f"</td><td>{w['neutral']}</td><td>{w['positive']}</td></tr>"
                   for w in shown)  # fmt: skip
    parts.append(f"<h2>{unit.capitalize()} by {unit}</h2><table><tr><th>{unit}</th><th>"
                 "mentions</th><th>negative</th><th>neutral</th><th>positive</th></tr>"
                 f"{rows}</table>")  # fmt: skip
    parts.append("<h2>What people said</h2>")
    for lang, quotes in r.quotes.items():
        parts.append(f"<h3>{e(lang)}</h3>")
        parts += [f"<blockquote lang='{e(lang)}'>{e(q.text)}<footer>{e(q.author)}, "
                  f"{e(q.channel)}, {e(q.created_at[:10])}</footer></blockquote>"
                  for q in quotes]  # fmt: skip
    people = "".join(f"<li>{e(m['name'])} ({e(m['segment'] or '-')}): {m['mentions']}</li>"
                     for m in r.members)  # fmt: skip
    parts.append(f"<h2>Who said it</h2><ol>{people}</ol></body></html>")
    return "".join(parts)
