"""Records: the NDJSON lines themselves (ids as each platform makes them, fields, blog
HTML), the truth file's lines, and the counts that make the summary."""

from __future__ import annotations

import html
from typing import TextIO

import orjson

from veille.generate import text as T
from veille.generate.config import CHANNELS, PLATFORMS
from veille.generate.people import Person
from veille.generate.state import State

_PLATFORMS = tuple(PLATFORMS.values())


class Records(State):
    """Making and writing records, buffered, in the order they happen."""

    def _next(self, c: int) -> int:
        self.seq[c] += 1
        return self.seq[c]

    def _snowflake(self) -> str:
        ms = (self.epoch - 1288834974) * 1000 + self.rng.randrange(1000)
        return str(ms << 22 | (self._next(3) & 0x3FFFFF))

    def _msgid(self, author: dict[str, str]) -> str:
        domain = author.get("email", "").partition("@")[2] or f"lists.{T.DOMAIN}"
        return f"<{self.epoch}.{self._next(2)}.{self.rng.getrandbits(24):06x}@{domain}>"

    def _archive(self) -> str:
        month = self.prefix[:7]
        return f"https://lists.{T.DOMAIN}/archives/kelvio-users/{month}/{self.seq[2]:06d}.html"

    def _rec(self, c: int, rid: str, kind: str, author: dict[str, str], text: str = "",
             markup: str = "", title: str = "", url: str = "", parent: str = "",
             thread: str = "", status: str = "") -> dict[str, object]:  # fmt: skip
        rec: dict[str, object] = {"id": rid, "channel": CHANNELS[c],
                                  "platform": _PLATFORMS[c], "kind": kind,
                                  "created_at": self.ts, "author": author}  # fmt: skip
        if text:
            rec["text"] = text
        if markup:
            rec["html"] = markup
        if title:
            rec["title"] = title
        if url:
            rec["url"] = url
        if parent:
            rec["parent_id"] = parent
            rec["thread_id"] = thread
        if status:
            rec["status"] = status
        return rec

    def _emit(self, rec: dict[str, object], p: Person, c: int, lang: str | None) -> None:
        self.buf.append(orjson.dumps(rec))
        author = rec["author"]
        # Identity objects are built once per person and channel and kept, so the object
        # itself tells whether this identity was already written to the truth file.
        if id(author) not in self.seen:
            self.seen.add(id(author))
            self.summary.identities += 1
            if self.truth is not None:
                line = {"channel": CHANNELS[c], "author": author, "person": p.pid, "role": p.role}
                self.tbuf.append(orjson.dumps(line))
        if not p.wrote:
            p.wrote = True
            self.summary.people += 1
        self.counts[c] += 1
        if lang:
            self.langs[lang] = self.langs.get(lang, 0) + 1
        if len(self.buf) >= 256:  # orjson results are over-allocated: keep few
            self._flush()

    def _html(self, paras: list[str], link: str) -> str:
        """Blog HTML: paragraphs, links, now and then an emphasis (the origin's tags)."""
        out = []
        for i, para in enumerate(paras):
            esc = html.escape(para, quote=False).replace("\n", "<br />")
            if "http" in esc:
                esc = " ".join(f'<a href="{w}" rel="nofollow">{w}</a>' if w.startswith("http")
                               else w for w in esc.split(" "))  # fmt: skip
            if link and i == len(paras) - 1:
                esc = f'<a href="{html.escape(link)}" rel="nofollow">{esc}</a>'
            elif i == 0 and self.rng.random() < 0.08:
                esc = f"<em>{esc}</em>"
            out.append(f"<p>{esc}</p>")
        return "".join(out)

    def _flush(self, final: bool = False) -> None:
        for lines, stream in ((self.buf, self.out), (self.tbuf, self.truth)):
            if lines and stream is not None:
                _write(stream, b"\n".join(lines) + b"\n")
                lines.clear()
        if final:
            s = self.summary
            s.channels = {name: n for name, n in zip(CHANNELS, self.counts, strict=True)}
            s.activities = sum(self.counts)
            s.languages = dict(sorted(self.langs.items(), key=lambda x: -x[1]))
            self.out.flush()
            if self.truth is not None:
                self.truth.flush()


def _write(stream: TextIO, data: bytes) -> None:
    """UTF-8 bytes straight to the file under a text stream, when there is one (encoding
    a million records through the text layer costs more than making them)."""
    raw = getattr(stream, "buffer", None)
    if raw is None:
        stream.write(data.decode())
    else:
        stream.flush()
        raw.write(data)
