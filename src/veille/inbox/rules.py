"""Routing rules: a TOML file the community manager writes, checked whole, then run on
every incoming item in file order, each item keeping which rule did what.

The file (:data:`EXAMPLE` is a complete one; :data:`CONDITIONS` and :data:`ACTIONS` list
every key with its meaning)::

    departments = ["marketing", "pr", "sales"]   # optional, default DEPARTMENTS
    vip = ["member:123", "email:ceo@bigcustomer.example", "username:famous"]

    [[rule]]
    name = "crisis words go to PR"
    when.any_words = ["food poisoning", "sick", "malade", "intoxiqu*"]
    then.route = "pr"
    then.priority = "critical"
    stop = true

What it means:

- A rule matches an item when every condition it gives holds; a list means "any of
  these" (a single value may stand for a list of one). A rule without ``when`` matches
  everything: a catch-all, best placed last. A condition on something the item lacks
  (no sentiment yet, an author without a segment) does not hold.
- Words (``any_words``, ``all_words``, ``no_words``) are phrases matched as whole words
  on the title and text, both folded (lower case, accents removed): "Malade" finds
  "malade" and "MALADE", "sick" does not find "sickness", punctuation between words
  does not count ("food-poisoning" is "food poisoning"), and a ``*`` ending a phrase
  matches the beginning of a word ("intoxiqu*": "intoxiqué", "intoxiquée").
  ``regex`` sees the title and text as written, case-insensitive.
- Precedence: the first matching rule that routes decides the department, the first
  that assigns decides the assignee; the priority is the highest any matching rule sets
  (critical, high, medium, low, none; "medium" when none does); tags and notify targets add up, without repeats. Each
  matching rule leaves an entry in :attr:`Outcome.applied`: what it did (``route:pr``,
  ``tag:crisis``, ``stop``...) and what it asked for but had no effect because an
  earlier rule had decided it (``ignored``).
- ``stop = true``: later rules do not run for an item this rule matched.
- ``shadow = true``: the rule is tried and its entry records what it would have done,
  but it changes nothing and stops nothing: a way to try a rule before it acts.
- The priorities were named low, normal, high and urgent before revision 0017: a file
  (or rules stored) with ``"urgent"`` or ``"normal"`` still loads, read as ``"critical"``
  and ``"medium"``.

A file with any problem is refused whole (:class:`RulesError` names the file, the line
and the reason of every problem found), so the rules in force never change half-way.

This module reads and checks the file and keeps the checked rules (:class:`RuleSet`);
:mod:`veille.inbox.matching` holds what a rule is and runs the rules on items (it is
re-exported here: ``from veille.inbox.rules import Facts, Outcome`` keeps working), and
:mod:`veille.inbox.rulekeys` the keys a rule may use (re-exported too).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

from veille.inbox.matching import (
    PRIORITIES,
    Applied,
    Facts,
    Matcher,
    Outcome,
    Rule,
    Then,
    When,
    fold_text,
    phrase,
    priority_name,
)
from veille.inbox.rulekeys import (
    ACTIONS,
    CONDITIONS,
    DEPARTMENTS,
    EXAMPLE,
    RULE_KEYS,
    SENTIMENTS,
    TOP_KEYS,
    Key,
    reference,
)

__all__ = [
    "ACTIONS", "CONDITIONS", "DEPARTMENTS", "EXAMPLE", "PRIORITIES", "RULE_KEYS",
    "SENTIMENTS", "TOP_KEYS", "Applied", "Facts", "Key", "Outcome", "Problem", "Rule",
    "RuleSet", "RulesError", "Then", "When", "fold_text", "load", "parse", "reference",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a rules file, and its line when known."""

    line: int | None
    reason: str


