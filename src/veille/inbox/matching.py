"""Running routing rules: what a rule is, what it sees of an item, and the matcher
that applies checked rules to items (:mod:`veille.inbox.rules` reads and checks the
file and says what the rules mean).

Speed: each item is folded and split into words once, whatever the number of rules;
rules are indexed by a condition that must hold (a word, an intent, a channel...) so an
item is only checked against the rules that can match it; every rule's regular
expressions are first tried as one joined search, and most items match none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Final, NotRequired, TypedDict

from veille.members.identity import fold

PRIORITIES: Final = ("critical", "high", "medium", "low", "none")
"""Most pressing first; ``medium`` when nothing says otherwise."""
DEFAULT_PRIORITY: Final = "medium"
RENAMED_PRIORITIES: Final = {"urgent": "critical", "normal": "medium"}
"""The names before revision 0017, still read in rule files and stored rules."""


def priority_name(name: str) -> str:
    """A priority by its name, an old name read as the new one."""
    return RENAMED_PRIORITIES.get(name, name)


@dataclass(frozen=True, slots=True)
class When:
    """A rule's conditions, as the file gives them (``()`` / ``None``: not given)."""

    intent: tuple[str, ...] = ()
    min_intent_score: float | None = None
    language: tuple[str, ...] = ()
    sentiment: tuple[str, ...] = ()
    min_sentiment_score: float | None = None
    max_sentiment_score: float | None = None
    channel: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    any_words: tuple[str, ...] = ()
    all_words: tuple[str, ...] = ()
    no_words: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    segment: tuple[str, ...] = ()
    vip: bool | None = None
    min_spam_score: float | None = None
    max_spam_score: float | None = None


@dataclass(frozen=True, slots=True)
class Then:
    """A rule's actions."""

    route: str | None = None
    assign: str | None = None
    priority: str | None = None
    tag: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()

    def steps(self) -> list[str]:
        """``["route:pr", "priority:critical", "tag:crisis", ...]``."""
        single = [
            (k, v)
            for k, v in (
                ("route", self.route),
                ("assign", self.assign),
                ("priority", self.priority),
            )
            if v is not None
        ]
        many = [("tag", t) for t in self.tag] + [("notify", n) for n in self.notify]
        return [f"{k}:{v}" for k, v in single + many]


@dataclass(frozen=True, slots=True)
class Rule:
    """One ``[[rule]]`` of a file."""

    name: str
    when: When
    then: Then
    stop: bool = False
    shadow: bool = False
    description: str = ""
    line: int | None = None
    """Where the rule starts in its file."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What a rule sees of one item."""

    activity_id: int
    text: str
    title: str
    channel: str
    kind: str
    language: str | None = None
    sentiment: str | None = None
    sentiment_score: float | None = None
    intent: str | None = None
    intent_score: float | None = None
    spam_score: float | None = None
    segment: str | None = None
    member_id: int | None = None
    email: str | None = None
    username: str | None = None
    created_at: datetime | None = None
    """When it was written: the item's ``received_at`` (rules do not look at it)."""


class Applied(TypedDict):
    """What one matching rule did to an item."""

    rule: str
    did: list[str]
    ignored: NotRequired[list[str]]
    shadow: NotRequired[bool]


@dataclass(slots=True)
class Outcome:
    """What the rules decided for one item (see the module's precedence)."""

    department: str | None = None
    assignee: str | None = None
    priority: str = DEFAULT_PRIORITY
    tags: list[str] = field(default_factory=list)
    notify: list[str] = field(default_factory=list)
    applied: list[Applied] = field(default_factory=list)


# -- words -------------------------------------------------------------------------

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_WORD = re.compile(r"\w+")
_FOLDED: dict[str, str] = {}  # one entry per character ever met: a few thousand at most


def _fold_char(m: re.Match[str]) -> str:
    c = m.group()
    if (f := _FOLDED.get(c)) is None:
        f = _FOLDED[c] = fold(c)
    return f


def fold_text(text: str) -> str:
    """:func:`veille.members.identity.fold`, a character at a time (long texts, no cache)."""
    text = text.lower()
    return text if text.isascii() else _NON_ASCII.sub(_fold_char, text)


def phrase(p: str) -> tuple[tuple[str, ...], bool]:
    """A phrase's folded words, and whether it ends with ``*`` (a word beginning)."""
    star = p.endswith("*")
    body = p[:-1] if star else p
    if "*" in body or (star and body != body.rstrip()):
        raise ValueError(f"{p!r}: a * may only end a phrase, right after a letter (intoxiqu*)")
    words = tuple(_WORD.findall(fold_text(body)))
    if not words:
        raise ValueError(f"{p!r} has no word in it")
    return words, star


