"""Named queries: what a watch or a campaign looks for in each activity, and one matcher
that runs all of them over a batch at once.

A query has:

- ``terms``: words or phrases, any of which makes a match. They are compared folded
  (case and accents: "Nouveau logo" finds "nouveau LOGO" and "nouveau logó"), word by
  word, so "logo" does not match "logos" or "catalogo"; end a term with ``*`` for every
  word that starts with it ("logo*"). A term written with ``#`` is a hashtag:
  "#nouveaulogo" finds "#NouveauLogo", not the bare word.
- ``exact``: terms compared as written (case and accents kept, whole words): "GAP" the
  brand, not "gap" the word.
- ``all``: terms (folded) that must all be there as well.
- ``exclude``: terms (folded) that veto a match.
- ``channels`` and ``languages``: the match is limited to them.

A campaign's query also has ``hashtags`` (with or without their ``#``), ``links`` (the campaign's
URLs: an activity linking to the same page matches, whatever UTM parameters it
carries) and ``utm_campaign`` (an activity linking anywhere with that
``utm_campaign=`` matches). A query with none of terms, exact, all, hashtags and links
matches everything on its channels and languages.

The matcher folds each text once, splits it into words, and looks the words up in one
table built from every query's terms: the cost of a batch grows with its words, not with
the number of queries.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

_FOLD: Final = {ord("ß"): "ss", ord("ø"): "o", ord("æ"): "ae", ord("œ"): "oe", ord("ł"): "l",
                ord("đ"): "d", ord("ı"): "i", ord("’"): "'"}  # fmt: skip
_SPECIAL: Final = re.compile("[" + "".join(chr(c) for c in _FOLD) + "]")
_MARKS: Final = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORDS: Final = re.compile(r"\w+")
_TAGS: Final = re.compile(r"(?<![\w#])#(\w+)")
_LINK: Final = re.compile(r"""https?://[^\s"'<>()\[\]]+""", re.IGNORECASE)
MIN_PREFIX: Final = 3
LISTS: Final = ("terms", "exact", "all", "exclude", "channels", "languages", "hashtags", "links")


class QueryError(ValueError):
    """A query that cannot be run, with the reason."""


def fold(text: str) -> str:
    """Lower case, accents and ligatures taken off (letters of other scripts kept)."""
    if text.isascii():
        return text.lower()
    text = text.lower()
    if _SPECIAL.search(text):
        text = text.translate(_FOLD)
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


def words(text: str) -> list[str]:
    return _WORDS.findall(fold(text))


