"""The spam model for comments and replies: its candidates, the nested choice between
them, its figures and its model card.

Why a second spam model: the careful one (``training.SPAM``) learns mailing-list
messages, tweets and sentences as ham so that long messages with links are not called
spam; on YouTube comments that costs it recall. Comments and replies are short, and on
a site they are where link spam lands, so they get a model of their own; posts, pages,
mail and chat messages keep the careful one (:mod:`veille.enrich.spam` picks by the
activity's kind).

Which candidate becomes the comment model is decided by leave-one-video-out over the
YouTube videos, and the figure quoted for it is *nested*: for each held-out video, the
candidate is chosen by a leave-one-video-out inside the other videos, trained on them,
and measured on the held-out one, so the held-out video plays no part in the choice.

Every candidate reads the careful model's features (``training.SHARED_FEATURES``), so
an enriched batch is still hashed once, and a blend of two models is one linear model
(the mean of their logits is the logit of their mean weights): it ships as one file.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypedDict

import numpy as np

from veille.enrich.datasets import Labelled, data_licences, items_in, load_youtube
from veille.enrich.features import F32, F64
from veille.enrich.textmodel import MODELS_DIR, TextModel
from veille.enrich.training import (
    SPAM,
    Recipe,
    Trained,
    design_matrix,
    f1_score,
    fit_matrix,
    spam_extras,
)

COMMENT_MODEL = "spam_comments"
"""The file name (``models/spam_comments.*``) and the name lessons are cached under."""
EXTRA_GROUPS = ("sms", "telegram_ru", "umsab", "langid", "mail")


@dataclass(frozen=True, slots=True)
class Part:
    """One model of a candidate: a recipe and the extra sets it learns from beside the
    YouTube comments (group prefixes of :func:`training.spam_extras`)."""

    recipe: Recipe
    extras: tuple[str, ...]


CAREFUL = Part(SPAM, EXTRA_GROUPS)
YOUTUBE = Part(SPAM, ())
COMMENT_CANDIDATES: dict[str, tuple[Part, ...]] = {
    "careful": (CAREFUL,),
    "youtube": (YOUTUBE,),
    "blend": (CAREFUL, YOUTUBE),
}
"""Fixed before any held-out figure of them was seen: the careful model itself (no
comment model at all), the same recipe on YouTube comments alone, and the mean of the
two. A candidate of several parts is the mean of their logits."""

SOURCES = ("spam/youtube", "spam/sms", "spam/telegram_ru", "sentiment/umsab", "langid", "scale")
_FOLDERS = {"youtube": "spam/youtube", "sms": "spam/sms", "telegram_ru": "spam/telegram_ru",
            "umsab": "sentiment/umsab", "langid": "langid", "mail": "scale"}  # fmt: skip


class CommentFold(TypedDict):
    video: str
    texts: int
    inner_f1: dict[str, float]
    """Each candidate's mean F1 by leave-one-video-out inside the other videos."""
    chosen: str
    f1: float
    precision: float
    recall: float


class CommentSpamReport(TypedDict):
    protocol: str
    folds: list[CommentFold]
    mean_f1: float
    """The nested figure: each fold's F1 with the candidate its inner choice picked."""
    candidates_f1: dict[str, float]
    """Each candidate's mean F1 by leave-one-video-out over every video (what the shipped
    comment model is chosen by)."""
    chosen: str
    comments: int
    false_alarms_comments: float
    """Share of the recorded sites' comments and replies the comment model calls spam."""
    false_alarms_comments_careful: float
    """The same share for the careful model, which read them before."""
    seconds: float


def site_comments(data_dir: Path) -> list[str]:
    """The comments and replies of the recorded WordPress exports and feeds, as the
    enricher reads them (markup first): ordinary site comments, never trained on."""
    from veille.enrich import subject_text
    from veille.enrich.spam import COMMENT_KINDS

    folders = [data_dir / "formats" / "wordpress_wxr", data_dir / "formats" / "feeds_rss_atom"]
    items = items_in(folders)
    return [i.html or subject_text(i.title, i.text) for i in items if i.kind in COMMENT_KINDS]


def blend(models: Sequence[TextModel], info: dict[str, object] | None = None) -> TextModel:
    """One model whose logit is the mean of ``models``' logits (same classes and
    features)."""
    first = models[0]
    weights: F32 = np.mean([m.weights for m in models], axis=0).astype(np.float32)
    bias: F64 = np.mean([m.bias for m in models], axis=0)
    return TextModel(first.classes, first.features, weights, bias, info=info)


