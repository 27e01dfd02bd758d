"""Feedback reports: what the community said about a product or a concept (a topic),
with counts per week, sentiment, intent, channel and language, quotes, and who said it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from veille.inbox import feedback
from veille.web.auth import Principal, need, store_of
from veille.web.render import render
from veille.web.tables import FEEDBACK, TOPICS, Format, download, feedback_rows

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(need("dashboard"))]


@router.get("/feedback")
def topics_page(request: Request, who: Reader, format: Format = "html") -> Response:
    found = feedback.topics(store_of(request).engine)
    if format != "html":
        return download("feedback", TOPICS, found, format)
    return render(request, "feedback.html", topics=found)


@router.get("/feedback/{name}")
def report_page(request: Request, name: str, who: Reader, format: Format = "html") -> Response:
    try:
        report = feedback.report(store_of(request).engine, name)
    except feedback.TopicError as exc:
        raise LookupError(str(exc)) from exc
    if format != "html":
        return download(f"feedback-{name}", FEEDBACK, feedback_rows(report), format)
    return render(request, "feedback_report.html", r=report)
