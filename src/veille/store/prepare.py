"""The writing's first half, which needs no database: an item's row values, its raw
record as JSON and its content hash, for a whole batch (:func:`prepare`). Pure and
CPU-bound, so the pipeline runs it in the reading process, beside the writer
(:mod:`veille.store.writer`), which then needs only to compare and store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from veille.model import Author, Item, clean_text


def clean(value: str | None) -> str | None:
    """Text every database accepts: no NUL (PostgreSQL refuses it), no lone surrogates."""
    return None if value is None else clean_text(value)


def dump_raw(raw: Any) -> str | None:
    if raw is None:
        return None
    try:
        return clean(orjson.dumps(raw, option=orjson.OPT_NON_STR_KEYS).decode("utf-8"))
    except TypeError:
        return clean(json.dumps(raw, default=str, ensure_ascii=False))


def shrink_raw(item: Item) -> Any:
    """The raw record, without storing the text twice.

    Where a field of the raw record (top level, or one level down as in an e-mail's
    ``body.plain``) is exactly the item's ``text`` or ``html``, it is kept as the marker
    ``{"$veille": "text"}`` (or ``"html"``): the column holds it, and
    :func:`veille.store.reads.restore_raw` puts it back. Mailing-list bodies and feed
    contents are most of the bytes, so this halves what an ingest writes.
    """
    raw = item.raw
    if not isinstance(raw, dict):
        return raw
    # Once per item on the reading hot path: no dict of the big values, no set of
    # lengths; a value is compared only when its length matches (mail keeps the body
    # itself as the text, so an identity check settles it), html before text, as when
    # the two are equal the marker names the html.
    text, html = item.text, item.html
    if text is not None and len(text) <= 64:
        text = None
    if html is not None and len(html) <= 64:
        html = None
    if text is None and html is None:
        return raw
    n_text = -1 if text is None else len(text)
    n_html = -1 if html is None else len(html)
    marked = _marked(raw, text, n_text, html, n_html, nested=True)
    return raw if marked is None else marked


def _marked(
    fields: dict[str, Any], text: str | None, n_text: int, html: str | None, n_html: int,
    nested: bool,
) -> dict[str, Any] | None:  # fmt: skip
    """A copy of ``fields`` with the values equal to ``html`` or ``text`` (and, when
    ``nested``, those one dict down) replaced by their markers; None when none is."""
    out: dict[str, Any] | None = None
    for k, v in fields.items():
        if type(v) is str:
            n = len(v)
            if n == n_html and (v is html or v == html):
                value: Any = {"$veille": _HTML}
            elif n == n_text and (v is text or v == text):
                value = {"$veille": _TEXT}
            else:
                continue
        elif nested and type(v) is dict:
            value = _marked(v, text, n_text, html, n_html, nested=False)
            if value is None:
                continue
        else:
            continue
        if out is None:
            out = dict(fields)
        out[k] = value
    return out


_TEXT, _HTML = "text", "html"


def content_hash(values: dict[str, Any], author: Author) -> str:
    """What makes two versions of one activity the same, for update detection.

    The activity's fields are already cleaned (see :func:`clean`); an author field that
    JSON cannot encode is cleaned here the same way.
    """
    parts = (
        values["kind"],
        values["created_at"].isoformat(),
        author.name,
        author.username,
        author.email,
        author.url,
        values["title"],
        values["text"],
        values["html"],
        values["url"],
        values["parent_native_id"],
        values["thread_native_id"],
        values["status"],
        values["raw"],
    )
    try:
        packed = orjson.dumps(parts)
    except TypeError:  # lone surrogates in an author field: hash what the store keeps
        packed = orjson.dumps(tuple(clean(p) if isinstance(p, str) else p for p in parts))
    # SHA-256 runs in the CPU's SHA instructions: three times BLAKE2b's speed here.
    return hashlib.sha256(packed).hexdigest()[:32]


@dataclass(slots=True)
class PreparedRow:
    """One activity ready to store, before the database has given it any id."""

    channel: str
    identity_key: str
    author: Author
    values: dict[str, Any]
    enrichment: dict[str, Any] | None = None

    def __reduce__(self) -> tuple[type[PreparedRow], tuple[Any, ...]]:
        # Rows cross from the reading process to the writer pickled: a slotted
        # dataclass pickles through Python-level state methods, which made pickling
        # and unpickling twice as slow (0.6 s each way on 63,000 messages).
        fields = (self.channel, self.identity_key, self.author, self.values, self.enrichment)
        return PreparedRow, fields


@dataclass(slots=True)
class PreparedBatch:
    """A batch reduced to plain values: picklable, so another process can make it."""

    rows: list[PreparedRow] = field(default_factory=list)
    channels: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    unchanged: int = 0
    updated: int = 0


def prepare(
    items: Sequence[Item], enrichments: Sequence[dict[str, Any]] | None = None
) -> PreparedBatch:
    """Everything about a batch that needs no database: raw JSON, hashes, row values.

    Pure and CPU-bound, so the pipeline can run it beside the writer, in another
    process (or, later, on another machine) while the database works.
    """
    batch = PreparedBatch()
    latest: dict[tuple[str, str], PreparedRow] = {}
    for n, item in enumerate(items):
        # clean() inlined where values are often None: this loop is the reading hot path.
        values: dict[str, Any] = {
            "native_id": clean_text(item.native_id),
            "kind": item.kind.value,
            "created_at": item.created_at,
            "title": None if item.title is None else clean_text(item.title),
            "text": None if item.text is None else clean_text(item.text),
            "html": None if item.html is None else clean_text(item.html),
            "url": None if item.url is None else clean_text(item.url),
            "parent_native_id": None if item.parent_id is None else clean_text(item.parent_id),
            "thread_native_id": None if item.thread_id is None else clean_text(item.thread_id),
            "status": item.status.value if item.status else None,
            "format": item.format,
            "origin": None if item.origin is None else clean_text(item.origin),
            "raw": dump_raw(shrink_raw(item)),
        }
        h = values["content_hash"] = content_hash(values, item.author)
        key = (item.channel, values["native_id"])
        previous = latest.get(key)
        if previous is not None:  # the last version of a native id in the batch wins
            if previous.values["content_hash"] == h:
                batch.unchanged += 1
            else:
                batch.updated += 1
        if item.channel not in batch.channels:
            batch.channels[item.channel] = (item.platform or item.format, item.channel_url)
        latest[key] = PreparedRow(
            item.channel,
            clean(item.author.key()) or "",
            item.author,
            values,
            enrichments[n] if enrichments is not None else None,
        )
    batch.rows = list(latest.values())
    return batch
