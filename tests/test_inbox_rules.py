"""Routing rules: the file format, every condition and action, precedence, the errors a
community manager sees, the stored form, and the speed of 200 rules on 10,000 items."""

from __future__ import annotations

import dataclasses
import json
import pickle
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from veille.inbox.rules import (
    ACTIONS,
    CONDITIONS,
    DEPARTMENTS,
    EXAMPLE,
    RULE_KEYS,
    TOP_KEYS,
    Facts,
    Outcome,
    RulesError,
    RuleSet,
    fold_text,
    load,
    parse,
    reference,
)
from veille.members.identity import fold


def facts(**changes: Any) -> Facts:
    base = Facts(activity_id=1, text="", title="", channel="blog", kind="comment")
    return dataclasses.replace(base, **changes)


def one(when: str, then: str = 'then.tag = ["hit"]', head: str = "") -> RuleSet:
    """A file of one rule."""
    return parse(f'{head}\n[[rule]]\nname = "the rule"\n{when}\n{then}\n', "rules.toml")


def hits(rules: RuleSet, **changes: Any) -> bool:
    return rules.apply(facts(**changes)).tags == ["hit"]


# ---------------------------------------------------------------- the file


def test_the_documented_example_parses_whole() -> None:
    rules = parse(EXAMPLE, "example.toml")
    assert [r.name for r in rules.rules] == [
        "crisis words go to PR",
        "VIPs first",
        "sales leads",
        "unhappy customers",
        "praise for marketing",
        "journalists on the blog",
        "ideas from our networkers",
        "applications",
        "doubtful spam, on trial",
    ]
    crisis = rules.rules[0]
    assert crisis.line == 5
    assert crisis.description.startswith("Food poisoning")
    assert crisis.when.any_words[:2] == ("food poisoning", "sick")
    assert (crisis.then.route, crisis.then.priority, crisis.then.tag) == (
        "pr",
        "critical",
        ("crisis",),
    )
    assert crisis.then.notify == ("pr-team@kelvio.example", "https://hooks.kelvio.example/crisis")
    assert crisis.stop and not crisis.shadow
    assert rules.rules[-1].shadow
    assert rules.rules[5].when.regex == (r"\bjournalist(e|s)?\b", "interview")
    assert rules.departments == DEPARTMENTS
    assert rules.vip == ("member:123", "email:ceo@bigcustomer.example", "username:famous")
    assert rules.source == "example.toml" and rules.source_text == EXAMPLE


def test_the_example_shows_every_condition_and_action() -> None:
    rules = parse(EXAMPLE)
    used = {name for r in rules.rules for name, v in _given(r.when) if v not in ((), None)}
    assert used == {k.name for k in CONDITIONS}
    done = {name for r in rules.rules for name, v in _given(r.then) if v not in ((), None)}
    assert done == {k.name for k in ACTIONS}


def _given(obj: Any) -> list[tuple[str, Any]]:
    return [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)]


def test_the_reference_names_every_key() -> None:
    text = reference()
    for key in [*TOP_KEYS, *(f"rule.{k}" for k in RULE_KEYS)]:
        assert f"| `{key}` |" in text
    for part, keys in (("when", CONDITIONS), ("then", ACTIONS)):
        assert all(f"| `{part}.{k.name}` | {k.help}" in text for k in keys)
    assert "(question, bug, idea, complaint, praise, purchase, job, press," in text


def test_tables_and_single_values_read_like_dotted_keys_and_lists() -> None:
    dotted = one('when.intent = ["bug"]\nwhen.language = ["fr"]', 'then.tag = ["hit"]')
    tables = parse(
        '[[rule]]\nname = "the rule"\n[rule.when]\nintent = "BUG"\nlanguage = "FR"\n'
        '[rule.then]\ntag = "hit"\n',
        "rules.toml",
    )
    assert tables.rules[0].when == dotted.rules[0].when
    assert tables.rules[0].then == dotted.rules[0].then
    assert tables.rules[0].line == 1


