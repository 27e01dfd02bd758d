"""The member pages: search, profile, merge suggestions, and a member's data on request
(export, and erasure after a typed confirmation)."""

from __future__ import annotations

from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from veille.members import privacy, resolve, talents, upkeep
from veille.members.profile import MergedMember, profile
from veille.members.search import search
from veille.web.auth import Principal, need, store_of
from veille.web.pages import back, see_other
from veille.web.params import MemberPathId
from veille.web.render import render
from veille.web.tables import MEMBERS, SUGGESTIONS, Format, download

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(need("members.read"))]
Merger = Annotated[Principal, Depends(need("members.merge"))]
MemberId = Annotated[int, Form(ge=1, le=2**62)]


Segment = Literal["", "networkers", "communicators", "participants", "reserved",
                  "consultative", "dormant"]  # fmt: skip


@router.get("/members")
def members_page(request: Request, who: Reader,
                 q: Annotated[str, Query(max_length=200)] = "",
                 segment: Segment = "",
                 onion: Literal["", "core", "regular", "casual"] = "",
                 cohort: Literal["", "new", "active", "recently_inactive", "churned",
                                 "returning"] = "",
                 orbit_level: Annotated[int | None, Query(ge=0, le=4)] = None,
                 format: Format = "html") -> Response:  # fmt: skip
    """Search, and the members of one place (a segment, an onion layer, a cohort, an
    Orbit level: the segments page links each share here)."""
    places: dict[str, str | int | None] = {"segment": segment, "onion": onion,
                                           "cohort": cohort, "orbit_level": orbit_level}  # fmt: skip
    found = search(store_of(request).engine, q, 100 if format == "html" else 10_000, places)
    if format != "html":
        return download("members", MEMBERS, found, format)
    chosen = {k: v for k, v in places.items() if v not in (None, "")}
    return render(request, "members.html", found=found, q=q, chosen=chosen)


@router.get("/members/talents")
def talents_page(request: Request, who: Reader,
                 topic: Annotated[str, Query(max_length=200)] = "") -> Response:  # fmt: skip
    """Whom the community turns to on a topic, and the topics most members are good at
    (those read every member's talents: kept five minutes)."""
    engine = store_of(request).engine
    common = request.app.state.talents.get(str(engine.url), lambda: talents.topics(engine, 60))
    found = talents.holders(engine, topic, 100) if topic.strip() else []
    return render(request, "talents.html", topic=topic, common=common, found=found)


@router.get("/members/suggestions")
def suggestions_page(request: Request, who: Reader,
                     confidence: Annotated[float, Query(ge=0, le=1)] = 0.0,
                     format: Format = "html") -> Response:  # fmt: skip
    engine = store_of(request).engine
    groups = resolve.suggestion_groups(engine, 50, confidence)
    found = [s for g in groups for s in g.pairs]
    people = {m: profile(engine, m, recent=0) for g in groups for m in g.members}
    if format != "html":
        rows = [(s.member_a, people[s.member_a]["display_name"], s.member_b,
                 people[s.member_b]["display_name"], s.confidence, s.reasons) for s in found]  # fmt: skip
        return download("suggestions", SUGGESTIONS, rows, format)
    return render(request, "suggestions.html", groups=groups, people=people,
                  confidence=confidence)  # fmt: skip


@router.post("/members/suggestions/accept")
def accept(request: Request, who: Merger, member_a: MemberId, member_b: MemberId) -> Response:
    upkeep.merge_members(store_of(request), member_a, [member_b], who.user.email)
    return see_other("/members/suggestions")


Group = Annotated[list[int], Form(min_length=2, max_length=50)]


@router.post("/members/suggestions/accept-group")
def accept_group(request: Request, who: Merger, members: Group) -> Response:
    """One person: every member of the group merged into the first."""
    keep, *others = members
    upkeep.merge_members(store_of(request), keep, others, who.user.email)
    return see_other("/members/suggestions")


@router.post("/members/suggestions/reject-group")
def reject_group(request: Request, who: Merger, members: Group) -> Response:
    """All different people: no two of them are suggested or merged again."""
    engine = store_of(request).engine
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            resolve.reject(engine, a, b, who.user.email)
    return see_other("/members/suggestions")


@router.post("/members/suggestions/reject")
def reject(request: Request, who: Merger, member_a: MemberId, member_b: MemberId) -> Response:
    resolve.reject(store_of(request).engine, member_a, member_b, who.user.email)
    return see_other("/members/suggestions")


@router.get("/members/{member_id}")
def member_page(request: Request, member_id: MemberPathId, who: Reader) -> Response:
    try:
        m = profile(store_of(request).engine, member_id, 20)
    except MergedMember as merged:  # an old link: the person it is part of now
        return see_other(f"/members/{merged.into}")
    return render(request, "member.html", m=m)


@router.get("/members/{member_id}/export")
def export(request: Request, member_id: MemberPathId,
           who: Annotated[Principal, Depends(need("members.export"))]) -> Response:  # fmt: skip
    record = privacy.export(store_of(request).engine, member_id)
    return Response(
        orjson.dumps(record, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="member-{member_id}.json"'},
    )


@router.get("/members/{member_id}/erase")
def erase_page(request: Request, member_id: MemberPathId,
               who: Annotated[Principal, Depends(need("members.erase"))]) -> Response:  # fmt: skip
    return render(request, "erase.html", m=profile(store_of(request).engine, member_id, 0))


@router.post("/members/{member_id}/erase")
def erase(request: Request, member_id: MemberPathId,
          who: Annotated[Principal, Depends(need("members.erase"))],
          confirm: Annotated[str, Form(max_length=40)] = "",
          next: Annotated[str, Form(max_length=2000)] = "/members") -> Response:  # fmt: skip
    if confirm.strip() != str(member_id):
        m = profile(store_of(request).engine, member_id, 0)
        return render(request, "erase.html", status=400, m=m, mismatch=True)
    privacy.erase(store_of(request).engine, member_id)
    return see_other(back(next, "/members") + "?erased=" + str(member_id))


@router.post("/members/{member_id}/unmerge")
def unmerge(request: Request, member_id: MemberPathId, who: Merger,
            identity_id: Annotated[int, Form(ge=1, le=2**62)]) -> Response:  # fmt: skip
    """Take one identity out of the member (it goes back to whom it came from)."""
    upkeep.unmerge_identity(store_of(request), member_id, identity_id, who.user.email)
    return see_other(f"/members/{member_id}")
