"""The workbench pages added to the first ones: the reports' downloads, channels and
sources in the settings, watches and campaigns edited in the browser."""

from __future__ import annotations

import re

import pytest

from tests.test_sources import POST_SLUG, _Server, server  # noqa: F401 (the feed fixture)
from tests.test_web import (  # noqa: F401 (community: the shared fixture)
    EMAIL,
    Browser,
    _csv,
    _xlsx,
    community,
    store,  # the same fixtures as tests/test_web.py
)
from veille.store import Store


def _download(browser: Browser, url: str) -> list[list[str]]:
    """The page's CSV, checked against its XLSX (same header, same number of rows)."""
    joiner = "&" if "?" in url else "?"
    assert 'data-export="csv"' in browser.get(url).text, url
    r = browser.get(f"{url}{joiner}format=csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), url
    assert r.headers["content-disposition"].startswith('attachment; filename="veille-'), url
    table = _csv(r.content)
    book = _xlsx(browser.get(f"{url}{joiner}format=xlsx").content)
    assert len(book) == len(table) and book[0] == table[0], url
    return table


def test_reports_trends_suggestions_and_users_download(store: Store) -> None:  # noqa: F811
    from veille.inbox import feedback
    from veille.members import resolve
    from veille.watch import watches
    from veille.watch.queries import Query
    from veille.watch.trends import trends

    query = Query.from_mapping({"terms": ["thermostat"]}, "test")
    watches.save(store.engine, "watch", 'thermo "talk"\r\nX-Evil: 1', query, by="test")
    watches.match(store)
    feedback.add(store.engine, "thermostat", ["thermostat"], None, by="test")
    viewer, admin = Browser(store, "viewer"), Browser(store, "admin")

    name = 'thermo "talk"\r\nX-Evil: 1'
    expected = watches.report(store.engine, "watch", name, 30)
    rows = _download(viewer, "/watches/watch/thermo%20%22talk%22%0D%0AX-Evil%3A%201?days=30")
    assert rows[0] == ["period", "section", "key", "label", "count", "negative"]
    now = {(r[1], r[2]): r for r in rows[1:] if r[0] == "current"}
    assert now[("total", "volume")][4] == str(expected["period"]["volume"]) != "0"
    days = [r for r in rows[1:] if r[0] == "current" and r[1] == "day"]
    assert [(r[2], int(r[4])) for r in days] == list(expected["period"]["daily"].items())
    assert {r[2] for r in rows[1:] if r[0] == "previous" and r[1] == "day"} == set(
        expected["before"]["daily"])  # fmt: skip
    members = [r for r in rows[1:] if r[0] == "current" and r[1] == "top_member"]
    assert [int(r[2]) for r in members] == [m["member"] for m in expected["period"]["top_members"]]
    r = viewer.get("/watches/watch/thermo%20%22talk%22%0D%0AX-Evil%3A%201?format=csv")
    assert "x-evil" not in r.headers and '"' not in r.headers["content-disposition"][22:-1]

    report = feedback.report(store.engine, "thermostat")
    rows = _download(viewer, "/feedback/thermostat")
    assert ["total", "mentions", "", str(report.mentions), "", "", ""] == rows[1]
    weeks = [r for r in rows if r[0] == "week"]
    assert [(r[1], int(r[3]), int(r[6])) for r in weeks] == [
        (w["week"], w["mentions"], w["negative"]) for w in report.weeks]  # fmt: skip
    quotes = [q for found in report.quotes.values() for q in found]
    assert len([r for r in rows if r[0] == "quote"]) == len(quotes) > 0
    assert _download(viewer, "/feedback")[1][:2] == ["thermostat", '["thermostat"]']

    found = trends(store.engine, "week", top=30)
    rows = _download(viewer, "/trends?window=week")
    assert [r[0] for r in rows[1:]] == [t.term for t in found] and found

    rows = _download(viewer, "/members/suggestions?confidence=0.5")
    # Pairs in the page's order: linked ones together, surest group first.
    expected_pairs = [(s.member_a, s.member_b) for g in resolve.suggestion_groups(store.engine,
                      50, 0.5) for s in g.pairs]  # fmt: skip
    assert sorted(expected_pairs) == sorted((s.member_a, s.member_b) for s in
                                            resolve.suggestions(store.engine, 50)
                                            if s.confidence >= 0.5)  # fmt: skip
    assert [(int(r[0]), int(r[2])) for r in rows[1:]] == expected_pairs

    rows = _download(admin, "/users")
    assert rows[0] == ["email", "role", "departments", "locale", "active"]
    assert sorted(r[0] for r in rows[1:]) == sorted(EMAIL.values())
    assert viewer.get("/users?format=csv").status_code == 403
    assert Browser(store, "department").get("/members/suggestions?format=xlsx").status_code == 403


def test_channels_and_feed_sources_from_the_settings(store: Store, server: _Server) -> None:  # noqa: F811
    from sqlalchemy import func, select

    from veille import channels, sources
    from veille.store.schema import activities

    manager = Browser(store, "manager", private_feeds=True)
    page = manager.get("/settings/channels").text
    listed = channels.listing(store.engine)
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(activities)).scalar_one()
    assert listed and sum(c.activities for c in listed) == total
    for c in listed:
        assert f'<tr data-channel="{c.name}"><th scope="row">{c.name}</th><td>{c.platform}</td>' \
            f'<td class="num">{c.activities:,}</td>' in page
    assert all(c.last_activity_at is not None for c in listed if c.activities)
    # Bad input: shown next to the form, what was typed kept, nothing stored.
    r = manager.post("/settings/sources", {"name": "etc", "url": "file:///etc/passwd"})
    assert r.status_code == 400 and 'id="sources-error"' in r.text and "http" in r.text
    assert 'value="file:///etc/passwd"' in r.text and sources.list_sources(store) == []
    assert manager.post("/settings/sources", {"name": " ", "url": server.base}).status_code == 400
    # A server started without --private-feeds refuses its own network.
    guarded = Browser(store, "admin")
    r = guarded.post("/settings/sources", {"name": "natasha", "url": server.base + "/feed/"})
    assert r.status_code == 400 and "local or private address (127.0.0.1)" in r.text
    # Add, sync (after the answer), see what came in, sync again politely, remove.
    r = manager.post("/settings/sources", {"name": "natasha", "url": server.base + "/feed/",
                                           "channel": "natasha-blog"})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/settings/channels"
    r = manager.post("/settings/sources", {"name": "natasha", "url": server.base + "/other/"})
    assert r.status_code == 400 and "exists already" in r.text
    r = manager.post("/settings/sources/sync", {"name": "natasha"})
    assert r.status_code == 303
    page = manager.get(r.headers["location"]).text
    assert 'id="sync-done"' in page and "ok: added 10," in page
    assert any(u == POST_SLUG for u, _ in server.requests)  # its comment feeds followed
    (blog,) = [c for c in channels.listing(store.engine) if c.name == "natasha-blog"]
    assert blog.activities == 12 and 'data-channel="natasha-blog"' in page
    assert manager.post("/settings/sources/sync").status_code == 303
    (natasha,) = [s for s in sources.list_sources(store) if s.name == "natasha"]
    assert natasha.last_status == "not modified"
    assert manager.post("/settings/sources/sync", {"name": "nobody"}).status_code == 404
    assert manager.post("/settings/sources/remove", {"name": "natasha"}).status_code == 303
    assert sources.list_sources(store) == []  # the comment feeds it led to as well
    assert [c.activities for c in channels.listing(store.engine) if c.name == "natasha-blog"] == [12]
    assert manager.post("/settings/sources/remove", {"name": "natasha"}).status_code == 400
    # An unreachable feed: its error is shown with it.
    sources.add_source(store, "gone", "http://127.0.0.1:9/feed/")
    manager.post("/settings/sources/sync", {"name": "gone"})
    assert re.search(r'<td class="error">error: [^<]+</td>', manager.get("/settings/channels").text)
    # One sync at a time: a second one while the first runs is refused, and said so.
    lock = manager.client.app.state.syncing
    with lock:
        assert 'id="sync-running"' in manager.get("/settings/channels").text
        r = manager.post("/settings/sources/sync")
        assert r.status_code == 409 and "a sync is running already" in r.text
    assert Browser(store, "viewer").get("/settings/channels").status_code == 403


