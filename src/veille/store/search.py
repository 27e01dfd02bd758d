"""The keyword index: every activity's words, for the inbox's keyword filter.

A keyword finds an activity when its words come in that order in the activity's title
or text, the last one possibly the beginning of a word (``"mise a j"`` finds "Mise à
jour"), case and accents aside. Words are runs of letters, digits and ``_``.

- **SQLite**: an *external-content* FTS5 table (``activity_words``) over ``activities``
  (its ``title`` and ``text``, rowid = the activity's id), tokenised by ``unicode61``
  with accents removed and ``_`` a word character: SQLite folds case and accents, in C.
  It keeps no copy of the texts. Indexing is not the writer's work (it was half of it
  on mailing lists): :func:`catch_up` indexes the activities stored since, a few
  thousand a statement (SQLite reads and tokenises them), in transactions of its own.
  An ingest calls it between its writes, every :data:`CATCH_UP_BATCH` activities or so
  (its reading process reads on meanwhile), and once more after them; a keyword search
  calls it first (when nothing is behind, it only looks). What the index holds: every activity
  up to the id in ``activity_words_upto``, except those in ``activity_words_pending``
  (edited since). Triggers on ``activities`` keep that true: an edit of the title or
  text, or a delete, takes the old words out of the index only when it holds them,
  with the values it was given (FTS5 is corrupted by the 'delete' of a row it never
  held), and an edited activity becomes pending; a delete of the newest activities
  lowers the mark, since SQLite gives the next one the highest id plus one, which
  could otherwise be an id the mark already covers. No trigger on insert: a trigger on
  the table, even one that does nothing, cost the writer a second of CPU a 63,000
  messages (a third of its work). So an erased member's words go with their
  activities, and an activity inserted by any code is found by the next catch-up.
  The keyword is one
  FTS5 phrase, quoted (:func:`fts5_phrase`), its last word a prefix: nothing in it is
  read as FTS5 syntax. Where SQLite's folding differs from veille's
  (:func:`veille.watch.queries.fold`): ligatures and a few letters are kept as they are
  (œ, æ, ß, ø, ł, đ, ﬁ: "coeur" does not find "cœur", "cœur" does), and a phrase does
  not run from the end of the title into the text.
- **PostgreSQL**: a table ``activity_words (activity_id, words tsvector)`` with a GIN
  index, written by the writer (:func:`write`, from :func:`words_of`: veille's folding,
  ligatures included, title and text as one run of words, at most :data:`MAX_WORDS`
  words of :data:`MAX_WORD` characters). The tsvector is written as a literal, never by
  ``to_tsvector``, whose parser splits hyphenated words, e-mail addresses and URLs its
  own way and folds no accents; the query is a tsquery literal (``'mise' <-> 'a' <->
  'j':*``) for the same reason. PostgreSQL keeps at most 256 positions of one word in
  an activity: a phrase whose first word is repeated more often than that may be
  missed there.

The index is not in :data:`veille.store.schema.metadata` (neither database's form fits
the other): revision 0017 makes it; revision 0019 moved SQLite's indexing after the
writes (the mark, the pending table and the triggers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from sqlalchemy import Connection, Engine, Integer, column, text
from sqlalchemy.exc import OperationalError

from veille.store.engine import BUSY_TIMEOUT_MS
from veille.watch.queries import words as folded_words

TABLE: Final = "activity_words"
UPTO: Final = TABLE + "_upto"
"""SQLite: one row, the id up to which activities are indexed (see :data:`PENDING`)."""
PENDING: Final = TABLE + "_pending"
"""SQLite: the activities up to that id the index does not hold (edited since)."""
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


# -- the index --------------------------------------------------------------------------
_MARK: Final = f"(SELECT upto FROM {UPTO})"
_NEWEST: Final = "(SELECT coalesce(max(id), 0) FROM activities)"
#: SQLite: the old words out of the index, when it holds them (FTS5's external-content
#: 'delete' needs the values it indexed; given for a row it never held, it corrupts
#: the index); then the activity is no longer pending, and the mark is no higher than
#: the newest activity (the next insert's id must be above it).
_FORGET_OLD: Final = (
    f"INSERT INTO {TABLE} ({TABLE}, rowid, title, text) "
    "SELECT 'delete', old.id, old.title, old.text "
    f"WHERE old.id <= {_MARK} AND NOT EXISTS (SELECT 1 FROM {PENDING} WHERE id = old.id); "
    f"DELETE FROM {PENDING} WHERE id = old.id; "
    f"UPDATE {UPTO} SET upto = {_NEWEST} WHERE upto > {_NEWEST}; "
)
#: SQLite's triggers on ``activities``: an edit of the title or text (or id) forgets the
#: old words and makes the activity pending, if the mark covers it; a delete forgets.
#: Row by row: edits and erasures are few.
_TRIGGERS: Final = {
    "au": "AFTER UPDATE OF id, title, text ON activities "
    "WHEN old.id IS NOT new.id OR old.title IS NOT new.title OR old.text IS NOT new.text "
    f"BEGIN {_FORGET_OLD}"
    f"INSERT OR IGNORE INTO {PENDING} (id) SELECT new.id WHERE new.id <= {_MARK}; END",
    "ad": f"AFTER DELETE ON activities BEGIN {_FORGET_OLD}END",
}
HASH_SIZE: Final = 16 * 1024 * 1024
"""SQLite: bytes of new words FTS5 holds in memory before writing them out as a segment
of the index (FTS5's default: 1 MiB). At 1 MiB a catch-up of 5,000 mails wrote a dozen
small segments, which FTS5 then merged again and again: 16 MiB cut the catch-up of the
63,278 messages of the scale lists from 3.8-5.9 to 3.1-3.3 s of CPU (revision 0021)."""
AUTOMERGE: Final = 16
"""SQLite: how many segments of a size FTS5 lets pile up before it merges them into one
(FTS5's default: 4; revision 0023). Each catch-up writes a segment (5,000 mails or so);
merging four at a time rewrote every word's entries again and again: at 16 the catch-up
of the scale lists' 63,278 messages took 2.3-2.6 s of CPU instead of 3.0-3.1 s (42-47 s
instead of 60-63 s for a million mails), and keyword searches took as long. Merges come
in larger steps: the longest catch-up of 5,000 in a million took 2.7 s, not 1.35 s."""
CATCH_UP_BATCH: Final = 5_000
"""Activities indexed per transaction by :func:`catch_up` (about a quarter of a second
of mail each: an ingest waiting for the store waits no longer)."""


def create(conn: Connection) -> None:
    """Make the empty index (revision 0017); on SQLite, with its mark, pending table and
    triggers (revision 0019)."""
    if conn.dialect.name == "sqlite":
        # columnsize=0: no per-row sizes, which only ranking (bm25) reads.
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, text, content = 'activities', "
            "content_rowid = 'id', tokenize = \"unicode61 remove_diacritics 2 tokenchars '_'\", "
            "columnsize = 0)"
        )
        make_mark(conn, 0)
    else:
        conn.exec_driver_sql(
            f"CREATE TABLE {TABLE} (activity_id BIGINT PRIMARY KEY, words TSVECTOR NOT NULL)"
        )
        conn.exec_driver_sql(f"CREATE INDEX ix_{TABLE} ON {TABLE} USING gin (words)")


def tune(conn: Connection, hash_size: int = HASH_SIZE) -> None:
    """SQLite: FTS5's options, kept in the index itself (revision 0021)."""
    conn.exec_driver_sql(
        f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('hashsize', {int(hash_size)})"
    )


def tune_merges(conn: Connection, automerge: int = AUTOMERGE) -> None:
    """SQLite: FTS5's ``automerge``, kept in the index itself (revision 0023)."""
    conn.exec_driver_sql(
        f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('automerge', {int(automerge)})"
    )


def make_mark(conn: Connection, upto: int) -> None:
    """SQLite: the mark (the index holds every activity up to ``upto``), the pending
    table, empty, and the triggers (revision 0019)."""
    conn.exec_driver_sql(f"CREATE TABLE {UPTO} (upto INTEGER NOT NULL)")
    conn.exec_driver_sql(f"INSERT INTO {UPTO} (upto) VALUES (?)", (int(upto),))
    conn.exec_driver_sql(f"CREATE TABLE {PENDING} (id INTEGER PRIMARY KEY)")
    for name, body in _TRIGGERS.items():
        conn.exec_driver_sql(f"CREATE TRIGGER {TABLE}_{name} {body}")


def drop(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for name in _TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TABLE}_{name}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {PENDING}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {UPTO}")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")


