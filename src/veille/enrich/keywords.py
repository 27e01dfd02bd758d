"""Keywords: a few key phrases per activity, in its own language.

A RAKE-style extractor (rapid automatic keyword extraction): the text is cut into
candidate phrases at stop words, punctuation and links; each word scores its degree
(how many words it keeps company with in phrases) over its frequency, a phrase the sum
of its words. Stop words come from stopwords-iso (58 languages, shipped in the package)
for the language the language enricher found, plus English as the web's lingua franca.
Trend detection counts these phrases, so they are normalised: lower case, single spaces.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import cache
from typing import ClassVar

from veille.enrich import Enricher, Subject

MAX_KEYWORDS = 5
MAX_WORDS = 4
"""Longer runs between stop words are sentences, not phrases."""
MAX_CHARS = 5000

_SPLIT = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[@#]\w+|[^\w\s-]+|\s-+|-+\s", re.UNICODE)
# Apostrophes end words: French and Italian elisions (l'ancien, dell'anno) leave the
# article behind as a one-letter word, English contractions a stem listed below.
_WORD = re.compile(r"\w[\w-]*", re.UNICODE)
_CONTRACTIONS = frozenset(
    [
        "don",
        "doesn",
        "didn",
        "isn",
        "aren",
        "wasn",
        "weren",
        "won",
        "wouldn",
        "couldn",
        "shouldn",
        "haven",
        "hasn",
        "hadn",
        "ll",
        "ve",
        "re",
    ]
)


@cache
def stop_words(language: str | None) -> frozenset[str]:
    import stopwordsiso

    words = set(stopwordsiso.stopwords("en")) | _CONTRACTIONS
    if language and language not in ("und", "mul") and stopwordsiso.has_lang(language):
        words |= set(stopwordsiso.stopwords(language))
    return frozenset(w.lower() for w in words)


def key_phrases(text: str, language: str | None, limit: int = MAX_KEYWORDS) -> list[str]:
    """The ``limit`` best key phrases of ``text``, best first."""
    stops = stop_words(language)
    phrases: list[list[str]] = []
    for piece in _SPLIT.split(text[:MAX_CHARS].lower()):
        current: list[str] = []
        for word in _WORD.findall(piece):
            word = word.strip("-'’")
            if not word or word in stops or word.isdigit() or len(word) < 2:
                if current:
                    phrases.append(current)
                current = []
            else:
                current.append(word)
        if current:
            phrases.append(current)
    phrases = [p for p in phrases if len(p) <= MAX_WORDS]
    if not phrases:
        return []
    frequency: Counter[str] = Counter()
    degree: defaultdict[str, int] = defaultdict(int)
    for phrase in phrases:
        for word in phrase:
            frequency[word] += 1
            degree[word] += len(phrase)
    scored: dict[str, float] = {}
    for phrase in phrases:
        joined = " ".join(phrase)
        if joined not in scored:
            scored[joined] = sum(degree[w] / frequency[w] for w in phrase)
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
    return [phrase for phrase, _ in ranked[:limit]]


class KeywordEnricher(Enricher):
    name: ClassVar[str] = "keywords"
    fields: ClassVar[tuple[str, ...]] = ("keywords",)

    def enrich(self, subjects: Sequence[Subject]) -> None:
        for s in subjects:
            s.result.keywords = key_phrases(s.own, s.result.language)
