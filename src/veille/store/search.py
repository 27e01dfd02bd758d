"""The keyword index: every activity's words, folded, for the inbox's keyword filter.

An activity's words are those of its title and text as veille folds them everywhere
(:func:`veille.watch.queries.fold`: lower case, accents and ligatures off, letters of
other scripts kept), cut into runs of letters, digits and ``_``; at most
:data:`MAX_WORDS` of them, each cut at :data:`MAX_WORD` characters. A keyword finds an
activity when its words come in that order in the activity's, the last one possibly the
beginning of a word (``"mise a j"`` finds "Mise à jour"). :func:`found` says the same in
Python, from :func:`words_of`.

The words are folded by veille, not by the database, so both databases find the same
activities:

- **SQLite**: an FTS5 table (``activity_words``, rowid = the activity's id) holding the
  folded words, tokenised by ``ascii`` with ``_`` a word character: the words come back
  one for one (FTS5's ``ascii`` tokeniser keeps every non-ASCII character in a word, and
  the folded words have no ASCII separator in them). It keeps its own copy of the words
  (an external-content or contentless table needs the old words to forget an activity,
  and SQLite before 3.43 cannot delete from a contentless one).
- **PostgreSQL**: a table ``activity_words (activity_id, words tsvector)`` with a GIN
  index. The tsvector is written as a literal (each word with its positions), never by
  ``to_tsvector``, whose parser splits hyphenated words, e-mail addresses and URLs its
  own way and folds no accents; the query is a tsquery literal (``'mise' <-> 'a' <->
  'j':*``) for the same reason. PostgreSQL keeps at most 256 positions of one word in
  an activity: a phrase whose first word is repeated more often than that may be
  missed there.

The index is not in :data:`veille.store.schema.metadata` (neither database's form fits
the other): revision 0017 makes it, :func:`write` and :func:`forget` keep it in step
with the activities (:mod:`veille.store.writer`, :mod:`veille.members.privacy`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from sqlalchemy import Connection, Integer, column, text

from veille.watch.queries import words as folded_words

TABLE: Final = "activity_words"
MAX_WORDS: Final = 10_000
"""Words of one activity indexed (a text longer than that is found by its beginning)."""
MAX_WORD: Final = 60
"""Characters of a word indexed (scripts written without spaces make long runs)."""
_POSITIONS: Final = 256


def words_of(title: str | None, body: str | None) -> str:
    """The indexed words of an activity, separated by spaces ('' when it has none)."""
    if not title and not body:
        return ""
    found = folded_words(f"{title or ''}\n{body or ''}")
    return " ".join(w[:MAX_WORD] for w in found[:MAX_WORDS])


def keyword_words(keyword: str) -> list[str]:
    """A keyword's words as :func:`words_of` indexes them ([] when it has none)."""
    return [w[:MAX_WORD] for w in folded_words(keyword)][:MAX_WORDS]


def found(words: str, wanted: Sequence[str]) -> bool:
    """Whether ``wanted`` (a keyword's words) is in ``words`` (an activity's, from
    :func:`words_of`): the words in that order, the last one possibly a beginning."""
    if not wanted or wanted[0] not in words:
        return False
    have = words.split(" ")
    *whole, last = wanted
    n = len(whole)
    for i in range(len(have) - n):
        if have[i + n].startswith(last) and all(have[i + j] == w for j, w in enumerate(whole)):
            return True
    return False


# -- the index --------------------------------------------------------------------------
def create(conn: Connection) -> None:
    """Make the empty index (revision 0017)."""
    if conn.dialect.name == "sqlite":
        # columnsize=0: no per-row sizes, which only ranking (bm25) reads.
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE {TABLE} USING fts5(words, "
            "tokenize = \"ascii tokenchars '_'\", columnsize = 0)"
        )
    else:
        conn.exec_driver_sql(
            f"CREATE TABLE {TABLE} (activity_id BIGINT PRIMARY KEY, words TSVECTOR NOT NULL)"
        )
        conn.exec_driver_sql(f"CREATE INDEX ix_{TABLE} ON {TABLE} USING gin (words)")


