"""The author's own words of a message (:mod:`veille.enrich.prose`): what the enrichers
read of mail, checked on the real Mailman archives and on each rule."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from veille.enrich import views
from veille.enrich.datasets import items_in
from veille.enrich.keywords import key_phrases
from veille.enrich.prose import own_words, sections, topic
from veille.model import Item

# What mail and list software add, as the keyword extractor sees it (seen among the top
# keywords of the real lists before this module existed).
BOILERPLATE = {
    "bytes desc",
    "non-text attachment",
    "octet-stream size",
    "pgp signed message",
    "pgp signature",
    "digital signature url",
    "asc type",
    "opensim-dev mailing list",
    "matthias andree wrote",
}


@pytest.fixture(scope="module")
def lists(data_dir: Path) -> list[Item]:
    folders = [data_dir / "scale" / f"{name}-maillist" for name in ("fetchmail-devel", "gpsd-users")]
    return list(items_in(folders))


def test_the_real_lists_own_words_carry_no_quote_armour_or_attachment_note(
    lists: list[Item],
) -> None:
    # fetchmail-devel (1,656 messages) and gpsd-users (5,565), as the connector reads them.
    assert len(lists) == 1656 + 5565
    changed = 0
    for item in lists:
        text = item.text or ""
        own = own_words(text)
        changed += own is not text
        for line in own.split("\n"):
            assert not line.startswith(">"), (item.native_id, line)
            assert "BEGIN PGP SIGNATURE" not in line and "next part ---" not in line
            assert "was scrubbed..." not in line, (item.native_id, line)
        assert len(own) <= len(text)
    # Most messages on a list reply to another, sign, or carry an attachment.
    assert changed > 0.8 * len(lists)


def test_the_real_lists_keywords_are_their_subjects_not_their_boilerplate(
    lists: list[Item],
) -> None:
    def top(texts: list[str]) -> set[str]:
        counts = Counter(k for t in texts for k in key_phrases(t, "en"))
        return {k for k, _ in counts.most_common(40)}

    whole = top([i.text or "" for i in lists])
    own = top([own_words(i.text or "") for i in lists])
    assert len(whole & BOILERPLATE) >= 4  # what read whole used to give
    assert not own & BOILERPLATE
    assert {"gpsd", "fetchmail", "serial port"} <= own


def test_a_reply_keeps_its_answer_and_loses_the_quote_and_the_signature() -> None:
    text = (
        "On Mon, 4 Jul 2005, Rob Funk <rfunk at funknet.net> wrote:\n"
        "> This release is broken and I hate it.\n"
        "> Nothing works.\n"
        "\n"
        "Thanks, the patch below fixes it for me.\n"
        "\n"
        "Cheers,\n"
        "Matthias\n"
        "-- \n"
        "Matthias Andree\n"
    )
    assert own_words(text) == "Thanks, the patch below fixes it for me."
    for attribution in ("Le 4 juil. 2005, Rob a écrit :", "Am 4.7.2005 schrieb Rob Funk:",
                        "El 04/02/10, James <j at x.org> escribi?:"):  # fmt: skip
        assert own_words(f"Merci.\n\n{attribution}\n> Ça marche pas.") == "Merci."
    # Indented quotation, a closing formula with the name on its line.
    assert own_words("Have you tried it?\n >> gpsd -N\n\nCheers, Andy") == "Have you tried it?"
    # The author's name alone on the last line goes when the author is known; a word
    # alone there ("Fixed.") is what they said.
    reply = "> Is it fixed?\nIt is, in 2.30.\n\nMelanie"
    assert own_words(reply, "Melanie Thielker") == "It is, in 2.30."
    assert own_words(reply) == own_words(reply, "Adam Frisby") == "It is, in 2.30.\n\nMelanie"
    assert own_words("> Is it fixed?\n\nFixed.", "Gary E. Miller") == "Fixed."
    # A short signature line after a blank one goes; the last item of a list stays.
    assert own_words("> Works?\nYes.\n\n- Dave") == "Yes."
    changes = "> What changed?\nChanges:\n- added gpsfake\n- fixed the build"
    assert own_words(changes) == "Changes:\n- added gpsfake\n- fixed the build"


def test_pgp_armour_mailman_notes_footers_and_outlook_replies() -> None:
    signed = (
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA1\n\nYo Mark!\n\nTry -n.\n"
        "- -- \nGary E. Miller Rellim 20340 Empire Blvd\n"
        "-----BEGIN PGP SIGNATURE-----\nVersion: GnuPG v1\n\niD8DBQFD\n-----END PGP SIGNATURE-----\n"
    )
    assert own_words(signed) == "Try -n."  # the greeting is whom, not what
    scrubbed = (
        "The log is attached.\n-------------- next part --------------\n"
        "A non-text attachment was scrubbed...\nName: log.txt\nType: application/octet-stream\n"
        "Size: 189 bytes\nDesc: not available\nURL: <https://lists.example.org/a.obj>\n"
    )
    assert own_words(scrubbed) == "The log is attached."
    # A message that is only an attachment note says nothing of its own.
    assert own_words(scrubbed.split("---", 1)[1].split("\n", 1)[1]) == ""
    footer = "Works now.\n_______________________________________________\nGpsd-users mailing list\n"
    assert own_words(footer) == "Works now."
    outlook = (
        "Is it an exact limit?\n\nFrom: opensim-dev-bounces at lists.berlios.de\n"
        "Sent: Thursday, September 30, 2010 1:34 PM\nTo: opensim-dev\n\nHi, my grid is full."
    )
    assert own_words(outlook) == "Is it an exact limit?"
    forwarded = (
        "-------- Original Message --------\nSubject: Fetchmail & Yahoo\nFrom: Valentin\n\n"
        "There is no documentation, I sniffed it."
    )
    assert own_words(forwarded) == "There is no documentation, I sniffed it."


def test_texts_without_any_of_it_are_read_as_they_are() -> None:
    for text in ("Super article, merci !", "Great product!\nThanks", "", "-> see the docs",
                 "Hey, it crashes when I start it", "Hi, how do I install this?\nThanks",
                 "I love it.\nThanks\nfor the great work", "Thanks\nAndy", "Hi\n",
                 "Dear Sir or Madam,\nI want to buy ten"):  # fmt: skip
        assert own_words(text) is text, text


def test_a_greeting_and_a_closing_with_a_name_are_whom_not_what() -> None:
    """On the real lists "Yo Eric!" and "Cheers\nSpen" were talents of their authors
    (keywords held by them alone): the greeting alone on a first line, and a closing
    formula with a name under it, are not what the message says."""
    assert own_words("Yo Eric!\n\nThe time field is off.") == "The time field is off."
    assert own_words("Bonjour à tous,\nLe mode éco ne marche pas.") == "Le mode éco ne marche pas."
    assert own_words("Hallo zusammen\nDer Build ist kaputt.") == "Der Build ist kaputt."
    assert own_words("Hello Dane Springmeyer,\nIt works.") == "It works."
    assert own_words("Any comments on this ?\n\nCheers\nSpen") == "Any comments on this ?"
    assert own_words("It builds.\nBest regards,\nStefan Andersson\nTribal Media AB") == "It builds."
    assert own_words("Fine.\n\nThanks,\n- Dave") == "Fine."
    title, text = "Re: gpsd 2.30", "Fixed.\n\n> Is it fixed?"
    full, words = views(title, text)
    assert full == "Re: gpsd 2.30\nFixed.\n\n> Is it fixed?" and words == "gpsd 2.30\nFixed."
    assert views("Hello", "Nothing quoted here.")[1] is None


def test_a_subject_loses_its_reply_prefixes_and_its_lists_tag() -> None:
    assert topic("Re: [Gpsd-users] Re: gpsd 2.30") == "gpsd 2.30"
    assert topic("AW: [fetchmail-users] Frage") == "Frage"
    assert topic("[Openocd-development] [PATCH 3/3] ft2232") == "[PATCH 3/3] ft2232"
    for kept in ("[ANN] Mapnik 0.7", "Rebuild of the site", "Réponse à Claire"):
        assert topic(kept) is kept
    # What the keyword and intent enrichers read of a list's reply.
    assert views("Re: [Gpsd-users] gpsd 2.30", "Fixed.\n> Is it?")[1] == "gpsd 2.30\nFixed."
    assert views("[Gpsd-users] gpsd 2.30", "Fixed.")[1] == "gpsd 2.30\nFixed."


def test_a_reader_sees_the_real_messages_cut_into_said_quoted_and_trailer(
    lists: list[Item],
) -> None:
    """What the inbox folds: on every message of two real lists the runs put together
    are the message, no run said by the author holds a quoted line, and the trailer
    starts at the signature's line or Mailman's "next part"."""
    kinds: Counter[str] = Counter()
    for item in lists:
        text = item.text or ""
        runs = sections(text)
        assert "\n".join(chunk for _, chunk in runs) == text, item.native_id
        for i, (kind, chunk) in enumerate(runs):
            kinds[kind] += 1
            if kind == "said":
                assert not [x for x in chunk.split("\n") if x.startswith(">")], item.native_id
            if kind == "trailer":
                first = chunk.split("\n")[0].strip()
                assert i == len(runs) - 1 and re.match(r"(- )?--$|-{5,} ?next part", first), first
    # Replies quote, many messages are signed or carry attachments.
    assert kinds["quoted"] > len(lists) / 3 and kinds["trailer"] > len(lists) / 4, kinds


def test_the_line_introducing_a_quotation_is_folded_with_it() -> None:
    text = "Hi Jeff,\n\nOn Mar 23, 2012, Jeff Scott wrote:\n\n> Is it?\n> Sure?\n\nYes.\n-- \nDane"
    assert sections(text) == [
        ("said", "Hi Jeff,\n"),
        ("quoted", "On Mar 23, 2012, Jeff Scott wrote:\n\n> Is it?\n> Sure?"),
        ("said", "\nYes."),
        ("trailer", "-- \nDane"),
    ]
    assert sections("Jeff Scott wrote:\n> Is it?") == [("quoted", "Jeff Scott wrote:\n> Is it?")]
    assert sections("Plain words, > not a quote") == [("said", "Plain words, > not a quote")]
    assert sections("") == [("said", "")]
