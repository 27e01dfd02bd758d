"""Language of every activity (ISO 639-1), with a confidence; ``und`` when it cannot be
told (no letters, or only links and handles) and ``mul`` when two languages share it.

Lingua (lingua-language-detector) ships its models inside the package, so nothing is
fetched at run time, and it is built for short texts: one-line comments and tweets are
the common case here. It decides among the languages in :data:`LANGUAGES`, the ones
communities we know write in; fewer candidates make it both faster and surer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from veille.enrich import Enricher, Subject

LANGUAGES = (
    "ar", "ca", "cs", "da", "de", "el", "en", "es", "fa", "fi", "fr", "he", "hi", "hu", "id",
    "it", "ja", "ko", "nl", "nb", "pl", "pt", "ro", "ru", "sv", "th", "tr", "uk", "vi", "zh",
)  # fmt: skip
UNDETERMINED = "und"
MULTIPLE = "mul"
MIN_LETTERS = 3
MIXED_MARGIN = 0.15
"""When the second language's confidence is within this of the first's, and both are
substantial, the text is mixed."""
MAX_CHARS = 1000
"""Enough to tell a language; reading a whole archive message would only cost time."""

_NOISE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+\.\w+|[@#][\w.-]+|&\w+;|<[^>]{0,200}>", re.UNICODE
)
_QUOTED = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def clean_for_language(text: str) -> str:
    """The words of ``text`` that say its language: no links, handles or quoted mail."""
    text = _QUOTED.sub(" ", text[: MAX_CHARS * 4])
    return " ".join(_NOISE.sub(" ", text).split())[:MAX_CHARS]


class LanguageEnricher(Enricher):
    name: ClassVar[str] = "language"
    fields: ClassVar[tuple[str, ...]] = ("language", "language_confidence")

    # Lingua's models take seconds to load: one detector per process and language set.
    _detectors: ClassVar[dict[tuple[str, ...], tuple[Any, dict[Any, str]]]] = {}

    def __init__(self, languages: Sequence[str] = LANGUAGES) -> None:
        self.languages = tuple(languages)

    def load(self) -> None:
        self._load()

    def _load(self) -> tuple[Any, dict[Any, str]]:
        loaded = self._detectors.get(self.languages)
        if loaded is None:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

            langs = [
                Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper()))
                for c in self.languages
            ]
            codes = {lang: lang.iso_code_639_1.name.lower() for lang in langs}
            # Models load lazily, per language, on first need (all of them at once took
            # 17 s on a busy 2-core machine; most batches need a handful).
            detector = LanguageDetectorBuilder.from_languages(*langs).build()
            loaded = self._detectors[self.languages] = (detector, codes)
        return loaded

    def detect(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(code, confidence) for each text."""
        detector, codes = self._load()
        cleaned = [clean_for_language(t) for t in texts]
        todo = [i for i, t in enumerate(cleaned) if len(_LETTER.findall(t[:200])) >= MIN_LETTERS]
        out: list[tuple[str, float]] = [(UNDETERMINED, 0.0)] * len(texts)
        if not todo:
            return out
        values = detector.compute_language_confidence_values_in_parallel([cleaned[i] for i in todo])
        for i, ranked in zip(todo, values, strict=True):
            if not ranked:
                continue
            first = ranked[0]
            second = ranked[1] if len(ranked) > 1 else None
            if (
                second is not None
                and second.value > 0.3
                and first.value - second.value < MIXED_MARGIN
            ):
                out[i] = (MULTIPLE, round(first.value, 4))
            else:
                out[i] = (codes[first.language], round(first.value, 4))
        return out

    def enrich(self, subjects: Sequence[Subject]) -> None:
        for s, (code, confidence) in zip(
            subjects, self.detect([s.text for s in subjects]), strict=True
        ):
            s.result.language = code
            s.result.language_confidence = confidence
