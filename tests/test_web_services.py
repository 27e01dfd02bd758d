"""The services the workbench's pages call (dashboard, a member's data on request,
member search, threads as sanitised HTML), and the pages themselves on PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from veille import conversation, users
from veille.dashboard import Delta, PeriodError, dashboard
from veille.members import privacy
from veille.members.profile import UnknownMember
from veille.members.search import search
from veille.pipeline import ingest
from veille.store import Store
from veille.store.schema import activities, identities, inbox_events, inbox_items, members
from veille.web import create_app
from veille.web.i18n import Language
from veille.web.render import environment

END = datetime(2024, 3, 15, tzinfo=UTC)
ANA = {"name": "Ana Lima", "email": "ana@example.org"}
BO = {"name": "Bo Chen", "username": "bochen", "email": "bo.chen@example.net"}


def _rec(n: int, days_before_end: float, text: str, author: dict[str, str],
         **extra: Any) -> dict[str, Any]:  # fmt: skip
    at = END - timedelta(days=days_before_end)
    return {"id": f"p{n}", "channel": extra.pop("channel", "forum"), "kind": "post",
            "created_at": at.isoformat(), "author": author, "text": text, **extra}  # fmt: skip


COMMUNITY = [
    # this week (the 7 days before END)
    _rec(1, 1.5, "The new thermostat app is great, thank you so much for it!", ANA),
    _rec(2, 2.5, "This update is terrible, it broke my heating schedule, I am furious.", BO),
    _rec(3, 3.5, "How do I pair a second sensor with the hub in the living room?", ANA,
         channel="mail"),
    _rec(4, 3.4, "Pair it from the settings page of the hub, then wait a minute.", BO,
         parent_id="p3", thread_id="p3", kind="reply", channel="mail"),
    # the week before
    _rec(5, 8.5, "Is there a discount for ordering twenty thermostats for an office?", BO),
    _rec(6, 9.5, "Lovely product, my flat is warm and the bill went down.", ANA),
]


def _store(url: str, tmp_path: Path, records: list[dict[str, Any]] = COMMUNITY) -> Store:
    path = tmp_path / "c.ndjson"
    path.write_text("".join(orjson.dumps(r).decode() + "\n" for r in records), encoding="utf-8")
    store = Store(url)
    ingest(store, [str(path)], fmt="ndjson")
    return store


def _member_of(store: Store, email: str) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                select(identities.c.member_id).where(identities.c.email == email).distinct()
            ).scalar_one()
        )


def test_deltas_say_up_down_or_unchanged_and_whether_that_is_good() -> None:
    assert (Delta(110, 100).state, Delta(110, 100).good) == ("up", True)
    assert (Delta(101, 100).state, Delta(101, 100).good) == ("same", None)
    assert (Delta(5, 10, lower_is_better=True).state, Delta(5, 10, True).good) == ("down", True)
    assert (Delta(12, 10, lower_is_better=True).good, Delta(3, 0).state) == (False, "up")
    assert Delta(0, 0).state == "same" and Delta(3, 0).change is None


def test_the_dashboard_compares_a_period_with_the_one_before(db_url: str, tmp_path: Path) -> None:
    store = _store(db_url, tmp_path)
    board = dashboard(store.engine, 7, end=END)
    assert board.start == END - timedelta(days=7) and len(board.dates) == 7
    assert sum(board.activity) == 4 and board.dates[-2:] == [
        (END - timedelta(days=2)).date(), (END - timedelta(days=1)).date()]  # fmt: skip
    # Each activity lands on its own day of the chart.
    per_day = dict(zip(board.dates, board.activity, strict=True))
    assert per_day[(END - timedelta(days=1.5)).date()] == 1
    assert per_day[(END - timedelta(days=3.5)).date()] == 2
    totals = board.totals
    assert (totals["activities"].current, totals["activities"].previous) == (4, 2)
    assert totals["activities"].state == "up" and totals["activities"].good is True
    assert (totals["active_members"].current, totals["active_members"].previous) == (2, 2)
    assert totals["negative_share"].lower_is_better
    assert sum(board.sentiment_totals.values()) == 4
    assert {c.name: (c.current, c.previous) for c in board.channels} == {
        "forum": (2, 2), "mail": (2, 0)}  # fmt: skip
    assert sum(c.current for c in board.languages) == 4
    assert sum(board.backlog.values()) == len(COMMUNITY)
    with pytest.raises(PeriodError):
        dashboard(store.engine, 5, end=END)
    store.close()


def test_a_member_is_exported_then_erased_everywhere(db_url: str, tmp_path: Path) -> None:
    store = _store(db_url, tmp_path)
    ana = _member_of(store, "ana@example.org")
    record = privacy.export(store.engine, ana)
    assert record["member_id"] == ana and len(record["activities"]) == 3
    assert len(record["identities"]) == 2  # the forum's and the mailing list's
    assert {a["native_id"] for a in record["activities"]} == {"p1", "p3", "p6"}
    assert all(a["raw"] is not None for a in record["activities"])
    assert len(record["inbox"]) == 3
    with store.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(activities)).scalar_one()
    erased = privacy.erase(store.engine, ana)
    assert (erased.identities, erased.activities) == (2, 3)
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(activities)).scalar_one() == before - 3
        assert conn.execute(select(members.c.id).where(members.c.id == ana)).first() is None
        assert not conn.execute(select(identities.c.id).where(identities.c.email == "ana@example.org")).all()
        left = conn.execute(select(func.count()).select_from(inbox_items)).scalar_one()
        events = conn.execute(select(func.count()).select_from(inbox_events)).scalar_one()
    assert left == len(COMMUNITY) - 3 and events >= 0
    # Bo's reply to Ana's erased question stays, and so does Bo.
    assert [r.member_id for r in search(store.engine, "bo chen")] == [_member_of_name(store, "Bo Chen")]
    with pytest.raises(UnknownMember):
        privacy.erase(store.engine, ana)
    with pytest.raises(UnknownMember):
        privacy.export(store.engine, ana)
    store.close()


def _member_of_name(store: Store, name: str) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                select(identities.c.member_id).where(identities.c.name == name).distinct()
            ).scalar_one()
        )


def test_search_finds_members_by_name_handle_or_email(db_url: str, tmp_path: Path) -> None:
    store = _store(db_url, tmp_path)
    ana = _member_of(store, "ana@example.org")
    assert [f.member_id for f in search(store.engine, "ANA@example")] == [ana]
    assert [f.member_id for f in search(store.engine, "bochen")] != [ana]
    assert search(store.engine, "nobody-like-this") == []
    assert {f.member_id for f in search(store.engine, "")} >= {ana}
    assert search(store.engine, "%") == [] and search(store.engine, "a_a") == []  # not patterns
    # A large store looks up the start of a name word, a username or an address by index.
    bo = _member_of_name(store, "Bo Chen")
    for typed, expected in (("ANA@example", [ana]), ("lim", [ana]), ("Ana Li", [ana]),
                            ("bochen", [bo]), ("CHEN", [bo]), ("bo.chen@", [bo]),
                            ("ochen", []), ("ana chen", []), ("%", [])):  # fmt: skip
        found = [f.member_id for f in search(store.engine, typed, scan_below=0)]
        assert found == expected, typed
    assert [f.member_id for f in search(store.engine, "ochen")] == [bo]  # small: anywhere
    store.close()


def test_a_thread_comes_as_sanitised_html(tmp_path: Path) -> None:
    hostile = [
        _rec(1, 1, "", ANA, html='<p>Hello <b>there</b><script>alert(1)</script>'
             '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a></p>'),
        _rec(2, 0.5, "a reply", BO, parent_id="p1", thread_id="p1", kind="reply"),
    ]  # fmt: skip
    store = _store(str(tmp_path / "v.db"), tmp_path, hostile)
    with store.engine.connect() as conn:
        reply = conn.execute(select(activities.c.id).where(activities.c.native_id == "p2")).scalar_one()
    thread = conversation.thread(store.engine, int(reply))
    assert [m.text or "" for m in thread][1] == "a reply" and len(thread) == 2
    html = thread[0].html or ""
    assert "<b>there</b>" in html
    for bad in ("<script", "onerror", "javascript:"):
        assert bad not in html.lower()
    reasons = conversation.reasons(store.engine, int(reply))
    assert reasons is not None and reasons.language
    store.close()


@pytest.mark.postgres
def test_the_pages_work_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    from tests.conftest import _reset_pg

    _reset_pg(pg_url)
    store = _store(pg_url, tmp_path)
    users.add(store.engine, "m@example.org", "a long enough password", "admin")
    client = TestClient(create_app(store))
    client.post("/login", data={"email": "m@example.org", "password": "a long enough password"})
    with store.engine.connect() as conn:
        item = int(conn.execute(select(func.min(inbox_items.c.activity_id))).scalar_one())
    ana = _member_of(store, "ana@example.org")
    for url in ("/", "/?days=30", "/inbox", f"/inbox?item={item}", "/members", f"/members/{ana}",
                "/members/suggestions", "/alerts", "/api/stats", "/segments", "/watches",
                "/settings", "/users", f"/api/members/{ana}/export"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    page = client.get("/inbox").text
    csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
    version = client.get(f"/api/inbox/{item}").json()["version"]
    r = client.post("/inbox/bulk", data={"csrf": csrf, "action": "close", "pick": f"{item}:{version}"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and client.get(f"/api/inbox/{item}").json()["status"] == "closed"
    r = client.post(f"/members/{ana}/erase", data={"csrf": csrf, "confirm": str(ana)},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and client.get(f"/members/{ana}").status_code == 404
    store.close()


def test_a_members_card_beside_an_item(tmp_path: Path) -> None:
    from veille.members.card import card

    store = _store(str(tmp_path / "v.db"), tmp_path)
    ana = _member_of(store, "ana@example.org")
    found = card(store.engine, ana)
    assert found is not None and found.display_name == "Ana Lima"
    assert sorted(i["channel"] for i in found.identities) == ["forum", "mail"]
    assert sorted(r.excerpt[:12] for r in found.recent) == ["How do I pai", "Lovely produ",
                                                            "The new ther"]  # fmt: skip
    ids = [r.activity_id for r in found.recent]
    assert ids == sorted(ids, reverse=True)  # the newest stored first
    assert found.activity_count == 3 and found.segment
    assert card(store.engine, 10**9) is None
    store.close()


def test_dashboards_are_kept_and_refreshed_in_the_background(tmp_path: Path) -> None:
    import time

    from veille.dashboard import Cached

    store = _store(str(tmp_path / "v.db"), tmp_path)
    kept = Cached(max_age=3600)
    first = kept.get(store.engine, 7)
    assert kept.get(store.engine, 7) is first  # fresh: the same copy
    kept.max_age = 0
    assert kept.get(store.engine, 7) is first  # stale: still shown, while recomputed
    deadline = time.monotonic() + 30
    while kept.get(store.engine, 7) is first:
        assert time.monotonic() < deadline, "the dashboard was not recomputed"
        time.sleep(0.05)
    assert kept.get(store.engine, 30).days == 30
    with pytest.raises(PeriodError):
        kept.get(store.engine, 5)
    store.close()


def test_kept_values_are_computed_once_by_concurrent_first_requests() -> None:
    import threading
    import time

    from veille.cache import Cache

    kept: Cache[int] = Cache(max_age=3600)
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.3)
        return len(calls)

    got: list[int] = []
    threads = [threading.Thread(target=lambda: got.append(kept.get("k", slow))) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [1] * 5 and len(calls) == 1
    kept.max_age = 0
    assert kept.get("k", slow) == 1  # the old value, while a thread computes the next
    deadline = time.monotonic() + 10
    while kept.get("k", slow) == 1:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert kept.get("other", lambda: 7) == 7


def test_a_forgotten_value_is_computed_again_at_the_next_request() -> None:
    from veille.cache import Cache

    kept: Cache[int] = Cache(max_age=3600)
    assert kept.get("k", lambda: 1) == 1
    assert kept.get("k", lambda: 2) == 1  # fresh: kept
    kept.forget("k")
    kept.forget("never asked")  # nothing kept: nothing to drop, no error
    assert kept.get("k", lambda: 2) == 2


def test_a_figure_up_from_nothing_says_new_in_the_users_language() -> None:
    delta = environment().get_template("macros.html").module.delta  # type: ignore[attr-defined]
    shown = {
        lang: re.sub(r"<[^>]+>", "", str(delta(Language(lang), Delta(6, 0)))).strip()
        for lang in ("en", "fr")
    }
    assert shown == {"en": "▲ new", "fr": "▲ nouveau"}  # not "+∞"
    assert "▲ +50" in str(delta(Language("en"), Delta(3, 2)))


def test_a_card_says_one_line_per_name_and_a_profile_says_why_members_were_merged(
    tmp_path: Path,
) -> None:
    """One person at two addresses of one list is one line of the card ("2 accounts");
    the profile's merges carry their reasons, its latest activities their inbox status."""
    from veille.members.card import card
    from veille.members.profile import profile
    from veille.members.resolve import merge

    second = {"name": "Ana Lima", "email": "ana.lima@work.example"}
    records = [*COMMUNITY, _rec(7, 0.5, "Second address, same person: the hub is fine now.",
                                second, channel="mail")]  # fmt: skip
    store = _store(str(tmp_path / "v.db"), tmp_path, records)
    ana, other = _member_of(store, "ana@example.org"), _member_of(store, second["email"])
    if other != ana:  # the resolver may already have joined them; a manager does otherwise
        merge(store.engine, ana, other, "anna", note="same person, told us at the meetup")
    found = card(store.engine, ana)
    assert found is not None
    assert sorted((i["channel"], i["accounts"]) for i in found.identities) == [
        ("forum", 1), ("mail", 2)]  # fmt: skip
    shown = profile(store.engine, ana, recent=10)
    assert shown["merges"] and all(m["why"] for m in shown["merges"])
    assert any("note: same person" in w or "email" in w or "name" in w
               for m in shown["merges"] for w in m["why"])  # fmt: skip
    statuses = {a["activity_id"]: a["inbox"] for a in shown["latest"]}
    with store.engine.connect() as conn:
        items_of = dict(conn.execute(select(inbox_items.c.activity_id, inbox_items.c.status)).all())
    assert statuses == {a: items_of.get(a) for a in statuses} and any(statuses.values())
    store.close()


