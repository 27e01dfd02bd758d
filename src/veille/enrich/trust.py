"""Trusted authors: the spam layer's second look, once a batch is stored, at what it
questioned from the team and from authors it already knows.

- **The team** (its own accounts, its brand account and its bots) is not read by the
  spam model, and the rules that limit volume (:data:`VOLUME`: links, moderation keys,
  languages, duplicates, floods, new authors with links) do not hold it: WordPress does
  not moderate comments by its own authors, Akismet and Antispam Bee trust them, and a
  team answers many people with the same help link. The rules that name abuse
  (disallowed keys, known spam hosts and addresses, casino and pharma terms, patterns,
  link text in another language, BBCode links) still apply to everyone: a team account
  posting casino links has been taken over, and should be caught.
- **Known authors**, who have an earlier activity in the store that was not spam, are
  trusted as WordPress's "comment author must have a previously approved comment"
  trusts them: when the comment model reads comments and replies, theirs are decided
  with the careful model's probability (``known_authors = "careful"``), or the lower
  of the two models' (``"both"``), not the comment model's alone, which is for
  first-time and unknown commenters. So are comments the source says the site
  approved (``trust_approved``: a WordPress export's ``wp:comment_approved = 1``): the
  site's own moderation let them through, as it does for a known author.

What is knowable here, before the members step of the same ingest: the settings (the
``[identities]`` team list, team and bot name patterns, the bot names every community
has: :class:`veille.members.flags.Matcher`), the activity's own source data (a WordPress
export names the comments of its registered authors with their login), and what is
stored: members a previous members step flagged team or bot, members who wrote posts on
a blog channel (the site's own authors, in this run or before), earlier activities and
their spam decisions. A member first flagged team by repetition (a bot that repeats
itself) is trusted from the ingest after the one that flagged it.

Only activities the layer questioned (a score of :data:`veille.enrich.spam.MODEL_REASON`
or more) are looked at again, so the cost follows the suspects, not the batch.
Activities a manager labelled keep their label. Running it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import orjson
from sqlalchemy import Connection, bindparam, func, or_, select, update

from veille.enrich import Subject, subject_text
from veille.enrich.spam import (
    COMMENT_KINDS,
    COMMENT_MODEL,
    MODEL_REASON,
    THRESHOLD,
    probabilities,
    score,
)
from veille.members.flags import BLOG_PLATFORMS, FlagRules, Matcher
from veille.model import Author, clean_text
from veille.store.schema import (
    POSTS,
    activities,
    channels,
    enrichments,
    identities,
    members,
)

if TYPE_CHECKING:
    from veille.enrich.learned import Lessons

KNOWN_AUTHORS = ("careful", "both", "comment")
VOLUME = frozenset(
    {
        "model",
        "links",
        "moderation-key",
        "language-not-allowed",
        "duplicate-of",
        "flood",
        "new-author-with-url",
    }
)
"""Reason families that do not hold the team: the model and the limits on volume."""


def family(reason: str) -> str:
    """``links>=2`` → ``links``, ``duplicate-of:12`` → ``duplicate-of``."""
    return reason.split(":", 1)[0].split(">=", 1)[0]


@dataclass(slots=True)
class _Suspect:
    id: int
    kind: str
    created: datetime
    member: int
    handles: tuple[str, str, str]
    registered: bool
    """A login on a WordPress channel: a WXR comment by one of the site's users."""
    approved: bool
    """The source says the site approved it (a WordPress export's approved comment)."""
    score: float
    reasons: list[str]


def rescore(
    conn: Connection,
    after_id: int,
    *,
    team: FlagRules | None,
    known_authors: str,
    comment_model: bool,
    lessons: Lessons | None,
    keep: Iterable[int] = (),
    trust_team: bool = True,
    trust_approved: bool = True,
) -> int:
    """Look again at the questioned activities above ``after_id`` of the team and of
    known authors (not those of ``keep``: labelled); return how many changed."""
    kept = set(keep)
    suspects = [s for s in _suspects(conn, after_id) if s.id not in kept]
    if not suspects:
        return 0
    updates: list[dict[str, object]] = []
    ours = _team(conn, suspects, team or FlagRules()) if trust_team else set()
    for s in suspects:
        if s.member in ours:
            rules = [r for r in s.reasons if family(r) not in VOLUME]
            updates.append(_update(s, rules, 0.0))
    careful = comment_model and known_authors != "comment"
    asked = [s for s in suspects if careful and s.kind in COMMENT_KINDS and s.member not in ours]
    known = _known(conn, asked)
    if trust_approved:
        known.update(s.id for s in asked if s.approved)
    asked = [s for s in asked if s.id in known]
    if asked:
        texts = _texts(conn, [s.id for s in asked])
        subjects = [Subject(*texts[s.id], Author(), "", s.kind) for s in asked]
        p = probabilities(subjects, lessons, False, only="spam")
        if known_authors == "both":
            p = np.minimum(p, probabilities(subjects, lessons, False, only=COMMENT_MODEL))
        for s, prob in zip(asked, p.tolist(), strict=True):
            rules = [r for r in s.reasons if family(r) != "model"]
            if prob >= MODEL_REASON:
                rules.append(f"model:{prob:.2f}")
            updates.append(_update(s, rules, prob))
    changed = [u for u in updates if u["changed"]]
    if changed:
        write_spam(conn, [{k: v for k, v in u.items() if k != "changed"} for u in changed])
    return len(changed)


