"""Identity resolution: handles, pair scores, merges, suggestions, a manager's
decisions, the guards against runaway merges, flags, the CLI, and precision on a
generated community with its truth file."""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tests.words import letters
from veille.cli import cli
from veille.generate import GenerateConfig, generate
from veille.members import resolve as res
from veille.members.flags import flag
from veille.members.identity import blocking_keys, handles, normal_email, score
from veille.members.upkeep import update
from veille.model import Author
from veille.pipeline import ingest
from veille.store import Store
from veille.store.schema import channels, identities, identity_pairs, members, merges


def _h(i: int, channel: int = 1, **kw: str) -> Any:
    return handles(i, channel, kw.get("name"), kw.get("username"), kw.get("email"), kw.get("url"))


def _unique(kind: str, _: str) -> int:
    # Only the pair itself holds each key, and no one else's name makes its handles;
    # each side is the only account of its channel with its name or handle.
    return 1 if kind in ("word", "namehandle", "chname", "chnamemail", "chuser") else 2


# -- handles ---------------------------------------------------------------------------
def test_emails_are_normalised_as_providers_deliver_them() -> None:
    assert normal_email("Claire.Dubois+ml@GMail.com")[0] == "clairedubois@gmail.com"
    assert normal_email("c.dubois+news@orange.fr")[0] == "c.dubois@orange.fr"
    assert normal_email("x@googlemail.com")[0] == "x@gmail.com"
    assert normal_email("noreply@kelvio.example")[2] is True
    assert normal_email("not an address")[0] is None
    gh = _h(1, email="12345+octocat@users.noreply.github.com")
    assert gh.github == "octocat" and gh.email is None


def test_names_are_read_in_any_order_with_or_without_accents() -> None:
    a = _h(1, name="Dubois, Claire")
    b = _h(2, 2, name="claire DUBOIS")
    c = _h(3, 3, name="DUBOIS Claire")
    d = _h(4, 4, name="Claire Dubois")
    e = _h(5, 5, name="Hélène Lefèvre")
    f = _h(6, 6, name="Helene Lefevre")
    assert a.full_name == b.full_name == c.full_name == d.full_name == "claire dubois"
    assert c.words == ("claire", "dubois")
    assert e.full_name == f.full_name
    assert _h(7, name="Le blog de Claire Dubois").full_name == "claire dubois"


def test_a_pair_is_scored_with_its_reasons() -> None:
    same_mail = score(_h(1, email="A.B@x.org"), _h(2, 2, email="a.b@x.org"), _unique)
    assert same_mail.confidence >= 0.95 and same_mail.reasons[0].startswith("same-email")
    handle = score(_h(1, name="Claire Dubois"), _h(2, 2, username="cdubois"), _unique)
    assert 0 < handle.confidence < 0.9
    assert any(r.startswith("username-matches-name") for r in handle.reasons)
    variant = score(
        _h(1, name="Mohamed Benali", username="thermonerd"),
        _h(2, 2, name="Mohammed Benali", username="thermonerd"),
        _unique,
    )
    assert variant.confidence >= 0.9 and "similar-name" in " ".join(variant.reasons)
    # A username any Mohamed Benali would pick is evidence of the name only.
    made = score(
        _h(1, name="Mohamed Benali", username="mbenali"),
        _h(2, 2, name="Mohammed Benali", username="mbenali"),
        _unique,
    )
    assert made.confidence < 0.9 and "same-username-made-of-a-name" in made.reasons[0]
    differ = score(_h(1, name="Claire Dubois", username="cd"), _h(2, 2, name="Omar Haddad",
                                                                     username="cd"), _unique)  # fmt: skip
    assert differ.confidence == 0.0 and "names-differ" in differ.reasons
    # An initial the full name writes as one ("O'Houlihan", "Derrick J Brashear")
    # agrees with it; one it does not have still differs.
    mail = "a.ohoulihan@brightwell.co.uk"
    for short, full in (("Allan O.", "Allan O'Houlihan"), ("Derrick J.", "Derrick J Brashear")):
        agree = score(_h(1, name=short, email=mail), _h(2, 2, name=full, email=mail), _unique)
        assert agree.confidence >= 0.95 and "names-differ" not in agree.reasons
    other = score(_h(1, name="Allan K.", email=mail), _h(2, 2, name="Allan O'Houlihan", email=mail),
                  _unique)  # fmt: skip
    assert other.confidence < 0.9 and "names-differ" in other.reasons


