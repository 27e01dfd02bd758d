"""The array helpers the members step leans on give what numpy's slower forms give."""

from __future__ import annotations

import numpy as np
import pytest

from veille.members.activity import unique, unique_rows


@pytest.mark.parametrize("width", [1, 2, 3])
@pytest.mark.parametrize("low", [0, -5])
def test_unique_rows_are_numpys_distinct_sorted_rows(width: int, low: int) -> None:
    rng = np.random.default_rng(width * 10 - low)
    for n in (0, 1, 7, 5000):
        table = rng.integers(low, 40, (n, width)).astype(np.int64)
        got, want = unique_rows(table), np.unique(table, axis=0)
        assert got.shape == want.shape and got.dtype == want.dtype
        assert np.array_equal(got, want)
    big = np.array([[2**40, 3], [2**40, 3], [1, 2**40]], np.int64)  # too wide to be one number
    assert np.array_equal(unique_rows(big), np.unique(big, axis=0))


def test_unique_is_numpys_distinct_sorted_values() -> None:
    rng = np.random.default_rng(3)
    for values in (
        np.empty(0, np.int64),
        np.array([5], np.int64),
        rng.integers(-50, 50, 1000),
        rng.integers(0, 2**62, 5000),
        rng.integers(0, 9, (30, 4)),  # flattened, as numpy does
    ):
        got, want = unique(values), np.unique(values)
        assert got.dtype == want.dtype and np.array_equal(got, want)
