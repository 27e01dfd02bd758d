"""The web workbench through its HTTP interface: every route × every role, the flows a
manager and a department member go through, CSRF, throttling, conflicts, the headers."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy import text as sql
from starlette.routing import Route

from veille import users
from veille.store import Store
from veille.store.schema import activities, identities, inbox_items, member_stats, members
from veille.watch.people import MemberAlertRules, member_alerts
from veille.web import create_app

PASSWORD = "a long enough password"
ROLES = ("viewer", "department", "manager", "admin")
EMAIL = {role: f"{role}@example.org" for role in ROLES}
DEPARTMENT = "sales"


def build_community(path: Path) -> None:
    """The demo community (small), with one user of each role."""
    from veille.demo import run

    run(str(path), members=120, activities=1200, seed=1, echo=lambda _: None)
    with Store(str(path)) as store:
        for role in ROLES:
            departments = (DEPARTMENT,) if role == "department" else ()
            users.add(store.engine, EMAIL[role], PASSWORD, role, departments=departments)


@pytest.fixture(scope="session")
def community(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("community") / "community.db"
    build_community(path)
    return path


@pytest.fixture
def store(community: Path, tmp_path: Path) -> Iterator[Store]:
    """A copy of the community for one test: tests change it freely."""
    copy = tmp_path / "veille.db"
    shutil.copy(community, copy)
    with Store(str(copy)) as s:
        yield s


class Browser:
    """A signed-in browser: the session cookie, and the CSRF token its pages carry."""

    def __init__(self, store: Store, role: str, **app_options: Any) -> None:
        self.client = TestClient(create_app(store, **app_options), follow_redirects=False)
        session = users.sign_in(store.engine, EMAIL[role], PASSWORD, "testclient")
        self.client.cookies.set("veille_session", session.token)
        self.csrf = session.csrf

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.post(url, data={"csrf": self.csrf, **(data or {})})


def _item_in(store: Store, department: str | None) -> tuple[int, int]:
    with store.engine.connect() as conn:
        row = conn.execute(
            select(inbox_items.c.activity_id, inbox_items.c.version)
            .where(inbox_items.c.department.is_(None) if department is None
                   else inbox_items.c.department == department)  # fmt: skip
            .where(inbox_items.c.status.in_(("new", "routed")))
            .order_by(inbox_items.c.activity_id)
        ).first()
    assert row is not None
    return int(row[0]), int(row[1])


def _members(store: Store, n: int) -> list[int]:
    with store.engine.connect() as conn:
        return [
            int(r[0])
            for r in conn.execute(
                select(identities.c.member_id)
                .group_by(identities.c.member_id)
                .order_by(func.count().desc(), identities.c.member_id)
                .limit(n)
            )
        ]


# -- every route × every role ----------------------------------------------------------
# Written out here, not read from the code: a route added without a line below fails.
EVERYONE = set(ROLES)
MAY = {
    "public": EVERYONE,
    "signed-in": EVERYONE,
    "dashboard": EVERYONE,
    "inbox.read": EVERYONE,
    "department.act": {"admin", "manager", "department"},
    "inbox.act": {"admin", "manager"},
    "members.read": {"admin", "manager", "viewer"},
    "members.merge": {"admin", "manager"},
    "members.export": {"admin", "manager"},
    "members.erase": {"admin"},
    "alerts.read": {"admin", "manager", "viewer"},
    "alerts.act": {"admin", "manager"},
    "settings.edit": {"admin", "manager"},
    "watches.edit": {"admin", "manager"},
    "users.admin": {"admin"},
}
ROUTES = {
    ("GET", "/openapi.json"): "public",
    ("GET", "/static/vendor/plotly.min.js"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("POST", "/logout"): "signed-in",
    ("GET", "/"): "dashboard",
    ("GET", "/alerts"): "alerts.read",
    ("GET", "/segments"): "dashboard",
    ("GET", "/watches"): "dashboard",
    ("GET", "/trends"): "dashboard",
    ("GET", "/feedback"): "dashboard",
    ("GET", "/feedback/{name}"): "dashboard",
    ("POST", "/feedback/topics"): "watches.edit",
    ("POST", "/feedback/topics/remove"): "watches.edit",
    ("GET", "/watches/{kind}/{name}"): "dashboard",
    ("GET", "/watches/edit"): "watches.edit",
    ("POST", "/watches/save"): "watches.edit",
    ("POST", "/watches/remove"): "watches.edit",
    ("POST", "/alerts/{alert_id}/{action}"): "alerts.act",
    ("GET", "/inbox"): "inbox.read",
    ("GET", "/departments/{name}"): "inbox.read",
    ("POST", "/inbox/{activity_id}/assign"): "inbox.act",
    ("POST", "/inbox/{activity_id}/route"): "inbox.act",
    ("POST", "/inbox/{activity_id}/answer"): "inbox.act",
    ("POST", "/inbox/{activity_id}/label"): "inbox.act",
    ("POST", "/inbox/{activity_id}/status"): "department.act",
    ("POST", "/inbox/{activity_id}/note"): "department.act",
    ("POST", "/inbox/bulk"): "inbox.act",
    ("GET", "/members"): "members.read",
    ("GET", "/members/suggestions"): "members.read",
    ("GET", "/members/talents"): "members.read",
    ("POST", "/members/suggestions/accept"): "members.merge",
    ("POST", "/members/suggestions/accept-group"): "members.merge",
    ("POST", "/members/suggestions/reject-group"): "members.merge",
    ("POST", "/members/suggestions/reject"): "members.merge",
    ("GET", "/members/{member_id}"): "members.read",
    ("GET", "/members/{member_id}/export"): "members.export",
    ("GET", "/members/{member_id}/erase"): "members.erase",
    ("POST", "/members/{member_id}/erase"): "members.erase",
    ("POST", "/members/{member_id}/unmerge"): "members.merge",
    ("GET", "/users"): "users.admin",
    ("GET", "/settings"): "settings.edit",
    ("POST", "/settings/departments"): "settings.edit",
    ("POST", "/settings/departments/remove"): "settings.edit",
    ("POST", "/settings/rules"): "settings.edit",
    ("GET", "/settings/channels"): "settings.edit",
    ("POST", "/settings/sources"): "settings.edit",
    ("POST", "/settings/sources/remove"): "settings.edit",
    ("POST", "/settings/sources/sync"): "settings.edit",
    ("POST", "/users"): "users.admin",
    ("POST", "/users/active"): "users.admin",
    ("GET", "/api/me"): "signed-in",
    ("GET", "/api/inbox"): "inbox.read",
    ("GET", "/api/inbox/{activity_id}"): "inbox.read",
    ("POST", "/api/inbox/{activity_id}/assign"): "inbox.act",
    ("POST", "/api/inbox/{activity_id}/route"): "inbox.act",
    ("POST", "/api/inbox/{activity_id}/answer"): "inbox.act",
    ("POST", "/api/inbox/{activity_id}/label"): "inbox.act",
    ("POST", "/api/inbox/{activity_id}/status"): "department.act",
    ("POST", "/api/inbox/{activity_id}/note"): "department.act",
    ("POST", "/api/inbox/{activity_id}/presence"): "inbox.read",
    ("GET", "/api/members"): "members.read",
    ("GET", "/api/members/suggestions"): "members.read",
    ("POST", "/api/members/merge"): "members.merge",
    ("POST", "/api/members/reject"): "members.merge",
    ("GET", "/api/members/{member_id}"): "members.read",
    ("GET", "/api/members/{member_id}/export"): "members.export",
    ("DELETE", "/api/members/{member_id}"): "members.erase",
    ("GET", "/api/alerts"): "alerts.read",
    ("POST", "/api/alerts/{alert_id}/{action}"): "alerts.act",
    ("GET", "/api/stats"): "dashboard",
}
#: The pages that also answer their table as a file (``?format=csv|xlsx``): the same
#: role check as the page.
DOWNLOADS = {"/", "/inbox", "/departments/{name}", "/members", "/members/suggestions", "/alerts",
             "/watches", "/watches/{kind}/{name}", "/segments", "/trends", "/feedback",
             "/feedback/{name}", "/users"}  # fmt: skip


def _routes(store: Store) -> set[tuple[str, str]]:
    """(method, path) of every route, in included routers too (FastAPI keeps those
    nested), HEAD left out; mounted static files are not routes."""
    found: set[tuple[str, str]] = set()

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif isinstance(route, APIRoute | Route):
                found.update((m, prefix + route.path) for m in route.methods or () if m != "HEAD")

    walk(create_app(store).routes, "")
    return found


def test_the_route_table_is_the_one_the_test_knows(store: Store) -> None:
    found = _routes(store)
    assert {("GET", p) for p in DOWNLOADS} <= found
    assert found == set(ROUTES), (
        f"routes without a permission line here: {sorted(found - set(ROUTES))}; "
        f"lines for routes that are gone: {sorted(set(ROUTES) - found)}"
    )


def test_every_route_refuses_every_role_it_must(store: Store) -> None:
    item, _ = _item_in(store, DEPARTMENT)
    a, b, c, d = _members(store, 4)
    values = {"activity_id": str(item), "alert_id": "1", "action": "acknowledge",
              "name": DEPARTMENT, "member_id": str(a), "kind": "watch"}  # fmt: skip
    bodies: dict[str, dict[str, Any]] = {
        "assign": {"version": 0}, "route": {"version": 0, "department": DEPARTMENT},
        "answer": {"version": 0, "text": "hello"}, "status": {"version": 0, "status": "closed"},
        "note": {"version": 0, "text": "a note"},
        "accept": {"member_a": a, "member_b": b}, "reject": {"member_a": a, "member_b": c},
        "merge": {"member_a": a, "member_b": b},
    }  # fmt: skip
    browsers = {role: Browser(store, role) for role in ROLES}
    anonymous = TestClient(create_app(store), follow_redirects=False)
    for (method, path), permission in sorted(ROUTES.items()):
        url = path.format(**values)
        if method in ("DELETE", "POST") and "{member_id}" in path:
            url = path.format(**{**values, "member_id": str(d)})  # the one erased
        body = bodies.get(path.rsplit("/", 1)[-1], {})
        if path == "/login":
            body = {"email": EMAIL["viewer"], "password": PASSWORD}
        if path.endswith("/erase"):
            body = {"confirm": str(d)}
        if path == "/login":  # signing in is for anyone, and would change who is signed in
            fresh = TestClient(create_app(store), follow_redirects=False)
            assert fresh.post(url, data=body).status_code == 303
            continue
        for role in ROLES:
            browser = browsers[role]
            headers = {"X-CSRF-Token": browser.csrf}
            if path.startswith("/api/") and method == "POST":
                r = browser.client.request(method, url, json=body, headers=headers)
            else:
                r = browser.client.request(method, url, data=body or None, headers=headers)
            allowed = role in MAY[permission]
            assert (r.status_code == 403) != allowed, (method, path, role, r.status_code)
            assert r.status_code < 500, (method, path, role, r.status_code, r.text[:300])
            if path == "/logout" and r.status_code == 303:
                browsers[role] = Browser(store, role)
            if method == "GET" and path in DOWNLOADS:
                r = browser.get(f"{url}?format=csv")
                assert (r.status_code == 403) != allowed, (path, "csv", role, r.status_code)
                assert r.status_code < 500, (path, "csv", role, r.status_code)
        if permission != "public":
            r = anonymous.request(method, url)
            expected = 401 if path.startswith("/api/") else 303
            assert r.status_code == expected, (method, path, "anonymous", r.status_code)


def test_a_department_member_sees_only_their_departments(store: Store) -> None:
    mine, _ = _item_in(store, DEPARTMENT)
    theirs, _ = _item_in(store, "product")
    unrouted, _ = _item_in(store, None)
    dept = Browser(store, "department")
    listed = dept.get("/api/inbox?limit=500").json()
    assert listed and {i["department"] for i in listed} == {DEPARTMENT}
    assert dept.get(f"/api/inbox/{mine}").status_code == 200
    for hidden in (theirs, unrouted):
        assert dept.get(f"/api/inbox/{hidden}").status_code == 404
        assert dept.get(f"/inbox?item={hidden}").status_code == 404
    assert dept.get("/departments/product").status_code == 403
    assert dept.get("/api/inbox?department=product").status_code == 403
    page = dept.get("/inbox").text
    assert "/departments/sales" in page and "/departments/product" not in page
    # They may close an item of theirs with a note, and nothing else.
    version = dept.get(f"/api/inbox/{mine}").json()["version"]
    r = dept.post(f"/inbox/{mine}/status", {"version": version, "status": "spam"})
    assert r.status_code == 403
    r = dept.post(f"/inbox/{mine}/status", {"version": version, "status": "closed",
                                            "note": "done, called them"})  # fmt: skip
    assert r.status_code == 303
    item = dept.get(f"/api/inbox/{mine}").json()
    assert item["status"] == "closed" and item["history"][-1]["note"] == "done, called them"


def test_a_manager_triages_routes_and_a_stale_version_gets_409(store: Store) -> None:
    item, version = _item_in(store, None)
    manager, admin = Browser(store, "manager"), Browser(store, "admin")
    r = manager.post(f"/inbox/{item}/assign", {"version": version, "next": f"/inbox?item={item}"})
    assert r.status_code == 303 and r.headers["location"] == f"/inbox?item={item}"
    r = manager.post(f"/inbox/{item}/route", {"version": version + 1, "department": DEPARTMENT,
                                              "note": "a lead for you"})  # fmt: skip
    assert r.status_code == 303
    # The admin acts on the version they saw before the manager's two changes.
    r = admin.post(f"/inbox/{item}/status", {"version": version, "status": "closed",
                                             "take": "true"})  # fmt: skip
    assert r.status_code == 409
    assert "changed by manager@example.org" in r.text and "look again" in r.text
    shown = manager.get(f"/inbox?item={item}").text
    assert "a lead for you" in shown and f'data-version="{version + 2}"' in shown
    dept = Browser(store, "department")
    assert item in [i["activity_id"] for i in dept.get("/api/inbox?limit=500").json()]
    assert "a lead for you" in dept.get(f"/departments/{DEPARTMENT}?item={item}").text
    # The same conflict through the API, as JSON.
    r = admin.client.post(f"/api/inbox/{item}/answer", json={"version": version, "text": "hi"},
                          headers={"X-CSRF-Token": admin.csrf})  # fmt: skip
    assert r.status_code == 409 and "look again" in r.json()["detail"]


def test_marking_spam_teaches_the_model(store: Store) -> None:
    from veille.enrich.labels import history

    item, version = _item_in(store, None)
    manager = Browser(store, "manager")
    assert manager.post(f"/inbox/{item}/status", {"version": version, "status": "spam"}).status_code == 303
    assert manager.post(f"/inbox/{item}/status", {"version": version + 1, "status": "new"}).status_code == 303
    assert [(lb.field, lb.value) for lb in history(store, item)] == [("spam", "spam"), ("spam", "ham")]
    # The API teaches it too (it used not to).
    token = users.new_token(store.engine, EMAIL["manager"], "script")
    api = TestClient(create_app(store))
    auth = {"Authorization": f"Bearer {token}"}
    r = api.post(f"/api/inbox/{item}/status", json={"version": version + 2, "status": "spam"},
                 headers=auth)  # fmt: skip
    assert r.status_code == 200, r.text
    assert [lb.value for lb in history(store, item)][-1] == "spam"


def test_a_manager_corrects_sentiment_and_intent_from_the_item(store: Store) -> None:
    """The item's form and the API record what differs, show it at once, and teach."""
    from veille import conversation
    from veille.enrich.labels import history

    item, _ = _item_in(store, None)
    said = conversation.reasons(store.engine, item)
    assert said is not None and said.sentiment and said.intent
    manager = Browser(store, "manager")
    page = manager.get(f"/inbox?item={item}").text
    assert f'action="/inbox/{item}/label"' in page
    sentiment = next(s for s in ("negative", "neutral", "positive") if s != said.sentiment)
    # Sent back with the intent unchanged: only the sentiment is a correction.
    r = manager.post(f"/inbox/{item}/label", {"sentiment": sentiment, "intent": said.intent})
    assert r.status_code == 303
    assert [(lb.field, lb.value, lb.note) for lb in history(store, item)] == [
        ("sentiment", sentiment, "inbox")]  # fmt: skip
    now = conversation.reasons(store.engine, item)
    assert now is not None and now.sentiment == sentiment
    assert f'<option value="{sentiment}" selected>' in manager.get(f"/inbox?item={item}").text
    assert manager.post(f"/inbox/{item}/label", {"intent": "nonsense"}).status_code == 400
    assert Browser(store, "viewer").post(f"/inbox/{item}/label", {"intent": "praise"}).status_code == 403
    token = users.new_token(store.engine, EMAIL["manager"], "script")
    api = TestClient(create_app(store))
    auth = {"Authorization": f"Bearer {token}"}
    intent = "praise" if said.intent != "praise" else "idea"
    r = api.post(f"/api/inbox/{item}/label", json={"intent": intent, "sentiment": sentiment},
                 headers=auth)  # fmt: skip
    assert r.status_code == 200 and r.json() == {"recorded": ["intent"]}
    assert api.post(f"/api/inbox/{item}/label", json={"intent": "nonsense"},
                    headers=auth).status_code == 422  # fmt: skip
    assert [lb.field for lb in history(store, item)] == ["sentiment", "intent"]