class RulesError(ValueError):
    """A rules file refused: every problem found, each with its line when known."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(self.say(p) for p in self.problems))

    def say(self, p: Problem) -> str:
        return (
            f"{self.source}, line {p.line}: {p.reason}" if p.line else f"{self.source}: {p.reason}"
        )

    @property
    def line(self) -> int | None:
        return self.problems[0].line

    @property
    def reason(self) -> str:
        return self.problems[0].reason


# ---------------------------------------------------------------- reading the file


def load(path: str | os.PathLike[str], departments: Sequence[str] | None = None) -> RuleSet:
    """The rules of a file; :class:`RulesError` if it cannot be read or is wrong.
    ``departments``: where rules may route when the file declares none (default
    :data:`DEPARTMENTS`; the store passes its own)."""
    try:
        with open(path, encoding="utf-8-sig") as f:  # Notepad writes a BOM
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise RulesError(os.fspath(path), [Problem(None, f"cannot read the file: {why}")]) from None
    return parse(text, os.fspath(path), departments)


def parse(text: str, source: str = "<rules>", departments: Sequence[str] | None = None) -> RuleSet:
    """The rules of a TOML text, all checked; :class:`RulesError` lists what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(str(exc), text, source) from None
    c = _Checker(_Lines(text))
    c.unknown(data, TOP_KEYS, (), "key")
    default = tuple(departments) if departments is not None else DEPARTMENTS
    departments = c.read(("departments",), data, _departments) or default
    vip = c.read(("vip",), data, _vip_list) or ()
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        c.fail(("rule",), "write each rule under [[rule]], with two brackets")
        raw_rules = []
    rules = [c.rule(n, raw, departments) for n, raw in enumerate(raw_rules)]
    seen: dict[str, int] = {}
    for n, raw in enumerate(raw_rules):  # also those with other problems: say it all at once
        if (name := _rule_name(raw)) and (first := seen.setdefault(name.casefold(), n)) != n:
            c.at(n, name)
            line = c.lines.find(first, ())
            c.fail(("name",), f"the name is already used by the rule at line {line}")
    for n, rule in enumerate(rules):
        if rule is not None and rule.when.vip is not None and not vip:
            c.at(n, rule.name)
            c.fail(("when", "vip"), 'when.vip: the file has no vip list: add vip = ["member:ID"]')
    if c.problems:
        raise RulesError(source, sorted(c.problems, key=lambda p: p.line or 0))
    return RuleSet(tuple(r for r in rules if r is not None), departments, vip, source, text)


_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def _syntax_error(message: str, text: str, source: str) -> RulesError:
    m = _AT.search(message)
    if m is None:
        return RulesError(source, [Problem(None, f"not valid TOML: {message}")])
    line = int(m.group(1))
    reason = message[: m.start()]
    if reason == "Invalid value":
        reason += ' (text needs quotes: "like this")'
    lines = text.split("\n")
    shown = lines[line - 1].strip() if line <= len(lines) else ""
    return RulesError(
        source, [Problem(line, f"not valid TOML: {reason}, column {m.group(2)}: {shown}")]
    )


_HEADER = re.compile(r"\s*(\[\[?)\s*([^\[\]]+?)\s*\]")
_KEYLINE = re.compile(r"\s*([\w\"' .-]+?)\s*=")


def _path(dotted: str) -> tuple[str, ...]:
    return tuple(p.strip().strip("\"'") for p in dotted.split("."))


