"""Engagement and segments: exact figures on small hand-built communities, the six
segments on a generated one, incremental refresh equal to a full one, on SQLite and
PostgreSQL."""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from sqlalchemy import bindparam, delete, func, select, update

from veille.enrich.intent import IntentEnricher
from veille.enrich.keywords import KeywordEnricher
from veille.enrich.rerun import enrich_stored
from veille.generate import GenerateConfig, generate
from veille.members import engagement, kept, segments
from veille.members.engagement import Measures, refresh
from veille.members.rules import SEGMENTS, MemberRules, from_mapping
from veille.members.segments import shares
from veille.model import ActivityKind, Author, Item
from veille.pipeline import ingest
from veille.store import Store, reads
from veille.store.reads import iter_members, newest_activity
from veille.store.schema import activities, channels, identities, member_stats, members
from veille.store.writer import upsert_enrichments

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
BRAND = MemberRules(brand_keywords=("kelvio",), brand_channels=("kelvio-blog",))

# A hand-built activity: (channel, id, kind, author, days before NOW, parent, text, enrichment)
Act = tuple[str, str, str, str, float, str | None, str, dict[str, Any]]


def _put(store: Store, acts: Sequence[Act], before: Sequence[Act] = ()) -> dict[str, int]:
    """Store the activities and their enrichments (``before``: the activities of their
    threads already stored or still to come); return member ids by username."""
    by_id = {a[1]: a for a in (*before, *acts)}

    def root(native: str) -> str:
        parent = by_id[native][5]
        return native if parent is None else root(parent)

    items = [
        Item(
            channel=ch,
            native_id=nid,
            kind=ActivityKind(kind),
            created_at=NOW - timedelta(days=ago),
            author=Author(username=who),
            format="ndjson",
            text=text,
            parent_id=parent,
            thread_id=None if parent is None else root(nid),
        )
        for ch, nid, kind, who, ago, parent, text, _ in acts
    ]
    store.write(items)
    with store.engine.begin() as conn:
        ids = {
            (c, n): int(a)
            for a, c, n in conn.execute(
                select(activities.c.id, channels.c.name, activities.c.native_id).join(channels)
            )
        }
        upsert_enrichments(
            conn,
            [
                {
                    "activity_id": ids[(a[0], a[1])],
                    "spam": False,
                    "intent": None,
                    "keywords": None,
                    **a[7],
                    "enriched_at": NOW,
                }
                for a in acts
            ],
        )
        return {
            str(u): int(m)
            for u, m in conn.execute(select(identities.c.username, identities.c.member_id))
        }


def _stats(store: Store) -> dict[int, dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(member_stats)).mappings().all()
    out = {}
    for r in rows:
        d = dict(r)
        for k in ("counts", "segment_reasons", "talent_topics"):
            d[k] = orjson.loads(d[k]) if d[k] else None
        d.pop("computed_at")
        d.pop("state")  # compared by _states
        out[int(d["member_id"])] = d
    return out


def _flag(store: Store, team: list[int] = [], bots: list[int] = []) -> None:  # noqa: B006
    with store.engine.begin() as conn:
        conn.execute(update(members).values(is_team=False, is_bot=False))
        conn.execute(update(members).where(members.c.id.in_(team)).values(is_team=True))
        conn.execute(update(members).where(members.c.id.in_(bots)).values(is_bot=True))


def test_replies_partners_reach_love_and_spam(store: Store) -> None:
    q = {"intent": "question", "keywords": '["pairing"]'}
    m = _put(
        store,
        [
            ("forum", "t1", "post", "alice", 10, None, "How do I pair it?", q),
            (
                "forum",
                "r1",
                "reply",
                "bob",
                9,
                "t1",
                "Hold the button.",
                {"keywords": '["Button"]'},
            ),
            ("forum", "r2", "reply", "carol", 8, "r1", "Worked for me too.", {}),
            ("forum", "r3", "reply", "alice", 8, "r1", "Thanks, it works!", {"intent": "praise"}),
            ("forum", "r4", "reaction", "dave", 7, "r1", "", {}),
            ("forum", "s1", "mention", "dave", 6, None, "Ask @Bob, he knows.", {}),
            ("forum", "x1", "reply", "bob", 5, "t1", "cheap pills", {"spam": True}),
            ("forum", "b1", "reply", "robot", 4, "r1", "Auto-reply.", {}),
        ],
    )
    _flag(store, bots=[m["robot"]])
    assert refresh(store.engine, now=NOW) == 5
    s = _stats(store)
    alice, bob, carol, dave = (s[m[u]] for u in ("alice", "bob", "carol", "dave"))
    assert alice["activity_count"] == 2 and alice["counts"]["kinds"] == {"post": 1, "reply": 1}
    assert (alice["replies_given"], alice["replies_received"], alice["partners"]) == (1, 1, 1)
    assert (alice["threads_started"], alice["reach"]) == (1, 1)
    # the spam reply and the bot's reply do not count; carol, alice and dave's mention do
    assert bob["activity_count"] == 1
    assert (bob["replies_given"], bob["replies_received"], bob["partners"]) == (1, 2, 2)
    assert bob["reach"] == 3
    assert (carol["replies_given"], carol["replies_received"], carol["reach"]) == (1, 0, 0)
    assert dave["counts"]["kinds"] == {"reaction": 1, "mention": 1}
    assert dave["replies_given"] == 0  # a reaction is no reply
    # Orbit love: weight x 0.5 ** (age / 90 days)
    assert alice["love"] == pytest.approx(3 * 0.5 ** (10 / 90) + 2 * 0.5 ** (8 / 90), abs=1e-3)
    assert bob["last_seen"] == NOW - timedelta(days=9)
    assert (alice["active_30"], alice["active_90"]) == (2, 2)
    assert s[m["robot"]]["segment"] is None and s[m["robot"]]["orbit_level"] is None
    # bob answered alice's question and she thanked him (2 points on its topic); his
    # answer got two replies (2 points on its own)
    refresh(store.engine, MemberRules(talent_min_score=2), now=NOW)
    bob = _stats(store)[m["bob"]]
    assert bob["talent_topics"] == ["button", "pairing"]
    assert "talent: 1 answers to others' questions (1 thanked)" in bob["segment_reasons"][-1]


