"""The tables, declared once with SQLAlchemy Core.

Migrations under ``migrations/versions`` create these; a test checks that the migrated
database and this metadata agree. Core, not the ORM: ingestion writes in batches and
the ORM's unit of work would cost more than it gives here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# 64-bit ids on PostgreSQL (millions of members, tens of millions of activities);
# SQLite's INTEGER PRIMARY KEY is already 64-bit and must stay plain INTEGER to be the rowid.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out, on every database.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so values are stored as
    naive UTC and given their zone back on the way out. Naive values are refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQL paths on SQLite
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


channels = Table(
    "channels",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("platform", String(40), nullable=False),
    Column("url", Text),
    Column("created_at", UTCDateTime, nullable=False),
)

members = Table(
    "members",
    metadata,
    Column("id", Id, primary_key=True),
    Column("display_name", Text),
    Column("created_at", UTCDateTime, nullable=False),
    # Set by identity resolution (veille.members.flags): bots and the team are kept out
    # of engagement metrics and segments by default; ``flags`` says why (JSON list).
    Column("is_bot", Boolean, nullable=False, default=False, server_default="0"),
    Column("is_team", Boolean, nullable=False, default=False, server_default="0"),
    Column("flags", Text),
    # the few flagged members are read at every members step
    Index("ix_members_is_team", "is_team"),
    Index("ix_members_is_bot", "is_bot"),
)

identities = Table(
    "identities",
    metadata,
    Column("id", Id, primary_key=True),
    Column("channel_id", Id, ForeignKey("channels.id"), nullable=False),
    Column("key", String(400), nullable=False),
    Column("name", Text),
    Column("username", Text),
    Column("email", Text),
    Column("url", Text),
    Column("member_id", Id, ForeignKey("members.id"), index=True),
    Column("created_at", UTCDateTime, nullable=False),
    # The platform marks the account a bot or an integration (veille.model.Author.bot).
    # No Python default: the writer leaves the column out (and sets it afterwards for
    # the few bots), so that a store at an older revision still takes an ingest (the
    # migration tests ingest into one).
    Column("is_bot", Boolean, nullable=False, server_default="0"),
    UniqueConstraint("channel_id", "key"),
)

UNLINKED_PARENT = text("parent_native_id IS NOT NULL AND parent_activity_id IS NULL")
UNLINKED_THREAD = text("thread_native_id IS NOT NULL AND thread_activity_id IS NULL")
POSTS = text("kind = 'post'")

activities = Table(
    "activities",
    metadata,
    Column("id", Id, primary_key=True),
    Column("channel_id", Id, ForeignKey("channels.id"), nullable=False),
    Column("native_id", String(500), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("identity_id", Id, ForeignKey("identities.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    Column("title", Text),
    Column("text", Text),
    Column("html", Text),
    Column("url", Text),
    Column("parent_native_id", String(500)),
    Column("thread_native_id", String(500)),
    # The ids of the activities those two name, once stored (NULL until then): the
    # members step reads threads by integer key. Filled by the writer, also when a
    # parent arrives after its replies. No foreign key: a store migrated to these
    # columns gets them by ALTER TABLE, not by copying the whole table.
    Column("parent_activity_id", Id),
    Column("thread_activity_id", Id),
    Column("status", String(20)),
    Column("format", String(20), nullable=False),
    Column("origin", Text),
    Column("raw", Text),
    Column("content_hash", String(32), nullable=False),
    Column("ingested_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("channel_id", "native_id"),
    # Replies point at their parent and thread by native id: a join on the unique
    # (channel_id, native_id) index resolves them, so storing a reply before its parent
    # never needs a second write of the row.
    Index("ix_activities_channel_id_thread_native_id", "channel_id", "thread_native_id"),
    # An author's activities in time order, read from the index alone (their last one).
    Index("ix_activities_identity_id_created_at", "identity_id", "created_at"),
    # The direct replies to an activity, and what its thread holds, by integer key.
    Index("ix_activities_parent_activity_id", "parent_activity_id"),
    Index("ix_activities_thread_activity_id", "thread_activity_id"),
    # Only the references still waiting for what they name: when it arrives, the
    # writer finds them here, whichever thread they claim.
    Index(
        "ix_activities_unlinked_parent",
        "channel_id",
        "parent_native_id",
        sqlite_where=UNLINKED_PARENT,
        postgresql_where=UNLINKED_PARENT,
    ),
    # Each author's posts (an eighth of the activities): whether the touched identities
    # of a blog wrote posts there (the site's authors), without their comments.
    Index("ix_activities_posts", "identity_id", sqlite_where=POSTS, postgresql_where=POSTS),
    Index(
        "ix_activities_unlinked_thread",
        "channel_id",
        "thread_native_id",
        sqlite_where=UNLINKED_THREAD,
        postgresql_where=UNLINKED_THREAD,
    ),
)

enrichments = Table(
    "enrichments",
    metadata,
    # One row per activity, apart from it: re-enriching (a new model, a manager's
    # correction) rewrites these narrow rows, never the activity with its text and raw.
    Column("activity_id", Id, ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("language", String(8), index=True),
    Column("language_confidence", Float),
    Column("sentiment", String(10)),
    Column("sentiment_score", Float),
    Column("spam", Boolean),
    Column("spam_score", Float),
    Column("spam_reasons", Text),
    Column("intent", String(20)),
    Column("intent_score", Float),
    Column("keywords", Text),
    Column("html_safe", Text),
    Column("links", Integer),
    # A hash of the text as read, normalised (case, spaces); NULL for texts too short to
    # call a copy a duplicate. Duplicate-post checks look copies up by it.
    Column("text_hash", String(16), index=True),
    Column("enriched_at", UTCDateTime, nullable=False),
)

labels = Table(
    "labels",
    metadata,
    # A community manager's correction of what the enrichers said; never rewritten, the
    # newest label of an activity and field wins. They override the enrichment at once
    # and are what the community's own models learn from.
    Column("id", Id, primary_key=True),
    Column("activity_id", Id, ForeignKey("activities.id", ondelete="CASCADE"), nullable=False),
    Column("field", String(20), nullable=False),
    Column("value", String(20), nullable=False),
    Column("labelled_by", String(200), nullable=False),
    Column("labelled_at", UTCDateTime, nullable=False),
    Column("note", Text),
    Index("ix_labels_activity_id_field", "activity_id", "field"),
)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", Id, primary_key=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("paths", Text, nullable=False),
    Column("format", String(20), nullable=False),
    Column("added", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    Column("status", String(20), nullable=False),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Id, primary_key=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("run_id", Id, ForeignKey("ingest_runs.id")),
    Column("file", Text, nullable=False),
    Column("record", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("excerpt", Text),
    Column("fatal", Boolean, nullable=False, default=False),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
)

feed_sources = Table(
    "feed_sources",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("channel", String(300)),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_synced_at", UTCDateTime),
    Column("last_status", Text),
    Column("followed_from", Id, ForeignKey("feed_sources.id")),
    Column("created_at", UTCDateTime, nullable=False),
)

settings = Table(
    "settings",
    metadata,
    # A community's settings, one JSON object per section (veille.settings).
    Column("section", String(50), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(200), nullable=False),
)

identity_keys = Table(
    "identity_keys",
    metadata,
    # Blocking keys of an identity (normalised e-mail, profile URL, username, folded
    # name tokens...): candidate pairs are identities sharing a key, looked up by index,
    # never all pairs. Written by veille.members.resolve.
    Column("identity_id", Id, ForeignKey("identities.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(12), primary_key=True),
    Column("value", String(400), primary_key=True),
    Index("ix_identity_keys_kind_value", "kind", "value"),
)

identity_pairs = Table(
    "identity_pairs",
    metadata,
    # A scored candidate pair (identity_a < identity_b): merged automatically, offered
    # as a suggestion, accepted or rejected by a manager. A rejected pair stays rejected.
    Column("identity_a", Id, ForeignKey("identities.id", ondelete="CASCADE"), primary_key=True),
    Column("identity_b", Id, ForeignKey("identities.id", ondelete="CASCADE"), primary_key=True),
    Column("confidence", Float, nullable=False),
    Column("reasons", Text, nullable=False),
    Column("status", String(10), nullable=False, index=True),
    Column("decided_by", String(200)),
    Column("updated_at", UTCDateTime, nullable=False),
)

identity_texts = Table(
    "identity_texts",
    metadata,
    # How many of an identity's activities carry each text (the enrichments'
    # ``text_hash``), kept between members steps so the repeated-text bot test adds the
    # new activities' texts instead of reading each author's whole history
    # (veille.store.texts, which also keeps the per-identity sums below).
    Column("identity_id", Id, ForeignKey("identities.id", ondelete="CASCADE"), primary_key=True),
    Column("text_hash", String(16), primary_key=True),
    Column("copies", Integer, nullable=False),
)

identity_text_totals = Table(
    "identity_text_totals",
    metadata,
    # Per identity: activities with an enrichment row, those with a text hash, and their
    # distinct hashes: the bot test's share of repeated texts without reading the rows above.
    Column("identity_id", Id, ForeignKey("identities.id", ondelete="CASCADE"), primary_key=True),
    Column("enriched", Integer, nullable=False),
    Column("hashed", Integer, nullable=False),
    Column("distinct_texts", Integer, nullable=False),
)

merges = Table(
    "merges",
    metadata,
    # Every merge, never rewritten: which identities moved from which member to which,
    # why, and by whom; undoing it sets ``undone_at`` and moves them back.
    Column("id", Id, primary_key=True),
    Column("member_id", Id, ForeignKey("members.id"), nullable=False, index=True),
    Column("from_member_id", Id, ForeignKey("members.id"), nullable=False),
    Column("identity_ids", Text, nullable=False),
    Column("confidence", Float),
    Column("reasons", Text, nullable=False),
    Column("merged_by", String(200), nullable=False),
    Column("merged_at", UTCDateTime, nullable=False),
    Column("undone_at", UTCDateTime),
    Column("undone_by", String(200)),
)

member_stats = Table(
    "member_stats",
    metadata,
    # What veille.members.engagement and .segments computed for a member, one narrow row
    # each, recomputed for the members an ingest touched. JSON columns hold lists/maps.
    Column("member_id", Id, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("activity_count", Integer, nullable=False),
    Column("counts", Text),
    Column("first_seen", UTCDateTime),
    Column("last_seen", UTCDateTime),
    Column("active_30", Integer),
    Column("active_90", Integer),
    Column("active_365", Integer),
    Column("replies_given", Integer),
    Column("replies_received", Integer),
    Column("partners", Integer),
    Column("threads_started", Integer),
    Column("brand_interactions", Integer),
    Column("love", Float),
    Column("reach", Integer),
    Column("orbit_level", Integer),
    Column("segment", String(20), index=True),
    Column("segment_reasons", Text),
    Column("onion", String(10)),
    Column("cohort", String(20)),
    Column("talent_topics", Text),
    Column("computed_at", UTCDateTime, nullable=False),
    # Activity in the typology window (also in ``counts``): the onion and the top
    # quarter rank every placed member by it after each ingest, from this index alone.
    Column("window_activities", Integer),
    # What the next incremental step adds to (veille.members.kept): counters and lists
    # as bytes, read and written only for the members a step touches.
    Column("state", LargeBinary),
    Index(
        "ix_member_stats_placed",
        "segment",
        "member_id",
        "window_activities",
        "first_seen",
        "last_seen",
        "onion",
        "cohort",
    ),
    # The onion and the top quarter count the placed members per window activity, and
    # read the members of one value, from this index (veille.members.segments.ladder).
    Index("ix_member_stats_window", "window_activities", "segment", "member_id"),
)

member_talents = Table(
    "member_talents",
    metadata,
    # A member's talents (veille.members.talents): the topics at ``talent_min_score``
    # points or more and their points (JSON), and a 64-bit fingerprint of the talent
    # topics they rank first. A topic's rarity counts the members holding it: each
    # members step reads every row, and rewrites the members whose topics moved.
    Column("member_id", Id, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("points", Text, nullable=False),
    Column("ranked", BigInteger, nullable=False),
)

inbox_items = Table(
    "inbox_items",
    metadata,
    # One row per activity that needs a human (not spam, not the team's own, not a
    # reaction); its workflow state. ``version`` grows with every change: a change made
    # on a stale version is refused, so two managers never overwrite each other.
    Column("activity_id", Id, ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("status", String(12), nullable=False),
    Column("department", String(50)),
    Column("assignee", String(200)),
    Column("priority", String(10), nullable=False),
    Column("tags", Text),
    Column("rules_applied", Text),
    Column("snoozed_until", UTCDateTime),
    Column("first_response_at", UTCDateTime),
    Column("received_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    # What the routing learnt from the managers proposes (veille.inbox.learning).
    Column("proposed_department", String(50)),
    Column("proposed_confidence", Float),
    Index("ix_inbox_items_status_received_at", "status", "received_at"),
    # Pages are newest first: these let a filtered page walk the newest items and stop
    # after one page, instead of sorting every open item.
    Index("ix_inbox_items_received_at", "received_at"),
    Index("ix_inbox_items_department_received_at", "department", "received_at"),
    Index("ix_inbox_items_assignee_received_at", "assignee", "received_at"),
)

inbox_events = Table(
    "inbox_events",
    metadata,
    # The audit trail of the inbox, never rewritten: who did what to which item, when
    # and why (a rule's name, a manager's note, an answer's text).
    Column("id", Id, primary_key=True),
    Column("activity_id", Id, ForeignKey("activities.id", ondelete="CASCADE"), nullable=False),
    Column("action", String(20), nullable=False),
    Column("from_status", String(12)),
    Column("to_status", String(12)),
    Column("by", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("note", Text),
    Column("data", Text),
    Index("ix_inbox_events_activity_id_id", "activity_id", "id"),
    # The newest event of a kind (a routing by hand, an assignment in turn): 0013.
    Index("ix_inbox_events_action_id", "action", "id"),
)

departments = Table(
    "departments",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("label", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    # Messages to people outside veille (a webhook, a Slack channel, an e-mail address):
    # queued, sent with retries and backoff; one that could not be delivered stays
    # visible as failed, with the last error, never silently dropped.
    Column("id", Id, primary_key=True),
    Column("target", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("data", Text),
    Column("source", String(100), nullable=False),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("next_attempt_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Index("ix_notifications_status_next_attempt_at", "status", "next_attempt_at"),
)

alerts = Table(
    "alerts",
    metadata,
    # One alert per episode (a spike, updated while it grows), with its evidence: the
    # series it fired on, the baseline, and the activities that made it.
    Column("id", Id, primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("detected_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("metric", String(30), nullable=False),
    Column("baseline", Float, nullable=False),
    Column("observed", Float, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("series", Text),
    Column("status", String(12), nullable=False),
    Column("backtest", Boolean, nullable=False),
    Column("acknowledged_by", String(200)),
    Column("resolved_by", String(200)),
    Index("ix_alerts_kind_subject_status", "kind", "subject", "status"),
)


def _named_query(name: str) -> Table:
    # A watch (or a campaign: the same plus its dates) is a named query, kept as JSON in
    # ``spec``; ``matched_to`` is the highest activity id it has been run on.
    return Table(
        name,
        metadata,
        Column("id", Id, primary_key=True),
        Column("name", String(200), nullable=False, unique=True),
        Column("spec", Text, nullable=False),
        Column("starts_at", UTCDateTime),
        Column("ends_at", UTCDateTime),
        Column("created_at", UTCDateTime, nullable=False),
        Column("created_by", String(200), nullable=False),
        Column("matched_to", Id, nullable=False),
    )


watches = _named_query("watches")
campaigns = _named_query("campaigns")

watch_hits = Table(
    "watch_hits",
    metadata,
    # What each watch (kind "watch") or campaign (kind "campaign") matched, with the
    # activity's time (``at``: seconds since the epoch) so that series and reports read
    # only this index.
    Column("kind", String(10), primary_key=True),
    Column("owner_id", Id, primary_key=True),
    Column("activity_id", Id, ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("at", BigInteger, nullable=False),
    Index("ix_watch_hits_owner_time", "kind", "owner_id", "at"),
)

users = Table(
    "users",
    metadata,
    # People who use the workbench (veille.users). ``departments`` (a JSON list) are the
    # queues a department member sees; only an argon2 hash of the password is kept.
    Column("id", Id, primary_key=True),
    Column("email", String(200), nullable=False, unique=True),
    Column("role", String(12), nullable=False),
    Column("departments", Text, nullable=False),
    Column("locale", String(5), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False, default=True, server_default="1"),
    Column("created_at", UTCDateTime, nullable=False),
)

user_sessions = Table(
    "user_sessions",
    metadata,
    # A signed-in browser: the SHA-256 of its cookie's token (the token itself is never
    # stored), the CSRF token its forms carry, and when it expires.
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    # A script's bearer token, by its SHA-256 only: shown once when made.
    Column("id", Id, primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    # Every sign-in attempt, for rate limiting: failures per e-mail and per address in a
    # recent window are counted by these indexes.
    Column("id", Id, primary_key=True),
    Column("email", String(200), nullable=False),
    Column("address", String(64), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_login_attempts_email_at", "email", "at"),
    Index("ix_login_attempts_address_at", "address", "at"),
)

watch_hours = Table(
    "watch_hours",
    metadata,
    # Hourly counts per subject (all, channel:NAME, watch:NAME, campaign:NAME) kept
    # between the live detector's looks (veille.watch.hourly): it recounts only the
    # hours that new activities can have changed.
    Column("subject", String(300), primary_key=True),
    Column("hour", BigInteger, primary_key=True),
    Column("volume", Integer, nullable=False),
    Column("negative", Integer, nullable=False),
    Index("ix_watch_hours_hour", "hour"),
)
