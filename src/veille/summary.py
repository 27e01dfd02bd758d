"""The summary ``veille stats`` and ``veille demo`` print, as text or JSON."""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import datetime
from typing import Any

import orjson

from veille.inbox.items import OPEN, counts
from veille.members.segments import shares
from veille.store import Store
from veille.store.reads import Stats, stats
from veille.watch.alerts import iter_alerts
from veille.watch.watches import listing


def as_dict(s: Stats, store: Store) -> dict[str, Any]:
    return {
        "activities": s.activities,
        "members": s.members,
        "identities": s.identities,
        "channels": [
            {
                "name": c.name,
                "platform": c.platform,
                "activities": c.activities,
                "identities": c.identities,
                "first": _iso(c.first),
                "last": _iso(c.last),
            }
            for c in s.channels
        ],
        "kinds": s.kinds,
        "statuses": s.statuses,
        "languages": s.languages,
        "spam": s.spam,
        "sentiments": s.sentiments,
        "top_members": [
            {"member_id": m, "name": name, "activities": n} for m, name, n in s.top_members
        ],
        "segments": {
            family: [{"name": r.name, "members": r.members, "share": r.share} for r in rows]
            for family, rows in shares(store.engine).items()
        },
        "quarantined": s.quarantined,
        "last_ingest": _iso(s.last_run),
    }


def render(store: Store, fmt: str = "text", top: int = 10) -> str:
    s = stats(store.engine, top)
    if fmt == "json":
        return orjson.dumps(as_dict(s, store), option=orjson.OPT_INDENT_2).decode("utf-8")
    lines = [
        f"{s.activities:,} activities by {s.members:,} members "
        f"({s.identities:,} identities) in {len(s.channels)} channels",
        "",
        "Channels",
    ]
    width = max((columns(c.name) for c in s.channels), default=10)
    for c in s.channels:
        span = f"{_day(c.first)} → {_day(c.last)}"
        name = c.name + " " * (width - columns(c.name))
        lines.append(
            f"  {name}  {c.platform:<13} {c.activities:>9,} {noun(c.activities, 'activity'):<10} "
            f"{c.identities:>7,} {noun(c.identities, 'person', 'people'):<6}  {span}"
        )
    lines += ["", "Kinds"]
    lines += [f"  {k:<10} {n:>9,}  {_pct(n, s.activities)}" for k, n in s.kinds.items()]
    lines += ["", "Languages"]
    lines += [f"  {k:<12} {n:>9,}  {_pct(n, s.activities)}" for k, n in s.languages.items()]
    lines += ["", f"Spam (rules and model): {s.spam:,}  {_pct(s.spam, s.activities).strip()}"]
    if s.sentiments:
        counted = sum(s.sentiments.values())
        lines += ["", "Sentiment (spam left out)"]
        lines += [f"  {k:<10} {n:>9,}  {_pct(n, counted)}" for k, n in s.sentiments.items()]
    lines += ["", "Status at the source"]
    lines += [f"  {k:<10} {n:>9,}  {_pct(n, s.activities)}" for k, n in s.statuses.items()]
    lines += ["", "Most active members (team and bots left out)"]
    lines += [f"  #{m:<7} {name[:40]:<40} {n:>7,}" for m, name, n in s.top_members]
    found = shares(store.engine)
    if any(n for _, n, _ in _rows(found.get("segment", []))):
        names = {"segment": "Segments", "orbit_level": "Orbit levels (0: the team)",
                 "onion": "Onion", "cohort": "Cohorts"}  # fmt: skip
        for family, rows in found.items():
            lines += ["", names.get(family, family)]
            lines += [f"  {str(k):<18} {n:>9,}  {100 * share:5.1f}%" for k, n, share in _rows(rows)]
    backlog = counts(store.engine)
    if backlog["status"]:
        open_items = sum(n for k, n in backlog["status"].items() if k in OPEN)
        lines += ["", f"Inbox: {open_items:,} open items"]
        lines += [
            f"  {k if k != '-' else '(not routed)':<18} {n:>9,}"
            for k, n in sorted(backlog["department"].items(), key=lambda kv: -kv[1])
        ]
    named = list(listing(store.engine))
    if named:
        lines += ["", "Watches and campaigns (veille watch show / campaign report)"]
        lines += [f"  {w['kind']:<9} {w['name'][:30]:<30} {w['matches']:>9,} matches" for w in named]
    alerts = Counter(a["kind"] for a in iter_alerts(store.engine, status="open", backtest=False))
    if alerts:
        lines += ["", f"Open alerts: {sum(alerts.values()):,} (veille alerts list)"]
        lines += [f"  {k:<22} {n:>6,}" for k, n in alerts.most_common()]
    if s.quarantined:
        lines += ["", f"{s.quarantined:,} rejected records in quarantine (veille quarantine)"]
    return "\n".join(lines)


def noun(n: int, one: str, many: str | None = None) -> str:
    """The noun for ``n`` of it: "1 activity", "2 activities" (``many`` defaults to the
    English regular plural)."""
    if n == 1:
        return one
    if many is not None:
        return many
    return one[:-1] + "ies" if one.endswith("y") and one[-2:-1] not in "aeiou" else one + "s"


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes: wide characters (emoji, CJK) two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _rows(rows: Any) -> list[tuple[str, int, float]]:
    return [(r.name, r.members, r.share) for r in rows]


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:5.1f}%" if total else ""


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value else "?"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
