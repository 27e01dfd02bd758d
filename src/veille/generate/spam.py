"""Spam: about 4% of activities, from a few dozen senders: link and casino spam in
several languages at once (Finnish, Swedish, Arabic and more), flattery with a link on
the blog, giveaways on the social channel; much of it already flagged by the platform."""

from __future__ import annotations

import html
from urllib.parse import quote

from veille.generate import text as T
from veille.generate.identities import Identities
from veille.generate.people import Person
from veille.generate.records import Records
from veille.generate.rng import cum
from veille.generate.wording import handle, slug

_SPAM_CHANNELS = cum((0.55, 0.15, 0.05, 0.25))  # blog, forum, list, social
_CASINO = cum(x[1] for x in T.CASINO_LANGS)


class Spam(Identities, Records):
    """Spam senders and their messages."""

    def _spammer(self) -> Person:
        rng = self.rng
        if self.spammers and (len(self.spammers) >= 40 or rng.random() > 0.1):
            return rng.one(self.spammers)
        name = rng.one(T.SPAM_NAMES)
        p = Person(self.cfg.members + len(self.spammers), "spam", name, "", "en")
        word, n = rng.one(T.SPAM_WORDS) + rng.one(T.SPAM_WORDS), rng.randint(1, 99)
        p.site = f"http://www.{word}{n}.{rng.one(T.SPAM_SITE_TLDS)}"
        p.emails = [f"{handle(name.replace(' ', '')) or 'info'}{n}@{word}{n}.com"]
        self.spammers.append(p)
        return p

    def _casino(self) -> tuple[str, str, str, str]:
        """Links with casino words in several languages at once: text, html, language, title."""
        rng = self.rng
        links, langs = [], []
        for _ in range(rng.randint(3, 6)):
            lang = T.CASINO_LANGS[rng.index(_CASINO)][0]
            game = rng.one(T.GAMES_AR if lang == "ar" and rng.random() < 0.5 else T.GAMES)
            anchor = f"{game} {rng.one(T.CASINO_TERMS[lang])}"
            host = rng.one(T.SPAM_SYLLABLES) + rng.one(T.SPAM_SYLLABLES)
            host += rng.one(("", "pub", "shop", "-catering", "-net"))
            tld = T.SPAM_TLDS.get(lang) or rng.one(("com", "net", "org"))
            www = "www." if rng.random() < 0.5 else ""
            query = f"{rng.one(('art', 'node', 'p', 'page'))}={quote(anchor.replace(' ', '-'))}"
            junk = f"{rng.getrandbits(12):03x}={rng.getrandbits(8):02x}"
            url = f"http://{www}{host}.{tld}/?{query}&{junk}"
            links.append((url, anchor))
            langs.append(lang)
        text = " ".join(f"{u} {a}" for u, a in links)
        markup = " ".join(f'<a href="{html.escape(u)}">{html.escape(a)}</a>' for u, a in links)
        if rng.random() < 0.4:
            tail = f"{rng.one(T.GAMES)} {rng.one(T.CASINO_TERMS[langs[0]])}"
            text, markup = f"{text} {tail}", f"{markup} {html.escape(tail)}"
        return text, markup, max(langs, key=langs.count), links[0][1]

    def _spam(self) -> None:
        rng = self.rng
        c = rng.index(_SPAM_CHANNELS)
        if c == 0 and not self.threads[0]:
            c = 1
        p = self._spammer()
        if rng.random() < (0.5, 0.7, 0.8, 0.3)[c]:
            text, markup, lang, title = self._casino()
        else:
            table = T.SOCIAL_SPAM if c == 3 else T.NICE_SPAM
            lang = rng.one(tuple(table))
            text = rng.one(table[lang]).format(url=p.site)
            markup, title = self._html([text], ""), text[:40]
        if c == 3 and rng.random() < 0.5:
            text = f"@kelvio {text}"
        markup = markup if markup.startswith("<p>") else f"<p>{markup}</p>"
        r = rng.random()
        status = (("spam" if r < 0.6 else "pending" if r < 0.75 else "approved") if c == 0
                  else "spam" if c == 1 and r < 0.45 else "")  # fmt: skip
        author = self._author(p, c)
        if c == 0:
            post = self._pick(self.threads[0])
            rid = f"comment-{self._next(0)}"
            rec = self._rec(0, rid, "comment", author, text, markup, url=f"{post.url}#{rid}",
                            parent=post.root, thread=post.root, status=status)  # fmt: skip
        elif c == 1:
            tid = self._next(1)
            rec = self._rec(1, f"{tid}/1", "post", author, text, title=title, status=status,
                            url=f"https://forum.{T.DOMAIN}/t/{slug(title)}/{tid}")  # fmt: skip
        elif c == 2:
            rec = self._rec(2, self._msgid(author), "message", author, text,
                            title=f"[kelvio-users] {title}", url=self._archive())  # fmt: skip
        else:
            rid = self._snowflake()
            kind = "mention" if "@kelvio" in text else "post"
            url = f"https://social.example/{author['username']}/status/{rid}"
            rec = self._rec(3, rid, kind, author, text, url=url)
        self.summary.spam += 1
        self._emit(rec, p, c, lang)
