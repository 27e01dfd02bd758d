"""Sentiment of every activity: negative, neutral or positive, and a score in [-1, 1].

One multilingual model (:mod:`veille.enrich.textmodel`, trained by ``veille models
train`` on tweets in Arabic, English, French, German, Hindi, Italian, Portuguese and
Spanish, English review sentences and French TV-series reviews): character n-grams,
words and emoji, so it needs no tokeniser per language. The score is the probability
of positive less that of negative.

Other languages (the fallback): the same model still reads them — emoji, emoticons,
punctuation, links and the character n-grams related languages share carry over — but
it was never measured there, so it only leaves *neutral* when it is at least
:data:`FALLBACK_CONFIDENCE` sure; the score is reported as it is. A text with nothing
to read (empty, or only links and handles) is neutral with a score of 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from veille.enrich import Enricher, Subject
from veille.enrich.features import transform_shared
from veille.enrich.learned import Lessons, model
from veille.enrich.textmodel import TextModel

TRAINED_LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "hi", "it", "pt"})
"""The languages the sentiment model was trained and measured on (docs/models.md)."""
FALLBACK_CONFIDENCE = 0.6


class SentimentEnricher(Enricher):
    name: ClassVar[str] = "sentiment"
    takes: ClassVar[tuple[str, ...]] = ("lessons",)
    fields: ClassVar[tuple[str, ...]] = ("sentiment", "sentiment_score")

    def __init__(self, lessons: Lessons | None = None) -> None:
        self.lessons = lessons

    def model(self) -> TextModel:
        return model("sentiment", self.lessons)

    def load(self) -> None:
        self.model()

    def enrich(self, subjects: Sequence[Subject]) -> None:
        if not subjects:
            return
        m = self.model()
        classes = m.classes
        neg, pos, neutral = (
            classes.index("negative"),
            classes.index("positive"),
            classes.index("neutral"),
        )
        proba = m.predict_proba(transform_shared(m.features, [s.text for s in subjects]))
        for s, p in zip(subjects, proba.tolist(), strict=True):
            if not _has_content(s.text):
                s.result.sentiment, s.result.sentiment_score = "neutral", 0.0
                continue
            best = max(range(len(classes)), key=p.__getitem__)
            language = s.result.language
            foreign = language is not None and language not in TRAINED_LANGUAGES
            if foreign and language not in ("und", "mul") and p[best] < FALLBACK_CONFIDENCE:
                best = neutral
            s.result.sentiment = classes[best]
            s.result.sentiment_score = round(p[pos] - p[neg], 4)


def _has_content(text: str) -> bool:
    """Anything but spaces, links and handles."""
    for word in text.split():
        if word.startswith(("http://", "https://", "www.", "@")):
            continue
        return True
    return False
