"""What a generated community is made of, as data: its size (:class:`GenerateConfig`),
what was written (:class:`GenerateSummary`), the scripted events, and the channel
shares, conversation mixes and rhythms the generator draws from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from veille.generate import text as T

BLOG, FORUM, LIST, SOCIAL = "kelvio-blog", "kelvio-forum", "kelvio-users", "kelvio-social"
CHANNELS = (BLOG, FORUM, LIST, SOCIAL)
PLATFORMS = {BLOG: "blog", FORUM: "forum", LIST: "mailing-list", SOCIAL: "social"}
# Share of activities per channel (same order as CHANNELS) and of members' home channel.
SHARES = (0.17, 0.30, 0.18, 0.35)
HOMES = (0.15, 0.30, 0.17, 0.38)
SPAM_RATE = 0.04
WEEKDAY = (1.0, 1.06, 1.05, 1.0, 0.88, 0.52, 0.47)
HOURLY = (2, 1.2, 0.8, 0.6, 0.6, 1, 2.5, 5, 8, 10, 10.5, 10, 9, 9.5, 10, 10, 9.5, 9, 8.5, 8.5,
          8, 7, 5, 3.5)  # fmt: skip
MAX_THREADS = 300
LIFE = {BLOG: 40, FORUM: 14, LIST: 10, SOCIAL: 3}  # days a thread still gets replies
ROOT_MIX = {
    FORUM: {"question": 38, "bug": 25, "idea": 15, "complaint": 8, "praise": 5, "purchase": 5,
            "job": 1, "press": 1, "partner": 2},
    LIST: {"question": 40, "bug": 20, "idea": 15, "complaint": 6, "praise": 4, "purchase": 5,
           "job": 3, "press": 3, "partner": 4},
    SOCIAL: {"question": 15, "bug": 12, "idea": 8, "complaint": 20, "praise": 25, "purchase": 12,
             "job": 3, "press": 2, "partner": 3},
}  # fmt: skip
ARTICLES = {"release": 3, "tips": 3, "hiring": 1, "feedback": 2, "event": 1, "story": 2}
COMMENT_MIX = {
    "release": {"chat": 25, "question": 25, "bug": 25, "praise": 15, "idea": 10},
    "tips": {"chat": 50, "question": 25, "praise": 15, "idea": 10},
    "hiring": {"job": 60, "chat": 25, "question": 15},
    "feedback": {"idea": 55, "want": 10, "chat": 10, "complaint": 15, "disagree": 10},
    "event": {"chat": 50, "question": 30, "praise": 20},
    "story": {"chat": 50, "question": 30, "praise": 20},
    "launch": {"launch": 60, "purchase": 20, "question": 20},
    "logo": {"crisis": 90, "agree": 10},
    "backdown": {"relief": 80, "chat": 20},
}
REPLY_MIX = {
    "question": {"peer": 75, "metoo": 25},
    "bug": {"metoo": 50, "peer": 35, "followup": 15},
    "idea": {"want": 45, "agree": 15, "disagree": 25, "idea": 15},
    "complaint": {"agree": 35, "metoo": 25, "complaint": 15, "disagree": 10, "peer": 15},
    "praise": {"agree": 40, "praise": 60},
    "purchase": {"purchase": 50, "agree": 50},
    "launch": {"launch": 100},
    "crisis": {"crisis": 75, "agree": 25},
}
STAFF_INTENT = {
    "question": "staff_help",
    "bug": "staff_help",
    "purchase": "staff_contact",
    "job": "staff_contact",
    "press": "staff_contact",
    "partner": "staff_contact",
}
CONTACT = {"purchase": "sales", "job": "jobs", "press": "press", "partner": "partners"}
NEGATIVE = {"bug", "complaint", "crisis", "followup", "disagree"}
POSITIVE = {"praise", "thanks", "relief", "launch"}
MONTHS = "January February March April May June July August September October November December"
LAUNCH_BOOST = {-1: 1.2, 0: 2.0, 1: 1.6, 2: 1.3, 3: 1.15}
CRISIS_BOOST = {0: 3.2, 1: 2.6, 2: 1.4, 3: 1.1}
LAUNCH_SHARE = {0: 0.4, 1: 0.3, 2: 0.2, 3: 0.12, 4: 0.08, 5: 0.06, 6: 0.05}
CRISIS_SHARE = {0: 0.6, 1: 0.5, 2: 0.2, 3: 0.08}
# Scripted posts: (day relative to the launch or the crisis, second of the day, what, ...).
LAUNCH_PLAN = (
    (-2, 39600, "social", "teaser", "en"),
    (-2, 39900, "social", "teaser", "fr"),
    (0, 32400, "article", "launch", "en"),
    (0, 32700, "social", "brand_launch", "en"),
    (0, 33000, "social", "brand_launch", "fr"),
    (0, 33300, "forum", "launch", "en"),
    (0, 33600, "list", "launch", "en"),
)
CRISIS_PLAN = (
    (0, 27000, "social", "brand_logo", "en"),
    (0, 27300, "social", "brand_logo", "fr"),
    (0, 27600, "article", "logo", "en"),
    (1, 54000, "article", "backdown", "en"),
    (1, 54300, "social", "brand_backdown", "en"),
    (1, 54600, "social", "brand_backdown", "fr"),
)


@dataclass(frozen=True)
class GenerateConfig:
    """How big a community to write: ``members`` people (team, brand account and bots
    included) and exactly ``activities`` records over ``days`` UTC days, the first being
    the UTC date of ``start`` (which must be timezone-aware)."""

    members: int = 500
    activities: int = 5000
    seed: int = 1
    start: datetime = datetime(2026, 1, 1, tzinfo=timezone.utc)
    days: int = 180


@dataclass
class GenerateSummary:
    """What was written. ``people`` counts distinct persons in the truth file (members
    who wrote at least once, plus spam senders); ``languages`` counts records by the
    language of their text (reactions have none)."""

    activities: int
    identities: int
    people: int
    spam: int
    channels: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Events:
    """When the scripted events are planned (records follow at the next activity)."""

    launch: datetime
    crisis: datetime
    backdown: datetime
    launch_hashtag: str = T.LAUNCH_TAG
    crisis_hashtag: str = T.CRISIS_TAG
    campaign_url: str = T.LAUNCH_URL


def day0(config: GenerateConfig) -> datetime:
    """UTC midnight of the first day."""
    start = config.start.astimezone(timezone.utc)
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


def event_days(days: int) -> tuple[int, int]:
    """The days (counted from 0) of the launch and of the crisis."""
    return min(days - 1, round(days * 0.35)), min(days - 1, round(days * 0.7))


def events(config: GenerateConfig) -> Events:
    """The launch, the crisis (the new logo) and the brand backing down, for ``config``."""
    launch, crisis = event_days(config.days)
    base = day0(config)
    return Events(
        launch=base + timedelta(days=launch, hours=9),
        crisis=base + timedelta(days=crisis, hours=7, minutes=30),
        backdown=base + timedelta(days=crisis + 1, hours=15),
    )