def page_of(url: str) -> tuple[str, dict[str, str]]:
    """A link as the page it names (host without ``www.``, path without its last slash,
    query without UTM parameters) and its UTM parameters."""
    parts = urlsplit(url.strip().rstrip(".,;:!?"))
    host = (parts.hostname or "").removeprefix("www.")
    query = parse_qsl(parts.query, keep_blank_values=True)
    utm = {k.lower(): v for k, v in query if k.lower().startswith("utm_")}
    rest = "&".join(f"{k}={v}" for k, v in sorted(query) if not k.lower().startswith("utm_"))
    page = f"{host}{parts.path.rstrip('/')}" + (f"?{rest}" if rest else "")
    return page.lower(), utm


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    utm_campaign: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "query") -> Query:
        """A query from a mapping (a stored spec, a file's table, CLI options), checked."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise QueryError(f"{where}: no field {key!r} (known: {', '.join(sorted(known))})")
            if key == "utm_campaign":
                if not isinstance(value, str):
                    raise QueryError(f"{where}: utm_campaign must be a string")
                values[key] = value.strip()
                continue
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise QueryError(f"{where}: {key} must be a list of strings")
            cleaned = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
            values[key] = cleaned
        query = cls(**values)
        query.check(where)
        return query

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: list(getattr(self, k)) for k in LISTS if getattr(self, k)}
        if self.utm_campaign:
            out["utm_campaign"] = self.utm_campaign
        return out

    def check(self, where: str = "query") -> None:
        for key in ("terms", "all", "exclude", "hashtags"):
            for term in getattr(self, key):
                if not words(term.removesuffix("*")):
                    raise QueryError(f"{where}: {key}: {term!r} has no word to look for")
                if term.endswith("*") and len(fold(term[:-1]).strip()) < MIN_PREFIX:
                    raise QueryError(
                        f"{where}: {key}: {term!r}: a prefix needs at least {MIN_PREFIX} letters"
                    )
                if term.endswith("*") and len(words(term[:-1])) > 1:
                    raise QueryError(f"{where}: {key}: {term!r}: only a single word can end with *")
        for term in self.exact:
            if not _WORDS.search(term):
                raise QueryError(f"{where}: exact: {term!r} has no word to look for")
        for link in self.links:
            host = urlsplit(link if "://" in link else f"https://{link}").hostname or ""
            if "." not in host or not re.fullmatch(r"[\w.-]+", host):
                raise QueryError(f"{where}: links: {link!r} is not a link")

    @property
    def looks_for_text(self) -> bool:
        return bool(self.terms or self.exact or self.all or self.hashtags or self.links
                    or self.utm_campaign)  # fmt: skip


@dataclass(slots=True)
class Text:
    """What the matcher reads of an activity."""

    id: int
    channel: str
    language: str | None
    text: str
    html: str | None = None


_ANY, _ALL, _NOT = 0, 1, 2


@dataclass(slots=True)
class _Compiled:
    key: Any
    query: Query
    needs_all: int
    channels: frozenset[str]
    languages: frozenset[str]
    pages: frozenset[str]
    wants_any: bool
    links: bool


@dataclass(slots=True)
class Matcher:
    """Every query, compiled into word tables: ``match`` says which queries each text hits."""

    queries: list[_Compiled] = field(default_factory=list)
    # word -> [(query index, part, slot)]; phrase first word -> [(words, index, part, slot)]
    single: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    phrases: dict[str, list[tuple[tuple[str, ...], int, int, int]]] = field(default_factory=dict)
    prefixes: dict[str, list[tuple[str, int, int, int]]] = field(default_factory=dict)
    #: Every prefix at the start of a word, in one pattern (one scan per text).
    stems: re.Pattern[str] | None = None
    tags: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    exact: re.Pattern[str] | None = None
    exact_terms: dict[str, list[int]] = field(default_factory=dict)
    by_utm: dict[str, list[int]] = field(default_factory=dict)
    any_links: bool = False
    #: The queries a text can match without any of its words in the tables: those with
    #: no text condition, or with links.
    others: frozenset[int] = frozenset()

    @classmethod
    def of(cls, queries: Iterable[tuple[Any, Query]]) -> Matcher:
        m = cls()
        single: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        phrases: dict[str, list[tuple[tuple[str, ...], int, int, int]]] = defaultdict(list)
        prefixes: dict[str, list[tuple[str, int, int, int]]] = defaultdict(list)
        tags: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        exact: dict[str, list[int]] = defaultdict(list)
        by_utm: dict[str, list[int]] = defaultdict(list)
        for i, (key, q) in enumerate(queries):
            hashtags = tuple("#" + h.lstrip("#") for h in q.hashtags)
            parts: list[tuple[Sequence[str], int]] = [
                (q.terms + hashtags, _ANY), (q.all, _ALL), (q.exclude, _NOT)
            ]  # fmt: skip
            for terms, slot in parts:
                for part, term in enumerate(terms):
                    if term.startswith("#") and len(words(term)) == 1 and not term.endswith("*"):
                        tags[words(term)[0]].append((i, part, slot))
                        continue
                    if term.endswith("*"):
                        stem = fold(term[:-1]).strip()
                        prefixes[stem].append((stem, i, part, slot))
                        continue
                    ws = tuple(words(term))
                    if len(ws) == 1:
                        single[ws[0]].append((i, part, slot))
                    else:
                        phrases[ws[0]].append((ws, i, part, slot))
            for term in q.exact:
                exact[term].append(i)
            pages = frozenset(page_of(u if "://" in u else f"https://{u}")[0] for u in q.links)
            if q.utm_campaign:
                by_utm[q.utm_campaign.lower()].append(i)
            m.any_links = m.any_links or bool(pages or q.utm_campaign)
            m.queries.append(
                _Compiled(
                    key=key,
                    query=q,
                    needs_all=len(q.all),
                    channels=frozenset(q.channels),
                    languages=frozenset(q.languages),
                    pages=pages,
                    wants_any=bool(q.terms or q.hashtags or q.exact or pages or q.utm_campaign),
                    links=bool(pages or q.utm_campaign),
                )
            )
        m.others = frozenset(
            i for i, c in enumerate(m.queries)
            if c.pages or not (c.wants_any or c.needs_all)
        )  # fmt: skip
        if exact:
            # One pattern for every query's exact terms: one search per text.
            alternatives = "|".join(re.escape(t) for t in sorted(exact, key=len, reverse=True))
            m.exact = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
            m.exact_terms = dict(exact)
        if prefixes:
            alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
            m.stems = re.compile(rf"(?<!\w)(?:{alternatives})")
        m.single, m.phrases, m.prefixes, m.tags, m.by_utm = (
            dict(single), dict(phrases), dict(prefixes), dict(tags), dict(by_utm)
        )  # fmt: skip
        return m

    def match(self, item: Text) -> list[Any]:
        """The keys of the queries the text matches."""
        if not self.queries:
            return []
        folded = fold(item.text)
        ws = _WORDS.findall(folded)
        present = set(ws)
        # For each query: any-term seen, the all-terms seen, vetoed.
        hit_any: set[int] = set()
        hit_all: dict[int, set[int]] = defaultdict(set)
        vetoed: set[int] = set()

        def mark(i: int, part: int, slot: int) -> None:
            if slot == _ANY:
                hit_any.add(i)
            elif slot == _ALL:
                hit_all[i].add(part)
            else:
                vetoed.add(i)

        single = self.single
        for w in present & single.keys():
            for i, part, slot in single[w]:
                if slot == _ANY:
                    hit_any.add(i)
                else:
                    mark(i, part, slot)
        for w in present & self.phrases.keys():
            starts = [n for n, x in enumerate(ws) if x == w]
            for phrase, i, part, slot in self.phrases[w]:
                size = len(phrase)
                if any(tuple(ws[n : n + size]) == phrase for n in starts):
                    mark(i, part, slot)
        if self.tags and "#" in folded:
            for tag in set(_TAGS.findall(folded)) & self.tags.keys():
                for i, part, slot in self.tags[tag]:
                    mark(i, part, slot)
        if self.exact is not None:
            for found in {x.group() for x in self.exact.finditer(item.text)}:
                # The longest term matched where it starts: shorter ones there count too.
                for term, owners in self.exact_terms.items():
                    if found.startswith(term) and (
                        len(term) == len(found) or not found[len(term)].isalnum()
                    ):
                        hit_any.update(owners)
        if self.stems is not None:
            for found in set(self.stems.findall(folded)):
                # The longest stem matched where a word starts: shorter ones count too.
                for stem, entries in self.prefixes.items():
                    if found.startswith(stem):
                        for _, i, part, slot in entries:
                            mark(i, part, slot)
        pages: set[str] = set()
        utms: set[str] = set()
        if self.any_links:
            for url in _LINK.findall(item.text + " " + (item.html or "")):
                page, utm = page_of(url)
                pages.add(page)
                if "utm_campaign" in utm:
                    utms.add(utm["utm_campaign"].lower())
            for utm_value in utms:
                hit_any.update(self.by_utm.get(utm_value, ()))
        out = []
        for i in sorted(hit_any | hit_all.keys() | self.others):
            c = self.queries[i]
            if i in vetoed:
                continue
            if c.channels and item.channel not in c.channels:
                continue
            if c.languages and (item.language or "") not in c.languages:
                continue
            if c.needs_all and len(hit_all.get(i, ())) < c.needs_all:
                continue
            if (
                c.wants_any
                and i not in hit_any
                and not (c.pages & pages)
            ):
                continue
            out.append(c.key)
        return out