def test_an_empty_file_has_no_rules() -> None:
    rules = parse("# nothing yet\n")
    assert rules.rules == () and rules.apply(facts(text="anything")) == Outcome()


# ---------------------------------------------------------------- the crisis example

CRISIS = """
[[rule]]
name = "crisis"
when.any_words = ["food poisoning", "sick", "intoxication", "malade", "intoxiqu*"]
then.route = "pr"
then.priority = "critical"
then.tag = ["crisis"]
stop = true

[[rule]]
name = "everything else to support"
then.route = "support"
"""


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("", "I got food poisoning after eating your frozen lasagna."),
        ("", "FOOD-POISONING. Never again."),
        ("Sick", "Both my kids were sick all night after the meal"),
        ("", "My husband got sick, what is in this product?"),
        ("", "Toute la famille est tombée malade après le dîner."),
        ("", "Intoxication alimentaire après votre plat préparé !"),
        ("Intoxiqués", "Nous avons été intoxiqués au restaurant de Lyon"),
        ("", "MALADE depuis hier soir, merci Kelvio"),
    ],
)
def test_food_poisoning_and_sickness_go_straight_to_pr(title: str, text: str) -> None:
    out = parse(CRISIS).apply(facts(title=title, text=text))
    assert (out.department, out.priority, out.tags) == ("pr", "critical", ["crisis"])
    assert out.applied == [
        {"rule": "crisis", "did": ["route:pr", "priority:critical", "tag:crisis", "stop"]}
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for the lovely dinner",
        "Sickness benefits are a political question",  # "sick" is a whole word
        "Quelle maladresse dans votre pub",  # so is "malade"
        "Food and poisoning in one sentence",  # a phrase is its words in order
        "intox",  # a prefix needs its whole beginning
    ],
)
def test_other_messages_are_not_a_crisis(text: str) -> None:
    out = parse(CRISIS).apply(facts(text=text))
    assert (out.department, out.priority) == ("support", "medium")
    assert out.applied == [{"rule": "everything else to support", "did": ["route:support"]}]


# ---------------------------------------------------------------- every condition

CONDITION_CASES: list[tuple[str, dict[str, Any], list[dict[str, Any]]]] = [
    ('when.intent = ["bug", "question"]', {"intent": "bug"}, [{"intent": "idea"}, {}]),
    ("when.min_intent_score = 0.5", {"intent_score": 0.5}, [{"intent_score": 0.49}, {}]),
    ('when.language = ["fr"]', {"language": "fr-CA"}, [{"language": "en"}, {}]),
    ('when.sentiment = ["negative"]', {"sentiment": "negative"}, [{"sentiment": "neutral"}, {}]),
    ("when.min_sentiment_score = -0.2", {"sentiment_score": -0.2}, [{"sentiment_score": -0.5}]),
    ("when.max_sentiment_score = -0.5", {"sentiment_score": -0.9}, [{"sentiment_score": 0.0}, {}]),
    ('when.channel = ["Blog", "forum"]', {"channel": "forum"}, [{"channel": "mailing-list"}]),
    ('when.kind = ["reply", "message"]', {"kind": "message"}, [{"kind": "pingback"}]),
    (
        'when.any_words = ["refund", "money back"]',
        {"text": "I want my MONEY back!"},
        [{"text": "back, money"}, {"text": "refunds"}],
    ),
    ('when.any_words = ["intoxiqu*"]', {"title": "Intoxiquée !"}, [{"text": "intox"}]),
    (
        'when.all_words = ["cv", "poste"]',
        {"title": "CV", "text": "pour le poste de chef"},
        [{"text": "mon CV"}],
    ),
    (
        'when.no_words = ["lol", "just kidding"]',
        {"text": "really angry"},
        [{"text": "LOL"}, {"text": "Just... kidding"}],
    ),
    (
        r"when.regex = ['\bre(fund|imburse)', '^\d{4}$']",
        {"title": "REIMBURSEMENT please"},
        [{"text": "prefund"}],
    ),
    ('when.segment = ["networkers"]', {"segment": "networkers"}, [{"segment": "dormant"}, {}]),
    ("when.min_spam_score = 0.5", {"spam_score": 0.9}, [{"spam_score": 0.1}, {}]),
    ("when.max_spam_score = 0.5", {"spam_score": 0.5}, [{"spam_score": 0.51}, {}]),
    ("", {"text": "anything"}, []),  # no condition: a catch-all
]


