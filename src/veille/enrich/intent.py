"""Intent: what a message wants — the label routing to departments will use.

Labels: ``question`` (support request), ``bug`` (problem report), ``idea`` (feature
request), ``complaint``, ``praise``, ``purchase`` (sales lead), ``job`` (talent
interest), ``press`` (PR inquiry), ``partnership``, ``other``.

This first version reads cues, not a model: short phrases in English, French, German,
Spanish, Italian and Portuguese (no labelled intent data exists in the shared data to
train on; a learned layer will come from the community manager's routing decisions).
Each cue found adds its weight to its intent; the strongest intent wins, ties broken by
:data:`PRIORITY` (a bug report phrased as a question is a bug report). The score says
how much evidence there was: 0.5 for one cue, rising towards 1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from veille.enrich import Enricher, Subject

INTENTS = ("question", "bug", "idea", "complaint", "praise", "purchase", "job", "press",
           "partnership", "other")  # fmt: skip
PRIORITY = ("bug", "purchase", "job", "press", "partnership", "complaint", "idea",
            "question", "praise")  # fmt: skip

CUES: dict[str, tuple[str, ...]] = {
    "question": (
        "how do i", "how can i", "how to", "is there a way", "does anyone know", "any idea",
        "can someone", "comment faire", "comment puis-je", "est-ce que", "quelqu'un sait",
        "wie kann ich", "weiß jemand", "gibt es eine möglichkeit", "cómo puedo", "alguien sabe",
        "hay alguna forma", "come posso", "qualcuno sa", "c'è un modo", "como posso",
        "alguém sabe", "como faço",
    ),
    "bug": (
        "bug", "crash", "crashes", "error", "doesn't work", "does not work", "not working",
        "broken", "fails", "failed", "ne marche pas", "ne fonctionne pas", "plante", "erreur",
        "bogue", "funktioniert nicht", "absturz", "stürzt ab", "fehler", "no funciona",
        "se cuelga", "fallo", "non funziona", "si blocca", "errore", "não funciona", "trava",
        "erro", "falha",
    ),
    "idea": (
        "feature request", "it would be great", "would be nice", "please add", "suggestion",
        "i suggest", "could you add", "ce serait bien", "ce serait génial", "il faudrait",
        "pourriez-vous ajouter", "je suggère", "wäre schön", "wäre toll", "vorschlag",
        "bitte fügt", "sería genial", "sería bueno", "sugerencia", "podrían añadir",
        "sarebbe bello", "sarebbe utile", "suggerimento", "seria ótimo", "seria bom",
        "sugestão", "poderiam adicionar",
    ),
    "complaint": (
        "disappointed", "unacceptable", "terrible", "worst", "refund", "scam", "ridiculous",
        "déçu", "déçue", "inadmissible", "remboursement", "honteux", "scandaleux", "nul",
        "enttäuscht", "unverschämt", "rückerstattung", "katastrophe", "decepcionado",
        "inaceptable", "reembolso", "vergonzoso", "deluso", "inaccettabile", "rimborso",
        "vergognoso", "decepcionada", "inaceitável", "vergonhoso", "horrible", "horrível",
    ),
    "praise": (
        "love it", "i love", "great job", "thank you", "thanks", "awesome", "amazing",
        "well done", "merci", "bravo", "génial", "super", "j'adore", "danke", "toll",
        "großartig", "gracias", "genial", "me encanta", "grazie", "fantastico", "adoro",
        "obrigado", "obrigada", "parabéns", "incrível",
    ),
    "purchase": (
        "price", "pricing", "how much", "buy", "quote", "license", "subscription", "discount",
        "prix", "tarif", "combien", "acheter", "devis", "abonnement", "preis", "kosten",
        "kaufen", "angebot", "lizenz", "precio", "cuánto cuesta", "comprar", "presupuesto",
        "prezzo", "quanto costa", "acquistare", "preventivo", "preço", "quanto custa",
        "orçamento",
    ),
    "job": (
        "hiring", "job", "position", "apply", "my resume", "my cv", "internship",
        "recrutez", "recrutement", "candidature", "poste", "stage", "mon cv", "stelle",
        "bewerbung", "praktikum", "lebenslauf", "empleo", "trabajo", "vacante", "candidatura",
        "lavoro", "posizione aperta", "tirocinio", "vaga", "emprego", "estágio", "currículo",
    ),
    "press": (
        "journalist", "press", "interview", "reporter", "media inquiry", "journaliste",
        "presse", "interview", "reportage", "journalistin", "periodista", "prensa",
        "entrevista", "giornalista", "stampa", "intervista", "jornalista", "imprensa",
    ),
    "partnership": (
        "partnership", "partner with", "collaborate", "collaboration", "sponsor",
        "partenariat", "partenaire", "partnerschaft", "kooperation", "zusammenarbeit",
        "colaboración", "asociación", "alianza", "collaborazione", "partnership", "parceria",
        "colaboração",
    ),
}  # fmt: skip

_WORD = re.compile(r"\w+")
_QUESTION_MARK = re.compile(r"\?\s*(?:$|\n)|\?\s+\S")


def _index() -> tuple[dict[str, tuple[str, ...]], dict[str, list[tuple[re.Pattern[str], str]]]]:
    """Cues of one word by the word; longer cues by their first word, each with a
    pattern that finds it as whole words in lower-cased text."""
    words: dict[str, list[str]] = {}
    phrases: dict[str, list[tuple[re.Pattern[str], str]]] = {}
    for intent, cues in CUES.items():
        for cue in {c.lower() for c in cues}:
            if _WORD.fullmatch(cue):
                words.setdefault(cue, []).append(intent)
            else:
                first = _WORD.search(cue)
                key = first.group() if first else cue
                pattern = re.compile(rf"(?<!\w){re.escape(cue)}(?!\w)")
                phrases.setdefault(key, []).append((pattern, intent))
    return {w: tuple(i) for w, i in words.items()}, phrases


_BY_WORD, _BY_FIRST_WORD = _index()


def classify(text: str) -> tuple[str, float]:
    """(intent, score) for one text: the words are looked up once, and the few cues of
    several words whose first word is there are searched for."""
    lowered = text.lower()
    words = _WORD.findall(lowered)
    counts = dict.fromkeys(CUES, 0)
    for word in words:
        for intent in _BY_WORD.get(word, ()):
            counts[intent] += 1
    for word in _BY_FIRST_WORD.keys() & set(words):
        for pattern, intent in _BY_FIRST_WORD[word]:
            counts[intent] += len(pattern.findall(lowered))
    if _QUESTION_MARK.search(text):
        counts["question"] += 1
    best = max(PRIORITY, key=lambda i: (counts[i], -PRIORITY.index(i)))
    n = counts[best]
    if n == 0:
        return "other", 0.0
    return best, round(1.0 - 0.5**n, 3)


class IntentEnricher(Enricher):
    name: ClassVar[str] = "intent"
    fields: ClassVar[tuple[str, ...]] = ("intent", "intent_score")

    def enrich(self, subjects: Sequence[Subject]) -> None:
        for s in subjects:
            s.result.intent, s.result.intent_score = classify(s.own[:5000])
