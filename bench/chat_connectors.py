"""The chat-export connectors' reading speed, and what they add to format detection.

1. Reading only (no store): a generated Slack export folder (20 channels, 100 days each,
   100 messages a day, four in five of them thread replies), a DiscordChatExporter file
   and a WhatsApp ``.txt`` of ``--messages`` messages each, read by their connector in
   this process; CPU seconds and messages per CPU second.
2. Detection: ``detect`` over every file of ``../shared/data/scale`` (the 798 mailing-list
   archives of the ingest benchmark), connectors' imports apart. Run it once with
   ``PYTHONPATH`` on the code before the chat connectors and once after, alternately, to
   see what their sniffing costs every ingest.

``PYTHONPATH=src .venv/bin/python bench/chat_connectors.py [--messages 100000] [--only FORMAT]``
(``--only``: one format per process, for its peak memory; the generation is included).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from pathlib import Path

from veille.connectors import (
    BUILTIN,
    Document,
    all_connectors,
    connector_class,
    detect,
    iter_documents,
)
from veille.model import Item

SCALE = Path(__file__).resolve().parents[2] / "shared" / "data" / "scale"


def _slack(root: Path, messages: int, rng: random.Random) -> Document:
    users = [{"id": f"U{i:05d}", "name": f"user{i}", "real_name": f"User {i}"} for i in range(500)]
    (root / "users.json").write_text(json.dumps(users))
    channels = [{"id": f"C{i:04d}", "name": f"chan{i}"} for i in range(20)]
    (root / "channels.json").write_text(json.dumps(channels))
    per_day = max(1, messages // (len(channels) * 50))
    ts = 1_600_000_000
    for channel in channels:
        (root / channel["name"]).mkdir()
        for day in range(50):
            batch: list[dict[str, str]] = []
            for k in range(per_day):
                ts += 7
                text = (
                    f"hi <@U{rng.randrange(500):05d}> see <https://example.org/{k}|this> &amp; that"
                )
                batch.append({"type": "message", "user": f"U{rng.randrange(500):05d}",
                              "text": text, "ts": f"{ts}.{k:06d}"})  # fmt: skip
                if k % 5:
                    batch[-1]["thread_ts"] = batch[0]["ts"]
            name = f"{2020 + day // 12}-{day % 12 + 1:02d}-01.json"
            (root / channel["name"] / name).write_text(json.dumps(batch))
    return Document.from_folder(root)


def _discord(path: Path, messages: int) -> Document:
    records = [
        {"id": str(10**17 + i), "type": "Default", "timestamp": "2021-01-01T00:00:00.000+00:00",
         "content": f"message {i} with a few words", "reactions": [], "attachments": [],
         "author": {"id": str(i % 500), "name": f"user{i % 500}", "discriminator": "0000"}}
        for i in range(messages)
    ]  # fmt: skip
    head = {"guild": {"id": "1", "name": "G"}, "channel": {"id": "2", "name": "c"}}
    path.write_text(json.dumps({**head, "messages": records}))
    return Document.from_path(path)


def _whatsapp(path: Path, messages: int) -> Document:
    with path.open("w", encoding="utf-8") as out:
        for i in range(messages):
            day, month = 1 + i // 4000 % 28, 1 + i // 112_000 % 12
            out.write(f"{day}/{month}/21, {i // 60 % 24}:{i % 60:02d} - User {i % 50}: msg {i}\n")
    return Document.from_path(path)


def reading(messages: int, only: str | None) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "slack"
        folder.mkdir()
        docs = {
            "slack": _slack(folder, messages, rng),
            "discord": _discord(Path(tmp) / "discord.json", messages),
            "whatsapp": _whatsapp(Path(tmp) / "chat.txt", messages),
        }
        for fmt, doc in docs.items():
            if only is not None and fmt != only:
                continue
            start = time.process_time()
            n = sum(1 for v in connector_class(fmt)().read(doc) if isinstance(v, Item))
            cpu = time.process_time() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(
                f"{fmt:9s} {n:>9,} messages  {cpu:6.2f} s CPU  {n / cpu:>9,.0f}/s  peak {peak} MB"
            )


def detection() -> None:
    docs = [d for d in iter_documents([SCALE]) if isinstance(d, Document)]
    start = time.process_time()
    all_connectors()
    imports = time.process_time() - start
    start = time.process_time()
    for doc in docs:
        detect(doc)
    print(f"detect: {len(docs)} files, {time.process_time() - start:.3f} s CPU, "
          f"connectors' imports {imports:.3f} s CPU")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--only", choices=["slack", "discord", "whatsapp"], help="one format")
    args = parser.parse_args()
    if SCALE.is_dir() and args.only is None:
        detection()  # first: it measures the connectors' imports
    if "slack" in BUILTIN:  # the code before the chat connectors has none to read with
        reading(args.messages, args.only)


if __name__ == "__main__":
    main()