@pytest.mark.parametrize(("when", "yes", "noes"), CONDITION_CASES)
def test_each_condition(when: str, yes: dict[str, Any], noes: list[dict[str, Any]]) -> None:
    rules = one(when)
    assert hits(rules, **yes)
    for no in noes:
        assert not hits(rules, **no), no


def test_every_condition_is_tested() -> None:
    tested = {line.split("=")[0].strip().removeprefix("when.") for line, _, _ in CONDITION_CASES}
    assert tested >= {k.name for k in CONDITIONS} - {"vip"}  # vip: its own test


def test_all_conditions_must_hold() -> None:
    rules = one('when.intent = "purchase"\nwhen.min_intent_score = 0.5\nwhen.language = "en"')
    assert hits(rules, intent="purchase", intent_score=0.8, language="en")
    assert not hits(rules, intent="purchase", intent_score=0.8, language="de")
    assert not hits(rules, intent="purchase", intent_score=0.3, language="en")


def test_words_are_folded_on_both_sides() -> None:
    rules = one('when.any_words = ["Crème brûlée", "ÉCHEC"]')
    assert hits(rules, text="La creme BRULEE était ratée")
    assert hits(rules, text="un échec total")
    assert not hits(rules, text="la crème, puis la brûlée")


def test_fold_text_is_identity_fold() -> None:
    for text in ["Crème Brûlée", "Straße", "Œuvre Łódź", "İstanbul", "Ørsted ÆØÅ", "kasino ära"]:
        assert fold_text(text) == fold(text)


VIPS = 'vip = ["member:123", "email:CEO@BigCustomer.example", "username:@Famous"]'


@pytest.mark.parametrize(
    ("author", "vip"),
    [
        ({"member_id": 123}, True),
        ({"email": "ceo@bigcustomer.EXAMPLE"}, True),
        ({"username": "famous"}, True),
        ({"username": "@FAMOUS"}, True),
        ({"member_id": 124, "email": "ceo@elsewhere.example", "username": "nobody"}, False),
        ({}, False),
    ],
)
def test_vip(author: dict[str, Any], vip: bool) -> None:
    assert hits(one("when.vip = true", head=VIPS), **author) is vip
    assert hits(one("when.vip = false", head=VIPS), **author) is not vip


# ---------------------------------------------------------------- actions, order, stop

PRECEDENCE = """
[[rule]]
name = "first"
when.any_words = ["refund"]
then.route = "support"
then.assign = "alice"
then.priority = "low"
then.tag = ["money"]
then.notify = ["support@kelvio.example"]

[[rule]]
name = "second"
when.intent = "complaint"
then.route = "sales"
then.assign = "bob"
then.priority = "high"
then.tag = ["money", "angry"]
then.notify = ["https://hooks.kelvio.example/angry", "support@kelvio.example"]

[[rule]]
name = "third"
then.priority = "medium"
"""


def test_first_route_and_assignee_win_priority_takes_the_highest_tags_add_up() -> None:
    out = parse(PRECEDENCE).apply(facts(text="Refund me", intent="complaint"))
    assert out.department == "support" and out.assignee == "alice"
    assert out.priority == "high"
    assert out.tags == ["money", "angry"]
    assert out.notify == ["support@kelvio.example", "https://hooks.kelvio.example/angry"]
    assert out.applied == [
        {
            "rule": "first",
            "did": [
                "route:support",
                "assign:alice",
                "priority:low",
                "tag:money",
                "notify:support@kelvio.example",
            ],
        },
        {
            "rule": "second",
            "did": ["priority:high", "tag:angry", "notify:https://hooks.kelvio.example/angry"],
            "ignored": ["route:sales", "assign:bob", "tag:money", "notify:support@kelvio.example"],
        },
        {"rule": "third", "did": [], "ignored": ["priority:medium"]},
    ]


