"""One identity's handles made comparable, its blocking keys, and the score of a pair.

An identity is what one channel knows of an author: a name, a username, an e-mail
address, a profile URL, any of them missing. :func:`handles` normalises them
(accents folded, "Dubois, Claire" read as "Claire Dubois", e-mail sub-addresses and
Gmail's dots dropped, GitHub's noreply addresses read as the GitHub login);
:func:`blocking_keys` gives the keys under which two identities of one person are
likely to meet, so candidate pairs are found by index instead of comparing all pairs;
:func:`score` weighs the evidence for a pair and says why.

The weights are likelihoods, not rules: a shared name is strong evidence when few
identities carry that name and weak when many do (``Scorer.holders`` tells how many),
the same goes for a handle made of a name ("jwilliams"). Independent pieces of evidence
combine as ``1 - prod(1 - p)``; two full names that disagree veto the pair.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from rapidfuzz.distance import JaroWinkler

from veille.members.rarity import (
    IDENTITIES_PER_PERSON,
    ONE_PERSONS_HANDLE,
    addresses_shown,
    one_name_makes,
    rare_handle,
    rare_name,
)
from veille.model import is_role_address

# Providers that ignore dots in the local part; most providers deliver ``local+tag``
# to ``local``, so the tag is dropped for every domain.
DOTLESS_DOMAINS: Final = frozenset({"gmail.com", "googlemail.com"})
DOMAIN_ALIASES: Final = {"googlemail.com": "gmail.com"}
GITHUB_NOREPLY: Final = "users.noreply.github.com"
# Words that make a display name a title rather than a person's name (pingbacks from
# blogs: "Le blog de Claire Dubois").
TITLE_WORDS: Final = frozenset(
    [
        "blog",
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "von",
        "der",
        "das",
        "die",
        "el",
        "los",
        "las",
        "del",
        "il",
        "lo",
        "di",
        "da",
        "do",
        "dos",
        "of",
        "the",
        "s",
        "team",
        "equipe",
    ]
)
# Particles of family names that display names keep apart and handles run together
# ("Claire Da Costa" as cdacosta, "Laura O'Hea" as lohea).
PARTICLES: Final = ("da", "de", "di", "do", "dos", "du", "del", "della", "des", "el", "al",
                    "le", "la", "van", "von", "der", "den", "o", "d")  # fmt: skip
_FOLD: Final = {ord("ß"): "ss", ord("ø"): "o", ord("æ"): "ae", ord("œ"): "oe", ord("ł"): "l",
                ord("đ"): "d", ord("ı"): "i"}  # fmt: skip
_WORD: Final = re.compile(r"[^\W\d_]+", re.UNICODE)
_LETTERS: Final = re.compile(r"[^a-z]")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without accents: what people type when their keyboard makes it hard."""
    if text.isascii():  # most handles: nothing to fold, and no normalising to pay for
        return text.lower()
    text = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return "".join(c for c in text if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Handles:
    """An identity's handles, normalised for comparison (made by :func:`handles`)."""

    id: int
    channel: int
    #: The name's words in written order, folded; for "Last, First" or "LAST First",
    #: turned to first-name-first.
    words: tuple[str, ...] = ()
    initials: tuple[str, ...] = ()
    email: str | None = None
    #: The e-mail's local part (no tag), and whether the address is a role mailbox.
    local: str = ""
    role_mailbox: bool = False
    username: str | None = None
    github: str | None = None
    url: str | None = None
    #: The name's words sorted (order-free), when it has a first and a last name.
    full_name: str | None = None
    #: The handles people make of this name: ``claire dubois`` gives ``clairedubois``,
    #: ``duboisclaire``, ``cdubois``, ``duboisc``, ``claired``.
    name_handles: frozenset[str] = frozenset()
    #: The e-mail local part and username as letters only (digits and dots gone).
    own_handles: frozenset[str] = frozenset()
    #: The name is a site's title ("Le blog de Claire Dubois"), not an account's.
    site_title: bool = False


def _name_handles(words: tuple[str, ...]) -> frozenset[str]:
    if len(words) < 2:
        return frozenset()
    first, last = words[0], "".join(words[1:])
    other_last = words[-1]
    out = {first + last, last + first, first[0] + last, last + first[0], first + last[0]}
    if other_last != last:  # "Nadia Ait Ahmed": also the last word alone
        out |= {first + other_last, first[0] + other_last, other_last + first[0]}
    return frozenset(s for s in out if len(s) >= 5)


def letters_of(handle: str) -> str:
    """A handle's letters only, folded: ``Claire.Dubois73`` -> ``clairedubois``."""
    return _LETTERS.sub("", fold(handle))


def handles(
    identity_id: int,
    channel_id: int,
    name: str | None,
    username: str | None,
    email: str | None,
    url: str | None,
) -> Handles:
    """Normalise one identity's handles."""
    words, initials = _name_words(name or "")
    norm_email, local, role = normal_email(email) if email else (None, "", False)
    github = None
    if norm_email and norm_email.endswith("@" + GITHUB_NOREPLY):
        # 12345+login@users.noreply.github.com, or login@users.noreply.github.com
        github = (email or "").split("@")[0].split("+")[-1].lower()
        norm_email, local = None, ""
    user = username.strip().lower().lstrip("@") if username and username.strip() else None
    if role:
        norm_email, local = None, ""
    own = frozenset(
        squashed
        for squashed in (letters_of(h) for h in (local, user or "", github or "") if h)
        if len(squashed) >= 5
    )
    return Handles(
        id=identity_id,
        channel=channel_id,
        words=words,
        initials=initials,
        email=norm_email,
        local=local,
        role_mailbox=role,
        username=user,
        github=github,
        url=normal_url(url) if url else None,
        full_name=" ".join(sorted(words)) if len(words) >= 2 else None,
        name_handles=_name_handles(words),
        site_title=bool(name) and "blog" in letters_of(name or ""),
        own_handles=own,
    )


def normal_email(email: str) -> tuple[str | None, str, bool]:
    """``(address, local part, is a role mailbox)``: lower case, no ``+tag``, no dots
    where the provider ignores them; ``(None, "", False)`` for something that is no
    address."""
    local, at, domain = email.strip().lower().rpartition("@")
    if not at or not local or "." not in domain:
        return None, "", False
    domain = DOMAIN_ALIASES.get(domain, domain)
    if domain != GITHUB_NOREPLY:
        local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
    role = is_role_address(f"{local}@{domain}")
    return f"{local}@{domain}", local, role


def normal_url(url: str) -> str | None:
    """A profile or site URL without scheme, ``www.``, query, fragment or final slash."""
    text = url.strip().lower().split("#", 1)[0].split("?", 1)[0]
    text = text.partition("://")[2] or text
    text = text.removeprefix("www.").rstrip("/")
    return text if "." in text.split("/", 1)[0] else None


def _name_words(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words and the initials of a display name, first name first."""
    raw = name.strip()
    if not raw or "@" in raw:
        return (), ()
    if "," in raw:  # "Dubois, Claire"
        last, _, first = raw.partition(",")
        raw = f"{first} {last}"
    parts = _WORD.findall(raw)
    # "DUBOIS Claire": a word in capitals before others is the family name.
    if len(parts) >= 2 and parts[0].isupper() and len(parts[0]) > 1 and not parts[1].isupper():
        parts = parts[1:] + parts[:1]
    words, initials = [], []
    for part in parts:
        folded = fold(part)
        if not folded.isascii() or not folded.isalpha():
            continue  # another script: compared as written elsewhere, not here
        if len(folded) == 1:
            initials.append(folded)
        elif folded not in TITLE_WORDS:
            words.append(folded)
    return tuple(words), tuple(initials)


def blocking_keys(h: Handles) -> set[tuple[str, str]]:
    """The ``(kind, value)`` keys under which this identity is looked up."""
    keys: set[tuple[str, str]] = set()
    if h.email:
        keys.add(("email", h.email))
    if h.github:
        keys.add(("github", h.github))
    if h.url:
        keys.add(("url", h.url))
    if h.username:
        keys.add(("user", h.username))
    if h.full_name:
        keys.add(("name", h.full_name))
    names = h.name_handles
    for squashed in names | h.own_handles:
        keys.add(("handle", squashed))
    # Counted apart, to tell a handle anyone's name makes ("prodriguez") from one that
    # only its owner would choose.
    keys.update(("namehandle", squashed) for squashed in names)
    keys.update(("word", w) for w in h.words if len(w) >= 3)
    if h.full_name and not h.site_title:
        # Counted apart: accounts of one channel with one name and different addresses
        # are one person at several addresses or several people (rarity weighs which);
        # the same address under a tag (claire+ml@) or a site's title named after its
        # owner is not another account.
        keys.add(("chname", f"{h.channel}|{h.full_name}"))
        if h.email:
            keys.add(("chnamemail", f"{h.channel}|{h.full_name}|{h.email}"))
    if h.full_name:
        # Counted apart: how many first names (f) and family names (l) start with each
        # letter, for a handle made with an initial ("cdubois", "claired").
        keys.add(("initial", f"f{h.words[0][0]}"))
        keys.add(("initial", f"l{h.words[1][0]}"))
    if h.username and len(letters := letters_of(h.username)) >= 5:
        # Counted apart: two accounts of one channel whose usernames have the same
        # letters (pteruel, pteruel1) are two people who made the handle alike.
        keys.add(("chuser", f"{h.channel}|{letters}"))
    return keys


def _made_twice(h: Handles, letters: str, holders: Holders) -> bool:
    """Whether ``h``'s username has ``letters`` and another account of ``h``'s channel
    has a username of the same letters: then two people made that handle."""
    return (
        bool(h.username)
        and letters_of(h.username or "") == letters
        and holders("chuser", f"{h.channel}|{letters}") > 1
    )


def name_like(letters: str, holders: Holders) -> bool:
    """Whether a handle's letters are a name people share: one of the community's name
    words, or two of them (or an initial and one) run together, as in ``cdubois``,
    ``duboisc``, ``clairedubois``."""

    def word(part: str) -> bool:
        if len(part) >= 3 and holders("word", part) > 1:
            return True
        # A family name with its particle, as handles write it: dacosta, elidrissi.
        return any(
            part.startswith(p) and len(part) - len(p) >= 3 and holders("word", part[len(p) :]) > 1
            for p in PARTICLES
        )

    if word(letters):
        return True
    for i in range(1, len(letters)):
        left, right = letters[:i], letters[i:]
        if (len(left) == 1 or word(left)) and word(right):
            return True
        if word(left) and len(right) == 1:
            return True
    return False


@dataclass(frozen=True, slots=True)
class Verdict:
    confidence: float
    reasons: tuple[str, ...]


#: How many identities carry a key: ``holders(kind, value)``.
Holders = Callable[[str, str], int]

# What one piece of evidence is worth when the key is unique to the pair.
SAME_EMAIL: Final = 0.99
SAME_GITHUB: Final = 0.99
SAME_URL: Final = 0.97
SAME_USERNAME: Final = 0.92
SAME_NAME: Final = 0.85
# One mailbox name at a host and at its parent domain (esr@snark.thyrsus.com and
# esr@thyrsus.com): one organisation's mail, where a mailbox name is one account, as
# sure as one username on one platform.
SAME_MAILBOX_OTHER_HOST: Final = 0.92
NAME_IN_HANDLE: Final = 0.75
# One person rarely shows one address or site on more identities than this.
PERSONAL_HOLDERS: Final = 6
# A name, however rare, is not enough to merge without asking.
NAME_ONLY_CAP: Final = 0.85
# Two names that cannot be one person's leave a pair to a person to decide.
NAMES_DIFFER_CAP: Final = 0.6


def _rare(base: float, holders: int) -> float:
    """Evidence from a key shared by ``holders`` identities: the base weight when only
    this pair holds it, shrinking as 1 / (1 + the other people likely to hold it)."""
    others = max(0, holders - 2) / IDENTITIES_PER_PERSON
    return base / (1.0 + others)


def _personal(base: float, holders: int) -> float:
    """Evidence from an address or URL: one person's few identities share it; a
    dozen holders mean a shared mailbox or a company site."""
    return base if holders <= PERSONAL_HOLDERS else base * PERSONAL_HOLDERS / holders


def score(
    a: Handles,
    b: Handles,
    holders: Holders,
    name_clash: float = 0.0,
    named_count: int = 0,
    everyone: int = 0,
) -> Verdict:
    """How sure we are that identities ``a`` and ``b`` are one person, and why.

    ``name_clash`` is the community's share of identities whose full name another
    identity of the same channel also has: a measure of how often two different people
    carry one name there (see :func:`veille.members.blocking.name_clash`). ``named_count`` is
    how many identities have a full name: with it, a full name's rarity is read from
    how common its words are (:func:`rare_name`); ``everyone`` is how many identities
    there are, named or not (anyone may make a handle of a name they never show).
    """
    evidence: list[tuple[float, str]] = []
    if a.email and a.email == b.email:
        held = holders("email", a.email)
        if a.full_name and a.full_name == b.full_name:
            # One person's tagged addresses (wolfgang+gnus20050808@..., one a message)
            # pile up on one address without it being shared: under one full name the
            # many holders are that person, not a shared mailbox.
            held = min(held, PERSONAL_HOLDERS)
        evidence.append((_personal(SAME_EMAIL, held), "same-email"))
    elif a.local and a.local == b.local and a.email and b.email and _host_of(a.email, b.email):
        evidence.append((SAME_MAILBOX_OTHER_HOST, "same-mailbox-other-host"))
    if a.github and a.github in (b.github, b.username) or b.github and b.github == a.username:
        evidence.append((SAME_GITHUB, "same-github"))
    if a.url and a.url == b.url:
        evidence.append((_personal(SAME_URL, holders("url", a.url)), "same-url"))
    name_made_username = 0.0
    if a.username and a.username == b.username and a.channel != b.channel:
        # A username made of a common name or nickname ("daniel.wright", "bluefox1")
        # is as common as that name, whatever its digits: weigh it by its letters.
        letters = letters_of(a.username)
        shared = max(holders("user", a.username), holders("handle", letters) if letters else 0)
        weight = _rare(SAME_USERNAME, shared)
        if len(letters) < 5:  # too short to be counted as a handle: assume common
            weight *= 0.5
        if (
            letters in a.name_handles | b.name_handles
            or holders("namehandle", letters) > 1
            or name_like(letters, holders)
        ):
            # Anyone called so would pick it: evidence of the name, not of the person.
            name_made_username = weight
        else:
            evidence.append((weight, "same-username"))
    names_agree = _names_agree(a, b)
    if names_agree is False:
        if evidence and max(p for p, _ in evidence) >= SAME_URL:
            # Strong handles beat a display name ("Le blog de ..." or a nickname).
            return _combine(evidence, ("names-differ",), NAMES_DIFFER_CAP)
        return Verdict(0.0, ("names-differ",))
    # A name said in a display name and in a handle made of it ("Claire Dubois",
    # claire.dubois@...) is one piece of evidence, not two: two Claire Dubois make
    # the same handles. Only the strongest counts, and a name alone never merges.
    named: list[tuple[float, str]] = []
    full_a, full_b = a.full_name, b.full_name
    # The name's own rarity, from the community's counts: the strongest a name can say.
    rare: list[tuple[float, str]] = []
    if full_a and full_a == full_b:
        named.append((_rare(SAME_NAME, holders("name", full_a)), "same-name"))
        rare.append((rare_name(a, b, holders, named_count), "rare-name" + _at(a, b, holders)))
    elif names_agree:
        named.append((_rare(SAME_NAME, _fuzzy_holders(a, b, holders)), "similar-name"))
    if name_made_username:
        named.append((name_made_username, "same-username-made-of-a-name"))
        letters = letters_of(a.username or "")
        twice = any(_made_twice(h, letters, holders) for h in (a, b))
        few = holders("user", a.username or "") <= 2
        for x in (a, b) if not twice else ():
            if letters in x.name_handles and few:
                other = b if x is a else a
                rare.append((rare_name(x, other, holders, named_count, letters, everyone),
                             "rare-name-in-username" + _at(x, other, holders)))  # fmt: skip
        if (
            not rare
            and not twice
            and few
            and holders("handle", letters) <= ONE_PERSONS_HANDLE
        ):
            # No one shows the name, and no one else holds the handle: the name's
            # words, as the community counts them, say how rare it is.
            rare.append((rare_handle(letters, holders, named_count, (a, b), everyone),
                         "rare-name-username"))  # fmt: skip
    for x, y in ((a, b), (b, a)):
        made = {s for s in x.name_handles & y.own_handles if not _made_twice(y, s, holders)}
        if made:
            rarest = min(holders("handle", s) for s in made)
            which = "email-matches-name" if any(
                letters_of(y.local) == s for s in made
            ) else "username-matches-name"  # fmt: skip
            named.append((_rare(NAME_IN_HANDLE, rarest), which))
            # No one else's name makes it, nor do more handles than one person keeps.
            mine = [h for h in made if one_name_makes(h, x, holders)]
            if mine:
                worth = max(rare_name(x, y, holders, named_count, h, everyone) for h in mine)
                rare.append((worth, f"rare-name-{which}{_at(x, y, holders)}"))
            break
    personal = bool(evidence)
    best_rare = max(rare, default=(0.0, ""))
    if named:
        best = max(p for p, _ in named) * (1.0 - name_clash)
        why = "+".join(why for _, why in named)
        if best_rare[0] > best:
            best, why = best_rare[0], f"{best_rare[1]}+{why}"
        evidence.append((best, why))
    if not evidence:
        return Verdict(0.0, ())
    return _combine(evidence, (), 1.0 if personal else max(NAME_ONLY_CAP, best_rare[0]))


def _at(named: Handles, other: Handles, holders: Holders) -> str:
    """What a rare name's reason adds when the name is shown at several addresses of one
    channel (``-at-3-addresses``): the evidence was weighed by how likely they are one
    person's (:func:`veille.members.rarity.one_person_share`)."""
    shown = addresses_shown(named, other, holders) if named.full_name else 0
    return f"-at-{shown}-addresses" if shown > 1 else ""


def _host_of(one: str, other: str) -> bool:
    """Whether one address's domain is a host of the other's (``snark.thyrsus.com``
    of ``thyrsus.com``). Two hosts under one parent are not enough: ``jcu.me.uk`` and
    ``devereux.me.uk`` share only a public suffix."""
    a, b = one.rpartition("@")[2], other.rpartition("@")[2]
    return a != b and (a.endswith("." + b) or b.endswith("." + a))


def _combine(evidence: list[tuple[float, str]], extra: tuple[str, ...], cap: float) -> Verdict:
    miss = 1.0
    for p, _ in evidence:
        miss *= 1.0 - p
    reasons = tuple(f"{why}:{p:.2f}" for p, why in sorted(evidence, reverse=True)) + extra
    return Verdict(round(min(cap, 1.0 - miss), 4), reasons)


def _names_agree(a: Handles, b: Handles) -> bool | None:
    """True when both have full names that are one (spelling variants allowed), False
    when both have names that cannot be one person's, None when there is not enough."""
    if not a.words or not b.words:
        return None
    if a.full_name and b.full_name:
        if a.full_name == b.full_name:
            return True
        return _same_words(a.words, b.words)
    # One of them is a first name alone ("Claire", "Claire D."): it must be in the other.
    short, full = (a, b) if len(a.words) < len(b.words) else (b, a)
    if not any(_similar(w, x) for w in short.words for x in full.words):
        return False
    if short.initials and full.full_name:
        rest = {x[0] for x in full.words if not any(_similar(w, x) for w in short.words)}
        # the full name's own initials too: "Allan O." is Allan O'Houlihan, "Derrick J."
        # Derrick J Brashear
        rest.update(full.initials)
        if not rest & set(short.initials):
            return False
    return None


def _same_words(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    """Every word of the shorter name has a close match in the longer one."""
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    return all(any(_similar(w, v) for v in long) for w in short)


def _similar(w: str, v: str) -> bool:
    """Two name words that may be one (Mohamed / Mohammed, Yasmine / Yasmin), or one
    name transliterated two ways (Youssef / Yusuf, Mohamed / Muhammad)."""
    if w == v:
        return True
    if min(len(w), len(v)) < 4:
        return False
    if JaroWinkler.similarity(w, v) >= 0.92:
        return True
    skeleton = _skeleton(w)
    return len(skeleton) >= 3 and skeleton == _skeleton(v)


_DIGRAPHS: Final = (("ph", "f"), ("sh", "x"), ("ch", "x"), ("kh", "k"), ("dj", "j"),
                    ("q", "k"))  # fmt: skip


@lru_cache(maxsize=65536)
def _skeleton(word: str) -> str:
    """A name word's first letter and its consonants, repeats collapsed, digraphs that
    transliterations spell differently made one: ``youssef`` and ``yusuf`` give
    ``ysf``, ``mohamed`` and ``muhammad`` ``mhmd``."""
    for digraph, one in _DIGRAPHS:
        word = word.replace(digraph, one)
    out = word[:1]
    for c in word[1:]:
        if c not in "aeiouy" and c != out[-1]:
            out += c
    return out


def _fuzzy_holders(a: Handles, b: Handles, holders: Holders) -> int:
    """For two names that are close but not equal, the larger of their holder counts."""
    return max(holders("name", n) for n in (a.full_name, b.full_name) if n)


def forget() -> None:
    """Drop the folded words and name skeletons remembered while resolving. A full step
    churns through millions of them: the few tens of thousands kept are spread over the
    memory its pairs and handles used, and kept that memory from being given back
    before the engagement step needs its own."""
    fold.cache_clear()
    _skeleton.cache_clear()

