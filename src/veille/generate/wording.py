"""Turning templates into words: every wording of a section, and the small changes
people make when they type (accents left out, handles, slugs, a capital first letter)."""

from __future__ import annotations

import re
import unicodedata
from itertools import product

from veille.generate import text as T


def _fold_table() -> dict[int, str]:
    table = {ord("ß"): "ss", ord("ø"): "o", ord("Ø"): "O", ord("æ"): "ae", ord("œ"): "oe",
             ord("Æ"): "AE", ord("Œ"): "OE", ord("ł"): "l", ord("Ł"): "L"}  # fmt: skip
    for code in range(0xC0, 0x250):
        parts = unicodedata.normalize("NFKD", chr(code))
        base = "".join(c for c in parts if not unicodedata.combining(c))
        if base != chr(code) and base.isascii():
            table.setdefault(code, base)
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """``text`` without accents, as people type when their keyboard makes it hard."""
    return text.translate(_FOLD)


def handle(*parts: str) -> str:
    """A username or e-mail local part made of ``parts``."""
    return "".join(c for c in fold("".join(parts)).lower() if c.isalnum() or c in "._")


def slug(text: str) -> str:
    """The URL slug of a title: its first eight words."""
    words = "".join(c if c.isalnum() else " " for c in fold(text).lower()).split()
    return "-".join(words[:8]) or "post"


def cap(text: str) -> str:
    """``text`` with a capital first letter, the rest untouched."""
    return text[:1].upper() + text[1:] if text[:1].islower() else text


_BARE = {"featx": "feature", "ideax": "idea"}  # the title form of a slot
_SLOT = re.compile(r"\{(\w+)\}")
_FULL = {v: k for k, v in _BARE.items()}


_CONTEXT = ("user", "contact", "launch_date")  # filled per message, not expanded
_VARIANTS: dict[tuple[str, str], list[str]] = {}


def variants(lang: str, section: str) -> list[str]:
    """Every wording of a section's templates, slots filled (context slots kept).

    Vocabularies are small (under 5,000 wordings in all), so expanding once makes a
    message one pick instead of a template fill.
    """
    found = _VARIANTS.get((lang, section))
    if found is None:
        vocab, found = T.VOCAB[lang], []
        keep = {k: "{" + k + "}" for k in _CONTEXT}
        for line in T.TEXTS[lang][section]:
            slots = dict.fromkeys(_BARE.get(k, k) for k in _SLOT.findall(line) if k not in keep)
            choices = [vocab.get(k) or [(v, v) for v in T.SHARED[k]] for k in slots]
            for combo in product(*choices):
                values = dict(keep)
                for name, (full, bare) in zip(slots, combo, strict=True):
                    values[name] = full
                    if name in _FULL:
                        values[_FULL[name]] = bare
                found.append(" | ".join(cap(x) for x in line.format_map(values).split(" | ")))
        _VARIANTS[(lang, section)] = found
    return found
