"""How rare a name is in the community, read from the store's own counts: what a
full name, or a handle made of it (``clairedubois``, ``cdubois``), is worth as evidence
that two identities on two channels are one person.

The counts are the blocking keys' (``veille.members.identity.blocking_keys``): how
many identities carry each name word, how many full names start with each letter, how
many accounts of one channel show one name or make one handle. The expected number of
other people who could carry the name, or make the handle, gives the evidence
``RARE_NAME / (1 + others)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from veille.members.identity import Handles, Holders

# An identity of one person carries a name or handle about this many times on average
# (people have about 1.3 identities): holders / this ~ how many people share the key.
IDENTITIES_PER_PERSON: Final = 1.3
# A full name the community's own word counts say is rare: what it is worth when no
# one else is expected to carry it, and how much more often a first and a family name
# go together than their counts alone say (names are drawn within a culture: a
# Portuguese first name comes with a Portuguese family name far more often than the
# community's mix would have it). 15 left the community (80,000 members, seed
# 11 of bench/identities.py) at a precision of 0.989 to 0.990 from one generated draw to
# the next; 20 keeps it above 0.99 (docs/benchmarks.md, identity resolution).
RARE_NAME: Final = 0.98
NAME_CORRELATION: Final = 20.0
# The share of full names that real senders show at two or more addresses of one list
# (a work and a home address: bench/identity_realism.py on the real archives).
SEVERAL_ADDRESSES: Final = 0.07
# One name at n addresses of one list: how much likelier one person writing from all n
# is than two people sharing them, per other person expected to carry the name. On the
# ten real lists (2,979 full names on one list: 2,795 at one address, 164 at two, 13 at
# three, 4 at four, 2 at five, 1 at eight) one person at three or more addresses is
# q(3+) / (3 q(1) q(2+)) = 0.0067 / (3 x 0.938 x 0.062) ~ 0.04 as likely as one at
# one address and another at the rest; two addresses keep SEVERAL_ADDRESSES.
MANY_ADDRESSES: Final = 0.04
# How many identities of one person may hold one handle's letters (a username on two
# channels and an address made of it on a third): up to this, a handle is one person's.
ONE_PERSONS_HANDLE: Final = 3
# The share of people whose first or family name starts with a given letter, taken
# high (the commonest initials in European names carry about a tenth of them each):
# what an initial is worth when the community's counts cannot say.
INITIAL_SHARE: Final = 0.12
# An initial's share as the community's counts give it is kept at least this (the
# rarest initials, Q or X, in a community where few show a name), and taken this many
# times (an initial is more common within one culture, M among Maghrebi first names,
# than in the community's mix; far less so than a whole first name is).
INITIAL_FLOOR: Final = 0.03
INITIAL_CORRELATION: Final = 3.0


def initial_share(which: str, letter: str, holders: Holders, count: int) -> float:
    """The share of people whose first (``which`` ``f``) or family (``l``) name starts
    with ``letter``, as the community's full names count it (at least
    ``INITIAL_FLOOR``), times ``INITIAL_CORRELATION``; ``INITIAL_SHARE`` when nothing is
    counted."""
    share = holders("initial", which + letter) / count if count else INITIAL_SHARE
    return max(INITIAL_FLOOR, share) * INITIAL_CORRELATION


def _first_shown(
    letter: str, shown: Iterable[Handles], holders: Holders, count: int, first: str = ""
) -> float:
    """When every one of ``shown`` writes one first name starting with ``letter`` (a
    "Claire" or "Claire D." beside a ``cdubois``; ``first`` when that is given), the
    share of people carrying it, times ``NAME_CORRELATION`` (as a whole name's words
    are counted); 1.0 when they do not (an identity that shows no first name may be
    any C. Dubois's)."""
    words = {h.words[0] if h.words else "" for h in shown}
    if len(words) != 1:
        return 1.0
    (word,) = words
    if len(word) < 3 or word[0] != letter or word != (first or word):
        return 1.0
    return holders("word", word) / count * NAME_CORRELATION


def rare_handle(
    letters: str, holders: Holders, count: int, shown: Iterable[Handles] = (), everyone: int = 0
) -> float:
    """:func:`rare_name` for a handle made of a name that no identity shows in full
    (``clairedubois`` or ``cdubois`` on two channels, no full name beside it): the
    handle read as two of the community's name words, or a word and an initial, the
    commonest reading counted. A first name one of ``shown`` writes ("Claire", "Claire
    D.") tells what an initial stands for. ``everyone`` is how many identities there are,
    named or not: the people who could have made the handle."""
    if not count or len(letters) < 5:
        return 0.0
    shown = tuple(shown)
    people = max(count, everyone) / IDENTITIES_PER_PERSON
    others = 0.0
    for i in range(1, len(letters)):
        left, right = letters[:i], letters[i:]
        words = [holders("word", w) / count for w in (left, right)
                 if len(w) >= 3 and holders("word", w) > 1]  # fmt: skip
        if len(words) == 2:  # two words
            others = max(others, people * words[0] * words[1] * NAME_CORRELATION)
        elif words and len(left) == 1:  # cdubois: the first name's initial
            first = min(initial_share("f", left, holders, count),
                        _first_shown(left, shown, holders, count))  # fmt: skip
            others = max(others, people * words[0] * first)
        elif words and len(right) == 1:  # duboisc or claired: either initial
            initial = max(initial_share(w, right, holders, count) for w in "fl")
            others = max(others, people * words[0] * initial)
    if not others:
        return 0.0
    return RARE_NAME / (1.0 + others)


def rare_name(
    named: Handles,
    other: Handles,
    holders: Holders,
    count: int,
    handle: str = "",
    everyone: int = 0,
) -> float:
    """What a full name (``named``'s) is worth as evidence that ``other`` is the same
    person, when the name's words are rare; ``count`` is how many identities have a
    full name.

    The expected number of other people carrying the name is the community's people
    times the share of names with its first word times the share with its rarest other
    word (times ``NAME_CORRELATION``); the evidence is ``RARE_NAME / (1 + that)``. When
    the evidence is a ``handle`` made of the name with an initial (``cdubois``,
    ``claired``), the initial counts as the share of the community's names starting
    with that letter (:func:`initial_share`), unless ``other`` writes the first name
    beside it ("Claire D." as ``cdubois``). A handle may be anyone's, named or not: its
    people are ``everyone`` (all identities) / 1.3, not only those who show a name.

    Several accounts of one channel showing the name (:func:`addresses_shown`) are one
    person at several addresses or several people: the evidence is weighed by how
    likely the first is (:func:`one_person_share`), and the name's words are counted as
    that one person's once. Zero when the counts cannot say: the two on one channel
    whose accounts are not addresses (two usernames of one forum are two people), a
    first name or every family-name word too short to be counted."""
    full = named.full_name
    if not count or not full:
        return 0.0
    first, written = named.words[0], [w for w in named.words[1:] if w != named.words[0]]
    # A short word of the family name ("St-Jean", "Ó Briain") is not counted; the
    # others are, which can only make the name look commoner than it is.
    rest = [w for w in written if len(w) >= 3]
    if len(first) < 3 or not rest:
        return 0.0
    shown = addresses_shown(named, other, holders)
    if not shown:
        return 0.0
    # If the accounts showing the name are one person's, their words are that person's
    # once: the other accounts are not other people carrying the words.
    extra = shown - 1

    def share(word: str) -> float:
        return max(1, holders("word", word) - extra) / count

    people = (max(count, everyone) if handle else count) / IDENTITIES_PER_PERSON
    first_share = share(first)
    rest_share = min(share(w) for w in rest)
    others = people * first_share * rest_share * NAME_CORRELATION
    alone = one_person_share(shown, others, named.channel == other.channel)
    if handle and not any(
        handle in (first + last, last + first) for last in ("".join(written), written[-1])
    ):
        # Made with an initial: only the word spelled out is known, and what the other
        # shows of the first name.
        if handle.startswith(first):  # claired
            others = people * first_share * initial_share("l", written[0][0], holders, count)
        else:  # cdubois, duboisc
            initial = min(initial_share("f", first[0], holders, count),
                          _first_shown(first[0], (other,), holders, count, first))  # fmt: skip
            others = people * initial * rest_share
    return RARE_NAME / (1.0 + others) * alone


def one_person_share(shown: int, others: float, same_channel: bool = False) -> float:
    """How likely a name's ``shown`` accounts on one channel are one person, when
    ``others`` other people are expected to carry it: one person at that many addresses
    (``SEVERAL_ADDRESSES`` for two, ``MANY_ADDRESSES`` for more) against two people
    sharing them. For a pair of two of the accounts (``same_channel``), two people
    still leave the pair one person's when one of them holds a single address and it is
    neither of the pair's: (shown - 2) / shown of the pairs."""
    if shown <= 1:
        return 1.0
    odds = SEVERAL_ADDRESSES if shown == 2 else MANY_ADDRESSES
    one = odds / (odds + others)
    if not same_channel:
        return one
    return one + (1.0 - one) * (shown - 2) / shown


def addresses_shown(named: Handles, other: Handles, holders: Holders) -> int:
    """How many accounts of one channel show ``named``'s full name, counted at the
    pair's channel that has most (1: each is the only one); 0 when such accounts are not
    one person's addresses: two usernames of one forum with one name (more than two
    for a pair on two channels) are two people, and so is a pair of one channel whose
    accounts are not addresses."""
    full = named.full_name
    same = named.channel == other.channel
    if same and not (_address_only(named) and _address_only(other)):
        return 0
    sides = (named, other) if other.full_name == full and not same else (named,)
    shown = 1
    for h in sides:
        accounts = other_accounts(h, holders)
        if accounts > 1 and not _address_only(h):
            return 0
        shown = max(shown, accounts + 1)
    return max(shown, 2) if same else shown


def _address_only(h: Handles) -> bool:
    """Whether the identity is an address (a mailing list's sender, a blog's commenter):
    the channels where one person writes from work and from home."""
    return bool(h.email) and not h.username and not h.github


def one_name_makes(handle: str, h: Handles, holders: Holders) -> bool:
    """Whether ``h``'s full name is the only name that makes ``handle`` (however many
    identities show that name), and no more identities than one person's few hold the
    handle as their own username or address."""
    namers = holders("namehandle", handle)
    if h.full_name and namers > holders("name", h.full_name):
        return False  # another name makes it too: Cecile Dubois for cdubois
    return holders("handle", handle) - namers <= ONE_PERSONS_HANDLE


def other_accounts(h: Handles, holders: Holders) -> int:
    """How many other accounts of ``h``'s channel, at other addresses, show ``h``'s full
    name: two people carrying it, or one writing from two addresses."""
    if h.site_title:
        return 0
    accounts = holders("chname", f"{h.channel}|{h.full_name}")
    if accounts < 2:
        return 0
    same = holders("chnamemail", f"{h.channel}|{h.full_name}|{h.email}") if h.email else 1
    return max(0, accounts - same)
