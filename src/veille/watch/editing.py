"""A watch or a campaign as a person types it in a form: one text per field (a term per
line, dates as ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM``, UTC), checked field by field with
the query language's own rules, so that each mistake can be shown next to its field.

:func:`save` stores it through :func:`veille.watch.watches.save` (which forgets what the
old version matched); :func:`veille.watch.watches.match` then runs it over the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

from veille.store import Store
from veille.watch import watches
from veille.watch.queries import LISTS, Query, QueryError

#: The fields a form shows for each kind, in order (the CLI's options); a stored query
#: using others (from a TOML file) shows those too, so that editing loses nothing.
FIELDS: Final = {
    "watch": ("terms", "exact", "all", "exclude", "channels", "languages"),
    "campaign": ("hashtags", "links", "utm_campaign", "terms", "exclude", "channels",
                 "languages"),  # fmt: skip
}
DATES: Final = ("starts", "ends")
#: Every text a form may send.
KEYS: Final = (*LISTS, "utm_campaign", *DATES)
GENERAL: Final = "form"  # an error about the whole form, not one field
MAX_TEXT: Final = 20_000


class DraftError(ValueError):
    """What is wrong, per field (``form`` for the whole)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(slots=True)
class Draft:
    """What the form shows: the name, each field as text, the fields to show."""

    kind: str
    name: str = ""
    texts: dict[str, str] = field(default_factory=dict)
    shown: tuple[str, ...] = ()
    existing: bool = False


def draft(kind: str, named: watches.Named | None = None) -> Draft:
    """An empty form for ``kind``, or the form of a stored watch or campaign."""
    if kind not in FIELDS:
        raise watches.WatchError(f"no kind {kind!r} (known: {', '.join(FIELDS)})")
    if named is None:
        return Draft(kind, shown=FIELDS[kind])
    stored = named.query.as_dict()
    texts = {k: v if isinstance(v, str) else "\n".join(v) for k, v in stored.items()}
    for key, at in (("starts", named.starts), ("ends", named.ends)):
        if at is not None:
            texts[key] = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
    extra = tuple(k for k in stored if k not in FIELDS[kind])
    return Draft(kind, named.name, texts, FIELDS[kind] + extra, existing=True)


def redraft(kind: str, name: str, texts: Mapping[str, str], existing: bool) -> Draft:
    """The form again, as it was sent (to show it with its errors)."""
    base = FIELDS.get(kind, FIELDS["watch"])
    extra = tuple(k for k in (*LISTS, "utm_campaign") if texts.get(k, "").strip()
                  and k not in base)  # fmt: skip
    return Draft(kind, name, dict(texts), base + extra, existing)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _date(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.strip())
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse(
    kind: str, name: str, texts: Mapping[str, str]
) -> tuple[Query, datetime | None, datetime | None]:
    """The query and dates of a form, or :class:`DraftError` naming every bad field."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = f"a {kind} needs a name"
    elif len(name.strip()) > 200:
        errors["name"] = "at most 200 characters"
    elif "/" in name:
        errors["name"] = "no '/' in a name (it is part of the report's address)"
    values: dict[str, object] = {}
    for key in KEYS:
        if len(texts.get(key, "")) > MAX_TEXT:
            errors[key] = f"at most {MAX_TEXT:,} characters"
    for key in (*LISTS, "utm_campaign"):
        text = texts.get(key, "")[:MAX_TEXT]
        value: object = text.strip() if key == "utm_campaign" else _lines(text)
        try:  # each field alone, so that the error lands next to it
            Query.from_mapping({key: value}, key)
        except QueryError as exc:
            message = str(exc).removeprefix(f"{key}: {key}: ").removeprefix(f"{key}: ")
            errors.setdefault(key, message)
        values[key] = value
    dates: dict[str, datetime | None] = {}
    for key in DATES:
        text = texts.get(key, "").strip()[:MAX_TEXT]
        try:
            dates[key] = _date(text) if text else None
        except ValueError:
            errors.setdefault(key, f"{text[:40]!r} is not a date (YYYY-MM-DD or "
                                   "YYYY-MM-DDTHH:MM, UTC)")  # fmt: skip
    starts, ends = dates.get("starts"), dates.get("ends")
    if kind == "campaign":
        for key in DATES:
            if key not in errors and dates.get(key) is None:
                errors[key] = "a campaign needs a start and an end"
        if starts and ends and ends <= starts:
            errors["ends"] = "the end must come after the start"
    elif starts or ends:
        errors[GENERAL] = "a watch has no dates (a campaign has)"
    if errors:
        raise DraftError(errors)
    query = Query.from_mapping(values, f"{kind} {name.strip()!r}")
    if kind == "campaign" and not query.looks_for_text:
        raise DraftError({GENERAL: "give hashtags, links, utm_campaign or keywords"})
    return query, starts, ends


def save(store: Store, kind: str, name: str, texts: Mapping[str, str], by: str) -> watches.Named:
    """Check the form whole and store it (nothing is stored when a field is wrong)."""
    query, starts, ends = parse(kind, name, texts)
    try:
        return watches.save(store.engine, kind, name, query, by, starts, ends)
    except (watches.WatchError, QueryError) as exc:
        raise DraftError({GENERAL: str(exc)}) from None


def pending(store: Store, named: watches.Named) -> bool:
    """Whether activities are stored that ``named`` has not been matched against yet
    (its report is then incomplete)."""
    return named.matched_to < store.last_activity_id()
