"""The model cards written beside the shipped models: what each model is, what it
learnt from under which licence, its held-out figures and how its settings were chosen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from veille.enrich.datasets import MAIL_HELD_OUT

if TYPE_CHECKING:
    from veille.enrich.training import Recipe, Report

TUNING_FILE = "sentiment.tuning.json"
"""Where ``veille models tune`` writes what it measured (beside the models)."""


def metrics(name: str, report: Report | None) -> list[str]:
    if report is None:
        return ["Not measured in this run: `veille models eval` prints them."]
    if name == "spam":
        s = report["spam"]
        lines = [
            "F1 of the spam class on a YouTube video held out from training (train on the",
            "others, SMS, Telegram and the ham sets; test on it), `veille models eval`:",
            "",
            "| held-out video | comments | F1 | precision | recall | F1, unseen texts | F1, YouTube only | TF-IDF + LR |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for f in s["folds"]:
            lines.append(
                f"| {f['video']} | {f['texts']} | {f['f1']:.4f} | {f['precision']:.4f} | "
                f"{f['recall']:.4f} | {f['f1_unseen']:.4f} | {f['f1_youtube_only']:.4f} | "
                f"{f['f1_baseline']:.4f} |"
            )
        lines.append(
            f"| **mean** | | **{s['mean_f1']:.4f}** | | | {s['mean_f1_unseen']:.4f} | "
            f"{s['mean_f1_youtube_only']:.4f} | {s['mean_f1_baseline']:.4f} |"
        )
        lines += [
            "",
            "False alarms of a model trained like this one, on real community text it never saw:",
            "",
            f"- held-out mailing lists ({s['mail_held_out']:,} messages of "
            f"{', '.join(MAIL_HELD_OUT)}): {s['false_alarms_mail']:.2%} called spam",
            f"- the recorded WordPress exports and feeds ({s['sites']:,} posts, pages, "
            f"comments and entries): {s['false_alarms_sites']:.2%} called spam",
        ]
        return lines
    r = report["sentiment"]
    lines = [
        f"Macro-F1 on the held-out {r['held_out']}, `veille models eval`:",
        "",
        "| language | macro-F1 | char n-gram TF-IDF + LR |",
        "|---|---|---|",
    ]
    for code, value in r["macro_f1"].items():
        lines.append(f"| {code} | {value:.4f} | {r['baseline_macro_f1'][code]:.4f} |")
    lines += [
        f"| **mean** | **{r['mean_macro_f1']:.4f}** | {r['baseline_mean_macro_f1']:.4f} |",
        "",
        f"- English tweets in no training set ({r['tweeteval_held_out']} of tweeteval's val): "
        f"accuracy {r['tweeteval_accuracy']:.4f}, macro-F1 {r['tweeteval_macro_f1']:.4f}",
        f"- French TV reviews, test split (positive or negative): accuracy "
        f"{r['fr_tv_test_accuracy']:.4f}",
    ]
    return lines


def tuning_section(path: Path) -> str:
    """The card's account of how the settings were chosen, from the tuning
    file (written by ``veille models tune``)."""
    lines = ["", "## How the settings were chosen", ""]
    if not path.is_file():
        lines.append("Not measured: `veille models tune` measures them.")
        return "\n".join(lines) + "\n"
    tuned = json.loads(path.read_text(encoding="utf-8"))
    candidates = tuned["candidates"]
    languages = list(next(iter(candidates.values()))["macro_f1"])
    lines += [
        f"Mean macro-F1 by {tuned['protocol']} (`veille models tune`, "
        f"{tuned['measured_at']}); ± one standard error:",
        "",
        "| candidate | " + " | ".join(languages) + " | **mean** |",
        "|---|" + "---|" * (len(languages) + 1),
    ]
    for name, r in candidates.items():
        cells = " | ".join(f"{r['macro_f1'][c]:.4f}" for c in languages)
        lines.append(
            f"| {name} | {cells} | **{r['mean_macro_f1']:.4f}** ± {r['standard_error']:.4f} |"
        )
    lines += ["", f"Best: {tuned['best']}."]
    return "\n".join(lines) + "\n"


def model_card(
    recipe: Recipe,
    info: dict[str, object],
    licences: dict[str, str],
    size: int,
    report: Report | None,
) -> str:
    """The model card: what the model is, what it learnt from under which licence, how
    well it does on data it did not see, when and how it was made."""
    texts = info["texts"]
    assert isinstance(texts, dict)
    lines = [
        f"# {recipe.name} model",
        "",
        f"Classes: {', '.join(recipe.classes)}. A linear model over hashed features "
        f"(`veille.enrich.textmodel`): {json.dumps(recipe.features.to_json())}.",
        f"Logistic regression, C = {recipe.c}"
        + (
            ", features scaled by naive-Bayes log-count ratios, one-vs-rest."
            if recipe.naive_bayes
            else "."
        ),
        *(
            [f"Lexicon prior folded into the weights: {info['lexicon']} (see below)."]
            if "lexicon" in info
            else []
        ),
        *(
            [
                f"Word vectors folded into the weights: {info['embedding']}; "
                "their licence is Apache-2.0 (the package's METADATA and LICENSE)."
            ]
            if "embedding" in info
            else []
        ),
        f"File: `{recipe.name}.npz` ({size:,} bytes) and `{recipe.name}.json`.",
        "",
        f"Trained {info['trained_at']} with `{info['command']}`.",
        "",
        "## Data",
        "",
        "| source | texts | sample weight |",
        "|---|---|---|",
    ]
    weights = dict(recipe.group_weights)
    lines += [f"| {k} | {v:,} | {weights.get(k, 1.0)} |" for k, v in texts.items()]
    lines += ["", "## Licences of the data (from each folder's SOURCES.md)", ""]
    lines += [f"- `{folder}`: {licence}" for folder, licence in licences.items()]
    lines += ["", "## Held-out figures", ""] + metrics(recipe.name, report)
    return "\n".join(lines) + "\n"
