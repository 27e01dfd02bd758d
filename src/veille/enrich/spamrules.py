"""The rule layer of spam moderation: checks a community manager can read and tune.

Each rule says why it fired, in a short stable reason (``links>=2``, ``casino-terms``,
``disallowed-key:viagra``...) that the inbox shows and the learned layer is combined
with. They follow what the tools community managers know check:

* WordPress core: ``comment_max_links`` (a comment with that many links or more is held;
  default 2), moderation keys (hold) and disallowed keys (spam), matched against the
  content, the author's name, e-mail and URL.
* Antispam Bee: an empty body, BBCode links (``[url=...]``), regular-expression sets,
  a local database of spam hosts/e-mails, a language filter.
* SEO link injection as on the origin page: links whose labels are in several scripts
  (Latin and Arabic, say) or in another script than the text around them, and gambling or
  pharmacy vocabulary in many languages.

Rules that need history (flood interval, duplicate posts, a new author posting links)
read the store; they are not here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
BBCODE_LINK = re.compile(r"\[(?:url|link)(?:=|\])", re.IGNORECASE)

# Gambling and pharmacy words in the languages spam is written in (the origin page's
# block is Finnish, Swedish and Arabic). Whole words, case-insensitive.
CASINO_TERMS = (
    "casino", "casinos", "kasino", "kasyno", "kazino", "kaszinó", "cassino", "казино",
    "كازينو", "قمار", "slots", "slot machine", "spelautomat", "spelautomater", "kolikkopelit",
    "jackpot", "roulette", "ruleta", "roleta", "ruletka", "blackjack", "baccarat",
    "free spins", "freispiele", "ilmaiskierrokset", "gratissnurr", "tours gratuits",
    "tiradas gratis", "giri gratis", "bonus sans dépôt", "no deposit bonus",
    "apuestas", "scommesse", "paris sportifs", "sportwetten", "vedonlyönti", "betting",
    "poker online", "online poker", "nettikasino", "nätcasino",
)  # fmt: skip
PHARMA_TERMS = (
    "viagra", "cialis", "levitra", "tramadol", "xanax", "valium", "phentermine",
    "pharmacy online", "online pharmacy", "pharmacie en ligne", "apotheke online",
)  # fmt: skip


def _terms(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


_CASINO = _terms(CASINO_TERMS)
_PHARMA = _terms(PHARMA_TERMS)


@dataclass(frozen=True)
class SpamRules:
    """The settings of the rule layer; every list is the community manager's to edit."""

    max_links: int = 2
    link_kinds: tuple[str, ...] = ("comment", "reply", "pingback", "trackback", "mention")
    """Where ``max_links`` applies: WordPress holds comments, not the posts of the site's
    authors, and a mailing-list message quoting two URLs is ordinary."""
    moderation_keys: tuple[str, ...] = ()
    disallowed_keys: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    spam_hosts: frozenset[str] = field(default_factory=frozenset)
    spam_emails: frozenset[str] = field(default_factory=frozenset)
    allowed_languages: tuple[str, ...] = ()
    """Antispam Bee's language filter: empty means every language is welcome."""

    def check(
        self,
        text: str,
        html: str | None = None,
        *,
        language: str | None = None,
        author_name: str | None = None,
        author_email: str | None = None,
        author_url: str | None = None,
        kind: str | None = None,
    ) -> list[str]:
        """The reasons this message looks like spam (empty: none)."""
        reasons: list[str] = []
        body = text or ""
        if not body.strip() and not (html or "").strip():
            reasons.append("empty-body")
        found = links(body, html)
        limited = kind is None or kind in self.link_kinds
        if self.max_links and limited and len(found) >= self.max_links:
            reasons.append(f"links>={self.max_links}")
        if BBCODE_LINK.search(body):
            reasons.append("bbcode-links")
        if _CASINO.search(body) or any(_CASINO.search(u) for u in found):
            reasons.append("casino-terms")
        if _PHARMA.search(body):
            reasons.append("pharma-terms")
        if len(found) >= 2 and _labels_mismatch(body):
            reasons.append("link-text-language-mismatch")
        hosts = {host_of(u) for u in found} | ({host_of(author_url)} if author_url else set())
        for host in sorted(h for h in hosts if h and _known(h, self.spam_hosts)):
            reasons.append(f"known-spam-domain:{host}")
        if author_email and author_email.lower() in self.spam_emails:
            reasons.append("known-spam-email")
        haystack = "\n".join(x for x in (body, author_name, author_email, author_url) if x)
        lowered = haystack.lower()
        reasons += [f"disallowed-key:{k}" for k in self.disallowed_keys if k.lower() in lowered]
        reasons += [f"moderation-key:{k}" for k in self.moderation_keys if k.lower() in lowered]
        for pattern in self.patterns:
            if re.search(pattern, haystack, re.IGNORECASE):
                reasons.append(f"pattern:{pattern}")
        if (
            self.allowed_languages
            and language
            and language not in ("und", "mul")
            and language not in self.allowed_languages
        ):
            reasons.append(f"language-not-allowed:{language}")
        return reasons


def links(text: str, html: str | None) -> list[str]:
    """The distinct link targets in ``text`` and in ``html``'s ``href`` attributes."""
    found = dict.fromkeys(URL.findall(text))
    if html:
        found.update(dict.fromkeys(HREF.findall(html)))
    return list(found)


def host_of(url: str) -> str:
    """The host of a link, without ``www.``; empty when there is none."""
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _known(host: str, spam_hosts: frozenset[str]) -> bool:
    parts = host.split(".")
    return any(".".join(parts[i:]) in spam_hosts for i in range(len(parts) - 1))


def _scripts(text: str) -> set[str]:
    """The writing systems of the letters in ``text`` (LATIN, ARABIC, CYRILLIC...)."""
    scripts = set()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            if name:
                scripts.add(name.split(" ", 1)[0])
    return scripts


def _labels_mismatch(text: str) -> bool:
    """Link labels (the words after each link) written in several scripts, or in a
    script the rest of the text does not use: the mark of injected SEO links."""
    pieces = URL.split(text)
    labels = [" ".join(p.split()[:6]) for p in pieces[1:] if p.strip()]
    label_scripts = [_scripts(label) for label in labels]
    seen = set().union(*label_scripts) if label_scripts else set()
    if len(seen) >= 2:
        return True
    rest = _scripts(pieces[0])
    return bool(seen and rest and not (seen & rest))
