"""The vocabulary of a routing-rules file: every key a rule may use, what it means and the
shape of its value, and a complete example. These tables drive the checks of
:mod:`veille.inbox.rules`, its error messages and the docs (:func:`reference`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from veille.enrich.intent import INTENTS
from veille.inbox.matching import PRIORITIES
from veille.members.rules import KINDS, SEGMENTS

__all__ = [
    "ACTIONS", "CONDITIONS", "DEPARTMENTS", "EXAMPLE", "RULE_KEYS", "SENTIMENTS", "TOP_KEYS",
    "Key", "reference",
]  # fmt: skip

SENTIMENTS: Final = ("negative", "neutral", "positive")
DEPARTMENTS: Final = ("marketing", "pr", "sales", "support", "product", "hr", "direction")
"""Where rules may route when the file declares no ``departments`` of its own."""


@dataclass(frozen=True, slots=True)
class Key:
    """A key a rule may use: the shape of its value and what it means. These tables
    drive the checks, the error messages and the docs."""

    name: str
    shape: str
    help: str
    choices: tuple[str, ...] = ()
    low: float = 0.0


CONDITIONS: Final = (
    Key("intent", "choices", "the item's intent is one of these", INTENTS),
    Key("min_intent_score", "score", "the intent's score is at least this (0 to 1)"),
    Key("language", "languages", "the item is in one of these languages (ISO 639-1: en, fr)"),
    Key("sentiment", "choices", "the item's sentiment is one of these", SENTIMENTS),
    Key("min_sentiment_score", "score", "the sentiment score is at least this (-1 to 1)", low=-1),
    Key("max_sentiment_score", "score", "the sentiment score is at most this (-1 to 1)", low=-1),
    Key("channel", "names", "the item came from one of these channels"),
    Key("kind", "choices", "the item is one of these kinds of activity", KINDS),
    Key("any_words", "phrases", "the title or text says at least one of these phrases"),
    Key("all_words", "phrases", "the title or text says every one of these phrases"),
    Key("no_words", "phrases", "the title or text says none of these phrases"),
    Key("regex", "regexes", "the title or text matches one of these regular expressions"),
    Key("segment", "choices", "the author is in one of these segments", SEGMENTS),
    Key("vip", "bool", "true: the author is on the file's vip list; false: is not"),
    Key("min_spam_score", "score", "the spam score is at least this (0 to 1)"),
    Key("max_spam_score", "score", "the spam score is at most this (0 to 1)"),
)
ACTIONS: Final = (
    Key("route", "department", "send the item to this department"),
    Key("assign", "name", "give the item to this manager"),
    Key("priority", "choice", "set the item's priority", PRIORITIES),
    Key("tag", "names", "add these tags"),
    Key("notify", "targets", "tell these e-mail addresses or webhook URLs (http/https)"),
)
RULE_KEYS: Final = {
    "name": "what the rule is called (unique in the file)",
    "description": "why the rule exists (optional)",
    "when": "the conditions, all of which must hold",
    "then": "the actions",
    "stop": "true: later rules do not run for an item this rule matched",
    "shadow": "true: record what the rule would do, change nothing",
}
TOP_KEYS: Final = {
    "departments": "the departments rules may route to",
    "vip": 'the VIP authors: "member:ID", "email:ADDRESS" or "username:NAME"',
    "rule": "one [[rule]] table per rule, in the order they run",
}

EXAMPLE: Final = """\
# Routing rules: they run in this order on every new item of the inbox.
departments = ["marketing", "pr", "sales", "support", "product", "hr", "direction"]
vip = ["member:123", "email:ceo@bigcustomer.example", "username:famous"]

[[rule]]
name = "crisis words go to PR"
description = "Food poisoning or sickness goes straight to the crisis team"
when.any_words = ["food poisoning", "sick", "intoxication", "malade", "intoxiqu*"]
then.route = "pr"
then.priority = "critical"
then.tag = ["crisis"]
then.notify = ["pr-team@kelvio.example", "https://hooks.kelvio.example/crisis"]
stop = true

[[rule]]
name = "VIPs first"
when.vip = true
then.priority = "high"
then.tag = ["vip"]

[[rule]]
name = "sales leads"
when.intent = ["purchase"]
when.min_intent_score = 0.5
then.route = "sales"
then.assign = "camille"

[[rule]]
name = "unhappy customers"
when.sentiment = ["negative"]
when.max_sentiment_score = -0.5
when.kind = ["comment", "reply", "message"]
when.no_words = ["lol", "joke"]
then.route = "support"
then.priority = "high"

[[rule]]
name = "praise for marketing"
when.intent = ["praise"]
when.min_sentiment_score = 0.5
then.route = "marketing"

[[rule]]
name = "journalists on the blog"
when.channel = ["blog"]
# single quotes: the backslashes reach the regular expression as written
when.regex = ['\\bjournalist(e|s)?\\b', 'interview']
then.route = "pr"

[[rule]]
name = "ideas from our networkers"
when.segment = ["networkers", "communicators"]
when.intent = ["idea"]
when.language = ["fr", "en"]
then.route = "product"
then.tag = ["ambassador"]

[[rule]]
name = "applications"
when.all_words = ["cv", "poste"]
then.route = "hr"

[[rule]]
name = "doubtful spam, on trial"
when.min_spam_score = 0.4
when.max_spam_score = 0.8
then.tag = ["check-spam"]
shadow = true
"""


def reference() -> str:
    """Every key of a rules file and what it means, in Markdown (for the docs)."""
    out = ["| key | meaning |", "|---|---|"]
    out += [f"| `{k}` | {v} |" for k, v in TOP_KEYS.items()]
    out += [f"| `rule.{k}` | {v} |" for k, v in RULE_KEYS.items()]
    for part, keys in (("when", CONDITIONS), ("then", ACTIONS)):
        for k in keys:
            among = f" ({', '.join(k.choices)})" if k.choices else ""
            out.append(f"| `{part}.{k.name}` | {k.help}{among} |")
    return "\n".join(out) + "\n"
