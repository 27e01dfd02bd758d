"""The inbox pages: three panes (views, the list, the item) and the triage actions;
the department view is the same page limited to one department's queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy import Engine

from veille import conversation, triage, users
from veille.enrich import labels
from veille.inbox import items
from veille.members.card import card
from veille.members.rules import SEGMENTS
from veille.users import User
from veille.web import scope
from veille.web.auth import Principal, need, store_of
from veille.web.pages import back, see_other
from veille.web.params import ActivityId
from veille.web.render import render
from veille.web.tables import INBOX, INBOX_ROWS, Format, download

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(need("inbox.read"))]
Actor = Annotated[Principal, Depends(need("inbox.act"))]
Version = Annotated[int, Form(ge=0, le=2**31)]
Next = Annotated[str, Form(max_length=2000)]
Note = Annotated[str, Form(max_length=5000)]


@dataclass(slots=True)
class Filters:
    view: str = "open"
    status: str | None = None
    department: str | None = None
    channel: str | None = None
    language: str | None = None
    sentiment: str | None = None
    intent: str | None = None
    assignee: str | None = None
    tag: str | None = None
    priority: str | None = None
    segment: str | None = None
    since: str | None = None
    until: str | None = None
    keyword: str | None = None
    shown: dict[str, str] = field(default_factory=dict)

    def query(self, **extra: Any) -> str:
        return urlencode({k: v for k, v in {**self.shown, **extra}.items() if v})

    def listing(self, user: User) -> dict[str, Any]:
        """The filters as :func:`veille.inbox.items.listing` takes them; the dates are
        whole days in UTC, ``until`` included."""
        return {
            "status": (self.status,) if self.status else VIEWS.get(self.view, ()),
            "assignee": user.email if self.view == "mine" else self.assignee,
            "unassigned": self.view == "unassigned", "channel": self.channel,
            "language": self.language, "intent": self.intent, "sentiment": self.sentiment,
            "tag": self.tag, "priority": self.priority, "segment": self.segment,
            "since": _day(self.since, "since"), "until": _day(self.until, "until", 1),
            "keyword": self.keyword,
        }  # fmt: skip


FILTERS = ("view", "status", "department", "channel", "language", "sentiment", "intent",
           "assignee", "tag", "priority", "segment", "since", "until", "keyword")  # fmt: skip


def _filters(request: Request) -> Filters:
    q = request.query_params
    shown = {k: q[k][:300] for k in FILTERS if q.get(k)}
    return Filters(**{k: v for k, v in shown.items()}, shown=shown)


def _day(value: str | None, name: str, after: int = 0) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise items.InboxError(f"{name}: a date as YYYY-MM-DD, not {value!r}") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=after)


PAGE = 30
VIEWS = {"open": (), "mine": (), "unassigned": (), "answered": ("answered",),
         "closed": ("closed",), "spam": ("spam",)}  # fmt: skip


def _page(engine: Engine, user: User, f: Filters, item_id: int | None,
          before: int | None = None) -> dict[str, Any]:  # fmt: skip
    """Everything the three panes show."""
    found = scope.listing(engine, user, f.department, limit=PAGE, before=before,
                          **f.listing(user))  # fmt: skip
    with engine.connect() as conn:
        departments = items.department_names(conn)
    if user.role == "department":
        departments = [d for d in departments if d in user.departments]
    managers = [u.email for u in users.listing(engine)
                if u.active and u.can("inbox.act")] if user.can("inbox.act") else []  # fmt: skip
    out: dict[str, Any] = {"items": found, "f": f, "departments": departments,
                           "channels": conversation.channel_names(engine),
                           "statuses": items.STATUSES, "priorities": items.PRIORITIES,
                           "segments": SEGMENTS, "managers": managers,
                           "item": None, "now": datetime.now(UTC)}  # fmt: skip
    if item_id is not None:
        item = scope.item(engine, user, item_id)
        out["item"] = item
        out["thread"] = conversation.thread(engine, item_id)
        out["reasons"] = conversation.reasons(engine, item_id)
        out["member"] = card(engine, item.member_id) if item.member_id else None
        ids = [i.activity_id for i in found]
        at = ids.index(item_id) if item_id in ids else -1
        out["previous"] = ids[at - 1] if at > 0 else None
        out["next"] = ids[at + 1] if 0 <= at < len(ids) - 1 else None
    return out


Before = Annotated[int | None, Query(ge=1, le=2**62, description="the page after this item")]


def _download(request: Request, user: User, f: Filters, before: int | None, fmt: str) -> Response:
    """The list as the filters give it (up to INBOX_ROWS rows), as a file."""
    found = scope.listing(store_of(request).engine, user, f.department, limit=INBOX_ROWS,
                          before=before, **f.listing(user))  # fmt: skip
    return download("inbox", INBOX, found, fmt)


@router.get("/inbox")
def inbox_page(request: Request, who: Reader,
               item: Annotated[int | None, Query(ge=1, le=2**62)] = None,
               before: Before = None, format: Format = "html") -> Response:  # fmt: skip
    f = _filters(request)
    if format != "html":
        return _download(request, who.user, f, before, format)
    page = _page(store_of(request).engine, who.user, f, item, before)
    return render(request, "inbox.html", base="/inbox", title="Inbox", page_size=PAGE, **page)


@router.get("/departments/{name}")
def department_page(request: Request, name: str, who: Reader,
                    item: Annotated[int | None, Query(ge=1, le=2**62)] = None,
                    before: Before = None, format: Format = "html") -> Response:  # fmt: skip
    f = _filters(request)
    f.department = name
    f.view = "department"
    if format != "html":
        return _download(request, who.user, f, before, format)
    page = _page(store_of(request).engine, who.user, f, item, before)
    return render(request, "inbox.html", base=f"/departments/{name}", title=name, page_size=PAGE,
                  **page)  # fmt: skip


@router.post("/inbox/{activity_id}/assign")
def assign(request: Request, activity_id: ActivityId, who: Actor, version: Version, next: Next = "/inbox",
           take: Annotated[bool, Form()] = False) -> Response:  # fmt: skip
    engine = store_of(request).engine
    scope.item(engine, who.user, activity_id, history=False)
    items.assign(engine, activity_id, who.user.email, who.user.email, version=version, take=take)
    return see_other(back(next, "/inbox"))


@router.post("/inbox/{activity_id}/route")
def route(request: Request, activity_id: ActivityId, who: Actor, version: Version,
          department: Annotated[str, Form(max_length=50)], note: Note = "",
          next: Next = "/inbox", take: Annotated[bool, Form()] = False) -> Response:  # fmt: skip
    engine = store_of(request).engine
    scope.item(engine, who.user, activity_id, history=False)
    items.route(engine, activity_id, department, who.user.email, note or None, version=version,
                take=take)  # fmt: skip
    return see_other(back(next, "/inbox"))


@router.post("/inbox/{activity_id}/label")
def label(request: Request, activity_id: ActivityId, who: Actor,
          sentiment: Annotated[Literal["", "negative", "neutral", "positive"], Form()] = "",
          intent: Annotated[str, Form(max_length=20)] = "",
          next: Next = "/inbox") -> Response:  # fmt: skip
    """Correct what veille said of the item: its sentiment, its intent. The correction
    shows at once; the sentiment model learns from it (as from ``veille label``)."""
    store = store_of(request)
    scope.item(store.engine, who.user, activity_id, history=False)
    labels.correct(store, activity_id, by=who.user.email, note="inbox", sentiment=sentiment,
                   intent=intent)  # fmt: skip
    return see_other(back(next, "/inbox"))


@router.post("/inbox/{activity_id}/answer")
def answer(request: Request, activity_id: ActivityId, who: Actor, version: Version,
           text: Annotated[str, Form(min_length=1, max_length=20000)], next: Next = "/inbox",
           take: Annotated[bool, Form()] = False) -> Response:  # fmt: skip
    engine = store_of(request).engine
    scope.item(engine, who.user, activity_id, history=False)
    items.answer(engine, activity_id, text, who.user.email, version=version, take=take)
    return see_other(back(next, "/inbox"))


@router.post("/inbox/{activity_id}/note")
def note(request: Request, activity_id: ActivityId,
         who: Annotated[Principal, Depends(need("department.act"))], version: Version,
         text: Annotated[str, Form(min_length=1, max_length=5000)],
         next: Next = "/inbox") -> Response:  # fmt: skip
    """An internal note: a department member comments on their departments' items
    without closing them; managers too."""
    engine = store_of(request).engine
    scope.item(engine, who.user, activity_id, history=False)
    items.comment(engine, activity_id, text, who.user.email, version=version)
    return see_other(back(next, "/inbox"))


@router.post("/inbox/{activity_id}/status")
def status(request: Request, activity_id: ActivityId,
           who: Annotated[Principal, Depends(need("department.act"))], version: Version,
           status: Annotated[Literal["triaged", "closed", "new", "spam", "snoozed"], Form()],
           note: Note = "", next: Next = "/inbox",
           take: Annotated[bool, Form()] = False) -> Response:  # fmt: skip
    """A department member may close their departments' items; managers do the rest.
    Marking spam (or taking an item out of spam) also teaches the spam model."""
    store = store_of(request)
    previous = scope.status_change(store.engine, who.user, activity_id, status)
    until = datetime.now(UTC) + timedelta(days=1) if status == "snoozed" else None
    items.set_status(store.engine, activity_id, status, who.user.email, note or None,
                     until=until, version=version, take=take or who.user.role == "department")
    labels.status_changed(store, activity_id, status, previous.status, by=who.user.email,
                          note="inbox")  # fmt: skip
    return see_other(back(next, "/inbox"))


@router.post("/inbox/bulk")
def bulk(request: Request, who: Actor,
         action: Annotated[Literal["assign", "route", "tag", "close", "spam", "snooze"], Form()],
         pick: Annotated[list[str], Form(max_length=40)],
         department: Annotated[str, Form(max_length=50)] = "", next: Next = "/inbox",
         tags: Annotated[str, Form(max_length=300)] = "",
         take: Annotated[bool, Form()] = False) -> Response:  # fmt: skip
    """The checked rows (``pick``: ``item:version``), one action (``tags``: separated by
    commas, for ``tag``); refusals are listed."""
    seen = [(int(a), int(v)) for a, _, v in (p.partition(":") for p in pick[:500])
            if a.isdigit() and v.isdigit()]  # fmt: skip
    report = triage.bulk(store_of(request), seen, action, who.user.email,
                         department=department or None, tags=tags, take=take)  # fmt: skip
    if report.refused:
        return render(request, "bulk.html", status=409, report=report, next=back(next, "/inbox"))
    return see_other(back(next, "/inbox"))
