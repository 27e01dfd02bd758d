"""Hashed text features for veille's linear models: the tokeniser and the hash.

Features are hashed, so there is no vocabulary to ship: word unigrams and bigrams,
character n-grams and a few facts (how many links, how long) each land in one of
``2**bits`` buckets. The hash is computed for a whole batch at once with numpy (a
polynomial hash over code points, read off prefix sums): 100,000 tweets take seconds.
Text is normalised first: markup dropped (a link's target kept), HTML entities decoded,
lower case, links, e-mail addresses and @handles one token each, digits folded to
``0``, invisible characters dropped; emoji and other symbols are tokens of their own.
The models that read them are :mod:`veille.enrich.textmodel`'s.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
U8 = npt.NDArray[np.uint8]
Bools = npt.NDArray[np.bool_]

# Private-use code points stand for what was replaced; they count as word characters.
URL_TOKEN, EMAIL_TOKEN, USER_TOKEN = 0xE000, 0xE001, 0xE002

SPACE, WORD, DIGIT, OTHER, SEP, INVISIBLE = 0, 1, 2, 3, 4, 5
"""Character classes of the tokeniser; ``SEP`` (U+0000) separates texts in a batch."""
# Markup is read as its text, but a link's target counts: injected links are spam's mark.
_TAG = re.compile(
    r"<(?:a\b[^>\x00]*?href\s*=\s*[\"']?([^\"'\s>\x00]*)[^>\x00]*|/?[a-z][^>\x00]{0,500})>", re.I
)

_M = 0x9E3779B97F4A7C15
_M_INV = pow(_M, -1, 2**64)
_SPREAD = np.uint64(0xBF58476D1CE4E5B9)
# One namespace per kind of feature, so "ab" the bigram and "ab" the word differ.
_NS_CHAR, _NS_WORD, _NS_BIGRAM, _NS_META = 0x1000, 0x2000, 0x3000, 0x4000
CHUNK_CHARS = 1_000_000
"""Texts are hashed in chunks of about this many characters, to bound memory."""


def _char_class(ch: str) -> int:
    if ch == "\x00":
        return SEP
    if ch.isspace():
        return SPACE
    if ch.isdecimal():
        return DIGIT
    # Byte-order marks, zero-width spaces, direction marks: invisible, so they say
    # nothing but where a text was copied from, or that a spammer split a word.
    if unicodedata.category(ch) == "Cf" and ch not in "\u200c\u200d":
        return INVISIBLE
    # Combining marks belong to their word (Devanagari vowel signs, Arabic harakat), and
    # the zero-width joiners sit inside Persian and Indic words.
    if ch.isalnum() or ch == "_" or ch in "\u200c\u200d" or unicodedata.category(ch)[0] == "M":
        return WORD
    if URL_TOKEN <= ord(ch) <= USER_TOKEN:
        return WORD
    return OTHER


class _Tables:
    """Character classes and powers of the hash's multiplier, built on first use."""

    def __init__(self) -> None:
        self.bmp = np.array([_char_class(chr(i)) for i in range(0x10000)], dtype=np.uint8)
        self.astral: dict[int, int] = {}
        self.pow = np.ones(1, dtype=np.uint64)
        self.inv = np.ones(1, dtype=np.uint64)

    def classes(self, cp: U32) -> U8:
        out = self.bmp[np.minimum(cp, 0xFFFF)]
        high = cp > 0xFFFF
        if high.any():
            codes = cp[high].tolist()
            for c in set(codes) - self.astral.keys():
                self.astral[c] = _char_class(chr(c))
            out[high] = [self.astral[c] for c in codes]
        return out

    def powers(self, n: int) -> tuple[U64, U64]:
        """``M**i`` and ``M**-i`` modulo 2**64 for i < n."""
        if len(self.pow) < n:
            size = max(n, 2 * len(self.pow))
            with np.errstate(over="ignore"):
                ones = np.ones(size, dtype=np.uint64)
                self.pow = np.cumprod(ones * np.uint64(_M), dtype=np.uint64) * np.uint64(_M_INV)
                self.inv = np.cumprod(ones * np.uint64(_M_INV), dtype=np.uint64) * np.uint64(_M)
        return self.pow[:n], self.inv[:n]