def test_a_name_alone_never_merges_and_a_common_name_weighs_little() -> None:
    a, b = _h(1, name="Claire Dubois"), _h(2, 2, name="Claire Dubois")
    rare = score(a, b, _unique)
    assert 0.5 <= rare.confidence < 0.9  # a suggestion at most

    def common(kind: str, value: str) -> int:
        return 40 if kind == "name" else 2

    assert score(a, b, common).confidence < 0.1
    assert score(a, b, _unique, name_clash=0.5).confidence < rare.confidence


def test_blocking_keys_put_name_and_handles_made_of_it_together() -> None:
    name = blocking_keys(_h(1, name="Claire Dubois"))
    mail = blocking_keys(_h(2, 2, email="claire.dubois73@gmail.com"))
    user = blocking_keys(_h(3, 3, username="cdubois"))
    assert ("handle", "clairedubois") in name & mail
    assert ("handle", "cdubois") in name & user
    assert blocking_keys(_h(4, email="noreply@kelvio.example")) == set()


# -- in the store ------------------------------------------------------------------------
def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n")
    return path


def _rec(
    i: int, channel: str, author: dict[str, str], text: str = "Bonjour à tous"
) -> dict[str, Any]:
    return {"id": f"{channel}-{i}", "channel": channel, "platform": "forum", "kind": "post",
            "created_at": f"2026-03-{1 + i % 27:02d}T10:00:00+00:00", "author": author,
            "text": f"{text} ({i})"}  # fmt: skip


def _member(store: Store, channel: str, key: str) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                select(identities.c.member_id)
                .join(channels, channels.c.id == identities.c.channel_id)
                .where(channels.c.name == channel, identities.c.key == key)
            ).scalar_one()
        )


def _people(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(select(func.count(func.distinct(identities.c.member_id)))).scalar_one()
        )


COMMUNITY = [
    ("blog", {"name": "Claire Dubois", "email": "Claire.Dubois@orange.fr"}),
    ("list", {"name": "Dubois, Claire", "email": "claire.dubois+ml@orange.fr"}),
    ("forum", {"name": "Claire D.", "username": "cdubois"}),
    ("blog", {"name": "Omar Haddad", "email": "omar.haddad@gmail.com", "url": "https://omar.blog"}),
    ("social", {"name": "Omar", "username": "omarh", "url": "https://www.omar.blog/"}),
    ("forum", {"name": "Lena Weber", "username": "lweber"}),
    ("social", {"name": "Lena Weber", "username": "lena_w"}),
]


def test_identities_of_one_person_merge_and_the_rest_become_suggestions(
    db_url: str, tmp_path: Path
) -> None:
    src = _write(tmp_path / "c.ndjson",
                 [_rec(i, ch, a) for i, (ch, a) in enumerate(COMMUNITY)])  # fmt: skip
    store = Store(db_url)
    ingest(store, [src], enrich=False)  # the pipeline resolves after writing
    claire = _member(store, "blog", "e:claire.dubois@orange.fr")
    assert _member(store, "list", "e:claire.dubois+ml@orange.fr") == claire
    assert _member(store, "blog", "e:omar.haddad@gmail.com") == _member(store, "social", "u:omarh")
    # A first name and a handle: a suggestion, not a merge; so is a shared name alone.
    assert _member(store, "forum", "u:cdubois") != claire
    found = res.suggestions(store.engine)
    pairs = {frozenset((s.member_a, s.member_b)) for s in found}
    lena = {_member(store, "forum", "u:lweber"), _member(store, "social", "u:lena_w")}
    assert frozenset(lena) in pairs
    assert _people(store) == 5
    with store.engine.connect() as conn:
        recorded = conn.execute(select(merges.c.reasons, merges.c.merged_by)).all()
    assert len(recorded) == 2 and all(by == "auto" for _, by in recorded)
    assert "same-email" in recorded[0][0] or "same-email" in recorded[1][0]
    # Resolving again changes nothing.
    before = _people(store), len(found)
    again = res.resolve(store.engine)
    assert again.keyed == 0 and (_people(store), len(res.suggestions(store.engine))) == before
    full = res.resolve(store.engine, full=True)
    assert full.merged == 0 and _people(store) == 5
    store.close()