# -- matching ----------------------------------------------------------------------

_RANK: Final = {p: -i for i, p in enumerate(PRIORITIES)}  # the higher, the more pressing


class _Item:
    """One item as the checks read it: folded and split into words once."""

    __slots__ = ("facts", "channel", "language", "tokens", "words", "raw", "any_regex", "vip")

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.channel = facts.channel.casefold()
        lang = facts.language
        self.language = lang.replace("_", "-").split("-")[0].lower() if lang else None
        self.tokens: set[str] = set()
        self.words = ""
        self.raw = ""
        self.any_regex = False
        self.vip = False


_Check = Callable[[_Item], bool]
_CHOICES: Final = {
    "intent": "facts.intent",
    "sentiment": "facts.sentiment",
    "kind": "facts.kind",
    "segment": "facts.segment",
    "channel": "channel",
    "language": "language",
}
# Which condition indexes a rule, most selective first (words: see _word_keys).
_INDEX_ORDER: Final = ("intent", "segment", "channel", "language", "kind", "sentiment")
_SCORES: Final = {
    "min_intent_score": ("facts.intent_score", 1),
    "min_sentiment_score": ("facts.sentiment_score", 1),
    "max_sentiment_score": ("facts.sentiment_score", -1),
    "min_spam_score": ("facts.spam_score", 1),
    "max_spam_score": ("facts.spam_score", -1),
}


def _in(attr: str, values: frozenset[str]) -> _Check:
    get = attrgetter(attr)
    return lambda it: get(it) in values


def _bound(attr: str, limit: float, sign: int) -> _Check:
    get = attrgetter(attr)

    def check(it: _Item) -> bool:
        v = get(it)
        return v is not None and (v - limit) * sign >= 0

    return check


def _is_vip(it: _Item) -> bool:
    return it.vip


def _not_vip(it: _Item) -> bool:
    return not it.vip


def _says(phrases: tuple[str, ...], every: bool) -> _Check:
    singles: set[str] = set()
    needles: list[str] = []
    for words, star in map(phrase, phrases):
        if len(words) == 1 and not star:
            singles.add(words[0])
        else:
            needles.append(" " + " ".join(words) + ("" if star else " "))
    if every:
        return lambda it: singles <= it.tokens and all(n in it.words for n in needles)
    if not needles:
        return lambda it: not singles.isdisjoint(it.tokens)
    return lambda it: not singles.isdisjoint(it.tokens) or any(n in it.words for n in needles)


def _word_keys(w: When) -> tuple[str, ...]:
    """Words one of which an item must contain for the rule to match; () if none is."""
    for p in w.all_words:
        words, star = phrase(p)
        if len(words) > 1 or not star:
            return (words[0],)
    keys = []
    for p in w.any_words:
        words, star = phrase(p)
        if len(words) == 1 and star:
            return ()
        keys.append(words[0])
    return tuple(keys)


class _Compiled:
    __slots__ = ("rule", "checks")

    def __init__(self, rule: Rule) -> None:
        w = rule.when
        checks: list[_Check] = []  # cheapest first
        for name, attr in _CHOICES.items():
            if values := getattr(w, name):
                folded = (v.casefold() for v in values) if name == "channel" else values
                checks.append(_in(attr, frozenset(folded)))
        for name, (attr, sign) in _SCORES.items():
            if (limit := getattr(w, name)) is not None:
                checks.append(_bound(attr, limit, sign))
        if w.vip is not None:
            checks.append(_is_vip if w.vip else _not_vip)
        if w.all_words:
            checks.append(_says(w.all_words, every=True))
        if w.any_words:
            checks.append(_says(w.any_words, every=False))
        if w.no_words:
            says = _says(w.no_words, every=False)
            checks.append(lambda it: not says(it))
        if w.regex:
            patterns = [re.compile(p, re.IGNORECASE) for p in w.regex]
            checks.append(lambda it: it.any_regex and any(p.search(it.raw) for p in patterns))
        self.rule = rule
        self.checks = tuple(checks)