def test_a_mail_thread_folds_what_replies_quote_and_signatures(tmp_path: Path) -> None:
    """A reply's quoted message and its signature come folded, escaped like the rest."""
    mail = [
        _rec(1, 2, "How do I pair <b>two</b> sensors?", ANA, channel="mail"),
        _rec(2, 1, "From the hub's page.\n\nOn Monday, Ana Lima wrote:\n> How do I pair "
             "<script>alert(1)</script> sensors?\n\nThen wait.\n-- \nBo, support", BO,
             parent_id="p1", thread_id="p1", kind="reply", channel="mail"),
    ]  # fmt: skip
    store = _store(str(tmp_path / "v.db"), tmp_path, mail)
    users.add(store.engine, "m@example.org", "a long enough password", "manager")
    client = TestClient(create_app(store))
    client.post("/login", data={"email": "m@example.org", "password": "a long enough password"})
    with store.engine.connect() as conn:
        reply = conn.execute(select(activities.c.id).where(activities.c.native_id == "p2")).scalar_one()
    page = client.get(f"/inbox?item={reply}").text
    folded = re.findall(r'<details class="folded (\w+)"><summary>([^<]*)</summary>', page)
    assert folded == [("quoted", "Quoted text (2 lines)"),
                      ("trailer", "Signature and attachments (2 lines)")]  # fmt: skip
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert '<div class="content plain">From the hub&#39;s page.\n</div>' in page
    store.close()


