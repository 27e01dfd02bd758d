"""A synthetic but realistic community, written as veille NDJSON (``veille generate``).

One brand (Kelvio, smart thermostats) and four channels: its blog's comments, a forum,
a mailing list and a social channel. Members have heavy-tailed activity and appear on
several channels under different names, usernames and e-mail addresses; the truth file
says which identities are the same person, so identity merging can be scored. Team
members and two bots take part; about 4% of activities are spam (link and casino spam
in Finnish, Swedish, Arabic and more); a product launch and a two-day crisis (a logo
change the community rejects, as GAP's was) stand out over weekly and daily rhythms.

Output is deterministic for a seed and streamed: activities are produced day by day in
time order with bounded state (recent threads only), so a million activities never sit
in memory. State grows with ``members`` and the identities seen, not with ``activities``.

The package: :mod:`.config` (sizes, shares, mixes, the scripted events), :mod:`.people`,
:mod:`.identities`, :mod:`.threads`, :mod:`.spam`, :mod:`.records` (the written lines),
:mod:`.community` (the day loop), over :mod:`.state`, :mod:`.rng` and the words in
:mod:`.text` and :mod:`.wording`.
"""

from __future__ import annotations

from veille.generate.community import generate
from veille.generate.config import (
    ARTICLES,
    BLOG,
    CHANNELS,
    COMMENT_MIX,
    CONTACT,
    CRISIS_BOOST,
    CRISIS_PLAN,
    CRISIS_SHARE,
    FORUM,
    HOMES,
    HOURLY,
    LAUNCH_BOOST,
    LAUNCH_PLAN,
    LAUNCH_SHARE,
    LIFE,
    LIST,
    MAX_THREADS,
    MONTHS,
    NEGATIVE,
    PLATFORMS,
    POSITIVE,
    REPLY_MIX,
    ROOT_MIX,
    SHARES,
    SOCIAL,
    SPAM_RATE,
    STAFF_INTENT,
    WEEKDAY,
    Events,
    GenerateConfig,
    GenerateSummary,
    events,
)
from veille.generate.people import STAFF_ORIGINS, WORK_DOMAINS, Person
from veille.generate.wording import fold

__all__ = [
    "ARTICLES",
    "BLOG",
    "CHANNELS",
    "COMMENT_MIX",
    "CONTACT",
    "CRISIS_BOOST",
    "CRISIS_PLAN",
    "CRISIS_SHARE",
    "FORUM",
    "HOMES",
    "HOURLY",
    "LAUNCH_BOOST",
    "LAUNCH_PLAN",
    "LAUNCH_SHARE",
    "LIFE",
    "LIST",
    "MAX_THREADS",
    "MONTHS",
    "NEGATIVE",
    "PLATFORMS",
    "POSITIVE",
    "REPLY_MIX",
    "ROOT_MIX",
    "SHARES",
    "SOCIAL",
    "SPAM_RATE",
    "STAFF_INTENT",
    "STAFF_ORIGINS",
    "WEEKDAY",
    "WORK_DOMAINS",
    "Events",
    "GenerateConfig",
    "GenerateSummary",
    "Person",
    "events",
    "fold",
    "generate",
]
