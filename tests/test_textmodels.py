"""The learned text models: the shipped files, the origin document, learning from
corrections on real spam, and odd input."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import SEED
from veille.enrich import cards, datasets, textmodel, training
from veille.enrich import features as feature_hashing
from veille.enrich.features import Features, Hashed, prepare
from veille.enrich.textmodel import TextModel, shipped

NAMES = ["spam", "sentiment"]

ODD = [
    "",
    "😀😂🔥",
    "http://a.example/x https://b.example/y www.c.example",
    "x" * 1_000_000,
    "lone \ud800 surrogates \udfff",
    "مرحبا hello שלום 你好 नमस्ते",
    "<script>alert(1)</script><style>a{}</style><iframe src=x onload=y>",
    "<a href='javascript:alert(1)'",
    "\x00\x01\x02 \u200b\ufeff",
    "@ @@ @x a@b.c &amp;&#0;&#x110000;",
]


@pytest.fixture(scope="module", params=NAMES)
def model(request: pytest.FixtureRequest) -> TextModel:
    return shipped(request.param)


def test_shipped_models_predict_one_row_per_text(model: TextModel) -> None:
    texts = ["Great release, thanks!", "Check out my channel http://x.example", "Bof."]
    proba = model.predict_proba(texts)
    assert proba.shape == (3, len(model.classes))
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert set(model.predict(texts)) <= set(model.classes)
    assert model.predict_proba([]).shape == (0, len(model.classes))


@pytest.mark.parametrize("name", NAMES)
def test_every_model_has_a_card_with_licences_and_figures(name: str) -> None:
    card = (textmodel.MODELS_DIR / f"{name}.md").read_text(encoding="utf-8")
    assert "Licences of the data" in card
    for folder in training.SOURCES[name]:
        assert f"`{folder}`: " in card, f"no licence for {folder}"
    assert "veille models train" in card
    assert "**mean**" in card, "the card has no held-out figures"


def test_sentiment_card_says_how_its_settings_were_chosen() -> None:
    """The settings come from a cross-validation inside the training data, recorded by
    ``veille models tune``; the held-out split played no part."""
    card = (textmodel.MODELS_DIR / "sentiment.md").read_text(encoding="utf-8")
    section = card.split("## How the settings were chosen", 1)[1]
    assert "umsab val never read" in section
    assert "| shipped |" in section
    tuned = (textmodel.MODELS_DIR / cards.TUNING_FILE).read_text(encoding="utf-8")
    assert '"shipped"' in tuned


def test_odd_input_gives_a_defined_answer(model: TextModel) -> None:
    proba = model.predict_proba(ODD)
    assert proba.shape == (len(ODD), len(model.classes))
    assert np.isfinite(proba).all()
    assert np.allclose(proba.sum(axis=1), 1.0)
    # Only the first max_chars characters are read: a 1 MB text costs no more than that.
    long = "x" * model.features.max_chars
    assert np.array_equal(model.predict_proba([long]), model.predict_proba(["x" * 1_000_000]))


def test_features_of_a_text_do_not_depend_on_its_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    features = Features()
    texts = ["Hello World!", "", "😀 @bob http://x.y/z", "مرحبا 123", "x" * 50]

    def triples(i: int, hashed: Hashed) -> list[tuple[int, float]]:
        doc, bucket, value = hashed.coo()
        return sorted(zip(bucket[doc == i].tolist(), value[doc == i].tolist(), strict=True))

    alone = [triples(0, features.transform([t])) for t in texts]
    monkeypatch.setattr(feature_hashing, "CHUNK_CHARS", 10)  # one chunk per text or two
    batch = features.transform(texts)
    assert [triples(i, batch) for i in range(len(texts))] == alone


def test_normalisation_replaces_links_handles_and_addresses() -> None:
    cp, _ = prepare(
        ["See  http://x.example/a?b=1 and www.y.org, mail me@z.org, ask @Bob! 2024\ufeff"], 100
    )
    text = cp.tobytes().decode("utf-32-le")
    assert text == "\x00see \ue000 and \ue000 mail \ue001 ask \ue002! 0000\x00"


def _origin() -> tuple[str, list[str]]:
    """The casino link block at the top of the origin document, and its four reader
    comments (numbered 1. to 4. between the comment count and the reply form)."""
    page = (SEED / "origin-document.txt").read_text(encoding="utf-8")
    block = next(line for line in page.splitlines() if "casino" in line)
    body = page.split("Pingbacks (1)", 1)[1].split("Leave a Reply", 1)[0]
    comments = [c.strip() for c in re.split(r"\n\s*\d\.\s+", "\n" + body) if c.strip()]
    return block, comments


def test_spam_catches_the_origin_casino_block_and_spares_its_comments() -> None:
    block, comments = _origin()
    assert len(comments) == 4
    spam = shipped("spam")
    column = spam.classes.index("spam")
    # The model alone is sure; the enricher adds the rules' evidence (tests/test_enrich.py).
    assert spam.predict_proba([block])[0, column] > 0.8
    assert (spam.predict_proba(comments)[:, column] < 0.5).all()


def test_sentiment_score_reads_the_obvious() -> None:
    sentiment = shipped("sentiment")
    proba = sentiment.predict_proba(["I love it, thank you so much!", "C'est nul, je déteste."])
    neg, pos = sentiment.classes.index("negative"), sentiment.classes.index("positive")
    score = proba[:, pos] - proba[:, neg]
    assert score[0] > 0.3 and score[1] < -0.3


def test_save_and_load_give_identical_predictions(tmp_path: Path) -> None:
    model = shipped("spam")
    model.learn(["Заработок на дому, пишите в личку"], ["spam"])
    path = model.save(tmp_path / "spam")
    again = TextModel.load(path)
    assert np.array_equal(model.predict_proba(ODD), again.predict_proba(ODD))
    assert again.classes == model.classes and again.features == model.features


def test_learn_refuses_what_it_cannot_use() -> None:
    model = shipped("spam")
    with pytest.raises(ValueError, match="unknown labels"):
        model.learn(["x"], ["eggs"])
    with pytest.raises(ValueError, match="labels"):
        model.learn(["x", "y"], ["spam"])
    model.learn(ODD, ["ham"] * len(ODD))  # odd texts are still texts
    assert np.isfinite(model.predict_proba(ODD)).all()


def test_a_few_dozen_corrections_catch_a_communitys_own_spam(data_dir: Path) -> None:
    """A spam model trained on YouTube comments alone misses Russian Telegram spam; a
    community manager corrects its mistakes as messages come in, and after 40
    corrections it catches most of the Telegram spam it has not seen."""
    base = training.fit(
        training.Recipe("yt", datasets.SPAM_CLASSES, training.SHARED_FEATURES, 30.0, False, ()),
        datasets.Labelled.join(list(datasets.load_youtube(data_dir).values())),
    )
    telegram = datasets.load_telegram(data_dir)
    order = list(range(len(telegram)))
    random.Random(1).shuffle(order)
    stream, held = order[:1000], order[-2000:]
    held_texts = [telegram.texts[i] for i in held]
    truth = np.array([telegram.labels[i] == "spam" for i in held])

    def recall_and_false_alarms(m: TextModel) -> tuple[float, float]:
        flagged = np.array(m.predict(held_texts)) == "spam"
        return float(flagged[truth].mean()), float(flagged[~truth].mean())

    before = recall_and_false_alarms(base)
    corrections = 0
    for i in stream:
        text, label = telegram.texts[i], telegram.labels[i]
        if base.predict([text])[0] != label:
            base.learn([text], [label])
            corrections += 1
            if corrections == 40:
                break
    after = recall_and_false_alarms(base)
    assert corrections == 40
    assert before[0] < 0.1, before
    assert after[0] > 0.75, after
    assert after[1] < 0.25, after
