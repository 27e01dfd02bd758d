"""Language detection: speed and load time, against the previous strategy (a benchmark,
not a test).

    python bench/language.py [--activities N] [--anchor N] [--batch N]

Three sets of texts, as the enricher sees them (the author's own words, ``views``):

* generator: ``veille generate`` (N activities, default 20,000; the text of every record
  that has one), with the language the generator wrote each in, so its accuracy too;
* tweets: the multilingual tweets of ../shared/data/sentiment/umsab (train split, all
  eight languages: 14,704 real short texts, near all distinct);
* mail: message bodies of two mailing-list archives in ../shared/data/scale (long).

Each set is read twice by :class:`LanguageEnricher` in batches of the pipeline's size,
starting from nothing learnt (``cold``: every word new to the process) and again
(``warm``). The first set's cold reading also pays for Lingua loading the models it
needs, as a fresh reading process would; the later sets find them loaded. The anchor is
the strategy it replaced, in the same process: Lingua asked about each text whole,
high-accuracy mode, 30 candidates, ``*_in_parallel``, on ``--anchor`` texts spread over
each set (its models loaded beforehand, not counted). Load time is measured in a fresh
interpreter. Rates are by wall clock and by CPU time (the machine may be shared: CPU
time is what it cost); the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

from veille.enrich import views
from veille.enrich.language import (
    LANGUAGES,
    MULTIPLE,
    UNDETERMINED,
    LanguageEnricher,
    clean_for_language,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
LISTS = ("gpodder-devel-maillist", "fetchmail-users-maillist")


class OldStrategy:
    """The replaced detector: Lingua on every text whole (kept here as the anchor)."""

    MIXED_MARGIN = 0.15

    def __init__(self) -> None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in LANGUAGES]
        self.codes = {lang: lang.iso_code_639_1.name.lower() for lang in langs}
        self.detector = LanguageDetectorBuilder.from_languages(*langs).build()

    def detect(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        cleaned = [clean_for_language(t) for t in texts]
        todo = [i for i, t in enumerate(cleaned) if sum(c.isalpha() for c in t[:200]) >= 3]
        out: list[tuple[str, float]] = [(UNDETERMINED, 0.0)] * len(texts)
        values = self.detector.compute_language_confidence_values_in_parallel(
            [cleaned[i] for i in todo]
        )
        for i, ranked in zip(todo, values, strict=True):
            if not ranked:
                continue
            first, second = ranked[0], ranked[1] if len(ranked) > 1 else None
            if (
                second is not None
                and second.value > 0.3
                and first.value - second.value < self.MIXED_MARGIN
            ):
                out[i] = (MULTIPLE, round(first.value, 4))
            else:
                out[i] = (self.codes[first.language], round(first.value, 4))
        return out


def generator_texts(activities: int) -> tuple[list[str], list[str | None]]:
    """Texts of a generated community and the language each was written in."""
    from veille.generate import GenerateConfig, generate
    from veille.generate.records import Records

    written: dict[str, str | None] = {}
    emit = Records._emit

    def spy(self: Records, rec: dict[str, object], p: Any, c: int, lang: str | None) -> None:
        written[str(rec["id"])] = lang
        emit(self, rec, p, c, lang)

    Records._emit = spy  # type: ignore[method-assign]
    try:
        out = io.StringIO()
        generate(GenerateConfig(activities=activities, members=max(500, activities // 10)), out)
    finally:
        Records._emit = emit  # type: ignore[method-assign]
    texts, langs = [], []
    for line in out.getvalue().splitlines():
        rec = orjson.loads(line)
        if rec.get("text") or rec.get("title"):
            texts.append(_read(rec.get("title"), rec.get("text"), rec["author"].get("name")))
            langs.append(written.get(rec["id"]))
    return texts, langs


def _read(title: str | None, text: str | None, signer: str | None) -> str:
    full, words = views(title, text, signer)
    return full if words is None else words


def tweets() -> list[str]:
    out: list[str] = []
    for path in sorted((DATA / "sentiment" / "umsab").glob("*/train_text.txt")):
        out += [line for line in path.read_text("utf-8").splitlines() if line.strip()]
    return out


def mails(limit: int = 3000) -> list[str]:
    from veille.connectors.base import Document, iter_documents
    from veille.connectors.mbox import MboxConnector
    from veille.model import Item

    out: list[str] = []
    connector = MboxConnector()
    for name in LISTS:
        for doc in iter_documents([DATA / "scale" / name]):
            if isinstance(doc, Document) and doc.name.endswith((".txt", ".gz")):
                for value in connector.read(doc):
                    if isinstance(value, Item):
                        out.append(_read(value.title, value.text, value.author.name))
            if len(out) >= limit:
                return out[:limit]
    return out


def timed(
    detect: Callable[[Sequence[str]], list[tuple[str, float]]], texts: list[str], batch: int
) -> tuple[float, float, list[tuple[str, float]]]:
    wall, cpu = time.perf_counter(), time.process_time()
    found: list[tuple[str, float]] = []
    for start in range(0, len(texts), batch):
        found += detect(texts[start : start + batch])
    return time.perf_counter() - wall, time.process_time() - cpu, found


def load_time(strategy: str) -> str:
    """A fresh interpreter: import and build; the first call, on eight short texts in
    eight languages (Lingua loads the models it needs); then a first pipeline-size batch
    of real tweets (every word new, more models load)."""
    probe = textwrap.dedent(
        f"""
        import sys, time
        t0 = time.perf_counter()
        {strategy}
        t1 = time.perf_counter()
        e.detect(["Merci pour la mise à jour, ça marche très bien maintenant.",
                  "Thanks for the update, it works fine now.",
                  "Danke für das Update, jetzt funktioniert alles.",
                  "Gracias por la actualización, ahora funciona bien.",
                  "Grazie per l'aggiornamento, ora funziona tutto.",
                  "Obrigado pela atualização, agora funciona bem.",
                  "شكرا على التحديث، كل شيء يعمل الآن",
                  "अपडेट के लिए धन्यवाद, अब सब ठीक काम करता है"])
        t2 = time.perf_counter()
        tweets = [line.strip() for line in sys.stdin if line.strip()]
        e.detect(tweets)
        t3 = time.perf_counter()
        print(f"{{t1 - t0:.2f}} {{t2 - t1:.2f}} {{t3 - t2:.2f}} {{len(tweets)}}")
        """
    )
    sample = tweets()[::7][:2000]
    run = subprocess.run(
        [sys.executable, "-c", probe],
        input="\n".join(sample),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    build, first, batch, n = run.stdout.split()
    return f"import + build {build} s, first call {first} s, first batch of {n} tweets {batch} s"


NEW = "from veille.enrich.language import LanguageEnricher; e = LanguageEnricher(); e.load()"
OLD = "sys.path.insert(0, 'bench'); from language import OldStrategy; e = OldStrategy()"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--anchor", type=int, default=2000, help="texts per set for the anchor")
    parser.add_argument("--batch", type=int, default=2000, help="texts per detect() call")
    args = parser.parse_args()

    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs")
    print(f"fresh interpreter, new: {load_time(NEW)}")
    print(f"fresh interpreter, old: {load_time(OLD)}")
    gen, gen_langs = generator_texts(args.activities)
    sets = {"generator": gen, "tweets": tweets(), "mail": mails()}
    for name, texts in sets.items():
        print(
            f"{name}: {len(texts):,} texts, {sum(map(len, texts)) / len(texts):,.0f} chars on average"
        )

    print("\n| set | reader | texts | wall s | texts/s (wall) | texts/s (CPU) | careful |")
    print("|---|---|---:|---:|---:|---:|---:|")
    new = LanguageEnricher()
    for name, texts in sets.items():
        LanguageEnricher._memories.clear()  # nothing learnt: every word is new
        for label in ("cold", "warm"):
            memory_before = new._memory()
            before = (memory_before.texts, memory_before.careful)
            wall, cpu, found = timed(new.detect, texts, args.batch)
            memory = new._memory()
            careful = (memory.careful - before[1]) / max(1, memory.texts - before[0])
            print(
                f"| {name} | new, {label} | {len(texts):,} | {wall:.2f} | "
                f"{len(texts) / wall:,.0f} | {len(texts) / cpu:,.0f} | {careful:.1%} |"
            )
            if name == "generator" and label == "cold":
                labelled = [
                    (f, lang) for (f, _), lang in zip(found, gen_langs, strict=True) if lang
                ]
                right = sum(1 for f, lang in labelled if f == lang)
                print(
                    f"|  | (accuracy on the generator's own labels: {right / len(labelled):.4f} "
                    f"of {len(labelled):,}) | | | | | |"
                )
    old = OldStrategy()
    for name, texts in sets.items():
        if not args.anchor:
            break
        step = max(1, len(texts) // args.anchor)
        part = texts[::step][: args.anchor]
        old.detect(part)  # its models load lazily: not part of the rate
        wall, cpu, found = timed(old.detect, part, args.batch)
        print(
            f"| {name} | old (anchor) | {len(part):,} | {wall:.2f} | "
            f"{len(part) / wall:,.0f} | {len(part) / cpu:,.0f} | |"
        )
        if name == "generator":
            langs = gen_langs[::step][: args.anchor]
            mine = new.detect(part)
            for label, got in (("old", found), ("new", mine)):
                pairs = [(f, lang) for (f, _), lang in zip(got, langs, strict=True) if lang]
                right = sum(1 for f, lang in pairs if f == lang)
                print(
                    f"|  | ({label} on these, accuracy on the generator's labels: "
                    f"{right / len(pairs):.4f}) | | | | | |"
                )
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