def index_pending(conn: Connection, limit: int = CATCH_UP_BATCH) -> int:
    """SQLite: index up to ``limit`` activities the index does not hold (the edited
    ones first, then the newest by id), one statement each (SQLite reads and tokenises
    them, in C); how many. Nothing to do on PostgreSQL, whose writer indexes
    (:func:`write`)."""
    if conn.dialect.name != "sqlite":
        return 0
    # A write first: the transaction holds the store's write lock from here, so what
    # is read next cannot change before it is indexed (two catch-ups at once would
    # index the same activities twice, which corrupts the index).
    conn.exec_driver_sql(f"UPDATE {UPTO} SET upto = upto")
    edited = conn.exec_driver_sql(
        f"SELECT count(*), max(id) FROM (SELECT id FROM {PENDING} ORDER BY id LIMIT ?)",
        (int(limit),),
    ).one()
    done = int(edited[0])
    if done:
        # CROSS JOIN: the pending ids in order, each activity found by its id.
        conn.exec_driver_sql(
            f"INSERT INTO {TABLE} (rowid, title, text) SELECT a.id, a.title, a.text "
            f"FROM {PENDING} AS p CROSS JOIN activities AS a ON a.id = p.id WHERE p.id <= ?",
            (int(edited[1]),),
        )
        conn.exec_driver_sql(f"DELETE FROM {PENDING} WHERE id <= ?", (int(edited[1]),))
    if done >= limit:
        return done
    upto = int(conn.exec_driver_sql(f"SELECT upto FROM {UPTO}").scalar_one())
    new = conn.exec_driver_sql(
        "SELECT count(*), max(id) FROM (SELECT id FROM activities WHERE id > ? ORDER BY id "
        "LIMIT ?)",
        (upto, int(limit) - done),
    ).one()
    if new[0]:
        conn.exec_driver_sql(
            f"INSERT INTO {TABLE} (rowid, title, text) SELECT id, title, text FROM activities "
            "WHERE id > ? AND id <= ? ORDER BY id",
            (upto, int(new[1])),
        )
        conn.exec_driver_sql(f"UPDATE {UPTO} SET upto = ?", (int(new[1]),))
    return done + int(new[0])


