"""``veille label`` (a manager's correction) and ``veille models train|eval|tune``."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import click

DATA_HELP = "The labelled data (the project's ../shared/data layout)."


@click.command()
@click.argument("activity_id", type=int)
@click.option("--spam", "spam", flag_value="spam", help="It is spam.")
@click.option("--ham", "spam", flag_value="ham", help="It is not spam.")
@click.option(
    "--sentiment", type=click.Choice(["negative", "neutral", "positive"]), help="Its sentiment."
)
@click.option("--intent", help="Its intent (question, bug, idea, complaint, praise, ...).")
@click.option("--by", help="Who corrects (default: the user name).")
@click.option("--note", help="Why, for the team.")
@click.pass_context
def label(
    ctx: click.Context,
    activity_id: int,
    spam: str | None,
    sentiment: str | None,
    intent: str | None,
    by: str | None,
    note: str | None,
) -> None:
    """Correct what veille said of an activity (its `activity_id` in the export).

    The correction shows at once, survives re-enrichment, and the community's own spam
    and sentiment models learn from it at the next ingest or `veille enrich`."""
    from veille.enrich import labels
    from veille.store import Store

    given = [("spam", spam), ("sentiment", sentiment), ("intent", intent)]
    chosen = [(f, v) for f, v in given if v is not None]
    if not chosen:
        raise click.UsageError("say what it is: --spam, --ham, --sentiment L or --intent L")
    who = by or getpass.getuser()
    with Store(ctx.obj["db"]) as store:
        for field, value in chosen:
            try:
                labels.record(store, activity_id, field, value, by=who, note=note)
            except labels.LabelError as exc:
                raise click.ClickException(str(exc)) from None
            click.echo(f"activity {activity_id}: {field} = {value} (by {who})")


@click.group()
def models() -> None:
    """The learned models: measure them, train them (needs scikit-learn: pip install
    'veille[train]')."""


def _training() -> Any:
    try:
        from veille.enrich import training
    except ImportError as exc:
        raise click.ClickException(
            f"training needs scikit-learn ({exc.name} is missing): pip install 'veille[train]'"
        ) from None
    return training


ONLY_HELP = "Only the comment spam model (spam_comments): its figures, and its file."


def _measure(data: Path, only: str | None = None) -> Any:
    """Every figure: the learned models', and the language detector's (``only``: the
    comment spam model's)."""
    from veille.enrich import language

    if only == "spam_comments":
        return {"spam_comments": _spamtraining().evaluate_comment_spam(data)}
    report = dict(_training().evaluate_all(data))
    report["spam_comments"] = _spamtraining().evaluate_comment_spam(data)
    report["language"] = language.evaluate(data)
    return report


def _spamtraining() -> Any:
    _training()  # the same dependencies, the same message when they are missing
    from veille.enrich import spamtraining

    return spamtraining


@models.command("eval")
@click.option("--data", "data", required=True, envvar="VEILLE_TRAINING_DATA", type=click.Path(
    exists=True, file_okay=False, path_type=Path), help=DATA_HELP)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--only", type=click.Choice(["spam_comments"]), help=ONLY_HELP)
def evaluate(data: Path, as_json: bool, only: str | None) -> None:
    """Measure every model on data it was not trained on (the figures of docs/models.md)."""
    report = _measure(data, only)
    click.echo(json.dumps(report, indent=2) if as_json else report_text(report))


@models.command("train")
@click.option("--data", "data", required=True, envvar="VEILLE_TRAINING_DATA", type=click.Path(
    exists=True, file_okay=False, path_type=Path), help=DATA_HELP)  # fmt: skip
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the models (default: the package's own models folder).",
)
@click.option("--only", type=click.Choice(["spam_comments"]), help=ONLY_HELP)
def train(data: Path, out: Path | None, only: str | None) -> None:
    """Measure, then train the shipped models on all their data, with model cards."""
    training = _training()
    report = _measure(data, only)
    options = {} if out is None else {"out_dir": out}
    trained = {} if only else training.train_all(data, report=report, **options)
    trained["spam_comments"] = _spamtraining().train_comment_model(
        data, report=report["spam_comments"], **options
    )
    click.echo(report_text(report))
    for name, t in trained.items():
        click.echo(f"{name}: {t['path']} ({t['bytes']:,} bytes, {t['seconds']:.0f} s)")


@models.command("tune")
@click.option("--data", "data", required=True, envvar="VEILLE_TRAINING_DATA", type=click.Path(
    exists=True, file_okay=False, path_type=Path), help=DATA_HELP)  # fmt: skip
@click.argument("candidates", nargs=-1)
def tune(data: Path, candidates: tuple[str, ...]) -> None:
    """Compare sentiment settings by cross-validation inside the training data (never the
    held-out split) and write models/sentiment.tuning.json, which the model card quotes.

    Slow: some minutes a candidate. Naming CANDIDATES measures only those and keeps the
    file's figures for the others."""
    _training()
    from veille.enrich import tuning

    try:
        tuned = tuning.tune(data, list(candidates))
    except tuning.TuneError as exc:
        raise click.UsageError(str(exc)) from None
    for name, r in tuned["candidates"].items():
        click.echo(f"{name:<20} mean macro-F1 {r['mean_macro_f1']:.4f} ± {r['standard_error']:.4f}")
    click.echo(f"best: {tuned['best']}")


def report_text(report: Any) -> str:
    """The figures of ``veille models eval``, for a person."""
    lines = []
    spam = report.get("spam")
    if spam:  # not with --only spam_comments
        lines.append("spam: F1 of the spam class, each YouTube video held out in turn")
        for f in spam["folds"]:
            lines.append(
                f"  {f['video']:<10} F1 {f['f1']:.4f}  precision {f['precision']:.4f}  "
                f"recall {f['recall']:.4f}  (TF-IDF + LR {f['f1_baseline']:.4f})"
            )
        lines.append(
            f"  mean       F1 {spam['mean_f1']:.4f}  (TF-IDF + LR {spam['mean_f1_baseline']:.4f})"
        )
        lines.append(
            f"  false alarms: {spam['false_alarms_mail']:.2%} of {spam['mail_held_out']:,} held-out "
            f"mailing-list messages, {spam['false_alarms_sites']:.2%} of {spam['sites']:,} site contents"
        )
    comments = report.get("spam_comments")
    if comments:
        lines.append("spam, comments and replies: F1 by nested leave-one-video-out")
        for f in comments["folds"]:
            lines.append(
                f"  {f['video']:<10} F1 {f['f1']:.4f}  precision {f['precision']:.4f}  "
                f"recall {f['recall']:.4f}  (chosen inside: {f['chosen']})"
            )
        lines.append(
            f"  mean       F1 {comments['mean_f1']:.4f}  (shipped candidate: {comments['chosen']})"
        )
        lines.append(
            f"  false alarms: {comments['false_alarms_comments']:.2%} of "
            f"{comments['comments']} site comments and replies (careful model: "
            f"{comments['false_alarms_comments_careful']:.2%})"
        )
    sentiment = report.get("sentiment")
    if sentiment:
        lines.append(f"sentiment: macro-F1 on the held-out {sentiment['held_out']}")
        for code, value in sentiment["macro_f1"].items():
            lines.append(
                f"  {code}  {value:.4f}  (char TF-IDF + LR {sentiment['baseline_macro_f1'][code]:.4f})"
            )
        lines.append(
            f"  mean {sentiment['mean_macro_f1']:.4f}  (char TF-IDF + LR "
            f"{sentiment['baseline_mean_macro_f1']:.4f})"
        )
    language = report.get("language")
    if language:
        lines.append(f"language: share of items given their language ({language['source']})")
        lines.append(
            "  set           " + "  ".join(f"{c:>5}" for c in language["languages"]) + "   mean"
        )
        for kind in ("sentences", "word_pairs", "single_words"):
            values = "  ".join(f"{language[kind][c]:.3f}" for c in language["languages"])
            lines.append(f"  {kind:<13} {values}  {language[kind + '_mean']:.4f}")
    return "\n".join(lines)


@click.group()
def settings() -> None:
    """The community's settings (spam rules for now), kept in the store."""


@settings.command("load")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--by", help="Who changes them (default: the user name).")
@click.pass_context
def settings_load(ctx: click.Context, path: str, by: str | None) -> None:
    """Load a TOML settings file; each section in it replaces the stored one."""
    from veille import settings as lib
    from veille.store import Store

    with Store(ctx.obj["db"]) as store:
        try:
            sections = lib.load(store, path, by=by or getpass.getuser())
        except lib.SettingsError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"loaded [{'], ['.join(sections)}] from {path}")


@settings.command("show")
@click.pass_context
def settings_show(ctx: click.Context) -> None:
    """Print the settings in force (stored, or the defaults), as TOML."""
    from veille import settings as lib
    from veille.store import Store

    with Store(ctx.obj["db"]) as store:
        current = lib.show(store)
    for section, values in current.items():
        click.echo(f"[{section}]")
        for key, value in values.items():
            click.echo(f"{key} = {toml_value(value)}")


def toml_value(value: Any) -> str:
    """A setting as TOML writes it (tables inline, keys quoted when they must be)."""
    if isinstance(value, dict):
        items = ", ".join(
            f"{k if k.replace('_', '').replace('-', '').isalnum() else json.dumps(k)} = "
            f"{toml_value(v)}"
            for k, v in value.items()
        )
        return "{" + items + "}" if items else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