def _answered(n: int, expert: str, topic: str) -> list[Act]:
    """A question on ``topic`` by a one-off asker, and ``expert``'s answer (1 point)."""
    ask = {"intent": "question", "keywords": json.dumps([topic])}
    return [
        ("forum", f"q{n}", "post", f"asker{n}", 10, None, "How do I do it?", ask),
        ("forum", f"a{n}", "reply", expert, 9, f"q{n}", "Like this.", {}),
    ]


def _answers(start: int, expert: str, topic: str, k: int) -> list[Act]:
    return [a for n in range(start, start + k) for a in _answered(n, expert, topic)]


def test_talent_topics_put_what_few_members_share_first(store: Store) -> None:
    """Ann answered four questions on "code", which three others answer too, and three
    on "ntp", which no one else does: "ntp" is what distinguishes her (3 x ln(1 + 4/1)
    against 4 x ln(1 + 4/4)), though "code" has more points. A member below the minimum
    score on a topic has no talent there, however rare it is."""
    m = _put(
        store,
        _answers(0, "ann", "code", 4)
        + _answers(10, "ann", "ntp", 3)
        + _answers(20, "bob", "code", 3)
        + _answers(30, "carl", "code", 3)
        + _answers(40, "dora", "code", 3)
        + _answers(50, "dora", "gps", 2),
    )
    refresh(store.engine, now=NOW)
    s = _stats(store)
    assert s[m["ann"]]["talent_topics"] == ["ntp", "code"]
    assert s[m["ann"]]["segment_reasons"][-1].endswith(
        "topics by points x rarity among members (points): ntp (3), code (4)"
    )
    assert s[m["dora"]]["talent_topics"] == ["code"]  # "gps": 2 points, below 3
    refresh(store.engine, MemberRules(talent_max_topics=1), now=NOW)
    assert _stats(store)[m["ann"]]["talent_topics"] == ["ntp"]


def test_talents_others_take_up_reorder_an_untouched_members_topics(store: Store) -> None:
    """Three members start answering on "ntp": Ann, whom the ingest does not touch, now
    shares it with them, and "code" (held by three) comes first again; the incremental
    step gives her, and everyone, the topics a full step gives."""
    m = _put(
        store,
        _answers(0, "ann", "code", 4)
        + _answers(10, "ann", "ntp", 3)
        + _answers(20, "bob", "code", 3)
        + _answers(30, "carl", "code", 3),
    )
    refresh(store.engine, now=NOW)
    assert _stats(store)[m["ann"]]["talent_topics"] == ["ntp", "code"]
    m = _put(
        store,
        _answers(40, "bob", "ntp", 3) + _answers(50, "carl", "ntp", 3)
        + _answers(60, "dora", "ntp", 3),
    )  # fmt: skip
    touched = {v for k, v in m.items() if k != "ann" and not k.startswith("asker")}
    touched |= {m[f"asker{n}"] for n in range(40, 70) if f"asker{n}" in m}
    refresh(store.engine, now=NOW, member_ids=touched)
    incremental = _stats(store)
    assert incremental[m["ann"]]["talent_topics"] == ["code", "ntp"]
    assert incremental[m["ann"]]["segment_reasons"][-1].endswith("code (4), ntp (3)")
    refresh(store.engine, now=NOW)
    _same(incremental, _stats(store))


def test_export_and_stats_count_what_the_profile_counts(store: Store) -> None:
    """The export's counts and dates and ``veille stats``' most active members leave out
    spam and posts scheduled ahead, as engagement (the profile, the members page) does;
    bots are left out of the most active before the cut, not after."""
    m = _put(
        store,
        [
            ("forum", "p1", "post", "alice", 10, None, "Hello.", {}),
            ("forum", "p2", "post", "alice", 5, None, "Again.", {}),
            ("forum", "s1", "reply", "alice", 3, "p1", "cheap pills", {"spam": True}),
            ("forum", "f1", "post", "alice", -400, None, "Scheduled ahead.", {}),
        ]
        + [
            ("forum", f"b{k}", "post", "robot", 4, None, f"Build {k} passed.", {}) for k in range(5)
        ],
    )
    _flag(store, bots=[m["robot"]])
    refresh(store.engine)
    shown = _stats(store)[m["alice"]]
    exported = {r["member_id"]: r for r in iter_members(store.engine)}[m["alice"]]
    assert shown["activity_count"] == exported["activity_count"] == 2
    assert exported["first_seen"] == shown["first_seen"].isoformat()
    assert exported["last_seen"] == shown["last_seen"].isoformat()
    assert exported["last_seen"] == (NOW - timedelta(days=5)).isoformat()
    assert reads.stats(store.engine, top=1).top_members == [(m["alice"], "alice", 2)]


