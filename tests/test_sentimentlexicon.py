"""VADER's lexicon as the sentiment model's prior: read at training time, folded into the
hashed weights, so that the shipped model needs nothing more to predict."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from veille.enrich import datasets, sentimentlexicon, training, tuning
from veille.enrich.features import Features

pytest.importorskip("sklearn")
FEATURES = training.SHARED_FEATURES


def _score(columns: np.ndarray, text: str) -> float:
    """A text's positive less negative lexicon value, as the model's features see it."""
    x = training.design_matrix(FEATURES, [text])
    positive, negative = (x @ columns)[0]
    return float(positive - negative)


def test_the_lexicon_reads_words_emoji_and_english_negation() -> None:
    columns = sentimentlexicon.columns(FEATURES)
    assert columns.shape == (FEATURES.size, 2)
    assert _score(columns, "wonderful") > 1 > -1 > _score(columns, "terrible")
    assert _score(columns, "this is good") > 0 > _score(columns, "this is horrible")
    assert _score(columns, "😀") > 0 > _score(columns, "😠")
    # Negated: VADER's damped flip, on the bigram the model reads anyway.
    assert _score(columns, "this is not good") < 0 < _score(columns, "this is good")
    assert _score(columns, "I don't like it") < _score(columns, "I like it")
    # Character n-grams that share a bucket with a lexicon word add noise (the model
    # learns with it), but it stays below what a single lexicon word says.
    assert abs(_score(columns, "the table is in the kitchen")) < 0.5


def test_a_malformed_lexicon_line_is_named(tmp_path: Path) -> None:
    lexicon, emoji = tmp_path / "lexicon.txt", tmp_path / "emoji.txt"
    lexicon.write_text("good\t1.9\t0.9\t[2, 2]\nbad\tvery\n", encoding="utf-8")
    emoji.write_text("😀\tgood face\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"lexicon.txt:2: no valence"):
        sentimentlexicon.read_lexicon(lexicon, emoji)
    lexicon.write_text("good\t1.9\n\nbad\t-2.5\n", encoding="utf-8")
    assert sentimentlexicon.read_lexicon(lexicon, emoji) == {
        "good": 1.9,
        "bad": -2.5,
        "😀": 0.95,
    }


def test_the_folded_lexicon_knows_words_the_training_data_never_had(data_dir: Path) -> None:
    """Trained on French tweets only, the model has seen little English: with the lexicon
    folded in, English praise scores above English abuse; the lexicon's weights live in
    the ordinary weight matrix, so the model is a plain TextModel."""
    reviews = datasets.load_umsab(data_dir, "train")["fr"]
    recipe = replace(training.SENTIMENT, group_weights=(), lexicon=True, embedding=False)
    with_lexicon = training.fit(recipe, reviews)
    without = training.fit(replace(recipe, lexicon=False), reviews)
    assert with_lexicon.features == without.features == recipe.features
    english = ["wonderful, brilliant, I loved it", "awful, horrible, I hated it"]
    pos = with_lexicon.classes.index("positive")
    with_p = with_lexicon.predict_proba(english)[:, pos]
    without_p = without.predict_proba(english)[:, pos]
    assert with_p[0] - with_p[1] > 0.15
    assert with_p[0] - with_p[1] > without_p[0] - without_p[1] + 0.05


def test_texts_the_lexicon_features_cannot_misread() -> None:
    """Odd input gives finite lexicon values."""
    columns = sentimentlexicon.columns(Features(bits=12))
    x = training.design_matrix(Features(bits=12), ["", "😀" * 1000, "\ud800 x", "x" * 100_000])
    assert np.isfinite(x @ columns).all()


def test_measuring_one_candidate_again_keeps_the_others_figures(tmp_path: Path) -> None:
    def result(mean: float) -> tuning.TuneResult:
        return tuning.TuneResult(
            settings={}, macro_f1={"en": mean}, mean_macro_f1=mean, standard_error=0.01
        )

    def report(when: str, **candidates: float) -> tuning.TuneReport:
        return tuning.TuneReport(
            protocol="5-fold", folds=5, seed=1, measured_at=when, seconds=10.0,
            candidates={n: result(m) for n, m in candidates.items()},
            best=max(candidates, key=candidates.__getitem__),
        )  # fmt: skip

    path = tmp_path / "tuning.json"
    assert tuning.merge_tuning(path, report("t2", lexicon=0.5)) == report("t2", lexicon=0.5)
    path.write_text(json.dumps(report("t1", shipped=0.57, c1=0.56)), encoding="utf-8")
    merged = tuning.merge_tuning(path, report("t2", lexicon=0.5))
    assert list(merged["candidates"]) == ["shipped", "c1", "lexicon"]
    assert merged["best"] == "shipped"
    assert merged["measured_at"] == "t2 for lexicon, t1 for the others"
    assert merged["seconds"] == 20.0
    again = tuning.merge_tuning(path, report("t3", c1=0.58))
    assert again["best"] == "c1" and again["candidates"]["c1"]["mean_macro_f1"] == 0.58
    other = report("t3", c1=0.58) | {"seed": 2}
    assert tuning.merge_tuning(path, other) == other  # another protocol: not mixed


def test_tuning_an_unknown_candidate_is_refused_before_any_measuring(data_dir: Path) -> None:
    from click.testing import CliRunner

    from veille.cli import cli

    result = CliRunner().invoke(cli, ["models", "tune", "--data", str(data_dir), "C 1", "C 99"])
    assert result.exit_code == 2
    assert "no such candidate: C 99" in result.output and "VADER lexicon" in result.output
