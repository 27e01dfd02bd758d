"""The enrichers: one conformance suite for all, then each one's own promises."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from veille.enrich import BUILTIN, Enrichment, Subject, enricher_class, subject_text
from veille.enrich.sanitise import sanitise
from veille.model import Author

ODD_TEXTS = {
    "empty": "",
    "emoji": "😀🎉👍🏽",
    "urls": "http://a.example/x https://b.example/y?z=1",
    "huge": "mot " * 250_000,
    "surrogates": "caf\udce9 \ud800 ok",
    "rtl-mixed": "שלום world مرحبا bonjour",
    "control": "\x00\x01\x02 text \u202e reversed",
}


@pytest.fixture(params=sorted(BUILTIN))
def enricher_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _subject(text: str, html: str | None = None) -> Subject:
    return Subject(subject_text(None, text), html, Author(name="A"), "test", "comment")


def test_declares_real_fields(enricher_name: str) -> None:
    cls = enricher_class(enricher_name)
    assert cls.name == enricher_name
    assert cls.fields and all(f in Enrichment.__dataclass_fields__ for f in cls.fields)


def test_odd_input_gives_a_defined_output(enricher_name: str) -> None:
    enricher = enricher_class(enricher_name)()
    subjects = [_subject(t, f"<p>{t}</p>" if t else None) for t in ODD_TEXTS.values()]
    enricher.enrich(subjects)
    for s in subjects:
        values = s.result.columns()
        orjson.dumps(values)  # storable
        for f in enricher.fields:
            assert f in values


XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<iframe src=javascript:alert(1)></iframe>",
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>alert(1)//<</script>",
    '<b onmouseover="alert(1)">bold</b>',
    '<a href="https://ok.example" onclick="alert(1)" target="_blank">ok</a>',
    "<object data=javascript:alert(1)>",
    "<form action=javascript:alert(1)><input type=submit>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    '<blockquote cite="javascript:alert(1)">q</blockquote>',
    "<!--<script>alert(1)</script>-->",
    "<style>@import 'javascript:alert(1)';</style>",
]


@pytest.mark.parametrize("vector", XSS)
def test_sanitiser_leaves_nothing_that_runs(vector: str) -> None:
    out = sanitise(vector).lower()
    for bad in ("<script", "javascript:", "vbscript:", "data:", " on", "<iframe", "<img",
                "<svg", "style=", "<object", "<form", "<style"):  # fmt: skip
        assert bad not in out, (vector, out)


def test_sanitiser_keeps_the_origin_allowlist() -> None:
    html = (
        '<p><a href="https://veille.example/x" title="t">lien</a> <abbr title="a">A</abbr> '
        '<acronym title="b">B</acronym> <b>b</b> <blockquote cite="https://c.example">q</blockquote> '
        '<cite>c</cite> <code>x</code> <del datetime="2010-10-18">d</del> <em>e</em> <i>i</i> '
        '<q cite="https://q.example">q</q> <strike>s</strike> <strong>s</strong> <u>u</u></p>'
    )
    out = sanitise(html)
    for tag in ("a", "abbr", "acronym", "b", "blockquote", "cite", "code", "del", "em", "i",
                "q", "strike", "strong"):  # fmt: skip
        assert f"<{tag}" in out
    assert "<p>" not in out and "<u>" not in out and out.endswith(" u")
    assert 'rel="nofollow ugc"' in out and 'title="t"' in out


def test_ingest_enriches_and_enrich_fills_the_rest(tmp_path: Path) -> None:
    from veille.enrich.rerun import enrich_stored
    from veille.export import records
    from veille.pipeline import ingest
    from veille.store import Store

    src = tmp_path / "c.ndjson"
    src.write_bytes(
        b"".join(
            orjson.dumps(
                {"id": str(i), "channel": "blog", "kind": "comment",
                 "created_at": "2026-01-01T10:00:00Z", "author": {"name": f"p{i}"},
                 "text": t, "html": f"<p>{t} <script>x()</script></p>"}
            ) + b"\n"
            for i, t in enumerate(["Merci beaucoup pour cet excellent article !",
                                   "Thank you so much for this excellent article!"])
        )
    )  # fmt: skip
    store = Store(tmp_path / "v.db")
    ingest(store, [src])
    rows = list(records(store, "activities"))
    assert [r["language"] for r in rows] == ["fr", "en"]
    assert all("<script" not in r["html_safe"] and "Merci" in rows[0]["html_safe"] for r in rows)
    other = Store(tmp_path / "w.db")
    ingest(other, [src], enrich=False)
    assert all(r.get("language") is None for r in records(other, "activities"))
    assert enrich_stored(other) == 2
    assert enrich_stored(other) == 0
    assert [r["language"] for r in records(other, "activities")] == ["fr", "en"]
    assert enrich_stored(other, everything=True) == 2
    store.close()
    other.close()


def _origin_parts(seed: Path) -> tuple[str, list[str]]:
    """The injected link block at the top of the origin page, and its four comments."""
    lines = (seed / "origin-document.txt").read_text("utf-8").splitlines()
    block = next(line for line in lines if line.startswith("http://"))
    start = next(i for i, line in enumerate(lines) if line.startswith("Comments (4)"))
    end = next(i for i, line in enumerate(lines) if "Leave a Reply" in line)
    comments: list[str] = []
    for line in lines[start + 1 : end]:
        stripped = line.strip()
        if stripped[:3] in ("1. ", "2. ", "3. ", "4. "):
            comments.append(stripped[3:])
        elif stripped and comments:
            comments[-1] += "\n" + stripped
    return block, comments


def test_spam_rules_catch_the_origin_link_block_and_spare_its_comments() -> None:
    from tests.conftest import SEED
    from veille.enrich.spamrules import SpamRules

    block, comments = _origin_parts(SEED)
    assert len(comments) == 4
    rules = SpamRules()
    reasons = rules.check(block)
    assert {"links>=2", "casino-terms", "link-text-language-mismatch"} <= set(reasons)
    for comment in comments:
        assert rules.check(comment) == [], comment


def test_spam_rules_are_the_managers_to_tune() -> None:
    from veille.enrich.spamrules import SpamRules

    rules = SpamRules(
        max_links=3,
        moderation_keys=("promo",),
        disallowed_keys=("cheap-pills.example",),
        patterns=(r"\bwin \$\d+",),
        spam_hosts=frozenset({"spam.example"}),
        allowed_languages=("fr", "en"),
    )
    text = "Promo: win $500 at http://a.spam.example and http://b.example"
    reasons = rules.check(text, language="de", author_url="https://cheap-pills.example/")
    assert "links>=3" not in reasons
    assert {"moderation-key:promo", "disallowed-key:cheap-pills.example",
            "known-spam-domain:a.spam.example", "language-not-allowed:de"} <= set(reasons)  # fmt: skip
    assert any(r.startswith("pattern:") for r in reasons)
    assert SpamRules().check("[url=http://x.example]x[/url]") == ["bbcode-links"]
    assert SpamRules().check("") == ["empty-body"]


def test_spam_enricher_scores_and_explains(tmp_path: Path) -> None:
    from tests.conftest import SEED
    from veille.enrich.spam import THRESHOLD, SpamEnricher, score
    from veille.export import records
    from veille.pipeline import ingest
    from veille.store import Store

    block, comments = _origin_parts(SEED)
    subjects = [_subject(block), *(_subject(c) for c in comments)]
    SpamEnricher().enrich(subjects)
    assert subjects[0].result.spam is True and subjects[0].result.spam_score >= THRESHOLD
    assert "casino-terms" in (subjects[0].result.spam_reasons or [])
    assert [s.result.spam for s in subjects[1:]] == [False] * 4
    assert score(["links>=2"]) < THRESHOLD  # held for moderation, not spam by itself
    assert score(["disallowed-key:x"]) >= THRESHOLD

    src = tmp_path / "s.ndjson"
    src.write_bytes(
        orjson.dumps({"id": "1", "channel": "blog", "kind": "comment",
                      "created_at": "2026-01-01T10:00:00Z", "author": {"name": "x"},
                      "text": block}) + b"\n"
    )  # fmt: skip
    store = Store(tmp_path / "s.db")
    ingest(store, [src])
    (row,) = records(store, "activities")
    assert row["spam"]["is_spam"] is True and "links>=2" in row["spam"]["reasons"]
    store.close()


def test_keywords_in_the_activity_language() -> None:
    from veille.enrich.keywords import key_phrases

    assert key_phrases("Le nouveau logo est horrible, rendez-nous l'ancien logo !", "fr")[0] == (
        "ancien logo"
    )
    english = key_phrases(
        "I don't like the new pricing, it's way too expensive for small teams.", "en"
    )
    assert "pricing" in english and "don" not in english
    assert "preisgestaltung" in key_phrases("Die neue Preisgestaltung ist viel zu teuer.", "de")
    assert key_phrases("", "fr") == [] and key_phrases("😀 https://x.example @bob", None) == []
    assert len(key_phrases("mot " * 250_000 + "fin", "fr")) <= 5


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("How do I export my contacts?", "question"),
        ("The app crashes when I open settings, is this a known bug?", "bug"),
        ("Die App funktioniert nicht mehr seit dem Update", "bug"),
        ("It would be great if you could add a dark mode", "idea"),
        ("Ciao, sarebbe bello avere l'esportazione in CSV", "idea"),
        ("Très déçu, je veux un remboursement", "complaint"),
        ("Merci beaucoup, super travail !", "praise"),
        ("Combien coûte la licence entreprise ? Je voudrais un devis", "purchase"),
        ("Hola, ¿cuánto cuesta la suscripción?", "purchase"),
        ("Vous recrutez ? Voici ma candidature", "job"),
        ("Je suis journaliste, pourriez-vous m'accorder une interview ?", "press"),
        ("Gostaríamos de propor uma parceria", "partnership"),
        ("ok", "other"),
    ],
)
def test_intent_cues_in_several_languages(text: str, intent: str) -> None:
    from veille.enrich.intent import classify

    label, score = classify(text)
    assert label == intent
    assert (score == 0.0) == (intent == "other") and 0.0 <= score < 1.0


def test_spam_reads_the_features_sentiment_hashed_and_decides_the_same() -> None:
    """Sentiment and spam hash a batch once; spam reads markup where there is some, and
    its decisions are those of the model asked about each text on its own."""
    from tests.conftest import SEED
    from veille.enrich.features import transform_shared
    from veille.enrich.sentiment import SentimentEnricher
    from veille.enrich.spam import SpamEnricher, score
    from veille.enrich.textmodel import shipped

    block, comments = _origin_parts(SEED)
    subjects = [_subject(t) for t in [block, *comments, "Great video, subscribe to my channel"]]
    link = '<a href="https://x.example/a">a</a>'
    subjects[1] = _subject(comments[0], f"<p>{comments[0]} {link}</p>")
    texts = [s.text for s in subjects]
    SentimentEnricher().enrich(subjects)
    spam = shipped("spam")
    hashed = transform_shared(spam.features, texts)
    assert transform_shared(spam.features, list(texts)) is hashed  # kept from sentiment
    # The careful model (the comment model reads the same features: test_spam_comments)
    SpamEnricher(comment_model=False).enrich(subjects)
    assert transform_shared(spam.features, texts) is hashed  # spam did not hash again
    alone = spam.predict_proba([s.html or s.text for s in subjects])[:, 1]
    for s, p in zip(subjects, alone.tolist(), strict=True):
        assert s.result.spam_score == score(s.result.spam_reasons or [], p)
    assert subjects[0].result.spam and not any(s.result.spam for s in subjects[1:5])
    assert transform_shared(spam.features, texts[:2]) is not hashed


def test_enrich_measures_the_members_again(tmp_path: Path) -> None:
    # Ingested without enrichment, the origin page's injected link block counts as its
    # author's activity; once `veille enrich` calls it spam, it no longer does.
    from click.testing import CliRunner

    from tests.conftest import SEED
    from veille.cli import cli

    block, comments = _origin_parts(SEED)
    src = tmp_path / "c.ndjson"
    src.write_bytes(
        b"".join(
            orjson.dumps(
                {"id": str(i), "channel": "blog", "kind": "comment",
                 "created_at": f"2026-01-0{i + 1}T10:00:00Z",
                 "author": {"name": "Casino Partner", "email": "seo@example.net"}, "text": t}
            ) + b"\n"
            for i, t in enumerate([comments[0], block])
        )
    )  # fmt: skip
    db, runner = str(tmp_path / "v.db"), CliRunner()

    def measured() -> tuple[float, str]:
        out = runner.invoke(cli, ["--db", db, "export", "members", "--format", "ndjson"])
        (member,) = [orjson.loads(line) for line in out.output.splitlines()]
        return float(member["engagement"]), str(member["segment_reasons"][0])

    assert runner.invoke(cli, ["--db", db, "ingest", "-q", "--no-enrich", str(src)]).exit_code == 0
    love, why = measured()
    assert "2 activities on 2 days" in why
    done = runner.invoke(cli, ["--db", db, "enrich"])
    assert done.exit_code == 0 and "members measured again" in done.output, done.output
    after, why = measured()
    assert "1 activity on 1 day in" in why, why
    assert after < love
