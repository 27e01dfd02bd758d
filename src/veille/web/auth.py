"""Who is asking, and may they: the session cookie or a bearer token, the role's
permission (:data:`veille.users.PERMISSIONS`), and CSRF on every change a browser makes.

A browser's change (any method but GET/HEAD) must carry its session's CSRF token, in
the form field ``csrf`` or the ``X-CSRF-Token`` header; a script with a bearer token
sends no cookie, so it cannot be tricked into a change and needs none.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from veille import users
from veille.store import Store

COOKIE = "veille_session"
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Principal:
    user: users.User
    session: users.Session | None

    @property
    def csrf(self) -> str:
        return self.session.csrf if self.session else ""


class SignInNeeded(Exception):
    """No valid session or token: pages send to the sign-in page, the API answers 401."""


class NotAllowed(Exception):
    """Signed in, but the role may not do this (403)."""


class BadCsrf(Exception):
    """A browser's change without its session's CSRF token (403)."""


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def _given_csrf(request: Request) -> str | None:
    """The CSRF token a change carries (header, or the form field); reading the form is
    the one step that must wait on the request, so it alone is asynchronous."""
    if request.method in SAFE:
        return None
    given = request.headers.get("x-csrf-token")
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get("csrf")
        given = value if isinstance(value, str) else None
    return given


def principal(request: Request, given: Annotated[str | None, Depends(_given_csrf)]) -> Principal:
    """The signed-in user, checked; CSRF checked for a browser's changes. Synchronous:
    FastAPI runs it in its thread pool, so the database is never read on the event loop."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    engine = store_of(request).engine
    token = _bearer(request)
    if token is not None:
        user = users.token_user(engine, token)
        if user is None:
            raise SignInNeeded()
        found = Principal(user, None)
    else:
        cookie = request.cookies.get(COOKIE)
        session = users.session(engine, cookie) if cookie else None
        if session is None:
            raise SignInNeeded()
        found = Principal(session.user, session)
        if request.method not in SAFE and not (given and hmac.compare_digest(given, session.csrf)):
            raise BadCsrf()
    request.state.principal = found
    return found


def need(permission: str) -> Callable[[Request, Principal], Principal]:
    """A dependency: the principal, if their role has ``permission``."""

    def check(request: Request, who: Annotated[Principal, Depends(principal)]) -> Principal:
        if not who.user.can(permission):
            raise NotAllowed()
        return who

    check.__name__ = f"need_{permission.replace('.', '_')}"
    return check
