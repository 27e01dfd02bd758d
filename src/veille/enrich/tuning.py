"""Choosing the sentiment model's settings without reading its held-out split:
``veille models tune`` (:func:`tune`) measures candidate recipes by a seeded
cross-validation inside the training data and writes ``models/sentiment.tuning.json``,
which the sentiment model card quotes (:mod:`veille.enrich.cards`). Needs scikit-learn,
as :mod:`veille.enrich.training` does."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

import numpy as np

from veille.enrich.cards import TUNING_FILE
from veille.enrich.features import Features
from veille.enrich.textmodel import MODELS_DIR
from veille.enrich.training import (
    SENTIMENT,
    Recipe,
    design_matrix,
    fit_matrix,
    macro_f1,
    sentiment_held_out,
    text_key,
)

TUNE_FOLDS = 5
TUNE_SEED = 20261123


def sentiment_candidates() -> dict[str, Recipe]:
    """The settings :func:`tune_sentiment` compares: the shipped recipe and its
    neighbours, one setting changed at a time."""
    base = SENTIMENT

    def extras(weight: float) -> Recipe:
        table = tuple((g, weight) for g, _ in base.group_weights)
        return replace(base, group_weights=table)

    return {
        "shipped": base,
        "C 1": replace(base, c=1.0),
        "C 10": replace(base, c=10.0),
        "extra sets 0.1": extras(0.1),
        "extra sets 1.0": extras(1.0),
        "balanced classes": replace(base, balanced=True),
        "VADER lexicon": replace(base, lexicon=True),
        "without USE word vectors": replace(base, embedding=False),
        "USE 128 dimensions": replace(base, embedding_dimensions=128),
        "USE 256 dimensions": replace(base, embedding_dimensions=256),
        "USE strength 3": replace(base, embedding_strength=3.0),
        "USE strength 30": replace(base, embedding_strength=30.0),
        "USE on word bigrams": replace(base, embedding_bigrams=True),
    }


class TuneResult(TypedDict):
    settings: dict[str, object]
    macro_f1: dict[str, float]
    mean_macro_f1: float
    standard_error: float
    """Of the mean, from the spread of the folds' means."""


class TuneReport(TypedDict):
    protocol: str
    folds: int
    seed: int
    candidates: dict[str, TuneResult]
    best: str
    measured_at: str
    seconds: float