def test_public_only_refuses_local_and_private_addresses() -> None:
    from veille.sources import SourceError, public_fetch, public_only

    for url in ("http://127.0.0.1/feed", "http://localhost/x", "http://10.1.2.3/",
                "http://192.168.0.1/", "http://169.254.169.254/latest/", "http://[::1]:80/",
                "http://0.0.0.0/"):  # fmt: skip
        with pytest.raises(SourceError, match="local or private"):
            public_only(url)
    public_only("http://93.184.216.34/feed")  # a public address: no lookup needed
    with pytest.raises(SourceError, match="local or private"):
        public_fetch("http://127.0.0.1:9/feed/", None, None)


def test_a_manager_makes_changes_and_removes_a_watch_and_a_campaign(store: Store) -> None:  # noqa: F811
    from sqlalchemy import func, select

    from veille.store.schema import activities
    from veille.watch import watches
    from veille.watch.queries import Query

    manager, viewer = Browser(store, "manager"), Browser(store, "viewer")
    demo = {w["name"] for w in watches.listing(store.engine)}  # the demo's own
    assert 'id="new-watch"' in manager.get("/watches").text
    assert 'id="new-watch"' not in viewer.get("/watches").text
    form = {"kind": "watch", "name": "thermostat talk", "terms": "thermostat\n thermostats \n",
            "exclude": "ab*"}  # fmt: skip
    r = manager.post("/watches/save", form)
    assert r.status_code == 400 and 'id="form-errors"' in r.text
    assert re.search(r'<textarea name="exclude"[^>]*aria-invalid="true" aria-describedby='
                     r'"error-exclude">ab\*</textarea></label> <span class="error" '
                     r'id="error-exclude">&#39;ab\*&#39;: a prefix needs at least 3 letters', r.text)  # fmt: skip
    assert ">thermostat\n thermostats \n</textarea>" in r.text  # what was typed, kept
    assert {w["name"] for w in watches.listing(store.engine)} == demo  # nothing stored
    r = manager.post("/watches/save", {**form, "exclude": ""})
    assert r.status_code == 303 and r.headers["location"] == "/watches/watch/thermostat%20talk"
    # Matched after the answer, the same as the library matches the same query.
    query = Query.from_mapping({"terms": ["thermostat", "thermostats"]})
    watches.save(store.engine, "watch", "by the library", query, by="test")
    watches.match(store)
    found = {w["name"]: w for w in watches.listing(store.engine)}
    assert found["thermostat talk"]["query"] == found["by the library"]["query"]
    assert found["thermostat talk"]["matches"] == found["by the library"]["matches"] > 0
    assert watches.get(store.engine, "watch", "thermostat talk").created_by == EMAIL["manager"]
    page = manager.get(r.headers["location"]).text
    assert 'id="matching"' not in page and 'id="edit-watch"' in page
    assert 'id="edit-watch"' not in viewer.get(r.headers["location"]).text
    # Changed: its old matches forgotten, matched again.
    page = manager.get("/watches/edit?kind=watch&name=thermostat%20talk").text
    assert 'value="thermostat talk" readonly' in page and ">thermostat\nthermostats</textarea>" in page
    r = manager.post("/watches/save", {**form, "exclude": "smart", "existing": "true"})
    assert r.status_code == 303
    changed = {w["name"]: w for w in watches.listing(store.engine)}["thermostat talk"]
    assert changed["query"]["exclude"] == ["smart"]
    assert 0 < changed["matches"] <= found["thermostat talk"]["matches"]
    assert manager.post("/watches/save", {"kind": "watch", "name": "a/b", "terms": "x"}
                        ).text.count('id="error-name"') == 1  # fmt: skip
    # A campaign: dates, hashtags, links, each checked next to its field.
    with store.engine.connect() as conn:
        first, last = conn.execute(select(func.min(activities.c.created_at),
                                          func.max(activities.c.created_at))).one()  # fmt: skip
    middle = first + (last - first) / 2
    camp = {"kind": "campaign", "name": "spring", "starts": "tomorrow", "ends": "",
            "hashtags": "#thermostat", "links": "not a link"}  # fmt: skip
    r = manager.post("/watches/save", camp)
    assert r.status_code == 400
    for key, message in (("starts", "is not a date"), ("ends", "needs a start and an end"),
                         ("links", "is not a link")):  # fmt: skip
        assert re.search(rf'id="error-{key}">[^<]*{message}', r.text), key
    r = manager.post("/watches/save", {**camp, "hashtags": "", "links": "",
                                       "starts": middle.date().isoformat(),
                                       "ends": first.date().isoformat()})  # fmt: skip
    assert r.status_code == 400 and 'id="error-ends">the end must come after the start' in r.text
    r = manager.post("/watches/save", {**camp, "hashtags": "", "links": "",
                                       "starts": first.date().isoformat(),
                                       "ends": middle.strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    assert r.status_code == 400 and "give hashtags, links, utm_campaign or keywords" in r.text
    r = manager.post("/watches/save", {**camp, "links": "https://example.org/thermo?utm_source=x",
                                       "starts": first.date().isoformat(),
                                       "ends": middle.strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/watches/campaign/spring"
    spring = watches.get(store.engine, "campaign", "spring")
    assert spring.starts is not None and spring.starts.date() == first.date()
    assert spring.ends == middle.replace(second=0, microsecond=0)
    assert spring.query.hashtags == ("#thermostat",)
    assert manager.get("/watches/campaign/spring?format=csv").status_code == 200
    # Removed, with what it matched; a second time is a 404.
    for kind, name in (("campaign", "spring"), ("watch", "thermostat talk")):
        assert manager.post("/watches/remove", {"kind": kind, "name": name}).status_code == 303
        assert manager.get(f"/watches/{kind}/{name}").status_code == 404
    assert manager.post("/watches/remove", {"kind": "watch", "name": "thermostat talk"}
                        ).status_code == 404  # fmt: skip
    assert {w["name"] for w in watches.listing(store.engine)} == demo | {"by the library"}


def test_a_manager_adds_changes_and_removes_a_feedback_topic(store: Store) -> None:  # noqa: F811
    from markupsafe import escape

    from veille.inbox import feedback

    manager, viewer = Browser(store, "manager"), Browser(store, "viewer")
    assert 'id="topic-form"' in manager.get("/feedback").text
    assert 'id="topic-form"' not in viewer.get("/feedback").text
    for form, field, message in (
        ({"name": "bad/name", "words": "thermostat"}, "name", "letters, digits"),
        ({"name": "thermostat", "words": " \n "}, "words", "at least one word"),
        ({"name": "thermostat", "words": "thermostat\n!!!"}, "words",
         "words: '!!!' has no word in it"),
        ({"name": "thermostat", "words": "thermostat", "since": "last week"}, "since",
         "is not a date"),
    ):  # fmt: skip
        r = manager.post("/feedback/topics", form)
        assert r.status_code == 400 and 'id="topic-error"' in r.text, form
        shown = re.escape(str(escape(message)))
        assert re.search(rf'id="error-{field}">[^<]*{shown}', r.text), (form, r.text[-3000:])
        assert feedback.topics(store.engine) == []
    r = manager.post("/feedback/topics", {"name": "thermostat", "words": "thermostat\nthermostats",
                                          "since": "2020-01-01"})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/feedback/thermostat"
    (topic,) = feedback.topics(store.engine)
    assert topic.words == ("thermostat", "thermostats") and str(topic.since)[:10] == "2020-01-01"
    assert f'{feedback.report(store.engine, "thermostat").mentions:,}</p>' in manager.get(
        "/feedback/thermostat").text  # fmt: skip
    page = manager.get("/feedback?edit=thermostat").text
    assert ">thermostat\nthermostats</textarea>" in page and 'value="2020-01-01"' in page
    assert manager.post("/feedback/topics", {"name": "thermostat", "words": "thermostat"}
                        ).status_code == 303  # fmt: skip
    assert feedback.get(store.engine, "thermostat").words == ("thermostat",)
    assert manager.post("/feedback/topics/remove", {"name": "thermostat"}).status_code == 303
    assert feedback.topics(store.engine) == []
    assert manager.post("/feedback/topics/remove", {"name": "thermostat"}).status_code == 404
    assert manager.get("/feedback?edit=nothing").status_code == 404


def test_the_dashboard_downloads_its_figures(store: Store) -> None:  # noqa: F811
    from veille.dashboard import dashboard

    board = dashboard(store.engine, 30)
    rows = _download(Browser(store, "department"), "/?days=30")
    assert rows[0] == ["section", "key", "current", "previous", "share"]
    by = {(r[0], r[1]): r for r in rows[1:]}
    for key, d in board.totals.items():
        assert float(by[("total", key)][2]) == d.current
        assert float(by[("total", key)][3]) == d.previous
    days = [(r[1], int(r[2])) for r in rows if r[0] == "day"]
    assert days == [(d.isoformat(), n) for d, n in zip(board.dates, board.activity, strict=True)]
    assert sum(n for _, n in days) == board.totals["activities"].current > 0
    assert [r[1] for r in rows if r[0] == "channel"] == [c.name for c in board.channels]
    assert {r[1] for r in rows if r[0] == "segment"} == {name for name, _, _ in board.segments}
