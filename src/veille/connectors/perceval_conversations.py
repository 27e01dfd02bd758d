"""Perceval backends whose one item is a whole conversation: a Discourse topic, a
StackExchange question with its answers and comments, a GitHub issue or pull request with
its comments and reviews, a GitLab issue or merge request with its notes, a Meetup event
with its comments, an Askbot question with its answers and comments.

Apart from :mod:`veille.connectors.perceval_backends` (which registers them beside the
backends of one message per item) because they share a shape those do not: one item
yields its root and every child, a child that cannot be read is rejected alone while the
others go on, every activity carries the root as its thread, and the root's ``raw``
leaves out the children that became activities themselves.
"""

from __future__ import annotations

import html as htmllib
from collections.abc import Callable, Iterator

from veille.connectors.perceval import (
    Context,
    JSONObject,
    RecordError,
    author_of,
    from_iso,
    from_millis,
    from_unix,
    ident,
    items_of,
    name,
    need,
    obj,
    string,
)
from veille.connectors.text import html_to_text
from veille.model import ActivityKind, Author, Item, Rejection, SourceStatus


# -- Discourse ---------------------------------------------------------------------------
def read_discourse(ctx: Context, topic: JSONObject) -> Iterator[Item | Rejection]:
    topic_id = ident(topic.get("id"))
    if topic_id is None:
        raise RecordError("topic without id")
    posts = items_of(obj(topic.get("post_stream")).get("posts"))
    if not posts:
        raise RecordError(f"topic {topic_id} has no posts")
    numbers: dict[int, str] = {}
    for post in posts:
        number, pid = post.get("post_number"), ident(post.get("id"))
        if isinstance(number, int) and pid is not None:
            numbers.setdefault(number, pid)
    # The first post opens the topic; if it is missing, the earliest one left stands in.
    root = numbers[min(numbers)] if numbers else None
    slug = name(topic.get("slug")) or topic_id
    base = ctx.origin.rstrip("/")
    title = name(topic.get("title"))
    topic_extra = {"topic_id": topic_id}
    category = ident(topic.get("category_id"))
    if category:
        topic_extra["category_id"] = category
    for index, post in enumerate(posts, 1):
        pid = ident(post.get("id"))
        try:
            if pid is None:
                raise RecordError("post without id")
            created = need(from_iso(post.get("created_at")), "created_at", post.get("created_at"))
            author = author_of(name=name(post.get("name")), username=name(post.get("username")))
            number = post.get("post_number")
            reply_to = post.get("reply_to_post_number")
            is_root = pid == root
            parent = None
            if not is_root:
                parent = numbers.get(reply_to, root) if isinstance(reply_to, int) else root
            cooked = string(post.get("cooked"))
            yield ctx.item(
                pid,
                ActivityKind.POST if is_root else ActivityKind.REPLY,
                created,
                author,
                post,
                text=string(post.get("raw")) or html_to_text(cooked),
                html=cooked,
                title=title if is_root else None,
                url=f"{base}/t/{slug}/{topic_id}/{number}" if isinstance(number, int) else None,
                parent_id=parent,
                thread_id=root,
                status=SourceStatus.TRASH if post.get("deleted_at") else None,
                extra=topic_extra,
            )
        except RecordError as exc:
            yield ctx.reject(f"post {pid or f'#{index}'}", str(exc), post)


# -- StackExchange -----------------------------------------------------------------------
def stack_author(post: JSONObject) -> Author:
    owner = obj(post.get("owner"))
    display = name(owner.get("display_name"))
    # Display names are not unique on StackExchange; the numeric user id is.
    return author_of(
        name=htmllib.unescape(display) if display else None,
        username=ident(owner.get("user_id")),
        url=name(owner.get("link")),
    )


def stack_text(post: JSONObject) -> tuple[str | None, str | None]:
    markdown, markup = string(post.get("body_markdown")), string(post.get("body"))
    text = htmllib.unescape(markdown) if markdown else html_to_text(markup)
    return text, markup


