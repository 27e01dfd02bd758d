"""The array helpers the members step leans on give what numpy's slower forms give, and
the full step's table-by-table read gives what the joined query gives."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from veille.generate import GenerateConfig, generate
from veille.members.activity import COLUMNS, context, fetch, rows_query, unique, unique_rows
from veille.members.rules import MemberRules
from veille.members.scan import every_row
from veille.pipeline import ingest
from veille.store import Store
from veille.store.schema import activities, enrichments


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


def test_a_full_steps_table_by_table_read_gives_the_joined_querys_rows(
    db_url: str, tmp_path: Path
) -> None:
    """``scan.every_row`` (a full step) and the joined query (a step reading a few
    members) give the same rows: spam left out, replies whose parent is above ``upto``
    or not stored, activities dated after ``now``, brand keywords, intents."""
    data, truth = io.StringIO(), io.StringIO()
    generate(GenerateConfig(members=300, activities=3000, seed=5), data, truth)
    src = tmp_path / "g.ndjson"
    src.write_text(data.getvalue())
    store = Store(db_url)
    ingest(store, [src])  # enriched (spam, intents) and members resolved
    with store.engine.connect() as conn:
        top = int(conn.execute(select(func.max(activities.c.id))).scalar_one())
        spam = conn.execute(select(func.count()).where(enrichments.c.spam.is_(True))).scalar()
        times = sorted(
            int(t.timestamp()) for t in conn.execute(select(activities.c.created_at)).scalars()
        )
        assert spam and top > 1000
        rules = MemberRules(brand_keywords=("kelvio", "logo"))
        for now, upto in ((times[-1], top), (times[len(times) // 2], top * 2 // 3)):
            ctx = context(conn, rules, now, upto)
            joined, read = fetch(conn, rows_query(conn, ctx)), every_row(conn, ctx)
            order_j, order_r = np.argsort(joined.aid), np.argsort(read.aid)
            assert len(read.aid) > 500
            assert int((read.pa >= 0).sum()) and int((read.kw == 1).sum())
            for column in COLUMNS:
                want = getattr(joined, column)[order_j]
                got = getattr(read, column)[order_r]
                assert got.dtype == want.dtype, column
                assert np.array_equal(got, want), column
    store.close()