def catch_up(
    engine: Engine,
    batch: int = CATCH_UP_BATCH,
    most: int | None = None,
    wait_ms: int | None = None,
) -> int:
    """Index every activity the index does not hold (SQLite), ``batch`` a transaction;
    how many. Run after an ingest's writes and before a keyword search; when nothing is
    behind, one read. ``most``: stop after about that many (a page must not take on an
    ingest's whole backlog). ``wait_ms``: give up, indexing nothing more, when another
    writer holds the store longer than that (an ingest under way) instead of waiting
    for it."""
    if engine.dialect.name != "sqlite":
        return 0
    with engine.connect() as conn:
        if not behind(conn):
            return 0
    done = 0
    while most is None or done < most:
        with engine.connect() as conn:
            if wait_ms is not None:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_ms)}")
                conn.commit()  # the pragma began SQLAlchemy's transaction: end it
            try:
                with conn.begin():
                    n = index_pending(conn, batch)
            except OperationalError as exc:
                if wait_ms is None or "locked" not in str(exc):
                    raise
                return done
            finally:
                if wait_ms is not None:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        done += n
        if n < batch:
            break
    return done


def behind(conn: Connection) -> bool:
    """Whether the index lacks any activity (never on PostgreSQL): two lookups."""
    if conn.dialect.name != "sqlite":
        return False
    return bool(
        conn.exec_driver_sql(
            f"SELECT EXISTS (SELECT 1 FROM {PENDING}) "
            f"OR EXISTS (SELECT 1 FROM activities WHERE id > {_MARK})"
        ).scalar_one()
    )


def is_index(name: str | None) -> bool:
    """Whether a table belongs to the index (FTS5 adds shadow tables beside it; SQLite's
    mark and pending table): the schema comparison with the metadata leaves them out."""
    return bool(name) and (name == TABLE or str(name).startswith(TABLE + "_"))


def by_writer(conn: Connection) -> bool:
    """Whether the writer folds and writes the words (PostgreSQL); on SQLite
    :func:`catch_up` indexes after the writes."""
    return conn.dialect.name != "sqlite"


