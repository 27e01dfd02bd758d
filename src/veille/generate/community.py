"""The day loop: how many activities each day and at what second, the scripted posts of
the launch and the crisis, and what each activity is (a new thread, a reply, a comment,
a reaction, spam, a member's first message)."""

from __future__ import annotations

from bisect import bisect
from datetime import timedelta
from typing import TextIO

from veille.generate import text as T
from veille.generate.config import (
    ARTICLES,
    BLOG,
    CHANNELS,
    COMMENT_MIX,
    CRISIS_PLAN,
    CRISIS_SHARE,
    HOURLY,
    LAUNCH_PLAN,
    LAUNCH_SHARE,
    LIFE,
    MAX_THREADS,
    REPLY_MIX,
    ROOT_MIX,
    SHARES,
    SOCIAL,
    SPAM_RATE,
    STAFF_INTENT,
    GenerateConfig,
    GenerateSummary,
)
from veille.generate.people import Person
from veille.generate.rng import Rng, cum
from veille.generate.spam import Spam
from veille.generate.state import Thread
from veille.generate.threads import Threads

_SHARES = cum(SHARES)
_EVENT_CHANNELS = cum((0.15, 0.2, 0.15, 0.5))  # blog, forum, list, social
_HHMM = [f"{m // 60:02d}:{m % 60:02d}:" for m in range(1440)]
_SS = [f"{s:02d}+00:00" for s in range(60)]


def _brand_lang(rng: Rng) -> str:
    """The brand is French but writes for an international audience."""
    return "en" if rng.random() < 0.6 else "fr"


