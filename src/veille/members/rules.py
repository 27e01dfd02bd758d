"""The thresholds and weights of engagement and segments, as one frozen value.

Every number :mod:`.engagement` and :mod:`.segments` use lives here with its default,
so a community tunes them in the ``[members]`` section of its settings file and the
reasons given for each member quote the same numbers::

    [members]
    window_days = 180                    # the typology and the onion look this far back
    brand_keywords = ["kelvio"]          # a mention of these is brand interaction
    brand_channels = ["kelvio-blog"]     # everything there is brand interaction
    half_life_days = 90                  # love halves every 90 days
    [members.weights]                    # love per activity, by kind
    post = 3
    [members.channel_weights]            # multipliers per channel name (default 1)
    kelvio-forum = 1.5

:func:`from_mapping` checks such a section whole and names the key and the reason of
the first thing wrong.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from veille.enrich.intent import INTENTS

KINDS = ("post", "comment", "reply", "message", "pingback", "trackback", "mention", "reaction")
"""Activity kinds, in the order engagement codes them."""

SEGMENTS = ("networkers", "communicators", "participants", "reserved", "consultative", "dormant")
"""The typology's segments, in the order reports list them."""

ONION = ("core", "regular", "casual")
COHORTS = ("new", "active", "recently_inactive", "churned", "returning")


def _weights() -> dict[str, float]:
    # Orbit's idea: starting something weighs more than answering, answering more than
    # mentioning, and a reaction least.
    return {
        "post": 3.0,
        "message": 2.0,
        "comment": 2.0,
        "reply": 2.0,
        "mention": 1.5,
        "pingback": 1.0,
        "trackback": 1.0,
        "reaction": 0.5,
    }


