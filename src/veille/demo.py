"""``veille demo``: generate a small community, ingest it into a fresh store, summarise."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from veille import settings, summary
from veille.generate import GenerateConfig, events, generate
from veille.generate import text as generated
from veille.inbox.routing import load_rules
from veille.pipeline import ingest
from veille.store import Store
from veille.store.engine import default_db_path
from veille.watch.watches import load_file


def demo_db_path() -> Path:
    return default_db_path().with_name("demo.db")


def run(
    db: str | None,
    *,
    members: int = 400,
    activities: int = 4000,
    seed: int = 1,
    echo: Callable[[str], None] = print,
) -> str:
    """Return the database used: ``db`` if given, else a fresh demo file (replaced)."""
    if db is None:
        path = demo_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        db = str(path)
    with tempfile.TemporaryDirectory(prefix="veille-demo-") as tmp:
        data = os.path.join(tmp, "community.ndjson")
        with open(data, "w", encoding="utf-8") as fh:
            made = generate(GenerateConfig(members=members, activities=activities, seed=seed), fh)
        echo(f"generated {made.activities:,} activities by {made.people:,} people")
        with Store(db) as store:
            setup = os.path.join(tmp, "settings.toml")
            with open(setup, "w", encoding="utf-8") as fh:
                fh.write(community_settings())
            settings.load(store, setup, by="demo")
            rules = os.path.join(tmp, "rules.toml")
            with open(rules, "w", encoding="utf-8") as fh:
                fh.write(DEMO_RULES)
            load_rules(store, rules, by="demo")
            watches = os.path.join(tmp, "watches.toml")
            with open(watches, "w", encoding="utf-8") as fh:
                fh.write(demo_watches(GenerateConfig(members=members, activities=activities,
                                                     seed=seed)))  # fmt: skip
            load_file(store.engine, watches, by="demo")
            report = ingest(store, [data], fmt="ndjson")
            echo(report.line())
            echo("")
            echo(summary.render(store))
    return db


def community_settings() -> str:
    """The settings a manager of the generated community would write: who the team is
    and what names the brand; and, for the demo, its six months in the inbox as work to
    do (by default what is older than a month before the newest activity comes in
    closed, as history)."""
    brand, domain = generated.BRAND, generated.DOMAIN
    return (
        "[identities]\n"
        f'team = ["@{domain}", "{brand.lower()}"]\n'
        f'team_patterns = ["\\\\({brand}\\\\)", "_{brand}$", "@ {brand}$"]\n'
        "\n[members]\n"
        f'brand_keywords = ["{brand.lower()}"]\n'
        "\n[inbox]\n"
        "open_days = 0\n"
    )


def demo_watches(config: GenerateConfig) -> str:
    """A brand watch, a topic watch and the launch campaign of the generated community."""
    brand = generated.BRAND
    launch = events(config).launch
    page = generated.LAUNCH_URL.split("?")[0]
    return (
        f'[watch.{brand.lower()}]\nterms = ["{brand.lower()}", "{generated.DOMAIN}"]\n'
        f'exclude = ["casino"]\n\n'
        '[watch.logo]\nterms = ["logo*", "rebrand*", "boycott", "#KelvioLogo"]\n\n'
        f'[campaign.{brand.lower()}-mini-launch]\nstarts = {launch:%Y-%m-%dT%H:%M:%SZ}\n'
        f'ends = {launch + timedelta(days=14):%Y-%m-%dT%H:%M:%SZ}\n'
        f'hashtags = ["{generated.LAUNCH_TAG}"]\nlinks = ["{page}"]\n'
        'utm_campaign = "kelvio-mini-launch"\nterms = ["kelvio mini"]\n'
    )


DEMO_RULES = """\
# What a community manager of the generated brand might start with.
[[rule]]
name = "the logo crisis goes to PR"
when.any_words = ["logo", "boycott", "rebrand*"]
when.sentiment = ["negative"]
then.route = "pr"
then.priority = "critical"
then.tag = ["crisis"]
stop = true

[[rule]]
name = "sales leads"
when.intent = ["purchase"]
then.route = "sales"

[[rule]]
name = "bugs to product"
when.intent = ["bug"]
then.route = "product"
then.priority = "high"

[[rule]]
name = "applications to HR"
when.intent = ["job"]
then.route = "hr"

[[rule]]
name = "press to PR"
when.intent = ["press"]
then.route = "pr"
"""
