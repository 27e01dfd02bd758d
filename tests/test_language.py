"""Language detection: accuracy on real sentences, ``und`` and ``mul``, odd input, and
answers that do not depend on what was read before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from veille.enrich import Subject, subject_text
from veille.enrich import language as lang
from veille.enrich.language import EVALUATED, LANGUAGES, LanguageEnricher, evaluate
from veille.model import Author

CODES = set(LANGUAGES) | {"und", "mul"}


def _sample(data_dir: Path, kind: str, code: str, step: int) -> list[str]:
    lines = (data_dir / "langid" / kind / f"{code}.txt").read_text("utf-8").splitlines()
    return [line for line in lines if line.strip()][::step]


def test_accuracy_on_real_sentences(data_dir: Path) -> None:
    """A tenth of the langid sentences (100 per language, every tenth line): the issue's
    bar is 0.98 over the eight languages; ``veille models eval`` reports all of them."""
    enricher = LanguageEnricher()
    per_language = {}
    for code in EVALUATED:
        sample = _sample(data_dir, "sentences", code, 10)
        found = enricher.detect(sample)
        per_language[code] = sum(1 for c, _ in found if c == code) / len(sample)
    mean = sum(per_language.values()) / len(per_language)
    assert mean >= 0.98, per_language
    assert min(per_language.values()) >= 0.95, per_language


def test_evaluate_reports_every_set(data_dir: Path) -> None:
    report = evaluate(data_dir, languages=("fr", "ar"), limit=20)
    assert report["languages"] == ["fr", "ar"]
    assert report["items"] == {"sentences": 40, "word_pairs": 40, "single_words": 40}
    for kind in ("sentences", "word_pairs", "single_words"):
        figures = report[kind]  # type: ignore[literal-required]
        assert set(figures) == {"fr", "ar"}
        assert all(0.0 <= v <= 1.0 for v in figures.values())
        mean = report[f"{kind}_mean"]  # type: ignore[literal-required]
        assert mean == pytest.approx(sum(figures.values()) / 2, abs=1e-4)
    assert report["sentences_mean"] >= 0.9
    orjson.dumps(report)  # printable as JSON by `veille models eval`


def test_short_texts() -> None:
    texts = {
        "fr": "Super article, merci pour ces conseils sur le community management !",
        "en": "Thanks for the great write-up, this really helped our team.",
        "de": "Vielen Dank für den hilfreichen Beitrag, sehr interessant.",
        "es": "Muchas gracias por el artículo, me ha sido muy útil.",
        "it": "Grazie mille, l'aggiornamento funziona benissimo.",
        "pt": "Obrigado pela ajuda, agora está tudo funcionando.",
        "ar": "شكرا جزيلا على هذا المقال المفيد",
        "hi": "इस लेख के लिए बहुत धन्यवाद",
        "ru": "Спасибо за помощь, теперь всё работает.",
        "ja": "ありがとうございます",
        "zh": "谢谢",
    }
    found = LanguageEnricher().detect(list(texts.values()))
    assert [code for code, _ in found] == list(texts)
    assert all(0.0 < confidence <= 1.0 for _, confidence in found)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀🎉👍🏽", "https://x.example @bob #tag", "http://a.example/x www.b.example",
     "1234 5678 !!!", "a.", "> quoted only\n> line", "ok", "\x00\x01\x02"],
)  # fmt: skip
def test_undetermined(text: str) -> None:
    assert LanguageEnricher().detect([text]) == [("und", 0.0)]


def test_mixed_texts_are_mul_and_single_language_ones_are_not() -> None:
    enricher = LanguageEnricher()
    mixed = [
        "Ich liebe dieses Produkt, es ist wirklich großartig. "
        "I love this product, it is really great.",
        "La mise à jour a complètement cassé mon planning de chauffage. "
        "The update completely broke my heating schedule.",
        "شكرا جزيلا على هذا المقال المفيد والرائع جدا Thanks a lot for this really useful article",
    ]
    assert [code for code, _ in enricher.detect(mixed)] == ["mul", "mul", "mul"]
    single = [
        "Super article, merci pour ces conseils sur le community management !",
        "Bonjour, depuis la mise à jour le thermostat ne se connecte plus au wifi.",
        "Thanks, the firmware update fixed the schedule on my Kelvio One.",
    ]
    assert [code for code, _ in enricher.detect(single)] == ["fr", "fr", "en"]


ODD = {
    "empty": "",
    "emoji": "😀🎉👍🏽",
    "urls": "http://a.example/x https://b.example/y?z=1",
    "huge": "mot " * 250_000,
    "one huge word": "x" * 1_000_000,
    "surrogates": "caf\udce9 \ud800 ok merci beaucoup",
    "only surrogates": "\ud800\udfff\udc00",
    "rtl-mixed": "שלום world مرحبا bonjour",
    "rtl": "\u202eThis text is reversed for display\u202c",
    "control": "\x00\x01\x02 text \u202e reversed",
    "combining": "e\u0301te\u0301 cafe\u0301 re\u0301sume\u0301",
    "zero width": "hel\u200blo wor\u200dld",
    "han run": "我们" * 2000,
}


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_input_gives_a_defined_output(name: str) -> None:
    found = LanguageEnricher().detect([ODD[name]])
    assert len(found) == 1
    code, confidence = found[0]
    assert code in CODES
    assert 0.0 <= confidence <= 1.0
    orjson.dumps(found)


def test_odd_input_through_the_enricher_contract() -> None:
    subjects = [Subject(subject_text(None, t), None, Author(name="A"), "t", "comment")
                for t in ODD.values()]  # fmt: skip
    LanguageEnricher().enrich(subjects)
    for s in subjects:
        assert s.result.language in CODES
        assert s.result.language_confidence is not None
        orjson.dumps(s.result.columns())


def test_answer_depends_on_the_text_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Alone or in a batch, first or after thousands of others, with the memory full and
    started over: the same text, the same answer."""
    texts = [
        "Merci, ça marche",
        "Gracias, ya funciona",
        "Danke, jetzt geht es",
        "Obrigado, já funciona",
        "Grazie, ora funziona",
        "Thanks, it works now",
        "lol",
        "Kelvio One",
    ]
    alone = [LanguageEnricher().detect([t])[0] for t in texts]
    LanguageEnricher._memories.clear()
    together = LanguageEnricher().detect(texts[::-1])[::-1]
    monkeypatch.setattr(lang, "MEMORY_ROWS", 50)  # starts over at nearly every batch
    LanguageEnricher._memories.clear()
    small = [LanguageEnricher().detect([t, "Ceci est une autre phrase"])[0] for t in texts]
    assert alone == together == small


def test_other_language_sets() -> None:
    enricher = LanguageEnricher(("en", "fr"))
    found = enricher.detect(["Merci beaucoup pour votre aide", "Thank you for your help"])
    assert [code for code, _ in found] == ["fr", "en"]
    # A language outside the set is read as the closest one inside it, never as itself.
    assert enricher.detect(["Vielen Dank für Ihre Hilfe"])[0][0] in {"en", "fr", "mul"}
    only = LanguageEnricher(("de",)).detect(["Vielen Dank", "Thank you so much", "?"])
    assert [code for code, _ in only] == ["de", "de", "und"]


def test_lingua_loads_only_when_enriching() -> None:
    """Importing the module or building the enricher loads no model: a command that does
    not enrich does not pay for Lingua."""
    probe = (
        "import sys\n"
        "import veille.enrich.language as m\n"
        "e = m.LanguageEnricher()\n"
        "assert 'lingua' not in sys.modules\n"
        "e.load()\n"
        "assert 'lingua' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)