def drop(conn: Connection) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")


def is_index(name: str | None) -> bool:
    """Whether a table belongs to the index (FTS5 adds shadow tables beside it): the
    schema comparison with the metadata leaves them out."""
    return bool(name) and (name == TABLE or str(name).startswith(TABLE + "_"))


def write(conn: Connection, rows: Iterable[tuple[int, str]]) -> None:
    """Index (activity id, :func:`words_of`) rows, replacing what an id had; an activity
    without words is forgotten."""
    rows = list(rows)
    empty = [i for i, w in rows if not w]
    if empty:
        forget(conn, empty)
    kept = [(i, w) for i, w in rows if w]
    if not kept:
        return
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT OR REPLACE INTO {TABLE} (rowid, words) VALUES (?, ?)", kept)
        return
    conn.execute(
        text(
            f"INSERT INTO {TABLE} (activity_id, words) VALUES (:i, CAST(:w AS tsvector)) "
            "ON CONFLICT (activity_id) DO UPDATE SET words = EXCLUDED.words"
        ),
        [{"i": i, "w": _tsvector(w)} for i, w in kept],
    )


def forget(conn: Connection, ids: Sequence[int]) -> None:
    """Take activities out of the index (erased, or edited to have no words)."""
    key = "rowid" if conn.dialect.name == "sqlite" else "activity_id"
    for at in range(0, len(ids), 5_000):
        chunk = [int(i) for i in ids[at : at + 5_000]]
        conn.exec_driver_sql(
            f"DELETE FROM {TABLE} WHERE {key} IN ({', '.join(str(i) for i in chunk)})"
        )


def rebuild(conn: Connection, batch: int = 5_000) -> int:
    """Index every activity (revision 0017 on a store that has some); how many."""
    done, last = 0, 0
    while True:
        rows = conn.exec_driver_sql(
            f"SELECT id, title, text FROM activities WHERE id > {int(last)} ORDER BY id "
            f"LIMIT {int(batch)}"
        ).all()
        if not rows:
            return done
        write(conn, ((int(i), words_of(t, b)) for i, t, b in rows))
        done += len(rows)
        last = int(rows[-1][0])


def matching(conn: Connection, wanted: Sequence[str], limit: int | None = None) -> Any:
    """The ids of the activities a keyword's words find, as a subquery (its column is
    ``id``); ``limit``: at most that many."""
    more = f" LIMIT {int(limit)}" if limit is not None else ""
    if conn.dialect.name == "sqlite":
        sql = f"SELECT rowid AS id FROM {TABLE} WHERE {TABLE} MATCH :q{more}"
        query = _fts5_phrase(wanted)
    else:
        sql = f"SELECT activity_id AS id FROM {TABLE} WHERE words @@ CAST(:q AS tsquery){more}"
        query = _tsquery(wanted)
    return text(sql).bindparams(q=query).columns(column("id", Integer))


def _fts5_phrase(wanted: Sequence[str]) -> str:
    # One phrase, its last word a prefix; quoted, so no word is read as an operator.
    return '"' + " ".join(w.replace('"', '""') for w in wanted) + '"*'


def _quoted(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery(wanted: Sequence[str]) -> str:
    *whole, last = wanted
    return " <-> ".join([*(_quoted(w) for w in whole), _quoted(last) + ":*"])


def _tsvector(words: str) -> str:
    positions: dict[str, list[int]] = {}
    for at, word in enumerate(words.split(" "), 1):
        kept = positions.setdefault(word, [])
        if len(kept) < _POSITIONS:
            kept.append(at)
    return " ".join(f"{_quoted(w)}:{','.join(map(str, p))}" for w, p in positions.items())