def _update(s: _Suspect, reasons: list[str], probability: float) -> dict[str, object]:
    total = score(reasons, probability)
    return {
        "aid": s.id,
        "spam": total >= THRESHOLD,
        "spam_score": total,
        "spam_reasons": orjson.dumps(reasons).decode(),
        "changed": reasons != s.reasons or abs(total - s.score) > 1e-9,
    }


def by_team(conn: Connection, activity_ids: Iterable[int], rules: FlagRules | None) -> set[int]:
    """The activities of ``activity_ids`` written by the team (the rules that read the
    store add no volume reason to them)."""
    ids = sorted(activity_ids)
    found = [
        s
        for start in range(0, len(ids), 500)
        for s in _suspects(conn, ids=ids[start : start + 500])
    ]
    ours = _team(conn, found, rules or FlagRules())
    return {s.id for s in found if s.member in ours}


def _suspects(conn: Connection, after_id: int = 0, ids: list[int] | None = None) -> list[_Suspect]:
    """The questioned activities above ``after_id`` (or the activities ``ids``)."""
    a, e, i, c = activities, enrichments, identities, channels
    query = (
        select(
            a.c.id, a.c.kind, a.c.created_at, i.c.id, i.c.member_id, i.c.name, i.c.username,
            i.c.email, c.c.platform, a.c.status, e.c.spam_score, e.c.spam_reasons,
        )
        .select_from(e.join(a, a.c.id == e.c.activity_id))
        .join(i, i.c.id == a.c.identity_id)
        .join(c, c.c.id == a.c.channel_id)
    )  # fmt: skip
    if ids is None:
        query = query.where(e.c.activity_id > after_id, e.c.spam_score >= MODEL_REASON)
    else:
        query = query.where(e.c.activity_id.in_(ids))
    out = []
    for (
        aid,
        kind,
        created,
        ident,
        member,
        name,
        username,
        email,
        platform,
        status,
        sc,
        why,
    ) in conn.execute(query):
        out.append(
            _Suspect(
                id=int(aid),
                kind=str(kind),
                created=created,
                # an identity not yet given a member stands for itself (negative: no clash)
                member=int(member) if member is not None else -int(ident),
                handles=(name or "", username or "", email or ""),
                registered=platform == "wordpress" and bool(username),
                approved=status == "approved",
                score=float(sc or 0.0),
                reasons=orjson.loads(why) if why else [],
            )
        )
    return out


def _team(conn: Connection, suspects: list[_Suspect], rules: FlagRules) -> set[int]:
    """The members among the suspects' authors who are the team or its bots."""
    matcher = Matcher(rules)
    ours = {
        s.member
        for s in suspects
        if s.registered or matcher.team(*s.handles) or matcher.bot(*s.handles)
    }
    wanted = sorted({s.member for s in suspects if s.member > 0} - ours)
    m, a, i = members, activities, identities
    blogs = select(channels.c.id).where(channels.c.platform.in_(BLOG_PLATFORMS))
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        flagged = select(m.c.id).where(m.c.id.in_(part), or_(m.c.is_team, m.c.is_bot))
        ours.update(int(r[0]) for r in conn.execute(flagged))
        if rules.site_authors:
            # As flags' site authors: the identities of blog channels and the partial
            # index of posts (the kind as a literal, or SQLite does not use it).
            authors = (
                select(i.c.member_id)
                .distinct()
                .join(a, a.c.identity_id == i.c.id)
                .where(i.c.member_id.in_(part), i.c.channel_id.in_(blogs), POSTS)
            )
            ours.update(int(r[0]) for r in conn.execute(authors))
    return ours


def _known(conn: Connection, suspects: list[_Suspect]) -> set[int]:
    """The suspects whose author has an earlier activity the spam layer did not question
    (not spam, and a score below :data:`MODEL_REASON`; a manager's ham label counts).
    Not merely "not spam": a spammer whose first spam slipped through just under the
    threshold would be trusted from then on (on the generated community, counting those
    caught 9 points less of its spam for one false alarm fewer)."""
    wanted = sorted({s.member for s in suspects if s.member > 0})
    a, e, i = activities, enrichments, identities
    first: dict[int, datetime] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        query = (
            select(i.c.member_id, func.min(a.c.created_at))
            .join(a, a.c.identity_id == i.c.id)
            .join(e, e.c.activity_id == a.c.id)
            .where(e.c.spam.is_(False), e.c.spam_score < MODEL_REASON)
            .where(i.c.member_id.in_(part))
            .group_by(i.c.member_id)
        )
        first.update({int(member): when for member, when in conn.execute(query)})
    return {s.id for s in suspects if s.member in first and first[s.member] < s.created}


def _texts(conn: Connection, ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """What the enricher read of each activity: its text, and its markup."""
    a = activities
    out: dict[int, tuple[str, str | None]] = {}
    for start in range(0, len(ids), 500):
        query = select(a.c.id, a.c.title, a.c.text, a.c.html).where(
            a.c.id.in_(ids[start : start + 500])
        )
        for aid, title, text, html in conn.execute(query):
            out[int(aid)] = (subject_text(title, text), clean_text(html) if html else None)
    return out


def write_spam(conn: Connection, rows: list[dict[str, object]]) -> None:
    """Store spam decisions again: rows of ``aid`` (the activity), ``spam``,
    ``spam_score`` and ``spam_reasons`` (JSON text); the other enrichments stay."""
    if rows:
        e = enrichments
        conn.execute(
            update(e)
            .where(e.c.activity_id == bindparam("aid"))
            .values(
                spam=bindparam("spam"),
                spam_score=bindparam("spam_score"),
                spam_reasons=bindparam("spam_reasons"),
            ),
            rows,
        )
