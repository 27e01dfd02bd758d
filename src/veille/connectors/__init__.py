"""Connectors: one module per source, one contract (:class:`Connector`).

The registry maps a ``--format`` name to the class implementing it. Built-in
connectors are imported lazily so that a command that reads no file pays nothing.
"""

from __future__ import annotations

import importlib

from veille.connectors.base import Connector, Document, iter_documents

BUILTIN: dict[str, str] = {
    "wxr": "veille.connectors.wxr:WxrConnector",
    "feed": "veille.connectors.feed:FeedConnector",
    "mbox": "veille.connectors.mbox:MboxConnector",
    "perceval": "veille.connectors.perceval:PercevalConnector",
    "slack": "veille.connectors.slack:SlackConnector",
    "discord": "veille.connectors.discord:DiscordConnector",
    "telegram": "veille.connectors.telegram:TelegramConnector",
    "whatsapp": "veille.connectors.whatsapp:WhatsappConnector",
    "messenger": "veille.connectors.messenger:MessengerConnector",
    "ndjson": "veille.connectors.ndjson:NdjsonConnector",
    "csv": "veille.connectors.ndjson:CsvConnector",
}

FORMATS = ("auto", *BUILTIN)


class UnknownFormat(ValueError):
    pass


def connector_class(name: str) -> type[Connector]:
    """The connector class registered under ``name``."""
    found = _CLASSES.get(name)
    if found is not None:  # detection asks for every class at every file
        return found
    try:
        target = BUILTIN[name]
    except KeyError:
        raise UnknownFormat(f"unknown format {name!r}; known: {', '.join(BUILTIN)}") from None
    module_name, _, attr = target.partition(":")
    cls: type[Connector] = getattr(importlib.import_module(module_name), attr)
    _CLASSES[name] = cls
    return cls


_CLASSES: dict[str, type[Connector]] = {}


def all_connectors() -> list[type[Connector]]:
    return [connector_class(n) for n in BUILTIN]


def detect(document: Document) -> type[Connector] | None:
    """The connector most sure it can read ``document``, or None."""
    head = document.head()
    best: tuple[int, type[Connector] | None] = (0, None)
    for cls in all_connectors():
        score = cls.sniff(document, head)
        if score > best[0]:
            best = (score, cls)
    return best[1]


__all__ = ["Connector", "Document", "FORMATS", "connector_class", "detect", "iter_documents"]
