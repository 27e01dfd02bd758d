"""Spam: a probability, a decision and the reasons that fired, for every activity.

For now the rule layer (:mod:`veille.enrich.spamrules`) alone decides: each reason
carries a weight, the weights combine as independent evidence (1 - Π(1 - w)), and a
score at or above :data:`THRESHOLD` is spam. The weights follow what the rules mean in
the tools they come from: a disallowed key is WordPress's "spam", a moderation key or
too many links its "hold for moderation" (0.5: below the threshold, visible in the
moderation queue), gambling vocabulary alone is suspicious, with links it is the SEO
injection the origin page carries. A learned model's probability will join as one more
piece of evidence (``model:0.97``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from veille.enrich import Enricher, Subject
from veille.enrich.spamrules import SpamRules

THRESHOLD = 0.8
WEIGHTS = {
    "disallowed-key": 0.99,
    "known-spam-domain": 0.9,
    "known-spam-email": 0.9,
    "casino-terms": 0.6,
    "pharma-terms": 0.6,
    "link-text-language-mismatch": 0.7,
    "bbcode-links": 0.6,
    "links": 0.5,
    "moderation-key": 0.5,
    "pattern": 0.8,
    "language-not-allowed": 0.5,
    "empty-body": 0.3,
}


def weight(reason: str) -> float:
    """The weight of a reason (``links>=2`` and ``disallowed-key:x`` by their family)."""
    family = reason.split(":", 1)[0].split(">=", 1)[0]
    return WEIGHTS.get(family, 0.0)


def score(reasons: Sequence[str]) -> float:
    remaining = 1.0
    for reason in reasons:
        remaining *= 1.0 - weight(reason)
    return round(1.0 - remaining, 4)


class SpamEnricher(Enricher):
    name: ClassVar[str] = "spam"
    fields: ClassVar[tuple[str, ...]] = ("spam", "spam_score", "spam_reasons")

    def __init__(self, rules: SpamRules | None = None) -> None:
        self.rules = rules or SpamRules()

    def enrich(self, subjects: Sequence[Subject]) -> None:
        for s in subjects:
            reasons = self.rules.check(
                s.text,
                s.html,
                language=s.result.language,
                author_name=s.author.name,
                author_email=s.author.email,
                author_url=s.author.url,
            )
            s.result.spam_reasons = reasons
            s.result.spam_score = score(reasons)
            s.result.spam = s.result.spam_score >= THRESHOLD
