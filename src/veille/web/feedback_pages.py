"""Feedback reports: what the community said about a product or a concept (a topic),
with counts per week, sentiment, intent, channel and language, quotes, and who said it.
Managers and admins add, change and remove topics here too."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from veille.inbox import feedback
from veille.web.auth import Principal, need, store_of
from veille.web.pages import see_other
from veille.web.render import render
from veille.web.tables import FEEDBACK, TOPICS, Format, download, feedback_rows

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(need("dashboard"))]
Editor = Annotated[Principal, Depends(need("watches.edit"))]


def _page(request: Request, status: int = 200, **extra: object) -> Response:
    context = {"draft": {}, "error": None, "field": None, **extra}
    topics = feedback.topics(store_of(request).engine)
    return render(request, "feedback.html", status=status, topics=topics, **context)


@router.get("/feedback")
def topics_page(request: Request, who: Reader, format: Format = "html",
                edit: Annotated[str | None, Query(max_length=100)] = None) -> Response:  # fmt: skip
    """The topics; ``edit``: one's form filled in (editors)."""
    if format != "html":
        return download("feedback", TOPICS, feedback.topics(store_of(request).engine), format)
    draft: dict[str, str] = {}
    if edit and who.user.can("watches.edit"):
        try:
            topic = feedback.get(store_of(request).engine, edit)
        except feedback.TopicError as exc:
            raise LookupError(str(exc)) from exc
        draft = {"name": topic.name, "words": "\n".join(topic.words),
                 "since": topic.since.date().isoformat() if topic.since else ""}  # fmt: skip
    return _page(request, draft=draft)


@router.post("/feedback/topics")
def save_topic(request: Request, who: Editor, name: Annotated[str, Form(max_length=100)],
               words: Annotated[str, Form(max_length=20_000)],
               since: Annotated[str, Form(max_length=40)] = "") -> Response:  # fmt: skip
    """Add a topic, or change the one of that name; a mistake shown by its field."""
    try:
        topic = feedback.add_from_text(store_of(request).engine, name, words, since, who.user.email)
    except feedback.TopicError as exc:
        draft = {"name": name, "words": words, "since": since}
        return _page(request, status=400, draft=draft, error=str(exc), field=exc.field)
    return see_other(f"/feedback/{quote(topic.name, safe='')}")


@router.post("/feedback/topics/remove")
def remove_topic(request: Request, who: Editor,
                 name: Annotated[str, Form(max_length=100)]) -> Response:  # fmt: skip
    try:
        feedback.remove(store_of(request).engine, name)
    except feedback.TopicError as exc:
        raise LookupError(str(exc)) from exc
    return see_other("/feedback")


@router.get("/feedback/{name}")
def report_page(request: Request, name: str, who: Reader, format: Format = "html") -> Response:
    try:
        report = feedback.report(store_of(request).engine, name)
    except feedback.TopicError as exc:
        raise LookupError(str(exc)) from exc
    if format != "html":
        return download(f"feedback-{name}", FEEDBACK, feedback_rows(report), format)
    unit, shown = feedback.periods(report)
    return render(request, "feedback_report.html", r=report, unit=unit, shown=shown)