def test_a_managers_merge_reject_and_unmerge_are_recorded_and_respected(
    db_url: str, tmp_path: Path
) -> None:
    src = _write(tmp_path / "c.ndjson",
                 [_rec(i, ch, a) for i, (ch, a) in enumerate(COMMUNITY)])  # fmt: skip
    store = Store(db_url)
    ingest(store, [src], enrich=False)
    lena_f, lena_s = _member(store, "forum", "u:lweber"), _member(store, "social", "u:lena_w")
    res.reject(store.engine, lena_f, lena_s, "anna")
    assert frozenset((lena_f, lena_s)) not in {
        frozenset((s.member_a, s.member_b)) for s in res.suggestions(store.engine)
    }
    res.resolve(store.engine, full=True)  # even from scratch, never suggested again
    assert frozenset((lena_f, lena_s)) not in {
        frozenset((s.member_a, s.member_b)) for s in res.suggestions(store.engine)
    }
    claire = _member(store, "blog", "e:claire.dubois@orange.fr")
    forum = _member(store, "forum", "u:cdubois")
    res.merge(store.engine, claire, forum, "anna", note="same person, she said so")
    assert _member(store, "forum", "u:cdubois") == claire
    with store.engine.connect() as conn:
        ident = conn.execute(
            select(identities.c.id).where(identities.c.key == "e:claire.dubois+ml@orange.fr")
        ).scalar_one()
    back = res.unmerge(store.engine, claire, ident, "anna")
    assert back != claire and _member(store, "list", "e:claire.dubois+ml@orange.fr") == back
    res.resolve(store.engine, full=True)  # the unmerged pair is not merged again
    assert _member(store, "list", "e:claire.dubois+ml@orange.fr") == back
    with pytest.raises(res.ResolveError, match="no such member"):
        res.merge(store.engine, claire, 99_999, "anna")
    with pytest.raises(res.ResolveError, match="not one of its own"):
        res.unmerge(store.engine, claire, ident, "anna")
    with store.engine.connect() as conn:
        history = conn.execute(select(merges.c.merged_by).order_by(merges.c.id)).scalars().all()
        rejected = conn.execute(
            select(func.count()).where(identity_pairs.c.status == "rejected")
        ).scalar_one()
    assert history.count("anna") == 2 and rejected >= 2
    store.close()


def test_shared_mailboxes_common_names_and_empty_identities_cause_no_runaway_merge(
    tmp_path: Path,
) -> None:
    records = []
    for i in range(300):  # three hundred people writing from one shared address
        records.append(_rec(i, "list", {"name": f"Person {i} Number{i}",
                                        "email": "contact@asso.example"}))  # fmt: skip
    for i in range(60):  # sixty different Claires on the forum, each with a handle
        records.append(_rec(1000 + i, "forum", {"name": "Claire", "username": f"claire{i}x"}))
    for i in range(40):  # forty "Maria Garcia" on the blog with their own addresses
        records.append(_rec(2000 + i, "blog", {"name": "Maria Garcia",
                                               "email": f"mg{i}@example.org"}))  # fmt: skip
        records.append(_rec(3000 + i, "social", {"name": "Maria Garcia",
                                                 "username": f"maria{i}z"}))  # fmt: skip
    records.append(_rec(5000, "forum", {"url": "https://nobody.example"}))
    src = _write(tmp_path / "odd.ndjson", records)
    store = Store(tmp_path / "odd.db")
    report = ingest(store, [src], enrich=False)
    assert report.added == len(records)
    with store.engine.connect() as conn:
        biggest = conn.execute(
            select(func.count())
            .select_from(identities)
            .group_by(identities.c.member_id)
            .order_by(func.count().desc())
        ).first()
    assert biggest is not None and biggest[0] == 1  # no one was merged
    assert all(s.confidence < 0.9 for s in res.suggestions(store.engine, 500))
    with store.engine.connect() as conn:
        flagged = Counter(
            f
            for (flags,) in conn.execute(
                select(members.c.flags).where(members.c.flags.is_not(None))
            )
            for f in json.loads(flags)
        )
    assert flagged == {"shared:contact@asso.example": 300}  # for a manager to look at
    store.close()