def test_a_lone_priority_applies_even_when_low_and_none_means_medium() -> None:
    rules = parse(PRECEDENCE.split('[[rule]]\nname = "third"')[0])
    assert rules.apply(facts(text="refund")).priority == "low"
    assert rules.apply(facts(intent="complaint")).priority == "high"
    assert parse(PRECEDENCE).apply(facts(text="refund")).priority == "medium"  # medium > low
    assert one('then.route = "hr"').apply(facts()).priority == "medium"


def test_priorities_rank_critical_to_none_and_the_old_names_still_read() -> None:
    # Before revision 0017 the priorities were low, normal, high and urgent.
    assert one('then.priority = "none"').apply(facts()).priority == "none"
    both = parse('[[rule]]\nname = "a"\nthen.priority = "none"\n\n'
                 '[[rule]]\nname = "b"\nthen.priority = "low"\n')  # fmt: skip
    assert both.apply(facts()).priority == "low"
    old = parse('[[rule]]\nname = "a"\nthen.priority = "urgent"\n\n'
                '[[rule]]\nname = "b"\nthen.priority = "normal"\n')  # fmt: skip
    assert [r.then.priority for r in old.rules] == ["critical", "medium"]
    assert old.apply(facts()).priority == "critical"
    # Rules stored in a store before the revision are read the same way.
    stored = json.loads(old.to_json())
    stored["rules"][0]["then"]["priority"] = "urgent"
    assert RuleSet.from_json(json.dumps(stored)).rules[0].then.priority == "critical"
    with pytest.raises(RulesError, match="whenever"):
        one('then.priority = "whenever"')


def test_rules_run_in_file_order_whatever_indexes_them() -> None:
    text = """
[[rule]]
name = "a catch-all first"
then.tag = ["a"]
[[rule]]
name = "a word"
when.any_words = ["x"]
then.tag = ["b"]
[[rule]]
name = "an intent"
when.intent = "bug"
then.tag = ["c"]
[[rule]]
name = "a channel"
when.channel = "blog"
then.tag = ["d"]
"""
    out = parse(text).apply(facts(text="x", intent="bug"))
    assert out.tags == ["a", "b", "c", "d"]
    assert [a["rule"] for a in out.applied] == [
        "a catch-all first",
        "a word",
        "an intent",
        "a channel",
    ]


def test_stop_ends_the_run_only_when_its_rule_matches() -> None:
    text = """
[[rule]]
name = "stopper"
when.any_words = ["stop"]
then.tag = ["one"]
stop = true
[[rule]]
name = "after"
then.tag = ["two"]
"""
    rules = parse(text)
    assert rules.apply(facts(text="please stop")).tags == ["one"]
    assert rules.apply(facts(text="go on")).tags == ["two"]
    assert rules.matching(facts(text="please stop")) == ["stopper", "after"]


def test_a_shadow_rule_records_what_it_would_do_and_changes_nothing() -> None:
    text = """
[[rule]]
name = "on trial"
when.min_spam_score = 0.4
then.route = "support"
then.tag = ["check"]
stop = true
shadow = true
[[rule]]
name = "real"
then.tag = ["real"]
"""
    out = parse(text).apply(facts(spam_score=0.5))
    assert (out.department, out.tags) == (None, ["real"])
    assert out.applied == [
        {"rule": "on trial", "did": ["route:support", "tag:check", "stop"], "shadow": True},
        {"rule": "real", "did": ["tag:real"]},
    ]


