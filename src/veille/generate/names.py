"""First and family names per origin, as long-tailed as real communities' names.

A community's names have a concentrated head (David, Michael, John) and a long tail: in
the real mailing lists measured by ``bench/identity_realism.py`` a third of the people
have a first name no one else there has, four in five a family name of their own
(docs/members.md, "What real senders look like"). Each origin's pool is the hand-written
names of :mod:`veille.generate.text` (the commonest, with their spellings and native
scripts) followed by the person-name lists Faker ships for that origin's countries (MIT
licence; only its data tuples are read, never its random generator, so a seed gives
the same community whatever Faker would draw). A name's weight falls with its rank as
``(rank + SHIFT) ** -EXPONENT``, the exponents set so that a generated community's
figures match the real lists' (see docs/members.md).

Spanish- and Portuguese-named people carry two family names, and write both some of
the time (``FAMILY_NAMES``), as those naming customs have it.
"""

from __future__ import annotations

import importlib
import zlib
from dataclasses import dataclass
from functools import cache
from typing import Final

from veille.generate import text as T
from veille.generate.rng import Rng, cum

# Faker person-name locales per origin (Latin script only: others are written here).
LOCALES: Final = {
    "en": ("en_US", "en_GB", "en_IE", "en_NZ"),
    "fr": ("fr_FR", "fr_CA", "fr_BE", "fr_CH", "fr_QC"),
    "de": ("de_DE", "de_AT", "de_CH"),
    "es": ("es_ES", "es_MX", "es_AR", "es_CO", "es_CL", "es_CA"),
    "it": ("it_IT",),
    "pt": ("pt_BR", "pt_PT"),
    "ar": ("fr_DZ",),  # Maghrebi names in the French transcription
    "hi": ("en_IN",),
}
# Rank weights: (rank + shift) ** -exponent, set against the real lists.
FIRST_EXPONENT: Final = 0.85
FIRST_SHIFT: Final = 0.5
LAST_EXPONENT: Final = 0.4
LAST_SHIFT: Final = 10.0
# Origins whose people carry two family names, and how often they write both.
FAMILY_NAMES: Final = {"es": 0.5, "pt": 0.4}


@dataclass(frozen=True, slots=True)
class Pool:
    """One origin's names, in rank order, with running weight totals."""

    first: tuple[str, ...]
    first_cum: tuple[float, ...]
    last: tuple[str, ...]
    last_cum: tuple[float, ...]


def _faker_names(locales: tuple[str, ...], attrs: tuple[str, ...]) -> list[str]:
    """The names of Faker's person providers for ``locales``, most frequent first where
    Faker gives frequencies, else in an order fixed by the name itself (Faker's lists
    are mostly alphabetical, and a Zipf weight on alphabetical ranks would make every
    Aaron common)."""
    weighted: dict[str, float] = {}
    plain: list[str] = []
    for locale in locales:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in attrs:
            value = getattr(provider, attr, ())
            if isinstance(value, dict):
                for name, w in value.items():
                    weighted[name] = max(weighted.get(name, 0.0), float(w))
            elif isinstance(value, tuple | list):
                plain.extend(value)
    ranked = sorted(weighted, key=lambda n: (-weighted[n], n))
    rest = sorted(set(plain) - set(weighted), key=lambda n: (zlib.crc32(n.encode()), n))
    return ranked + rest


def _usable(name: str, first: bool) -> bool:
    """A name the generator can write: letters, hyphens, apostrophes, one space; a first
    name of at most two words and no initials ("Hans D.")."""
    bare = name.replace("-", "").replace("'", "").replace("’", "").replace(" ", "")
    return bool(bare) and bare.isalpha() and name.count(" ") <= (1 if first else 2)


def _merge(head: list[str], more: list[str], first: bool) -> tuple[str, ...]:
    seen = {n.partition("|")[0].split("/")[0].casefold() for n in head}
    out = list(head)
    for name in more:
        if _usable(name, first) and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return tuple(out)


def _weights(n: int, exponent: float, shift: float) -> tuple[float, ...]:
    return cum((rank + shift) ** -exponent for rank in range(1, n + 1))


@cache
def pools() -> dict[str, Pool]:
    """Every origin's pool (built once, from data only)."""
    out: dict[str, Pool] = {}
    for origin, (firsts, lasts) in T.NAMES.items():
        locales = LOCALES[origin]
        first = _merge(
            firsts,
            _faker_names(locales, ("first_names", "first_names_male", "first_names_female")),
            True,
        )
        last = _merge(lasts, _faker_names(locales, ("last_names",)), False)
        out[origin] = Pool(
            first,
            _weights(len(first), FIRST_EXPONENT, FIRST_SHIFT),
            last,
            _weights(len(last), LAST_EXPONENT, LAST_SHIFT),
        )
    return out


def draw(rng: Rng, origin: str) -> tuple[str, str]:
    """A first name (with its spellings and native script, ``a/b|native``) and a family
    name for a person of ``origin``."""
    pool = pools()[origin]
    first = pool.first[rng.index(pool.first_cum)]
    last = pool.last[rng.index(pool.last_cum)]
    both = FAMILY_NAMES.get(origin)
    if both and rng.random() < both:
        second = pool.last[rng.index(pool.last_cum)]
        if second != last:
            last = f"{last} {second}"
    return first, last