def stack_link(post: JSONObject) -> str | None:
    link = name(post.get("link"))
    return link if link and link.startswith(("http://", "https://")) else None


def read_stackexchange(ctx: Context, question: JSONObject) -> Iterator[Item | Rejection]:
    qid = ident(question.get("question_id"))
    if qid is None:
        raise RecordError("question without question_id")
    root = f"question-{qid}"
    answers = items_of(question.get("answers"))
    try:
        created = question.get("creation_date")
        text, markup = stack_text(question)
        title = name(question.get("title"))
        raw = {k: v for k, v in question.items() if k not in ("answers", "comments")}
        yield ctx.item(
            root,
            ActivityKind.POST,
            need(from_unix(created), "creation_date", created),
            stack_author(question),
            raw,
            text=text,
            html=markup,
            title=htmllib.unescape(title) if title else None,
            url=stack_link(question),
        )
    except RecordError as exc:
        yield ctx.reject(root, str(exc), question)
    comments = [(c, root) for c in items_of(question.get("comments"))]
    for answer in answers:
        aid = ident(answer.get("answer_id"))
        nid = f"answer-{aid}"
        comments.extend((c, nid) for c in items_of(answer.get("comments")))
        try:
            if aid is None:
                raise RecordError("answer without answer_id")
            created = answer.get("creation_date")
            text, markup = stack_text(answer)
            accepted = answer.get("is_accepted") is True
            yield ctx.item(
                nid,
                ActivityKind.REPLY,
                need(from_unix(created), "creation_date", created),
                stack_author(answer),
                {k: v for k, v in answer.items() if k != "comments"},
                text=text,
                html=markup,
                url=stack_link(answer),
                parent_id=root,
                thread_id=root,
                extra={"accepted": "true"} if accepted else None,
            )
        except RecordError as exc:
            yield ctx.reject(nid, str(exc), answer)
    for comment, holder in comments:
        cid = ident(comment.get("comment_id"))
        nid = f"comment-{cid}"
        target = ident(comment.get("post_id"))
        kind_of_target = name(comment.get("post_type"))
        parent = f"{kind_of_target}-{target}" if target and kind_of_target else holder
        try:
            if cid is None:
                raise RecordError("comment without comment_id")
            created = comment.get("creation_date")
            text, markup = stack_text(comment)
            yield ctx.item(
                nid,
                ActivityKind.COMMENT,
                need(from_unix(created), "creation_date", created),
                stack_author(comment),
                comment,
                text=text,
                html=markup,
                url=stack_link(comment),
                parent_id=parent,
                thread_id=root,
            )
        except RecordError as exc:
            yield ctx.reject(nid, str(exc), comment)


# -- GitHub ------------------------------------------------------------------------------
def github_author(record: JSONObject) -> Author:
    data, user = obj(record.get("user_data")), obj(record.get("user"))
    return author_of(
        name=name(data.get("name")),
        username=name(data.get("login")) or name(user.get("login")),
        email=name(data.get("email")),
        url=name(data.get("html_url")) or name(user.get("html_url")),
    )


def _reactions(record: JSONObject) -> dict[str, str]:
    total = obj(record.get("reactions")).get("total_count")
    return {"reactions": str(total)} if isinstance(total, int) and total else {}


def _github_children(
    ctx: Context,
    records: list[JSONObject],
    prefix: str,
    root: str,
    date_field: str,
    parent_of: Callable[[JSONObject], str],
    extra_of: Callable[[JSONObject], dict[str, str]],
) -> Iterator[Item | Rejection]:
    for record in records:
        rid = ident(record.get("id"))
        nid = f"{prefix}-{rid}"
        try:
            if rid is None:
                raise RecordError(f"{prefix} without id")
            created = record.get(date_field)
            yield ctx.item(
                nid,
                ActivityKind.COMMENT,
                need(from_iso(created), date_field, created),
                github_author(record),
                record,
                text=string(record.get("body")),
                url=name(record.get("html_url")),
                parent_id=parent_of(record),
                thread_id=root,
                extra=extra_of(record),
            )
        except RecordError as exc:
            yield ctx.reject(nid, str(exc), record)


