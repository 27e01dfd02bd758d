"""Trusted authors (enrich/trust.py), on a real comment the comment model calls spam:
the team's accounts and the site's own authors are not read by the model, a known
author's comment is decided by the careful model, a comment the site approved too; the
same text from an unknown new author is spam; abuse is caught from anyone."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.conftest import SEED
from tests.test_enrich import _origin_parts
from veille import settings
from veille.enrich import history
from veille.enrich.datasets import items_in
from veille.export import records
from veille.pipeline import ingest
from veille.store import Store

DATA = SEED.parent / "data"


def _anonymous_comment() -> tuple[str, str]:
    """The theme test data's comment 899, "This user it trying to be anonymous...", with
    its link: real, ordinary, and spam to the comment model alone."""
    folder = DATA / "formats" / "wordpress_wxr"
    for item in items_in([folder / "theme-preview.xml", folder / "themeunittestdata.wordpress.xml"]):
        if item.native_id == "comment-899":
            assert item.text and item.html and "href" in item.html
            return item.text, item.html
    raise AssertionError("comment-899 not found in the theme test data")


def _row(n: int, kind: str, author: dict[str, str], text: str, html: str | None = None,
         channel: str = "blog", status: str | None = None) -> dict[str, object]:  # fmt: skip
    # Signed, as people sign comments: one text posted by several is a duplicate, a
    # reason of its own, which these tests are not about.
    sign = f" ({author['name']})" if kind != "post" and text.startswith("This user") else ""
    row: dict[str, object] = {
        "id": str(n), "channel": channel, "platform": "blog", "kind": kind,
        "created_at": f"2026-01-{n:02d}T10:00:00Z", "author": author, "text": text + sign,
    }  # fmt: skip
    if html:
        row["html"] = html + sign
    if status:
        row["status"] = status
    return row


def test_the_team_and_known_authors_are_trusted(db_url: str, tmp_path: Path) -> None:
    text, html = _anonymous_comment()
    block, comments = _origin_parts(SEED)
    team = {"name": "Laura Clarke", "email": "laura@kelvio.example"}
    known = {"name": "Jeanne Roux", "email": "jeanne@example.org"}
    author = {"name": "Marc Vidal", "email": "marc@example.net"}
    rows = [
        _row(1, "reply", team, text, html),
        _row(2, "reply", {"name": "Anonymous User", "email": "fake@example.com"}, text, html),
        _row(3, "comment", known, comments[0]),
        _row(4, "reply", known, text, html),
        _row(5, "post", author, "Our new heating schedule, explained."),
        _row(6, "reply", author, text, html),
        _row(7, "reply", {"name": "Ana", "email": "ana@example.com"}, text, html,
             status="approved"),  # fmt: skip
        _row(8, "comment", team, block),
    ]
    src = tmp_path / "site.ndjson"
    src.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    conf = tmp_path / "veille.toml"
    conf.write_text('[identities]\nteam = ["@kelvio.example"]\n', encoding="utf-8")
    with Store(db_url) as store:
        settings.load(store, conf, by="claire")
        ingest(store, [src])
        got = {r["id"]: r["spam"] for r in records(store, "activities")}
        # the same text from an unknown new author: spam, on the comment model's word
        assert got["2"]["is_spam"] is True
        assert any(r.startswith("model:") for r in got["2"]["reasons"])
        # the team's reply: not read by the model, not held by the limits on volume
        assert got["1"]["is_spam"] is False
        assert got["1"]["reasons"] == [] and got["1"]["score"] == 0.0
        # a known author, the site's own author (a post on the blog), a comment the site
        # approved: not spam
        assert [got[k]["is_spam"] for k in ("3", "4", "6", "7")] == [False] * 4, got
        assert not any(r.startswith("model:") for r in got["6"]["reasons"])
        # casino links are caught from anyone, the team included
        assert got["8"]["is_spam"] is True
        assert {"casino-terms", "link-text-language-mismatch"} <= set(got["8"]["reasons"])
        assert not any(r.startswith(("model:", "links")) for r in got["8"]["reasons"])
        # again: nothing changes
        team_rules = settings.identity_rules(store)[1]
        assert history.review(store, 0, comment_model=True, team=team_rules) == 0
        assert {r["id"]: r["spam"] for r in records(store, "activities")} == got


def test_without_trust_the_comment_model_decides_for_everyone(tmp_path: Path) -> None:
    """``trust_team = false``, ``trust_approved = false``, ``known_authors = "comment"``:
    the comment model's word stands for the team, known authors and approved comments."""
    text, html = _anonymous_comment()
    team = {"name": "Laura Clarke", "email": "laura@kelvio.example"}
    known = {"name": "Jeanne Roux", "email": "jeanne@example.org"}
    rows = [
        _row(1, "reply", team, text, html),
        _row(2, "comment", known, "Thanks, this fixed my heating schedule."),
        _row(3, "reply", known, text, html),
        _row(4, "reply", {"name": "Ana"}, text, html, status="approved"),
    ]
    src = tmp_path / "site.ndjson"
    src.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    conf = tmp_path / "veille.toml"
    conf.write_text(
        '[identities]\nteam = ["@kelvio.example"]\n\n[spam]\ntrust_team = false\n'
        'trust_approved = false\nknown_authors = "comment"\n',
        encoding="utf-8",
    )
    with Store(tmp_path / "s.db") as store:
        settings.load(store, conf, by="claire")
        ingest(store, [src])
        got = {r["id"]: r["spam"]["is_spam"] for r in records(store, "activities")}
    assert got == {"1": True, "2": False, "3": True, "4": True}


def test_trust_settings_are_checked(tmp_path: Path) -> None:
    conf = tmp_path / "bad.toml"
    conf.write_text('[spam]\nknown_authors = "everyone"\n', encoding="utf-8")
    with pytest.raises(settings.SettingsError, match="known_authors must be one of"):
        settings.read_file(conf)
    conf.write_text("[spam]\ntrust_team = 1\n", encoding="utf-8")
    with pytest.raises(settings.SettingsError, match="trust_team must be true or false"):
        settings.read_file(conf)


def test_a_small_export_written_by_its_own_authors_is_ingested_whole(tmp_path: Path) -> None:
    """The WordPress importer's wxr-simple.xml, every step: its only authors are the
    site's own (the team, not placed in segments), so the members step measured members
    among an empty population; it stopped on that before (found by bench/spam_sites.py)."""
    export = DATA / "formats" / "wordpress_wxr" / "wordpress-importer" / "phpunit" / "data"
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, [export / "wxr-simple.xml"])
        assert report.added > 0 and not report.rejected
        assert report.members
        assert ingest(store, [export / "wxr-simple.xml"]).added == 0
