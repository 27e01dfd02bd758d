"""Identities: how each person shows up on each channel (names, usernames, e-mail
addresses, variants of them), kept once made so a person stays recognisable, and unique
per channel so two people never share one."""

from __future__ import annotations

from veille.generate import text as T
from veille.generate.people import Person
from veille.generate.state import State
from veille.generate.wording import fold, handle
from veille.model import Author

# How often a member with a work and a personal address writes to the list from both:
# real senders show one full name with two or more addresses 7.2% of the time
# (bench/identity_realism.py, docs/members.md).
BOTH_ADDRESSES = 0.9


class Identities(State):
    """Picking and making the identities people write under."""

    def _author(self, p: Person, c: int, pingback: bool = False) -> dict[str, str]:
        """One of the person's identities on channel ``c`` (most use one; some two)."""
        slot = 4 if pingback else c
        idents = p.idents.get(slot)
        if idents is None:
            unique: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
            for a in self._identities(p, c, pingback):
                a = self._register(c, a, p)
                unique.setdefault(tuple(a.items()), a)  # two variants may come out alike
            idents = p.idents[slot] = list(unique.values())
        if len(idents) == 1 or self.rng.random() < 0.75:
            return idents[0]
        return idents[self.rng.randrange(len(idents))]

    def _register(self, c: int, a: dict[str, str], p: Person) -> dict[str, str]:
        """Make the identity's key unique in its channel: two people, two identities."""
        for _ in range(50):
            key = f"{c}:{Author(**a).key()}"
            owner = self.keys.setdefault(key, p.idx)
            if owner == p.idx:
                break
            digit = str(self.rng.randint(0, 9))
            if "username" in a:
                a["username"] += digit
            elif "email" in a:
                local, _, domain = a["email"].partition("@")
                a["email"] = f"{local}{digit}@{domain}"
            else:
                a["name"] += digit
        return a

    def _identities(self, p: Person, c: int, pingback: bool) -> list[dict[str, str]]:
        rng = self.rng
        if p.role in ("staff", "brand", "bot"):
            return [self._team_identity(p, c)]
        if p.role == "spam":
            user = handle(p.first.replace(" ", "_")) or "user"
            return [({"name": p.first, "email": p.emails[0], "url": p.site},
                     {"username": f"{user}{rng.randint(1, 999)}"},
                     {"name": p.first, "email": p.emails[0]},
                     {"name": p.first, "username": f"{user}{rng.randint(1, 999)}"})[c]]  # fmt: skip
        if pingback:
            title = {"fr": "Le blog de {}", "de": "Blog von {}", "es": "El blog de {}",
                     "it": "Il blog di {}", "pt": "Blog da {}"}.get(p.lang,
                                                                    "{}'s blog")  # fmt: skip
            return [{"name": title.format(p.name()), "url": p.site}]
        first = p.first if rng.random() < 0.7 else rng.one(p.spellings)
        f, last = handle(first), handle(p.last)
        full = f"{first} {p.last}"

        drop = 0.5 if p.flat else 0.18  # how often accents are left out when typing

        def written() -> str:
            r = rng.random()
            name = (full if r < 0.6 else first if r < 0.74 else f"{first} {p.last[:1]}."
                    if r < 0.86 else full.lower())  # fmt: skip
            return fold(name) if rng.random() < drop else name

        if c == 0:  # the blog's comment form asks for a name and an e-mail
            out = [{"name": written(), "email": p.emails[0]}]
            if p.site and rng.random() < 0.6:
                out[0]["url"] = p.site
            if rng.random() < 0.2:
                out.append({"name": written(), "email": rng.one(p.emails)})
            return out
        if c == 2:
            r = rng.random()
            # Real senders (bench/identity_realism.py): 2.1% write "Last, First", 0.7%
            # "LAST First" (more in French offices, so twice that here), 3% no name.
            name = (full if r < 0.89 else f"{p.last}, {first}" if r < 0.93 else
                    f"{p.last.upper()} {first}" if r < 0.95 else first if r < 0.97
                    else "")  # fmt: skip
            name = fold(name) if rng.random() < drop else name
            out = [self._mail(name, p) for _ in range(2 if rng.random() < 0.25 else 1)]
            if len(p.emails) > 1 and rng.random() < BOTH_ADDRESSES:
                # From work and home, or an old address and a new one.
                out.append({"name": name, "email": rng.one(p.emails[1:])})
            return out
        if p.user and rng.random() < 0.6:
            user = p.user  # many people keep one handle across sites
        elif p.nick and rng.random() < 0.7:
            user = f"{p.nick}{rng.randint(1, 99)}"
        elif c == 1:
            user = rng.one((f"{f[:1]}{last}", f"{f}.{last}", f"{f}_{last[:1]}",
                               f"{f}{rng.randint(70, 99)}", f"{last}{f[:1]}"))  # fmt: skip
        else:
            user = rng.one((f"{f}{last[:3]}", f"{f}_{last}", f"{f}{last}{rng.randint(1, 99)}",
                               f"{f[:1]}{last}", f"{last}{f}"))  # fmt: skip
        p.user = p.user or user
        if c == 1:
            return [
                {"name": written(), "username": user} if rng.random() < 0.35 else {"username": user}
            ]
        r = rng.random()
        shown = (full if r < 0.4 else f"{first} {p.last[:1]}." if r < 0.6 else
                 f"{first} {rng.one('✨🌿☕🏠')}" if r < 0.75 else
                 p.native if p.native and r < 0.9 else first.lower())  # fmt: skip
        return [{"name": fold(shown) if rng.random() < drop else shown, "username": user}]

    def _mail(self, name: str, p: Person) -> dict[str, str]:
        r, email = self.rng.random(), p.emails[0]
        if r < 0.15:
            local, _, domain = email.partition("@")
            email = f"{local}+{self.rng.one(('ml', 'kelvio', 'lists'))}@{domain}"
        elif r < 0.45 and len(p.emails) > 1:
            email = p.emails[1]
        return {"name": name, "email": email} if name else {"email": email}

    @staticmethod
    def _team_identity(p: Person, c: int) -> dict[str, str]:
        if p.role == "brand":
            return ({"name": "Kelvio", "username": "kelvio"},
                    {"name": "Kelvio Team", "username": "kelvio"},
                    {"name": "Kelvio Team", "email": f"news@{T.DOMAIN}"},
                    {"name": "Kelvio", "username": "kelvio"})[c]  # fmt: skip
        user = handle(p.first.replace(" ", "_"))
        if p.role == "bot":
            return {"name": p.first, "username": user} if c != 2 else {"name": p.first,
                    "email": f"{user}@{T.DOMAIN}"}  # fmt: skip
        login = f"{user}.{handle(p.last)}"
        return ({"name": p.name(), "username": login, "email": p.emails[0],
                 "url": f"https://{T.DOMAIN}"},
                {"name": f"{p.first} (Kelvio)", "username": f"{user}_kelvio"},
                {"name": p.name(), "email": p.emails[0]},
                {"name": f"{p.first} @ Kelvio", "username": f"{user}_kelvio"})[c]  # fmt: skip

    @staticmethod
    def _handle_of(author: dict[str, str], c: int) -> str:
        """How others address this author in a reply on channel ``c``."""
        if c in (1, 3) and "username" in author:
            return "@" + author["username"]
        name = author.get("name") or author.get("email", "").partition("@")[0]
        name = name.partition(",")[2] or name
        return (name.split() or [name])[0]
