"""What the author wrote in a message, without what mail and list software add to it.

A reply to a mailing list carries the message it answers (``> ...`` lines, after "On
Monday, Claire wrote:"), the author's signature (after the ``-- `` line), PGP armour,
Mailman's notes on scrubbed attachments (``-------------- next part --------------``,
"A non-text attachment was scrubbed... Desc: Digital signature"), the list's footer, a
closing formula and the name under it, and, as Outlook writes replies, the whole message
answered below the answer.
Read whole, the quoted message makes a reply a question because it quotes one, and the
signatures and attachment notes become the community's top keywords ("pgp signed
message", "bytes desc", a consultant's street address). Language, intent and keywords
read :func:`own_words` (:func:`veille.enrich.views`); what is stored, searched and shown
stays the message as received.
"""

from __future__ import annotations

import re
from typing import Final

# Any of the things removed below: texts without one (most of them) are returned as
# they are, after a single search.
_TRIGGER: Final = re.compile(
    r"^(?: ?>|(?:- )?--\s*$|-----BEGIN PGP|-{5,} ?(?:next part|Original Message)|_{20,}\s*$"
    r"|From: |An? .{0,40}(?:attachment|text) was scrubbed)",
    re.MULTILINE | re.IGNORECASE,
)
# A line that ends what the author wrote: everything after it is added by software.
# In a PGP-signed message the signature's "-- " is escaped as "- -- ".
_END: Final = re.compile(r"^(?:(?:- )?--\s*|-{5,} ?next part ?-{5,})$", re.IGNORECASE)
# A line that starts someone else's message: after the author's words, the message the
# reply quotes (Outlook puts it below); before any, a message forwarded whole.
_ORIGINAL: Final = re.compile(r"^-{3,} ?Original Message ?-{3,}$", re.IGNORECASE)
# Mailman's note where it took an attachment out, up to the link it left instead.
_SCRUBBED: Final = re.compile(r"^An? .{0,40}(?:attachment|text) was scrubbed\.\.\.$")
# The line that introduces a quotation: "On Mon, 4 Jul 2005, Rob wrote:", "Rob Funk
# <rfunk at funknet.net> writes:", "Le 4 juil. 2005, Rob a écrit :", "Am 4.7.2005
# schrieb Rob Funk:".
_ATTRIBUTION: Final = re.compile(
    r"(?:\b(?:wrote|writes|said|says|schrieb|scrisse|escreveu|skrev|kirjoitti)\b|a [ée]crit|"
    r"escribi\S?|scritto|napisa[łl]|написал|<[^>]*>).{0,80}:\s*$"  # "schrieb Rob Funk:"
    r"|^\d{4}/\d\d?/\d\d? .{0,60}<[^>]*>\s*$",  # Gmail: "2010/12/17 Toni <toni at x.net>"
    re.IGNORECASE,
)
_LIST_FOOTER: Final = re.compile(r"mailing list\s*$|^https?://\S+/listinfo/", re.IGNORECASE)
# A closing formula, and the name (or a short signature) under it: "Cheers,\nAdam",
# "Best regards,\nStefan Andersson\nTribal Media AB", "Merci,\nClaire", "- Dave".
_CLOSING: Final = re.compile(
    r"^(?:cheers|regards|best|best regards|best wishes|kind regards|warm regards|thanks|"
    r"thanks again|thanks a lot|many thanks|thank you|thx|br|rgds|regds|greetings|hth|ciao|"
    r"cordialement|bien cordialement|merci|merci beaucoup|amitiés|bien à vous|à bientôt|"
    r"gruß|grüße|viele grüße|liebe grüße|mfg|saludos|un saludo|gracias|saluti|grazie|"
    r"abraços|obrigado|atenciosamente)"
    r"(?:[,.!]?\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2})?\W*$",  # "Cheers, Andy"
    re.IGNORECASE,
)
_SIGNED: Final = re.compile(r"^(?:-{1,2}|/|~)\s*\w[\w.\- ]{0,30}$")
# What may stand under a closing formula: a name, a handle, a company ("Spen", "Gary E.
# Miller", "- Dave", "Tribal Media AB"), not a sentence going on ("for the great work").
_NAME_LINE: Final = re.compile(r"^[-~/]*\s*[A-ZÀ-Þ][\w.'-]*(?:\s+[A-ZÀ-Þ][\w.'-]*){0,3}$")
# A greeting alone on the first line: "Hi Jeff,", "Yo Eric!", "Hello all,", "Bonjour à
# tous,", "Hallo zusammen". Whom it greets is a name or the list, never what was said.
_SALUTATION: Final = re.compile(
    r"^(?i:hi|hello|hey|hiya|yo|dear|greetings|good (?:morning|afternoon|evening)|hallo|"
    r"moin|servus|liebe[rs]?|bonjour|bonsoir|salut|coucou|hola|buenos d[ií]as|buongiorno|"
    r"ciao|ol[áa]|oi)"
    r"(?:[ ,]+(?i:all|everyone|everybody|folks|guys|list|team|there|people|tous|à tous|"
    r"tout le monde|zusammen|alle|todos|a todos|tutti|a tutti)"
    r"|[ ,]+[A-ZÀ-Þ][\w'.-]*(?: [A-ZÀ-Þ][\w'.-]*){0,2})?\s*[,!:.]*\s*$"
)
SIGN_OFF_LINES: Final = 6
"""The most lines a closing formula and what is under it may take."""
# The first characters of the lines the patterns above look for (stripped).
_MARKS: Final = frozenset("-_AF")


