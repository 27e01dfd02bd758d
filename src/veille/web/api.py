"""The REST API (``/api/...``): the same services as the pages, as JSON, for scripts
with a bearer token (``veille users token EMAIL``) and for the pages' own script."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from veille import dashboard as dash
from veille.enrich import labels
from veille.enrich.intent import INTENTS
from veille.inbox import items
from veille.members import privacy, resolve, upkeep
from veille.members.profile import profile
from veille.members.search import Found, search
from veille.watch import alerts
from veille.web import scope
from veille.web.auth import Principal, need, principal, store_of
from veille.web.params import ActivityId, AlertId, MemberPathId

router = APIRouter(prefix="/api", tags=["api"])
Me = Annotated[Principal, Depends(principal)]


def _who(permission: str) -> Any:
    return Depends(need(permission))


class UserOut(BaseModel):
    email: str
    role: str
    departments: list[str]
    locale: str


class Seen(BaseModel):
    version: int = Field(ge=0, le=2**31, description="The item's version you acted on.")
    take: bool = Field(False, description="Take the item over from whoever owns it.")


class AssignIn(Seen):
    to: str | None = Field(None, max_length=200, description="Who (default: you).")


class RouteIn(Seen):
    department: str = Field(max_length=50)
    note: str | None = Field(None, max_length=5000)


class AnswerIn(Seen):
    text: str = Field(min_length=1, max_length=20000)


class NoteIn(BaseModel):
    version: int = Field(ge=0, le=2**31, description="The item's version you acted on.")
    text: str = Field(min_length=1, max_length=5000)


class StatusIn(Seen):
    status: Literal["triaged", "closed", "new", "spam", "snoozed"]
    note: str | None = Field(None, max_length=5000)
    snooze_hours: int | None = Field(None, ge=1, le=24 * 365)


class PairIn(BaseModel):
    member_a: int = Field(ge=1, le=2**62)
    member_b: int = Field(ge=1, le=2**62)


class Presence(BaseModel):
    others: list[str]


class Erased(BaseModel):
    member_id: int
    identities: int
    activities: int


@router.get("/me", response_model=UserOut)
def me(who: Me) -> UserOut:
    u = who.user
    return UserOut(email=u.email, role=u.role, departments=list(u.departments), locale=u.locale)


@router.get("/inbox", response_model=list[items.Item])
def inbox_list(
    request: Request,
    who: Annotated[Principal, _who("inbox.read")],
    status: Annotated[list[str] | None, Query(max_length=12)] = None,
    department: Annotated[str | None, Query(max_length=50)] = None,
    assignee: Annotated[str | None, Query(max_length=200)] = None,
    channel: Annotated[str | None, Query(max_length=300)] = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    intent: Annotated[str | None, Query(max_length=20)] = None,
    sentiment: Annotated[str | None, Query(max_length=10)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    unassigned: Annotated[bool, Query(description="Only items nobody owns.")] = False,
    tag: Annotated[list[str] | None, Query(max_length=10, description="Items carrying every "
                                          "tag given (repeat the parameter for several).")] = None,
    priority: Annotated[str | None, Query(max_length=10, description="critical, high, medium, low, none")] = None,
    segment: Annotated[str | None, Query(max_length=20, description="The author's.")] = None,
    since: Annotated[datetime | None, Query(description="Received at or after (with a time zone).")] = None,
    until: Annotated[datetime | None, Query(description="Received before (with a time zone).")] = None,
    keyword: Annotated[str | None, Query(max_length=200, description="Its words in the title "
                                         "or text, in that order, the last one possibly a "
                                         "word's beginning; case and accents folded.")] = None,
) -> list[items.Item]:
    """A page of the inbox, newest first (a department member: their departments')."""
    return scope.listing(store_of(request).engine, who.user, department, status=status or (),
                         assignee=assignee, channel=channel, language=language, intent=intent,
                         sentiment=sentiment, limit=limit, before=before, unassigned=unassigned,
                         tag=tag, priority=priority, segment=segment, since=since, until=until,
                         keyword=keyword)  # fmt: skip


@router.get("/inbox/{activity_id}", response_model=items.Item)
def inbox_item(request: Request, activity_id: ActivityId, who: Annotated[Principal, _who("inbox.read")]) -> items.Item:
    """One item with its audit trail, thread and author."""
    return scope.item(store_of(request).engine, who.user, activity_id)


@router.post("/inbox/{activity_id}/assign", response_model=items.Item)
def inbox_assign(request: Request, activity_id: ActivityId, body: AssignIn,
                 who: Annotated[Principal, _who("inbox.act")]) -> items.Item:  # fmt: skip
    """Assign the item (409 when it changed since ``version``)."""
    engine = store_of(request).engine
    scope.item(engine, who.user, activity_id, history=False)
    return items.assign(engine, activity_id, body.to or who.user.email, who.user.email,
                        version=body.version, take=body.take)  # fmt: skip


@router.post("/inbox/{activity_id}/route", response_model=items.Item)
def inbox_route(request: Request, activity_id: ActivityId, body: RouteIn,
                who: Annotated[Principal, _who("inbox.act")]) -> items.Item:  # fmt: skip
    """Send the item to a department with a note (409 when it changed)."""
    engine = store_of(request).engine
    scope.item(engine, who.user, activity_id, history=False)
    return items.route(engine, activity_id, body.department, who.user.email, body.note,
                       version=body.version, take=body.take)  # fmt: skip


@router.post("/inbox/{activity_id}/answer", response_model=items.Item)
def inbox_answer(request: Request, activity_id: ActivityId, body: AnswerIn,
                 who: Annotated[Principal, _who("inbox.act")]) -> items.Item:  # fmt: skip
    """Record an answer (409 when the item changed)."""
    engine = store_of(request).engine
    scope.item(engine, who.user, activity_id, history=False)
    return items.answer(engine, activity_id, body.text, who.user.email, version=body.version,
                        take=body.take)  # fmt: skip


@router.post("/inbox/{activity_id}/note", response_model=items.Item)
def inbox_note(request: Request, activity_id: ActivityId, body: NoteIn,
               who: Annotated[Principal, _who("department.act")]) -> items.Item:  # fmt: skip
    """An internal note for the team (never sent to the member); a department member
    may comment on their departments' items (409 when the item changed)."""
    engine = store_of(request).engine
    scope.item(engine, who.user, activity_id, history=False)
    return items.comment(engine, activity_id, body.text, who.user.email, version=body.version)


@router.post("/inbox/{activity_id}/status", response_model=items.Item)
def inbox_status(request: Request, activity_id: ActivityId, body: StatusIn,
                 who: Annotated[Principal, _who("department.act")]) -> items.Item:  # fmt: skip
    """Triage, close, reopen, snooze or mark as spam; a department member may close
    their departments' items (409 when the item changed)."""
    store = store_of(request)
    previous = scope.status_change(store.engine, who.user, activity_id, body.status)
    until = None
    if body.status == "snoozed":
        until = datetime.now(UTC) + timedelta(hours=body.snooze_hours or 24)
    changed = items.set_status(store.engine, activity_id, body.status, who.user.email, body.note,
                               until=until, version=body.version, take=body.take)  # fmt: skip
    labels.status_changed(store, activity_id, body.status, previous.status, by=who.user.email,
                          note="api")  # fmt: skip
    return changed


class LabelIn(BaseModel):
    sentiment: Literal["negative", "neutral", "positive"] | None = None
    intent: Literal[INTENTS] | None = None  # type: ignore[valid-type]


class LabelOut(BaseModel):
    recorded: list[str]
    """The fields corrected (those that differed from what veille said)."""


@router.post("/inbox/{activity_id}/label", response_model=LabelOut)
def inbox_label(request: Request, activity_id: ActivityId, body: LabelIn,
                who: Annotated[Principal, _who("inbox.act")]) -> LabelOut:  # fmt: skip
    """Correct the item's sentiment or intent: shown at once and through every
    re-enrichment; the sentiment model learns from a sentiment correction at the next
    ingest (as from ``veille label``)."""
    store = store_of(request)
    scope.item(store.engine, who.user, activity_id, history=False)
    done = labels.correct(store, activity_id, by=who.user.email, note="api",
                          sentiment=body.sentiment, intent=body.intent)  # fmt: skip
    return LabelOut(recorded=[label.field for label in done])


@router.post("/inbox/{activity_id}/presence", response_model=Presence)
def inbox_presence(request: Request, activity_id: ActivityId,
                   who: Annotated[Principal, _who("inbox.read")]) -> Presence:  # fmt: skip
    """Say you are looking at the item; hear who else is."""
    scope.item(store_of(request).engine, who.user, activity_id, history=False)
    return Presence(others=request.app.state.presence.here(activity_id, who.user.email))


@router.get("/members", response_model=list[Found])
def members_search(request: Request, who: Annotated[Principal, _who("members.read")],
                   q: Annotated[str, Query(max_length=200)] = "",
                   limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[Found]:  # fmt: skip
    """Members by name, handle or e-mail; the most active first."""
    return search(store_of(request).engine, q, limit)


@router.get("/members/suggestions", response_model=list[resolve.Suggestion])
def members_suggestions(request: Request, who: Annotated[Principal, _who("members.read")],
                        limit: Annotated[int, Query(ge=1, le=500)] = 50,
                        ) -> list[resolve.Suggestion]:  # fmt: skip
    """Pairs of members that may be one person, surest first, with the reasons."""
    return resolve.suggestions(store_of(request).engine, limit)


@router.post("/members/merge")
def members_merge(request: Request, body: PairIn,
                  who: Annotated[Principal, _who("members.merge")]) -> dict[str, int]:  # fmt: skip
    """Merge ``member_b`` into ``member_a``; the merge's id."""
    (merge_id,) = upkeep.merge_members(store_of(request), body.member_a, [body.member_b],
                                       who.user.email)  # fmt: skip
    return {"merge_id": merge_id, "member_id": body.member_a}


@router.post("/members/reject")
def members_reject(request: Request, body: PairIn,
                   who: Annotated[Principal, _who("members.merge")]) -> dict[str, int]:  # fmt: skip
    """Record that two members are two people; they are not suggested again."""
    return {"pairs": resolve.reject(store_of(request).engine, body.member_a, body.member_b,
                                    who.user.email)}  # fmt: skip


@router.get("/members/{member_id}")
def member(request: Request, member_id: MemberPathId,
           who: Annotated[Principal, _who("members.read")]) -> dict[str, Any]:  # fmt: skip
    """A member's profile: identities, scores, segment and why, merges, latest activity."""
    return profile(store_of(request).engine, member_id, recent=20)


@router.get("/members/{member_id}/export")
def member_export(request: Request, member_id: MemberPathId,
                  who: Annotated[Principal, _who("members.export")]) -> dict[str, Any]:  # fmt: skip
    """Everything stored about a member (GDPR access request)."""
    return privacy.export(store_of(request).engine, member_id)


@router.delete("/members/{member_id}", response_model=Erased)
def member_erase(request: Request, member_id: MemberPathId,
                 who: Annotated[Principal, _who("members.erase")]) -> Erased:  # fmt: skip
    """Erase a member and everything of theirs on every channel (GDPR erasure)."""
    return Erased(**asdict(privacy.erase(store_of(request).engine, member_id)))


@router.get("/alerts")
def alerts_list(request: Request, who: Annotated[Principal, _who("alerts.read")],
                status: Literal["open", "acknowledged", "resolved"] | None = None,
                ) -> list[dict[str, Any]]:  # fmt: skip
    """Alerts (not the backtests), oldest first, with their evidence."""
    return list(alerts.iter_alerts(store_of(request).engine, status, backtest=False))


@router.post("/alerts/{alert_id}/{action}")
def alerts_act(request: Request, alert_id: AlertId, action: Literal["acknowledge", "resolve"],
               who: Annotated[Principal, _who("alerts.act")]) -> dict[str, str]:  # fmt: skip
    """Acknowledge or resolve an alert."""
    status = "acknowledged" if action == "acknowledge" else "resolved"
    alerts.set_status(store_of(request).engine, alert_id, status, who.user.email)
    return {"status": status}


@router.get("/stats")
def stats(request: Request, who: Annotated[Principal, _who("dashboard")],
          days: Annotated[int, Query(ge=1, le=366)] = 14) -> dict[str, Any]:  # fmt: skip
    """The dashboard's numbers: this period against the previous one."""
    d: dash.Dashboard = request.app.state.dashboards.get(store_of(request).engine, days)
    out = asdict(d)
    out["totals"] = {k: {"current": v.current, "previous": v.previous, "state": v.state,
                         "good": v.good, "lower_is_better": v.lower_is_better}
                     for k, v in d.totals.items()}  # fmt: skip
    return out