def test_decayed_love_and_orbit_levels(store: Store) -> None:
    m = _put(
        store,
        [("forum", f"p{i}", "post", "old", 90, None, "x", {}) for i in range(4)]
        + [("forum", "n1", "post", "new", 0, None, "x", {})],
    )
    rules = MemberRules(orbit_1_love=20, orbit_2_love=5, orbit_3_love=2)
    refresh(store.engine, rules, now=NOW)
    s = _stats(store)
    assert s[m["old"]]["love"] == pytest.approx(4 * 3 * 0.5, abs=1e-3)  # one half-life old
    assert s[m["old"]]["orbit_level"] == 2 and s[m["new"]]["orbit_level"] == 3
    assert "love 6.0" in s[m["old"]]["segment_reasons"][1]


def _series(who: str, days: list[int]) -> list[Act]:
    return [("forum", f"{who}{d}", "post", who, d, None, "x", {}) for d in days]


def test_onion_and_cohorts(store: Store) -> None:
    m = _put(
        store,
        _series("a", list(range(10, 60)))  # 50, silent for 10 days
        + _series("b", [0, *range(31, 60)])  # 30, seen today
        + _series("c", [1, *range(100, 109)])  # 10, back after a long silence
        + _series("d", [2, 3, 4, 5, 6])  # 5, first seen 6 days ago
        + _series("e", [60, 61, 62, 63, 64]),  # 5, gone for 60 days
    )
    refresh(store.engine, now=NOW)
    s = {u: _stats(store)[m[u]] for u in "abcde"}
    # 100 activities: a (50) and b (30) make the first 80%, c and one of the fives the
    # next 15%, the other five (the higher member id) the last 5%
    assert [s[u]["onion"] for u in "abc"] == ["core", "core", "regular"]
    first, second = sorted("de", key=lambda u: m[u])
    assert (s[first]["onion"], s[second]["onion"]) == ("regular", "casual")
    assert {u: s[u]["cohort"] for u in "abcde"} == {
        "a": "recently_inactive",  # in the top quarter, silent 10 days
        "b": "active",
        "c": "returning",
        "d": "new",
        "e": "churned",
    }
    assert s["a"]["segment"] == "communicators"
    assert any(
        r.startswith("cohort recently_inactive: silent 10 days") for r in s["a"]["segment_reasons"]
    )
    assert s["e"]["segment"] == "participants"  # 5 posts on 5 days: medium engagement
    assert shares(store.engine)["onion"][0].members == 2


def test_a_post_scheduled_years_ahead_does_not_make_everyone_dormant(store: Store) -> None:
    # A WordPress export carries its scheduled posts (the theme unit test data has one
    # dated 2030): the store's present is its newest activity that has happened.
    scheduled = ("kelvio-blog", "soon", "post", "brand", -365 * 50, None, "x", {})
    m = _put(store, _series("b", [0, *range(31, 60)]) + _series("e", [60, 61, 62]) + [scheduled])
    with store.engine.connect() as conn:
        assert newest_activity(conn) == NOW
        assert newest_activity(conn, NOW - timedelta(days=1)) == NOW - timedelta(days=31)
    refresh(store.engine)  # the present as the store says it
    by_default = _stats(store)
    assert (by_default[m["b"]]["cohort"], by_default[m["e"]]["cohort"]) == ("active", "churned")
    refresh(store.engine, now=NOW)
    assert _stats(store) == by_default


def test_consultative_member_asks_the_brand(store: Store) -> None:
    q = {"intent": "question"}
    m = _put(
        store,
        [
            ("forum", "q1", "post", "quinn", 20, None, "How can I reset it?", q),
            ("forum", "a1", "reply", "staff", 19, "q1", "Hold reset 10 s.", {}),
            ("forum", "q2", "post", "quinn", 5, None, "How do I add a room?", q),
            ("forum", "a2", "reply", "staff", 5, "q2", "In settings.", {}),
            ("forum", "q3", "post", "rita", 20, None, "How can I dim it?", q),
            ("forum", "q4", "post", "rita", 5, None, "How do I mute it?", q),
            ("forum", "q5", "post", "sam", 4, None, "How to pair with the Kelvio hub?", q),
            ("forum", "q6", "post", "sam", 3, None, "Any idea?", q),
            ("forum", "k1", "reply", "tom", 3, "q6", "I love the Kelvio One", {}),
        ],
    )
    _flag(store, team=[m["staff"]])
    refresh(store.engine, MemberRules(brand_keywords=("kelvio",)), now=NOW)
    s = _stats(store)
    assert s[m["quinn"]]["segment"] == "consultative"  # answered by the team
    assert "2 put to the brand" in s[m["quinn"]]["segment_reasons"][0]
    assert s[m["rita"]]["segment"] == "reserved"  # asks peers only, and little
    assert s[m["sam"]]["segment"] == "consultative"  # names the brand
    assert s[m["sam"]]["brand_interactions"] == 1
    assert s[m["tom"]]["brand_interactions"] == 1
    staff = s[m["staff"]]
    assert (staff["segment"], staff["orbit_level"], staff["onion"], staff["cohort"]) == (
        None,
        0,
        None,
        None,
    )
    assert staff["activity_count"] == 2
    # the team's replies count as replies received, but not as reach
    assert (s[m["quinn"]]["replies_received"], s[m["quinn"]]["reach"]) == (2, 0)
    refresh(store.engine, MemberRules(include_team=True), now=NOW)
    staff = _stats(store)[m["staff"]]
    assert staff["segment"] is not None and staff["orbit_level"] == 0


