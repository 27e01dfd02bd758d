"""Settings: the channels (what each holds, when it last received something) and the
live feeds ``veille sync`` polls: add one, remove one, sync now.

A sync reads the network: it runs after the answer (the page then shows each source's
last status), one at a time. Feeds are read from public addresses only, unless the
server was started with ``--private-feeds``: a manager must not make the server read
its own network."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import Response

from veille import channels, sources
from veille.cache import Cache
from veille.store import Store
from veille.web.auth import Principal, need, store_of
from veille.web.pages import see_other
from veille.web.render import render

router = APIRouter(include_in_schema=False)
Editor = Annotated[Principal, Depends(need("settings.edit"))]
PAGE = "/settings/channels"


def _page(request: Request, status: int = 200, **extra: object) -> Response:
    store = store_of(request)
    context = {"error": None, "draft": {}, "syncing": _lock(request).locked(), **extra}
    return render(request, "channels.html", status=status, channels=_channels(request),
                  sources=sources.list_sources(store), **context)  # fmt: skip


def _channels(request: Request) -> list[channels.Channel]:
    """The channels' counts, kept a minute: counting them reads an index entry per
    activity (about 0.1 s a million), too long for every look at the page. A sync from
    this page drops the copy when it ends, so what it brought in shows at once."""
    engine = store_of(request).engine
    cache: Cache[list[channels.Channel]] = request.app.state.channels
    return cache.get(str(engine.url), lambda: channels.listing(engine))


def _lock(request: Request) -> threading.Lock:
    lock: threading.Lock = request.app.state.syncing
    return lock


@router.get(PAGE)
def channels_page(request: Request, who: Editor) -> Response:
    return _page(request, started=request.query_params.get("sync"))


@router.post("/settings/sources")
def add_source(request: Request, who: Editor, name: Annotated[str, Form(max_length=200)],
               url: Annotated[str, Form(max_length=2000)],
               channel: Annotated[str, Form(max_length=300)] = "") -> Response:  # fmt: skip
    draft = {"name": name, "url": url, "channel": channel}
    try:
        if not request.app.state.private_feeds:
            sources.public_only(url.strip())
        sources.add_source(store_of(request), name, url, channel.strip() or None)
    except sources.SourceError as exc:
        return _page(request, status=400, error=str(exc), draft=draft)
    return see_other(PAGE)


@router.post("/settings/sources/remove")
def remove_source(request: Request, who: Editor,
                  name: Annotated[str, Form(max_length=200)]) -> Response:  # fmt: skip
    try:
        sources.remove_source(store_of(request), name)
    except sources.SourceError as exc:
        return _page(request, status=400, error=str(exc))
    return see_other(PAGE)


@router.post("/settings/sources/sync")
def sync(request: Request, who: Editor, tasks: BackgroundTasks,
         name: Annotated[str, Form(max_length=200)] = "") -> Response:  # fmt: skip
    """Poll every source (or one) after answering; one sync at a time."""
    store, lock = store_of(request), _lock(request)
    if name:
        try:  # an unknown name: 404 now, not a silent nothing later
            sources.get_source(store, name)
        except sources.SourceError as exc:
            raise LookupError(str(exc)) from exc
    fetch = sources.http_fetch if request.app.state.private_feeds else sources.public_fetch
    if lock.locked():
        return _page(request, status=409, error="a sync is running already: look again soon")
    tasks.add_task(_sync, store, name or None, fetch, lock, request.app.state.channels)
    return see_other(f"{PAGE}?sync=started")


def _sync(store: Store, name: str | None, fetch: sources.Fetcher, lock: threading.Lock,
          counted: Cache[list[channels.Channel]]) -> None:  # fmt: skip
    # Taken here, not by the handler: a task that never runs (the answer could not be
    # sent) must not leave it taken. Of two asked at once, the second does nothing.
    if not lock.acquire(blocking=False):
        return
    try:
        sources.sync(store, name, fetch)  # each source's status is kept with it
    finally:
        counted.forget(str(store.engine.url))
        lock.release()
