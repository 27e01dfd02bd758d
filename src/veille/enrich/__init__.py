"""Enrichment: what veille reads in every activity (language, sentiment, spam, intent,
keywords, safe HTML).

One contract, :class:`Enricher`: it reads a batch of :class:`Subject` values and fills
their :class:`Enrichment`. Enrichers run in a fixed order (language first: the others
read it), in the pipeline's reading stage, so they run beside the database writes and,
like every stage, on a batch at a time. Models load on first use: a command that does
not enrich never pays for them.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import orjson

from veille.enrich.prose import own_words, topic
from veille.model import Author, Item, clean_text

if TYPE_CHECKING:
    from veille.enrich.learned import Lessons
    from veille.settings import SpamSettings

BUILTIN: dict[str, str] = {
    "language": "veille.enrich.language:LanguageEnricher",
    "html": "veille.enrich.sanitise:HtmlSanitiser",
    "sentiment": "veille.enrich.sentiment:SentimentEnricher",
    "spam": "veille.enrich.spam:SpamEnricher",
    "keywords": "veille.enrich.keywords:KeywordEnricher",
    "intent": "veille.enrich.intent:IntentEnricher",
}
"""Registered enrichers, in the order they run."""

TEXT_LIMIT = 20_000
"""Characters of an activity the enrichers read; beyond that a message is an archive."""


@dataclass(slots=True)
class Enrichment:
    """What the enrichers found in one activity. ``None``: not computed."""

    language: str | None = None
    language_confidence: float | None = None
    sentiment: str | None = None
    sentiment_score: float | None = None
    spam: bool | None = None
    spam_score: float | None = None
    spam_reasons: list[str] | None = None
    intent: str | None = None
    intent_score: float | None = None
    keywords: list[str] | None = None
    html_safe: str | None = None
    links: int | None = None
    text_hash: str | None = None

    def columns(self) -> dict[str, object]:
        """The values as the ``enrichments`` table keeps them (lists as JSON text)."""
        values: dict[str, object] = {
            "language": self.language,
            "language_confidence": self.language_confidence,
            "sentiment": self.sentiment,
            "sentiment_score": self.sentiment_score,
            "spam": self.spam,
            "spam_score": self.spam_score,
            "spam_reasons": _json_list(self.spam_reasons),
            "intent": self.intent,
            "intent_score": self.intent_score,
            "keywords": _json_list(self.keywords),
            "html_safe": self.html_safe,
            "links": self.links,
            "text_hash": self.text_hash,
        }
        return values


@dataclass(slots=True)
class Subject:
    """One activity as the enrichers see it."""

    #: Title and body as received (bounded): what the spam layers and sentiment read.
    text: str
    html: str | None
    author: Author
    channel: str
    kind: str
    #: The author's own words, when they differ from ``text`` (see :func:`views`).
    words: str | None = None
    result: Enrichment = field(default_factory=Enrichment)

    @property
    def own(self) -> str:
        """What the author wrote: what language, intent and keywords read."""
        return self.text if self.words is None else self.words


class Enricher(ABC):
    """Fills part of each subject's :class:`Enrichment`; never raises on odd text."""

    name: ClassVar[str]
    fields: ClassVar[tuple[str, ...]]
    """The :class:`Enrichment` fields it sets."""
    takes: ClassVar[tuple[str, ...]] = ()
    """The keyword arguments of :func:`default_chain` it is built with: ``lessons``
    (what the managers taught, :mod:`.learned`), ``spam`` (the community's spam
    settings, :mod:`veille.settings`)."""

    @abstractmethod
    def enrich(self, subjects: Sequence[Subject]) -> None:
        """Set this enricher's fields on every subject of the batch."""

    def load(self) -> None:  # noqa: B027 - most enrichers have nothing to load
        """Load models now rather than on first use (the pipeline calls it before it
        forks a reading process, so the models are loaded once per process)."""


def _json_list(values: list[str] | None) -> str | None:
    if values is None:
        return None
    return orjson.dumps(values).decode("utf-8")


def enricher_class(name: str) -> type[Enricher]:
    module_name, _, attr = BUILTIN[name].partition(":")
    cls: type[Enricher] = getattr(importlib.import_module(module_name), attr)
    return cls


def default_chain(
    lessons: Lessons | None = None, spam: SpamSettings | None = None
) -> list[Enricher]:
    """Every registered enricher, in order, each with the context it takes."""
    context: dict[str, object] = {"lessons": lessons, "spam": spam}
    chain: list[Enricher] = []
    for name in BUILTIN:
        cls = enricher_class(name)
        chain.append(cls(**{k: context[k] for k in cls.takes}))
    return chain


def subject_text(title: str | None, text: str | None) -> str:
    """The words the spam layers read: title and body as received, bounded."""
    joined = "\n".join(p for p in (title, text) if p)
    return clean_text(joined[:TEXT_LIMIT])


def views(title: str | None, text: str | None, signer: str | None = None) -> tuple[str, str | None]:
    """:func:`subject_text`, and the author's own words when they differ from it: the
    title without reply prefixes and list tag (:func:`.prose.topic`) and the body less
    the quoted message, signature and list boilerplate (:func:`.prose.own_words`),
    bounded. A reply that quotes a long message first still has its own words read (up
    to five times the bound); ``signer`` is the author's name, so that a last line of
    only that name goes too. Language, intent and keywords read what the author said,
    not what they quoted; the spam layers read the message as received, which is what
    their models were trained on, and so does sentiment (docs/models.md says why)."""
    full = subject_text(title, text)
    subject = topic(title) if title else title
    sliced = text[: 5 * TEXT_LIMIT] if text else text
    body = own_words(sliced, signer) if sliced else sliced
    if body is sliced and subject is title:
        return full, None
    return full, clean_text("\n".join(p for p in (subject, body) if p)[:TEXT_LIMIT])


def run(chain: Sequence[Enricher], subjects: Sequence[Subject]) -> None:
    for enricher in chain:
        enricher.enrich(subjects)


def enrich_items(chain: Sequence[Enricher], items: Sequence[Item]) -> list[Enrichment]:
    """Run ``chain`` over freshly read items; one :class:`Enrichment` per item."""
    subjects = []
    for i in items:
        full, words = views(i.title, i.text, i.author.name)
        html = clean_text(i.html) if i.html else None
        subjects.append(Subject(full, html, i.author, i.channel, i.kind.value, words))
    run(chain, subjects)
    return [s.result for s in subjects]


__all__ = [
    "BUILTIN",
    "Enricher",
    "Enrichment",
    "Subject",
    "default_chain",
    "enrich_items",
    "run",
    "views",
]