def test_incremental_refresh_sees_replies_stored_before_what_they_answer(store: Store) -> None:
    q, praise = {"intent": "question", "keywords": '["pairing"]'}, {"intent": "praise"}
    first: list[Act] = [
        ("forum", "s0", "post", "staff", 25, None, "Welcome", {}),
        ("forum", "p5", "post", "bob", 30, None, "My setup", {"keywords": '["setup"]'}),
        ("forum", "q1", "post", "alice", 20, None, "How do I pair it?", q),
        ("forum", "a1", "reply", "bob", 19, "q1", "Hold the button.", {}),
        ("forum", "c2", "reply", "carol", 18, "r9", "Same here", {}),  # r9 comes later
        ("forum", "m1", "mention", "dave", 17, None, "cc @alice", {}),
        ("forum", "z1", "reply", "frank", 2, "x1", "Indeed", {}),  # x1 too
        ("forum", "y2", "reply", "gina", 9, "y1", "Try a reset", {}),  # y1 too
        ("forum", "y3", "reply", "ivan", 8, "y2", "A reset did it", {}),
    ]
    then: list[Act] = [
        ("forum", "r9", "reply", "erin", 18.5, "q1", "Did you try?", {}),
        ("forum", "th", "reply", "alice", 5, "a1", "Thanks, it works!", praise),
        ("forum", "s1", "reply", "staff", 4, "q1", "See the manual", {}),
        ("forum", "j1", "reply", "carol", 3, "p5", "Nice setup", {}),
        ("forum", "x1", "post", "hank", 2.5, None, "Kelvio rocks, @bob", {}),
        ("forum", "y1", "post", "hank", 10, None, "Why does it blink?", q),
    ]
    m = _put(store, first, then)
    _flag(store, team=[m["staff"]])
    refresh(store.engine, BRAND, now=NOW)
    m = _put(store, then, first)
    new = {m[u] for u in ("erin", "alice", "staff", "carol", "hank")}
    refresh(store.engine, BRAND, now=NOW, member_ids=new)
    incremental, kept = _stats(store), _states(store)
    refresh(store.engine, BRAND, now=NOW)
    full, fresh = _stats(store), _states(store)
    _same(incremental, full)
    for k, want in fresh.items():
        assert kept[k]["love"] == pytest.approx(want["love"], rel=1e-9)
        assert {f: v for f, v in kept[k].items() if f != "love" and v != want[f]} == {}, k
    bob = full[m["bob"]]
    assert (bob["replies_received"], bob["reach"], fresh[m["bob"]]["thanked"]) == (2, 3, 1)
    assert fresh[m["ivan"]]["answers"] == 1  # in a thread asking, known since