def test_changes_without_the_csrf_token_are_refused(store: Store) -> None:
    item, version = _item_in(store, None)
    manager = Browser(store, "manager")
    r = manager.client.post(f"/inbox/{item}/assign", data={"version": version})
    assert r.status_code == 403
    r = manager.client.post(f"/inbox/{item}/assign", data={"version": version, "csrf": "forged"})
    assert r.status_code == 403
    r = manager.client.post(f"/api/inbox/{item}/assign", json={"version": version})
    assert r.status_code == 403
    assert manager.get(f"/api/inbox/{item}").json()["version"] == version


def test_sign_in_out_and_throttling_through_the_pages(store: Store) -> None:
    client = TestClient(create_app(store), follow_redirects=False)
    r = client.get("/inbox?view=mine")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Finbox%3Fview%3Dmine"
    r = client.post("/login", data={"email": EMAIL["manager"], "password": PASSWORD,
                                    "next": "//evil.example/"})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = client.get("/inbox").text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert csrf is not None
    assert client.post("/logout", data={"csrf": csrf.group(1)}).status_code == 303
    assert client.get("/inbox").status_code == 303
    for _ in range(users.EMAIL_FAILURES):
        r = client.post("/login", data={"email": EMAIL["viewer"], "password": "wrong password!"})
        assert r.status_code == 401
    r = client.post("/login", data={"email": EMAIL["viewer"], "password": PASSWORD})
    assert r.status_code == 429


