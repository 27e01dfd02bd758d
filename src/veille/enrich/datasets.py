"""The labelled public data veille's text models learn from and are measured on, read
from ../shared/data (see its README.md): YouTube, SMS and Telegram spam, the
multilingual and English tweets, English sentences, French TV reviews, the langid
sentences and the real mailing lists, each as :class:`Labelled` texts that say where
every text came from. Nothing here is copied into the repository; training
(:mod:`veille.enrich.training`) reads it where it is."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from veille.enrich import subject_text
from veille.model import Item, Rejection

SPAM_CLASSES = ("ham", "spam")
SENTIMENT_CLASSES = ("negative", "neutral", "positive")
POLARITY = ("negative", "positive")
UMSAB_LANGUAGES = {
    "arabic": "ar", "english": "en", "french": "fr", "german": "de",
    "hindi": "hi", "italian": "it", "portuguese": "pt", "spanish": "es",
}  # fmt: skip


@dataclass(slots=True)
class Labelled:
    """Texts with their labels and where each came from."""

    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, text: str, label: str, group: str) -> None:
        self.texts.append(text)
        self.labels.append(label)
        self.groups.append(group)

    def where(self, keep: Sequence[bool]) -> Labelled:
        rows = zip(self.texts, self.labels, self.groups, keep, strict=True)
        return Labelled.join([Labelled([t], [y], [g]) for t, y, g, k in rows if k])

    @classmethod
    def join(cls, parts: Sequence[Labelled]) -> Labelled:
        out = cls()
        for p in parts:
            out.texts += p.texts
            out.labels += p.labels
            out.groups += p.groups
        return out


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_youtube(data_dir: Path) -> dict[str, Labelled]:
    """YouTube comments per video (``CLASS`` 1 is spam); the video is the group."""
    out: dict[str, Labelled] = {}
    for path in sorted((data_dir / "spam" / "youtube").glob("Youtube*.csv")):
        video = path.stem.split("-", 1)[-1]
        out[video] = part = Labelled()
        for row in _csv(path):
            part.add(row["CONTENT"], SPAM_CLASSES[int(row["CLASS"])], f"youtube:{video}")
    return out


def load_sms(data_dir: Path) -> Labelled:
    out = Labelled()
    for line in _lines(data_dir / "spam" / "sms" / "SMSSpamCollection"):
        label, _, text = line.partition("\t")
        out.add(text, label, "sms")
    return out


def load_telegram(data_dir: Path) -> Labelled:
    out = Labelled()
    for row in _csv(data_dir / "spam" / "telegram_ru" / "telegram_spam_ru.csv"):
        out.add(row["message"], SPAM_CLASSES[int(row["label"])], "telegram_ru")
    return out


def load_umsab(data_dir: Path, split: str) -> dict[str, Labelled]:
    """Multilingual tweets of one split (``train`` or ``val``), per ISO 639-1 code."""
    out: dict[str, Labelled] = {}
    for folder, code in UMSAB_LANGUAGES.items():
        base = data_dir / "sentiment" / "umsab" / folder
        texts = _lines(base / f"{split}_text.txt")
        labels = [SENTIMENT_CLASSES[int(v)] for v in _lines(base / f"{split}_labels.txt")]
        if len(texts) != len(labels):
            raise ValueError(f"{base}: {len(texts)} {split} texts but {len(labels)} labels")
        out[code] = Labelled(texts, labels, [f"umsab:{code}"] * len(texts))
    return out


def load_tweeteval(data_dir: Path, split: str) -> Labelled:
    """English tweets (SemEval-2017): ``val`` (2,000) or ``test`` (12,284)."""
    base = data_dir / "sentiment" / "tweeteval_en"
    texts = _lines(base / f"{split}_text.txt")
    labels = [SENTIMENT_CLASSES[int(v)] for v in _lines(base / f"{split}_labels.txt")]
    return Labelled(texts, labels, ["tweeteval:en"] * len(texts))


def load_uci_sentences(data_dir: Path) -> Labelled:
    """English review sentences, positive or negative."""
    out = Labelled()
    for path in sorted((data_dir / "sentiment" / "uci_sentences").glob("*_labelled.txt")):
        for line in _lines(path):
            text, _, label = line.rpartition("\t")
            out.add(text, POLARITY[label.strip() == "1"], "uci:en")
    return out


def load_fr_tv_reviews(data_dir: Path, split: str) -> Labelled:
    """French TV-series reviews, positive or negative: ``train``, ``dev`` or ``test``."""
    out = Labelled()
    for line in _lines(data_dir / "sentiment" / "fr_tv_reviews" / f"{split}.tsv"):
        label, _, text = line.partition("\t")
        out.add(text, POLARITY[label.strip() == "1"], "fr_tv:fr")
    return out


def load_langid_sentences(data_dir: Path, per_language: int = 100, seed: int = 5) -> Labelled:
    """Ordinary sentences in 75 languages (a seeded sample), as ham: with them the spam
    model learns that a language it has no spam in is not spam by itself."""
    rng = random.Random(seed)
    out = Labelled()
    for path in sorted((data_dir / "langid" / "sentences").glob("*.txt")):
        lines = [line for line in _lines(path) if line.strip()]
        for line in rng.sample(lines, min(per_language, len(lines))):
            out.add(line, "ham", f"langid:{path.stem}")
    return out


MAIL_TRAIN = ("fetchmail-devel-maillist", "fldigi-devel-maillist", "gpsd-dev-maillist",
              "mapnik-users-maillist", "openocd-development-maillist")  # fmt: skip
MAIL_HELD_OUT = ("fetchmail-users-maillist", "gpodder-devel-maillist", "gpsd-users-maillist",
                 "midgard-general-maillist", "opensim-dev-maillist")  # fmt: skip
"""The real mailing lists of ``scale``: half are ham the spam model learns from (long,
technical messages with links, which YouTube, SMS and Telegram lack), the other half
only measure its false alarms."""


def items_in(folders: Sequence[Path]) -> Iterator[Item]:
    """The items veille's own connectors read in ``folders`` (unreadable files skipped)."""
    from veille.connectors import detect, iter_documents

    for doc in iter_documents(folders):
        cls = None if isinstance(doc, Rejection) else detect(doc)
        if cls is None or isinstance(doc, Rejection):
            continue
        for item in cls(None).read(doc):
            if isinstance(item, Item):
                yield item


