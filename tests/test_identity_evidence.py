"""Identity resolution's evidence from handles made with an initial, transliterated
names, and one name at several addresses of one channel (a list's work and home
addresses); and the guards that keep two people with one initial and a common family
name, one handle made by two accounts of a channel, or two usernames of one forum with
one name, apart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from tests.test_members import _h, _member, _rec, _write
from tests.words import letters
from veille.members import blocking, identity
from veille.members import resolve as res
from veille.members.identity import name_like, score
from veille.members.rarity import one_person_share, rare_name
from veille.pipeline import ingest
from veille.store import Store, state
from veille.store.schema import identities, identity_keys

NAMED = 3000  # identities with a full name in the community these holders describe


def _holders(counts: dict[tuple[str, str], int] | None = None) -> blocking.Holders:
    """Holders of a community of ``NAMED`` named identities where only the pair holds
    each key, except the ``(kind, value): n`` counts given."""
    table = counts or {}

    def holders(kind: str, value: str) -> int:
        if (kind, value) in table:
            return table[(kind, value)]
        return 2 if kind in ("handle", "user", "email", "name") else 1

    return holders  # type: ignore[return-value]


def test_an_initial_and_a_rare_family_name_merge_a_common_family_name_does_not() -> None:
    # Quellbrunn is carried by one identity in 3,000; H begins 1% of first names.
    rare = _holders({("initial", "fh"): 30, ("word", "quellbrunn"): 1})
    named, handle = _h(1, name="Henriette Quellbrunn"), _h(2, 2, username="hquellbrunn")
    verdict = score(named, handle, rare, 0.0, NAMED)
    assert verdict.confidence >= 0.9
    assert verdict.reasons[0].startswith("rare-name-username-matches-name")
    # Martin: 60 identities, ten of them C. Martins. A cmartin is no one in particular.
    common = _holders({("initial", "fc"): 300, ("word", "martin"): 60, ("word", "claire"): 40,
                       ("handle", "cmartin"): 11, ("namehandle", "cmartin"): 10})  # fmt: skip
    claire, cmartin = _h(1, name="Claire Martin"), _h(2, 2, username="cmartin")
    assert score(claire, cmartin, common, 0.0, NAMED).confidence < 0.5
    # Even were Claire the only C. Martin to show her name, the initial says little.
    alone = _holders({("initial", "fc"): 300, ("word", "martin"): 60})
    assert rare_name(claire, cmartin, alone, NAMED, "cmartin") < 0.5
    # An initial as common as C (a tenth of first names) weighs less than a rare one.
    c_share = _holders({("initial", "fh"): 300, ("word", "quellbrunn"): 1})
    assert score(named, handle, c_share, 0.0, NAMED).confidence < verdict.confidence
    # Initials alone ("hq") are no handle at all.
    assert score(named, _h(2, 2, username="hq"), rare, 0.0, NAMED).confidence == 0.0


def test_a_first_name_written_beside_the_handle_tells_what_the_initial_stands_for() -> None:
    holders = _holders({("initial", "fo"): 600, ("word", "vanbrugh"): 2, ("word", "ottilie"): 1})
    named = _h(1, name="Ottilie Vanbrügh")
    bare = rare_name(named, _h(2, 2, username="ovanbrugh"), holders, NAMED, "ovanbrugh")
    shown = rare_name(
        named, _h(2, 2, name="Ottilie V.", username="ovanbrugh"), holders, NAMED, "ovanbrugh"
    )
    assert bare < 0.9 <= shown
    # Only the first name itself counts: "Olga V." is not Ottilie.
    olga = score(named, _h(2, 2, name="Olga V.", username="ovanbrugh"), holders, 0.0, NAMED)
    assert olga.confidence == 0.0 and "names-differ" in olga.reasons


def test_a_handle_two_accounts_of_one_channel_made_is_no_ones_in_particular() -> None:
    named, handle = _h(1, name="Paula Teruel"), _h(2, 2, username="pteruel1")
    counts = {("word", "teruel"): 1, ("initial", "fp"): 30}
    assert score(named, handle, _holders(counts), 0.0, NAMED).confidence >= 0.9
    # Another account of channel 2 is "pteruel": two people made that handle there.
    twice = _holders(counts | {("chuser", "2|pteruel"): 2})
    assert score(named, handle, twice, 0.0, NAMED).confidence < 0.5


def test_a_name_transliterated_two_ways_at_one_address_is_one_person() -> None:
    a = _h(1, name="Youssef Allal", email="greenhome75+ml@yahoo.fr")
    b = _h(2, 2, name="Yusuf Allal", email="greenhome75@yahoo.fr")
    c = _h(3, 2, name="Muhammad Soudani", email="soudani.mohamed@yahoo.fr")
    d = _h(4, 4, name="Mohamed Soudani", email="soudani.mohamed@yahoo.fr")
    for x, y in ((a, b), (c, d)):
        verdict = score(x, y, _holders(), 0.0, NAMED)
        assert verdict.confidence >= 0.95 and "names-differ" not in verdict.reasons
    # Two different first names at one address stay a question for a person.
    e = _h(5, 2, name="Yasmine Allal", email="greenhome75@yahoo.fr")
    assert score(a, e, _holders(), 0.0, NAMED).confidence < 0.9


def _community() -> Iterator[tuple[str, dict[str, str]]]:
    # 2,000 people with names of their own (all F. Nom...): the counts' community.
    for i in range(2000):
        word = letters(i)
        yield "blog", {"name": f"Fille{word} Nom{word}", "email": f"p{i}@example.org"}
    # Forty Martins on the blog, one of them Claire; and a cmartin on the social channel.
    for i in range(40):
        first = "Claire" if i == 0 else f"Cara{letters(i)}"
        yield "blog", {"name": f"{first} Martin", "email": f"m{i}@example.org"}
    yield "social", {"username": "cmartin"}
    # Henriette Quellbrunn on the blog; an hquellbrunn on the social channel.
    yield "blog", {"name": "Henriette Quellbrunn", "email": "hq@example.net"}
    yield "social", {"username": "hquellbrunn"}
    # Paula Teruel on the blog; a pteruel and a pteruel1 on the forum: two people.
    yield "blog", {"name": "Paula Teruel", "email": "paula@example.net"}
    yield "forum", {"username": "pteruel"}
    yield "forum", {"username": "pteruel1"}
    # Ottilie Wendtland writes to the list from a tagged address too, and on the forum.
    yield "list", {"name": "Ottilie Wendtland", "email": "ow@example.net"}
    yield "list", {"name": "Ottilie Wendtland", "email": "ow+lists@example.net"}
    yield "forum", {"name": "Ottilie Wendtland", "username": "otti"}


def test_handles_made_with_an_initial_in_a_store(db_url: str, tmp_path: Path) -> None:
    records = [_rec(i, ch, a) for i, (ch, a) in enumerate(_community())]
    store = Store(db_url)
    ingest(store, [_write(tmp_path / "initials.ndjson", records)], enrich=False)
    assert _member(store, "social", "u:hquellbrunn") == _member(store, "blog", "e:hq@example.net")
    claire = _member(store, "blog", "e:m0@example.org")
    assert _member(store, "social", "u:cmartin") != claire
    paula = _member(store, "blog", "e:paula@example.net")
    assert paula not in {_member(store, "forum", f"u:{u}") for u in ("pteruel", "pteruel1")}
    ottilie = _member(store, "forum", "u:otti")
    assert _member(store, "list", "e:ow@example.net") == ottilie
    assert _member(store, "list", "e:ow+lists@example.net") == ottilie
    store.close()


def test_a_store_keyed_by_an_older_version_is_keyed_again(tmp_path: Path) -> None:
    records = [_rec(i, ch, a) for i, (ch, a) in enumerate(_community())]
    store = Store(tmp_path / "old.db")
    ingest(store, [_write(tmp_path / "old.ndjson", records)], enrich=False, members=False)
    res.resolve(store.engine)
    with store.engine.begin() as conn:
        # What a store keyed before initials were counted looks like.
        conn.execute(delete(identity_keys).where(identity_keys.c.kind == "initial"))
        state.write(conn, blocking.KEYS, {"version": 1})
    again = res.resolve(store.engine)
    assert again.keyed == len(records) and again.merged == 0  # nothing new to merge
    with store.engine.connect() as conn:
        initials = conn.execute(
            select(func.count()).where(identity_keys.c.kind == "initial")
        ).scalar_one()
        assert initials > 0 and state.read(conn, blocking.KEYS) == {
            "version": blocking.KEYS_VERSION
        }
    assert res.resolve(store.engine).keyed == 0  # and once only
    store.close()


def test_a_handle_may_be_anyones_and_particles_are_run_together() -> None:
    holders = _holders({("initial", "fh"): 30, ("word", "quellbrunn"): 1, ("word", "costa"): 9})
    named, handle = _h(1, name="Henriette Quellbrunn"), _h(2, 2, username="hquellbrunn")
    # Half the identities show no full name: as many more people could have made it.
    shown_only = rare_name(named, handle, holders, NAMED, "hquellbrunn")
    everyone = rare_name(named, handle, holders, NAMED, "hquellbrunn", everyone=2 * NAMED)
    assert everyone < shown_only
    # "Claire Da Costa" writes cdacosta: a name, so the same cdacosta on two channels is
    # evidence of the name (as common as Costa), not of one person.
    assert name_like("cdacosta", holders) and name_like("elidrissi", _holders(
        {("word", "idrissi"): 3}))  # fmt: skip
    assert not name_like("zqxvw", holders)
    same = score(_h(1, username="cdacosta"), _h(2, 2, username="cdacosta"), holders, 0.0, NAMED)
    assert "same-username-made-of-a-name" in same.reasons[0] and same.confidence < 0.9


def test_a_short_word_of_a_family_name_does_not_hide_the_others() -> None:
    # "St-Jean" is two words, "st" too short to be counted: the name is weighed by
    # "jean" (as common as a first name here), not left without evidence.
    holders = _holders({("word", "lucia"): 3, ("word", "jean"): 30})
    forum = _h(2, 2, name="Lucia St-Jean", username="lucia_s")
    blog = _h(1, name="Lucia St-Jean")
    worth = rare_name(blog, forum, holders, NAMED)
    assert 0.0 < worth < rare_name(blog, forum, _holders({("word", "lucia"): 3}), NAMED)
    # A name with no family-name word long enough to count says nothing of rarity.
    assert rare_name(_h(1, name="Lucia St"), _h(2, 2, name="Lucia St"), holders, NAMED) == 0.0


def test_one_persons_tagged_addresses_are_not_a_shared_mailbox() -> None:
    # Seven tagged addresses of one person (as on the gpsd-users list): seven holders of
    # one address, which alone would look like a shared mailbox.
    tagged = _holders({("email", "wolfgang@dailyplanet.example"): 7})
    a = _h(1, name="Wolfgang S. Rupprecht", email="wolfgang+gnus20050808@dailyplanet.example")
    b = _h(2, name="Wolfgang S. Rupprecht", email="wolfgang+gnus20050810@dailyplanet.example")
    assert score(a, b, tagged, 0.0, NAMED).confidence >= 0.99
    # Without the same full name, seven holders are still a mailbox several people use.
    c = _h(3, email="wolfgang+gnus200512@dailyplanet.example")
    assert score(a, c, tagged, 0.0, NAMED).confidence < 0.9
    shared = _holders({("email", "bogus@does.not.exist.com"): 8})
    d = _h(4, name="Perry Hutchison", email="bogus@does.not.exist.com")
    e = _h(5, name="Dave Stubbs", email="bogus@does.not.exist.com")
    assert score(d, e, shared, 0.0, NAMED).confidence == 0.0


def test_one_mailbox_at_a_host_and_at_its_domain_is_one_account() -> None:
    # A name three addresses of the list show (one person's three, or two people),
    # with a first name as common as Eric, says little alone.
    three = _holders({("name", "eric raymond"): 3, ("chname", "1|eric raymond"): 3,
                      ("word", "eric"): 40, ("word", "raymond"): 3})  # fmt: skip
    host = _h(1, name="Eric S. Raymond", email="esr@snark.thyrsus.com")
    domain = _h(2, name="Eric S. Raymond", email="esr@thyrsus.com")
    verdict = score(host, domain, three, 0.0, NAMED)
    assert verdict.confidence >= 0.9 and "same-mailbox-other-host" in verdict.reasons[0]
    # Two hosts that share only a public suffix are two organisations.
    assert not identity._host_of("john@jcu.me.uk", "john@devereux.me.uk")
    assert not identity._host_of("david@dastekcom.com.au", "david@davsoft.com.au")
    # Names that cannot be one person's still veto the pair.
    other = _h(3, name="Edward Quist", email="esr@thyrsus.com")
    assert score(host, other, three, 0.0, NAMED).confidence == 0.0


def test_one_persons_addresses_on_a_real_list_become_one_member(
    data_dir: Path, tmp_path: Path
) -> None:
    # gpsd-users, four months: Eric S. Raymond writes from esr@thyrsus.com and
    # esr@snark.thyrsus.com; Wolfgang S. Rupprecht from seven tagged addresses.
    folder = data_dir / "scale" / "gpsd-users-maillist"
    months = ["2005-July", "2005-August", "2005-December", "2006-May"]
    with Store(tmp_path / "gpsd.db") as store:
        ingest(store, [folder / f"{m}.txt.gz" for m in months], enrich=False)
        with store.engine.connect() as conn:
            rows = conn.execute(select(identities.c.email, identities.c.member_id)).all()
    member = {email: m for email, m in rows}
    esr = {member[e] for e in member if e.startswith("esr@") and e.endswith("thyrsus.com")}
    wolfgang = {member[e] for e in member if e.startswith("wolfgang+")}
    assert len([e for e in member if e.startswith("wolfgang+")]) == 7
    assert len(esr) == 1 and len(wolfgang) == 1
    # No one else joins Eric's member.
    assert sum(1 for m in member.values() if m in esr) == len(
        [e for e in member if e.startswith("esr@")]
    )


def test_one_name_at_two_addresses_of_a_list_is_one_person_two_forum_accounts_are_two() -> None:
    # Zach Welch writes to a list from two addresses; no one else's name has his words.
    counts = {("word", "zach"): 2, ("word", "welch"): 2, ("chname", "1|welch zach"): 2}
    home = _h(1, name="Zach Welch", email="zw@superlucidity.net")
    work = _h(2, name="Zach Welch", email="zwelch@codesourcery.com")
    verdict = score(home, work, _holders(counts), 0.0, NAMED)
    assert verdict.confidence >= 0.9
    assert verdict.reasons[0].startswith("rare-name-at-2-addresses")
    # A first name forty others carry: a namesake on the list is likely enough to ask.
    john = _holders(counts | {("word", "zach"): 40})
    assert score(home, work, john, 0.0, NAMED).confidence < 0.9
    # Two usernames of one forum with one name are two people, however rare the name.
    one = _h(3, 2, name="Zach Welch", username="zw")
    two = _h(4, 2, name="Zach Welch", username="zwelch")
    forum = _holders(counts | {("chname", "2|welch zach"): 2})
    assert rare_name(one, two, forum, NAMED) == 0.0
    assert score(one, two, forum, 0.0, NAMED).confidence < 0.9


def test_a_name_at_many_addresses_of_a_list_is_weighed_not_dropped() -> None:
    # Dane Springmeyer at five addresses of a list: his words counted once, as his.
    counts = {("word", "dane"): 5, ("word", "springmeyer"): 5, ("name", "dane springmeyer"): 5,
              ("chname", "1|dane springmeyer"): 5}  # fmt: skip
    a = _h(1, name="Dane Springmeyer", email="dbsgeo@gmail.com")
    b = _h(2, name="Dane Springmeyer", email="dane@developmentseed.org")
    verdict = score(a, b, _holders(counts), 0.0, NAMED)
    assert verdict.confidence >= 0.9
    assert verdict.reasons[0].startswith("rare-name-at-5-addresses")
    # On another channel, the name is weighed by how likely the five are one person:
    # less than a name shown at one address.
    blog = _h(3, 3, name="Dane Springmeyer", email="dane@blog.example")
    many = rare_name(blog, a, _holders(counts), NAMED)
    alone = rare_name(blog, a, _holders(), NAMED)
    assert 0.5 < many < alone
    # A first name as common as John: two people sharing the addresses are too likely
    # to merge them.
    common = _holders(counts | {("word", "dane"): 40})
    assert score(a, b, common, 0.0, NAMED).confidence < 0.9


def test_one_person_at_several_addresses_is_likelier_the_rarer_the_name() -> None:
    assert one_person_share(1, 5.0) == 1.0
    two = [one_person_share(2, others) for others in (0.0, 0.01, 0.1, 1.0)]
    assert two == sorted(two, reverse=True) and two[0] == 1.0 and two[-1] < 0.1
    # Three addresses are likelier two people's than two are (MANY_ADDRESSES < 0.07)...
    assert one_person_share(3, 0.01) < one_person_share(2, 0.01)
    # ...but two of them are one person's even then, unless the odd one is of the pair.
    assert one_person_share(2, 1.0, same_channel=True) == one_person_share(2, 1.0)
    assert one_person_share(5, 1.0, same_channel=True) > 0.6


@pytest.mark.slow
def test_one_persons_addresses_on_real_lists_become_one_member_forged_names_do_not(
    data_dir: Path, tmp_path: Path
) -> None:
    # Seven whole lists (2,295 identities): a few months of one list make every name
    # look common (a word's share is at least 1 / the count of names, and a namesake
    # is expected 20 / (1.3 x that count) times: a tenth at 150 names). Dane
    # Springmeyer writes to mapnik-users from five addresses over four years; on
    # gpsd-users spam forges "Steven A. Norman" at eight addresses and "Vanessa J.
    # Smith" at four (one message each, addresses of unrelated people).
    lists = ("mapnik-users", "gpsd-users", "fetchmail-users", "fetchmail-devel",
             "fldigi-devel", "gpodder-devel", "midgard-general")  # fmt: skip
    files = [f for name in lists
             for f in sorted((data_dir / "scale" / f"{name}-maillist").glob("*.txt.gz"))]  # fmt: skip
    with Store(tmp_path / "lists.db") as store:
        ingest(store, files, enrich=False)
        with store.engine.connect() as conn:
            rows = conn.execute(
                select(identities.c.name, identities.c.email, identities.c.member_id)
            ).all()
    members_of: dict[str, set[int]] = {}
    for name, _, member in rows:
        members_of.setdefault(name or "", set()).add(member)
    dane = [m for name, _, m in rows if name == "Dane Springmeyer"]
    assert len(dane) == 5 and len(set(dane)) == 1
    assert sum(1 for _, _, m in rows if m == dane[0]) == 5  # no one else joined him
    assert len(members_of["Steven A. Norman"]) == 8
    assert len(members_of["Vanessa J. Smith"]) == 4