def test_the_api_takes_bearer_tokens_without_csrf(store: Store) -> None:
    token = users.new_token(store.engine, EMAIL["manager"], "script")
    client = TestClient(create_app(store))
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=auth).json()["role"] == "manager"
    item, version = _item_in(store, None)
    r = client.post(f"/api/inbox/{item}/route", headers=auth,
                    json={"version": version, "department": DEPARTMENT, "note": "from a script"})
    assert r.status_code == 200 and r.json()["status"] == "routed"
    stats = client.get("/api/stats?days=30", headers=auth).json()
    assert stats["totals"]["activities"]["current"] > 0
    assert client.get("/api/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_members_pages_merge_export_and_erase(store: Store) -> None:
    from veille.members.resolve import suggestions

    admin = Browser(store, "admin")
    first = suggestions(store.engine, 1)[0]
    page = admin.get("/members/suggestions").text
    assert f'data-pair="{first.member_a}-{first.member_b}"' in page
    r = admin.post("/members/suggestions/accept",
                   {"member_a": first.member_a, "member_b": first.member_b})  # fmt: skip
    assert r.status_code == 303
    merged = admin.get(f"/api/members/{first.member_a}").json()
    assert any(m["from"] == first.member_b for m in merged["merges"])
    # The profile links its latest activities to their inbox items.
    profile_page = admin.get(f"/members/{first.member_a}").text
    linked = [a["activity_id"] for a in merged["latest"] if a["inbox"]]
    assert linked and all(f'href="/inbox?item={a}"' in profile_page for a in linked)
    # An old link to the member merged away leads to the person it is part of now.
    old_link = admin.get(f"/members/{first.member_b}")
    assert old_link.status_code == 303
    assert old_link.headers["location"] == f"/members/{first.member_a}"
    member = first.member_a
    exported = admin.get(f"/members/{member}/export")
    assert "attachment" in exported.headers["content-disposition"]
    record = exported.json()
    assert record["member_id"] == member and record["activities"]
    # Erasing needs the member's number typed again.
    assert admin.post(f"/members/{member}/erase", {"confirm": "1"}).status_code == 400
    assert admin.post(f"/members/{member}/erase", {"confirm": str(member)}).status_code == 303
    assert admin.get(f"/members/{member}").status_code == 404
    assert admin.get(f"/members/{first.member_b}").status_code == 404  # (went to the erased)
    with store.engine.connect() as conn:
        left = conn.execute(select(func.count()).select_from(activities).join(
            identities, identities.c.id == activities.c.identity_id
        ).where(identities.c.member_id == member)).scalar_one()  # fmt: skip
        gone = conn.execute(select(members.c.id).where(members.c.id == member)).first()
    assert left == 0 and gone is None


def test_pages_speak_the_users_language(store: Store) -> None:
    users.add(store.engine, "fr@example.org", PASSWORD, "manager", locale="fr")
    client = TestClient(create_app(store))
    client.post("/login", data={"email": "fr@example.org", "password": PASSWORD})
    page = client.get("/").text
    assert '<html lang="fr">' in page and "Tableau de bord" in page and "Membres actifs" in page
    inbox = client.get("/inbox").text
    assert "Boîte de réception" in inbox and re.search(r"il y a \d+", inbox)
    # Intents are offered by name, in the user's language, and shown so on each item.
    assert '<option value="complaint" >réclamation</option>' in inbox
    shown = re.findall(r" · (problème|idée|question|réclamation|compliment|achat|emploi|presse"
                       r"|partenariat|autre)\s+</span>", inbox)  # fmt: skip
    assert shown and not re.search(r" · (bug|idea|complaint|praise|other)\s+</span>", inbox)
    # Segments by the names of the study the article cites, not the code's keys.
    places = client.get("/segments").text
    assert "Typologie" in places and "réseauteurs" in places and "récemment inactifs" in places
    assert ">networkers<" not in places and "recently_inactive<" not in places


def test_every_response_carries_the_security_headers(store: Store) -> None:
    viewer = Browser(store, "viewer")
    for url in ("/", "/login", "/api/me", "/static/app/app.js"):
        r = viewer.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
    page = viewer.get("/").text
    assert "<script>" not in page and "onclick" not in page.lower()


def test_openapi_lists_the_api_and_no_page(store: Store) -> None:
    spec = TestClient(create_app(store)).get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/inbox", "/api/inbox/{activity_id}/route", "/api/members/{member_id}",
            "/api/alerts", "/api/stats"} <= paths  # fmt: skip
    assert all(p.startswith("/api/") for p in paths)