def load_mail(
    data_dir: Path, lists: Sequence[str], per_list: int = 1500, seed: int = 1
) -> Labelled:
    """A seeded sample of the messages of ``lists``, as ham: public development and user
    lists, moderated by their owners."""
    rng = random.Random(seed)
    out = Labelled()
    for name in lists:
        texts = [subject_text(i.title, i.text) for i in items_in([data_dir / "scale" / name])]
        for text in rng.sample(texts, min(per_list, len(texts))):
            out.add(text, "ham", f"mail:{name}")
    return out


def load_fixtures(data_dir: Path) -> list[str]:
    """The posts, pages, comments and feed entries of the recorded WordPress exports and
    feeds (``formats``): ordinary site content, none of it spam, never trained on."""
    folders = [data_dir / "formats" / "wordpress_wxr", data_dir / "formats" / "feeds_rss_atom"]
    return [i.html or subject_text(i.title, i.text) for i in items_in(folders)]


def as_ham(data: Labelled, group: str) -> Labelled:
    return Labelled(list(data.texts), ["ham"] * len(data), [group] * len(data))


def data_licences(data_dir: Path, folders: Sequence[str]) -> dict[str, str]:
    """The licence line of each data folder's SOURCES.md."""
    out: dict[str, str] = {}
    for folder in folders:
        for line in _lines(data_dir / folder / "SOURCES.md"):
            if line.startswith("- License:"):
                out[folder] = line.removeprefix("- License:").strip()
    return out