def test_declared_departments_replace_the_default_set() -> None:
    head = 'departments = ["Legal", "support"]'
    assert one('then.route = "LEGAL"', head=head).apply(facts()).department == "legal"
    with pytest.raises(RulesError, match="unknown department 'pr'.*known: legal, support"):
        one('then.route = "pr"', head=head)


def test_apply_many_is_apply_on_each() -> None:
    rules = parse(EXAMPLE)
    items = [facts(text="sick"), facts(intent="purchase", intent_score=0.9), facts(member_id=123)]
    assert rules.apply_many(items) == [rules.apply(f) for f in items]
    assert [o.department for o in rules.apply_many(items)] == ["pr", "sales", None]


# ---------------------------------------------------------------- bad files

R = '[[rule]]\nname = "a"\n'  # the start of a rule: line 1 and 2

BAD_FILES: list[tuple[str, int | None, str]] = [
    (
        R + 'when.intent = [purchase]\nthen.route = "pr"\n',
        3,
        'not valid TOML: Invalid value (text needs quotes: "like this"), column 16: '
        "when.intent = [purchase]",
    ),
    (R + 'then.route = "pr"\nthen.route = "sales"\n', 4, "not valid TOML: Cannot overwrite"),
    (
        'vips = ["member:1"]\n' + R + 'then.route = "pr"\n',
        1,
        "unknown key 'vips' (did you mean 'vip'?); known: departments, vip, rule",
    ),
    (
        R + 'priority = "high"\nthen.route = "pr"\n',
        3,
        "rule 1 ('a'): unknown key 'priority' (write then.priority); known: name,",
    ),
    (
        R + 'when.intents = ["bug"]\nthen.route = "pr"\n',
        3,
        "rule 1 ('a'): unknown condition 'when.intents' (did you mean 'intent'?); known: intent, ",
    ),
    (
        R + 'when.route = "pr"\nthen.tag = ["x"]\n',
        3,
        "unknown condition 'when.route' (write then.route)",
    ),
    (
        R + 'then.tags = ["x"]\n',
        3,
        "unknown action 'then.tags' (did you mean 'tag'?); known: route,",
    ),
    (
        R + 'when.intent = ["purchse"]\nthen.route = "pr"\n',
        3,
        "when.intent: unknown intent 'purchse' (did you mean 'purchase'?); known: question, bug,",
    ),
    (
        R + 'when.sentiment = "angry"\nthen.route = "pr"\n',
        3,
        "when.sentiment: unknown sentiment 'angry'; known: negative, neutral, positive",
    ),
    (
        R + 'when.segment = ["vips"]\nthen.route = "pr"\n',
        3,
        "when.segment: unknown segment 'vips'; known: networkers, communicators, participants,",
    ),
    (
        R + 'when.kind = ["tweet"]\nthen.route = "pr"\n',
        3,
        "when.kind: unknown kind 'tweet'; known: post,",
    ),
    (
        R + 'then.route = "legal"\n',
        3,
        "then.route: unknown department 'legal'; known: marketing, pr, sales, support, product, hr, "
        "direction",
    ),
    (
        R + 'then.priority = "asap"\n',
        3,
        "then.priority: unknown priority 'asap'; known: critical, high, medium,",
    ),
    (
        R + "when.regex = ['(unclosed']\nthen.route = \"pr\"\n",
        3,
        "when.regex: the regular expression '(unclosed' is wrong: missing ), unterminated subpattern",
    ),
    (
        R + 'when.language = ["french"]\nthen.route = "pr"\n',
        3,
        "when.language: 'french' is not a two-letter ISO 639-1 language code",
    ),
    (R + 'when.any_words = ["a*b"]\nthen.route = "pr"\n', 3, "'a*b': a * may only end a phrase"),
    (R + 'when.any_words = ["!!"]\nthen.route = "pr"\n', 3, "'!!' has no word in it"),
    (
        R + 'when.min_intent_score = 5\nthen.route = "pr"\n',
        3,
        "when.min_intent_score: expected a number from 0 to 1, got the number 5",
    ),
    (
        R + 'when.max_sentiment_score = -2\nthen.route = "pr"\n',
        3,
        "expected a number from -1 to 1, got the number -2",
    ),
    (
        R + 'when.min_spam_score = 0.8\nwhen.max_spam_score = 0.2\nthen.route = "pr"\n',
        3,
        "when.min_spam_score is above when.max_spam_score",
    ),
    (
        R + 'when.vip = "yes"\nthen.route = "pr"\n',
        3,
        "when.vip: expected true or false, got the text 'yes'",
    ),
    (R + 'then.route = "pr"\nstop = 1\n', 4, "stop: expected true or false, got the number 1"),
    (
        R + 'when.intent = []\nthen.route = "pr"\n',
        3,
        'expected a list of names like ["...", "..."], got an empty list',
    ),
    (R + "then.tag = [1, 2]\n", 3, "then.tag: expected names, got the number 1"),
    (R + 'then.assign = ""\n', 3, "then.assign: expected a name in quotes, got the text ''"),
    (
        R + 'then.notify = ["pr team"]\n',
        3,
        "'pr team' is neither an e-mail address nor an http(s) URL",
    ),
    (
        R + 'when = "always"\nthen.route = "pr"\n',
        3,
        "when: expected when.KEY = ..., got the text 'always'",
    ),
    (
        '[[rule]]\nwhen.intent = "bug"\nthen.route = "pr"\n',
        1,
        'rule 1: the rule has no name: add name = "..."',
    ),
    (
        R + 'when.intent = "bug"\n',
        1,
        "rule 1 ('a'): the rule has no action: give at least one of then.route,",
    ),
    (
        R + 'then.route = "pr"\n\n' + R + 'then.route = "sales"\n',
        6,
        "rule 2 ('a'): the name is already used by the rule at line 1",
    ),
    (
        R + 'when.vip = true\nthen.priority = "high"\n',
        3,
        "rule 1 ('a'): when.vip: the file has no vip list: add vip = [\"member:ID\"]",
    ),
    (
        '[rule]\nname = "a"\nthen.route = "pr"\n',
        1,
        "write each rule under [[rule]], with two brackets",
    ),
    ('departments = ["R&D"]\n', 1, "departments: 'r&d': a department name is letters, digits,"),
    ('vip = ["ceo@big.example"]\n', 1, "vip: 'ceo@big.example': expected member:ID, email:ADDRESS"),
]


