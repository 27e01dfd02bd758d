"""Spikes and alerts: the tail tests, a crisis of 5x the normal negative volume found
within two hours in a replayed history, no false alarm in five quiet weeks, one alert
per episode, a manager's acknowledgement, the export, and a live alert reaching a
notification queue after an ingest."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from veille.cli import cli
from veille.notify import listing
from veille.pipeline import ingest
from veille.store import Store
from veille.watch.alerts import backtest, iter_alerts, set_status
from veille.watch.spikes import SpikeRules, binomial_tail, poisson_tail

NEGATIVE = ("This is terrible, the app is broken again and nobody answers. Awful.",
            "Je suis très déçue, le thermostat ne marche plus, c'est nul.",
            "Worst update ever, my heating stopped working, I hate this.")  # fmt: skip
NEUTRAL = ("Does anyone know how to set the weekly schedule?",
           "J'ai installé le thermostat hier, on verra à l'usage.",
           "Thanks, that worked for me. Have a nice day everyone!")  # fmt: skip
START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
CRISIS = START + timedelta(weeks=4, days=2, hours=10)  # a Wednesday, 10:00


def test_tails() -> None:
    assert poisson_tail(0, 3.0) == 1.0
    assert poisson_tail(1, 2.0) == pytest.approx(1 - math.exp(-2))
    assert poisson_tail(30, 3.0) < 1e-15 and poisson_tail(30, 3.0) > 0
    assert binomial_tail(1, 10, 0.1) == pytest.approx(1 - 0.9**10)
    assert binomial_tail(11, 10, 0.5) == 0.0


def _history(crisis: bool, weeks: int = 5, seed: int = 3) -> list[dict[str, Any]]:
    """Hourly traffic on two channels with daily and weekly rhythms, 15% negative; with
    ``crisis``, five times the usual negative volume on the forum for 12 hours."""
    rng, out, n = Random(seed), [], 0
    for hour in range(weeks * 168):
        when = START + timedelta(hours=hour)
        day_factor = 0.6 if when.weekday() >= 5 else 1.0
        hour_factor = 0.25 if when.hour < 7 or when.hour >= 22 else 1.0
        for channel, rate in (("forum", 16.0), ("social", 3.0)):
            lam = rate * day_factor * hour_factor
            count = _poisson(rng, lam)
            negative_rate = 0.15 * lam
            extra = 0
            if crisis and channel == "forum" and CRISIS <= when < CRISIS + timedelta(hours=12):
                extra = _poisson(rng, 4 * negative_rate)  # 5x the normal negative volume
            for k in range(count + extra):
                bad = k >= count or rng.random() < 0.15
                n += 1
                out.append({
                    "id": str(n), "channel": channel, "kind": "post",
                    "created_at": (when + timedelta(minutes=rng.randrange(60))).isoformat(),
                    "author": {"username": f"u{rng.randrange(400)}"},
                    "text": rng.choice(NEGATIVE if bad else NEUTRAL) + f" #{n}",
                })  # fmt: skip
    return out


def _poisson(rng: Random, lam: float) -> int:
    k, p, limit = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _store(tmp_path: Path, records: list[dict[str, Any]], name: str) -> Store:
    path = tmp_path / f"{name}.ndjson"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n")
    store = Store(tmp_path / f"{name}.db")
    ingest(store, [path], members=False)
    return store


def test_a_crisis_is_found_within_two_hours_and_quiet_weeks_stay_quiet(tmp_path: Path) -> None:
    quiet = _store(tmp_path, _history(crisis=False), "quiet")
    report = backtest(quiet, rules=SpikeRules())
    assert report.hours > 800
    false = list(iter_alerts(quiet.engine, backtest=True))
    months = 5 * 7 / 30.4
    per_channel_month = len(false) / (3 * months)  # two channels and the whole
    print(f"quiet history: {len(false)} false alarms, {per_channel_month:.2f} per channel-month")
    assert per_channel_month < 1.0
    quiet.close()

    store = _store(tmp_path, _history(crisis=True), "crisis")
    backtest(store)
    found = list(iter_alerts(store.engine, backtest=True))
    during = [a for a in found
              if datetime.fromisoformat(a["detected_at"]) >= CRISIS - timedelta(hours=3)]  # fmt: skip
    false = [a for a in found if a not in during]
    assert len(false) / (3 * 5 * 7 / 30.4) < 1.0, false
    negative = [a for a in during if a["kind"] == "negative-spike" and a["subject"] in
                ("channel:forum", "all")]  # fmt: skip
    assert negative, found
    first = min(datetime.fromisoformat(a["detected_at"]) for a in negative)
    delay = first - CRISIS
    print(
        f"crisis detected after {delay}; alerts: {[(a['kind'], a['subject']) for a in during]}; "
        f"false alarms: {[(a['kind'], a['subject'], a['started_at']) for a in false]}"
    )
    assert timedelta(0) < delay <= timedelta(hours=2)
    # One episode, one alert per kind and subject, grown while the crisis lasted.
    keys = [(a["kind"], a["subject"]) for a in during]
    assert len(keys) == len(set(keys))
    forum = next(a for a in negative if a["subject"] == "channel:forum")
    assert forum["observed"] > 3 * forum["baseline"] and len(forum["evidence"]) >= 10
    # The series behind it: the day up to its peak (the window's hours add up to the
    # peak value) and the same hours a week before.
    peak, hourly = forum["series"]["peak_hour"], forum["series"]["hourly"]
    assert sum(hourly[str(peak - 23)][-forum["series"]["window_hours"] :]) == forum["observed"]
    assert sum(hourly[str(peak - 23 - 168)]) < sum(hourly[str(peak - 23)])
    # Backtesting again replaces, never doubles.
    backtest(store)
    assert len(list(iter_alerts(store.engine, backtest=True))) == len(found)
    set_status(store.engine, forum["id"], "acknowledged", "anna")
    assert next(iter_alerts(store.engine, status="acknowledged"))["id"] == forum["id"]
    store.close()


def test_live_alerts_after_an_ingest_notify_and_export(tmp_path: Path) -> None:
    records = _history(crisis=True)
    cut = next(i for i, r in enumerate(records)
               if r["created_at"] >= (CRISIS + timedelta(hours=3)).isoformat())  # fmt: skip
    db = str(tmp_path / "live.db")
    settings = tmp_path / "s.toml"
    settings.write_text('[watch]\nnotify = ["https://hooks.example.invalid/x"]\n')
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "settings", "load", str(settings)]).exit_code == 0
    for part, lines in (("a", records[:cut]), ("b", records[cut:])):
        path = tmp_path / f"{part}.ndjson"
        path.write_bytes(b"\n".join(orjson.dumps(r) for r in lines) + b"\n")
        assert runner.invoke(cli, ["--db", db, "ingest", "-q", str(path)]).exit_code == 0
    exported = [json.loads(line) for line in
                runner.invoke(cli, ["--db", db, "export", "alerts"]).output.splitlines()]  # fmt: skip
    live = [a for a in exported if not a["backtest"]]
    assert any(a["kind"] == "negative-spike" for a in live), exported
    for key in ("id", "kind", "subject", "started_at", "detected_at", "metric", "baseline",
                "observed", "evidence", "status"):  # fmt: skip
        assert key in live[0]
    store = Store(db)
    queued = listing(store.engine)
    assert queued and all("spike" in n.subject for n in queued)
    assert all(n.status in ("pending", "failed") and n.last_error for n in queued)  # unreachable
    store.close()
    shown = runner.invoke(cli, ["--db", db, "alerts", "list"])
    assert shown.exit_code == 0 and "negative-spike" in shown.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[watch]\nnotify = ["the PR team"]\n')
    refused = runner.invoke(cli, ["--db", db, "settings", "load", str(bad)])
    assert refused.exit_code != 0 and "not a webhook" in refused.output


def test_trends_find_what_is_said_more_than_usual(tmp_path: Path) -> None:
    from veille.watch.trends import trends

    rng, records, n = Random(5), [], 0
    start = datetime(2026, 4, 1, tzinfo=UTC)
    usual = ("The weekly schedule works well for my flat",
             "Le planning hebdomadaire fonctionne bien chez moi")  # fmt: skip
    for day in range(15):
        for _ in range(30):
            n += 1
            text = rng.choice(usual)
            if day == 14 and n % 2:
                text = rng.choice(("The new logo is hideous, bring back the old logo",
                                   "Ce nouveau logo est vraiment moche", "New logos? Why?"))  # fmt: skip
            when = start + timedelta(days=day, minutes=rng.randrange(1440))
            records.append({"id": str(n), "channel": "forum", "created_at": when.isoformat(),
                            "author": {"username": f"u{n % 50}"}, "text": text})  # fmt: skip
    for k in range(12):  # one author repeating a phrase all day is not a trend
        records.append({"id": f"solo{k}", "channel": "forum",
                        "created_at": (start + timedelta(days=14, hours=k)).isoformat(),
                        "author": {"username": "turbo"},
                        "text": "Turbo widgets for sale, turbo widgets cheap"})  # fmt: skip
    store = _store(tmp_path, records, "trends")
    found = trends(store.engine, "day")
    assert not any("widget" in t.term for t in found), found
    assert any("widget" in t.term for t in trends(store.engine, "day", min_authors=1))
    assert found and "logo" in found[0].term, found
    top = found[0]
    assert top.count >= 10 and top.baseline == 0 and top.negative_share > 0.3
    assert not any("schedule" in t.term or "planning" in t.term for t in found)
    assert trends(store.engine, "day", language="de") == []
    runner = CliRunner()
    shown = runner.invoke(cli, ["--db", str(tmp_path / "trends.db"), "trends", "--window", "day"])
    assert shown.exit_code == 0 and "logo" in shown.output
    assert shown.output.startswith("the day from ") and "against the 14 days before" in shown.output
    # The window ending at a given time: the day before the logo came up, then before any data.
    args = ["--db", str(tmp_path / "trends.db"), "trends", "--until"]
    eve = runner.invoke(cli, [*args, "2026-04-15"])
    assert eve.exit_code == 0 and "to 2026-04-15 00:00 UTC" in eve.output
    assert "logo" not in eve.output
    earlier = runner.invoke(cli, [*args, "2026-03-01"])
    assert earlier.exit_code == 0 and "nothing stands out" in earlier.output
    store.close()