def test_a_new_identity_merged_into_a_member_adds_to_its_kept_state(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member who gains an identity created since the last refresh (a new identity
    merged in) is measured from its kept state plus the new activities, not from its
    whole history (and a new member starts from nothing); an old identity moving in
    still makes it count everything again.
    Either way every figure and what is kept equal a full refresh's."""
    q = {"intent": "question", "keywords": '["pairing"]'}
    first: list[Act] = [
        ("forum", "p1", "post", "alice", 20, None, "How do I pair it?", q),
        ("forum", "r1", "reply", "bob", 19, "p1", "Hold the button.", {}),
        ("forum", "p2", "post", "carol", 15, None, "Kelvio news, @alice", {}),
        ("forum", "r2", "reply", "alice", 14, "p2", "Great", {}),
        ("forum", "p3", "post", "erin", 12, None, "Hello", {}),
    ]
    then: list[Act] = [
        ("forum", "w1", "reply", "alice_work", 3, "r1", "Thanks, it works!", {"intent": "praise"}),
        ("forum", "w2", "post", "alice_work", 2, None, "Pairing tips, @bob", q),
        ("forum", "w3", "reply", "dave", 1, "w2", "Useful", {}),
        ("forum", "w4", "reply", "alice_work", 1, "p2", "Indeed", {}),
    ]
    m = _put(store, first)
    refresh(store.engine, BRAND, now=NOW)
    m = _put(store, then, first)
    recomputed: list[int] = []
    real = engagement._recompute

    def spy(conn: Any, ctx: Any, ids: Any, *args: Any) -> Any:
        recomputed.extend(ids.tolist())
        return real(conn, ctx, ids, *args)

    monkeypatch.setattr(engagement, "_recompute", spy)
    with store.engine.begin() as conn:  # as identity resolution merges alice_work into alice
        conn.execute(
            update(identities)
            .where(identities.c.member_id == m["alice_work"])
            .values(member_id=m["alice"])
        )
    asked = {m["alice"], m["alice_work"], m["dave"]}
    refresh(store.engine, BRAND, now=NOW, member_ids=asked)
    assert recomputed == []  # dave, new, starts from nothing
    incremental, kept_ = _stats(store), _states(store)
    refresh(store.engine, BRAND, now=NOW)
    full, fresh = _stats(store), _states(store)
    _same(incremental, full)
    assert kept_[m["alice"]]["identities"] == fresh[m["alice"]]["identities"]
    assert len(fresh[m["alice"]]["identities"]) == 2
    for k, want in fresh.items():
        got = kept_[k]
        assert got["love"] == pytest.approx(want["love"], rel=1e-9)
        for part in ("partners", "reach", "recent", "kinds", "channels", "mentioned_by"):
            got[part], want[part] = sorted(got[part]), sorted(want[part])
        assert {f: v for f, v in got.items() if f != "love" and v != want[f]} == {}, k
    alice = full[m["alice"]]
    assert alice["activity_count"] == 5 and alice["replies_given"] == 3

    # an old identity (erin's) moving to alice: her kept state no longer holds
    recomputed.clear()
    with store.engine.begin() as conn:
        conn.execute(
            update(identities)
            .where(identities.c.member_id == m["erin"])
            .values(member_id=m["alice"])
        )
    refresh(store.engine, BRAND, now=NOW, member_ids={m["erin"], m["alice"]})
    assert m["alice"] in recomputed
    incremental = _stats(store)
    refresh(store.engine, BRAND, now=NOW)
    _same(incremental, _stats(store))


def test_incremental_refresh_counts_activities_stored_ahead_of_their_date(store: Store) -> None:
    """An activity stored before a refresh but dated after its ``now`` counts at the
    first refresh whose ``now`` reaches it, though nothing was stored since."""
    acts: list[Act] = [
        ("forum", "p1", "post", "alice", 10, None, "Hello", {}),
        ("forum", "p2", "post", "bob", -1, None, "Tomorrow's news", {}),
        ("forum", "r2", "reply", "carol", -1.5, "p2", "Read it", {}),
    ]
    m = _put(store, acts)
    refresh(store.engine, BRAND, now=NOW)
    assert _stats(store)[m["bob"]]["activity_count"] == 0
    later = NOW + timedelta(days=2)
    refresh(store.engine, BRAND, now=later, member_ids=[])
    incremental = _stats(store)
    refresh(store.engine, BRAND, now=later)
    full = _stats(store)
    bob, carol = m["bob"], m["carol"]
    assert (incremental[bob]["activity_count"], incremental[bob]["replies_received"]) == (1, 1)
    _same({k: incremental[k] for k in (bob, carol)}, {k: full[k] for k in (bob, carol)})


# -- a generated community ----------------------------------------------------------------
@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[bytes], list[dict[str, Any]]]:
    out, truth = io.StringIO(), io.StringIO()
    generate(GenerateConfig(members=300, activities=2000, days=365, seed=4), out, truth)
    lines = [x.encode() for x in out.getvalue().splitlines()]
    return lines, [json.loads(x) for x in truth.getvalue().splitlines()]


def _ingest(store: Store, tmp: Path, lines: list[bytes], truth: list[dict[str, Any]]) -> None:
    """Ingest, read intents and keywords (the enrichers segments use), and flag the
    team and the bots the generator says, whatever identity resolution decided."""
    path = tmp / "part.ndjson"
    path.write_bytes(b"\n".join(lines) + b"\n")
    ingest(store, [path], parallel=False, enrich=False)
    enrich_stored(store, chain=[KeywordEnricher(), IntentEnricher()])
    with store.engine.connect() as conn:
        ids = {
            (c, k): int(mid)
            for c, k, mid in conn.execute(
                select(channels.c.name, identities.c.key, identities.c.member_id).join(channels)
            )
        }
    team, bots = [], []
    for t in truth:
        mid = ids.get((t["channel"], Author(**t["author"]).key()))
        if mid is not None and t["role"] in ("staff", "brand"):
            team.append(mid)
        elif mid is not None and t["role"] == "bot":
            bots.append(mid)
    _flag(store, team, bots)


def _newest(lines: list[bytes]) -> datetime:
    return max(datetime.fromisoformat(orjson.loads(x)["created_at"]) for x in lines)


def test_generated_community_has_all_six_segments(
    store: Store, tmp_path: Path, generated: tuple[list[bytes], list[dict[str, Any]]]
) -> None:
    lines, truth = generated
    _ingest(store, tmp_path, lines, truth)
    n = refresh(store.engine, BRAND)
    with store.engine.connect() as conn:
        assert n == conn.execute(select(func.count()).select_from(member_stats)).scalar()
        team = conn.execute(select(func.count()).where(members.c.is_team.is_(True))).scalar()
    got = shares(store.engine)
    segs = {x.name: x for x in got["segment"]}
    assert list(segs) == list(SEGMENTS)
    assert all(x.members > 0 and x.share < 0.6 for x in segs.values()), segs
    assert math.isclose(sum(x.share for x in segs.values()), 1.0)
    levels = {x.name: x.members for x in got["orbit_level"]}
    # a small, sparse community: no one reaches ambassador love (40) with the defaults
    assert levels["0"] == team and 0 < levels["2"] < levels["3"] < levels["4"]
    assert [x.name for x in got["cohort"] if x.members == 0] == []
    s = _stats(store)
    placed = [r for r in s.values() if r["segment"] is not None]
    assert all(len(r["segment_reasons"]) >= 4 for r in placed)
    core = [r for r in placed if r["onion"] == "core"]
    window = sum(r["counts"]["window"] for r in placed)
    assert sum(r["counts"]["window"] for r in core) >= 0.8 * window
    assert len(core) < len(placed) / 2
    assert any(r["talent_topics"] for r in placed)
    assert all(r["segment"] is None for r in s.values() if r["orbit_level"] == 0)


