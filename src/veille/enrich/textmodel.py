"""A small linear text classifier that needs only numpy to predict, and learns from the
community manager's corrections.

It reads the hashed features of :mod:`veille.enrich.features`. A model is a weight
matrix over the buckets and a bias per class, trained by scikit-learn in
:mod:`veille.enrich.training`. Nothing is unpickled: a model is ``<name>.npz`` (numeric
arrays only) and ``<name>.json`` (classes, feature settings, how it was made).

Learning from corrections (:meth:`TextModel.learn`): the trained weights stay as they
are and a *correction* is fitted on every correction seen so far (kept as hashed
features, never as text), with an L2 penalty pulling it towards zero: the trained model
is the prior, and a community's own decisions move only the buckets they touch.
Refitting on all of them, rather than stepping on the newest, makes the result
independent of the order they came in.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from veille.enrich.features import F32, F64, I64, Features, Hashed

FORMAT = 2
"""Version of the feature hash and of the files; other versions are refused on load."""
MAX_CORRECTIONS = 5000
"""Corrections a model keeps to refit on; the oldest go first."""
MODELS_DIR = Path(__file__).with_name("models")
"""Where the models veille ships live (written by ``veille models train``)."""


def _softmax(logits: F64) -> F64:
    z: F64 = logits - logits.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


@dataclass(slots=True)
class Corrections:
    """What a model was taught after training: hashed features, labels and weights."""

    doc: I64
    bucket: I64
    value: F32
    label: I64
    weight: F64

    @classmethod
    def empty(cls) -> Corrections:
        i, f = np.zeros(0, np.int64), np.zeros(0, np.float64)
        return cls(i, i, f.astype(np.float32), i, f)

    def add(self, x: Hashed, label: I64, weight: F64, limit: int) -> None:
        """Append; keep the newest ``limit``."""
        doc, bucket, value = x.coo()
        drop = max(len(self.label) + len(label) - limit, 0)
        kept = self.doc >= drop
        self.doc = np.concatenate((self.doc[kept], doc + len(self.label))) - drop
        self.bucket = np.concatenate((self.bucket[kept], bucket))
        self.value = np.concatenate((self.value[kept], value))
        self.label = np.concatenate((self.label, label))[drop:]
        self.weight = np.concatenate((self.weight, weight))[drop:]


class TextModel:
    """A linear classifier over hashed features.

    ``weights`` is (k, 2**bits): one row per class, or a single row for two classes
    (the logit of ``classes[1]`` against ``classes[0]``).
    """

    def __init__(
        self,
        classes: Sequence[str],
        features: Features,
        weights: F32,
        bias: F64,
        *,
        l2: float = 0.5,
        info: dict[str, object] | None = None,
    ) -> None:
        k = 1 if len(classes) == 2 else len(classes)
        if len(classes) < 2 or weights.shape != (k, features.size) or bias.shape != (k,):
            raise ValueError(
                f"weights {weights.shape} and bias {bias.shape} do not fit "
                f"{len(classes)} classes over {features.size} buckets"
            )
        self._classes = list(classes)
        self.features = features
        # Held at the precision they are saved in, so a saved model predicts the same.
        self.quantised = _quantise(np.asarray(weights, dtype=np.float32))
        self.weights = _dequantise(*self.quantised)
        self.bias = np.asarray(bias, dtype=np.float64)
        self.l2 = l2
        """Penalty on the correction: larger, and corrections move the model less."""
        self.info: dict[str, object] = dict(info or {})
        self.corrections = Corrections.empty()
        self.delta_rows = np.zeros(0, dtype=np.int64)
        self.delta = np.zeros((k, 0), dtype=np.float32)
        self._effective: F32 | None = None

    @property
    def classes(self) -> list[str]:
        return list(self._classes)

    def _weights(self) -> F32:
        if not len(self.delta_rows):
            return self.weights
        if self._effective is None:
            w = self.weights.copy()
            w[:, self.delta_rows] += self.delta
            self._effective = w
        return self._effective

    def _features(self, texts: Sequence[str] | Hashed) -> Hashed:
        return texts if isinstance(texts, Hashed) else self.features.transform(texts)

    def _full_logits(self, scores: F64) -> F64:
        if scores.shape[1] == 1:
            return np.hstack((np.zeros_like(scores), scores))
        return scores

    def predict_proba(self, texts: Sequence[str] | Hashed) -> F64:
        """One row per text, one column per class (in :attr:`classes` order), summing to 1.

        ``texts`` may be the features of a batch, from :meth:`Features.transform`, so
        that models sharing their feature settings hash a batch once."""
        scores = self._features(texts).dot(self._weights()) + self.bias
        return _softmax(self._full_logits(scores))

    def predict(self, texts: Sequence[str] | Hashed) -> list[str]:
        return [self._classes[i] for i in self.predict_proba(texts).argmax(axis=1).tolist()]

    def learn(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        weight: float | Sequence[float] = 1.0,
    ) -> TextModel:
        """Take corrections into account: refit the correction on all of them."""
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        index = {c: i for i, c in enumerate(self._classes)}
        unknown = sorted({str(label) for label in labels} - index.keys())
        if unknown:
            raise ValueError(f"unknown labels {unknown}; this model knows {self._classes}")
        if isinstance(weight, int | float):
            weights = np.full(len(texts), float(weight))
        else:
            weights = np.asarray(weight, dtype=np.float64)
            if weights.shape != (len(texts),):
                raise ValueError(f"{len(texts)} texts but {len(weights)} weights")
        if not len(texts):
            return self
        y = np.array([index[label] for label in labels], dtype=np.int64)
        self.corrections.add(self.features.transform(texts), y, weights, MAX_CORRECTIONS)
        self._refit()
        return self

    def _refit(self, iterations: int = 300) -> None:
        c = self.corrections
        rows, col = np.unique(c.bucket, return_inverse=True)
        n, k = len(c.label), self.weights.shape[0]

        def per_text(w: npt.NDArray[Any]) -> F64:  # weights of the touched buckets -> scores
            return np.stack([np.bincount(c.doc, d[col] * c.value, n) for d in w], axis=1)

        base = self.bias + per_text(self.weights[:, rows])
        target = np.zeros((n, len(self._classes)))
        target[np.arange(n), c.label] = 1.0

        def loss_and_grad(delta: F64) -> tuple[float, F64]:
            logits = self._full_logits(base + per_text(delta))
            logp = logits - logits.max(axis=1, keepdims=True)
            logp -= np.log(np.exp(logp).sum(axis=1, keepdims=True))
            loss = -float((c.weight * (logp * target).sum(axis=1)).sum())
            loss += 0.5 * self.l2 * float((delta**2).sum())
            residual = ((np.exp(logp) - target) * c.weight[:, None])[:, -k:]
            grad = np.stack([np.bincount(col, c.value * r[c.doc], len(rows)) for r in residual.T])
            return loss, grad + self.l2 * delta

        start = np.zeros((k, len(rows)))
        still = np.isin(self.delta_rows, rows)
        start[:, np.searchsorted(rows, self.delta_rows[still])] = self.delta[:, still]
        self.delta = _minimise(loss_and_grad, start, iterations).astype(np.float32)
        self.delta_rows = rows
        self._effective = None

    def save(self, path: str | Path) -> Path:
        """Write ``<path>.npz`` and ``<path>.json``; return the ``.npz`` path."""
        npz = Path(path).with_suffix(".npz")
        npz.parent.mkdir(parents=True, exist_ok=True)
        c = self.corrections
        arrays = {f"corr_{f.name}": getattr(c, f.name) for f in fields(c)}
        np.savez_compressed(
            npz,
            weights=self.quantised[0],
            scale=self.quantised[1],
            bias=self.bias,
            delta_rows=self.delta_rows,
            delta=self.delta,
            **arrays,
        )
        meta = {"format": FORMAT, "classes": self._classes, "l2": self.l2}
        meta |= {"features": self.features.to_json(), "info": self.info}
        text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
        npz.with_suffix(".json").write_text(text, encoding="utf-8")
        return npz

    @classmethod
    def load(cls, path: str | Path) -> TextModel:
        """Read a model written by :meth:`save` (``path`` with or without its suffix)."""
        npz = Path(path).with_suffix(".npz")
        meta = json.loads(npz.with_suffix(".json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{npz}: model format {meta.get('format')}, expected {FORMAT}")
        with np.load(npz, allow_pickle=False) as data:
            stored = data["weights"], data["scale"]
            weights, bias = _dequantise(*stored), data["bias"]
            features = Features.from_json(meta["features"])
            model = cls(meta["classes"], features, weights, bias, l2=meta["l2"], info=meta["info"])
            model.quantised, model.weights = stored, weights
            model.delta_rows, model.delta = data["delta_rows"], data["delta"]
            model.corrections = Corrections(*(data[f"corr_{f.name}"] for f in fields(Corrections)))
        return model


def _quantise(weights: F32) -> tuple[npt.NDArray[np.int8], F32]:
    """8 bits a weight, on a square-root scale per class: small weights, the many, keep
    their precision; the few large ones lose a little. Files shrink 4x against float32
    and predicted probabilities move by about 0.001."""
    root = np.sqrt(np.abs(weights))
    scale = (np.maximum(root.max(axis=1), 1e-12) / 127.0).astype(np.float32)
    q = np.rint(np.sign(weights) * root / scale[:, None]).astype(np.int8)
    return q, scale


def _dequantise(q: npt.NDArray[np.int8], scale: F32) -> F32:
    magnitude = (np.abs(q.astype(np.float32)) * scale[:, None]) ** 2
    return np.ascontiguousarray(np.sign(q) * magnitude, dtype=np.float32)


def _minimise(
    loss_and_grad: Callable[[F64], tuple[float, F64]], start: F64, iterations: int
) -> F64:
    """Accelerated gradient descent with a backtracking step (the problem is smooth and
    convex); restarts the momentum when the loss goes up."""
    x = start
    y = start
    t = 1.0
    lipschitz = 1.0
    fx, _ = loss_and_grad(x)
    for _ in range(iterations):
        fy, gy = loss_and_grad(y)
        g2 = float((gy**2).sum())
        if g2 < 1e-10 * gy.size:
            break
        while True:
            candidate = y - gy / lipschitz
            fc, _ = loss_and_grad(candidate)
            if fc <= fy - 0.5 * g2 / lipschitz + 1e-12 or lipschitz > 1e12:
                break
            lipschitz *= 2.0
        if fc > fx:  # momentum overshot: restart from the best point
            y, t = x, 1.0
            continue
        t_next = (1.0 + math.sqrt(1.0 + 4.0 * t * t)) / 2.0
        y = candidate + ((t - 1.0) / t_next) * (candidate - x)
        x, fx, t = candidate, fc, t_next
        lipschitz /= 1.5
    return x


def shipped(name: str) -> TextModel:
    """A model that ships with veille: ``spam`` or ``sentiment``."""
    path = MODELS_DIR / f"{name}.npz"
    if not path.is_file():
        raise FileNotFoundError(
            f"no shipped model {name!r} in {MODELS_DIR}: run veille models train"
        )
    return TextModel.load(path)
