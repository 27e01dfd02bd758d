"""Settings a community manager changes from the browser: the departments the inbox
routes to, and the routing rules (a whole rules file, checked before it is put in force;
the rules in force stay as they were when it has an error)."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import Engine, select

from veille.inbox import departments
from veille.inbox.routing import load_rules, rules_in_force
from veille.inbox.rules import RulesError
from veille.store.schema import departments as departments_table
from veille.web.auth import Principal, need, store_of
from veille.web.pages import see_other
from veille.web.render import render

router = APIRouter(include_in_schema=False)
Editor = Annotated[Principal, Depends(need("settings.edit"))]


def _page(request: Request, engine: Engine, status: int = 200, **extra: object) -> Response:
    with engine.connect() as conn:
        known = conn.execute(
            select(departments_table.c.name, departments_table.c.label)
            .order_by(departments_table.c.name)
        ).all()  # fmt: skip
    ruleset = rules_in_force(engine)
    shown = json.dumps(json.loads(ruleset.to_json()), indent=2, ensure_ascii=False) if ruleset else ""
    context = {"departments": known, "rules": shown, "error": None, "draft": "", **extra}
    return render(request, "settings.html", status=status, **context)


@router.get("/settings")
def settings_page(request: Request, who: Editor) -> Response:
    return _page(request, store_of(request).engine)


@router.post("/settings/departments")
def add_department(request: Request, who: Editor, name: Annotated[str, Form(max_length=50)],
                   label: Annotated[str, Form(max_length=200)] = "") -> Response:  # fmt: skip
    engine = store_of(request).engine
    try:
        departments.add(engine, name.strip(), label.strip() or None)
    except departments.DepartmentError as exc:
        return _page(request, engine, status=400, error=str(exc))
    return see_other("/settings")


@router.post("/settings/departments/remove")
def remove_department(request: Request, who: Editor,
                      name: Annotated[str, Form(max_length=50)]) -> Response:  # fmt: skip
    engine = store_of(request).engine
    try:
        departments.remove(engine, name)
    except departments.DepartmentError as exc:
        return _page(request, engine, status=400, error=str(exc))
    return see_other("/settings")


@router.post("/settings/rules")
def put_rules(request: Request, who: Editor,
              text: Annotated[str, Form(max_length=200_000)]) -> Response:  # fmt: skip
    """Check the rules file whole and put it in force, or show what is wrong in it."""
    store = store_of(request)
    with tempfile.TemporaryDirectory(prefix="veille-rules-") as folder:
        path = os.path.join(folder, "rules.toml")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            load_rules(store, path, by=who.user.email)
        except RulesError as exc:
            message = str(exc).replace(path, "rules")
            return _page(request, store.engine, status=400, error=message, draft=text)
    return see_other("/settings")
