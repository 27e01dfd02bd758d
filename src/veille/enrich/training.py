"""Training and evaluating veille's text models on the labelled data in ../shared/data.

``veille models train`` calls :func:`train_all`, ``veille models eval`` calls
:func:`evaluate_all`. This module needs scikit-learn (and scipy); predicting does not,
it only reads the weights written here (:mod:`veille.enrich.textmodel`), so nothing
imports this module at run time.

Every figure is measured on data the model being measured did not see:

- spam: the YouTube Spam Collection's videos in turn (train on the others, test on the
  held-out one), with SMS and Telegram messages added to training;
- sentiment: the multilingual tweets' ``val`` split is held out (324 tweets a language,
  balanced); models are trained on ``train`` (and the English and French extra sets).
  Settings were chosen by a seeded 5-fold cross-validation inside ``train``, never on
  ``val``: ``veille models tune`` (:mod:`veille.enrich.tuning`) measures the
  candidates again and writes ``models/sentiment.tuning.json``, which the model card
  quotes (:mod:`veille.enrich.cards`).

The shipped models are then trained on everything, held-out splits included, with the
same settings.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from veille.enrich.cards import TUNING_FILE, model_card, tuning_section
from veille.enrich.datasets import (
    MAIL_HELD_OUT,
    MAIL_TRAIN,
    SENTIMENT_CLASSES,
    SPAM_CLASSES,
    Labelled,
    as_ham,
    data_licences,
    load_fixtures,
    load_fr_tv_reviews,
    load_langid_sentences,
    load_mail,
    load_sms,
    load_telegram,
    load_tweeteval,
    load_uci_sentences,
    load_umsab,
    load_youtube,
)
from veille.enrich.features import F32, F64, Features
from veille.enrich.sentimentembedding import DIMENSIONS, STRENGTH

# -- fitting -------------------------------------------------------------------------
from veille.enrich.textmodel import MODELS_DIR, TextModel


@dataclass(frozen=True, slots=True)
class Recipe:
    """How a shipped model is trained: one place for its settings."""

    name: str
    classes: tuple[str, ...]
    features: Features
    c: float
    """Inverse L2 strength of the logistic regression."""
    naive_bayes: bool
    """Scale features by naive-Bayes log-count ratios (one-vs-rest, NB-SVM style)."""
    group_weights: tuple[tuple[str, float], ...]
    """Sample weight by source (prefix of a text's group); the main set counts 1."""
    balanced: bool = False
    """Weigh the classes equally, so that adding data of one class to the mix does not
    move the model's prior."""
    lexicon: bool = False
    """Learn a weight per class for VADER's lexicon columns and fold it into the weights
    (:mod:`veille.enrich.sentimentlexicon`; naive-Bayes recipes only)."""
    embedding: bool = False
    """Learn weights for pretrained multilingual word vectors' columns and fold them into
    the weights (:mod:`veille.enrich.sentimentembedding`; naive-Bayes recipes only)."""
    embedding_dimensions: int = DIMENSIONS
    """How many of the vectors' principal directions become columns."""
    embedding_strength: float = STRENGTH
    """How loud the vectors' columns are: each is scaled to this over the square root of
    the number of texts (louder is a weaker prior, and a slower solver)."""
    embedding_bigrams: bool = False
    """Give each word bigram of the training texts the mean of its two words' vectors."""

    def __post_init__(self) -> None:
        if (self.lexicon or self.embedding) and not self.naive_bayes:
            raise ValueError(f"recipe {self.name}: a folded prior needs naive_bayes")

    def weights_of(self, data: Labelled) -> F64:
        table = dict(self.group_weights)
        w = np.array([table.get(g.split(":", 1)[0], 1.0) for g in data.groups])
        if self.balanced:
            y = np.array([self.classes.index(label) for label in data.labels])
            totals = np.bincount(y, weights=w, minlength=len(self.classes))
            w *= totals.sum() / len(self.classes) / np.maximum(totals[y], 1e-9)
        return w


SHARED_FEATURES = Features(char_ngrams=(3, 4, 5), word_ngrams=2, bits=20)
"""Both models read the same features, so a batch is hashed once for both."""

SPAM = Recipe(
    name="spam",
    classes=SPAM_CLASSES,
    features=SHARED_FEATURES,
    c=30.0,
    naive_bayes=False,
    group_weights=(
        ("sms", 0.1),
        ("telegram_ru", 0.1),
        ("umsab", 0.05),
        ("langid", 0.05),
        ("mail", 0.3),
    ),  # fmt: skip
    balanced=True,
)
SENTIMENT = Recipe(
    name="sentiment",
    classes=SENTIMENT_CLASSES,
    features=SHARED_FEATURES,
    c=3.0,
    naive_bayes=True,
    group_weights=(("tweeteval", 0.3), ("uci", 0.3), ("fr_tv", 0.3)),
    embedding=True,
)


def design_matrix(features: Features, texts: Sequence[str]) -> Any:
    """The texts' features as a scipy CSR matrix, repeated buckets summed."""
    doc, bucket, value = features.transform(texts).coo()
    matrix = sparse.csr_matrix(
        (value.astype(np.float64), (doc, bucket)), shape=(len(texts), features.size)
    )
    matrix.sum_duplicates()
    return matrix


def fit(recipe: Recipe, data: Labelled, info: dict[str, Any] | None = None) -> TextModel:
    """A logistic regression over the hashed features of ``data``."""
    return fit_matrix(recipe, data, design_matrix(recipe.features, data.texts), info)


def fit_matrix(
    recipe: Recipe, data: Labelled, x: Any, info: dict[str, Any] | None = None
) -> TextModel:
    """:func:`fit` on ``x``, the design matrix of ``data`` already hashed."""
    y = np.array([recipe.classes.index(label) for label in data.labels])
    w = recipe.weights_of(data)
    if not recipe.naive_bayes:
        clf = LogisticRegression(C=recipe.c, max_iter=3000)
        clf.fit(x, y, sample_weight=w)
        coef: F32 = np.asarray(clf.coef_, dtype=np.float32)
        bias: F64 = np.asarray(clf.intercept_, dtype=np.float64)
        return TextModel(recipe.classes, recipe.features, coef, bias, info=info)
    # One-vs-rest over features scaled by each class's log-count ratio; the scaling folds
    # into the weights, so the model reads the same features as any other.
    seen = x.copy()
    seen.data[:] = 1.0
    priors = _priors(recipe, data, x)
    extra = sparse.hstack([p.values for p in priors], format="csr") if priors else None
    rows, biases = [], []
    for k in range(len(recipe.classes)):
        pos = y == k
        p = np.asarray(seen[pos].T @ w[pos]).ravel() + 1.0
        q = np.asarray(seen[~pos].T @ w[~pos]).ravel() + 1.0
        ratio = np.log(p / p.sum()) - np.log(q / q.sum())
        scaled = x @ sparse.diags(ratio)
        if extra is not None:
            scaled = sparse.hstack([scaled, extra], format="csr")
        clf = LogisticRegression(C=recipe.c, max_iter=3000)
        clf.fit(scaled, pos.astype(int), sample_weight=w)
        coef = clf.coef_[0]
        row = coef[: x.shape[1]] * ratio
        intercept = float(clf.intercept_[0])
        at = x.shape[1]
        for prior in priors:  # a prior's weights fold into the buckets' own
            mine = coef[at : at + prior.columns.shape[1]]
            row[prior.buckets] += prior.columns @ mine
            intercept -= float(prior.offset @ mine)
            at += len(mine)
        rows.append(row)
        biases.append(intercept)
    weights: F32 = np.asarray(rows, dtype=np.float32)
    return TextModel(recipe.classes, recipe.features, weights, np.array(biases), info=info)


@dataclass(slots=True)
class _Prior:
    """A folded prior: the buckets it puts values on, its columns there (buckets x k),
    the texts' values on the columns (sparse, n x k), and the offset that centred them
    (what the bias gives back)."""

    buckets: Any
    columns: F64
    values: Any
    offset: F64


def _priors(recipe: Recipe, data: Labelled, x: Any) -> list[_Prior]:
    """The folded priors of ``recipe``, read on ``x``, the features of ``data``."""
    out: list[_Prior] = []
    if recipe.lexicon:
        from veille.enrich import sentimentlexicon

        columns = sentimentlexicon.columns(recipe.features)
        buckets = np.flatnonzero(columns.any(axis=1))
        values = sparse.csr_matrix(x[:, buckets] @ columns[buckets])
        out.append(_Prior(buckets, columns[buckets], values, np.zeros(columns.shape[1])))
    if recipe.embedding:
        from veille.enrich import sentimentembedding

        buckets, columns = sentimentembedding.columns(
            recipe.features, data.texts, recipe.embedding_dimensions, recipe.embedding_bigrams
        )
        dense = np.asarray(x[:, buckets] @ columns)
        # Dense columns of unit spread slow the solver down sevenfold: centred, and
        # scaled to the recipe's strength / sqrt(texts) (the penalty against the data then stays
        # the same whatever the number of texts), they cost a third more. Both are
        # linear, so they still fold (the centring into the bias).
        mean = dense.mean(axis=0)
        spread = np.maximum(dense.std(axis=0), 1e-9)
        spread /= recipe.embedding_strength / np.sqrt(max(len(dense), 1))
        values = sparse.csr_matrix((dense - mean) / spread)
        out.append(_Prior(buckets, columns / spread, values, mean / spread))
    return out


# -- measuring -----------------------------------------------------------------------


def f1_score(truth: Sequence[str], predicted: Sequence[str], label: str) -> float:
    pairs = list(zip(truth, predicted, strict=True))
    tp = sum(t == label and p == label for t, p in pairs)
    fp = sum(t != label and p == label for t, p in pairs)
    fn = sum(t == label and p != label for t, p in pairs)
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def macro_f1(truth: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> float:
    return sum(f1_score(truth, predicted, c) for c in classes) / len(classes)


def accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(t == p for t, p in zip(truth, predicted, strict=True)) / max(len(truth), 1)


def polarity(model: TextModel, texts: Sequence[str]) -> list[str]:
    """Negative or positive, whichever is likelier: for sets without a neutral class."""
    proba = model.predict_proba(texts)
    neg, pos = model.classes.index("negative"), model.classes.index("positive")
    return ["positive" if p[pos] >= p[neg] else "negative" for p in proba]


_HANDLE = re.compile(r"@\w+")
_LINK = re.compile(r"https?://\S*")


def text_key(text: str) -> str:
    """What makes two copies of a text the same text: the data sets anonymise handles
    and links differently."""
    text = _LINK.sub("http", _HANDLE.sub("@user", text))
    return " ".join(text.lower().split())


def without(data: Labelled, held_out: Sequence[str]) -> Labelled:
    """``data`` less every text that is also in ``held_out``: some sets share texts (the
    multilingual tweets' English part comes from the same SemEval tweets as
    tweeteval), and a text seen in training says nothing about held-out accuracy."""
    keys = {text_key(t) for t in held_out}
    return data.where([text_key(t) not in keys for t in data.texts])


# -- the data each model is trained on -------------------------------------------------


def spam_extras(data_dir: Path) -> Labelled:
    """What the spam model learns from beside YouTube: SMS and Russian Telegram spam and
    ham, ordinary tweets and sentences in many languages as ham, and mailing-list
    messages as ham (without them, a long message with a link looked like spam)."""
    tweets = Labelled.join(
        [*load_umsab(data_dir, "train").values(), *load_umsab(data_dir, "val").values()]
    )
    return Labelled.join(
        [
            load_sms(data_dir),
            load_telegram(data_dir),
            as_ham(tweets, "umsab"),
            load_langid_sentences(data_dir),
            load_mail(data_dir, MAIL_TRAIN),
        ]
    )


def sentiment_data(data_dir: Path, held_out: Sequence[str] = ()) -> Labelled:
    """Every labelled sentiment text, less any copy of a ``held_out`` text."""
    parts = [
        *load_umsab(data_dir, "train").values(),
        *load_umsab(data_dir, "val").values(),
        load_tweeteval(data_dir, "val"),
        load_tweeteval(data_dir, "test"),
        load_uci_sentences(data_dir),
        load_fr_tv_reviews(data_dir, "train"),
        load_fr_tv_reviews(data_dir, "dev"),
        load_fr_tv_reviews(data_dir, "test"),
    ]
    return without(Labelled.join(parts), held_out)


# -- evaluation ------------------------------------------------------------------------


class SpamFold(TypedDict):
    video: str
    texts: int
    f1: float
    precision: float
    recall: float
    f1_youtube_only: float
    f1_baseline: float
    f1_unseen: float
    """F1 on the held-out comments whose text does not occur in the training videos."""


class SpamReport(TypedDict):
    false_alarms_mail: float
    """Share of held-out mailing-list messages (never trained on) called spam."""
    mail_held_out: int
    false_alarms_sites: float
    """Share of the recorded WordPress and feed contents called spam."""
    sites: int
    folds: list[SpamFold]
    mean_f1: float
    mean_f1_youtube_only: float
    mean_f1_baseline: float
    mean_f1_unseen: float
    seconds: float


class SentimentReport(TypedDict):
    held_out: str
    macro_f1: dict[str, float]
    mean_macro_f1: float
    baseline_macro_f1: dict[str, float]
    baseline_mean_macro_f1: float
    tweeteval_held_out: int
    tweeteval_accuracy: float
    tweeteval_macro_f1: float
    fr_tv_test_accuracy: float
    seconds: float


class Report(TypedDict):
    spam: SpamReport
    sentiment: SentimentReport


def _tfidf_baseline(train: Labelled, test: Sequence[str], **options: Any) -> list[str]:
    """The anchor the issue names: TF-IDF and a logistic regression, default settings."""
    vectoriser = TfidfVectorizer(**options)
    clf = LogisticRegression(max_iter=3000).fit(vectoriser.fit_transform(train.texts), train.labels)
    return [str(label) for label in clf.predict(vectoriser.transform(test))]


def _precision_recall(truth: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    pairs = list(zip(truth, predicted, strict=True))
    tp = sum(t == p == "spam" for t, p in pairs)
    return tp / max(list(predicted).count("spam"), 1), tp / max(list(truth).count("spam"), 1)


def evaluate_spam(data_dir: Path) -> SpamReport:
    """Each YouTube video held out in turn; F1 of the spam class."""
    started = time.perf_counter()
    videos = load_youtube(data_dir)
    extras = spam_extras(data_dir)
    folds: list[SpamFold] = []
    for video, test in videos.items():
        own = Labelled.join([d for v, d in videos.items() if v != video])
        predicted = fit(SPAM, Labelled.join([own, extras])).predict(test.texts)
        alone = fit(SPAM, own).predict(test.texts)
        baseline = _tfidf_baseline(own, test.texts)
        seen = {text_key(t) for t in own.texts}
        fresh = [i for i, t in enumerate(test.texts) if text_key(t) not in seen]
        precision, recall = _precision_recall(test.labels, predicted)
        folds.append(
            SpamFold(
                video=video,
                texts=len(test),
                f1=f1_score(test.labels, predicted, "spam"),
                precision=precision,
                recall=recall,
                f1_youtube_only=f1_score(test.labels, alone, "spam"),
                f1_baseline=f1_score(test.labels, baseline, "spam"),
                f1_unseen=f1_score(
                    [test.labels[i] for i in fresh], [predicted[i] for i in fresh], "spam"
                ),
            )
        )

    def mean(values: list[float]) -> float:
        return float(np.mean(values))

    shipped_like = fit(SPAM, Labelled.join([*videos.values(), extras]))
    mail = load_mail(data_dir, MAIL_HELD_OUT, per_list=1000, seed=2).texts
    sites = load_fixtures(data_dir)

    def alarms(texts: list[str]) -> float:
        return sum(p == "spam" for p in shipped_like.predict(texts)) / max(len(texts), 1)

    return SpamReport(
        false_alarms_mail=alarms(mail),
        mail_held_out=len(mail),
        false_alarms_sites=alarms(sites),
        sites=len(sites),
        folds=folds,
        mean_f1=mean([f["f1"] for f in folds]),
        mean_f1_youtube_only=mean([f["f1_youtube_only"] for f in folds]),
        mean_f1_baseline=mean([f["f1_baseline"] for f in folds]),
        mean_f1_unseen=mean([f["f1_unseen"] for f in folds]),
        seconds=time.perf_counter() - started,
    )


@dataclass(slots=True)
class SentimentHeldOut:
    """What the sentiment figures are measured on, and what is left to learn from."""

    umsab: dict[str, Labelled]
    """The multilingual tweets' ``val`` split, per language."""
    tweeteval: Labelled
    """English tweets in no training set."""
    fr_test: Labelled
    train: Labelled
    """Every other labelled sentiment text, less any copy of a held-out one."""


def sentiment_held_out(data_dir: Path) -> SentimentHeldOut:
    held = load_umsab(data_dir, "val")
    umsab_train = Labelled.join(list(load_umsab(data_dir, "train").values()))
    # English tweets in no training set: tweeteval's val less the multilingual set's
    # training tweets (most of them are the same SemEval tweets).
    tweeteval = without(load_tweeteval(data_dir, "val"), umsab_train.texts)
    fr_test = load_fr_tv_reviews(data_dir, "test")
    held_texts = [t for d in held.values() for t in d.texts] + tweeteval.texts + fr_test.texts
    return SentimentHeldOut(held, tweeteval, fr_test, sentiment_data(data_dir, held_texts))


def evaluate_sentiment(data_dir: Path) -> SentimentReport:
    """Trained without the multilingual tweets' ``val`` split, measured on it."""
    started = time.perf_counter()
    split = sentiment_held_out(data_dir)
    held, tweeteval, fr_test = split.umsab, split.tweeteval, split.fr_test
    umsab_train = Labelled.join(list(load_umsab(data_dir, "train").values()))
    model = fit(SENTIMENT, split.train)
    scores = {
        code: macro_f1(d.labels, model.predict(d.texts), SENTIMENT_CLASSES)
        for code, d in held.items()
    }
    baseline = {
        code: macro_f1(
            d.labels,
            _tfidf_baseline(umsab_train, d.texts, analyzer="char_wb", ngram_range=(1, 4)),
            SENTIMENT_CLASSES,
        )
        for code, d in held.items()
    }
    tweeteval_predicted = model.predict(tweeteval.texts)
    return SentimentReport(
        held_out="umsab val (324 tweets a language, 108 per class)",
        macro_f1=scores,
        mean_macro_f1=float(np.mean(list(scores.values()))),
        baseline_macro_f1=baseline,
        baseline_mean_macro_f1=float(np.mean(list(baseline.values()))),
        tweeteval_held_out=len(tweeteval),
        tweeteval_accuracy=accuracy(tweeteval.labels, tweeteval_predicted),
        tweeteval_macro_f1=macro_f1(tweeteval.labels, tweeteval_predicted, SENTIMENT_CLASSES),
        fr_tv_test_accuracy=accuracy(fr_test.labels, polarity(model, fr_test.texts)),
        seconds=time.perf_counter() - started,
    )


def evaluate_all(data_dir: Path) -> Report:
    """``veille models eval``: every figure of docs/models.md."""
    return Report(spam=evaluate_spam(data_dir), sentiment=evaluate_sentiment(data_dir))


# -- the shipped models ------------------------------------------------------------------


class Trained(TypedDict):
    path: str
    bytes: int
    texts: dict[str, int]
    seconds: float


SOURCES = {
    "spam": ("spam/youtube", "spam/sms", "spam/telegram_ru", "sentiment/umsab", "langid",
             "scale"),
    "sentiment": ("sentiment/umsab", "sentiment/tweeteval_en", "sentiment/uci_sentences",
                  "sentiment/fr_tv_reviews"),
}  # fmt: skip
"""The data folders each model learns from (their SOURCES.md give the licences)."""


def train_all(
    data_dir: Path, out_dir: Path = MODELS_DIR, report: Report | None = None
) -> dict[str, Trained]:
    """``veille models train``: train the shipped models on all their data and write
    them, with a model card each, to ``out_dir``. ``report`` (from :func:`evaluate_all`)
    puts the held-out figures in the cards."""
    out: dict[str, Trained] = {}
    jobs = (
        (SPAM, Labelled.join([*load_youtube(data_dir).values(), spam_extras(data_dir)])),
        (SENTIMENT, sentiment_data(data_dir)),
    )
    for recipe, data in jobs:
        started = time.perf_counter()
        counts = dict(Counter(g.split(":", 1)[0] for g in data.groups))
        info: dict[str, object] = {
            "trained_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "command": "veille models train",
            "texts": counts,
            "c": recipe.c,
            "naive_bayes": recipe.naive_bayes,
            "balanced": recipe.balanced,
            "group_weights": dict(recipe.group_weights),
        }
        if recipe.lexicon:
            from veille.enrich.sentimentlexicon import PROVENANCE

            info["lexicon"] = PROVENANCE
        if recipe.embedding:
            from veille.enrich import sentimentembedding

            info["embedding"] = sentimentembedding.PROVENANCE
        path = fit(recipe, data, info).save(out_dir / recipe.name)
        licences = data_licences(data_dir, SOURCES[recipe.name])
        card = model_card(recipe, info, licences, path.stat().st_size, report)
        if recipe.name == "sentiment":
            card += tuning_section(out_dir / TUNING_FILE)
        path.with_suffix(".md").write_text(card, encoding="utf-8")
        out[recipe.name] = Trained(
            path=str(path),
            bytes=path.stat().st_size + path.with_suffix(".json").stat().st_size,
            texts=counts,
            seconds=time.perf_counter() - started,
        )
    return out
