"""A community's settings: loaded from TOML, checked whole, kept in the store, in force
at the next ingest."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from veille import settings
from veille.cli import cli
from veille.export import records
from veille.pipeline import ingest
from veille.store import Store

GOOD = """
[spam]
max_links = 3
disallowed_keys = ["cheap-pills"]
patterns = ['\\bwin \\$\\d+']
spam_hosts = ["WWW.Bad.example"]
flood_seconds = 60
learned = false
"""


def test_settings_in_force_at_the_next_ingest(db_url: str, tmp_path: Path) -> None:
    src = tmp_path / "a.ndjson"
    rows = [
        {"id": "1", "channel": "blog", "kind": "comment", "created_at": "2026-01-01T10:00:00Z",
         "author": {"name": "a"}, "text": "Buy cheap-pills today, my friend, they are good"},
        {"id": "2", "channel": "blog", "kind": "comment", "created_at": "2026-01-01T10:00:30Z",
         "author": {"name": "a"}, "text": "Two links http://x.example http://y.example ok"},
    ]  # fmt: skip
    src.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    path = tmp_path / "veille.toml"
    path.write_text(GOOD, encoding="utf-8")
    with Store(db_url) as store:
        assert settings.load(store, path, by="claire") == ["spam"]
        current = settings.spam(store)
        assert current.rules.max_links == 3 and current.learned is False
        assert current.rules.spam_hosts == frozenset({"bad.example"})
        assert current.history.flood_seconds == 60
        ingest(store, [src])
        got = {r["id"]: r["spam"] for r in records(store, "activities")}
        assert got["1"]["is_spam"] and "disallowed-key:cheap-pills" in got["1"]["reasons"]
        assert "links>=2" not in got["2"]["reasons"]  # max_links is 3 here
        assert "flood" in got["2"]["reasons"]  # 30 s apart, the interval is 60 s
        assert not any(r.startswith("model:") for s in got.values() for r in s["reasons"])
        assert settings.show(store)["spam"]["max_links"] == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[spam]\nmax_link = 2\n", "[spam] has no setting 'max_link'"),
        ("[spam]\nmax_links = 'two'\n", "max_links must be a whole number"),
        ("[spam]\npatterns = ['(unclosed']\n", "'(unclosed' is not a regular expression"),
        ("[spam]\ndisallowed_keys = 'x'\n", "disallowed_keys must be a list of strings"),
        ("[routing]\nx = 1\n", "no section [routing]"),
        ("[spam\n", "not valid TOML"),
    ],
)
def test_bad_settings_are_refused_whole(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[spam]\nmax_links = 5\n", encoding="utf-8")
    store = Store(tmp_path / "s.db")
    settings.load(store, path, by="claire")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(settings.SettingsError) as caught:
        settings.load(store, path, by="claire")
    assert str(path) in str(caught.value) and message in str(caught.value)
    assert settings.spam(store).rules.max_links == 5  # what was stored is kept
    store.close()


def test_settings_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    path = tmp_path / "veille.toml"
    path.write_text(GOOD, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", db, "settings", "load", str(path), "--by", "zoe"])
    assert result.exit_code == 0 and "loaded [spam]" in result.output
    shown = runner.invoke(cli, ["--db", db, "settings", "show"])
    assert shown.exit_code == 0 and "max_links = 3" in shown.output
    assert 'disallowed_keys = ["cheap-pills"]' in shown.output
    # What `show` prints loads back as it is.
    again = tmp_path / "again.toml"
    again.write_text(shown.output, encoding="utf-8")
    assert settings.read_file(again)["spam"]["max_links"] == 3
    missing = runner.invoke(cli, ["--db", db, "settings", "load", str(tmp_path / "no.toml")])
    assert missing.exit_code == 1 and "cannot be read" in missing.output


def test_service_levels_named_after_the_old_priorities_still_read() -> None:
    from veille.settings import check_inbox

    assert check_inbox({"sla_urgent_hours": 2, "sla_normal_hours": 12}, "s.toml") == {
        "sla_critical_hours": 2, "sla_medium_hours": 12}  # fmt: skip