def _github_post(
    ctx: Context, record: JSONObject, nid: str, children: tuple[str, ...], extra: dict[str, str]
) -> Iterator[Item | Rejection]:
    try:
        created = record.get("created_at")
        state = name(record.get("state"))
        yield ctx.item(
            nid,
            ActivityKind.POST,
            need(from_iso(created), "created_at", created),
            github_author(record),
            {k: v for k, v in record.items() if k not in children},
            text=string(record.get("body")),
            title=name(record.get("title")),
            url=name(record.get("html_url")),
            extra={**extra, **({"state": state} if state else {}), **_reactions(record)},
        )
    except RecordError as exc:
        yield ctx.reject(nid, str(exc), record)


def read_github_issue(ctx: Context, issue: JSONObject) -> Iterator[Item | Rejection]:
    number = ident(issue.get("number"))
    if number is None:
        raise RecordError("issue without number")
    root = f"issue-{number}"
    # The issues API lists pull requests too; they stay issues here (see module docs).
    extra = {"pull_request": "true"} if issue.get("pull_request") else {}
    yield from _github_post(ctx, issue, root, ("comments_data",), extra)
    yield from _github_children(
        ctx,
        items_of(issue.get("comments_data")),
        "issue-comment",
        root,
        "created_at",
        lambda _: root,
        _reactions,
    )


def read_github_pull(ctx: Context, pull: JSONObject) -> Iterator[Item | Rejection]:
    number = ident(pull.get("number"))
    if number is None:
        raise RecordError("pull request without number")
    root = f"pull-{number}"
    merged = {"merged": "true"} if pull.get("merged") is True else {}
    yield from _github_post(ctx, pull, root, ("reviews_data", "review_comments_data"), merged)
    reviews = items_of(pull.get("reviews_data"))
    review_ids = {i for i in (ident(r.get("id")) for r in reviews) if i}

    def review_extra(review: JSONObject) -> dict[str, str]:
        state = name(review.get("state"))
        return {"review_state": state} if state else {}

    def comment_parent(comment: JSONObject) -> str:
        replied = ident(comment.get("in_reply_to_id"))
        if replied:
            return f"review-comment-{replied}"
        review = ident(comment.get("pull_request_review_id"))
        return f"review-{review}" if review in review_ids else root

    def comment_extra(comment: JSONObject) -> dict[str, str]:
        path = name(comment.get("path"))
        return {**({"path": path} if path else {}), **_reactions(comment)}

    yield from _github_children(
        ctx, reviews, "review", root, "submitted_at", lambda _: root, review_extra
    )
    yield from _github_children(
        ctx,
        items_of(pull.get("review_comments_data")),
        "review-comment",
        root,
        "created_at",
        comment_parent,
        comment_extra,
    )


# -- GitLab ------------------------------------------------------------------------------
def gitlab_author(record: JSONObject) -> Author:
    user = obj(record.get("author"))
    return author_of(
        name=name(user.get("name")),
        username=name(user.get("username")),
        url=name(user.get("web_url")),
    )


def _award_emoji(record: JSONObject) -> dict[str, str]:
    """Award emoji counted as GitHub's reactions are; the list stays in ``raw``."""
    emoji = items_of(record.get("award_emoji_data"))
    return {"reactions": str(len(emoji))} if emoji else {}


