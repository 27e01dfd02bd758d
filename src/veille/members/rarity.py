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
    """What a full name (``named``'s) is worth as evidence that ``other``, on another
    channel, is the same person, when the name's words are rare; ``count`` is how many
    identities have a full name.

    The expected number of other people carrying the name is the community's people
    times the share of names with its first word times the share with its rarest other
    word (times ``NAME_CORRELATION``); the evidence is ``RARE_NAME / (1 + that)``. When
    the evidence is a ``handle`` made of the name with an initial (``cdubois``,
    ``claired``), the initial counts as the share of the community's names starting
    with that letter (:func:`initial_share`), unless ``other`` writes the first name
    beside it ("Claire D." as ``cdubois``). A handle may be anyone's, named or not: its
    people are ``everyone`` (all identities) / 1.3, not only those who show a name.
    Zero when the counts cannot say: the two on one channel, a first name or every
    family-name word too short to be counted, or two identities of one channel
    carrying the name (two people, then)."""
    full = named.full_name
    if not count or not full or named.channel == other.channel:
        return 0.0
    first, written = named.words[0], [w for w in named.words[1:] if w != named.words[0]]
    # A short word of the family name ("St-Jean", "Ó Briain") is not counted; the
    # others are, which can only make the name look commoner than it is.
    rest = [w for w in written if len(w) >= 3]
    if len(first) < 3 or not rest:
        return 0.0
    sides = (named, other) if other.full_name == full else (named,)
    accounts = max(other_accounts(h, holders) for h in sides)
    if accounts > 1:
        return 0.0
    people = (max(count, everyone) if handle else count) / IDENTITIES_PER_PERSON
    first_share = holders("word", first) / count
    rest_share = min(holders("word", w) for w in rest) / count
    others = people * first_share * rest_share * NAME_CORRELATION
    # Two accounts of one channel with the name: one person writing from two addresses
    # (as SEVERAL_ADDRESSES of names are) or two people (as likely as ``others``
    # says); only the first makes the pair one person whichever account it is.
    alone = 1.0 if not accounts else SEVERAL_ADDRESSES / (SEVERAL_ADDRESSES + others)
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
