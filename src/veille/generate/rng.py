"""The seeded randomness every choice goes through: one stream for a whole community,
so that a seed always gives the same output."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import TypeVar


def cum(weights: Iterable[float]) -> tuple[float, ...]:
    """Running totals of ``weights``, for :meth:`Rng.index`."""
    return tuple(accumulate(weights))


_T = TypeVar("_T")
_TABLES: dict[int, tuple[tuple[str, ...], tuple[float, ...]]] = {}


class Rng(random.Random):
    """``random.Random`` with the picks made for every record made cheap (the stock
    ``choice`` and ``choices`` cost several times a bisection)."""

    def one(self, seq: Sequence[_T]) -> _T:
        return seq[int(self.random() * len(seq))]

    def index(self, cum: tuple[float, ...]) -> int:
        return bisect(cum, self.random() * cum[-1], 0, len(cum) - 1)

    def weighted(self, mix: dict[str, int]) -> str:
        # Mixes are module constants, so their id is a stable cache key.
        table = _TABLES.get(id(mix))
        if table is None:
            table = _TABLES[id(mix)] = (tuple(mix), cum(mix.values()))
        return table[0][self.index(table[1])]