@pytest.mark.parametrize(("text", "line", "reason"), BAD_FILES)
def test_a_bad_file_is_refused_with_the_line_and_the_reason(
    text: str, line: int | None, reason: str
) -> None:
    with pytest.raises(RulesError) as caught:
        parse(text, "rules.toml")
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.source == "rules.toml"
    assert error.line == line
    assert reason in error.reason
    assert str(error).startswith(f"rules.toml, line {line}: ")


def test_every_problem_is_reported_in_line_order_and_nothing_is_loaded() -> None:
    text = f"""vip = ["member:1"]
{R}then.route = "pr"

[[rule]]
name = "b"
[rule.when]
intent = "bugs"
[rule.then]
route = "pr"

{R}then.route = "legal"
stop = "no"
"""
    with pytest.raises(RulesError) as caught:
        parse(text, "team.toml")
    assert [p.line for p in caught.value.problems] == [9, 14, 15, 16]
    assert str(caught.value).splitlines() == [
        "team.toml, line 9: rule 2 ('b'): when.intent: unknown intent 'bugs' (did you mean 'bug'?);"
        " known: " + ", ".join(k for k in CONDITIONS[0].choices),
        "team.toml, line 14: rule 3 ('a'): the name is already used by the rule at line 2",
        "team.toml, line 15: rule 3 ('a'): then.route: unknown department 'legal'; known: "
        + ", ".join(DEPARTMENTS),
        "team.toml, line 16: rule 3 ('a'): stop: expected true or false, got the text 'no'",
    ]


