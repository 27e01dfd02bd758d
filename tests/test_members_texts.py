"""Each identity's texts counted between members steps (veille.store.texts): the
counts follow every change of what they count (new activities, an edited activity
that changed author, enrichments rewritten, a label giving an activity its first
enrichment row, an erased member, an upgrade from revision 0020) and always equal a
count from scratch; the repeated-text bot flags of an incremental step equal those of a
pass over everyone. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from veille.enrich import labels
from veille.generate import GenerateConfig, generate
from veille.members.flags import FlagRules, flag
from veille.members.privacy import erase
from veille.pipeline import ingest
from veille.store import Store, texts
from veille.store.schema import (
    activities,
    enrichments,
    identities,
    identity_text_totals,
    identity_texts,
    members,
)
from veille.store.writer import upsert_enrichments

RULES = FlagRules(bot_min_activities=5, bot_repeat_share=0.3)
Counts = tuple[dict[tuple[int, str], int], dict[int, tuple[int, int, int]], int | None]


def _read(conn: Any) -> Counts:
    t, s = identity_texts, identity_text_totals
    copies = {(int(i), str(h)): int(n) for i, h, n in conn.execute(select(t))}
    sums = {int(i): (int(n), int(h), int(d)) for i, n, h, d in conn.execute(select(s))}
    return copies, sums, texts.mark(conn)


def _kept(store: Store) -> Counts:
    with store.engine.connect() as conn:
        return _read(conn)


def _fresh(store: Store) -> Counts:
    """The counts made from scratch now (rolled back: the kept ones stay)."""
    with store.engine.connect() as conn:
        trans = conn.begin()
        texts.build(conn)
        counts = _read(conn)
        trans.rollback()
    return counts


def _sound(store: Store) -> Counts:
    kept = _kept(store)
    assert kept == _fresh(store)
    assert kept[2] == store.last_activity_id()
    return kept


def _file(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def _flags(store: Store) -> dict[int, tuple[bool, str | None]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(members.c.id, members.c.is_bot, members.c.flags))
        return {int(m): (bool(b), f) for m, b, f in rows}


def test_texts_counted_between_steps_equal_a_count_from_scratch(
    store: Store, tmp_path: Path
) -> None:
    out = io.StringIO()
    generate(GenerateConfig(members=200, activities=1600, seed=9), out, io.StringIO())
    lines = out.getvalue().splitlines()
    # enriched, and the members step after each ingest counts what it added
    ingest(store, [_file(tmp_path / "a.ndjson", lines[:1200])], parallel=False)
    copies, sums, _ = _sound(store)
    assert sum(n for n, _, _ in sums.values()) == 1200
    assert any(h > d for _, h, d in sums.values())  # generated authors repeat themselves
    ingest(store, [_file(tmp_path / "b.ndjson", lines[1200:1400])], parallel=False)
    _sound(store)

    # enrichments rewritten for activities counted already: the heaviest writer now
    # repeats one text, another's hashes are gone
    with store.engine.connect() as conn:
        by_author = conn.execute(
            select(activities.c.identity_id, func.count())
            .group_by(activities.c.identity_id)
            .order_by(func.count().desc())
            .limit(2)
        ).all()
        heavy = [
            conn.execute(
                select(activities.c.id).where(activities.c.identity_id == i).order_by(activities.c.id)
            ).scalars().all()
            for i, _ in by_author
        ]  # fmt: skip
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        upsert_enrichments(
            conn,
            [{"activity_id": a, "text_hash": "same", "enriched_at": now} for a in heavy[0]]
            + [{"activity_id": a, "text_hash": None, "enriched_at": now} for a in heavy[1]],
        )
    copies, sums, _ = _sound(store)
    first = int(by_author[0][0])
    assert copies[(first, "same")] == len(heavy[0]) and sums[first][2] == 1

    # an edited activity, now written by another author, is counted under its new one
    edited = json.loads(lines[5])
    edited["author"] = json.loads(lines[6])["author"]
    edited["text"] = "An entirely new text, long enough to be called a copy of another one."
    report = ingest(store, [_file(tmp_path / "c.ndjson", [json.dumps(edited)])], parallel=False)
    assert report.updated == 1
    _sound(store)
    # edited again, read without enrichment: its enrichment row stays, its author moves
    edited["author"] = json.loads(lines[7])["author"]
    edited["text"] += " Edited."
    path = _file(tmp_path / "c2.ndjson", [json.dumps(edited)])
    assert ingest(store, [path], parallel=False, enrich=False).updated == 1
    _sound(store)

    # activities stored without enrichment; a label gives one its first enrichment row
    ingest(store, [_file(tmp_path / "d.ndjson", lines[1400:1500])], parallel=False, enrich=False)
    _sound(store)
    bare = store.last_activity_id()
    labels.record(store, bare, "spam", "spam", by="a manager")
    _, sums, _ = _sound(store)
    with store.engine.connect() as conn:
        author = conn.execute(select(activities.c.identity_id).where(activities.c.id == bare))
        assert sums[int(author.scalar_one())][0] >= 1

    # the member who wrote the newest activity is erased: SQLite may give its id again
    with store.engine.connect() as conn:
        newest = conn.execute(
            select(identities.c.member_id)
            .join(activities, activities.c.identity_id == identities.c.id)
            .where(activities.c.id == store.last_activity_id())
        ).scalar_one()
    before = store.last_activity_id()
    erase(store.engine, int(newest))
    assert store.last_activity_id() < before
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(enrichments)).scalar_one()
    ingest(store, [_file(tmp_path / "e.ndjson", lines[1500:])], parallel=False)
    _sound(store)

    # the flags of some members, incrementally, are those of a pass over everyone
    flag(store.engine, RULES)
    everyone = _flags(store)
    assert sum("bot:repeats" in (f or "") for _, f in everyone.values()) >= 2
    with store.engine.begin() as conn:
        conn.execute(members.update().values(is_bot=False, is_team=False, flags=None))
    some = {m for m in everyone if m % 2 == 0}
    flag(store.engine, RULES, some)
    got = _flags(store)
    assert {m: got[m] for m in some} == {m: everyone[m] for m in some}


def test_revision_0022_counts_a_stored_community(store: Store, tmp_path: Path) -> None:
    """Upgrading a store of revision 0021 counts what it holds; the next step adds to it."""
    from alembic import command

    from veille.store.engine import _alembic_config

    def to(revision: str) -> None:
        cfg = _alembic_config()
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.upgrade if revision == "head" else command.downgrade)(cfg, revision)

    out = io.StringIO()
    generate(GenerateConfig(members=100, activities=600, seed=3), out, io.StringIO())
    lines = out.getvalue().splitlines()
    to("0021")
    ingest(store, [_file(tmp_path / "a.ndjson", lines[:500])], parallel=False, members=False)
    to("head")
    copies, sums, upto = _sound(store)
    assert upto == store.last_activity_id() and sum(n for n, _, _ in sums.values()) == 500
    ingest(store, [_file(tmp_path / "b.ndjson", lines[500:])], parallel=False)
    _sound(store)