# What lists and mail programs put before a subject: "Re: [Gpsd-users] Re: Fwd: ...".
# A list's tag has a dash or a dot in it ("[Opensim-dev]", "[fetchmail-users]"); other
# tags ("[PATCH]", "[ANN]") say something and stay.
_SUBJECT_PREFIX: Final = re.compile(
    r"^(?:\s*(?:re|fwd?|aw|wg|sv|tr|rif|res|vs)\s*(?:\[\d+\])?\s*:|\s*\[[\w.]+[-.][\w.-]*\])+\s*",
    re.IGNORECASE,
)


def topic(title: str) -> str:
    """A message's subject without its reply and forward prefixes and its list's tag:
    ``Re: [Gpsd-users] Re: gpsd 2.30`` is ``gpsd 2.30``; ``title`` itself when it has
    none."""
    match = _SUBJECT_PREFIX.match(title)
    return title[match.end() :] if match else title


def own_words(text: str, signer: str | None = None) -> str:
    """``text`` less quoted lines and their attribution, the signature, PGP armour,
    scrubbed-attachment notes, the list footer and the message a reply quotes below
    it; empty when that is all there is (a message that only quotes, or only carries
    an attachment, says what its title says). ``signer``, the author's name, lets a
    last line that is only that name ("Melanie") go too. In a message with none of
    these, nothing is taken out, not even a closing formula."""
    if not _TRIGGER.search(text):
        return _plain(text)
    lines = text.split("\n")
    kept: list[str] = []
    # Inside PGP armour (the "Hash:" lines of a signed message end at a blank line, a
    # signature block at its "-----END PGP" line), a scrubbed attachment's note (at
    # its link), or the headers of a message forwarded whole (at a blank line).
    skipping: str | None = None
    quoting = False
    for i, line in enumerate(lines):
        if skipping is not None:
            bare = line.strip()
            if (
                (skipping == "header" and not bare)
                or (skipping == "signature" and bare.startswith("-----END PGP"))
                or (skipping == "scrubbed" and bare.lower().startswith(("url:", "url :")))
            ):
                skipping = None
            continue
        if line.startswith((">", " >")):
            if not quoting:  # the line introducing the quotation goes with it
                _drop_attribution(kept)
                quoting = True
            continue
        quoting = False
        bare = line.strip()
        if bare[:1] in _MARKS:  # (most lines start otherwise: no pattern to try)
            if bare.startswith("-----BEGIN PGP"):
                skipping = "header" if "SIGNED MESSAGE" in bare.upper() else "signature"
                continue
            if _SCRUBBED.match(bare):
                skipping = "scrubbed"
                continue
            other = _ORIGINAL.match(bare) or _outlook_header(lines, i)
            if (
                _END.match(bare)
                or (set(bare) == {"_"} and len(bare) >= 20 and _footer(lines, i))
                or (other and _said(kept))
            ):
                break
            if other:
                skipping = "header"  # forwarded whole: its headers, then its text
                continue
        kept.append(line)
    _drop_salutation(kept)
    _drop_sign_off(kept, signer)
    return "\n".join(kept).strip()