@functools.cache
def _tables() -> _Tables:
    return _Tables()


def _spread(h: U64, namespace: int) -> U64:
    """Multiplicative hashing: the top bits, which buckets are cut from, depend on all."""
    with np.errstate(over="ignore"):
        return (h ^ np.uint64(namespace)) * _SPREAD


def _starts_with(cp: U32, at: I64, word: str) -> Bools:
    """Which positions ``at`` of ``cp`` (padded with zeros past the end) start ``word``."""
    ok = np.ones(len(at), dtype=bool)
    for i, ch in enumerate(word):
        ok &= cp[np.minimum(at + i, len(cp) - 1)] == ord(ch)
    return ok


def _drop_ranges(length: int, starts: I64, ends: I64) -> Bools:
    """A mask of the positions inside any ``[start, end)``."""
    marks = np.zeros(length + 1, dtype=np.int32)
    np.add.at(marks, starts, 1)
    np.add.at(marks, ends, -1)
    return np.cumsum(marks[:-1]) > 0


def prepare(texts: Sequence[str], max_chars: int) -> tuple[U32, U8]:
    """Code points and their classes for a batch: the texts bounded to ``max_chars``,
    normalised, each opened and closed by a separator."""
    tables = _tables()
    joined = "\x00" + "\x00".join(t[:max_chars].replace("\x00", " ") for t in texts) + "\x00"
    if "<" in joined:
        joined = _TAG.sub(r" \1 ", joined)
    if "&" in joined:
        joined = html.unescape(joined)
    cp = np.frombuffer(joined.lower().encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cp = cp.copy()
    cls = tables.classes(cp)
    length = len(cp)
    solid = (cls != SPACE) & (cls != SEP)
    edge = np.diff(solid.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    piece_start = np.flatnonzero(edge == 1)
    piece_end = np.flatnonzero(edge == -1)

    def piece_of(at: I64) -> I64:
        return np.searchsorted(piece_start, at, side="right") - 1

    # Links run from "http(s)://" or "www." to the end of their whitespace-free piece; a
    # lone "http" is where an exporter took a link out.
    h = np.flatnonzero(cp == ord("h"))
    lone = (piece_start[piece_of(h)] == h) & (piece_end[piece_of(h)] == h + 4)
    h = h[
        _starts_with(cp, h, "http://")
        | _starts_with(cp, h, "https://")
        | (lone & _starts_with(cp, h, "http"))
    ]
    w = np.flatnonzero(cp == ord("w"))
    w = w[_starts_with(cp, w, "www.")]
    links = np.union1d(h, w)
    if len(links):
        links = links[np.unique(piece_of(links), return_index=True)[1]]
    drop_starts = [links + 1]
    drop_ends = [piece_end[piece_of(links)]]
    cp[links] = URL_TOKEN
    # "@": an address when a word precedes it (the whole piece goes), a handle when
    # only a word follows (the handle goes).
    at = np.flatnonzero(cp == ord("@"))
    if len(at):
        in_link = _drop_ranges(length, drop_starts[0], drop_ends[0])
        at = at[~in_link[at] & ~np.isin(piece_of(at), piece_of(links))]
        after = cls[np.minimum(at + 1, length - 1)] == WORD
        before = cls[np.maximum(at - 1, 0)] == WORD
        email = at[after & before]
        first = piece_start[piece_of(email)]
        cp[first] = EMAIL_TOKEN
        drop_starts.append(first + 1)
        drop_ends.append(piece_end[piece_of(email)])
        user = at[after & ~before]
        nonword = np.flatnonzero(cls != WORD)
        cp[user] = USER_TOKEN
        drop_starts.append(user + 1)
        drop_ends.append(nonword[np.searchsorted(nonword, user + 1)])
    drop = _drop_ranges(length, np.concatenate(drop_starts), np.concatenate(drop_ends))
    drop |= cls == INVISIBLE
    replaced = (cp >= URL_TOKEN) & (cp <= USER_TOKEN)
    cls[replaced] = WORD
    # One space between tokens; none at the edges of a text.
    space = cls == SPACE
    cp[space] = ord(" ")
    nxt = np.append(cls[1:], SEP)
    last_solid = np.maximum.accumulate(np.where(space, 0, np.arange(length)))
    drop |= space & ((nxt == SPACE) | (nxt == SEP) | (cls[last_solid] == SEP))
    keep = ~drop
    cp, cls = cp[keep], cls[keep]
    digit = cls == DIGIT
    cp[digit] = ord("0")
    cls[digit] = WORD
    return cp, cls


@dataclass(frozen=True, slots=True)
class Features:
    """How texts become hashed features; saved with every model."""

    bits: int = 20
    char_ngrams: tuple[int, ...] = (1, 2, 3, 4, 5)
    word_ngrams: int = 2
    max_chars: int = 2000
    """Longer texts are read up to here: enough to tell spam or a mood."""
    char_weight: float = 1.0
    word_weight: float = 1.0
    meta_weight: float = 1.0

    @property
    def size(self) -> int:
        return 1 << self.bits

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Features:
        values = dict(data)
        values["char_ngrams"] = tuple(values["char_ngrams"])
        return cls(**values)

    def transform(self, texts: Sequence[str]) -> Hashed:
        """The hashed features of ``texts``."""
        blocks: list[Block] = []
        start = 0
        while start < len(texts):
            end, size = start, 0
            while end < len(texts) and (size < CHUNK_CHARS or end == start):
                size += min(len(texts[end]), self.max_chars) + 1
                end += 1
            blocks.extend(self._chunk(texts[start:end], start))
            start = end
        return Hashed(len(texts), blocks)

    def _chunk(self, texts: Sequence[str], offset: int) -> list[Block]:
        n = len(texts)
        cp, cls = prepare(texts, self.max_chars)
        length = len(cp)
        is_sep = cls == SEP
        seps = np.flatnonzero(is_sep)
        # The text each position belongs to; a separator belongs to the text it opens.
        doc = np.cumsum(is_sep, dtype=np.int64) - 1
        pw, inv = _tables().powers(length + 1)
        prefix = np.zeros(length + 1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            np.cumsum(cp.astype(np.uint64) * pw[:length], out=prefix[1:])
        blocks: list[Block] = []
        shift = np.uint64(64 - self.bits)

        def block(d: I64, h: U64, weight: float) -> None:
            count = np.bincount(d, minlength=n).astype(np.float32)
            scale = (weight / np.sqrt(np.maximum(count, 1.0))).astype(np.float32)
            blocks.append(Block(offset, n, d, (h >> shift).view(np.int64), scale))

        # Character n-grams. A separator may open or close one (where a text begins or
        # ends is worth knowing), never sit inside it.
        char_d: list[I64] = []
        char_h: list[U64] = []
        for k in self.char_ngrams:
            m = length - k + 1
            if m <= 0:
                continue
            ok = np.ones(m, dtype=bool)
            if k == 1:
                ok[seps] = False
            else:
                inside = (seps[:, None] - np.arange(1, k - 1)).ravel()
                ok[inside[(inside >= 0) & (inside < m)]] = False
                if k == 2:  # an empty text
                    ok &= ~(is_sep[:m] & is_sep[1:])
            with np.errstate(over="ignore"):
                h = (prefix[k : k + m] - prefix[:m]) * inv[:m]
            char_d.append(doc[:m][ok])
            char_h.append(_spread(h[ok], _NS_CHAR + k))
        if char_d and self.char_weight:
            block(np.concatenate(char_d), np.concatenate(char_h), self.char_weight)

        # Words: runs of word characters; any other symbol (punctuation, emoji) is a
        # token of its own.
        if self.word_ngrams and self.word_weight:
            word = cls == WORD
            edge = np.diff(word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
            other = cls == OTHER
            starts = np.flatnonzero((edge[:-1] == 1) | other)
            ends = np.flatnonzero((edge[1:] == -1) | other) + 1
            with np.errstate(over="ignore"):
                tok = (prefix[ends] - prefix[starts]) * inv[starts]
            tok_doc = doc[starts]
            word_d = [tok_doc]
            word_h = [_spread(tok, _NS_WORD)]
            if self.word_ngrams >= 2 and len(tok) > 1:
                same = tok_doc[1:] == tok_doc[:-1]
                with np.errstate(over="ignore"):
                    pair = tok[:-1][same] * np.uint64(_M) + (tok[1:][same] ^ np.uint64(_M_INV))
                word_d.append(tok_doc[1:][same])
                word_h.append(_spread(pair, _NS_BIGRAM))
            block(np.concatenate(word_d), np.concatenate(word_h), self.word_weight)

        if self.meta_weight:
            d, h = _meta(cp[~is_sep], doc[~is_sep], n)
            block(d, h, self.meta_weight)
        return blocks


_last_batch: tuple[Features, tuple[str, ...], Hashed] | None = None


def transform_shared(features: Features, texts: Sequence[str]) -> Hashed:
    """``features.transform(texts)``, remembering the last batch: the enrichers that read
    the same texts with the same settings (sentiment, then spam) hash them once. Only
    one batch is kept, so memory stays that of a batch; comparing the texts costs little
    as they are the very same strings."""
    global _last_batch
    key = tuple(texts)
    last = _last_batch
    if last is not None and last[0] == features and last[1] == key:
        return last[2]
    _last_batch = last = None  # let the old batch go before hashing the new: one at a time
    hashed = features.transform(key)
    _last_batch = (features, key, hashed)
    return hashed


def _meta(cp: U32, doc: I64, n: int) -> tuple[I64, U64]:
    """A few facts per text, as tokens: one always there (the text's own bias), the
    number of links and addresses, and the order of magnitude of the length."""
    chars = np.bincount(doc, minlength=n)
    links = np.bincount(doc[(cp == URL_TOKEN) | (cp == EMAIL_TOKEN)], minlength=n)
    length_class = np.minimum(np.log2(np.maximum(chars, 1)).astype(np.int64), 12)
    facts = [np.zeros(n, dtype=np.int64), 100 + np.minimum(links, 4), 200 + length_class]
    d = np.tile(np.arange(n, dtype=np.int64), len(facts))
    with np.errstate(over="ignore"):
        h = np.concatenate(facts).astype(np.uint64) * np.uint64(_M)
    return d, _spread(h, _NS_META)


@dataclass(slots=True)
class Block:
    """One kind of feature for texts ``offset .. offset + n`` of a batch: (text, bucket)
    pairs, a bucket possibly repeated, and one value per text for all its pairs."""

    offset: int
    n: int
    doc: I64
    bucket: I64
    scale: F32


@dataclass(slots=True)
class Hashed:
    """The hashed features of a batch of ``n`` texts."""

    n: int
    blocks: list[Block]

    def dot(self, weights: F32) -> F64:
        """``X @ weights.T`` for a (k, buckets) weight matrix: an (n, k) array."""
        out = np.zeros((self.n, weights.shape[0]), dtype=np.float64)
        for b in self.blocks:
            rows = slice(b.offset, b.offset + b.n)
            for j, column in enumerate(weights):
                sums = np.bincount(b.doc, weights=column[b.bucket], minlength=b.n)
                out[rows, j] += sums * b.scale
        return out

    def coo(self) -> tuple[I64, I64, F32]:
        """(text, bucket, value) triples; a bucket may repeat within a text (values add)."""
        if not self.blocks:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
        docs = [b.doc + b.offset for b in self.blocks]
        values = [b.scale[b.doc] for b in self.blocks]
        buckets = [b.bucket for b in self.blocks]
        return np.concatenate(docs), np.concatenate(buckets), np.concatenate(values)