class Community(Threads, Spam):
    """The day-by-day generator; one instance writes one community."""

    # -- the main loop -------------------------------------------------------------

    def run(self) -> GenerateSummary:
        rng, edges = self.rng, [0.0]
        for h in HOURLY:
            edges.append(edges[-1] + h)
        hours = [c / edges[-1] for c in edges]
        due, members, total, acc, j = 0, len(self.members), max(1, self.cfg.activities), 0, 0
        for d, n in enumerate(self.per_day):
            self._start_day(d)
            acc += n
            while j < members and (j + 0.5) / members * total <= acc:
                j += 1
            due = min(j, self.forced)
            top = 1.0
            for left in range(n, 0, -1):
                # Ascending uniform order statistics, one at a time (no list, no sort).
                top *= rng.random() ** (1.0 / left)
                u = 1.0 - top
                h = min(23, bisect(hours, u) - 1)
                sec = min(86399, int(3600 * (h + (u - hours[h]) / (hours[h + 1] - hours[h]))))
                self.ts = self.prefix + _HHMM[sec // 60] + _SS[sec % 60]
                self.epoch = self.day_epoch + sec
                pending = due - self.g_next
                if self.sched and self.sched[-1][0] <= sec:
                    _, _, kind, a, b = self.sched.pop()
                    self._scheduled(kind, a, b)
                elif pending > 0 and rng.random() < min(0.7, pending / left):
                    self._guaranteed(self.members[self.g_next])
                    self.g_next += 1
                else:
                    self._free(d)
            self._flush()
        self._flush(final=True)
        return self.summary

    def _start_day(self, d: int) -> None:
        self.day = d
        date = self.base + timedelta(days=d)
        self.prefix = date.strftime("%Y-%m-%dT")
        self.day_epoch = int(date.timestamp())
        for pool in (*self.pools, *self.lpools.values(), self.sites):
            pool.advance(d)
        for c, threads in enumerate(self.threads):
            oldest = d - LIFE[CHANNELS[c]]
            if len(threads) > MAX_THREADS or (threads and threads[0].day < oldest):
                kept = [t for t in threads[-MAX_THREADS:] if t.day >= oldest]
                self.threads[c] = kept
        self._schedule(d, (self.base + timedelta(days=d)).weekday())

    def _schedule(self, d: int, weekday: int) -> None:
        rng, add = self.rng, []
        if d == 0:
            add.append((0, "article", "tips", "fr"))
        if weekday in (1, 3):
            art = rng.weighted(ARTICLES)
            add.append((rng.randint(7, 10) * 3600, "article", art, _brand_lang(rng)))
        if weekday < 5 and rng.random() < 0.7:
            add.append((rng.randint(9, 16) * 3600, "social", "brand", _brand_lang(rng)))
        for offset, sec, kind, a, b in LAUNCH_PLAN:
            if d == self.launch_day + offset:
                add.append((sec, kind, a, b))
        for offset, sec, kind, a, b in CRISIS_PLAN:
            day = self.crisis_day + offset
            if day >= self.cfg.days:  # no day after the crisis: back down that evening
                day, sec = self.crisis_day, sec + 5 * 3600
            if d == day:
                add.append((sec, kind, a, b))
        # Items not emitted yesterday (no activity left after their time) come first.
        carried = [(0, s[1], s[2], s[3], s[4]) for s in self.sched]
        items = carried + [(sec, i + len(carried), k, a, b) for i, (sec, k, a, b) in enumerate(add)]
        self.sched = sorted(items, key=lambda s: (s[0], s[1]), reverse=True)

    # -- what happens in one slot ---------------------------------------------------

    def _free(self, d: int) -> None:
        rng = self.rng
        if rng.random() < SPAM_RATE:
            return self._spam()
        r = rng.random()
        if self.crisis and r < CRISIS_SHARE.get(d - self.crisis_day, 0.0):
            return self._event("relief" if self.crisis == 2 and rng.random() < 0.6 else "crisis")
        if self.launched and r < LAUNCH_SHARE.get(d - self.launch_day, 0.0):
            return self._event("launch")
        self._channel(rng.index(_SHARES))

    def _channel(self, c: int) -> None:
        if c == 0:
            self._blog()
        elif c == 3:
            self._social()
        else:
            self._threaded(c)

    def _scheduled(self, kind: str, a: str, b: str) -> None:
        if kind == "article":
            self._article(a, b)
        elif kind == "social":
            self._brand_post(a, b)
        else:  # the launch announced on the forum and on the list
            body = self._text(b, "brand_launch")
            title = (
                "Kelvio Mini is here: ask us anything" if kind == "forum" else "[ANN] Kelvio Mini"
            )
            self._new_thread(1 if kind == "forum" else 2, self.brand, b, a, title, body)

    def _guaranteed(self, p: Person) -> None:
        """A member's due activity, on their home channel."""
        c, lang, rng = p.home, self._lang(p), self.rng
        if c == 0:
            if self.threads[0]:
                post = self._pick(self.threads[0])
                return self._comment(post, p, lang, rng.weighted(COMMENT_MIX[post.topic]))
            c = 1
        t = self._find(c, None, lang) if rng.random() < 0.5 else None
        if t is not None:
            self._reply(c, t, p, rng.weighted(REPLY_MIX.get(t.topic, REPLY_MIX["praise"])))
        else:
            self._new_thread(c, p, lang, rng.weighted(ROOT_MIX[CHANNELS[c]]))

    def _event(self, topic: str) -> None:
        """Part of the launch campaign or of the crisis: mostly social, on every channel."""
        rng = self.rng
        c = rng.index(_EVENT_CHANNELS)
        p = self._someone(c)
        lang = self._lang(p)
        if c == 0:
            post = self.event_posts.get(
                {"launch": "launch", "crisis": "logo"}.get(topic, "backdown")
            )
            if post is None or post.day < self.day - LIFE[BLOG]:
                return self._blog()
            return self._comment(post, p, lang, rng.weighted(COMMENT_MIX[post.topic]))
        t = self._find(c, "launch" if topic == "launch" else "crisis", lang)
        if topic == "relief":
            if t is not None:
                return self._reply(c, t, p, "relief")
            if c != 3:
                return self._channel(c)
            return self._new_thread(c, p, lang, "relief")
        if t is not None and rng.random() < 0.7:
            return self._reply(c, t, p, rng.weighted(REPLY_MIX[t.topic]))
        self._new_thread(c, p, lang, topic)

    def _threaded(self, c: int) -> None:
        """Forum or mailing list: new threads, replies, answers from the team."""
        rng, threads = self.rng, self.threads[c]
        r = rng.random()
        if c == 1 and r < 0.03 and threads and threads[-1].size == 1:
            t = threads[-1]
            if t.op.role == "member":
                return self._reply(c, t, self.bots[0], "bot")
        new = 0.24 if c == 1 else 0.32
        if not threads or r < new:
            p = self._someone(c)
            return self._new_thread(c, p, self._lang(p), rng.weighted(ROOT_MIX[CHANNELS[c]]))
        if r < new + 0.13:
            return self._team_reply(c)
        t = self._pick(threads)
        if t.size > 1 and t.op.role == "member" and rng.random() < 0.15:
            return self._reply(c, t, t.op, "thanks" if rng.random() < 0.6 else "followup")
        self._peer_reply(c, t)

    def _peer_reply(self, c: int, t: Thread) -> None:
        rng, pool = self.rng, self._lpool(c, t.lang)
        p = pool.pick(rng)
        if p is t.op:
            p = pool.pick(rng)
        if p is None:
            p = self._someone(c)
            return self._new_thread(c, p, self._lang(p), rng.weighted(ROOT_MIX[CHANNELS[c]]))
        intent = rng.weighted(REPLY_MIX.get(t.topic, REPLY_MIX["praise"]))
        self._reply(c, t, p, "followup" if p is t.op else intent)

    def _team_reply(self, c: int) -> None:
        threads = self.threads[c]
        t = next((x for x in reversed(threads[-40:]) if not x.answered and x.op.role == "member"),
                 None) or self._pick(threads)  # fmt: skip
        p = self.brand if c == 3 else self.rng.one(self.staff)
        self._reply(c, t, p, STAFF_INTENT.get(t.topic, "staff_ack"))
        t.answered = True

    def _blog(self) -> None:
        rng, threads = self.rng, self.threads[0]
        r = rng.random()
        if not threads or r < 1 / 60:
            return self._article(rng.weighted(ARTICLES), _brand_lang(rng))
        post = self._pick(threads)
        if r < 0.045:
            return self._pingback(post)
        if r < 0.14 and post.size > 1:
            return self._comment(post, rng.one(self.staff), post.lang,
                                 STAFF_INTENT.get(post.topic, "staff_ack"), reply=True)  # fmt: skip
        own = rng.random() < 0.85
        p = self._lpool(0, post.lang).pick(rng) if own else None
        p = p or self._someone(0)
        lang = post.lang if own else self._lang(p)
        if r < 0.36 and post.size > 1:
            return self._comment(post, p, lang, rng.weighted(REPLY_MIX["praise"]), reply=True)
        self._comment(post, p, lang, rng.weighted(COMMENT_MIX[post.topic]))

    def _social(self) -> None:
        rng, threads = self.rng, self.threads[3]
        r = rng.random()
        if r < 0.015 and len(self.bots) > 1:
            bot = self.bots[1]
            author = self._author(bot, 3)
            rid = self._snowflake()
            text = rng.one(T.STATUS_BOT)
            url = f"https://social.example/{author['username']}/status/{rid}"
            return self._emit(self._rec(3, rid, "post", author, text, url=url), bot, 3, "en")
        if not threads or r > 0.5:
            p = self._someone(3)
            return self._new_thread(3, p, self._lang(p), rng.weighted(ROOT_MIX[SOCIAL]))
        if r < 0.09:
            return self._team_reply(3)
        t = self._pick(threads)
        if r < 0.2:
            p = self._someone(3)
            post_id = rng.one(t.posts)[0]
            author = self._author(p, 3)
            rec = self._rec(3, self._snowflake(), "reaction", author, parent=post_id, thread=t.root)
            return self._emit(rec, p, 3, None)
        self._peer_reply(3, t)


def generate(config: GenerateConfig, out: TextIO, truth: TextIO | None = None) -> GenerateSummary:
    """Write ``config.activities`` records to ``out`` (and who is who to ``truth``)."""
    return Community(config, out, truth).run()
