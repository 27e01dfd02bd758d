"""Spam: a probability, a decision and the reasons that fired, for every activity.

Two layers. The rules (:mod:`veille.enrich.spamrules`) each give a reason with a weight;
the learned model (:mod:`veille.enrich.textmodel`, trained on YouTube, SMS and Telegram
spam, and taught by the community's own corrections) gives a probability. They combine
as independent evidence, 1 - (1 - p) Π(1 - w), and a score at or above
:data:`THRESHOLD` is spam. The model's probability is listed as a reason
(``model:0.97``) when it is :data:`MODEL_REASON` or more.

The weights follow what the rules mean in the tools they come from: a disallowed key is
WordPress's "spam", a moderation key or too many links its "hold for moderation" (0.5:
below the threshold, visible in the moderation queue), gambling vocabulary alone is
suspicious, with links it is the SEO injection the origin page carries. Rules that read
the store (duplicates, floods, new authors with links) add their reasons after the
batch is stored (:mod:`veille.enrich.history`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from veille.enrich import Enricher, Subject
from veille.enrich.features import transform_shared
from veille.enrich.learned import Lessons, model
from veille.enrich.spamrules import SpamRules, links

if TYPE_CHECKING:
    from veille.settings import SpamSettings

THRESHOLD = 0.8
COMMENT_KINDS = ("comment", "reply")
"""Activities the comment model reads (``models/spam_comments``, trained by
:mod:`veille.enrich.spamtraining`; ``[spam] comment_model = false`` turns it off); every
other kind, mail included, is read by the careful ``spam`` model, which learnt long
messages with links as ham. It catches more YouTube-like comment spam but, alone, calls
more ordinary comments spam: once a batch is stored, the team's and known authors'
comments are looked at again without it (:mod:`veille.enrich.trust`, docs/models.md)."""
COMMENT_MODEL = "spam_comments"
MODEL_REASON = 0.5
DUPLICATE_MIN_CHARS = 40
"""Shorter texts ("Thanks!", "+1") are said twice by honest people."""
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
    "duplicate-of": 0.5,
    "flood": 0.6,
    "new-author-with-url": 0.2,
}


def weight(reason: str) -> float:
    """The weight of a reason (``links>=2`` and ``disallowed-key:x`` by their family)."""
    family, _, value = reason.partition(":")
    if family == "model":
        return float(value)
    return WEIGHTS.get(family.split(">=", 1)[0], 0.0)


def score(reasons: Sequence[str], probability: float = 0.0) -> float:
    """The rules' weights and the model's probability, as independent evidence (a
    ``model:`` reason stands for the probability, which then counts once)."""
    remaining = 1.0 - probability
    for reason in reasons:
        if not reason.startswith("model:"):
            remaining *= 1.0 - weight(reason)
    return round(1.0 - remaining, 4)


def text_hash(text: str) -> str | None:
    """What makes two posts copies of each other: the same words, case and spacing aside."""
    words = " ".join(text.lower().split())
    if len(words) < DUPLICATE_MIN_CHARS:
        return None
    return hashlib.blake2b(words.encode("utf-8", "replace"), digest_size=8).hexdigest()


def probabilities(
    subjects: Sequence[Subject], lessons: Lessons | None, comment_model: bool, only: str = ""
) -> np.ndarray:
    """The models' spam probability of each subject: the comment model's for comments
    and replies (with ``comment_model``), the careful model's for the rest; ``only``
    (a model's name) has that model read every subject. Both read what a reader sees
    (the text, with the links of the markup) through the features the sentiment model
    read (hashed once); the few with markup are read again as markup."""
    if not subjects:
        return np.zeros(0)
    careful = model("spam", lessons)
    hashed = transform_shared(careful.features, [s.text for s in subjects])
    if only:
        short = np.full(len(subjects), only == COMMENT_MODEL)
    else:
        short = np.array([comment_model and s.kind in COMMENT_KINDS for s in subjects], bool)
    out = np.zeros(len(subjects))
    for chosen, m in ((~short, careful), (short, None)):
        if not chosen.any():
            continue
        if m is None:
            m = model(COMMENT_MODEL, lessons, taught="spam")
        column = m.classes.index("spam")
        proba = m.predict_proba(hashed)[:, column]
        marked = [i for i, s in enumerate(subjects) if s.html and chosen[i]]
        if marked:
            proba[marked] = m.predict_proba([subjects[i].html or "" for i in marked])[:, column]
        out[chosen] = proba[chosen]
    return out


class SpamEnricher(Enricher):
    name: ClassVar[str] = "spam"
    takes: ClassVar[tuple[str, ...]] = ("lessons", "spam")
    fields: ClassVar[tuple[str, ...]] = ("spam", "spam_score", "spam_reasons", "links", "text_hash")

    def __init__(
        self,
        rules: SpamRules | None = None,
        lessons: Lessons | None = None,
        *,
        learned: bool = True,
        spam: SpamSettings | None = None,
        comment_model: bool = True,
    ) -> None:
        """``spam`` (the community's settings) gives ``rules``, ``learned`` and
        ``comment_model`` at once."""
        if spam is not None:
            rules, learned, comment_model = spam.rules, spam.learned, spam.comment_model
        rules = rules or SpamRules()
        if lessons is not None and (lessons.spam_hosts or lessons.spam_emails):
            rules = replace(
                rules,
                spam_hosts=rules.spam_hosts | lessons.spam_hosts,
                spam_emails=rules.spam_emails | lessons.spam_emails,
            )
        self.rules = rules
        self.lessons = lessons
        self.learned = learned
        """Off: the rules alone decide."""
        self.comment_model = comment_model
        """On (the default): comments and replies are read by the comment model (see
        :data:`COMMENT_KINDS`)."""

    def load(self) -> None:
        if self.learned:
            model("spam", self.lessons)
            if self.comment_model:
                model(COMMENT_MODEL, self.lessons, taught="spam")

    def _probabilities(self, subjects: Sequence[Subject]) -> list[float]:
        found: list[float] = probabilities(subjects, self.lessons, self.comment_model).tolist()
        return found

    def enrich(self, subjects: Sequence[Subject]) -> None:
        if not subjects:
            return
        probabilities = [0.0] * len(subjects)
        if self.learned:
            probabilities = self._probabilities(subjects)
        for s, p in zip(subjects, probabilities, strict=True):
            reasons = self.rules.check(
                s.text,
                s.html,
                language=s.result.language,
                author_name=s.author.name,
                author_email=s.author.email,
                author_url=s.author.url,
                kind=s.kind,
            )
            if p >= MODEL_REASON:
                reasons.append(f"model:{p:.2f}")
            s.result.spam_reasons = reasons
            s.result.spam_score = score(reasons, p)
            s.result.spam = s.result.spam_score >= THRESHOLD
            s.result.links = len(links(s.text, s.html))
            s.result.text_hash = text_hash(s.text)