class _Fits:
    """Fitted parts by the videos they learnt from, each fitted once: the nested choice
    needs every part on every set of two and of three videos, and on all four."""

    def __init__(self, videos: dict[str, Labelled], extras: Labelled) -> None:
        self.videos = videos
        self.pool = Labelled.join([*videos.values(), extras])
        self.x = design_matrix(SPAM.features, self.pool.texts)
        self.fitted: dict[tuple[Part, frozenset[str]], TextModel] = {}

    def part(self, part: Part, videos: frozenset[str]) -> TextModel:
        key = (part, videos)
        if key not in self.fitted:
            keep = [
                (g.split(":", 1)[1] in videos) if g.startswith("youtube:")
                else g.split(":", 1)[0] in part.extras
                for g in self.pool.groups
            ]  # fmt: skip
            rows = np.flatnonzero(keep)
            self.fitted[key] = fit_matrix(part.recipe, self.pool.where(keep), self.x[rows])
        return self.fitted[key]

    def model(self, name: str, videos: frozenset[str]) -> TextModel:
        parts = [self.part(p, videos) for p in COMMENT_CANDIDATES[name]]
        return parts[0] if len(parts) == 1 else blend(parts)

    def f1(self, name: str, videos: frozenset[str], test: str) -> tuple[float, list[str]]:
        data = self.videos[test]
        predicted = self.model(name, videos).predict(data.texts)
        return f1_score(data.labels, predicted, "spam"), predicted


def _lovo(fits: _Fits, name: str, videos: Sequence[str]) -> float:
    """Mean F1 of candidate ``name`` with each of ``videos`` held out in turn."""
    scores = [fits.f1(name, frozenset(videos) - {v}, v)[0] for v in videos]
    return float(np.mean(scores))


def evaluate_comment_spam(data_dir: Path) -> CommentSpamReport:
    """The nested leave-one-video-out figure of the comment model, each candidate's plain
    leave-one-video-out figure, and the false alarms of the chosen one on site comments."""
    started = time.perf_counter()
    videos = load_youtube(data_dir)
    fits = _Fits(videos, spam_extras(data_dir))
    names = list(videos)
    folds: list[CommentFold] = []
    for video in names:
        inside = [v for v in names if v != video]
        inner = {c: _lovo(fits, c, inside) for c in COMMENT_CANDIDATES}
        chosen = max(inner, key=lambda c: inner[c])  # ties: the first, the careful one
        f1, predicted = fits.f1(chosen, frozenset(inside), video)
        truth = videos[video].labels
        tp = sum(t == p == "spam" for t, p in zip(truth, predicted, strict=True))
        folds.append(
            CommentFold(
                video=video,
                texts=len(truth),
                inner_f1=inner,
                chosen=chosen,
                f1=f1,
                precision=tp / max(predicted.count("spam"), 1),
                recall=tp / max(truth.count("spam"), 1),
            )
        )
    overall = {c: _lovo(fits, c, names) for c in COMMENT_CANDIDATES}
    chosen = max(overall, key=lambda c: overall[c])
    comments = site_comments(data_dir)
    everything = frozenset(names)

    def alarms(model: TextModel) -> float:
        return sum(p == "spam" for p in model.predict(comments)) / max(len(comments), 1)

    return CommentSpamReport(
        protocol=(
            "nested leave-one-video-out: per held-out video, the candidate with the best "
            "leave-one-video-out F1 inside the other videos, trained on them and the "
            "candidate's extra sets, measured on the held-out video"
        ),
        folds=folds,
        mean_f1=float(np.mean([f["f1"] for f in folds])),
        candidates_f1=overall,
        chosen=chosen,
        comments=len(comments),
        false_alarms_comments=alarms(fits.model(chosen, everything)),
        false_alarms_comments_careful=alarms(fits.model("careful", everything)),
        seconds=time.perf_counter() - started,
    )


def _sets(name: str) -> list[str]:
    groups = {g for p in COMMENT_CANDIDATES[name] for g in p.extras}
    return ["youtube", *(g for g in EXTRA_GROUPS if g in groups)]