def test_the_inbox_pages_on_newest_first(store: Store) -> None:
    viewer = Browser(store, "viewer")
    first = viewer.get("/inbox").text
    rows = re.findall(r'data-id="(\d+)"', first)
    nxt = re.search(r'href="(/inbox\?[^"]*before=\d+)"', first)
    assert len(rows) == 30 and nxt is not None
    second = re.findall(r'data-id="(\d+)"', viewer.get(nxt.group(1).replace("&amp;", "&")).text)
    assert len(second) == 30 and not set(rows) & set(second)
    listed = [i["activity_id"] for i in viewer.get("/api/inbox?limit=60").json()]
    assert listed == [int(i) for i in rows + second]


def test_bulk_actions_do_what_they_can_and_name_what_they_could_not(store: Store) -> None:
    from veille.enrich.labels import history

    manager = Browser(store, "manager")
    rows = re.findall(r'name="pick" value="(\d+):(\d+)"', manager.get("/inbox").text)
    (a, va), (b, vb), (c, vc) = rows[:3]
    r = manager.client.post("/inbox/bulk", data={"csrf": manager.csrf, "action": "spam",
                                                 "pick": [f"{a}:{va}", f"{b}:{vb}"]})  # fmt: skip
    assert r.status_code == 303
    assert {manager.get(f"/api/inbox/{i}").json()["status"] for i in (a, b)} == {"spam"}
    assert [lb.value for lb in history(store, int(a))] == ["spam"]
    # b's version moved on: a stale pick is refused and named, c is still closed.
    r = manager.client.post("/inbox/bulk", data={"csrf": manager.csrf, "action": "close",
                                                 "pick": [f"{b}:{vb}", f"{c}:{vc}"]})  # fmt: skip
    assert r.status_code == 409 and f"#{b}" in r.text and "look again" in r.text
    assert manager.get(f"/api/inbox/{c}").json()["status"] == "closed"
    # Tags added to the checked rows, then the list filtered by both of them.
    (d, vd), (e, ve) = re.findall(r'name="pick" value="(\d+):(\d+)"', manager.get("/inbox").text)[:2]
    r = manager.client.post("/inbox/bulk", data={"csrf": manager.csrf, "action": "tag",
                                                 "tags": "press, follow up",
                                                 "pick": [f"{d}:{vd}", f"{e}:{ve}"]})  # fmt: skip
    assert r.status_code == 303
    assert {tuple(manager.get(f"/api/inbox/{i}").json()["tags"][-2:]) for i in (d, e)} == {
        ("press", "follow up")}  # fmt: skip
    shown = re.findall(r'data-id="(\d+)"', manager.get("/inbox?tag=press,+follow+up").text)
    assert sorted(shown) == sorted([d, e])
    api = manager.get("/api/inbox?tag=press&tag=follow up&limit=500").json()
    assert sorted(str(i["activity_id"]) for i in api) == sorted([d, e])
    r = manager.client.post("/inbox/bulk", data={"csrf": manager.csrf, "action": "tag",
                                                 "tags": " , ", "pick": [f"{d}:{vd}"]})  # fmt: skip
    assert r.status_code == 400
    assert 'value="tag"' in manager.get("/inbox").text
    viewer = Browser(store, "viewer")
    assert 'name="pick"' in viewer.get("/inbox").text and "disabled" in viewer.get("/inbox").text