def test_a_rare_name_on_two_channels_merges_and_a_name_two_people_carry_does_not(
    tmp_path: Path,
) -> None:
    # 2,000 other people with names of their own: the community the counts come from.
    records = [_rec(i, "blog", {"name": f"Fille{letters(i)} Nom{letters(i)}",
                                "email": f"p{i}@example.org"}) for i in range(2000)]  # fmt: skip
    # One Ottilie Vanbrugh, on the blog and (name order and accents aside) the forum.
    records.append(_rec(3000, "blog", {"name": "Ottilie Vanbrügh", "email": "ov@example.net"}))
    records.append(_rec(3001, "forum", {"name": "VANBRUGH Ottilie", "username": "otti"}))
    # Ottavia Quennell twice on the forum (two people), once on the blog: no telling which.
    for i, user in enumerate(("quennell1", "oq_music")):
        records.append(_rec(3100 + i, "forum", {"name": "Ottavia Quennell", "username": user}))
    records.append(_rec(3102, "blog", {"name": "Ottavia Quennell", "email": "oq@example.net"}))
    # A handle made with an initial says little: "ovanbrugh" could be Olaf Vanbrugh.
    records.append(_rec(3200, "social", {"username": "ovanbrugh"}))
    store = Store(tmp_path / "rare.db")
    ingest(store, [_write(tmp_path / "rare.ndjson", records)], enrich=False)
    ottilie = _member(store, "blog", "e:ov@example.net")
    assert _member(store, "forum", "u:otti") == ottilie
    with store.engine.connect() as conn:
        reasons = conn.execute(
            select(merges.c.reasons).where(merges.c.member_id == ottilie)
        ).scalar_one()
    assert "rare-name" in reasons
    ottavias = {_member(store, "forum", f"u:{u}") for u in ("quennell1", "oq_music")}
    assert len(ottavias | {_member(store, "blog", "e:oq@example.net")}) == 3
    assert _member(store, "social", "u:ovanbrugh") != ottilie
    store.close()


def test_a_merge_never_grows_a_member_past_the_cap(tmp_path: Path) -> None:
    # One address on 6 channels: with a cap of 4 identities, the rest stay suggestions.
    records = [_rec(i, f"ch{i}", {"name": "Jo Jones", "email": "jo@jones.example"})
               for i in range(6)]  # fmt: skip
    store = Store(tmp_path / "cap.db")
    ingest(store, [_write(tmp_path / "cap.ndjson", records)], enrich=False, members=False)
    report = res.resolve(store.engine, res.ResolveRules(max_identities=4))
    assert report.capped > 0
    with store.engine.connect() as conn:
        sizes = (
            conn.execute(
                select(func.count()).select_from(identities).group_by(identities.c.member_id)
            )
            .scalars()
            .all()
        )
    assert max(sizes) == 4
    flag(store.engine, member_ids=None, large_from=4)
    with store.engine.connect() as conn:
        flags = conn.execute(select(members.c.flags).where(members.c.flags.is_not(None))).scalars()
        assert [json.loads(f) for f in flags] == [["large:4 identities"]]
    store.close()


