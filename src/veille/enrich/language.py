"""Language of every activity (ISO 639-1), with a confidence; ``und`` when it cannot be
told (no letters, or only links and handles) and ``mul`` when two languages share it.

The models are Lingua's (lingua-language-detector: shipped inside the package, nothing
fetched at run time, built for short texts), over the languages in :data:`LANGUAGES`.
Asking Lingua about each text costs about a millisecond, though: it looks every n-gram
of the text up in the model of every candidate language, and a call costs some 20 µs
before any lookup. Texts repeat their words, so veille asks Lingua about *words* and
keeps the answers:

* A text's score for a language is the sum, over its words, of the logarithm of
  Lingua's confidence that the word is in that language (floored at :data:`FLOOR`: a
  word whose letters or script rule a language out costs it log(1/FLOOR)).
* The quick reading, for every text: a word of up to :data:`SHORT_WORD` letters is
  scored whole, in Lingua's high-accuracy mode (few such words, and they are the
  function words that tell languages apart); a longer one by the sum of its trigrams'
  scores in Lingua's low-accuracy mode (trigrams repeat across words, so a new word
  costs next to nothing).
* The careful reading, when the quick one is not clear (the winner leads the runner-up
  by less than :data:`CLEAR_LEAD`: short texts, close languages): every word scored
  whole in high-accuracy mode, among the languages still in the running only (at most
  :data:`CONTENDERS`), so Lingua loads and searches few models.

The answer depends only on the text, never on what was read before: the memory of
scores (bounded by :data:`MEMORY_ROWS`) changes the speed, not the result. Scripts need
no special case: Lingua's own rules give a word in a script that one candidate alone
writes to that language, and a text in two scripts sums its words. Lingua's models
load lazily, per language and n-gram length, on first need: building the enricher
loads nothing, and a command that does not enrich does not even import Lingua.

Speed: ``bench/language.py``. Accuracy: :func:`evaluate` (``veille models eval``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypedDict

import numpy as np
import numpy.typing as npt

from veille.enrich import Enricher, Subject

LANGUAGES = (
    "ar", "ca", "cs", "da", "de", "el", "en", "es", "fa", "fi", "fr", "he", "hi", "hu", "id",
    "it", "ja", "ko", "nl", "nb", "pl", "pt", "ro", "ru", "sv", "th", "tr", "uk", "vi", "zh",
)  # fmt: skip
EVALUATED = ("fr", "en", "de", "es", "it", "pt", "ar", "hi")
"""The languages :func:`evaluate` reports (the communities veille is built for)."""
UNDETERMINED = "und"
MULTIPLE = "mul"
MIN_LETTERS = 3
"""Fewer letters than this is ``und`` (one kana, Han or Hangul character is enough)."""
MAX_CHARS = 1000
"""Enough to tell a language; reading a whole archive message would only cost time."""
MAX_WORDS = 64
"""Words of a text that are read: a text says its language well before."""
SHORT_WORD = 3
"""Words of up to this many letters are scored whole in the quick reading."""
LONG_WORD = 30
"""Longer words (unspaced scripts, glued identifiers) are cut to this many letters."""
FLOOR = 1e-2
"""The least confidence a word lends a language. Lingua rules out every language but
one for a word with a letter only that one writes (ñ, ß, ø...): a name such as Muñoz
or Björn in an English reply. At 1e-4 such names overturned short texts; at 1e-2 they
cost a language 4.6, about what two ordinary words do."""
CLEAR_LEAD = 6.0
"""The quick reading stands when its winner leads the runner-up by this much (natural
log of the likelihood ratio); otherwise the careful reading decides."""
CONTENDERS = 6
"""The careful reading decides among at most this many languages: those the quick one
left within :data:`CLEAR_LEAD` of its winner."""
SHARPNESS = 2.0
"""Confidence: softmax of the text's scores over the square root of its word count,
times this; so set, a confidence of p was right about p of the time on the langid
sentences, word pairs and single words of the eight evaluated languages (expected
calibration error 0.015)."""
MIXED_RUN = 2
MIXED_SHARE = 0.4
MIXED_GAIN = 8.0
MIXED_PER_WORD = 0.75
MIXED_CAP = 4.0
"""A text is mixed (``mul``) when it reads better as two runs of words, each in its own
language and each at least :data:`MIXED_RUN` words and :data:`MIXED_SHARE` of the
text, than in one language: better by :data:`MIXED_GAIN` (natural log of the
likelihood ratio) and by :data:`MIXED_PER_WORD` a word, no word counting for more than
:data:`MIXED_CAP` (a few place or person names must not make a text mixed). Measured
on the langid sentences: 0.04 % of the single-language sentences of the eight
evaluated languages (0.12 % over all thirty) read as mixed, and 0.7 % of sentences
ending with two words of another language; against 39 % of pairs of sentences in two
of the eight put end to end and 51 % of pairs of four-word halves (the others go to
the language with more words)."""
MEMORY_ROWS = 250_000
"""Scores kept per language set (some 75 MB with their keys; 14,712 tweets need 94,000);
past that the memory starts over."""

_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
    "\u200c\u200d\u3099\u309a"
)
_WORD = re.compile(rf"[^\W\d_](?:[^\W\d_]|[{_MARKS}])*")
"""A word: letters, and the combining marks of the scripts that write with them
(Devanagari vowel signs, Arabic and Hebrew points, Thai vowels); an apostrophe splits
(l'eau: l, eau)."""
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+|[@#][\w.-]+|&\w+;|<[^>]{0,200}>")
_QUOTED = re.compile(r"^[ \t]*>.*$", re.MULTILINE)

Rows = npt.NDArray[np.float32]
Ints = npt.NDArray[np.intp]


def clean_for_language(text: str) -> str:
    """The words of ``text`` that say its language: no links, handles or quoted mail."""
    text = _QUOTED.sub(" ", text[: MAX_CHARS * 4])[: MAX_CHARS * 2]
    return " ".join(_NOISE.sub(" ", text).split())[:MAX_CHARS]


def words_of(text: str) -> list[str]:
    """The lower-case words read in ``text`` (already cleaned): at most :data:`MAX_WORDS`,
    found in its first ``10 * MAX_WORDS`` characters."""
    return [w[:LONG_WORD] for w in _WORD.findall(text[: MAX_WORDS * 10].lower())[:MAX_WORDS]]


class _Memory:
    """Lingua's answers for one language set, as rows of log-confidences (one column per
    language) in one growing matrix, found by word, trigram or (contenders, word)."""

    def __init__(self, languages: tuple[str, ...]) -> None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        self.langs = [
            Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in languages
        ]
        self.column: dict[Any, int] = {lang: i for i, lang in enumerate(self.langs)}
        self.width = len(self.langs)
        # Lingua keeps its models in one process-wide store, shared by every detector,
        # and loads them on first need only.
        self.high = LanguageDetectorBuilder.from_languages(*self.langs).build()
        self.low = (
            LanguageDetectorBuilder.from_languages(*self.langs).with_low_accuracy_mode().build()
        )
        self.texts = self.careful = 0
        """Texts read, and how many needed the careful reading (for the benchmark)."""
        self.reset()

    def reset(self) -> None:
        self.among_detectors: dict[tuple[int, ...], Any] = {}
        self.rows: Rows = np.zeros((4096, self.width), dtype=np.float32)
        self.used = 0
        self.whole: dict[str, int] = {}
        """word -> row: the word scored whole, high accuracy, all languages"""
        self.trigram: dict[str, int] = {}
        """trigram -> row: low accuracy (trigrams only), all languages"""
        self.quick: dict[str, int] = {}
        """word -> row in the quick reading"""
        self.among: dict[tuple[int, ...], dict[str, int]] = {}
        """contenders -> word -> row: the word scored whole among the contenders only"""

    def _add(self, block: Rows) -> int:
        """Append rows; the index of the first."""
        start, n = self.used, len(block)
        if start + n > len(self.rows):
            size = len(self.rows)
            while size < start + n:
                size *= 2
            grown = np.zeros((size, self.width), dtype=np.float32)
            grown[:start] = self.rows[:start]
            self.rows = grown
        self.rows[start : start + n] = block
        self.used = start + n
        return start

    def _ask(self, detector: Any, units: Iterable[str], table: dict[str, int]) -> None:
        """Ask ``detector`` about the ``units`` not yet in ``table``, and keep the rows."""
        new = [u for u in dict.fromkeys(units) if u not in table]
        if not new:
            return
        if len(new) >= 64:  # Lingua's own threads
            answers = detector.compute_language_confidence_values_in_parallel(new)
        else:
            answers = [detector.compute_language_confidence_values(u) for u in new]
        block = np.full((len(new), self.width), FLOOR, dtype=np.float32)
        column = self.column
        for i, ranked in enumerate(answers):
            for value in ranked:
                if value.value > FLOOR:
                    block[i, column[value.language]] = value.value
        start = self._add(np.log(block))
        table.update(zip(new, range(start, start + len(new)), strict=True))

    def quick_rows(self, words: Iterable[str]) -> dict[str, int]:
        quick = self.quick
        new = [w for w in dict.fromkeys(words) if w not in quick]
        short = [w for w in new if len(w) <= SHORT_WORD]
        long = [w for w in new if len(w) > SHORT_WORD]
        if short:
            self._ask(self.high, short, self.whole)
            quick.update((w, self.whole[w]) for w in short)
        if long:
            grams = [[w[i : i + 3] for i in range(len(w) - 2)] for w in long]
            self._ask(self.low, (g for gs in grams for g in gs), self.trigram)
            start = self._add(
                np.add.reduceat(self.rows[_index(grams, self.trigram)], _starts(grams))
            )
            quick.update(zip(long, range(start, start + len(long)), strict=True))
        return quick

    def among_rows(self, contenders: tuple[int, ...], words: Iterable[str]) -> dict[str, int]:
        detector = self.among_detectors.get(contenders)
        if detector is None:
            from lingua import LanguageDetectorBuilder

            detector = LanguageDetectorBuilder.from_languages(
                *(self.langs[i] for i in contenders)
            ).build()
            self.among_detectors[contenders] = detector
        table = self.among.setdefault(contenders, {})
        self._ask(detector, words, table)
        return table


def _index(texts: list[list[str]], table: dict[str, int]) -> Ints:
    """The rows of the texts' words (or trigrams), one text after the other."""
    return np.fromiter(
        (table[w] for ws in texts for w in ws), dtype=np.intp, count=sum(map(len, texts))
    )


def _starts(texts: list[list[str]]) -> Ints:
    starts = np.zeros(len(texts), dtype=np.intp)
    np.cumsum([len(ws) for ws in texts[:-1]], out=starts[1:])
    return starts


class LanguageEnricher(Enricher):
    name: ClassVar[str] = "language"
    fields: ClassVar[tuple[str, ...]] = ("language", "language_confidence")

    # One memory per process and language set: what is learnt serves every batch after.
    _memories: ClassVar[dict[tuple[str, ...], _Memory]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, languages: Sequence[str] = LANGUAGES) -> None:
        self.languages = tuple(languages)

    def load(self) -> None:
        with self._lock:
            self._memory()

    def _memory(self) -> _Memory:
        memory = self._memories.get(self.languages)
        if memory is None:
            memory = self._memories[self.languages] = _Memory(self.languages)
        return memory

    def detect(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(code, confidence) for each text."""
        out: list[tuple[str, float]] = [(UNDETERMINED, 0.0)] * len(texts)
        todo: list[int] = []
        words: list[list[str]] = []
        for i, text in enumerate(texts):
            cleaned = clean_for_language(text)
            found = words_of(cleaned)
            if sum(map(len, found)) >= MIN_LETTERS or (found and _WIDE.search(cleaned)):
                todo.append(i)
                words.append(found)
        if not todo:
            return out
        with self._lock:
            read = self._read(words)
        codes = self.languages
        for i, (code, confidence) in zip(todo, read, strict=True):
            out[i] = (codes[code] if code >= 0 else MULTIPLE, confidence)
        return out

    def _read(self, words: list[list[str]]) -> list[tuple[int, float]]:
        """(column of the language, or -1 when mixed; confidence) for each text's words."""
        memory = self._memory()
        if memory.used > MEMORY_ROWS:
            memory.reset()
        memory.texts += len(words)
        counts = np.array([len(ws) for ws in words], dtype=np.intp)
        starts = _starts(words)
        table = memory.quick_rows(w for ws in words for w in ws)
        quick = memory.rows[_index(words, table)]
        scores = np.add.reduceat(quick, starts)
        mixed = _mixed(quick, starts, counts)
        ranked = np.argsort(-scores, axis=1)[:, :CONTENDERS]
        best = np.take_along_axis(scores, ranked, axis=1)
        unclear = np.flatnonzero(best[:, 0] - best[:, min(1, memory.width - 1)] < CLEAR_LEAD)
        if len(unclear) and memory.width > 1:
            memory.careful += len(unclear)
            scores[unclear] = self._careful(memory, words, unclear, ranked, best)
        z = scores * (SHARPNESS / np.sqrt(counts))[:, None]
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        winner = np.argmax(z, axis=1)
        confidence = (z[np.arange(len(z)), winner] / z.sum(axis=1)).tolist()
        winner[mixed] = -1
        return [(c, round(p, 4)) for c, p in zip(winner.tolist(), confidence, strict=True)]

    @staticmethod
    def _careful(
        memory: _Memory, words: list[list[str]], unclear: Ints, ranked: Ints, best: Rows
    ) -> Rows:
        """The unclear texts' scores, every word scored whole among its text's contenders
        (the others keep a floor score on every word)."""
        groups: dict[tuple[int, ...], list[int]] = {}
        for j in unclear.tolist():
            close = best[j, 0] - best[j] < CLEAR_LEAD
            groups.setdefault(tuple(sorted(ranked[j][close].tolist())), []).append(j)
        out = np.empty((len(unclear), memory.width), dtype=np.float32)
        where = {j: k for k, j in enumerate(unclear.tolist())}
        for contenders, members in groups.items():
            part = [words[j] for j in members]
            table = memory.among_rows(contenders, (w for ws in part for w in ws))
            sums = np.add.reduceat(memory.rows[_index(part, table)], _starts(part))
            out[[where[j] for j in members]] = sums
        return out

    def enrich(self, subjects: Sequence[Subject]) -> None:
        for s, (code, confidence) in zip(
            subjects, self.detect([s.own for s in subjects]), strict=True
        ):
            s.result.language = code
            s.result.language_confidence = confidence


def _mixed(rows: Rows, starts: Ints, counts: Ints) -> npt.NDArray[np.bool_]:
    """Which texts read better as two runs of words in two languages (cut where it fits
    best, each run long enough) than in one; see :data:`MIXED_GAIN`."""
    run = np.maximum(MIXED_RUN, np.ceil(MIXED_SHARE * counts)).astype(np.intp)
    possible = counts >= 2 * run
    gain = np.full(len(counts), -np.inf)
    if possible.any():
        rows = np.maximum(rows, rows.max(axis=1, keepdims=True) - MIXED_CAP)
        scores = np.add.reduceat(rows, starts)
        # Running sums within each text: the best single language for the words up to
        # each cut, plus the best for the words after it.
        at = np.cumsum(rows, axis=0, dtype=np.float64)
        before = np.zeros((len(starts), rows.shape[1]))
        before[1:] = at[starts[1:] - 1]
        at -= np.repeat(before, counts, axis=0)
        split = at.max(axis=1)
        at -= np.repeat(scores.astype(np.float64), counts, axis=0)
        split += (-at).max(axis=1)
        cut = np.arange(len(split)) - np.repeat(starts, counts) + 1
        ok = (cut >= np.repeat(run, counts)) & (cut <= np.repeat(counts - run, counts))
        split[~ok] = -np.inf
        gain = np.maximum.reduceat(split, starts) - scores.max(axis=1)
    mixed: npt.NDArray[np.bool_] = (gain >= MIXED_GAIN) & (gain >= MIXED_PER_WORD * counts)
    return mixed


class LanguageAccuracy(TypedDict):
    """:func:`evaluate`'s figures: the share of items given their own language (``mul``
    and ``und`` count as wrong), per language and the mean over languages."""

    languages: list[str]
    sentences: dict[str, float]
    sentences_mean: float
    word_pairs: dict[str, float]
    word_pairs_mean: float
    single_words: dict[str, float]
    single_words_mean: float
    items: dict[str, int]
    """Items read per set (all languages together)."""
    source: str


def evaluate(
    data_dir: Path, languages: Sequence[str] = EVALUATED, limit: int | None = None
) -> LanguageAccuracy:
    """Accuracy of the default :class:`LanguageEnricher` on the langid test set (Lingua's:
    sentences, word pairs and single words, about 1,000 of each per language) under
    ``data_dir`` (the shared data folder, or its ``langid`` folder), for ``languages``;
    ``limit``: the first items of each file only."""
    root = data_dir / "langid" if (data_dir / "langid").is_dir() else data_dir
    enricher = LanguageEnricher()
    figures: dict[str, dict[str, float]] = {}
    items: dict[str, int] = {}
    for folder in ("sentences", "word-pairs", "single-words"):
        kind = folder.replace("-", "_")
        figures[kind], items[kind] = {}, 0
        for code in languages:
            lines = (root / folder / f"{code}.txt").read_text("utf-8").splitlines()
            sample = [line for line in lines if line.strip()][:limit]
            found = enricher.detect(sample)
            right = sum(1 for language, _ in found if language == code)
            figures[kind][code] = round(right / len(sample), 4)
            items[kind] += len(sample)

    def mean(kind: str) -> float:
        return round(sum(figures[kind].values()) / len(figures[kind]), 4)

    return LanguageAccuracy(
        languages=list(languages),
        sentences=figures["sentences"],
        sentences_mean=mean("sentences"),
        word_pairs=figures["word_pairs"],
        word_pairs_mean=mean("word_pairs"),
        single_words=figures["single_words"],
        single_words_mean=mean("single_words"),
        items=items,
        source="langid (Lingua's test set, from Leipzig corpora)",
    )
