"""Readable text out of HTML, shared by every connector that receives HTML.

A real HTML parser (the standard library's), never a regular expression over tags:
block elements become line breaks so words on either side do not run together,
script/style content is dropped, entities are decoded, runs of spaces become one and
blank lines stay single. Broken markup never raises; what was read before it is kept.
"""

from __future__ import annotations

from html.parser import HTMLParser

BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
HIDDEN = frozenset({"script", "style", "template", "noscript"})


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, 1)

    def handle_endtag(self, tag: str) -> None:
        self._tag(tag, -1)

    def _tag(self, tag: str, step: int) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden + step)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        # The standard library asserts on ``<![foo]>``; -1 makes it read on as text.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return -1


def html_to_text(markup: str | None) -> str | None:
    """The readable text of an HTML fragment, or None when it has none."""
    if not markup:
        return None
    parser = _Extractor()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):
        pass  # odd markup the parser gives up on: keep what was read before it
    out: list[str] = []
    for line in "".join(parser.parts).replace("\xa0", " ").split("\n"):
        line = " ".join(line.split())
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() or None
