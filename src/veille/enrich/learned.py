"""The learned models as the enrichers use them: the weights veille ships, plus what a
community's managers taught them.

A manager's correction (``veille label``) is kept in the store; :class:`Lessons` is
what the enrichers get of them: per model, the texts and the labels they were given.
:func:`model` loads a shipped model once per process and, when there are lessons, a
copy that has learnt them (:meth:`TextModel.learn` refits a correction on all of
them, so the result does not depend on their order). Lessons are plain values: the
reading process of an ingest gets them with the rest of its instructions.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from veille.enrich.textmodel import TextModel, shipped

Lesson = tuple[str, str]
"""A text and the label a manager gave it."""


@dataclass(frozen=True, slots=True)
class Lessons:
    """What the managers taught: texts and labels per model (by model name), oldest
    first, and the local spam database (hosts and e-mail addresses of labelled spam)."""

    by_model: Mapping[str, tuple[Lesson, ...]] = field(default_factory=dict)
    spam_hosts: frozenset[str] = frozenset()
    spam_emails: frozenset[str] = frozenset()

    def of(self, name: str) -> tuple[Lesson, ...]:
        return tuple(self.by_model.get(name, ()))

    def fingerprint(self, name: str) -> str:
        digest = hashlib.blake2b(digest_size=12)
        for text, label in self.of(name):
            digest.update(label.encode() + b"\x00" + text.encode("utf-8", "replace") + b"\x01")
        return digest.hexdigest()


_SHIPPED: dict[str, TextModel] = {}
_TAUGHT: dict[tuple[str, str], TextModel] = {}
_TAUGHT_KEEP = 4
"""Taught models kept per process (a long-running worker sees lessons change)."""


def model(name: str, lessons: Lessons | None = None, taught: str | None = None) -> TextModel:
    """The model ``name`` (``spam``, ``spam_comments`` or ``sentiment``) with the
    ``lessons`` of model ``taught`` (by default its own) learnt: the comment spam model
    learns the managers' spam labels as the careful one does."""
    base = _SHIPPED.get(name)
    if base is None:
        base = _SHIPPED[name] = shipped(name)
    kind = taught or name
    lessons_of = lessons.of(kind) if lessons is not None else ()
    if not lessons_of:
        return base
    assert lessons is not None
    key = (name, lessons.fingerprint(kind))
    found = _TAUGHT.get(key)
    if found is None:
        found = copy.deepcopy(base)  # a copy of its own: learning changes a model in place
        known = set(found.classes)
        usable = [(t, y) for t, y in lessons_of if y in known]
        if usable:
            found.learn([t for t, _ in usable], [y for _, y in usable])
        while len(_TAUGHT) >= _TAUGHT_KEEP:
            _TAUGHT.pop(next(iter(_TAUGHT)))
        _TAUGHT[key] = found
    return found
