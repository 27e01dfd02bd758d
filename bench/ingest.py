"""Ingest benchmark (issue: foundation).

1. veille: parse + normalise + store the ten mailing-list archives of ../shared/data/scale
   into a fresh SQLite database, in a fresh process; messages/second and peak memory.
   Then, in another fresh process, the keyword index's catch-up over what was stored
   (``search.catch_up``: the first of the steps after the writes, which a full
   ``veille ingest`` runs and this measure leaves out), timed apart; both ratios are
   printed, stored and stored + indexed. Then the same ingest indexing as it stores
   (``ingest(..., index=True)``, what ``veille ingest`` does before its steps on
   members): the catch-up between the writer's transactions while the reading process
   reads on, into another fresh database.
2. The anchor, in the same run: GrimoireLab Perceval's mbox backend merely parsing the
   same archives (installed into its own virtual environment, bench/.venv-perceval;
   Perceval is GPL-3.0: used as a tool here, never imported by veille).
3. The generator → ingest rate for N activities (default 1,000,000), peak memory.

Run: ``make bench`` or ``.venv/bin/python bench/ingest.py [--activities N] [--skip-perceval]``.
Prints a Markdown table to paste into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALE = ROOT.parent / "shared" / "data" / "scale"
PERCEVAL_VENV = ROOT / "bench" / ".venv-perceval"
PERCEVAL_VERSION = "1.6.1"

MEASURE = """
import json, resource, sys, time
t0 = time.perf_counter()
{body}
elapsed = time.perf_counter() - t0
cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF,
          resource.RUSAGE_CHILDREN) for f in ("ru_utime", "ru_stime"))