def test_load_reads_a_file_and_names_it_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_bytes(b"\xef\xbb\xbf" + CRISIS.encode())  # a BOM, as Notepad writes
    assert load(path) == parse(CRISIS, str(path))
    with pytest.raises(RulesError, match=r"missing\.toml: cannot read the file: No such file"):
        load(tmp_path / "missing.toml")
    path.write_bytes(b"name = '\xff'")
    with pytest.raises(RulesError, match="rules.toml: cannot read the file: it is not UTF-8 text"):
        load(path)
    path.write_text(CRISIS + '\n[[rule]]\nname = "x"\nthen.route = "nowhere"\n')
    with pytest.raises(RulesError, match=r"rules\.toml, line 16: rule 3 \('x'\): then\.route"):
        load(path)


# ---------------------------------------------------------------- stored form


def test_json_round_trip() -> None:
    rules = parse(EXAMPLE, "example.toml")
    stored = rules.to_json()
    back = RuleSet.from_json(stored)
    assert back == rules
    assert back.source_text == EXAMPLE and back.source == "example.toml"
    assert [r.line for r in back.rules] == [r.line for r in rules.rules]
    assert back.to_json() == stored
    assert json.loads(stored)["rules"][0]["when"] == {
        "any_words": ["food poisoning", "sick", "intoxication", "malade", "intoxiqu*"]
    }
    items = [
        facts(text="sick", member_id=123),
        facts(intent="bug", language="fr", segment="x"),
        facts(channel="blog", text="Journaliste au Monde"),
        facts(spam_score=0.5),
    ]
    assert back.apply_many(items) == rules.apply_many(items)


def test_rules_travel_to_workers() -> None:
    rules = parse(EXAMPLE, "example.toml")
    back = pickle.loads(pickle.dumps(rules))
    assert back == rules
    assert back.apply(facts(text="sick")) == rules.apply(facts(text="sick"))


@pytest.mark.parametrize("stored", ["", "[]", '{"format": 2}', '{"format": 1, "rules": [{}]}'])
def test_unreadable_stored_rules_are_a_rules_error(stored: str) -> None:
    with pytest.raises(RulesError, match="<stored rules>: cannot be read"):
        RuleSet.from_json(stored)


# ---------------------------------------------------------------- many rules, many items

SYLLABLES = ["ka", "lo", "mi", "ré", "su", "té", "no", "va", "pi", "zé", "do", "bu"]
CHANNELS = ["blog", "forum", "mailing-list", "twitter", "discord"]
LANGS = ["en", "fr", "de", "es", None]


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words = {"".join(rng.choices(SYLLABLES, k=rng.randint(1, 3))) for _ in range(size * 2)}
    return sorted(words)[:size]


