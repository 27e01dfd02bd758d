"""Safe HTML: what is ever shown to a user, reduced to the origin page's allowlist.

The origin blog printed under its comment form: "You may use these HTML tags and
attributes: <a href="" title=""> <abbr title=""> <acronym title=""> <b> <blockquote
cite=""> <cite> <code> <del datetime=""> <em> <i> <q cite=""> <strike> <strong>". That
list, exactly, is the allowlist; links get ``rel="nofollow ugc"`` and only web and mail
schemes survive. The sanitiser is nh3 (the Ammonia HTML5 sanitiser): a parser, never a
regular expression.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import nh3

from veille.enrich import Enricher, Subject
from veille.model import clean_text

TAGS = frozenset(
    {"a", "abbr", "acronym", "b", "blockquote", "cite", "code", "del", "em", "i", "q",
     "strike", "strong"}
)  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "acronym": {"title"},
    "blockquote": {"cite"},
    "del": {"datetime"},
    "q": {"cite"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Their content is code or chrome, never words a person wrote for others to read.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template",
                                  "noscript", "svg", "math", "textarea", "select"})  # fmt: skip


def _url_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Ammonia checks the scheme of href but not of cite: one rule for both.
    if attribute in ("href", "cite"):
        scheme = value.strip().split(":", 1)[0].lower() if ":" in value else ""
        if scheme and scheme not in URL_SCHEMES and "/" not in scheme:
            return None
    return value


def sanitise(html: str) -> str:
    """``html`` reduced to the allowlist; text content of other tags is kept as text."""
    return nh3.clean(
        clean_text(html),
        attribute_filter=_url_attribute,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow ugc",
        strip_comments=True,
    )


def plain_to_html(text: str) -> str:
    """Plain text made safe to show as HTML (escaped, nothing interpreted)."""
    return nh3.clean_text(clean_text(text))


class HtmlSanitiser(Enricher):
    name: ClassVar[str] = "html"
    fields: ClassVar[tuple[str, ...]] = ("html_safe",)

    def enrich(self, subjects: Sequence[Subject]) -> None:
        for s in subjects:
            s.result.html_safe = sanitise(s.html) if s.html else None
