"""The comment spam model: shipped with its card, read for comments and replies by
default (``[spam] comment_model = false`` turns it off; everything else keeps the
careful model), sparing the origin page's reader comments, and taught by the managers'
spam labels like the careful one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson

from tests.conftest import SEED
from tests.test_enrich import _origin_parts
from veille import settings
from veille.enrich import Subject, subject_text
from veille.enrich.learned import Lessons, model
from veille.enrich.spam import COMMENT_KINDS, COMMENT_MODEL, SpamEnricher, score
from veille.enrich.spamtraining import SOURCES, blend
from veille.enrich.textmodel import MODELS_DIR, shipped
from veille.export import records
from veille.model import Author
from veille.pipeline import ingest
from veille.store import Store

CHANNEL_SPAM = "Check out my channel, subscribe please http://youtu.example/xyz"
SOFT = "I make music too, give it a listen"
"""Read differently by the two models (0.57 careful, 0.35 comment model, 2026-11-24)."""


def _subject(text: str, kind: str) -> Subject:
    return Subject(subject_text(None, text), None, Author(name="A"), "test", kind)


def test_the_comment_model_ships_with_a_card() -> None:
    card = (MODELS_DIR / f"{COMMENT_MODEL}.md").read_text(encoding="utf-8")
    assert "Licences of the data" in card and "veille models train" in card
    assert "**mean**" in card, "the card has no held-out figures"
    m = shipped(COMMENT_MODEL)
    assert m.classes == ["ham", "spam"] and m.features == shipped("spam").features
    texts = m.info["texts"]
    assert isinstance(texts, dict) and "youtube" in texts
    folders = {"youtube": "spam/youtube", "mail": "scale"}
    for group in texts:
        folder = folders.get(group, group)
        assert any(f.endswith(folder) for f in SOURCES)
        assert f"`{next(f for f in SOURCES if f.endswith(folder))}`: " in card, group


def test_comments_and_replies_are_read_by_the_comment_model_when_turned_on() -> None:
    block, comments = _origin_parts(SEED)
    kinds = ["post", "comment", "reply", "message", "pingback"]
    texts = [block, *comments, CHANNEL_SPAM]
    careful = shipped("spam").predict_proba(texts)[:, 1]
    short = shipped(COMMENT_MODEL).predict_proba(texts)[:, 1]
    assert not np.allclose(careful, short)
    for on in (True, False):
        subjects = [_subject(t, kind) for t in texts for kind in kinds]
        SpamEnricher(comment_model=on).enrich(subjects)
        for i, s in enumerate(subjects):
            p = (short if on and s.kind in COMMENT_KINDS else careful)[i // len(kinds)]
            assert s.result.spam_score == score(s.result.spam_reasons or [], float(p)), s.kind


def test_a_community_turns_the_comment_model_off(db_url: str, tmp_path: Path) -> None:
    """On by default (comments by the comment model, posts by the careful one);
    ``[spam] comment_model = false`` and the next ingest reads comments with the careful
    model too."""

    def source(name: str, first: int) -> Path:
        rows = [
            {"id": str(i), "channel": "blog", "kind": kind,
             "created_at": f"2026-01-0{i}T10:00:00Z", "author": {"name": f"a{i}"}, "text": SOFT}
            for i, kind in ((first, "comment"), (first + 1, "post"))
        ]  # fmt: skip
        path = tmp_path / name
        path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
        return path

    careful, short = (
        float(shipped(n).predict_proba([SOFT])[0, 1]) for n in ("spam", COMMENT_MODEL)
    )
    path = tmp_path / "veille.toml"
    path.write_text("[spam]\ncomment_model = false\n", encoding="utf-8")
    with Store(db_url) as store:
        assert settings.spam(store).comment_model is True
        ingest(store, [source("a.ndjson", 1)])
        assert settings.load(store, path, by="claire") == ["spam"]
        assert settings.spam(store).comment_model is False
        assert settings.show(store)["spam"]["comment_model"] is False
        ingest(store, [source("b.ndjson", 3)])
        got = {r["id"]: r["spam"]["score"] for r in records(store, "activities")}
    assert abs(careful - short) > 0.1
    assert got == {
        "1": round(short, 4),
        "2": round(careful, 4),
        "3": round(careful, 4),
        "4": round(careful, 4),
    }


def test_the_comment_model_spares_the_origin_comments() -> None:
    """The four reader comments under the origin article are not spam to the comment
    model, and the injected casino block, posted as a comment, is still caught."""
    block, comments = _origin_parts(SEED)
    assert len(comments) == 4
    proba = shipped(COMMENT_MODEL).predict_proba(comments)[:, 1]
    assert (proba < 0.5).all(), proba
    subjects = [_subject(t, "comment") for t in [block, *comments]]
    SpamEnricher(comment_model=True).enrich(subjects)
    assert [s.result.spam for s in subjects] == [True, False, False, False, False]


def test_the_comment_model_learns_the_managers_spam_labels() -> None:
    text = "Daily horoscope and lucky numbers, reply YES to join"
    lessons = Lessons({"spam": ((text, "spam"), ("Merci pour l'article !", "ham"))})
    base = model(COMMENT_MODEL)
    taught = model(COMMENT_MODEL, lessons, taught="spam")
    assert taught is not base and model(COMMENT_MODEL, lessons, taught="spam") is taught
    before, after = base.predict_proba([text])[0, 1], taught.predict_proba([text])[0, 1]
    assert before < 0.5 and after > before + 0.2
    # Lessons of the comment model's own name are not what the managers give.
    assert model(COMMENT_MODEL, lessons) is base


def test_a_blend_reads_as_the_mean_of_its_models_logits() -> None:
    a, b = shipped("spam"), shipped(COMMENT_MODEL)
    texts = [CHANNEL_SPAM, "Thanks, this fixed my build.", "WIN $$$ casino bonus http://x.example"]

    def logit(p: np.ndarray) -> np.ndarray:
        return np.log(p[:, 1]) - np.log(p[:, 0])

    mean = (logit(a.predict_proba(texts)) + logit(b.predict_proba(texts))) / 2
    # Within what saving the weights on 8 bits moves.
    assert np.allclose(logit(blend([a, b]).predict_proba(texts)), mean, atol=0.05)