print(json.dumps({{"n": n, "seconds": elapsed, "cpu": cpu,
                   "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   "child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""

VEILLE_INGEST = """
from veille.pipeline import ingest
from veille.store import Store
store = Store(sys.argv[1])
# The issue's measure is parse + normalise + store; enrichment has its own benchmark.
report = ingest(store, sys.argv[3:], enrich=False, members=False, index=sys.argv[2] == "index")
n = report.added + report.updated + report.unchanged
print(report.line(), file=sys.stderr)
"""

CATCH_UP = """
from veille.store import Store, search
store = Store(sys.argv[1])
n = search.catch_up(store.engine)
"""

PERCEVAL_PARSE = """
import logging
logging.disable(logging.CRITICAL)
from perceval.backends.core.mbox import MBox
n = 0
for folder in sys.argv[1:]:
    for _ in MBox(uri=folder, dirpath=folder).fetch():
        n += 1
"""

GENERATE = """
from veille.generate import GenerateConfig, generate
with open(sys.argv[1], "w", encoding="utf-8") as fh:
    summary = generate(GenerateConfig(members=int(sys.argv[3]), activities=int(sys.argv[2]), seed=7), fh)
n = summary.activities
"""


def measure(python: str, body: str, *args: str) -> dict[str, float]:
    code = MEASURE.format(body=textwrap.dedent(body))
    done = subprocess.run([python, "-c", code, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    if done.stderr.strip():
        print("   ", done.stderr.strip().splitlines()[-1], file=sys.stderr)
    return result


def perceval_python() -> str:
    python = PERCEVAL_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PERCEVAL_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"perceval=={PERCEVAL_VERSION}"],
            check=True,
        )
    return str(python)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--skip-perceval", action="store_true")
    parser.add_argument("--skip-generator", action="store_true")
    args = parser.parse_args()
    folders = sorted(str(p) for p in SCALE.iterdir() if p.is_dir())
    rows = []
    with tempfile.TemporaryDirectory(prefix="veille-bench-") as tmp:
        print(f"veille ingest of {len(folders)} archives ...", file=sys.stderr)
        scale = os.path.join(tmp, "scale.db")
        v = measure(sys.executable, VEILLE_INGEST, scale, "store", *folders)
        rate = v["n"] / v["seconds"]
        rows.append(("veille ingest (parse + normalise + store, SQLite)", v, rate))
        stored_mb = _size_mb(scale)
        print("keyword index catch-up ...", file=sys.stderr)
        k = measure(sys.executable, CATCH_UP, scale)
        rows.append(("keyword index catch-up of those (SQLite FTS5)", k, k["n"] / k["seconds"]))
        indexed_mb = _size_mb(scale)
        os.unlink(scale)
        print("veille ingest, indexing as it stores ...", file=sys.stderr)
        both = os.path.join(tmp, "both.db")
        vi = measure(sys.executable, VEILLE_INGEST, both, "index", *folders)
        rows.append(("veille ingest, indexing as it stores", vi, vi["n"] / vi["seconds"]))
        os.unlink(both)
        if not args.skip_perceval:
            print("Perceval mbox backend, parse only ...", file=sys.stderr)
            p = measure(perceval_python(), PERCEVAL_PARSE, *folders)
            prate = p["n"] / p["seconds"]
            rows.append((f"Perceval {PERCEVAL_VERSION} mbox backend (parse only)", p, prate))
        if not args.skip_generator:
            data = os.path.join(tmp, "generated.ndjson")
            print(f"generate {args.activities:,} activities ...", file=sys.stderr)
            members = str(max(100, args.activities // 10))
            g = measure(sys.executable, GENERATE, data, str(args.activities), members)
            rows.append(("veille generate", g, g["n"] / g["seconds"]))
            print("ingest them ...", file=sys.stderr)
            gi = measure(sys.executable, VEILLE_INGEST, os.path.join(tmp, "gen.db"), "store", data)
            rows.append(
                ("veille ingest of the generated NDJSON (SQLite)", gi, gi["n"] / gi["seconds"])
            )
            gk = measure(sys.executable, CATCH_UP, os.path.join(tmp, "gen.db"))
            rows.append(("keyword index catch-up of those", gk, gk["n"] / gk["seconds"]))
    print(f"\nMachine: {machine()}\n")
    print(f"Load average when done: {os.getloadavg()[0]:.1f}\n")
    print("| step | items | seconds | items/s | CPU seconds | peak memory (process + reading "
          "process) |\n|---|---:|---:|---:|---:|---:|")  # fmt: skip
    for name, r, rate in rows:
        mem = f"{r['peak_mb']:.0f} MB"
        if r.get("child_peak_mb"):
            mem += f" + {r['child_peak_mb']:.0f} MB"
        print(f"| {name} | {r['n']:,.0f} | {r['seconds']:.1f} | {rate:,.0f} | {r['cpu']:.1f} "
              f"| {mem} |")  # fmt: skip
    n = rows[0][1]["n"]
    print(f"\nStore: {stored_mb:.0f} MB stored, {indexed_mb:.0f} MB indexed "
          f"({indexed_mb * 1e6 / n:,.0f} bytes a message)")  # fmt: skip
    if not args.skip_perceval:
        stored, indexed, together, perceval = (r[1] for r in rows[:4])
        print(f"\nveille / Perceval, stored: {perceval['seconds'] / stored['seconds']:.1f}x; "
              f"stored, then indexed: "
              f"{perceval['seconds'] / (stored['seconds'] + indexed['seconds']):.1f}x; "
              f"indexing as it stores: {perceval['seconds'] / together['seconds']:.1f}x "
              "(target: at least 10x)")  # fmt: skip
        # Processor time is what a loaded machine distorts least (the wall time of
        # veille's two processes suffers more from other jobs than Perceval's one).
        print(f"In CPU seconds (both processes): stored {perceval['cpu'] / stored['cpu']:.1f}x; "
              f"stored, then indexed {perceval['cpu'] / (stored['cpu'] + indexed['cpu']):.1f}x; "
              f"indexing as it stores {perceval['cpu'] / together['cpu']:.1f}x")  # fmt: skip


def _size_mb(db: str) -> float:
    """The store's size on disk, its write-ahead log included."""
    return sum(os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p)) / 1e6


if __name__ == "__main__":
    main()