def test_bots_and_the_team_are_flagged_with_the_reason(tmp_path: Path) -> None:
    records = [
        _rec(1, "forum", {"name": "Kelvio Bot", "username": "kelvio-bot"}),
        _rec(2, "list", {"name": "GitHub", "email": "noreply@github.com"}),
        _rec(3, "forum", {"name": "Liam (Kelvio)", "username": "liam_kelvio"}),
        _rec(4, "social", {"name": "Ana", "username": "ana"}),
        # People named like CI services are people; the services are bots.
        _rec(6, "list", {"name": "Brian Jenkins", "email": "brian.jenkins@example.org"}),
        _rec(7, "list", {"name": "Travis Hampton", "email": "travis@example.net"}),
        _rec(8, "forum", {"name": "Travis CI", "username": "travis-ci"}),
        _rec(9, "forum", {"name": "jenkins", "username": "jenkins"}),
        {
            **_rec(5, "blog", {"name": "Laura Clarke", "email": "laura@kelvio.example"}),
            "platform": "blog",
        },  # fmt: skip
    ]
    settings = tmp_path / "s.toml"
    settings.write_text('[identities]\nteam_patterns = ["kelvio\\\\)", "_kelvio$"]\n')
    runner = CliRunner()
    db = str(tmp_path / "f.db")
    assert runner.invoke(cli, ["--db", db, "settings", "load", str(settings)]).exit_code == 0
    src = _write(tmp_path / "f.ndjson", records)
    assert runner.invoke(cli, ["--db", db, "ingest", "-q", "--no-enrich", str(src)]).exit_code == 0
    store = Store(db)
    with store.engine.connect() as conn:
        rows = {
            name: (bot, team, json.loads(flags or "[]"))
            for name, bot, team, flags in conn.execute(
                select(members.c.display_name, members.c.is_bot, members.c.is_team, members.c.flags)
            )
        }
    assert rows["Kelvio Bot"][0] and rows["GitHub"][0]
    assert rows["Liam (Kelvio)"][1] and rows["Laura Clarke"][1]
    assert "team:site-author" in rows["Laura Clarke"][2]
    assert not rows["Ana"][0] and not rows["Ana"][1]
    assert not rows["Brian Jenkins"][0] and not rows["Travis Hampton"][0]
    assert rows["Travis CI"][0] and rows["jenkins"][0]
    store.close()


def test_members_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    src = _write(tmp_path / "c.ndjson",
                 [_rec(i, ch, a) for i, (ch, a) in enumerate(COMMUNITY)])  # fmt: skip
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "ingest", "-q", str(src)]).exit_code == 0
    shown = runner.invoke(cli, ["--db", db, "members", "suggestions"])
    assert shown.exit_code == 0 and "Lena Weber" in shown.output, shown.output
    first = json.loads(
        runner.invoke(cli, ["--db", db, "members", "suggestions", "--json"]).output.splitlines()[0]
    )
    a, b = first["member_a"], first["member_b"]
    merged = runner.invoke(cli, ["--db", db, "members", "merge", str(a), str(b)])
    assert merged.exit_code == 0 and f"member {b} merged into member {a}" in merged.output
    profile = runner.invoke(cli, ["--db", db, "members", "show", str(a)])
    assert profile.exit_code == 0 and "segment:" in profile.output, profile.output
    # The old number shows the person it is part of now, and says so.
    gone = runner.invoke(cli, ["--db", db, "members", "show", str(b)])
    assert gone.exit_code == 0 and f"member {b} was merged into member {a}" in gone.output
    assert f"Member {a}:" in gone.output
    assert runner.invoke(cli, ["--db", db, "members", "show", "999999"]).exit_code == 1
    ident = json.loads(runner.invoke(cli, ["--db", db, "members", "show", str(a), "--json"]).output)
    second = ident["identities"][-1]["identity_id"]
    out = runner.invoke(cli, ["--db", db, "members", "unmerge", str(a), str(second)])
    assert out.exit_code == 0 and "is now member" in out.output
    # A data-access request, then an erasure (asked to type the number again).
    out = tmp_path / "member.json"
    asked = runner.invoke(cli, ["--db", db, "members", "export", str(a), "--out", str(out)])
    record = json.loads(out.read_text(encoding="utf-8"))
    assert asked.exit_code == 0 and record["member_id"] == a and record["activities"]
    stored = len(record["activities"])
    refused = runner.invoke(cli, ["--db", db, "members", "erase", str(a)], input="12345\n")
    assert refused.exit_code == 1 and "nothing erased" in refused.output
    assert runner.invoke(cli, ["--db", db, "members", "export", str(a)]).exit_code == 0
    erased = runner.invoke(cli, ["--db", db, "members", "erase", str(a)], input=f"{a}\n")
    assert erased.exit_code == 0 and f"{stored} activities" in erased.output, erased.output
    assert runner.invoke(cli, ["--db", db, "members", "export", str(a)]).exit_code == 1
    assert runner.invoke(cli, ["--db", db, "members", "erase", str(a), "--yes"]).exit_code == 1
    bad = runner.invoke(cli, ["--db", db, "members", "merge", "1", "1"])
    assert bad.exit_code == 1 and "itself" in bad.output
    shares = runner.invoke(cli, ["--db", db, "segments"])
    assert shares.exit_code == 0 and "networkers" in shares.output
    export = runner.invoke(cli, ["--db", db, "export", "members"])
    first_member = json.loads(export.output.splitlines()[0])
    for key in ("member_id", "display_name", "identities", "is_bot", "is_team", "orbit_level",
                "segment_reasons", "talent_topics"):  # fmt: skip
        assert key in first_member