def tune_sentiment(
    data_dir: Path, candidates: dict[str, Recipe] | None = None, folds: int = TUNE_FOLDS
) -> TuneReport:
    """Macro-F1 of each candidate by a seeded ``folds``-fold cross-validation inside the
    training data of :func:`evaluate_sentiment`: the multilingual tweets' ``train`` split
    is cut into folds per language, each fold is predicted by a model trained on the
    rest (and the extra sets), less any copy of the fold's texts. The held-out ``val``
    split is never read."""
    started = time.perf_counter()
    candidates = candidates or sentiment_candidates()
    pool = sentiment_held_out(data_dir).train
    rng = np.random.default_rng(TUNE_SEED)
    groups = np.array(pool.groups)
    fold = np.full(len(pool), -1)
    for group in sorted({g for g in pool.groups if g.startswith("umsab:")}):
        rows = np.flatnonzero(groups == group)
        rng.shuffle(rows)
        fold[rows] = np.arange(len(rows)) % folds
    keys = [text_key(t) for t in pool.texts]
    hashed: dict[Features, Any] = {}
    results: dict[str, TuneResult] = {}
    for name, recipe in candidates.items():
        if recipe.features not in hashed:
            hashed[recipe.features] = design_matrix(recipe.features, pool.texts)
        x = hashed[recipe.features]
        per_fold: list[dict[str, float]] = []
        for k in range(folds):
            test = fold == k
            seen = {keys[i] for i in np.flatnonzero(test)}
            train = ~test & np.array([key not in seen for key in keys])
            model = fit_matrix(recipe, pool.where(train.tolist()), x[train])
            part = pool.where(test.tolist())
            predicted = model.predict(part.texts)
            scores: dict[str, float] = {}
            for group in sorted(set(part.groups)):
                mine = [i for i, g in enumerate(part.groups) if g == group]
                truth = [part.labels[i] for i in mine]
                guess = [predicted[i] for i in mine]
                scores[group.split(":", 1)[1]] = macro_f1(truth, guess, recipe.classes)
            per_fold.append(scores)
        languages = list(per_fold[0])
        means = [float(np.mean(list(f.values()))) for f in per_fold]
        results[name] = TuneResult(
            settings={
                "c": recipe.c,
                "naive_bayes": recipe.naive_bayes,
                "balanced": recipe.balanced,
                "lexicon": recipe.lexicon,
                "embedding": recipe.embedding,
                "embedding_dimensions": recipe.embedding_dimensions,
                "embedding_strength": recipe.embedding_strength,
                "embedding_bigrams": recipe.embedding_bigrams,
                "group_weights": dict(recipe.group_weights),
                "features": recipe.features.to_json(),
            },
            macro_f1={c: float(np.mean([f[c] for f in per_fold])) for c in languages},
            mean_macro_f1=float(np.mean(means)),
            standard_error=float(np.std(means, ddof=1) / np.sqrt(folds)),
        )
    return TuneReport(
        protocol=(
            f"{folds}-fold cross-validation inside umsab train (seeded, per language); "
            "trained on the other folds and the extra sets, less copies of the fold's "
            "texts; umsab val never read"
        ),
        folds=folds,
        seed=TUNE_SEED,
        candidates=results,
        best=max(results, key=lambda n: results[n]["mean_macro_f1"]),
        measured_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        seconds=time.perf_counter() - started,
    )


def merge_tuning(path: Path, new: TuneReport) -> TuneReport:
    """``new``'s candidates added to (or replacing theirs in) the tuning file at ``path``,
    when it was measured by the same protocol; the best is chosen again among all."""
    if not path.is_file():
        return new
    old: TuneReport = json.loads(path.read_text(encoding="utf-8"))
    if (old["protocol"], old["folds"], old["seed"]) != (new["protocol"], new["folds"], new["seed"]):
        return new
    candidates = {n: r for n, r in old["candidates"].items() if n not in new["candidates"]}
    candidates |= new["candidates"]
    return TuneReport(
        protocol=new["protocol"],
        folds=new["folds"],
        seed=new["seed"],
        candidates=candidates,
        best=max(candidates, key=lambda n: candidates[n]["mean_macro_f1"]),
        measured_at=(  # when each was measured, as the model card quotes it
            f"{new['measured_at']} for {', '.join(new['candidates'])}, "
            f"{old['measured_at'].split(' for ')[0]} for the others"
        ),
        seconds=old["seconds"] + new["seconds"],
    )


class TuneError(ValueError):
    """A candidate name that :func:`sentiment_candidates` does not know."""


def tune(data_dir: Path, names: list[str] | None = None, out_dir: Path = MODELS_DIR) -> TuneReport:
    """``veille models tune``: measure the candidates (``names``: only those, keeping the
    tuning file's figures for the others) and write the tuning file in ``out_dir``."""
    everything = sentiment_candidates()
    names = names or []
    unknown = sorted(set(names) - everything.keys())
    if unknown:
        raise TuneError(f"no such candidate: {', '.join(unknown)}; known: {', '.join(everything)}")
    tuned = tune_sentiment(data_dir, {n: everything[n] for n in names} or None)
    if names:  # measured again: these candidates; the file keeps the others' figures
        tuned = merge_tuning(out_dir / TUNING_FILE, tuned)
    (out_dir / TUNING_FILE).write_text(json.dumps(tuned, indent=2) + "\n", encoding="utf-8")
    return tuned