class _Lines:
    """Where each key sits in the source, to say which line a problem is on."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []  # the line of each [[rule]]
        self.keys: list[tuple[int, int | None, tuple[str, ...]]] = []  # line, rule, key path
        rule: int | None = None
        table: tuple[str, ...] | None = ()
        for no, line in enumerate(text.split("\n"), 1):
            if h := _HEADER.match(line):
                path = _path(h.group(2))
                if h.group(1) == "[[" and path == ("rule",):
                    self.starts.append(no)
                    rule, table = len(self.starts) - 1, ()
                elif rule is not None and path[0] == "rule":
                    table = path[1:]
                    self.keys.append((no, rule, table))
                else:
                    rule, table = None, None
                    self.keys.append((no, None, path))
            elif (k := _KEYLINE.match(line)) and table is not None:
                self.keys.append((no, rule, table + _path(k.group(1))))

    def find(self, rule: int | None, path: tuple[str, ...]) -> int | None:
        """The line of a key, else of the table holding it, else of its rule."""
        near = None
        for no, r, p in self.keys:
            if r == rule and p and p == path[: len(p)]:
                if p == path:
                    return no
                near = near or no
        if near is None and rule is not None and rule < len(self.starts):
            return self.starts[rule]
        return near


class _Bad(Exception):
    """One value is wrong; the message says why."""


_Read = Callable[[object], Any]


class _Checker:
    """Collects every problem of a file, each with its line, for the current rule."""

    def __init__(self, lines: _Lines) -> None:
        self.lines = lines
        self.problems: list[Problem] = []
        self.n: int | None = None  # the rule being checked
        self.label = ""

    def at(self, n: int, name: str) -> None:
        self.n, self.label = n, f"rule {n + 1} ({name!r}): " if name else f"rule {n + 1}: "

    def fail(self, path: tuple[str, ...], reason: str) -> None:
        self.problems.append(Problem(self.lines.find(self.n, path), self.label + reason))

    def read(self, path: tuple[str, ...], table: dict[str, Any], read: _Read) -> Any:
        """``read(table[key])``, or None when absent or wrong (the problem is noted)."""
        if path[-1] not in table:
            return None
        try:
            return read(table[path[-1]])
        except _Bad as exc:
            self.fail(path, f"{'.'.join(path)}: {exc}")
            return None

    def unknown(self, table: dict[str, Any], known: Any, at: tuple[str, ...], what: str) -> bool:
        """Note the keys of ``table`` not in ``known``; whether there were none."""
        for key in (bad := [k for k in table if k not in known]):
            hint = (_placed(key, at) if self.n is not None else "") or _hint(key, known)
            where = ".".join((*at, key))
            self.fail((*at, key), f"unknown {what} {where!r}{hint}; known: {', '.join(known)}")
        return not bad

    def rule(self, n: int, raw: object, departments: tuple[str, ...]) -> Rule | None:
        self.at(n, _rule_name(raw))
        if not isinstance(raw, dict):
            self.fail((), f"expected a [[rule]] table, got {_describe(raw)}")
            return None
        before = len(self.problems)
        self.unknown(raw, RULE_KEYS, (), "key")
        name = self.read(("name",), raw, _name)
        if "name" not in raw:
            self.fail(("name",), 'the rule has no name: add name = "..."')
        description = self.read(("description",), raw, _text) or ""
        stop = self.read(("stop",), raw, _bool) or False
        shadow = self.read(("shadow",), raw, _bool) or False
        when = self.part("when", raw, CONDITIONS, departments)
        then = self.part("then", raw, ACTIONS, departments)
        if then == {}:
            actions = ", ".join(f"then.{a.name}" for a in ACTIONS)
            self.fail(("then",), f"the rule has no action: give at least one of {actions}")
        for low, high in (
            ("min_sentiment_score", "max_sentiment_score"),
            ("min_spam_score", "max_spam_score"),
        ):
            if when is not None and when.get(low, -9) > when.get(high, 9):
                self.fail(("when", low), f"when.{low} is above when.{high}")
        if len(self.problems) > before or when is None or then is None:
            return None
        line = self.lines.find(n, ())
        return Rule(name, When(**when), Then(**then), stop, shadow, description, line)

    def part(
        self, part: str, raw: dict[str, Any], keys: tuple[Key, ...], departments: tuple[str, ...]
    ) -> dict[str, Any] | None:
        """The checked ``when`` or ``then`` of a rule, None if anything in it is wrong."""
        table = raw.get(part, {})
        if not isinstance(table, dict):
            self.fail((part,), f"{part}: expected {part}.KEY = ..., got {_describe(table)}")
            return None
        known = {k.name: k for k in keys}
        ok = self.unknown(table, known, (part,), "condition" if part == "when" else "action")
        out = {
            k: self.read((part, k), table, _reader(known[k], departments))
            for k in table
            if k in known
        }
        return out if ok and None not in out.values() else None


def _placed(key: str, at: tuple[str, ...]) -> str:
    """Where a key put in the wrong part of a rule belongs."""
    for right, keys in (("when", CONDITIONS), ("then", ACTIONS)):
        if (right,) != at and any(k.name == key for k in keys):
            return f" (write {right}.{key})"
    return ""


def _hint(key: str, known: Any) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _describe(v: object) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, str):
        return f"the text {v!r}"
    if isinstance(v, int | float):
        return f"the number {v}"
    if isinstance(v, list):
        return "an empty list" if not v else "a list"
    return "a table" if isinstance(v, dict) else f"a {type(v).__name__}"


def _rule_name(raw: object) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    return name.strip() if isinstance(name, str) else ""


def _is_text(v: object) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _name(v: object) -> str:
    if not _is_text(v):
        raise _Bad(f"expected a name in quotes, got {_describe(v)}")
    return str(v).strip()


def _text(v: object) -> str:
    if not isinstance(v, str):
        raise _Bad(f"expected text in quotes, got {_describe(v)}")
    return v.strip()


def _bool(v: object) -> bool:
    if not isinstance(v, bool):
        raise _Bad(f"expected true or false, got {_describe(v)}")
    return v


def _texts(v: object, what: str) -> tuple[str, ...]:
    items = [v] if isinstance(v, str) else v
    if not isinstance(items, list) or not items:
        raise _Bad(f'expected a list of {what} like ["...", "..."], got {_describe(v)}')
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise _Bad(f"expected {what}, got {_describe(item)}")
    return tuple(dict.fromkeys(i.strip() for i in items))


def _among(values: tuple[str, ...], allowed: Sequence[str], what: str) -> tuple[str, ...]:
    values = tuple(v.lower() for v in values)
    for v in values:
        if v not in allowed:
            raise _Bad(f"unknown {what} {v!r}{_hint(v, allowed)}; known: {', '.join(allowed)}")
    return values


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _target(t: str) -> str:
    url = urlsplit(t)
    if _EMAIL.fullmatch(t) or (url.scheme in ("http", "https") and url.netloc and " " not in t):
        return t
    raise _Bad(f"{t!r} is neither an e-mail address nor an http(s) URL")


def _reader(key: Key, departments: tuple[str, ...]) -> Callable[[object], Any]:
    what = key.name.replace("_", " ")
    if key.shape == "choices":
        return lambda v: _among(_texts(v, "names"), key.choices, what)
    if key.shape == "choice" and key.name == "priority":  # an old name is read as the new
        return lambda v: _among((priority_name(_text(v)),), key.choices, what)[0]
    if key.shape == "choice":
        return lambda v: _among((_text(v),), key.choices, what)[0]
    if key.shape == "department":
        return lambda v: _among((_text(v),), departments, "department")[0]
    if key.shape == "languages":
        return lambda v: tuple(_language(x) for x in _texts(v, "language codes"))
    if key.shape == "phrases":
        return lambda v: _each(_texts(v, "phrases"), _phrase)
    if key.shape == "regexes":
        return lambda v: _each(_texts(v, "regular expressions"), _regex)
    if key.shape == "targets":
        return lambda v: tuple(_target(t) for t in _texts(v, "e-mail addresses or URLs"))
    if key.shape == "names":
        return lambda v: _texts(v, "names")
    if key.shape == "bool":
        return _bool
    if key.shape == "score":
        return lambda v: _score(v, key.low)
    return _name


def _each(values: tuple[str, ...], check: Callable[[str], object]) -> tuple[str, ...]:
    for v in values:
        check(v)
    return values


def _score(v: object, low: float) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not low <= v <= 1:
        raise _Bad(f"expected a number from {low:g} to 1, got {_describe(v)}")
    return float(v)


def _language(code: str) -> str:
    if not re.fullmatch(r"[a-z]{2}", code.lower()):
        raise _Bad(f"{code!r} is not a two-letter ISO 639-1 language code (en, fr, de...)")
    return code.lower()


def _phrase(p: str) -> object:
    try:
        return phrase(p)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def _regex(p: str) -> re.Pattern[str]:
    try:
        return re.compile(p, re.IGNORECASE)
    except re.error as exc:
        raise _Bad(f"the regular expression {p!r} is wrong: {exc}") from None


def _departments(v: object) -> tuple[str, ...]:
    names = tuple(d.lower() for d in _texts(v, "department names"))
    for d in names:
        if not _NAME.fullmatch(d):
            raise _Bad(f"{d!r}: a department name is letters, digits, - and _")
    return names


def _vip_list(v: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_vip(x) for x in _texts(v, '"kind:value" entries')))


def _vip(entry: str) -> str:
    kind, _, value = entry.partition(":")
    kind, value = kind.strip().lower(), value.strip()
    if kind == "member" and value.isascii() and value.isdigit():
        return f"member:{int(value)}"
    if kind == "email" and _EMAIL.fullmatch(value):
        return f"email:{value.lower()}"
    if kind == "username" and value.lstrip("@"):
        return f"username:{value.lstrip('@')}"
    raise _Bad(f"{entry!r}: expected member:ID, email:ADDRESS or username:NAME")


# ---------------------------------------------------------------- the rules in force


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Checked rules, ready to run; compare equal when they say the same."""

    rules: tuple[Rule, ...] = ()
    departments: tuple[str, ...] = DEPARTMENTS
    vip: tuple[str, ...] = ()
    source: str = "<rules>"
    source_text: str = ""
    _matcher: Matcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_matcher", Matcher(self.rules, self.vip))

    def __reduce__(self) -> tuple[Any, ...]:
        # The compiled matcher is closures: workers get the rules and compile them anew.
        return (RuleSet, (self.rules, self.departments, self.vip, self.source, self.source_text))

    def apply(self, facts: Facts) -> Outcome:
        """What the rules decide for one item."""
        return self._matcher.apply(facts)

    def apply_many(self, items: Sequence[Facts]) -> list[Outcome]:
        apply = self._matcher.apply
        return [apply(f) for f in items]

    def matching(self, facts: Facts) -> list[str]:
        """The names of every rule whose conditions hold, ignoring stop (for testing)."""
        item = self._matcher.item(facts)
        return [c.rule.name for c in self._matcher.rules if all(ch(item) for ch in c.checks)]

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": 1,
                "source": self.source,
                "departments": list(self.departments),
                "vip": list(self.vip),
                "rules": [_rule_json(r) for r in self.rules],
                "source_text": self.source_text,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> RuleSet:
        """What :meth:`to_json` wrote, as it was."""
        try:
            data = json.loads(text)
            if data.get("format") != 1:
                raise ValueError(f"unknown format {data.get('format')!r}")
            rules = tuple(_rule_from_json(r) for r in data["rules"])
            departments, vip = tuple(data["departments"]), tuple(data["vip"])
            return cls(rules, departments, vip, data["source"], data["source_text"])
        except (ValueError, LookupError, TypeError, AttributeError, re.error) as exc:
            raise RulesError("<stored rules>", [Problem(None, f"cannot be read: {exc}")]) from None


def _given(obj: When | Then) -> dict[str, Any]:
    values = ((f.name, getattr(obj, f.name)) for f in fields(obj))
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values if v not in ((), None)}


def _rule_json(r: Rule) -> dict[str, Any]:
    plain = {f.name: getattr(r, f.name) for f in fields(r)}
    return plain | {"when": _given(r.when), "then": _given(r.then)}


def _rule_from_json(d: dict[str, Any]) -> Rule:
    def part(values: dict[str, Any]) -> dict[str, Any]:
        return {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}

    then = part(d["then"])
    if then.get("priority"):  # rules stored before revision 0017 say "urgent", "normal"
        then["priority"] = priority_name(then["priority"])
    return Rule(**d | {"when": When(**part(d["when"])), "then": Then(**then)})
