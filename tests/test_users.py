"""Accounts: passwords kept as argon2 hashes, tokens as digests, throttled sign-in; on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from veille import users
from veille.store import Store
from veille.store.schema import api_tokens, user_sessions
from veille.store.schema import users as users_table

PASSWORD = "correct horse battery"


def test_an_account_signs_in_and_only_hashes_are_kept(store: Store) -> None:
    made = users.add(store.engine, "Ana@Example.org", PASSWORD, "manager", locale="fr")
    assert (made.email, made.role, made.locale) == ("ana@example.org", "manager", "fr")
    session = users.sign_in(store.engine, "ana@example.org", PASSWORD, "127.0.0.1")
    assert users.session(store.engine, session.token) is not None
    token = users.new_token(store.engine, "ana@example.org")
    assert users.token_user(store.engine, token) == made
    with store.engine.connect() as conn:
        stored = conn.execute(select(users_table.c.password_hash)).scalar_one()
        kept = {r[0] for r in conn.execute(select(user_sessions.c.token_hash))}
        kept |= {r[0] for r in conn.execute(select(api_tokens.c.token_hash))}
    assert stored.startswith("$argon2") and PASSWORD not in stored
    assert session.token not in kept and token not in kept and len(kept) == 2
    users.sign_out(store.engine, session.token)
    assert users.session(store.engine, session.token) is None
    assert users.token_user(store.engine, token + "x") is None


def test_wrong_passwords_are_throttled_per_email(store: Store) -> None:
    users.add(store.engine, "bo@example.org", PASSWORD, "viewer")
    now = datetime.now(UTC)
    for _ in range(users.EMAIL_FAILURES):
        with pytest.raises(users.UserError, match="wrong e-mail or password"):
            users.sign_in(store.engine, "bo@example.org", "nope nope nope", "10.0.0.1", now)
    # Even the right password is refused while the e-mail is locked...
    with pytest.raises(users.Throttled):
        users.sign_in(store.engine, "bo@example.org", PASSWORD, "10.0.0.2", now)
    # ...and accepted once the window has passed.
    later = now + users.WINDOW + timedelta(seconds=1)
    assert users.sign_in(store.engine, "bo@example.org", PASSWORD, "10.0.0.2", later).user.email


def test_unknown_emails_and_disabled_accounts_cannot_sign_in(store: Store) -> None:
    with pytest.raises(users.UserError):
        users.sign_in(store.engine, "nobody@example.org", PASSWORD, "10.0.0.3")
    users.add(store.engine, "cy@example.org", PASSWORD, "admin")
    session = users.sign_in(store.engine, "cy@example.org", PASSWORD, "10.0.0.3")
    users.set_active(store.engine, "cy@example.org", False)
    assert users.session(store.engine, session.token) is None
    with pytest.raises(users.UserError):
        users.sign_in(store.engine, "cy@example.org", PASSWORD, "10.0.0.3")


def test_bad_accounts_are_refused_with_a_reason(store: Store) -> None:
    cases = [
        (("x", PASSWORD, "admin"), {}, "e-mail"),
        (("d@example.org", "short", "admin"), {}, "at least"),
        (("d@example.org", PASSWORD, "boss"), {}, "no role"),
        (("d@example.org", PASSWORD, "department"), {}, "needs at least one department"),
        (("d@example.org", PASSWORD, "viewer"), {"locale": "de"}, "no locale"),
    ]
    for args, options, message in cases:
        with pytest.raises(users.UserError, match=message):
            users.add(store.engine, *args, **options)  # type: ignore[arg-type]
    users.add(store.engine, "d@example.org", PASSWORD, "department", departments=("sales",))
    with pytest.raises(users.UserError, match="already"):
        users.add(store.engine, "D@example.org", PASSWORD, "viewer")


def test_department_members_see_only_their_departments() -> None:
    member = users.User(1, "e@example.org", "department", ("sales",), "en")
    manager = users.User(2, "f@example.org", "manager", (), "en")
    assert member.sees_department("sales") and not member.sees_department("hr")
    assert not member.sees_department(None)
    assert manager.sees_department("hr") and manager.sees_department(None)
    assert member.can("department.act") and not member.can("inbox.act")
    assert not users.User(3, "g@example.org", "admin", (), "en", active=False).can("dashboard")
