"""Polarity prior for the sentiment model from VADER's lexicon, read at training time.

VADER (vaderSentiment, MIT licence, © C.J. Hutto) ships ``vader_lexicon.txt`` (English
words and emoticons with a mean valence from -4 to 4) and ``emoji_utf8_lexicon.txt``
(each emoji with its name in words). veille never ships or reads these files at run
time: training reads them from the installed package (the ``train`` extra pins it) and
turns them into two *lexicon columns* over the model's own hashed buckets:

- the valence of each lexicon entry that veille's tokeniser reads as one word, on that
  word's bucket; an emoji gets half the valence summed over the words of its name;
- for the English negators ("not", "no", "never", the "t" of "don't", ...), the bigram
  negator + word gets the flipped valence (VADER damps a negated word by 0.74), less the
  word's own, so that "not good" counts as mildly negative.

A text's lexicon feature is then its hashed features times the column, which is
linear: the logistic regression learns one weight per class for it, and that weight
times the column folds into the ordinary weight matrix (``training.fit_matrix``). A
model trained so is a plain :class:`~veille.enrich.textmodel.TextModel`: predicting
costs nothing more, and nothing of the lexicon is kept but its effect on the weights.

It is a candidate of the sentiment tuning ("VADER lexicon"), not part of the shipped
recipe: in cross-validation it did not beat it (docs/models.md, 2026-11-24).
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import replace
from pathlib import Path

import numpy as np

from veille.enrich.features import F64, Features

PROVENANCE = (
    "VADER's vader_lexicon.txt and emoji_utf8_lexicon.txt (vaderSentiment 3.3.2, MIT "
    "licence, (c) 2016 C.J. Hutto), read at training time; veille.enrich.sentimentlexicon"
)
"""What the model card and the model's ``info`` say about the lexicon."""
NEGATORS = ("not", "no", "never", "t", "cannot", "nothing", "nobody", "without")
"""English negators as veille's tokeniser sees them ("don't" is ``don ' t``)."""
NEGATION_DAMPING = 0.74
EMOJI_SHARE = 0.5
"""An emoji's valence: this share of the valences of the words of its name."""


def vader_files() -> tuple[Path, Path]:
    """The lexicon and emoji files of the installed vaderSentiment package."""
    spec = importlib.util.find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "training the sentiment model needs vaderSentiment's lexicon: pip install -e '.[train]'"
        )
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder / "vader_lexicon.txt", folder / "emoji_utf8_lexicon.txt"


def read_lexicon(lexicon: Path, emoji: Path) -> dict[str, float]:
    """Entry -> valence: the lexicon's words and emoticons, and the emoji scored by their
    names. A malformed line is an error naming the file and line."""
    valence: dict[str, float] = {}
    for number, line in enumerate(lexicon.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        entry, *rest = line.split("\t")
        try:
            valence[entry] = float(rest[0])
        except (IndexError, ValueError):
            raise ValueError(f"{lexicon}:{number}: no valence after the entry") from None
    out = dict(valence)
    for line in emoji.read_text(encoding="utf-8").splitlines():
        char, _, name = line.partition("\t")
        score = sum(valence.get(word, 0.0) for word in name.split())
        if char and score:
            out[char] = EMOJI_SHARE * score
    return out


def word_buckets(features: Features, entries: list[str], ngrams: int) -> list[list[int]]:
    """The buckets of each entry's words (``ngrams`` 1) or word bigrams (2), as the
    model's own hashing places them."""
    words_only = Features(
        bits=features.bits,
        char_ngrams=(),
        word_ngrams=ngrams,
        max_chars=features.max_chars,
        char_weight=0.0,
        meta_weight=0.0,
    )
    out: list[list[int]] = [[] for _ in entries]
    blocks = words_only.transform(entries).blocks
    # A block lists every text's words, then (for bigrams) every text's pairs: the
    # pairs begin after as many items as the same block holds without them.
    starts = [0] * len(blocks)
    if ngrams == 2:
        single = replace(words_only, word_ngrams=1).transform(entries).blocks
        starts = [len(b.doc) for b in single]
    for block, start in zip(blocks, starts, strict=True):
        for d, b in zip(block.doc[start:].tolist(), block.bucket[start:].tolist(), strict=True):
            out[block.offset + d].append(b)
    return out


def lexicon_columns(features: Features, valence: dict[str, float]) -> tuple[F64, F64]:
    """The positive and the negative lexicon column over ``features``' buckets."""
    column = np.zeros(features.size)
    entries = list(valence)
    single = []
    for entry, buckets in zip(entries, word_buckets(features, entries, 1), strict=True):
        if len(buckets) == 1:
            column[buckets[0]] += valence[entry]
            if entry.isalpha():
                single.append(entry)
    pairs = [f"{negator} {word}" for negator in NEGATORS for word in single]
    flipped = [-(1 + NEGATION_DAMPING) * valence[word] for _ in NEGATORS for word in single]
    for value, buckets in zip(flipped, word_buckets(features, pairs, 2), strict=True):
        if len(buckets) == 1:
            column[buckets[0]] += value
    return np.maximum(column, 0.0), np.maximum(-column, 0.0)


@functools.cache
def columns(features: Features) -> F64:
    """Both lexicon columns of the installed VADER lexicon, as a (buckets, 2) array."""
    positive, negative = lexicon_columns(features, read_lexicon(*vader_files()))
    return np.stack([positive, negative], axis=1)