@dataclass(frozen=True)
class MemberRules:
    """How members are measured and placed. Defaults suit a community of a few
    thousand people over six months; every value is documented where it is declared."""

    # -- windows -------------------------------------------------------------------------
    window_days: int = 180
    """The typology and the onion count the activity of the last ``window_days``."""

    # -- love (Orbit) and Orbit levels ---------------------------------------------------
    weights: dict[str, float] = field(default_factory=_weights)
    """Love per activity, by kind (kinds left out weigh 0)."""
    channel_weights: dict[str, float] = field(default_factory=dict)
    """Multipliers of love per channel name; channels left out count 1."""
    half_life_days: float = 90.0
    """Love from an activity halves every ``half_life_days``."""
    orbit_1_love: float = 40.0
    """Love for Orbit level 1 (ambassadors); the team is level 0."""
    orbit_2_love: float = 12.0
    """Love for level 2 (fans)."""
    orbit_3_love: float = 3.0
    """Love for level 3 (users); below it, level 4 (observers)."""

    # -- the typology --------------------------------------------------------------------
    high_activities: int = 12
    """High engagement: at least this many activities in the window..."""
    high_days: int = 6
    """... on at least this many distinct days (steadiness, not one burst)."""
    medium_activities: int = 3
    """Medium engagement: at least this many activities in the window..."""
    medium_days: int = 2
    """... on at least this many distinct days. Less is low engagement."""
    reserved_reactions: float = 0.5
    """Below high engagement, members whose activity is at least this share of reactions
    mostly react: reserved."""
    brand_share: float = 0.5
    """Highly engaged members with at least this share of brand interaction in the window
    are networkers, the others communicators."""
    consultative_intents: tuple[str, ...] = ("question",)
    """Intents of asking the brand for help or information."""
    consultative_share: float = 0.5
    """Below high engagement, members with at least this share of their window activity
    asking (``consultative_intents``) and at least one question put to the brand are
    consultative."""
    brand_keywords: tuple[str, ...] = ()
    """Words whose mention (case-insensitive, in the title or text) is brand interaction."""
    brand_channels: tuple[str, ...] = ()
    """Channel names that are the brand's own: every activity there is brand interaction.
    Replies to the team, activity in threads the team started and mentions of a team
    member's @username are brand interaction wherever they are."""
    mentions: bool = True
    """Read ``@username`` mentions in texts (reach, brand interaction)."""

    # -- the onion (GrimoireLab) ---------------------------------------------------------
    onion_core: float = 0.80
    """The most active members who together make this share of the window's activity
    are the core..."""
    onion_regular: float = 0.95
    """... the next ones up to this share are regulars; the rest are casual."""

    # -- cohorts (Common Room) -----------------------------------------------------------
    cohort_days: int = 30
    """New: first seen in the last ``cohort_days``; active: seen in them; churned: not."""
    inactive_min_days: int = 7
    """Recently inactive: silent at least this many days..."""
    inactive_max_days: int = 28
    """... and at most this many ..."""
    inactive_top_share: float = 0.25
    """... after being among this share of the most active members of the window."""
    return_gap_days: int = 60
    """Returning: active in the last ``cohort_days`` after at least this many silent days
    before them (and first seen before the silence)."""

    # -- talents -------------------------------------------------------------------------
    talent_min_score: int = 3
    """A topic is a member's talent when answers to others' questions on it, thanks for
    them, threads on it others joined and replies received on it add up to this."""
    talent_max_topics: int = 5
    """At most this many talent topics per member, strongest first."""

    # -- who is measured -----------------------------------------------------------------
    include_team: bool = False
    """Place the team in the typology, onion and cohorts (their Orbit level stays 0)."""
    include_bots: bool = False
    """Place bots like members, and count their replies and mentions."""

    def as_mapping(self) -> dict[str, Any]:
        """Every rule as JSON-ready values (what ``veille settings show`` prints)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = list(v) if isinstance(v, tuple) else dict(v) if isinstance(v, dict) else v
        return out


_INTS = {"window_days", "high_activities", "high_days", "medium_activities", "medium_days",
         "cohort_days", "inactive_min_days", "inactive_max_days", "return_gap_days",
         "talent_min_score", "talent_max_topics"}  # fmt: skip
_FLOATS = {"half_life_days", "orbit_1_love", "orbit_2_love", "orbit_3_love"}
_SHARES = {"reserved_reactions", "brand_share", "consultative_share", "onion_core",
           "onion_regular", "inactive_top_share"}  # fmt: skip
_BOOLS = {"mentions", "include_team", "include_bots"}
_LISTS = {"consultative_intents", "brand_keywords", "brand_channels"}
_TABLES = {"weights", "channel_weights"}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def from_mapping(data: Mapping[str, Any], where: str) -> MemberRules:
    """The rules of a ``[members]`` settings section; a :class:`ValueError` naming
    ``where`` (the file), the key and the reason when anything is wrong."""
    known = {f.name for f in dataclasses.fields(MemberRules)}
    values: dict[str, Any] = {}

    def fail(key: str, reason: str) -> ValueError:
        return ValueError(f"{where}: [members] {key} {reason}")

    for key, value in data.items():
        if key not in known:
            raise ValueError(
                f"{where}: [members] has no setting {key!r} (known: {', '.join(sorted(known))})"
            )
        if key in _INTS:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise fail(key, "must be a whole number >= 1")
        elif key in _FLOATS:
            if not _number(value) or value <= 0:
                raise fail(key, "must be a number > 0")
            value = float(value)
        elif key in _SHARES:
            if not _number(value) or not 0 < value <= 1:
                raise fail(key, "must be a number between 0 (excluded) and 1")
            value = float(value)
        elif key in _BOOLS:
            if not isinstance(value, bool):
                raise fail(key, "must be true or false")
        elif key in _LISTS:
            if not isinstance(value, list | tuple) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                raise fail(key, "must be a list of non-empty strings")
            value = tuple(v.strip() for v in value)
            if key == "consultative_intents":
                unknown = [v for v in value if v not in INTENTS]
                if unknown:
                    raise fail(key, f"has unknown intents {unknown} (known: {', '.join(INTENTS)})")
            if key == "brand_keywords":
                value = tuple(v.lower() for v in value)
        elif key in _TABLES:
            if not isinstance(value, Mapping):
                raise fail(key, "must be a table of names and numbers")
            table: dict[str, float] = {}
            for name, w in value.items():
                if key == "weights" and name not in KINDS:
                    raise fail(f"{key}.{name}", f"is not an activity kind ({', '.join(KINDS)})")
                if not _number(w) or w < 0:
                    raise fail(f"{key}.{name}", "must be a number >= 0")
                table[str(name)] = float(w)
            if key == "weights":  # kinds left out keep their default weight
                table = {**_weights(), **table}
            value = table
        values[key] = value

    rules = MemberRules(**values)
    if not rules.onion_core < rules.onion_regular:
        raise fail("onion_core", "must be below onion_regular")
    if not rules.orbit_1_love > rules.orbit_2_love > rules.orbit_3_love:
        raise fail("orbit_1_love", "orbit_1_love > orbit_2_love > orbit_3_love must hold")
    if rules.medium_activities > rules.high_activities or rules.medium_days > rules.high_days:
        raise fail("medium_activities", "and medium_days may not exceed the high ones")
    if rules.inactive_min_days >= rules.inactive_max_days:
        raise fail("inactive_min_days", "must be below inactive_max_days")
    return rules
