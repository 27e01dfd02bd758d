"""Spam rules that read what is already stored, run once a batch is in the store:

- ``duplicate-of:<activity id>``: the same words were posted before by someone else or
  elsewhere (Discourse refuses duplicate posts; spam runs copy one text everywhere). The
  same message filed twice (a mail cross-posted to two lists keeps its Message-ID) is
  not a duplicate;
- ``flood``: the same author's previous comment is less than :attr:`HistoryRules.
  flood_seconds` older (WordPress's comment flood interval, 15 s by default);
- ``new-author-with-url``: the author's first activity, with a link in it (Discourse
  limits new users' links; weighed low: newcomers share links too);
- then the team's and known authors' questioned activities are looked at again
  (:mod:`veille.enrich.trust`).

Each adds its reason and weight (:data:`veille.enrich.spam.WEIGHTS`) to the activity's
spam score as one more piece of independent evidence. Activities a manager labelled
keep the label's decision. Running it again changes nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import aliased

from veille.enrich import labels as labelling
from veille.enrich import trust
from veille.enrich.spam import THRESHOLD, score
from veille.members.flags import FlagRules
from veille.store import Store
from veille.store.schema import activities, enrichments, identities


@dataclass(frozen=True, slots=True)
class HistoryRules:
    """The settings of the rules that read the store."""

    flood_seconds: int = 15
    flood_kinds: tuple[str, ...] = ("comment", "reply")
    """Chat and mail come in quick bursts by nature; comment forms do not."""
    duplicate_kinds: tuple[str, ...] = ("post", "comment", "reply", "message", "mention")
    new_author_kinds: tuple[str, ...] = ("post", "comment", "reply", "message", "mention")
    trust_team: bool = True
    """The team's own accounts are not read by the spam model, nor held by the rules
    that limit volume (:mod:`veille.enrich.trust`)."""
    trust_approved: bool = True
    """Comments the source says the site approved are read as a known author's."""
    known_authors: str = "careful"
    """Whose probability counts for the comments and replies of an author with an
    earlier accepted activity, when the comment model reads comments: ``careful`` (the
    careful model's), ``both`` (the lower of the two models'), ``comment`` (the comment
    model's, as for a first-time author)."""


def review(
    store: Store,
    after_id: int = 0,
    rules: HistoryRules | None = None,
    rewritten_since: datetime | None = None,
    *,
    comment_model: bool = False,
    team: FlagRules | None = None,
) -> int:
    """Check the activities stored with an id above ``after_id``, then look again at
    what the team and known authors wrote (:mod:`veille.enrich.trust`: ``team`` is the
    ``[identities]`` settings, ``comment_model`` whether comments were read by the
    comment model); re-apply the labels (of every labelled activity, or, with
    ``rewritten_since``, of those whose enrichment the run rewrote from that time: the
    cost then does not grow with the labels). Return how many activities changed."""
    rules = rules or HistoryRules()
    if rules.known_authors not in trust.KNOWN_AUTHORS:
        raise ValueError(
            f"known_authors must be one of {', '.join(trust.KNOWN_AUTHORS)}, "
            f"not {rules.known_authors!r}"
        )
    careful = comment_model and rules.known_authors != "comment"
    lessons = labelling.lessons(store) if careful else None
    with store.engine.begin() as conn:
        found: dict[int, list[str]] = {}
        for activity_id, reason in [
            *_duplicates(conn, after_id, rules),
            *_floods(conn, after_id, rules),
            *_new_authors(conn, after_id, rules),
        ]:
            found.setdefault(activity_id, []).append(reason)
        if rules.trust_team and found:
            # The team is not held by the limits on volume (duplicates, floods, new
            # authors with links): its activities never get those reasons.
            for aid in trust.by_team(conn, found, team):
                found[aid] = [r for r in found[aid] if trust.family(r) not in trust.VOLUME]
        keep = labelling.labelled(conn)
        changed = _add_reasons(conn, found, keep)
        changed += trust.rescore(
            conn,
            after_id,
            team=team,
            known_authors=rules.known_authors,
            comment_model=comment_model,
            lessons=lessons,
            keep=keep,
            trust_team=rules.trust_team,
            trust_approved=rules.trust_approved,
        )
        labelling.apply(conn, rewritten_since=rewritten_since)
    return changed