def test_the_segments_page_shows_shares_and_thresholds(store: Store) -> None:
    from veille.members.segments import shares
    from veille.web.i18n import Language

    words = Language("en")
    page = Browser(store, "department").get("/segments").text
    for family, rows in shares(store.engine).items():
        assert f"<h2>{words.places(family)}</h2>" in page
        for name, n, _ in rows:
            shown = words.place(family, name)
            link = f'<a href="/members?{family}={name}">{shown}</a>' if n else shown
            assert f'<th scope="row">{link}</th><td class="num">{n:,}</td>' in page
    assert "<h2>Typology</h2>" in page and "recently inactive" in page
    # Each share leads to its members.
    reader = Browser(store, "viewer")
    for family, rows in shares(store.engine).items():
        name, n, _ = max(rows, key=lambda r: r[1])
        listed = reader.get(f"/members?{family}={name}").text
        ids = [int(i) for i in re.findall(r'<a href="/members/(\d+)">', listed)]
        with store.engine.connect() as conn:
            column = getattr(member_stats.c, family)
            wanted = {int(r[0]) for r in conn.execute(
                select(member_stats.c.member_id).where(column == name))}  # fmt: skip
        assert len(ids) == min(n, 100) and set(ids) <= wanted, family
        assert f"{words.places(family)}: <strong>{words.place(family, name)}</strong>" in listed
    assert reader.get("/members?segment=heroes").status_code == 422
    assert "<code>high_activities</code>" in page


def test_an_admin_manages_accounts_from_the_users_page(store: Store) -> None:
    admin = Browser(store, "admin")
    r = admin.post("/users", {"email": "new@example.org", "password": "short", "role": "viewer"})
    assert r.status_code == 400 and "at least 10 characters" in r.text
    r = admin.post("/users", {"email": "New@example.org", "password": PASSWORD,
                              "role": "department", "departments": "sales, support"})  # fmt: skip
    assert r.status_code == 303
    made = users.by_email(store.engine, "new@example.org")
    assert made.departments == ("sales", "support") and made.role == "department"
    assert admin.post("/users/active", {"email": "new@example.org"}).status_code == 303
    assert not users.by_email(store.engine, "new@example.org").active
    assert admin.post("/users/active", {"email": EMAIL["admin"]}).status_code == 400
    assert 'data-user="new@example.org"' in admin.get("/users").text


def test_a_manager_unmerges_an_identity_from_the_profile(store: Store) -> None:
    from veille.members.profile import profile

    manager = Browser(store, "manager")
    with store.engine.connect() as conn:
        member = conn.execute(
            select(identities.c.member_id).group_by(identities.c.member_id)
            .having(func.count() > 1).order_by(identities.c.member_id)
        ).scalars().first()  # fmt: skip
    assert member is not None
    before = profile(store.engine, member, 0)["identities"]
    page = manager.get(f"/members/{member}").text
    assert page.count('class="unmerge"') == len(before)
    r = manager.post(f"/members/{member}/unmerge", {"identity_id": before[-1]["identity_id"]})
    assert r.status_code == 303
    assert len(profile(store.engine, member, 0)["identities"]) == len(before) - 1


