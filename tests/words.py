"""Made-up words for tests that need many distinct names."""

from __future__ import annotations


def letters(i: int) -> str:
    """A word of letters only, a different one for each ``i`` (name words are letters:
    "Fille" + "bcd", so the resolver reads them as names)."""
    out = ""
    while True:
        i, r = divmod(i, 26)
        out += chr(97 + r)
        if not i:
            return out