def _read_gitlab(
    ctx: Context, record: JSONObject, prefix: str, extra: dict[str, str]
) -> Iterator[Item | Rejection]:
    iid = ident(record.get("iid"))
    if iid is None:
        raise RecordError(f"{prefix.replace('-', ' ')} without iid")
    root = f"{prefix}-{iid}"
    url = name(record.get("web_url"))
    state = name(record.get("state"))
    try:
        created = record.get("created_at")
        yield ctx.item(
            root,
            ActivityKind.POST,
            need(from_iso(created), "created_at", created),
            gitlab_author(record),
            {k: v for k, v in record.items() if k != "notes_data"},
            text=string(record.get("description")),
            title=name(record.get("title")),
            url=url,
            extra={**extra, **({"state": state} if state else {}), **_award_emoji(record)},
        )
    except RecordError as exc:
        yield ctx.reject(root, str(exc), record)
    for index, note in enumerate(items_of(record.get("notes_data")), 1):
        if note.get("system") is True:  # "closed", "mentioned in ...": GitLab's, no one's
            continue
        note_id = ident(note.get("id"))
        # Under its issue: the id alone would do on a GitLab instance, but notes of one
        # channel then cannot collide even where ids repeat (as in Perceval's recordings).
        nid = f"{root}/note-{note_id}" if note_id else f"{root}/note #{index}"
        try:
            if note_id is None:
                raise RecordError("note without id")
            created = note.get("created_at")
            yield ctx.item(
                nid,
                ActivityKind.COMMENT,
                need(from_iso(created), "created_at", created),
                gitlab_author(note),
                note,
                text=string(note.get("body")),
                url=f"{url}#note_{note_id}" if url else None,
                parent_id=root,
                thread_id=root,
                extra=_award_emoji(note),
            )
        except RecordError as exc:
            yield ctx.reject(nid, str(exc), note)


def read_gitlab_issue(ctx: Context, issue: JSONObject) -> Iterator[Item | Rejection]:
    yield from _read_gitlab(ctx, issue, "issue", {})


def read_gitlab_merge(ctx: Context, merge: JSONObject) -> Iterator[Item | Rejection]:
    merged = {"merged": "true"} if name(merge.get("state")) == "merged" else {}
    yield from _read_gitlab(ctx, merge, "merge-request", merged)


# -- Meetup ------------------------------------------------------------------------------
def meetup_author(member: JSONObject) -> Author:
    # Meetup shows a first name, often repeated; the member id is what tells people apart.
    return author_of(name=name(member.get("name")), username=ident(member.get("id")))


def _meetup_rsvps(event: JSONObject) -> dict[str, str]:
    """RSVPs counted per answer, as reactions are; who answered stays in ``raw``."""
    counts: dict[str, int] = {}
    for rsvp in items_of(event.get("rsvps")):
        answer = name(rsvp.get("response"))
        if answer:
            counts[answer] = counts.get(answer, 0) + 1
    return {f"rsvps_{answer}": str(n) for answer, n in sorted(counts.items())}


def read_meetup(ctx: Context, event: JSONObject) -> Iterator[Item | Rejection]:
    event_id = ident(event.get("id"))
    if event_id is None:
        raise RecordError("event without id")
    root = f"event-{event_id}"
    extra: dict[str, str] = {}
    group = name(obj(event.get("group")).get("urlname"))
    if group:
        extra["group"] = group
    try:
        hosts = items_of(event.get("event_hosts"))
        if not hosts:
            raise RecordError("no author (the event has no host)")
        starts = from_millis(event.get("time"))
        status = name(event.get("status"))
        markup = string(event.get("description"))
        yield ctx.item(
            root,
            ActivityKind.POST,
            need(from_millis(event.get("created")), "created", event.get("created")),
            meetup_author(hosts[0]),
            {k: v for k, v in event.items() if k != "comments"},
            text=string(event.get("plain_text_description")) or html_to_text(markup),
            html=markup,
            title=name(event.get("name")),
            url=name(event.get("link")),
            extra={
                **extra,
                **({"starts_at": starts.isoformat()} if starts else {}),
                **({"status": status} if status else {}),
                **_meetup_rsvps(event),
            },
        )
    except RecordError as exc:
        yield ctx.reject(root, str(exc), event)
    for index, comment in enumerate(items_of(event.get("comments")), 1):
        cid = ident(comment.get("id"))
        nid = f"comment-{cid}" if cid else f"{root}, comment #{index}"
        try:
            if cid is None:
                raise RecordError("comment without id")
            likes = comment.get("like_count")  # Meetup's only reaction
            liked = {"reactions": str(likes)} if isinstance(likes, int) and likes else {}
            yield ctx.item(
                nid,
                ActivityKind.COMMENT,
                need(from_millis(comment.get("created")), "created", comment.get("created")),
                meetup_author(obj(comment.get("member"))),
                comment,
                text=string(comment.get("comment")),
                url=name(comment.get("link")),
                parent_id=root,
                thread_id=root,
                extra={**extra, **liked},
            )
        except RecordError as exc:
            yield ctx.reject(nid, str(exc), comment)