def _generated(tmp_path: Path, config: GenerateConfig) -> tuple[Store, str]:
    """A generated community stored without enrichment or the members step, and its
    truth file (who each identity is)."""
    data, truth = io.StringIO(), io.StringIO()
    generate(config, data, truth)
    src = tmp_path / "g.ndjson"
    src.write_text(data.getvalue())
    store = Store(tmp_path / "g.db")
    ingest(store, [src], enrich=False, members=False)
    return store, truth.getvalue()


def test_merges_are_precise_on_a_generated_community(tmp_path: Path) -> None:
    store, truth = _generated(tmp_path, GenerateConfig(members=3000, activities=24_000, seed=5))
    update(store)
    with store.engine.connect() as conn:
        names = dict(conn.execute(select(channels.c.name, channels.c.id)).all())
        member_of = {
            (c, k): m
            for c, k, m in conn.execute(
                select(identities.c.channel_id, identities.c.key, identities.c.member_id)
            )
        }
    clusters: dict[int, list[str]] = defaultdict(list)
    for line in truth.splitlines():
        t = json.loads(line)
        clusters[member_of[(names[t["channel"]], Author(**t["author"]).key())]].append(t["person"])
    tp = fp = 0
    for people in clusters.values():
        same = sum(n * (n - 1) // 2 for n in Counter(people).values())
        tp += same
        fp += len(people) * (len(people) - 1) // 2 - same
    precision = tp / (tp + fp)
    print(f"generated community: {tp} true pairs merged, {fp} false, precision {precision:.4f}")
    assert tp > 100 and precision >= 0.99
    store.close()


def test_flagging_some_members_gives_them_the_flags_of_flagging_everyone(tmp_path: Path) -> None:
    """The incremental step looks up only the touched identities (their activity counts
    on the index, their addresses' holders, site authorship): each member gets the flags
    a pass over everyone gives, repeaters and shared addresses included."""
    from datetime import UTC, datetime

    from veille.members.flags import FlagRules
    from veille.store.schema import activities
    from veille.store.writer import upsert_enrichments

    store, _ = _generated(tmp_path, GenerateConfig(members=300, activities=3000, seed=7))
    res.resolve(store.engine)  # the address keys that shared: counts
    with store.engine.begin() as conn:
        texts = conn.execute(select(activities.c.id, activities.c.text)).all()
        # a first word as the text's hash: many authors repeat themselves
        upsert_enrichments(
            conn,
            [
                {
                    "activity_id": a,
                    "spam": False,
                    "text_hash": (t or "").split(" ")[0][:16],
                    "enriched_at": datetime.now(UTC),
                }
                for a, t in texts
            ],
        )
    rules = FlagRules(bot_min_activities=5, bot_repeat_share=0.3)

    def flags() -> dict[int, tuple[bool, bool, str | None]]:
        with store.engine.connect() as conn:
            return {
                int(m): (bool(b), bool(t), f)
                for m, b, t, f in conn.execute(
                    select(members.c.id, members.c.is_bot, members.c.is_team, members.c.flags)
                )
            }

    flag(store.engine, rules, shared_above=1)
    everyone = flags()
    assert sum("bot:repeats" in (f or "") for _, _, f in everyone.values()) >= 3
    assert sum("shared:" in (f or "") for _, _, f in everyone.values()) >= 1
    with store.engine.begin() as conn:
        conn.execute(members.update().values(is_bot=False, is_team=False, flags=None))
    some = {m for m in everyone if m % 3 == 0}
    flag(store.engine, rules, some, shared_above=1)
    got = flags()
    assert {m: got[m] for m in some} == {m: everyone[m] for m in some}
    flag(store.engine, rules, set(everyone), shared_above=1)
    assert flags() == everyone
    store.close()