def _duplicates(conn: Connection, after_id: int, rules: HistoryRules) -> list[tuple[int, str]]:
    """New activities whose text an earlier activity already had (not a cross-post of
    the same message: the same native id in another channel)."""
    e, a = enrichments, activities
    e2, a2 = aliased(enrichments), aliased(activities)
    fresh = select(e.c.text_hash).where(e.c.activity_id > after_id, e.c.text_hash.is_not(None))
    # The first holder of each hash the new activities have, by the hash index:
    # copies of one text can be thousands, comparing them pairwise would not end.
    firsts = (
        select(e2.c.text_hash, func.min(e2.c.activity_id).label("first"))
        .where(e2.c.text_hash.in_(fresh.scalar_subquery()))
        .group_by(e2.c.text_hash)
        .subquery()
    )
    query = (
        select(e.c.activity_id, firsts.c.first, a.c.native_id, a2.c.native_id)
        .join(firsts, firsts.c.text_hash == e.c.text_hash)
        .join(a, a.c.id == e.c.activity_id)
        .join(a2, a2.c.id == firsts.c.first)
        .where(
            e.c.activity_id > after_id,
            firsts.c.first < e.c.activity_id,
            a.c.kind.in_(rules.duplicate_kinds),
        )
    )
    return [
        (int(aid), f"duplicate-of:{int(first)}")
        for aid, first, native, first_native in conn.execute(query)
        if native != first_native
    ]


def _floods(conn: Connection, after_id: int, rules: HistoryRules) -> list[tuple[int, str]]:
    if rules.flood_seconds <= 0:
        return []
    a = activities
    window = timedelta(seconds=rules.flood_seconds)
    fresh = select(a.c.identity_id).where(a.c.id > after_id, a.c.kind.in_(rules.flood_kinds))
    # Every comment of the authors who just wrote, in time order: each new one is
    # checked against the one before it, stored earlier or in this run.
    rows = conn.execute(
        select(a.c.id, a.c.identity_id, a.c.created_at)
        .where(a.c.identity_id.in_(fresh.scalar_subquery()), a.c.kind.in_(rules.flood_kinds))
        .order_by(a.c.identity_id, a.c.created_at, a.c.id)
    ).all()
    out: list[tuple[int, str]] = []
    for (_, who_before, before), (aid, who, created) in itertools.pairwise(rows):
        if aid > after_id and who == who_before and created - before < window:
            out.append((int(aid), "flood"))
    return out


def _new_authors(conn: Connection, after_id: int, rules: HistoryRules) -> list[tuple[int, str]]:
    a, e, i = activities, enrichments, identities
    b, j = aliased(activities), aliased(identities)
    earlier = (
        select(b.c.id)
        .join(j, j.c.id == b.c.identity_id)
        .where(
            j.c.member_id == i.c.member_id,
            (b.c.created_at < a.c.created_at)
            | ((b.c.created_at == a.c.created_at) & (b.c.id < a.c.id)),
        )
        .exists()
    )
    query = (
        select(a.c.id)
        .join(e, e.c.activity_id == a.c.id)
        .join(i, i.c.id == a.c.identity_id)
        .where(a.c.id > after_id, a.c.kind.in_(rules.new_author_kinds), e.c.links > 0)
        .where(~earlier)
    )
    return [(int(aid), "new-author-with-url") for (aid,) in conn.execute(query)]


def _add_reasons(conn: Connection, found: dict[int, list[str]], keep: Iterable[int]) -> int:
    """Add the reasons each activity does not have yet; rescore."""
    e = enrichments
    kept = set(keep)
    ids = [aid for aid in found if aid not in kept]
    changed = 0
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        rows = conn.execute(
            select(e.c.activity_id, e.c.spam_score, e.c.spam_reasons)
            .select_from(e)
            .where(e.c.activity_id.in_(part))
        ).all()
        updates = []
        for aid, stored_score, stored in rows:
            reasons: list[str] = orjson.loads(stored) if stored else []
            families = {r.split(":", 1)[0] for r in reasons}
            new = [r for r in found[int(aid)] if r.split(":", 1)[0] not in families]
            if not new:
                continue
            total = score(new, float(stored_score or 0.0))
            updates.append(
                {
                    "aid": aid,
                    "spam": total >= THRESHOLD,
                    "spam_score": total,
                    "spam_reasons": orjson.dumps(reasons + new).decode(),
                }
            )
        trust.write_spam(conn, updates)
        changed += len(updates)
    return changed
