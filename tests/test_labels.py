"""Sentiment and spam at ingest, the spam rules that read the store, and a manager's
corrections: stored, applied at once, kept through re-enrichment, learnt from."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import update

from veille.cli import cli
from veille.enrich import Subject, labels
from veille.enrich.history import review
from veille.enrich.rerun import enrich_stored
from veille.enrich.sentiment import SentimentEnricher
from veille.export import records
from veille.model import Author
from veille.pipeline import ingest
from veille.store import Store
from veille.store.schema import enrichments


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


def _comment(
    i: int, text: str, *, who: str = "", at: str = "2026-01-01T10:00:00Z"
) -> dict[str, Any]:
    return {
        "id": str(i),
        "channel": "blog",
        "kind": "comment",
        "created_at": at,
        "author": {"name": who or f"person {i}"},
        "text": text,
    }


def _by_id(store: Store) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in records(store, "activities")}


def _subject(text: str, language: str | None = None) -> Subject:
    s = Subject(text, None, Author(name="x"), "c", "comment")
    s.result.language = language
    return s


def test_sentiment_labels_and_scores() -> None:
    subjects = [
        _subject("I love this thermostat, thank you so much!", "en"),
        _subject("C'est nul, ça ne marche jamais, je suis déçu.", "fr"),
        _subject("", "und"),
        _subject("https://example.org @someone", "und"),
    ]
    SentimentEnricher().enrich(subjects)
    got = [(s.result.sentiment, s.result.sentiment_score) for s in subjects]
    assert got[0][0] == "positive" and got[0][1] is not None and got[0][1] > 0.3
    assert got[1][0] == "negative" and got[1][1] is not None and got[1][1] < -0.3
    assert got[2] == ("neutral", 0.0) and got[3] == ("neutral", 0.0)


def test_sentiment_fallback_for_untrained_languages_leans_neutral() -> None:
    # A Finnish text the model is unsure of: outside its languages it stays neutral.
    texts = ["Kiitos, tämä on hyvä", "Tämä ei toimi ollenkaan", "Ehkä huomenna"]
    trained = [_subject(t, "en") for t in texts]
    foreign = [_subject(t, "fi") for t in texts]
    SentimentEnricher().enrich(trained)
    SentimentEnricher().enrich(foreign)
    for t, f in zip(trained, foreign, strict=True):
        assert f.result.sentiment_score == t.result.sentiment_score
        if f.result.sentiment != t.result.sentiment:
            assert f.result.sentiment == "neutral"


def test_history_rules_duplicates_floods_and_new_authors(db_url: str, tmp_path: Path) -> None:
    text = "Great post! Everyone should read the guide at http://deals.example/x now"
    rows = [
        _comment(1, "Thanks for the article, it helped me set up my heating schedule.", who="ann"),
        _comment(2, "A second thought from me on the schedule, and a link https://ok.example", who="ann", at="2026-01-01T10:05:00Z"),
        _comment(3, text, who="spammer", at="2026-01-02T10:00:00Z"),
        _comment(4, text, who="spammer2", at="2026-01-02T10:00:05Z"),
        _comment(5, "and again, the same spammer writes very fast here", who="spammer2", at="2026-01-02T10:00:09Z"),
    ]  # fmt: skip
    src = _write(tmp_path / "a.ndjson", rows)
    with Store(db_url) as store:
        ingest(store, [src])
        got = _by_id(store)
        reasons = {k: r["spam"]["reasons"] for k, r in got.items()}
        first = got["3"]["activity_id"]
        assert reasons["1"] == []
        assert "new-author-with-url" not in reasons["2"]  # ann wrote before
        assert "new-author-with-url" in reasons["3"]
        assert f"duplicate-of:{first}" in reasons["4"]
        assert "flood" in reasons["5"] and "flood" not in reasons["4"]
        assert got["4"]["spam"]["score"] > got["3"]["spam"]["score"]
        before = list(records(store, "activities"))
        assert review(store) == 0  # again: nothing new
        ingest(store, [src])  # re-ingest: a no-op
        assert list(records(store, "activities")) == before
        # Re-enriching everything gives the same reasons back.
        enrich_stored(store, everything=True)
        assert {k: r["spam"]["reasons"] for k, r in _by_id(store).items()} == reasons


def test_a_label_overrides_at_once_and_survives_re_enrichment(db_url: str, tmp_path: Path) -> None:
    src = _write(
        tmp_path / "b.ndjson",
        [_comment(1, "Lovely write-up, I will try the eco mode tonight."),
         _comment(2, "Win big today, visit http://lucky.example and http://lucky.example/b")],
    )  # fmt: skip
    with Store(db_url) as store:
        ingest(store, [src])
        rows = _by_id(store)
        ham, other = rows["1"]["activity_id"], rows["2"]["activity_id"]
        labels.record(store, ham, "spam", "spam", by="claire", note="a known spammer")
        labels.record(store, ham, "sentiment", "negative", by="claire")
        labels.record(store, other, "intent", "purchase", by="marc")
        labels.record(store, other, "intent", "partnership", by="marc")  # the newest wins
        for _ in range(2):
            rows = _by_id(store)
            assert rows["1"]["spam"] == {
                "is_spam": True,
                "score": 1.0,
                "reasons": ["label:spam:claire"],
            }
            assert rows["1"]["sentiment"] == {"label": "negative", "score": -1.0}
            assert rows["2"]["intent"] == {"label": "partnership", "score": 1.0}
            enrich_stored(store, everything=True)
        assert [x.value for x in labels.history(store, other)] == ["purchase", "partnership"]
        assert labels.history(store, ham)[0].labelled_by == "claire"
        with pytest.raises(labels.LabelError, match="no activity 999"):
            labels.record(store, 999, "spam", "spam", by="claire")
        with pytest.raises(labels.LabelError, match="sentiment cannot be 'furious'"):
            labels.record(store, ham, "sentiment", "furious", by="claire")
        with pytest.raises(labels.LabelError, match="cannot label 'colour'"):
            labels.record(store, ham, "colour", "red", by="claire")
        assert len(labels.history(store, ham)) == 2  # refused labels left no trace
        # What was labelled spam feeds the local spam database.
        lessons = labels.lessons(store)
        assert [y for _, y in lessons.of("spam")] == ["spam"]
        assert lessons.of("sentiment")[0][1] == "negative"


def test_labels_are_re_applied_to_what_a_run_rewrote_only(db_url: str, tmp_path: Path) -> None:
    """An ingest re-applies the labels of the activities it enriched again (an edited
    comment), not of every labelled activity: its cost does not grow with the labels."""
    first = [_comment(1, "Lovely write-up, I will try the eco mode tonight."),
             _comment(2, "Thanks, the schedule works now.")]  # fmt: skip
    with Store(db_url) as store:
        ingest(store, [_write(tmp_path / "a.ndjson", first)])
        rows = _by_id(store)
        one, two = rows["1"]["activity_id"], rows["2"]["activity_id"]
        labels.record(store, one, "sentiment", "negative", by="claire")
        labels.record(store, two, "sentiment", "negative", by="claire")
        # Mark both enrichments so that a re-application would show.
        with store.engine.begin() as conn:
            conn.execute(
                update(enrichments).values(sentiment="neutral", sentiment_score=0.5)
            )
        # A run that rewrites neither: both marks stay.
        ingest(store, [_write(tmp_path / "b.ndjson", [_comment(3, "Bonjour à tous")])])
        rows = _by_id(store)
        assert rows["1"]["sentiment"] == rows["2"]["sentiment"] == {"label": "neutral", "score": 0.5}
        # Comment 2 edited at the source: enriched again, its label applies again.
        edited = [_comment(2, "Thanks, the schedule works now. Edit: not on Sundays.")]
        assert ingest(store, [_write(tmp_path / "c.ndjson", edited)]).updated == 1
        rows = _by_id(store)
        assert rows["2"]["sentiment"] == {"label": "negative", "score": -1.0}
        assert rows["1"]["sentiment"] == {"label": "neutral", "score": 0.5}


def test_label_command(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    src = _write(tmp_path / "c.ndjson", [_comment(1, "Is there a way to export my data?")])
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "ingest", "-q", str(src)]).exit_code == 0
    result = runner.invoke(
        cli, ["--db", db, "label", "1", "--ham", "--intent", "question", "--by", "zoe"]
    )
    assert result.exit_code == 0, result.output
    assert "activity 1: spam = ham (by zoe)" in result.output
    bad = runner.invoke(cli, ["--db", db, "label", "1", "--intent", "gossip", "--by", "zoe"])
    assert bad.exit_code == 1 and "intent cannot be 'gossip'" in bad.output
    assert runner.invoke(cli, ["--db", db, "label", "1"]).exit_code == 2
    missing = runner.invoke(cli, ["--db", db, "label", "7", "--spam"])
    assert missing.exit_code == 1 and "no activity 7" in missing.output


def test_a_few_dozen_labels_teach_the_community_its_own_spam(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real Russian Telegram chat messages arrive in a community whose spam model never
    saw any (trained here on YouTube comments alone) and misses most of its spam. A
    manager labels the model's mistakes as they come, 40 of them; the next messages,
    never seen, are caught far more often, and the ham stays ham."""
    from veille.enrich import datasets, learned, training

    recipe = training.Recipe("yt", datasets.SPAM_CLASSES, training.SHARED_FEATURES, 30.0, False, ())
    youtube = training.fit(
        recipe, datasets.Labelled.join(list(datasets.load_youtube(data_dir).values()))
    )
    monkeypatch.setattr(learned, "_SHIPPED", {"spam": youtube})
    monkeypatch.setattr(learned, "_TAUGHT", {})
    with (data_dir / "spam" / "telegram_ru" / "telegram_spam_ru.csv").open(encoding="utf-8") as f:
        messages = [(r["message"], r["label"] == "1") for r in csv.DictReader(f)]
    random.Random(7).shuffle(messages)
    stream, later = messages[:600], messages[-1200:]

    def feed(name: str, part: list[tuple[str, bool]], start: int) -> Path:
        rows = [
            {"id": str(i), "channel": "chat", "kind": "message",
             "created_at": f"2026-02-01T{(i // 60) % 24:02d}:{i % 60:02d}:00Z",
             "author": {"username": f"u{i}"}, "text": text}
            for i, (text, _) in enumerate(part, start)
        ]  # fmt: skip
        return _write(tmp_path / name, rows)

    def caught(store: Store, part: list[tuple[str, bool]], start: int) -> tuple[float, float]:
        rows = _by_id(store)
        flagged = [
            (rows[str(start + i)]["spam"]["is_spam"], truth) for i, (_, truth) in enumerate(part)
        ]
        spam = [f for f, t in flagged if t]
        ham = [f for f, t in flagged if not t]
        return sum(spam) / len(spam), sum(ham) / len(ham)

    store = Store(tmp_path / "t.db")
    taught = 0
    for start in range(0, len(stream), 25):  # messages arrive; the manager keeps up
        part = stream[start : start + 25]
        ingest(store, [feed(f"stream-{start}.ndjson", part, start)])
        rows = _by_id(store)
        for i, (_, truth) in enumerate(part, start):
            row = rows[str(i)]
            if row["spam"]["is_spam"] != truth and taught < 40:
                labels.record(
                    store, row["activity_id"], "spam", "spam" if truth else "ham", by="cm"
                )
                taught += 1
        if taught == 40:
            break
    assert taught == 40
    before = Store(tmp_path / "before.db")
    ingest(before, [feed("later.ndjson", later, 10_000)])
    recall_before, false_alarms_before = caught(before, later, 10_000)
    ingest(store, [feed("later.ndjson", later, 10_000)])
    recall_after, false_alarms_after = caught(store, later, 10_000)
    figures = (recall_before, recall_after, false_alarms_before, false_alarms_after)
    assert recall_before < 0.1, figures
    assert recall_after > 0.65, figures
    assert false_alarms_after < 0.1, figures
    store.close()
    before.close()