def _items(lines: list[bytes]) -> list[Item]:
    items = []
    for raw in lines:
        d = orjson.loads(raw)
        items.append(
            Item(
                channel=d["channel"],
                native_id=d["id"],
                kind=ActivityKind(d["kind"]),
                created_at=datetime.fromisoformat(d["created_at"]),
                author=Author(**d["author"]),
                format="ndjson",
                text=d.get("text"),
                title=d.get("title"),
                parent_id=d.get("parent_id"),
                thread_id=d.get("thread_id"),
            )
        )
    return items


def _arrive(store: Store, lines: list[bytes]) -> tuple[set[int], set[int]]:
    """Store activities as an ingest would, without identity resolution (members stay as
    they are); return the members of the new activities, and the team and bots."""
    last = store.last_activity_id()
    store.write(_items(lines))
    enrich_stored(store, chain=[KeywordEnricher(), IntentEnricher()])
    with store.engine.connect() as conn:
        touched = {
            int(mid)
            for mid in conn.execute(
                select(identities.c.member_id)
                .join(activities, activities.c.identity_id == identities.c.id)
                .where(activities.c.id > last)
                .distinct()
            ).scalars()
        }
        excluded = set(
            conn.execute(
                select(members.c.id).where(members.c.is_team.is_(True) | members.c.is_bot.is_(True))
            ).scalars()
        )
    return touched, excluded


def test_incremental_refresh_equals_full(
    store: Store, tmp_path: Path, generated: tuple[list[bytes], list[dict[str, Any]]]
) -> None:
    lines, truth = generated
    cut = int(len(lines) * 0.85)
    _ingest(store, tmp_path, lines[:cut], truth)
    now = _newest(lines)
    refresh(store.engine, BRAND, now=now)
    touched, excluded = _arrive(store, lines[cut:])
    n = refresh(store.engine, BRAND, now=now, member_ids=touched)
    assert n > len(touched - excluded)  # the members they answered are recomputed too
    incremental = {k: v for k, v in _stats(store).items() if k not in excluded}
    refresh(store.engine, BRAND, now=now)
    full = {k: v for k, v in _stats(store).items() if k not in excluded}
    _same(incremental, full)


