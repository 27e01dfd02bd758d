"""Watches and campaigns: the query language, matching on every ingest (once, never
twice), the reports, a spike on a watch's own series, and their commands; and member
alerts (first contribution, back, silent, VIP)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from veille import settings
from veille.cli import cli
from veille.notify import listing as notifications
from veille.pipeline import ingest
from veille.store import Store
from veille.store.schema import watch_hits
from veille.watch.alerts import backtest, iter_alerts
from veille.watch.people import MemberAlertRules, member_alerts
from veille.watch.queries import Matcher, Query, QueryError, Text, page_of
from veille.watch.watches import WatchError, get, match, remove, report, save

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _hits(m: Matcher, text: str, channel: str = "blog", lang: str | None = "fr") -> list[Any]:
    return m.match(Text(1, channel, lang, text))


def test_terms_are_folded_and_whole_words() -> None:
    m = Matcher.of([("logo", Query(terms=("nouveau logo", "logo*"))), ("gap", Query(exact=("GAP",)))])
    assert _hits(m, "Le NOUVEAU logó est affreux") == ["logo"]
    assert _hits(m, "logotype") == ["logo"]
    assert _hits(m, "un catalogue") == []
    assert _hits(m, "mind the gap") == []
    assert _hits(m, "GAP's logo") == ["logo", "gap"]
    assert _hits(m, "GAPS") == []


def test_all_exclude_channels_languages_and_hashtags() -> None:
    m = Matcher.of([
        ("price", Query(all=("prix", "hausse"), exclude=("casino",))),
        ("de", Query(terms=("preis",), languages=("de",), channels=("forum",))),
        ("tag", Query(terms=("#NouveauLogo",))),
        ("everything-on-forum", Query(channels=("forum",))),
    ])  # fmt: skip
    assert _hits(m, "la hausse des prix") == ["price"]
    assert _hits(m, "les prix") == []
    assert _hits(m, "hausse des prix au casino") == []
    assert _hits(m, "Der Preis", "forum", "de") == ["de", "everything-on-forum"]
    assert _hits(m, "Der Preis", "blog", "de") == []
    assert _hits(m, "Der Preis", "forum", "en") == ["everything-on-forum"]
    assert _hits(m, "J'adore #nouveaulogo !") == ["tag"]
    assert _hits(m, "nouveaulogo") == []


def test_links_match_their_page_whatever_the_utm_parameters() -> None:
    assert page_of("https://www.Kelvio.example/launch/?utm_source=x&ref=2") == (
        "kelvio.example/launch?ref=2", {"utm_source": "x"},
    )  # fmt: skip
    m = Matcher.of([("c", Query(links=("kelvio.example/launch",), utm_campaign="spring26"))])
    assert _hits(m, "see https://kelvio.example/launch?utm_medium=social.") == ["c"]
    assert _hits(m, "x", lang=None) == []
    assert m.match(Text(1, "blog", None, "x", '<a href="https://o.example/?utm_campaign=Spring26">')) == ["c"]
    assert _hits(m, "https://kelvio.example/other") == []


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ({"terms": ["!!"]}, "has no word"),
        ({"terms": ["lo*"]}, "at least 3 letters"),
        ({"terms": ["new logo*"]}, "only a single word"),
        ({"terms": "logo", "langs": ["fr"]}, "no field 'langs'"),
        ({"terms": [3]}, "must be a list of strings"),
        ({"links": ["not a link at all"]}, "is not a link"),
    ],
)
def test_bad_queries_say_why(spec: dict[str, Any], reason: str) -> None:
    with pytest.raises(QueryError, match=reason):
        Query.from_mapping(spec)


def _records(n: int, start: datetime = T0, **extra: Any) -> list[dict[str, Any]]:
    texts = ["Le nouveau logo est affreux", "The new logo is great", "How do I reset it?",
             "Prix en hausse, encore", "casino bonus logo"]  # fmt: skip
    return [
        {"id": f"{extra.get('prefix', 'a')}{i}", "channel": "forum" if i % 2 else "social",
         "kind": "post", "created_at": (start + timedelta(hours=i)).isoformat(),
         "author": {"username": f"u{i % 7}"}, "text": texts[i % len(texts)]}  # fmt: skip
        for i in range(n)
    ]


def _write(tmp_path: Path, name: str, records: list[dict[str, Any]]) -> Path:
    path = tmp_path / f"{name}.ndjson"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n")
    return path


def _count(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(watch_hits)).scalar() or 0)


def test_watches_match_once_and_follow_every_ingest(store: Store, tmp_path: Path) -> None:
    ingest(store, [_write(tmp_path, "one", _records(50))], members=False)
    save(store.engine, "watch", "logo", Query(terms=("logo",), exclude=("casino",)), "anna")
    first = match(store)
    assert first.activities == 50 and first.hits["logo"] == 20
    assert match(store).activities == 0  # nothing new: nothing read
    # The pipeline matches what an ingest adds, and only that.
    ingest(store, [_write(tmp_path, "two", _records(10, T0 + timedelta(days=5), prefix="b"))])
    assert _count(store) == 24
    ingest(store, [_write(tmp_path, "two", _records(10, T0 + timedelta(days=5), prefix="b"))])
    assert _count(store) == 24
    # Changing a watch matches it again from scratch; removing it forgets what it found.
    save(store.engine, "watch", "logo", Query(terms=("logo",)), "anna")
    assert _count(store) == 0
    match(store)
    assert _count(store) == 36
    assert get(store.engine, "watch", "logo").matched_to == 60
    remove(store.engine, "watch", "logo")
    assert _count(store) == 0
    with pytest.raises(WatchError, match="no watch named 'logo'"):
        remove(store.engine, "watch", "logo")


def test_a_campaign_report_compares_its_period_with_the_one_before(
    store: Store, tmp_path: Path
) -> None:
    records = _records(24 * 8, T0 - timedelta(days=4))
    for r in records[120:]:
        r["text"] += " #Spring26"
    records[130]["text"] += " https://kelvio.example/spring?utm_source=mastodon"
    for i in range(10):  # replies to the campaign's first post
        records.append({"id": f"r{i}", "channel": records[120]["channel"], "kind": "reply",
                        "parent_id": records[120]["id"],
                        "created_at": (T0 + timedelta(hours=i + 1)).isoformat(),
                        "author": {"username": f"fan{i}"}, "text": "Bravo !"})  # fmt: skip
    ingest(store, [_write(tmp_path, "c", records)])
    start, end = T0 + timedelta(days=1), T0 + timedelta(days=4)
    save(store.engine, "campaign", "spring", Query(hashtags=("spring26",), terms=("reset",)),
         "anna", start, end)  # fmt: skip
    match(store)
    found = report(store.engine, "campaign", "spring")
    period, before = found["period"], found["before"]
    in_period = [r for r in records if start.isoformat() <= r["created_at"] < end.isoformat()]
    expected = sum("#Spring26" in r["text"] or "reset" in r["text"] for r in in_period)
    assert period["volume"] == expected
    # Before the campaign only "reset" questions matched.
    earlier = [r for r in records if (start - (end - start)).isoformat() <= r["created_at"]
               < start.isoformat()]  # fmt: skip
    assert before["volume"] == sum("reset" in r["text"] for r in earlier)
    assert found["change"]["volume"] == round((period["volume"] - before["volume"]) / before["volume"], 3)
    # u0..u6 on two channels: a shared username alone is not enough to merge them.
    assert period["authors"] == 14 and sum(period["daily"].values()) == period["volume"]
    assert set(period["channels"]) == {"forum", "social"}
    with pytest.raises(WatchError, match="needs a start and an end"):
        save(store.engine, "campaign", "x", Query(terms=("a",)), "anna")
    with pytest.raises(WatchError, match="end must come after"):
        save(store.engine, "campaign", "x", Query(terms=("a",)), "anna", end, start)


def test_a_watch_has_its_own_spikes(tmp_path: Path) -> None:
    """Quiet weeks of mentions, then a burst on one watch: the alert names the watch."""
    records = []
    for h in range(24 * 7 * 5):
        when = T0 + timedelta(hours=h)
        records.append({"id": f"q{h}", "channel": "forum", "kind": "post",
                        "created_at": when.isoformat(), "author": {"username": f"u{h % 50}"},
                        "text": "Une question sur le thermostat" if h % 5 else "Un avis sur le logo"})  # fmt: skip
    burst = T0 + timedelta(days=31, hours=10)
    for k in range(30):
        records.append({"id": f"b{k}", "channel": "forum", "kind": "post",
                        "created_at": (burst + timedelta(minutes=3 * k)).isoformat(),
                        "author": {"username": f"v{k}"}, "text": "Ce logo est une honte !"})  # fmt: skip
    store = Store(tmp_path / "s.db")
    ingest(store, [_write(tmp_path, "h", records)], members=False)
    save(store.engine, "watch", "logo", Query(terms=("logo",)), "anna")
    match(store)
    backtest(store)
    found = [a for a in iter_alerts(store.engine, backtest=True) if a["subject"] == "watch:logo"]
    assert found, list(iter_alerts(store.engine, backtest=True))
    first = min(datetime.fromisoformat(a["detected_at"]) for a in found)
    assert burst < first <= burst + timedelta(hours=2)
    ids = {a for alert in found for a in alert["evidence"]}
    burst_ids = set(range(24 * 7 * 5 + 1, 24 * 7 * 5 + 31))
    with store.engine.connect() as conn:
        matched = set(conn.execute(select(watch_hits.c.activity_id)).scalars())
    # The evidence is the watch's own matches, the burst among them.
    assert len(ids & burst_ids) >= 20 and ids <= matched
    store.close()


def test_member_alerts(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.db")
    day = timedelta(days=1)
    history = []
    # "core" posts every day for 60 days, then stops; "old" posted once, long ago.
    for d in range(60):
        history.append({"id": f"c{d}", "channel": "forum", "kind": "post",
                        "created_at": (T0 + d * day).isoformat(),
                        "author": {"username": "core", "email": "core@ex.example"},
                        "text": f"Tip number {d}: check the schedule"})  # fmt: skip
    history.append({"id": "o1", "channel": "forum", "kind": "post",
                    "created_at": (T0 + 2 * day).isoformat(), "author": {"username": "old"},
                    "text": "Hello"})  # fmt: skip
    for d in range(60, 100):  # others keep the clock moving
        history.append({"id": f"x{d}", "channel": "forum", "kind": "post",
                        "created_at": (T0 + d * day).isoformat(),
                        "author": {"username": f"x{d % 3}"}, "text": "Question du jour"})  # fmt: skip
    settings_file = tmp_path / "s.toml"
    settings_file.write_text('[watch]\nvip = ["email:core@ex.example"]\nsilent_days = 30\n'
                             'notify = ["https://hooks.example.invalid/x"]\n')  # fmt: skip
    settings.load(store, settings_file, by="anna")
    rules = settings.member_alert_rules(store)
    assert rules == MemberAlertRules(vip=("email:core@ex.example",), silent_days=30)
    ingest(store, [_write(tmp_path, "h", history)])
    # A first load raises no first contributions; the core member silent 40 days is
    # older news than the last two days, so nothing either.
    assert not [a for a in iter_alerts(store.engine) if a["subject"].startswith("member:")]
    # The pipeline raised the newcomer's alert already (with the default settings);
    # running again over the same activities adds nothing.
    later = [{"id": "y1", "channel": "forum", "kind": "post",
              "created_at": (T0 + 101 * day).isoformat(), "author": {"username": "newbie"},
              "text": "Bonjour, première question"}]  # fmt: skip
    before = store.last_activity_id()
    ingest(store, [_write(tmp_path, "l", later)], members=True)
    member_alerts(store, before, rules, ("https://hooks.example.invalid/x",))
    kinds = sorted(a["kind"] for a in iter_alerts(store.engine) if a["subject"].startswith("member:"))
    assert kinds == ["first-contribution"]
    # Now the two who come back: "old" after 99 days, "core" (a VIP) after 42.
    back = [{"id": f"z{i}", "channel": "forum", "kind": "post",
             "created_at": (T0 + 101 * day + timedelta(hours=i)).isoformat(),
             "author": {"username": who}, "text": "Me revoilà"}  # fmt: skip
            for i, who in enumerate(("old", "core", "core"))]
    before = store.last_activity_id()
    ingest(store, [_write(tmp_path, "b", back)], members=True)
    assert member_alerts(store, before, rules, ("https://hooks.example.invalid/x",)).new == 0
    found = {(a["kind"]) for a in iter_alerts(store.engine) if a["subject"].startswith("member:")}
    assert {"member-back", "vip-active", "first-contribution"} <= found
    backs = list(iter_alerts(store.engine, kinds=("member-back",)))
    assert sorted(a["observed"] for a in backs) == [42.0, 99.0]
    vip = next(a for a in iter_alerts(store.engine) if a["kind"] == "vip-active")
    assert vip["observed"] == 2 and len(vip["evidence"]) == 2
    sent = [n.subject for n in notifications(store.engine)]
    assert any("is back after" in s for s in sent) and any("(VIP)" in s for s in sent)
    assert not any("first contribution" in s for s in sent)  # not in member_notify
    # Running again raises nothing new.
    assert member_alerts(store, store.last_activity_id(), rules).new == 0
    store.close()


def test_a_core_member_gone_silent(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    day = timedelta(days=1)
    history = [{"id": f"c{d}", "channel": "forum", "kind": "post",
                "created_at": (T0 + d * day).isoformat(), "author": {"username": "core"},
                "text": f"Astuce {d}"} for d in range(40)]  # fmt: skip
    ingest(store, [_write(tmp_path, "h", history)])
    rules = MemberAlertRules(silent_days=30)
    # Others go on; on day 70 the silence (since day 39) crosses 30 days.
    for d in range(41, 72):
        before = store.last_activity_id()
        ingest(store, [_write(tmp_path, f"d{d}", [{"id": f"x{d}", "channel": "forum",
               "kind": "post", "created_at": (T0 + d * day).isoformat(),
               "author": {"username": "other"}, "text": "Bonjour"}])], members=True)  # fmt: skip
        member_alerts(store, before, rules)
    silent = [a for a in iter_alerts(store.engine) if a["kind"] == "member-silent"]
    assert len(silent) == 1
    assert datetime.fromisoformat(silent[0]["started_at"]) == T0 + 39 * day + 30 * day
    # Coming back resolves it.
    before = store.last_activity_id()
    ingest(store, [_write(tmp_path, "back", [{"id": "c99", "channel": "forum", "kind": "post",
           "created_at": (T0 + 72 * day).isoformat(), "author": {"username": "core"},
           "text": "Me revoilà"}])], members=True)  # fmt: skip
    member_alerts(store, before, rules)
    assert next(iter_alerts(store.engine, status="resolved"))["kind"] == "member-silent"
    store.close()


def test_watch_and_campaign_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    path = _write(tmp_path, "r", _records(48))
    assert runner.invoke(cli, ["--db", db, "ingest", str(path)]).exit_code == 0
    done = runner.invoke(cli, ["--db", db, "watch", "add", "logo", "--term", "logo",
                               "--exclude", "casino", "--lang", "fr", "--lang", "en"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "48 activities read" in done.output
    listed = json.loads(runner.invoke(cli, ["--db", db, "watch", "list", "--json"]).output)
    assert listed[0]["name"] == "logo" and listed[0]["matches"] > 0
    shown = runner.invoke(cli, ["--db", db, "watch", "show", "logo", "--json"])
    assert json.loads(shown.output)["period"]["volume"] == listed[0]["matches"]
    bad = runner.invoke(cli, ["--db", db, "watch", "add", "x", "--term", "lo*"])
    assert bad.exit_code != 0 and "at least 3 letters" in bad.output
    spec = tmp_path / "w.toml"
    spec.write_text('[watch.prix]\nterms = ["prix"]\n[campaign.spring]\nhashtags = ["spring"]\n'
                    'starts = 2026-03-02\nends = 2026-03-03T12:00:00Z\n')  # fmt: skip
    loaded = runner.invoke(cli, ["--db", db, "watch", "load", str(spec)])
    assert loaded.exit_code == 0, loaded.output
    assert "2 watches and campaigns saved" in loaded.output
    text = runner.invoke(cli, ["--db", db, "campaign", "report", "spring"]).output
    assert "2026-03-02T00:00 to 2026-03-03T12:00" in text
    spec.write_text('[campaign.spring]\nhashtags = ["spring"]\nstarts = 2026-03-02\n')
    bad = runner.invoke(cli, ["--db", db, "watch", "load", str(spec)])
    assert bad.exit_code != 0 and f"{spec}: [campaign.spring]: a campaign needs" in bad.output
    spec.write_text('[watch.x]\nterm = ["prix"]\n')
    bad = runner.invoke(cli, ["--db", db, "watch", "load", str(spec)])
    assert bad.exit_code != 0 and "[watch.x]: no field 'term'" in bad.output
    assert runner.invoke(cli, ["--db", db, "campaign", "remove", "spring"]).exit_code == 0
    assert "no campaigns" in runner.invoke(cli, ["--db", db, "campaign", "list"]).output


def test_member_alert_settings_are_checked(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "s.db")
    path = tmp_path / "s.toml"
    for body, reason in (
        ('[watch]\nmember_alerts = ["member-gone"]\n', "no member alert 'member-gone'"),
        ('[watch]\nvip = ["ceo"]\n', "vip: 'ceo': expected"),
        ('[watch]\nsilent_days = -3\n', "silent_days must be a whole number"),
    ):
        path.write_text(body)
        done = runner.invoke(cli, ["--db", db, "settings", "load", str(path)])
        assert done.exit_code != 0 and reason in done.output, done.output


def test_kept_hourly_counts_equal_a_full_count(store: Store, tmp_path: Path) -> None:
    """The live detector keeps hourly counts between looks and recounts only what new
    activities can change: after every kind of change they equal a count from scratch."""
    from veille.watch.hourly import counts
    from veille.watch.spikes import HOUR, SpikeRules, add_named, series

    records = _records(24 * 40)
    late = dict(records[24 * 20 + 5], id="late-1", text="Un logo en retard")  # an old hour, last
    parts = [records[: 24 * 30], records[24 * 30 : 24 * 35], records[24 * 35 :] + [late]]
    rules = SpikeRules()

    def compare() -> None:
        with store.engine.begin() as conn:
            newest = conn.execute(select(func.max(watch_hits.c.at))).scalar() or 0
            last = max(int(newest) // HOUR, int(T0.timestamp()) // HOUR + 24 * 39)
            first = last - rules.history_hours
            kept = counts(conn, first, last, True, True)
            full = series(conn, first, last, True)
            add_named(conn, full, last)
        subjects = {k for k, v in full.volume.items() if v.any()}
        assert subjects == {k for k, v in kept.volume.items() if v.any()}
        for k in subjects:
            assert (kept.volume[k] == full.volume[k]).all(), k
            assert (kept.negative[k] == full.negative[k]).all(), k

    ingest(store, [_write(tmp_path, "p0", parts[0])])
    compare()
    save(store.engine, "watch", "logo", Query(terms=("logo",)), "anna")  # new: counted whole
    match(store)
    compare()
    ingest(store, [_write(tmp_path, "p1", parts[1])])
    compare()
    save(store.engine, "watch", "logo", Query(terms=("logo",), exclude=("casino",)), "anna")
    save(store.engine, "watch", "prix", Query(terms=("prix",)), "anna")
    match(store)
    ingest(store, [_write(tmp_path, "p2", parts[2])])
    compare()
    remove(store.engine, "watch", "prix")
    compare()


def test_a_watch_changed_while_matching_is_matched_again_whole(
    store: Store, tmp_path: Path
) -> None:
    ingest(store, [_write(tmp_path, "r", _records(60))], members=False)
    save(store.engine, "watch", "logo", Query(terms=("logo",)), "anna")
    changed = []

    def meanwhile(_: int) -> None:  # between two chunks, a manager edits the watch
        if not changed:
            changed.append(save(store.engine, "watch", "logo", Query(terms=("prix",)), "marc"))

    match(store, progress=meanwhile, chunk=20)
    assert get(store.engine, "watch", "logo").matched_to < 60
    match(store)  # the new query, from the start, with no hit of the old one left
    with store.engine.connect() as conn:
        hits = set(conn.execute(select(watch_hits.c.activity_id)).scalars())
    texts = {r["id"]: r["text"] for r in _records(60)}
    assert len(hits) == sum("Prix" in t for t in texts.values()) == 12