def _plain(text: str) -> str:
    """A message with nothing software added: ``text`` itself, less a greeting alone on
    its first line ("Yo Eric!") and a closing formula followed by the name under it
    ("Cheers\nSpen"); a last "Thanks!" or "Merci !" with nothing under it is what was
    said, and stays."""
    lines = text.split("\n")
    kept = list(lines)
    _drop_salutation(kept)
    filled = [i for i, line in enumerate(kept) if line.strip()]
    for i in filled[max(1, len(filled) - 3) : -1]:  # a closing line with a name under it
        if _CLOSING.match(kept[i].strip()) and all(
            _NAME_LINE.match(kept[j].strip()) for j in filled if j > i
        ):
            del kept[i:]
            break
    if len(kept) == len(lines):
        return text
    return "\n".join(kept).strip()


def _drop_salutation(kept: list[str]) -> None:
    """Drop a greeting alone on the first line, when something follows it."""
    filled = [i for i, line in enumerate(kept) if line.strip()]
    if len(filled) > 1 and _SALUTATION.match(kept[filled[0]].strip()):
        del kept[: filled[0] + 1]


def _drop_sign_off(kept: list[str], signer: str | None) -> None:
    """Drop the closing formula and the name under it at the end of ``kept``, unless
    they are all there is ("Merci." is a message)."""
    while kept and not kept[-1].strip():
        kept.pop()
    filled = [i for i, line in enumerate(kept) if line.strip()]
    if len(filled) < 2:
        return
    for i in filled[max(1, len(filled) - SIGN_OFF_LINES) :]:  # the earliest closing line
        if _CLOSING.match(kept[i].strip()):
            del kept[i:]
            return
    last = kept[filled[-1]].strip()
    if kept[filled[-1] - 1].strip():  # ("- fixed Y" ending a list is no signature)
        return
    said = _words(last)
    if _SIGNED.match(last) or (signer and said and said <= _words(signer)):
        del kept[filled[-1] :]


def _words(name: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]{2,}", name.casefold()))


def _said(kept: list[str]) -> bool:
    return any(x.strip() for x in kept)


def _footer(lines: list[str], i: int) -> bool:
    """Whether the line of underscores at ``i`` starts a list's footer, or the message
    a reply quotes (Outlook's line, then "From: ...")."""
    after = lines[i + 1 : i + 4]
    if any(_LIST_FOOTER.search(x) or x.startswith("From: ") for x in after):
        return True
    # or a webmail's advertisement: a few lines to the end
    return sum(1 for x in lines[i + 1 :] if x.strip()) <= 3


def _outlook_header(lines: list[str], i: int) -> bool:
    """Whether line ``i`` heads another message as Outlook writes it ("From: ...",
    then "Sent: ..."), not a forwarded one's ("From:" then "To:")."""
    return lines[i].startswith("From: ") and any(
        x.strip().startswith("Sent: ") for x in lines[i + 1 : i + 3]
    )


def _attribution(lines: list[str]) -> int | None:
    """Where the line introducing a quotation starts, when ``lines`` end with it (and
    blank lines) just before a quoted line; None when they do not."""
    j = len(lines)
    while j and not lines[j - 1].strip():
        j -= 1
    if j and len(lines[j - 1]) <= 200 and _ATTRIBUTION.search(lines[j - 1]):
        return j - 1
    return None


def _drop_attribution(kept: list[str]) -> None:
    """Drop the attribution line (and blank lines) just before a quoted line."""
    start = _attribution(kept)
    if start is not None:
        del kept[start:]


def sections(text: str) -> list[tuple[str, str]]:
    """``text`` cut for a reader into runs of ``("said", ...)``, ``("quoted", ...)`` (the
    lines a reply quotes, with the line introducing them) and, at the end, ``("trailer",
    ...)`` (from the signature's ``-- `` or Mailman's "next part" on: signature,
    attachment notes, the list's footer), so that a page can fold what the author did
    not write. Joined back with newlines, the runs are ``text``."""
    lines = text.split("\n")
    runs: list[tuple[str, list[str]]] = []
    for i, line in enumerate(lines):
        if _END.match(line.strip()):
            runs.append(("trailer", lines[i:]))
            break
        kind = "quoted" if line.startswith((">", " >")) else "said"
        if kind == "quoted" and (not runs or runs[-1][0] != "quoted"):
            said = runs[-1][1] if runs else []
            start = _attribution(said)
            if start is not None:  # the line introducing it goes with the quotation
                runs.append(("quoted", said[start:]))
                del said[start:]
                if not said:
                    runs.pop(-2)
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(line)
        else:
            runs.append((kind, [line]))
    return [(kind, "\n".join(chunk)) for kind, chunk in runs]