def _states(store: Store) -> dict[int, dict[str, Any]]:
    """What each member keeps for the next refresh, as plain values."""
    out: dict[int, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for m, raw in conn.execute(select(member_stats.c.member_id, member_stats.c.state)):
            k = kept.decode(raw, m)
            out[int(m)] = {**k.numbers, "love": k.love, "team": k.team, "bot": k.bot,
                           "topics": k.topics, "identities": k.identities,
                           **{name: v.tolist() for name, v in k.lists.items()}}  # fmt: skip
    return out


def _same(incremental: dict[int, dict[str, Any]], full: dict[int, dict[str, Any]]) -> None:
    """Field by field, love within 1e-6 relative."""
    assert incremental.keys() == full.keys()
    for k, want in full.items():
        got = incremental[k]
        assert got["love"] == pytest.approx(want["love"], rel=1e-6, abs=1e-4), k
        assert {f: v for f, v in got.items() if f != "love" and v != want[f]} == {}, (k, want)


def test_incremental_refreshes_after_several_ingests_equal_a_full_one(
    store: Store, tmp_path: Path, generated: tuple[list[bytes], list[dict[str, Any]]]
) -> None:
    """The last 18% of a community arrives in three ingests, a refresh after each (and a
    merge after the second); every figure and what is kept for the next refresh then
    equal a full refresh's."""
    lines, truth = generated
    cuts = [int(len(lines) * x) for x in (0.82, 0.88, 0.94, 1.0)]
    _ingest(store, tmp_path, lines[: cuts[0]], truth)
    now = _newest(lines)
    refresh(store.engine, BRAND, now=now)
    asked: set[int] = set()
    for k, (lo, hi) in enumerate(itertools.pairwise(cuts)):
        touched, excluded = _arrive(store, lines[lo:hi])
        asked = touched
        if k == 1:  # two people found to be one: the identities of the first go to the second
            stats = _stats(store)
            a, b = sorted(
                (m for m in touched - excluded if m in stats),
                key=lambda m: -stats[m]["activity_count"],
            )[:2]
            with store.engine.begin() as conn:
                conn.execute(
                    update(identities).where(identities.c.member_id == a).values(member_id=b)
                )
            asked = touched | {a}
        refresh(store.engine, BRAND, now=now, member_ids=asked)
    incremental, kept = _stats(store), _states(store)
    refresh(store.engine, BRAND, now=now)
    full, fresh = _stats(store), _states(store)
    _same(incremental, full)
    assert kept.keys() == fresh.keys()
    for m, want in fresh.items():
        got = kept[m]
        assert got["love"] == pytest.approx(want["love"], rel=1e-6, abs=1e-9), m
        for part in ("partners", "reach", "recent", "kinds", "channels", "mentioned_by"):
            got[part], want[part] = sorted(got[part]), sorted(want[part])
        assert {f: v for f, v in got.items() if f != "love" and v != want[f]} == {}, (m, want)


def test_states_kept_in_counts_before_0020_move_to_their_own_column(
    store: Store, tmp_path: Path, generated: tuple[list[bytes], list[dict[str, Any]]]
) -> None:
    """Before migration 0020 each member's state was kept inside ``counts``; the
    migration moves it to ``state`` as it was (byte for byte what a refresh writes now),
    leaves ``counts`` what a person reads, and the next incremental refresh equals a
    full one. A state that cannot be read is dropped: its member is counted again."""
    lines, truth = generated
    cut = int(len(lines) * 0.9)
    _ingest(store, tmp_path, lines[:cut], truth)
    now = _newest(lines)
    refresh(store.engine, BRAND, now=now)
    with store.engine.begin() as conn:
        columns = select(member_stats.c.member_id, member_stats.c.counts, member_stats.c.state)
        written = {int(m): (c, bytes(b)) for m, c, b in conn.execute(columns)}
        legacy = []
        for m, (c, b) in written.items():
            k = kept.decode(b, m)
            state = {**k.numbers, "love": k.love, "team": k.team, "bot": k.bot,
                     "kinds": k.lists["kinds"].tolist(), "channels": k.lists["channels"].tolist(),
                     "recent": k.lists["recent"].tolist(),
                     "partners": k.lists["partners"].ravel().tolist(),
                     "reach": k.lists["reach"].ravel().tolist(), "topics": k.topics}  # fmt: skip
            counts = {**orjson.loads(c), "mentioned_by": k.lists["mentioned_by"].tolist(),
                      "identities": k.identities, "state": state}  # fmt: skip
            legacy.append({"m": m, "c": orjson.dumps(counts).decode()})
        legacy[0]["c"] = orjson.dumps({"window": 0, "state": {"count": "x"}}).decode()
        conn.execute(
            update(member_stats)
            .where(member_stats.c.member_id == bindparam("m"))
            .values(counts=bindparam("c"), state=None),
            legacy,
        )
        assert kept.convert(conn, batch=50) == len(written) - 1
        moved = {int(m): (c, b) for m, c, b in conn.execute(columns)}
    broken = legacy[0]["m"]
    assert moved[broken] == ('{"window":0}', None)
    assert {m: v for m, v in moved.items() if m != broken} == {
        m: v for m, v in written.items() if m != broken
    }
    touched, excluded = _arrive(store, lines[cut:])
    refresh(store.engine, BRAND, now=now, member_ids=touched | {broken})
    incremental = {k: v for k, v in _stats(store).items() if k not in excluded}
    refresh(store.engine, BRAND, now=now)
    _same(incremental, {k: v for k, v in _stats(store).items() if k not in excluded})


def test_incremental_refresh_as_time_goes_by(
    store: Store, tmp_path: Path, generated: tuple[list[bytes], list[dict[str, Any]]]
) -> None:
    """With ``now`` the newest activity each time, the members an ingest touches get the
    figures a full refresh gives them (the others' time-relative ones wait for it)."""
    lines, truth = generated
    cuts = [int(len(lines) * x) for x in (0.85, 0.92, 1.0)]
    _ingest(store, tmp_path, lines[: cuts[0]], truth)
    refresh(store.engine, BRAND)
    for lo, hi in itertools.pairwise(cuts):
        touched, excluded = _arrive(store, lines[lo:hi])
        started = datetime.now(UTC)
        refresh(store.engine, BRAND, member_ids=touched)
    with store.engine.connect() as conn:
        measured = set(
            conn.execute(
                select(member_stats.c.member_id).where(member_stats.c.computed_at >= started)
            ).scalars()
        )
    assert measured >= touched
    incremental = _stats(store)
    refresh(store.engine, BRAND)
    full = _stats(store)
    local = ("activity_count", "first_seen", "last_seen", "active_30", "active_90",
             "active_365", "replies_given", "replies_received", "partners", "threads_started",
             "brand_interactions", "reach", "orbit_level", "talent_topics", "counts")  # fmt: skip
    for m in measured:
        assert incremental[m]["love"] == pytest.approx(full[m]["love"], rel=1e-6, abs=1e-4)
        assert {f: incremental[m][f] for f in local} == {f: full[m][f] for f in local}, m


def test_an_empty_store_and_merged_away_members(store: Store) -> None:
    assert refresh(store.engine) == 0
    m = _put(
        store,
        _series("x", [1, 2])
        + _series("y", [3])
        + [("forum", "z1", "mention", "z", 4, None, "Thanks @y!", {})],
    )
    refresh(store.engine, now=NOW)
    assert _stats(store)[m["y"]]["reach"] == 1
    with store.engine.begin() as conn:  # y's identity moves to x, as a merge does
        conn.execute(
            update(identities).where(identities.c.member_id == m["y"]).values(member_id=m["x"])
        )
    # told only of y, the refresh follows its identity to x
    assert refresh(store.engine, now=NOW, member_ids=[m["y"]]) == 1
    incremental = _stats(store)
    assert m["y"] not in incremental and incremental[m["x"]]["activity_count"] == 3
    assert incremental[m["x"]]["reach"] == 1  # z's mention of y moved with the identity
    refresh(store.engine, now=NOW)
    full = _stats(store)
    assert {k: v for k, v in full[3].items() if incremental[3][k] != v} == {}
    assert full == incremental


# -- the rules ----------------------------------------------------------------------------
def test_rules_from_a_settings_section() -> None:
    rules = from_mapping(
        {
            "window_days": 90,
            "brand_keywords": ["Kelvio"],
            "weights": {"post": 5},
            "channel_weights": {"forum": 1.5},
            "onion_core": 0.7,
            "include_team": True,
        },
        "s.toml",
    )
    assert rules.window_days == 90 and rules.brand_keywords == ("kelvio",)
    assert rules.weights["post"] == 5.0 and rules.weights["reply"] == 2.0
    assert rules.channel_weights == {"forum": 1.5} and rules.include_team
    assert from_mapping(rules.as_mapping(), "x") == rules
    assert from_mapping({}, "x") == MemberRules()


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"window": 90}, "s.toml: [members] has no setting 'window'"),
        ({"window_days": "90"}, "s.toml: [members] window_days must be a whole number >= 1"),
        ({"window_days": True}, "window_days must be a whole number"),
        ({"half_life_days": 0}, "half_life_days must be a number > 0"),
        ({"brand_share": 1.5}, "brand_share must be a number between 0"),
        ({"include_bots": "yes"}, "include_bots must be true or false"),
        ({"brand_channels": "blog"}, "brand_channels must be a list of non-empty strings"),
        ({"weights": {"like": 1}}, "weights.like is not an activity kind"),
        ({"weights": {"post": -1}}, "weights.post must be a number >= 0"),
        ({"channel_weights": [1]}, "channel_weights must be a table"),
        ({"consultative_intents": ["help"]}, "consultative_intents has unknown intents"),
        ({"onion_core": 0.96}, "onion_core must be below onion_regular"),
        ({"orbit_2_love": 50}, "orbit_1_love > orbit_2_love > orbit_3_love"),
        ({"inactive_min_days": 30}, "inactive_min_days must be below inactive_max_days"),
        ({"medium_activities": 20}, "may not exceed the high ones"),
    ],
)
def test_rules_errors_name_the_file_key_and_reason(section: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        from_mapping(section, "s.toml")


def test_handles_looked_up_by_key_name_whom_a_scan_names(
    store: Store,
    tmp_path: Path,
    generated: tuple[list[bytes], list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An incremental step finds the identities of ``@handles`` by their ``user`` key
    (and the identities not keyed yet): the same targets as a scan of every identity."""
    from veille.members import activity
    from veille.members.resolve import resolve
    from veille.store.schema import identity_keys

    lines, truth = generated
    _ingest(store, tmp_path, lines, truth)
    resolve(store.engine)
    with store.engine.begin() as conn:  # the newest identities are not keyed yet
        newest = conn.execute(select(func.max(identities.c.id))).scalar_one()
        conn.execute(identity_keys.delete().where(identity_keys.c.identity_id > newest - 40))
        ctx = activity.context(conn, BRAND, int(NOW.timestamp()) * 2, 10**12)
        by_key = activity.mentions(conn, ctx)
        monkeypatch.setattr(activity, "HANDLES_BY_KEY", 0)
        scanned = activity.mentions(conn, ctx)
    assert len(scanned.aid) > 20
    for name in ("aid", "author", "author_identity", "target", "target_identity"):
        assert getattr(by_key, name).tolist() == getattr(scanned, name).tolist(), name


def test_the_ladder_counted_in_sql_places_members_as_ranking_everyone_does(
    store: Store, tmp_path: Path, generated: tuple[list[bytes], list[dict[str, Any]]]
) -> None:
    """After an incremental refresh the onion's cuts and the top quarter come from
    counts per window activity in SQL (``segments.ladder``); every member gets the
    layer, and the top quarter the cutoff, that sorting everyone gives, ties at the
    cuts included (windows drawn from a few values make many)."""
    lines, truth = generated
    _ingest(store, tmp_path, lines, truth)
    refresh(store.engine, BRAND)
    rng = np.random.default_rng(7)
    s = member_stats.c
    for rules in (BRAND, MemberRules(onion_core=0.5, onion_regular=0.6, inactive_top_share=0.1)):
        for spread in (3, 40):
            with store.engine.connect() as conn, conn.begin() as tx:
                query = select(s.member_id).where(s.segment.is_not(None)).order_by(s.member_id)
                ids = np.array(conn.execute(query).scalars().all(), np.int64)
                window = rng.integers(0, spread, len(ids)).astype(np.int64)
                conn.execute(
                    update(member_stats)
                    .where(s.member_id == bindparam("m"))
                    .values(window_activities=bindparam("w")),
                    [{"m": int(i), "w": int(w)} for i, w in zip(ids, window, strict=True)],
                )
                measured = np.sort(rng.choice(ids, 40, replace=False))
                at = np.searchsorted(ids, measured)
                conn.execute(delete(member_stats).where(s.member_id.in_(measured.tolist())))
                m = _measures(measured, window[at])
                ladder = segments.ladder(conn, m, rules)
                everyone = segments.Population(ids, window)
                want = everyone.onion(rules)
                assert ladder.layers(window, ids).tolist() == want.tolist()
                assert ladder.rank(m, 0, rules).onion.tolist() == want[at].tolist()
                assert ladder.cutoff == everyone.top_quarter(rules)
                assert set(want.tolist()) == {-1, 0, 1, 2}  # three layers and outside
                tx.rollback()


def _measures(ids: np.ndarray[Any, Any], window: np.ndarray[Any, Any]) -> Measures:
    """Measured members with these window counts and nothing else."""
    n = len(ids)
    values: dict[str, Any] = {
        f.name: np.zeros(n, np.int64)
        for f in dataclasses.fields(Measures)
        if f.name not in ("state", "topics", "identities")
    }
    for name in ("team", "bot", "returning"):
        values[name] = np.zeros(n, np.bool_)
    values.update(ids=ids, window=window, love=np.zeros(n), last=np.full(n, -1, np.int64))
    return Measures(**values, state=kept.State.empty())