def test_the_profile_shows_activity_by_channel_and_what_they_said(store: Store) -> None:
    from veille.members.profile import profile
    from veille.store.schema import enrichments

    manager = Browser(store, "manager")
    with store.engine.connect() as conn:
        member, n = conn.execute(
            select(identities.c.member_id, func.count()).select_from(
                activities.join(identities, identities.c.id == activities.c.identity_id)
            ).group_by(identities.c.member_id).order_by(func.count().desc())
        ).first()  # fmt: skip
        said = dict(conn.execute(
            select(enrichments.c.sentiment, func.count())
            .join(activities, activities.c.id == enrichments.c.activity_id)
            .join(identities, identities.c.id == activities.c.identity_id)
            .where(identities.c.member_id == member, enrichments.c.spam.is_(False))
            .group_by(enrichments.c.sentiment)
        ).all())  # fmt: skip
    p = profile(store.engine, member, 0)
    assert p["sentiment"] == {k: said.get(k, 0) for k in ("positive", "neutral", "negative")}
    channels = p["stats"]["counts"]["channels"]
    page = manager.get(f"/members/{member}").text
    assert "Activity by channel" in page and "Talent topics" in page
    for name, count in channels.items():
        assert f'<th scope="row">{name}</th><td class="num">{count:,}</td>' in page
    assert f"☹ {p['sentiment']['negative']:,}" in page
    assert manager.get(f"/api/members/{member}").json()["sentiment"] == p["sentiment"]


def test_a_watch_and_its_period_against_the_one_before(store: Store) -> None:
    from veille.watch import watches
    from veille.watch.queries import Query

    query = Query.from_mapping({"terms": ["thermostat"]}, "test")
    watches.save(store.engine, "watch", "thermostat talk", query, by="test")
    watches.match(store)
    viewer = Browser(store, "viewer")
    (found,) = [w for w in watches.listing(store.engine) if w["name"] == "thermostat talk"]
    assert found["matches"] > 0
    page = viewer.get("/watches").text
    assert ">thermostat talk</a>" in page and f">{found['matches']:,}</td>" in page
    report = viewer.get("/watches/watch/thermostat talk?days=30")
    assert report.status_code == 200 and 'id="chart-watch"' in report.text
    expected = watches.report(store.engine, "watch", "thermostat talk", 30)
    assert f'<p class="big">{expected["period"]["volume"]:,}</p>' in report.text
    assert viewer.get("/watches/watch/no-such-watch").status_code == 404
    assert viewer.get("/watches/other/thermostat talk").status_code == 422


def test_departments_and_routing_rules_from_the_settings_page(store: Store) -> None:
    from veille.inbox.routing import rules_in_force

    manager = Browser(store, "manager")
    assert manager.post("/settings/departments", {"name": "legal", "label": "Legal"}).status_code == 303
    r = manager.post("/settings/departments", {"name": "Bad Name"})
    assert r.status_code == 400 and "lower-case" in r.text
    assert 'data-department="legal"' in manager.get("/settings").text
    before = rules_in_force(store.engine)
    bad = '[[rule]]\nname = "to nowhere"\nwhen.intent = ["bug"]\nthen.route = "nowhere"\n'
    r = manager.post("/settings/rules", {"text": bad})
    assert r.status_code == 400 and "nowhere" in r.text and "to nowhere" in r.text
    assert rules_in_force(store.engine) == before  # an error changes nothing
    good = '[[rule]]\nname = "contracts to legal"\nwhen.any_words = ["contract"]\nthen.route = "legal"\n'
    assert manager.post("/settings/rules", {"text": good}).status_code == 303
    ruleset = rules_in_force(store.engine)
    assert ruleset is not None and [r.name for r in ruleset.rules] == ["contracts to legal"]
    r = manager.post("/settings/departments/remove", {"name": "legal"})
    assert r.status_code == 400 and "rules in force route to it" in r.text


def test_the_trends_page_lists_what_the_trends_service_finds(store: Store) -> None:
    from veille.watch.trends import trends

    viewer = Browser(store, "viewer")
    seen = 0
    for window in ("day", "week"):
        expected = trends(store.engine, window, top=30)
        seen += len(expected)
        page = viewer.get(f"/trends?window={window}").text
        assert page.count("data-term=") == len(expected)
        for t in expected:
            assert f'data-term="{t.term}"' in page
    assert seen > 0, "the demo community trends nowhere: the test would show nothing"
    assert viewer.get("/trends?window=year").status_code == 422
    # A past window: the week ending with a day the manager picks, said on the page.
    with store.engine.connect() as conn:
        first, last = conn.execute(sql("SELECT min(created_at), max(created_at) FROM activities")).one()
    middle = datetime.fromisoformat(str(first)) + (
        datetime.fromisoformat(str(last)) - datetime.fromisoformat(str(first))) * 0.7
    day = middle.date()
    end = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
    expected = trends(store.engine, "week", top=30, end=end)
    page = viewer.get(f"/trends?window=week&until={day.isoformat()}").text
    assert expected and page.count("data-term=") == len(expected)
    assert f"to {end.month}/{end.day}/{end.strftime('%y')}, 12:00" in page, "the window shown"
    before = viewer.get("/trends?window=day&until=1999-01-01").text
    assert "Nothing stands out in this window." in before and "data-term=" not in before
    assert viewer.get("/trends?until=yesterday").status_code == 422


def test_a_feedback_report_page(store: Store) -> None:
    from markupsafe import escape

    from veille.inbox import feedback

    feedback.add(store.engine, "thermostat", ["thermostat", "thermostats"], None, by="test")
    expected = feedback.report(store.engine, "thermostat")
    assert expected.mentions > 0
    viewer = Browser(store, "viewer")
    assert '<a href="/feedback/thermostat">thermostat</a>' in viewer.get("/feedback").text
    page = viewer.get("/feedback/thermostat").text
    assert f'<p class="big" id="mentions">{expected.mentions:,}</p>' in page
    quotes = [q for found in expected.quotes.values() for q in found]
    assert quotes and all(f"<p>{escape(q.text)}</p>" in page for q in quotes)
    assert viewer.get("/feedback/nothing-like-it").status_code == 404


