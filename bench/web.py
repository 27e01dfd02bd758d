"""Web workbench benchmark (issue 7): pages under load on SQLite.

1. A store of N activities (default 1,000,000): a generated community ingested with
   everything (enrichment, members, inbox), or ``--db PATH``, the store of an earlier
   run (migrated on open).
2. ``veille serve`` in its own process on loopback, its dashboard computed once at
   start (as ``veille serve`` does) before the clock starts.
3. ``--users`` (default 20) managers signed in, each asking for a page, reading it for
   ``--think`` seconds (default 1 to 2, drawn anew each time, as locust's
   ``between(1, 2)``; ``--think 0`` hammers), and asking for the next, for ``--seconds``:
   the dashboard, the inbox list, the inbox with an item open, a filtered inbox.
   Latency per page (median, p95, worst), errors.

Targets (issue 7): dashboard p95 < 300 ms, inbox page p95 < 100 ms, no error.

Run: ``.venv/bin/python bench/web.py [--activities N | --db PATH] [--users 20]
[--seconds 60]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from veille import users  # noqa: E402
from veille.generate import GenerateConfig, generate  # noqa: E402
from veille.pipeline import ingest  # noqa: E402
from veille.store import Store  # noqa: E402
from veille.store.schema import inbox_items  # noqa: E402

PASSWORD = "bench password, long enough"
TARGETS = {"dashboard": 300.0, "inbox": 100.0, "inbox item": 100.0, "inbox filtered": 100.0}


def build(path: Path, activities: int) -> None:
    data = path.with_suffix(".ndjson")
    with open(data, "w", encoding="utf-8") as fh:
        generate(GenerateConfig(members=max(400, activities // 10), activities=activities,
                                seed=7), fh)  # fmt: skip
    t0 = time.perf_counter()
    with Store(str(path)) as store:
        report = ingest(store, [str(data)])
    print(f"ingested: {report.line()} in {time.perf_counter() - t0:.0f} s")
    data.unlink()


def sessions(db: str, n: int) -> tuple[list[str], list[int]]:
    """``n`` managers' session cookies, and some open items to look at."""
    with Store(db) as store:
        tokens = []
        for i in range(n):
            email = f"bench-{i}@example.org"
            try:
                user = users.by_email(store.engine, email)
            except users.UserError:
                user = users.add(store.engine, email, PASSWORD, "manager")
            tokens.append(users.open_session(store.engine, user).token)
        with store.engine.connect() as conn:
            items = [int(r[0]) for r in conn.execute(
                select(inbox_items.c.activity_id).where(inbox_items.c.status == "new")
                .order_by(inbox_items.c.received_at.desc()).limit(200))]  # fmt: skip
    return tokens, items


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: str, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "veille", "--db", db, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start")


async def user(base: str, token: str, items: list[int], until: float, seed: int,
               think: tuple[float, float], out: dict[str, list[float]],
               errors: list[str]) -> None:  # fmt: skip
    rng = random.Random(seed)
    pages = [("dashboard", "/"), ("inbox", "/inbox"), ("inbox item", None),
             ("inbox filtered", "/inbox?language=fr&sentiment=negative")]  # fmt: skip
    async with httpx.AsyncClient(base_url=base, cookies={"veille_session": token},
                                 timeout=60) as client:  # fmt: skip
        await asyncio.sleep(rng.uniform(0, think[1]))  # people do not all start at once
        while time.monotonic() < until:
            name, url = rng.choice(pages)
            if url is None:
                url = f"/inbox?item={rng.choice(items)}"
            t0 = time.perf_counter()
            r = await client.get(url)
            took = (time.perf_counter() - t0) * 1000
            if r.status_code != 200:
                errors.append(f"{url}: {r.status_code}")
            out.setdefault(name, []).append(took)
            await asyncio.sleep(rng.uniform(*think))


async def load(base: str, tokens: list[str], items: list[int], seconds: float,
               think: tuple[float, float]) -> tuple[dict[str, list[float]], list[str], float]:  # fmt: skip
    out: dict[str, list[float]] = {}
    errors: list[str] = []
    t0 = time.monotonic()
    await asyncio.gather(*(user(base, t, items, t0 + seconds, i, think, out, errors)
                           for i, t in enumerate(tokens)))  # fmt: skip
    return out, errors, time.monotonic() - t0


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--db", help="the SQLite store of an earlier run")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 2.0), metavar=("MIN", "MAX"),
                        help="seconds a user reads a page before the next (0 0: none)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="veille-web-bench-"))
    db = args.db or str(work / "veille.db")
    if not args.db:
        build(Path(db), args.activities)
    tokens, items = sessions(db, args.users)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(db, port)
    try:
        t0 = time.perf_counter()
        warm = httpx.get(base + "/", cookies={"veille_session": tokens[0]}, timeout=600)
        assert warm.status_code == 200, warm.status_code
        print(f"first dashboard (computed once, then kept): {time.perf_counter() - t0:.1f} s")
        out, errors, took = asyncio.run(load(base, tokens, items, args.seconds, tuple(args.think)))
    finally:
        server.terminate()
        server.wait(30)
    total = sum(len(v) for v in out.values())
    print(f"\n{args.users} users (reading each page {args.think[0]:g}-{args.think[1]:g} s) for "
          f"{took:.0f} s on {platform.machine()}, "
          f"{os.cpu_count()} cores: {total:,} pages, {total / took:.0f} pages/s, "
          f"{len(errors)} errors\n")  # fmt: skip
    print("| page | requests | median ms | p95 ms | worst ms | target p95 |\n|---|---|---|---|---|---|")
    for name in TARGETS:
        v = out.get(name, [])
        if v:
            print(f"| {name} | {len(v):,} | {statistics.median(v):.0f} | {p95(v):.0f} | "
                  f"{max(v):.0f} | < {TARGETS[name]:.0f} |")  # fmt: skip
    for e in errors[:10]:
        print("error:", e)


if __name__ == "__main__":
    main()