# -- Askbot ------------------------------------------------------------------------------
def askbot_author(user: JSONObject) -> Author:
    if not user:
        raise RecordError("no author (Askbot names no one for a community wiki post)")
    # As on StackExchange, the numeric user id is the handle: comments give a display
    # name where posts give the user name, and the id is what both share.
    return author_of(name=name(user.get("username")), username=ident(user.get("id")))


def read_askbot(ctx: Context, question: JSONObject) -> Iterator[Item | Rejection]:
    qid = ident(question.get("id"))
    if qid is None:
        raise RecordError("question without id")
    root = f"question-{qid}"
    try:
        markup = string(question.get("summary"))
        yield ctx.item(
            root,
            ActivityKind.POST,
            need(from_unix(question.get("added_at")), "added_at", question.get("added_at")),
            askbot_author(obj(question.get("author"))),
            {k: v for k, v in question.items() if k not in ("answers", "comments")},
            text=html_to_text(markup),
            html=markup,
            title=name(question.get("title")),
            url=name(question.get("url")),
        )
    except RecordError as exc:
        yield ctx.reject(root, str(exc), question)
    comments = [(c, root) for c in items_of(question.get("comments"))]
    for index, answer in enumerate(items_of(question.get("answers")), 1):
        aid = ident(answer.get("id"))
        nid = f"answer-{aid}" if aid else f"{root}, answer #{index}"
        comments.extend((c, nid) for c in items_of(answer.get("comments")))
        try:
            if aid is None:
                raise RecordError("answer without id")
            yield ctx.item(
                nid,
                ActivityKind.REPLY,
                need(from_unix(answer.get("added_at")), "added_at", answer.get("added_at")),
                askbot_author(obj(answer.get("answered_by"))),
                {k: v for k, v in answer.items() if k != "comments"},
                # Perceval keeps the answer's text only, its HTML pieces run together.
                text=string(answer.get("summary")),
                parent_id=root,
                thread_id=root,
                extra={"accepted": "true"} if answer.get("accepted") is True else None,
            )
        except RecordError as exc:
            yield ctx.reject(nid, str(exc), answer)
    for index, (comment, holder) in enumerate(comments, 1):
        cid = ident(comment.get("id"))
        nid = f"comment-{cid}" if cid else f"{holder}, comment #{index}"
        target = ident(comment.get("object_id"))
        parent = root if target == qid else (f"answer-{target}" if target else holder)
        try:
            if cid is None:
                raise RecordError("comment without id")
            added = comment.get("comment_added_at")
            markup = string(comment.get("html"))
            yield ctx.item(
                nid,
                ActivityKind.COMMENT,
                need(from_iso(added), "comment_added_at", added),
                author_of(
                    name=name(comment.get("user_display_name")),
                    username=ident(comment.get("user_id")),
                ),
                comment,
                text=html_to_text(markup),
                html=markup,
                parent_id=parent,
                thread_id=root,
            )
        except RecordError as exc:
            yield ctx.reject(nid, str(exc), comment)