def write(conn: Connection, rows: Iterable[tuple[int, str]]) -> None:
    """Index (activity id, :func:`words_of`) rows, replacing what an id had; an activity
    without words is forgotten (PostgreSQL only)."""
    if not by_writer(conn):
        return
    rows = list(rows)
    empty = [i for i, w in rows if not w]
    if empty:
        forget(conn, empty)
    kept = [(i, w) for i, w in rows if w]
    if not kept:
        return
    conn.execute(
        text(
            f"INSERT INTO {TABLE} (activity_id, words) VALUES (:i, CAST(:w AS tsvector)) "
            "ON CONFLICT (activity_id) DO UPDATE SET words = EXCLUDED.words"
        ),
        [{"i": i, "w": _tsvector(w)} for i, w in kept],
    )


def forget(conn: Connection, ids: Sequence[int]) -> None:
    """Take activities out of the index (erased, or edited to have no words) before
    they are deleted; nothing to do on SQLite, whose delete trigger does it."""
    if not by_writer(conn):
        return
    for at in range(0, len(ids), 5_000):
        chunk = [int(i) for i in ids[at : at + 5_000]]
        conn.exec_driver_sql(
            f"DELETE FROM {TABLE} WHERE activity_id IN ({', '.join(str(i) for i in chunk)})"
        )


def rebuild(conn: Connection, batch: int = 5_000) -> int:
    """Index every activity (revision 0017 on a store that has some); how many."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('rebuild')")
        conn.exec_driver_sql(f"DELETE FROM {PENDING}")
        conn.exec_driver_sql(f"UPDATE {UPTO} SET upto = {_NEWEST}")
        return int(conn.exec_driver_sql("SELECT count(*) FROM activities").scalar_one())
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


def matching(conn: Connection, keyword: str, limit: int | None = None) -> Any:
    """The ids of the activities a keyword finds, as a subquery (its column is ``id``);
    ``limit``: at most that many. The keyword has words (:func:`keyword_words`)."""
    more = f" LIMIT {int(limit)}" if limit is not None else ""
    if conn.dialect.name == "sqlite":
        sql = f"SELECT rowid AS id FROM {TABLE} WHERE {TABLE} MATCH :q{more}"
        query = fts5_phrase(keyword)
    else:
        sql = f"SELECT activity_id AS id FROM {TABLE} WHERE words @@ CAST(:q AS tsquery){more}"
        query = _tsquery(keyword_words(keyword))
    return text(sql).bindparams(q=query).columns(column("id", Integer))


def among(conn: Connection, keyword: str, ids: Sequence[int]) -> set[int]:
    """Which of these activities the keyword finds (a slice of items, when the keyword
    is too common to list every activity it finds first)."""
    if not ids:
        return set()
    if conn.dialect.name == "sqlite":
        # The range of their ids, not the ids: FTS5 answers ``rowid IN (...)`` by running
        # the whole query once per id (20 ms each for "kelvio", in 44% of 1,000,000
        # activities: a prefix gathers the entries of every word it begins), a range by
        # running it once. A slice is of the newest items, whose ids are near each other.
        wanted = {int(i) for i in ids}
        sql = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :q AND rowid BETWEEN :lo AND :hi"
        rows = conn.execute(
            text(sql).bindparams(q=fts5_phrase(keyword), lo=min(wanted), hi=max(wanted))
        )
        return {int(r[0]) for r in rows} & wanted
    listed = ", ".join(str(int(i)) for i in ids)
    sql = (
        f"SELECT activity_id FROM {TABLE} WHERE words @@ CAST(:q AS tsquery) "
        f"AND activity_id IN ({listed})"
    )
    query = _tsquery(keyword_words(keyword))
    return {int(r[0]) for r in conn.execute(text(sql).bindparams(q=query))}


def fts5_phrase(keyword: str) -> str:
    """The keyword as one FTS5 phrase, its last word a prefix (``"mise à j" *``).

    Inside an FTS5 string only ``"`` means anything (doubled, it is one ``"``): the
    tokeniser cuts the rest into words as it cuts the texts, so ``NEAR``, ``AND``,
    ``*``, ``-``, ``:`` or ``^`` typed in a keyword are plain words or separators."""
    return '"' + keyword.replace("\x00", " ").replace('"', '""') + '" *'


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
