"""The CLI through its stable interface: exit codes, the summary line, NDJSON export."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import orjson
from click.testing import CliRunner

from veille.cli import cli


def _run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", db, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _ndjson(path: Path, n: int, bad: int = 0) -> Path:
    lines = [
        orjson.dumps(
            {
                "id": str(i),
                "channel": "chat",
                "kind": "message",
                "created_at": f"2026-05-{1 + i % 28:02d}T08:00:00Z",
                "author": {"username": f"user{i % 4}"},
                "text": f"bonjour {i}",
            }
        )
        for i in range(n)
    ]
    lines += [b'{"id": "x"}'] * bad
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_ingest_prints_one_line_and_rerun_is_a_no_op(tmp_path: Path) -> None:
    db = str(tmp_path / "v.db")
    src = _ndjson(tmp_path / "a.ndjson", 12)
    code, out, _ = _run(db, "ingest", str(src))
    assert code == 0
    assert out.strip().splitlines()[-1] == "added 12, updated 0, unchanged 0, rejected 0"
    code, out, _ = _run(db, "ingest", str(src))
    assert (code, out.strip()) == (0, "added 0, updated 0, unchanged 12, rejected 0")


def test_exit_status_says_what_happened(tmp_path: Path) -> None:
    db = str(tmp_path / "v.db")
    code, out, err = _run(db, "ingest", str(_ndjson(tmp_path / "b.ndjson", 3, bad=2)))
    assert code == 1
    assert out.strip() == "added 3, updated 0, unchanged 0, rejected 2"
    assert f"{tmp_path / 'b.ndjson'}: line 4: no author" in err
    code, out, _ = _run(db, "quarantine")
    assert "line 5: no author" in out
    code, out, err = _run(db, "ingest", str(tmp_path / "nowhere"))
    assert code == 2 and "no such file or folder" in err


def test_a_readme_beside_the_exports_is_skipped_in_a_folder(tmp_path: Path) -> None:
    # A folder of archives often holds a README or SOURCES.md: not an export, not an
    # error. Named on the command line, it is read (and not recognised).
    folder = tmp_path / "exports"
    folder.mkdir()
    _ndjson(folder / "a.ndjson", 3)
    (folder / "SOURCES.md").write_text("# Where these come from\n", encoding="utf-8")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    db = str(tmp_path / "v.db")
    code, out, _ = _run(db, "ingest", str(folder))
    assert (code, out.strip().splitlines()[-1]) == (0, "added 3, updated 0, unchanged 0, rejected 0")
    code, _, err = _run(db, "ingest", str(folder / "SOURCES.md"))
    assert code == 2 and "SOURCES.md: file: format not recognised" in err


def test_export_ndjson_and_csv(tmp_path: Path) -> None:
    db = str(tmp_path / "v.db")
    _run(db, "ingest", str(_ndjson(tmp_path / "c.ndjson", 8)))
    code, out, _ = _run(db, "export", "activities", "--format", "ndjson")
    rows = [orjson.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 8
    assert {r["author"]["username"] for r in rows} == {"user0", "user1", "user2", "user3"}
    assert all(r["created_at"].endswith("+00:00") for r in rows)
    code, out, _ = _run(db, "export", "members", "--format", "csv")
    members = list(csv.DictReader(io.StringIO(out)))
    assert sorted(int(m["activity_count"]) for m in members) == [2, 2, 2, 2]
    out_file = tmp_path / "m.ndjson"
    code, _, err = _run(db, "export", "members", "--out", str(out_file))
    assert code == 0 and "4 members written" in err
    assert len(out_file.read_text().splitlines()) == 4


def test_csv_export_cells_do_not_run_as_formulas_and_come_back_as_written(
    tmp_path: Path,
) -> None:
    """A comment starting with = (or +, -, @) is a formula to a spreadsheet: the CSV
    export quotes it, and ingesting that CSV gives the text back as it was written."""
    db = str(tmp_path / "v.db")
    src = tmp_path / "f.ndjson"
    texts = ['=HYPERLINK("http://evil.example","click")', "-1 for this idea", "@team merci"]
    src.write_bytes(b"\n".join(orjson.dumps({
        "id": str(i), "channel": "chat", "kind": "message",
        "created_at": "2026-05-01T08:00:00Z", "author": {"username": "+33 user"}, "text": t,
    }) for i, t in enumerate(texts)) + b"\n")  # fmt: skip
    _run(db, "ingest", str(src))
    out_file = tmp_path / "a.csv"
    assert _run(db, "export", "activities", "--format", "csv", "--out", str(out_file))[0] == 0
    rows = list(csv.DictReader(io.StringIO(out_file.read_text())))
    assert sorted(r["text"] for r in rows) == sorted(f"'{t}" for t in texts)
    assert {r["author.username"] for r in rows} == {"'+33 user"}
    again = str(tmp_path / "again.db")
    _run(again, "ingest", str(out_file), "--format", "csv")
    code, out, _ = _run(again, "export", "activities", "--format", "ndjson")
    back = [orjson.loads(line) for line in out.splitlines()]
    assert sorted(r["text"] for r in back) == sorted(texts)
    assert {r["author"]["username"] for r in back} == {"+33 user"}


def test_stats_json(tmp_path: Path) -> None:
    db = str(tmp_path / "v.db")
    _run(db, "ingest", str(_ndjson(tmp_path / "d.ndjson", 6)))
    code, out, _ = _run(db, "stats", "--format", "json")
    s = orjson.loads(out)
    assert (s["activities"], s["members"], s["channels"][0]["name"]) == (6, 4, "chat")
    assert s["kinds"] == {"message": 6}
    assert sum(s["sentiments"].values()) == 6 - s["spam"]
    assert set(s["sentiments"]) <= {"negative", "neutral", "positive"}


def test_python_dash_m_and_env_db(tmp_path: Path) -> None:
    src = _ndjson(tmp_path / "e.ndjson", 2)
    env = {"VEILLE_DB": str(tmp_path / "env.db"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "veille", "ingest", str(src)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "added 2, updated 0, unchanged 0, rejected 0"
    assert (tmp_path / "env.db").exists()


def test_counts_are_worded_in_the_singular_and_wide_names_keep_the_columns() -> None:
    from veille.summary import columns, noun

    assert [noun(n, "activity") for n in (0, 1, 2)] == ["activities", "activity", "activities"]
    assert (noun(1, "person", "people"), noun(7, "person", "people"), noun(2, "day")) == (
        "person",
        "people",
        "days",
    )
    assert (columns("wordpress:🚀-science.com"), columns("abc")) == (24, 3)  # the rocket: 2
