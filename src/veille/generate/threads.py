"""Threads: opening one (forum topic, list message, social post, blog article), replies
and comments that quote, thank, agree or push back, and the text shapes of each channel
(a short social post, a greeted and signed e-mail)."""

from __future__ import annotations

from datetime import timedelta

from veille.generate import text as T
from veille.generate.config import CONTACT, MAX_THREADS, MONTHS, NEGATIVE, POSITIVE
from veille.generate.identities import Identities
from veille.generate.people import Person
from veille.generate.records import Records
from veille.generate.state import Entry, Thread
from veille.generate.wording import cap, fold, slug, variants

_PEER = {"peer", "metoo", "agree", "want", "disagree"}


class Threads(Identities, Records):
    """Records that open or continue a thread."""

    def _text(self, lang: str, section: str, ctx: dict[str, str] | None = None) -> str:
        """A wording from ``section``; for a thread opener, its body."""
        text = self.rng.one(variants(lang, section)).rpartition(" | ")[2]
        return cap(text.format_map(ctx)) if ctx and "{" in text else text

    def _new_thread(self, c: int, p: Person, lang: str, topic: str, title: str = "",
                    body: str = "") -> None:  # fmt: skip
        rng = self.rng
        if not body:
            title, _, body = rng.one(variants(lang, topic)).partition(" | ")
            if not body:
                title, body = "", title
            if p.flat:
                title, body = fold(title), fold(body)
        author = self._author(p, c)
        member = p.role == "member"
        if c == 3:
            rid, title = self._snowflake(), ""
            text = self._short(body, lang, topic, True) if member else body
            url = f"https://social.example/{author['username']}/status/{rid}"
            kind = "mention" if "@kelvio" in text else "post"
            rec = self._rec(3, rid, kind, author, text, url=url)
        elif c == 1:
            tid = self._next(1)
            rid, url = f"{tid}/1", f"https://forum.{T.DOMAIN}/t/{slug(title)}/{tid}"
            text = self._long(body, lang, topic, p, False) if member else body
            rec = self._rec(1, rid, "post", author, text, title=title, url=url)
        else:
            rid, title = self._msgid(author), f"[kelvio-users] {title}"
            text = self._long(body, lang, topic, p, True)
            rec = self._rec(2, rid, "message", author, text, title=title, url=self._archive())
        t = Thread(rid, lang, topic, title, url if c != 2 else "", self.day, p)
        t.posts.append(self._entry(rid, p, author, c, body))
        if not member:
            t.size = 4  # the brand's own posts draw more replies
        self._keep(c, t)
        self._emit(rec, p, c, lang)

    def _reply(self, c: int, t: Thread, p: Person, intent: str) -> None:
        rng = self.rng
        parent = self._parent(t.posts[-1] if rng.random() < 0.65 else rng.one(t.posts),
                              t.posts, p, intent)  # fmt: skip
        ctx = {"user": t.posts[0][2] if intent == "bot" else parent[2]}
        if intent == "staff_contact":
            ctx["contact"] = f"{CONTACT.get(t.topic, 'hello')}@{T.DOMAIN}"
        body = self._text(t.lang, intent, ctx)
        if p.flat:
            body = fold(body)
        author = self._author(p, c)
        t.size += 1
        t.count += 1
        if c == 1:
            rid = f"{t.root.partition('/')[0]}/{t.count}"
            rec = self._rec(1, rid, "reply", author, body, url=f"{t.url}/{t.count}",
                            parent=parent[0], thread=t.root)  # fmt: skip
        elif c == 2:
            rid, re = self._msgid(author), rng.one(T.VOCAB[t.lang]["re"])[0]
            text = f"{body}\n\n{self._sign(p, t.lang)}"
            if rng.random() < 0.5:
                header = rng.one(T.TEXTS[t.lang]["quote"])
                when = parent[4][:16].replace("T", " ")
                text += "\n\n" + header.format(date=when, name=parent[2]) + "\n> " + parent[3]
            rec = self._rec(2, rid, "message", author, text, title=f"{re} {t.title}",
                            url=self._archive(), parent=parent[0], thread=t.root)  # fmt: skip
        else:
            rid = self._snowflake()
            text = self._short(f"{parent[2]} {body}", t.lang, intent, rng.random() < 0.2)
            url = f"https://social.example/{author['username']}/status/{rid}"
            rec = self._rec(3, rid, "reply", author, text, url=url, parent=parent[0], thread=t.root)
        t.posts.append(self._entry(rid, p, author, c, body))
        if len(t.posts) > 6:
            del t.posts[1]
        self._emit(rec, p, c, t.lang)

    @staticmethod
    def _parent(first: Entry, posts: list[Entry], p: Person, intent: str) -> Entry:
        """Whom a reply answers: not oneself, and a fellow member when agreeing."""
        if first[1] is not p and (intent not in _PEER or first[1].role == "member"):
            return first
        for entry in reversed(posts):
            if entry[1] is not p and (intent not in _PEER or entry[1].role == "member"):
                return entry
        return first

    def _comment(self, post: Thread, p: Person, lang: str, intent: str,
                 reply: bool = False) -> None:  # fmt: skip
        rng = self.rng
        parent = None
        if reply and len(post.posts) > 1:
            parent = self._parent(rng.one(post.posts[1:]), post.posts[1:], p, intent)
        ctx = {"user": (parent or post.posts[0])[2]}
        if intent == "staff_contact":
            ctx["contact"] = f"{CONTACT.get(post.topic, 'hello')}@{T.DOMAIN}"
        body = self._text(lang, intent, ctx)
        link = p.site if p.site and rng.random() < 0.25 else ""
        paras = [body, rng.one(T.TEXTS[lang]["myblog"])] if link else [body]
        if p.flat:
            paras = [fold(x) for x in paras]
        author = self._author(p, 0)
        rid = f"comment-{self._next(0)}"
        status = "pending" if p.role == "member" and rng.random() < 0.03 else "approved"
        rec = self._rec(0, rid, "reply" if parent else "comment", author, "\n\n".join(paras),
                        self._html(paras, link), url=f"{post.url}#{rid}",
                        parent=(parent or post.posts[0])[0], thread=post.root,
                        status=status)  # fmt: skip
        post.size += 1
        post.posts.append(self._entry(rid, p, author, 0, body))
        if len(post.posts) > 6:
            del post.posts[1]
        self._emit(rec, p, 0, lang)

    def _article(self, kind: str, lang: str) -> None:
        rng = self.rng
        head = cap(kind) + " | "
        parts = rng.one([x for x in variants(lang, "article") if x.startswith(head)]).split(" | ")
        title, paras = parts[1], parts[2:]
        staff = rng.one(self.staff)
        author = self._author(staff, 0)
        rid = f"post-{self._next(0)}"
        url = f"https://blog.{T.DOMAIN}/{self.prefix[:4]}/{self.prefix[5:7]}/{slug(title)}/"
        rec = self._rec(0, rid, "post", author, "\n\n".join(paras), self._html(paras, ""),
                        title=title, url=url)  # fmt: skip
        t = Thread(rid, lang, kind, title, url, self.day, staff)
        t.posts.append(self._entry(rid, staff, author, 0, title))
        self._keep(0, t)
        if kind in ("launch", "logo", "backdown"):
            self.event_posts[kind] = t
            self._phase(kind)
        self._emit(rec, staff, 0, lang)

    def _brand_post(self, section: str, lang: str) -> None:
        text = self._text(lang, section, {"launch_date": self._launch_date(lang)})
        topic = {"brand_launch": "launch", "brand_logo": "crisis", "brand_backdown": "crisis"}
        self._new_thread(3, self.brand, lang, topic.get(section, "praise"), "", text)
        self._phase(section.removeprefix("brand_"))

    def _phase(self, kind: str) -> None:
        if kind == "launch":
            self.launched = True
        elif kind == "logo":
            self.crisis = max(self.crisis, 1)
        elif kind == "backdown":
            self.crisis = 2

    def _pingback(self, post: Thread) -> None:
        owner = self.sites.pick(self.rng)
        if owner is None:
            return self._comment(post, self._someone(0), post.lang, "chat")
        author = self._author(owner, 0, pingback=True)
        text = self._text(owner.lang, "pingback")
        rid = f"comment-{self._next(0)}"
        url = f"{owner.site}/{self.prefix[:4]}/{self.prefix[5:7]}/{slug(post.title)}/"
        rec = self._rec(0, rid, "pingback", author, text, url=url, parent=post.root,
                        thread=post.root, status="approved")  # fmt: skip
        post.size += 1
        self._emit(rec, owner, 0, owner.lang)

    def _entry(self, rid: str, p: Person, author: dict[str, str], c: int,
               body: str) -> Entry:  # fmt: skip
        """What a thread remembers of a message; only e-mail replies quote it."""
        if c == 2:
            return rid, p, self._handle_of(author, c), body[:80], self.ts
        return rid, p, self._handle_of(author, c), "", ""

    def _keep(self, c: int, t: Thread) -> None:
        """Open a thread; the oldest are forgotten beyond a fixed number, even within a
        busy day, so state stays bounded whatever the volume."""
        threads = self.threads[c]
        threads.append(t)
        if len(threads) > MAX_THREADS + 100:
            del threads[:100]

    def _launch_date(self, lang: str) -> str:
        date = self.base + timedelta(days=self.launch_day)
        if lang == "fr":
            mois = "janvier février mars avril mai juin juillet août septembre octobre novembre"
            return f"{date.day} {(mois + ' décembre').split()[date.month - 1]}"
        return f"{MONTHS.split()[date.month - 1]} {date.day}"

    # -- text shapes per channel -------------------------------------------------------

    def _short(self, text: str, lang: str, intent: str, mention: bool) -> str:
        """A social post: short, often @brand, sometimes a hashtag or an emoji."""
        rng = self.rng
        if len(text) > 240:
            cut = text.rfind(". ", 0, 240)
            text = text[: cut + 1] if cut > 40 else text[:237] + "…"
        r = rng.random()
        if mention and "@kelvio" not in text and r < 0.75:
            text = f"@kelvio {text}" if r < 0.3 else f"{text} @kelvio"
        if "#" not in text and rng.random() < 0.3:
            text += " " + rng.one(T.HASHTAGS[lang])
        if rng.random() < 0.35:
            faces = (T.EMOJI_DOWN if intent in NEGATIVE else T.EMOJI_UP if intent in POSITIVE
                     else T.EMOJI_ASK)  # fmt: skip
            text += " " + rng.one(faces)
        return text

    def _long(self, body: str, lang: str, intent: str, p: Person, mail: bool) -> str:
        """A forum post or an e-mail: greeting, details, closing, signature."""
        rng, texts = self.rng, T.TEXTS[lang]
        if intent in ("bug", "question") and rng.random() < 0.5:
            body += " " + self._text(lang, "detail")
        if rng.random() < 0.55:
            body = rng.one(texts["open"]) + "\n\n" + body
        if rng.random() < 0.5:
            body += "\n\n" + rng.one(texts["close"])
        if mail:
            body += "\n\n" + self._sign(p, lang)
        return fold(body) if p.flat else body

    def _sign(self, p: Person, lang: str) -> str:
        if p.role == "brand":
            return "The Kelvio team"
        sign = self.rng.one(T.TEXTS[lang]["sign"]).format(first=p.first, last=p.last)
        return sign + "\nKelvio" if p.role == "staff" else sign