def train_comment_model(
    data_dir: Path, out_dir: Path = MODELS_DIR, report: CommentSpamReport | None = None
) -> Trained:
    """Train the comment model on every YouTube video (and its candidate's extra sets)
    and write it with its model card. The candidate is ``report``'s choice; without a
    report, the blend."""
    started = time.perf_counter()
    name = report["chosen"] if report is not None else "blend"
    videos = load_youtube(data_dir)
    fits = _Fits(videos, spam_extras(data_dir))
    counts = dict(Counter(g.split(":", 1)[0] for g in fits.pool.groups))
    counts = {g: n for g, n in counts.items() if g in _sets(name)}
    info: dict[str, object] = {
        "trained_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "command": "veille models train",
        "candidate": name,
        "parts": [
            {
                "extras": list(p.extras),
                "c": p.recipe.c,
                "balanced": p.recipe.balanced,
                "group_weights": dict(p.recipe.group_weights),
            }
            for p in COMMENT_CANDIDATES[name]
        ],  # fmt: skip
        "texts": counts,
    }
    model = fits.model(name, frozenset(videos))
    model.info = info
    path = model.save(out_dir / COMMENT_MODEL)
    licences = data_licences(data_dir, [_FOLDERS[g] for g in _sets(name)])
    card = comment_card(info, licences, path.stat().st_size, report)
    path.with_suffix(".md").write_text(card, encoding="utf-8")
    return Trained(
        path=str(path),
        bytes=path.stat().st_size + path.with_suffix(".json").stat().st_size,
        texts=counts,
        seconds=time.perf_counter() - started,
    )


def comment_card(
    info: dict[str, object], licences: dict[str, str], size: int, report: CommentSpamReport | None
) -> str:
    """The comment model's card: what it is, its data and their licences, its figures."""
    features = json.dumps(SPAM.features.to_json())
    lines = [
        f"# {COMMENT_MODEL} model",
        "",
        "Classes: ham, spam. Read for comments and replies only, by default (`[spam] "
        "comment_model = false` turns it off; posts, pages, mail and chat messages, and the "
        "comments of the team, of known authors and those the site approved, are read by the "
        "`spam` model: docs/models.md).",
        f"Candidate `{info['candidate']}`: the mean of the logits of "
        f"{len(info['parts']) if isinstance(info['parts'], list) else 1} logistic "
        f"regression(s) over hashed features (`veille.enrich.textmodel`): {features}, "
        "folded into one linear model.",
        f"File: `{COMMENT_MODEL}.npz` ({size:,} bytes) and `{COMMENT_MODEL}.json` (the "
        "settings of each part).",
        "",
        f"Trained {info['trained_at']} with `{info['command']}`.",
        "",
        "## Data",
        "",
        "| source | texts |",
        "|---|---|",
    ]
    texts = info["texts"]
    assert isinstance(texts, dict)
    lines += [f"| {k} | {v:,} |" for k, v in texts.items()]
    lines += ["", "## Licences of the data (from each folder's SOURCES.md)", ""]
    lines += [f"- `{folder}`: {licence}" for folder, licence in licences.items()]
    lines += ["", "## Held-out figures", ""] + comment_figures(report)
    return "\n".join(lines) + "\n"


def comment_figures(report: CommentSpamReport | None) -> list[str]:
    if report is None:
        return ["Not measured in this run: `veille models eval` prints them."]
    names = list(COMMENT_CANDIDATES)
    lines = [
        f"F1 of the spam class on a YouTube video held out from training, by {report['protocol']}"
        " (`veille models eval`):",
        "",
        "| held-out video | comments | "
        + " | ".join(f"inner F1 {n}" for n in names)
        + " | chosen | F1 | precision | recall |",
        "|---|---|" + "---|" * len(names) + "---|---|---|---|",
    ]
    for f in report["folds"]:
        inner = " | ".join(f"{f['inner_f1'][n]:.4f}" for n in names)
        lines.append(
            f"| {f['video']} | {f['texts']} | {inner} | {f['chosen']} | {f['f1']:.4f} | "
            f"{f['precision']:.4f} | {f['recall']:.4f} |"
        )
    cells = ["**mean**", "", *([""] * len(names)), "", f"**{report['mean_f1']:.4f}**", "", ""]
    lines.append("| " + " | ".join(cells) + " |")
    overall = ", ".join(f"{n} {v:.4f}" for n, v in report["candidates_f1"].items())
    lines += [
        "",
        f"Leave-one-video-out over every video (what chose the shipped candidate, "
        f"`{report['chosen']}`): {overall}.",
        "",
        f"False alarms on the {report['comments']} comments and replies of the recorded "
        f"WordPress exports and feeds (never trained on): {report['false_alarms_comments']:.2%}"
        f" (the careful `spam` model, which read them before: "
        f"{report['false_alarms_comments_careful']:.2%}).",
    ]
    return lines