def test_inbox_filters_by_assignee_tag_priority_segment_dates_and_keyword(store: Store) -> None:
    from veille.inbox import items

    item, version = _item_in(store, None)
    manager = Browser(store, "manager")
    assert manager.post(f"/inbox/{item}/assign", {"version": version}).status_code == 303

    def rows(url: str) -> list[int]:
        return [int(i) for i in re.findall(r'data-id="(\d+)"', manager.get(url).text)]

    mine = f"/inbox?assignee={EMAIL['manager']}"
    assert item in rows(mine) and set(rows(mine)) <= {i.activity_id for i in items.listing(
        store.engine, assignee=EMAIL["manager"], limit=500)}  # fmt: skip
    assert f'<option selected>{EMAIL["manager"]}</option>' in manager.get(mine).text
    unassigned = rows("/inbox?view=unassigned")
    assert unassigned and item not in unassigned
    api = manager.get("/api/inbox?unassigned=true&limit=500").json()
    assert api and item not in [i["activity_id"] for i in api]
    assert {i["assignee"] for i in api} == {None}
    # Keyword, segment, dates and priority through the page and the API, as the library.
    target = items.get(store.engine, item)
    word = max(re.findall(r"\w{5,}", target.text or target.title or ""), key=len)
    day = target.received_at.date().isoformat()
    midnight = target.received_at.replace(hour=0, minute=0, second=0, microsecond=0)
    expected = items.listing(store.engine, keyword=word, segment=target.segment,
                             priority=target.priority, since=midnight,
                             until=midnight + timedelta(days=1), limit=30)  # fmt: skip
    url = (f"/inbox?keyword={word.upper()}&segment={target.segment or ''}"
           f"&priority={target.priority}&since={day}&until={day}")  # until: the whole day
    assert item in rows(url) and rows(url) == [i.activity_id for i in expected]
    assert item not in rows(f"/inbox?keyword={word}&until=2000-01-01")
    assert item not in rows(f"/inbox?keyword={word}&since={day}&priority=critical")
    assert manager.get("/inbox?since=yesterday").status_code == 400
    assert manager.get("/api/inbox?priority=whenever").status_code == 400
    assert manager.get("/api/inbox?since=2026-01-01T00:00:00").status_code == 400  # no zone
    # A tag, as the rules give it.
    with store.engine.begin() as conn:
        conn.execute(inbox_items.update().where(inbox_items.c.activity_id == item)
                     .values(tags='["vip", "100%"]'))  # fmt: skip
    assert rows("/inbox?tag=vip") == [item]
    assert [i["activity_id"] for i in manager.get("/api/inbox?tag=100%25").json()] == [item]
    assert manager.get("/api/inbox?tag=100").json() == []


def test_a_department_member_comments_without_closing(store: Store) -> None:
    mine, version = _item_in(store, DEPARTMENT)
    theirs, other = _item_in(store, "product")
    dept, manager = Browser(store, "department"), Browser(store, "manager")
    before = dept.get(f"/api/inbox/{mine}").json()
    r = dept.post(f"/inbox/{mine}/note", {"version": version, "text": "I call them <b>today</b>",
                                          "next": f"/departments/{DEPARTMENT}?item={mine}"})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == f"/departments/{DEPARTMENT}?item={mine}"
    after = dept.get(f"/api/inbox/{mine}").json()
    assert (after["status"], after["assignee"], after["department"]) == (
        before["status"], before["assignee"], before["department"])  # fmt: skip
    assert after["version"] == version + 1
    assert after["history"][-1] | {"at": None} == {
        "action": "comment", "from": before["status"], "to": before["status"],
        "by": EMAIL["department"], "at": None, "note": "I call them <b>today</b>"}  # fmt: skip
    # Shown apart from replies, escaped, to the managers too.
    page = manager.get(f"/inbox?item={mine}").text
    assert re.search(r'<p class="event internal" data-action="comment"><span class="badge">'
                     r"Internal note</span> <strong>department@example.org</strong>", page)  # fmt: skip
    assert "I call them &lt;b&gt;today&lt;/b&gt;" in page
    assert 'id="form-note"' in dept.get(f"/departments/{DEPARTMENT}?item={mine}").text
    assert 'id="form-note"' not in Browser(store, "viewer").get(f"/inbox?item={mine}").text
    # A stale version, another department's item, an empty note: refused, nothing kept.
    assert dept.post(f"/inbox/{mine}/note", {"version": version, "text": "again"}).status_code == 409
    assert dept.post(f"/inbox/{theirs}/note", {"version": other, "text": "x"}).status_code == 404
    r = dept.client.post(f"/api/inbox/{mine}/note", json={"version": version + 1, "text": "   "},
                         headers={"X-CSRF-Token": dept.csrf})  # fmt: skip
    assert r.status_code == 400
    r = manager.client.post(f"/api/inbox/{mine}/note", json={"version": version + 1, "text": "ok"},
                            headers={"X-CSRF-Token": manager.csrf})  # fmt: skip
    assert r.status_code == 200 and r.json()["version"] == version + 2
    assert [e["action"] for e in dept.get(f"/api/inbox/{mine}").json()["history"]][-2:] == [
        "comment", "comment"]  # fmt: skip


def _csv(body: bytes) -> list[list[str]]:
    import csv
    import io

    assert body.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need for accents
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx(body: bytes) -> list[list[Any]]:
    import io
    import zipfile

    from openpyxl import load_workbook

    sheet = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet  # not one formula
    book = load_workbook(io.BytesIO(body), read_only=True)
    return [[c.value for c in row] for row in book.worksheets[0].iter_rows()]