def test_linked_suggestions_are_one_group_merged_or_kept_apart_at_once(tmp_path: Path) -> None:
    """One person at three addresses is one decision, not three; a merge from the page,
    the API or the CLI measures the member again at once."""
    from click.testing import CliRunner

    from veille.cli import cli
    from veille.members.resolve import suggestion_groups
    from veille.store.schema import identity_pairs, member_stats

    people = [{"name": f"Person {c}", "email": f"{c}@example.{c}"} for c in "pqrstuv"]
    records = [_rec(10 + k, 1 + k / 10, f"Message number {k} from me.", who, channel="mail")
               for k, who in enumerate(people)]  # fmt: skip
    db = tmp_path / "v.db"
    store = _store(str(db), tmp_path, [*COMMUNITY, *records])
    ident = {}
    with store.engine.begin() as conn:
        for who in people:
            ident[who["email"][0]] = int(conn.execute(select(identities.c.id).where(
                identities.c.email == who["email"])).scalar_one())  # fmt: skip
        conn.execute(identity_pairs.insert(), [
            {"identity_a": ident[a], "identity_b": ident[b], "confidence": c,
             "reasons": orjson.dumps(["rare-name:0.8"]).decode(), "status": "open",
             "updated_at": END}
            for a, b, c in (("p", "q", 0.85), ("q", "r", 0.8), ("s", "t", 0.88))])  # fmt: skip
    member = {c: _member_of(store, f"{c}@example.{c}") for c in "pqrstuv"}
    groups = suggestion_groups(store.engine)
    assert [(g.members, len(g.pairs), g.confidence) for g in groups] == [
        (sorted([member["s"], member["t"]]), 1, 0.88),
        (sorted([member["p"], member["q"], member["r"]]), 2, 0.8)]  # fmt: skip
    users.add(store.engine, "m@example.org", "a long enough password", "manager")
    client = TestClient(create_app(store), follow_redirects=False)
    session = users.sign_in(store.engine, "m@example.org", "a long enough password", "t")
    client.cookies.set("veille_session", session.token)
    page = client.get("/members/suggestions").text
    three = groups[1].members
    assert f'data-group="{"-".join(map(str, three))}"' in page and "Merge all 3" in page
    r = client.post("/members/suggestions/accept-group",
                    data={"csrf": session.csrf, "members": three})  # fmt: skip
    assert r.status_code == 303
    with store.engine.connect() as conn:
        held = conn.execute(select(func.count()).select_from(identities)
                            .where(identities.c.member_id == three[0])).scalar_one()  # fmt: skip
        counted = conn.execute(select(member_stats.c.activity_count)
                               .where(member_stats.c.member_id == three[0])).scalar_one()  # fmt: skip
        gone = conn.execute(select(func.count()).select_from(member_stats)
                            .where(member_stats.c.member_id.in_(three[1:]))).scalar_one()  # fmt: skip
    assert held == 3 and counted == 3  # measured again at once, not at the next ingest
    assert gone == 0  # the members merged away are not listed with their old figures
    two = groups[0].members
    r = client.post("/members/suggestions/reject-group", data={"csrf": session.csrf, "members": two})
    assert r.status_code == 303 and suggestion_groups(store.engine) == []
    # The CLI merges several at once, and measures too.
    u, v = member["u"], member["v"]
    out = CliRunner().invoke(cli, ["--db", str(db), "members", "merge", str(u), str(v), "--by", "anna"])
    assert out.exit_code == 0 and f"member {v} merged into member {u}" in out.output
    with store.engine.connect() as conn:
        assert conn.execute(select(member_stats.c.activity_count)
                            .where(member_stats.c.member_id == u)).scalar_one() == 2  # fmt: skip
    store.close()