def _generated_rules(rng: random.Random, words: list[str], n: int) -> str:
    def q(values: list[str]) -> str:
        return json.dumps(values, ensure_ascii=False)

    def phrase() -> str:
        p = " ".join(rng.choices(words, k=rng.choice([1, 1, 1, 2])))
        return p + "*" if rng.random() < 0.1 else p

    conditions: list[Callable[[], str]] = [
        lambda: f"when.any_words = {q([phrase() for _ in range(rng.randint(1, 8))])}",
        lambda: f"when.any_words = {q([phrase() for _ in range(rng.randint(1, 8))])}",
        lambda: f"when.all_words = {q([phrase() for _ in range(2)])}",
        lambda: f"when.no_words = {q([phrase()])}",
        lambda: f"when.intent = {q(rng.sample(['bug', 'idea', 'question', 'purchase'], 2))}",
        lambda: f"when.language = {q(rng.sample(['en', 'fr', 'de', 'es'], 2))}",
        lambda: f"when.channel = {q(rng.sample(CHANNELS, 2))}",
        lambda: f"when.kind = {q(rng.sample(['post', 'comment', 'reply'], 1))}",
        lambda: f"when.sentiment = {q(rng.sample(['negative', 'positive'], 1))}",
        lambda: f"when.segment = {q(rng.sample(['networkers', 'dormant'], 1))}",
        lambda: "when.regex = ['" + rng.choice(words) + r"\w*\s+" + rng.choice(words) + "']",
        lambda: f"when.min_spam_score = {rng.random():.2f}",
        lambda: f"when.max_sentiment_score = {rng.uniform(-1, 0):.2f}",
        lambda: "when.vip = true",
    ]
    out = ['vip = ["member:7", "member:70", "username:star"]']
    for i in range(n):
        lines = ["[[rule]]", f'name = "rule {i}"']
        chosen = {(c := make()).split(" =")[0]: c for make in rng.sample(conditions, 3)}
        lines += list(chosen.values())[: rng.randint(1, 3)]
        lines.append(f'then.route = "{rng.choice(DEPARTMENTS)}"')
        if rng.random() < 0.5:
            lines.append(f'then.priority = "{rng.choice(["critical", "high", "medium", "low", "none"])}"')
        lines.append(f'then.tag = ["t{i % 17}"]')
        if rng.random() < 0.1:
            lines.append("stop = true")
        if rng.random() < 0.05:
            lines.append("shadow = true")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _generated_facts(rng: random.Random, words: list[str], n: int) -> list[Facts]:
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf, like real text
    items = []
    for i in range(n):
        text = " ".join(rng.choices(words, weights, k=rng.randint(20, 120)))
        title = " ".join(rng.choices(words, weights, k=rng.randint(0, 8))).capitalize()
        items.append(
            Facts(
                activity_id=i,
                text=text + ".",
                title=title,
                channel=rng.choice(CHANNELS),
                kind=rng.choice(["post", "comment", "reply", "message"]),
                language=rng.choice(LANGS),
                sentiment=rng.choice(["negative", "neutral", "positive", None]),
                sentiment_score=rng.uniform(-1, 1),
                intent=rng.choice(["bug", "idea", "other", None]),
                intent_score=rng.random(),
                spam_score=rng.random() if i % 5 else None,
                segment=rng.choice(["networkers", "dormant", None]),
                member_id=rng.randint(1, 100),
                email=None,
                username=rng.choice(["star", "x", None]),
            )
        )
    return items


def test_200_rules_on_10000_items() -> None:
    rng = random.Random(5)
    words = _vocabulary(rng, 3000)
    rules = parse(_generated_rules(rng, words, 200), "generated.toml")
    items = _generated_facts(rng, words, 10_000)
    assert len(rules.rules) == 200
    start = time.perf_counter()
    outcomes = rules.apply_many(items)
    seconds = time.perf_counter() - start
    matched = sum(len(o.applied) for o in outcomes)
    print(f"\n200 rules x 10,000 items: {seconds:.2f} s, {matched} rule matches")
    assert len(outcomes) == 10_000 and matched > 1000
    # The index only skips rules that cannot match: the same as checking every rule.
    by_name = {r.name: r for r in rules.rules}
    for item, out in zip(items[:1500], outcomes, strict=False):
        expected: list[str] = []
        for name in rules.matching(item):
            expected.append(name)
            if by_name[name].stop and not by_name[name].shadow:
                break
        assert [a["rule"] for a in out.applied] == expected


def test_regexes_that_cannot_be_joined_still_run_alone() -> None:
    from veille.inbox.rules import Facts, parse

    rules = parse(
        '[[rule]]\nname = "doubled"\n' + r"when.regex = ['\b(\w+) \1\b']" + '\nthen.tag = ["d"]\n'
        '[[rule]]\nname = "plain"\nwhen.regex = [\'refund\']\nthen.tag = ["r"]\n'
    )
    said = Facts(activity_id=1, text="it is is broken, refund please", title="", channel="c",
                 kind="post")  # fmt: skip
    quiet = Facts(activity_id=2, text="all good here", title="", channel="c", kind="post")
    assert rules.apply(said).tags == ["d", "r"] and rules.apply(quiet).tags == []
