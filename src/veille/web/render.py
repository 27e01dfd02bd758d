"""Pages from Jinja2 templates, autoescaped, in the user's language."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from veille.enrich.intent import INTENTS
from veille.web.i18n import Language


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("veille.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals["intents"] = INTENTS  # the inbox's filter offers them by name
    return env


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The page, with the signed-in user (if any), their language and CSRF token."""
    who = getattr(request.state, "principal", None)
    locale = who.user.locale if who is not None else _accepted(request)
    html = environment().get_template(template).render(
        request=request, who=who, csrf=who.csrf if who else "", _=Language(locale),
        lang=locale, path=request.url.path, **context,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status)


def _accepted(request: Request) -> str:
    """Before sign-in: French when the browser prefers it to English."""
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith(("fr", "en")):
            return tag[:2]
    return "en"