def test_every_table_page_downloads_as_csv_and_xlsx(store: Store) -> None:
    from veille.inbox import items
    from veille.members.search import search
    from veille.watch import alerts

    item, _ = _item_in(store, DEPARTMENT)
    # An open alert whatever the draw of the community: its newest author as a VIP.
    with store.engine.connect() as conn:
        newest, member = conn.execute(
            select(activities.c.id, identities.c.member_id)
            .join(identities, identities.c.id == activities.c.identity_id)
            .join(members, members.c.id == identities.c.member_id)
            .where(members.c.is_team.is_(False), members.c.is_bot.is_(False))
            .order_by(activities.c.created_at.desc(), activities.c.id.desc())
            .limit(1)
        ).one()
    vip = MemberAlertRules(vip=(f"member:{member}",), member_alerts=("vip-active",))
    assert member_alerts(store, newest - 1, vip).new == 1
    attack = "=HYPERLINK(\"http://evil.example\", \"click\")"
    with store.engine.begin() as conn:  # what a member wrote, as the first thing in a cell
        conn.execute(activities.update().where(activities.c.id == item).values(text=attack))
    manager = Browser(store, "manager")
    expected_rows = {
        "/inbox?department=sales": len(items.listing(store.engine, department=DEPARTMENT,
                                                     limit=10_000)),  # fmt: skip
        "/members?q=a": len(search(store.engine, "a", 10_000)),
        "/alerts?status=open": len(list(alerts.iter_alerts(store.engine, "open", backtest=False))),
        "/watches": None,
        "/segments": None,
    }
    for url, n in expected_rows.items():
        page = manager.get(url).text
        assert 'data-export="csv"' in page and 'data-export="xlsx"' in page, url
        joiner = "&" if "?" in url else "?"
        r = manager.get(f"{url}{joiner}format=csv")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), url
        assert r.headers["content-disposition"].startswith('attachment; filename="veille-')
        table = _csv(r.content)
        x = manager.get(f"{url}{joiner}format=xlsx")
        assert x.status_code == 200 and "spreadsheetml" in x.headers["content-type"], url
        book = _xlsx(x.content)
        assert len(book) == len(table) and book[0] == table[0], url
        if n is not None:
            assert len(table) == n + 1 and n > 0, url
    rows = _csv(manager.get("/inbox?department=sales&format=csv").content)
    text = rows[0].index("text")
    (row,) = [r for r in rows[1:] if r[0] == str(item)]
    assert row[text] == "'" + attack  # CSV: quoted, a spreadsheet shows it as text
    book = _xlsx(manager.get("/inbox?department=sales&format=xlsx").content)
    assert [r[text] for r in book if r[0] == item] == [attack]  # XLSX: a text cell, ids numbers
    segments = _csv(manager.get("/segments?format=csv").content)
    assert segments[0] == ["family", "value", "members", "share"] and len(segments) > 10
    # Role-checked as the pages; a department member downloads their departments' items.
    dept = Browser(store, "department")
    for url in ("/members?format=csv", "/alerts?format=xlsx"):
        assert dept.get(url).status_code == 403, url
    assert Browser(store, "viewer").get("/members?format=xlsx").status_code == 200
    mine = _csv(dept.get(f"/departments/{DEPARTMENT}?format=csv").content)
    department = mine[0].index("department")
    assert len(mine) > 1 and {r[department] for r in mine[1:]} == {DEPARTMENT}
    assert dept.get("/departments/product?format=csv").status_code == 403
    assert manager.get("/inbox?format=pdf").status_code == 422


def test_a_closed_item_can_be_reopened_from_its_page(store: Store) -> None:
    from veille.inbox import items as inbox_items_

    item, version = _item_in(store, None)
    manager = Browser(store, "manager")
    assert manager.post(f"/inbox/{item}/status", {"version": version, "status": "closed"}).status_code == 303
    page = manager.get(f"/inbox?item={item}").text
    assert 'id="form-reopen"' in page and ">Reopen</button>" in page
    assert manager.post(f"/inbox/{item}/status", {"version": version + 1, "status": "new"}).status_code == 303
    assert inbox_items_.get(store.engine, item).status == "new"
    assert 'id="form-reopen"' not in manager.get(f"/inbox?item={item}").text


def test_talents_per_topic_on_the_page_and_the_cli(store: Store) -> None:
    """Whom the community turns to on a topic: the members with a talent on it, most
    points first, as kept by the members step; the page and the CLI say the same."""
    import orjson
    from click.testing import CliRunner

    from veille.cli import cli
    from veille.members.talents import holders, topics
    from veille.store.schema import member_talents

    common = topics(store.engine, 10)
    assert common and common == sorted(common, key=lambda wn: -wn[1])
    topic, held = common[0]
    found = holders(store.engine, topic, 500)
    with store.engine.connect() as conn:
        kept = {int(m): orjson.loads(raw) for m, raw in conn.execute(
            select(member_talents.c.member_id, member_talents.c.points))}  # fmt: skip
    expected = sorted(((p[topic], m) for m, p in kept.items() if topic in p), key=lambda x: (-x[0], x[1]))
    assert [(h.points, h.member_id) for h in found] == expected and len(found) == held
    assert [h.member_id for h in holders(store.engine, f"  {topic.upper()} ")] == [
        h.member_id for h in found[:50]]  # fmt: skip
    viewer = Browser(store, "viewer")
    page = viewer.get(f"/members/talents?topic={topic}").text
    assert [int(m) for m in re.findall(r'data-member="(\d+)"', page)] == [h.member_id for h in found[:100]]
    overview = viewer.get("/members/talents").text
    assert f'href="/members/talents?topic={topic.replace(" ", "%20")}"' in overview
    assert "No member has a talent" in viewer.get("/members/talents?topic=zzzz-nothing").text
    out = CliRunner().invoke(cli, ["--db", str(store.engine.url.database), "members", "talents", topic])
    assert out.exit_code == 0 and out.output.splitlines()[0].startswith(f"#{found[0].member_id} ")
