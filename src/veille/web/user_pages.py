"""The accounts page (admins only): who may use the workbench, with which role."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from veille import users
from veille.web.auth import Principal, need, store_of
from veille.web.pages import see_other
from veille.web.render import render
from veille.web.tables import USERS, Format, download

router = APIRouter(include_in_schema=False)
Admin = Annotated[Principal, Depends(need("users.admin"))]


@router.get("/users")
def users_page(request: Request, who: Admin, format: Format = "html") -> Response:
    accounts = users.listing(store_of(request).engine)
    if format != "html":
        return download("users", USERS, accounts, format)
    return render(request, "users.html", accounts=accounts,
                  roles=users.ROLES, error=None)  # fmt: skip


@router.post("/users")
def add_user(request: Request, who: Admin, email: Annotated[str, Form(max_length=200)],
             password: Annotated[str, Form(max_length=1000)],
             role: Annotated[Literal["admin", "manager", "department", "viewer"], Form()],
             departments: Annotated[str, Form(max_length=500)] = "",
             locale: Annotated[Literal["fr", "en"], Form()] = "en") -> Response:  # fmt: skip
    engine = store_of(request).engine
    wanted = tuple(d.strip() for d in departments.split(",") if d.strip())
    try:
        users.add(engine, email, password, role, departments=wanted, locale=locale)
    except users.UserError as exc:
        return render(request, "users.html", status=400, accounts=users.listing(engine),
                      roles=users.ROLES, error=str(exc))  # fmt: skip
    return see_other("/users")


@router.post("/users/active")
def set_active(request: Request, who: Admin, email: Annotated[str, Form(max_length=200)],
               active: Annotated[bool, Form()] = False) -> Response:  # fmt: skip
    if email.strip().lower() == who.user.email and not active:
        raise users.UserError("you cannot disable your own account")
    users.set_active(store_of(request).engine, email, active)
    return see_other("/users")
