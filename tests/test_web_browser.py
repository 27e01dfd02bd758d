"""The workbench as a person uses it: real pages in headless Chromium (Debian's
``chromium``, which ``make test`` installs; Playwright's package never downloads one)
against ``veille serve``'s app on loopback."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
import uvicorn
from sqlalchemy import select

from tests.test_web import EMAIL, PASSWORD, community  # noqa: F401 (the shared fixture)
from veille.members.resolve import suggestions
from veille.pipeline import ingest
from veille.store import Store
from veille.store.schema import activities, identities, inbox_items
from veille.web import create_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@dataclass
class Site:
    url: str
    store: Store


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: make test installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def site(community: Path, tmp_path: Path) -> Iterator[Site]:  # noqa: F811
    """The app over a copy of the community, served by uvicorn on a free loopback port."""
    copy = tmp_path / "veille.db"
    shutil.copy(community, copy)
    store = Store(str(copy))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield Site(f"http://127.0.0.1:{port}", store)
    server.should_exit = True
    thread.join(10)
    store.close()


class Person:
    """One person's browser window, signed in through the sign-in page; it records every
    dialog and every Content-Security-Policy complaint."""

    def __init__(self, browser: Any, site: Site, role: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 950})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: self.console.append(m.text))
        self.site = site
        self.page.goto(site.url + "/inbox")
        assert "/login" in self.page.url
        self.page.fill("input[name=email]", EMAIL[role])
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(site.url + "/inbox")

    def go(self, path: str) -> Any:
        return self.page.goto(self.site.url + path)

    def close(self) -> None:
        self.context.close()


def _unrouted(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                select(inbox_items.c.activity_id)
                .where(inbox_items.c.status == "new", inbox_items.c.department.is_(None))
                .order_by(inbox_items.c.received_at.desc(), inbox_items.c.activity_id.desc())
            ).first()[0]  # type: ignore[index]
        )


def test_a_manager_triages_and_routes_and_the_department_sees_it(browser: Any, site: Site) -> None:
    item = _unrouted(site.store)
    manager = Person(browser, site, "manager")
    page = manager.page
    manager.go(f"/inbox?item={item}")
    page.keyboard.press("a")  # assign to me, from the keyboard
    page.wait_for_selector(".item-head >> text=manager@example.org")
    page.select_option("#form-route select[name=department]", "sales")
    page.fill("#form-route input[name=note]", "Customer asks for a quote")
    page.click("#form-route button")
    page.wait_for_selector(".item-head >> text=routed to sales")
    assert page.is_visible("text=Customer asks for a quote")
    assert manager.dialogs == []
    dept = Person(browser, site, "department")
    dept.go("/departments/sales")
    dept.page.click(f'.row[data-id="{item}"] a.open')
    dept.page.wait_for_selector(f'.item-head[data-item="{item}"]')
    assert dept.page.is_visible("text=Customer asks for a quote")
    # Two people on one item see each other.
    manager.go(f"/inbox?item={item}")
    dept.page.reload()
    dept.page.wait_for_selector("#presence:not([hidden]) >> text=manager@example.org")
    # A comment without closing: an internal note, set apart from replies.
    dept.page.fill("#form-note textarea[name=text]", "Calling them back today")
    dept.page.click("#form-note button")
    note = dept.page.wait_for_selector(".event.internal >> text=Calling them back today")
    assert note.inner_text().startswith("Internal note")
    assert note.evaluate("e => getComputedStyle(e).borderLeftStyle") == "dashed"
    assert dept.page.is_visible(".item-head >> text=routed to sales")
    dept.page.fill("#form-close input[name=note]", "Quote sent")
    dept.page.click("#form-close button")
    dept.page.wait_for_selector(".item-head >> text=closed")
    assert dept.go("/departments/product").status == 403
    manager.close()
    dept.close()


def test_keyboard_moves_through_the_list_and_stays_quiet_in_fields(browser: Any, site: Site) -> None:
    manager = Person(browser, site, "manager")
    page = manager.page
    first = page.get_attribute("#rows .row >> nth=0", "data-id")
    second = page.get_attribute("#rows .row >> nth=1", "data-id")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url(f"**item={second}**")
    page.focus("#answer-text")
    page.keyboard.type("a reply with j and k and e in it")
    assert f"item={second}" in page.url and first != second
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".event.reply >> text=a reply with j and k and e in it")
    page.keyboard.press("/")  # the keyword search, then Enter filters the list
    page.keyboard.type("the")
    page.keyboard.press("Enter")
    page.wait_for_url("**keyword=the**")
    assert page.input_value("#search") == "the"
    page.keyboard.press("?")
    assert page.is_visible("#help")
    manager.close()


def test_a_manager_accepts_a_merge_suggestion(browser: Any, site: Site) -> None:
    first = suggestions(site.store.engine, 1)[0]
    manager = Person(browser, site, "manager")
    manager.go("/members/suggestions")
    pair = f'.pair[data-pair="{first.member_a}-{first.member_b}"]'
    manager.page.click(f"{pair} button.accept")
    manager.page.wait_for_load_state()
    assert manager.page.locator(pair).count() == 0
    manager.go(f"/members/{first.member_a}")
    assert manager.page.is_visible(f"text=#{first.member_b} → #{first.member_a}")
    manager.close()


def test_an_admin_erases_a_member_after_confirming(browser: Any, site: Site) -> None:
    with site.store.engine.connect() as conn:
        member = int(conn.execute(select(identities.c.member_id).limit(1)).scalar_one())
    admin = Person(browser, site, "admin")
    admin.go(f"/members/{member}")
    admin.page.click("#erase-link")
    admin.page.fill("#confirm", "0")
    admin.page.click("#erase-confirm")
    assert admin.page.is_visible(".error")  # the wrong number erases nothing
    admin.page.fill("#confirm", str(member))
    admin.page.click("#erase-confirm")
    admin.page.wait_for_url(f"**/members?erased={member}")
    assert admin.go(f"/members/{member}").status == 404
    admin.close()


XSS = [
    "<script>window.__xss=1;alert('script')</script>",
    '<img src=x onerror="window.__xss=2;alert(\'img\')">',
    '<svg onload="window.__xss=3;alert(\'svg\')"></svg>',
    '<a href="javascript:window.__xss=4;alert(\'href\')" id="xss-link">click me</a>',
    '<iframe src="javascript:alert(\'iframe\')"></iframe>',
    '<body onload="alert(\'body\')">',
    '<div style="background:url(javascript:alert(\'css\'))">styled</div>',
    '"><script>alert("attr")</script>',
    "<scr<script>ipt>alert('nested')</script>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(\'mxss\')"></style>',
    '<details open ontoggle="alert(\'details\')">',
    '<form action="javascript:alert(\'form\')"><button>go</button></form>',
    '<object data="javascript:alert(\'object\')"></object>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'meta\')">',
    "{{7*7}} ${alert('template')} <% alert('erb') %>",
]


DANGEROUS = """document.querySelectorAll(
  'script:not([src]), iframe, object, embed, meta[http-equiv], [onerror], [onload],'
  + ' [ontoggle], [onclick], a[href^="javascript:" i], form[action^="javascript:" i]'
).length"""


def test_an_xss_corpus_ingested_through_a_connector_renders_inert(
    browser: Any, site: Site, tmp_path: Path
) -> None:
    records = [
        {"id": f"xss-{n}", "channel": "xss-forum", "kind": "comment",
         "created_at": "2030-01-01T00:00:00+00:00", "title": payload, "html": payload,
         "author": {"name": payload[:60], "email": f"xss{n}@example.org"}}  # fmt: skip
        for n, payload in enumerate(XSS)
    ]
    path = tmp_path / "xss.ndjson"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    ingest(site.store, [str(path)], fmt="ndjson")
    with site.store.engine.connect() as conn:
        ids = [int(r[0]) for r in conn.execute(
            select(activities.c.id).where(activities.c.native_id.like("xss-%")))]  # fmt: skip
        member_ids = {int(r[0]) for r in conn.execute(
            select(identities.c.member_id).where(identities.c.email.like("xss%")))}  # fmt: skip
    assert len(ids) == len(XSS)
    admin = Person(browser, site, "admin")
    pages = ["/inbox?channel=xss-forum", *(f"/inbox?item={i}" for i in ids),
             *(f"/members/{m}" for m in member_ids), "/members?q=script"]  # fmt: skip
    for path_ in pages:
        response = admin.go(path_)
        assert response.status < 400, path_
        admin.page.wait_for_load_state("load")
        if admin.page.locator("#xss-link").count():
            admin.page.click("#xss-link", timeout=2000)
        assert admin.page.evaluate("window.__xss === undefined"), path_
        # Inert by itself, not only because the Content-Security-Policy stops it.
        assert admin.page.evaluate(DANGEROUS) == 0, path_
    assert admin.dialogs == []
    admin.close()


def test_the_dashboard_draws_its_charts_and_is_saved_as_a_screenshot(browser: Any, site: Site) -> None:
    admin = Person(browser, site, "admin")
    admin.go("/?days=30")
    admin.page.wait_for_selector("#chart-activity .main-svg")
    admin.page.wait_for_selector("#chart-segments .main-svg")
    ARTIFACTS.mkdir(exist_ok=True)
    admin.page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 20_000
    complaints = [m for m in admin.console if "Content Security Policy" in m]
    assert complaints == [] and admin.dialogs == []
    admin.close()


def test_a_manager_creates_a_watch_in_the_browser_and_reads_its_report(
    browser: Any, site: Site
) -> None:
    from veille.watch import watches

    manager = Person(browser, site, "manager")
    page = manager.page
    manager.go("/watches")
    page.click("#new-watch")
    page.wait_for_selector("#watch-form")
    page.fill("#watch-form input[name=name]", "thermostat talk")
    page.fill("#watch-form textarea[name=terms]", "thermostat\nthermo*")
    page.fill("#watch-form textarea[name=exclude]", "x*")  # too short a prefix
    page.click("#watch-form button")
    error = page.wait_for_selector("#error-exclude")
    assert "at least 3 letters" in error.inner_text()
    assert page.get_attribute("textarea[name=exclude]", "aria-invalid") == "true"
    assert page.input_value("textarea[name=terms]") == "thermostat\nthermo*"  # kept
    page.fill("#watch-form textarea[name=exclude]", "")
    page.click("#watch-form button")
    page.wait_for_url(site.url + "/watches/watch/thermostat%20talk")
    # Matched after the answer: the page says so until it is done.
    for _ in range(100):
        if not page.locator("#matching").count():
            break
        time.sleep(0.1)
        page.reload()
    assert not page.locator("#matching").count()
    expected = watches.report(site.store.engine, "watch", "thermostat talk", 30)
    assert expected["period"]["volume"] > 0
    assert page.inner_text(".cards .card .big >> nth=0") == f"{expected['period']['volume']:,}"
    page.wait_for_selector("#chart-watch .main-svg")
    assert page.locator('[data-export="csv"]').count() == 1
    complaints = [m for m in manager.console if "Content Security Policy" in m]
    assert complaints == [] and manager.dialogs == []
    manager.close()