def _combined(patterns: list[str]) -> re.Pattern[str] | None:
    """One pattern matching where any of ``patterns`` does; None when they cannot be
    joined safely (back-references, global flags), and each must then run alone."""
    if not patterns or any(_UNJOINABLE.search(p) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    except re.error:
        return None


_UNJOINABLE = re.compile(r"\\[1-9]|\(\?P=|\(\?[aiLmsux]+\)")


class Matcher:
    """Checked rules compiled, and indexed by a condition each must meet; ``vip``: the
    file's "kind:value" entries."""

    def __init__(self, rules: Sequence[Rule], vip: Sequence[str] = ()) -> None:
        self.rules = [_Compiled(r) for r in rules]
        whens = [r.when for r in rules]
        self.words = any(w.any_words or w.all_words or w.no_words for w in whens)
        self.regex = any(w.regex for w in whens)
        # One search for every rule's expressions at once: most items match none, and
        # then no rule's own expressions need to run.
        self.any_regex = _combined(sorted({p for w in whens for p in w.regex}))
        self.vip_checked = any(w.vip is not None for w in whens)
        entries = [v.split(":", 1) for v in vip]
        self.members = frozenset(int(v) for k, v in entries if k == "member")
        self.emails = frozenset(v.lower() for k, v in entries if k == "email")
        self.usernames = frozenset(v.casefold() for k, v in entries if k == "username")
        self.always: list[int] = []
        self.vips: list[int] = []
        self.by_word: dict[str, list[int]] = {}
        by: dict[str, dict[str, list[int]]] = {}
        for i, w in enumerate(whens):
            if keys := _word_keys(w):
                for k in keys:
                    self.by_word.setdefault(k, []).append(i)
            elif w.vip:
                self.vips.append(i)
            elif name := next((n for n in _INDEX_ORDER if getattr(w, n)), None):
                values = getattr(w, name)
                for v in {v.casefold() for v in values} if name == "channel" else values:
                    by.setdefault(name, {}).setdefault(v, []).append(i)
            else:
                self.always.append(i)
        self.indexes = [(attrgetter(_CHOICES[n]), index) for n, index in by.items()]

    def item(self, facts: Facts) -> _Item:
        it = _Item(facts)
        if self.words:
            tokens = _WORD.findall(fold_text(f"{facts.title}\n{facts.text}"))
            it.tokens = set(tokens)
            it.words = f" {' '.join(tokens)} "
        if self.regex:
            it.raw = f"{facts.title}\n{facts.text}"
            it.any_regex = self.any_regex is None or self.any_regex.search(it.raw) is not None
        if self.vip_checked:
            f = facts
            it.vip = (
                (f.member_id is not None and f.member_id in self.members)
                or (f.email is not None and f.email.lower() in self.emails)
                or (f.username is not None and f.username.lstrip("@").casefold() in self.usernames)
            )
        return it

    def candidates(self, it: _Item) -> list[int]:
        """The rules an item may match, in file order (the others cannot)."""
        found = list(self.always)
        for get, index in self.indexes:
            if (hit := index.get(get(it))) is not None:
                found += hit
        if it.vip:
            found += self.vips
        if self.by_word:
            for word in it.tokens.intersection(self.by_word):
                found += self.by_word[word]
        return sorted(set(found))

    def apply(self, facts: Facts) -> Outcome:
        """What the rules decide for one item."""
        it = self.item(facts)
        out = Outcome()
        rank = -len(PRIORITIES)  # of the priority set so far: below all while none is set
        for i in self.candidates(it):
            c = self.rules[i]
            for check in c.checks:
                if not check(it):
                    break
            else:
                rank = _act(c.rule, out, rank)
                if c.rule.stop and not c.rule.shadow:
                    break
        return out


def _act(rule: Rule, out: Outcome, rank: int) -> int:
    """Apply a matching rule's actions to ``out``; the new priority rank."""
    t = rule.then
    stop = ["stop"] if rule.stop else []
    if rule.shadow:
        out.applied.append({"rule": rule.name, "did": t.steps() + stop, "shadow": True})
        return rank
    did: list[str] = []
    ignored: list[str] = []
    if t.route is not None:
        (ignored if out.department else did).append(f"route:{t.route}")
        out.department = out.department or t.route
    if t.assign is not None:
        (ignored if out.assignee else did).append(f"assign:{t.assign}")
        out.assignee = out.assignee or t.assign
    if t.priority is not None:
        if _RANK[t.priority] > rank:
            out.priority, rank = t.priority, _RANK[t.priority]
            did.append(f"priority:{t.priority}")
        else:
            ignored.append(f"priority:{t.priority}")
    for kind, values, have in (("tag", t.tag, out.tags), ("notify", t.notify, out.notify)):
        for v in values:
            (ignored if v in have else did).append(f"{kind}:{v}")
            if v not in have:
                have.append(v)
    entry: Applied = {"rule": rule.name, "did": did + stop}
    if ignored:
        entry["ignored"] = ignored
    out.applied.append(entry)
    return rank
