"""The workbench in French and English: words from a catalogue, numbers, dates and
relative times from Babel (the CLDR's rules, never formatted by hand)."""

from __future__ import annotations

import datetime as dt
from datetime import UTC
from typing import Final

from babel import Locale
from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal, format_percent

LOCALES: Final = ("en", "fr")

# English is the key; a word missing here shows in English rather than breaking a page.
FRENCH: Final[dict[str, str]] = {
    "Dashboard": "Tableau de bord",
    "Inbox": "Boîte de réception",
    "Members": "Membres",
    "Alerts": "Alertes",
    "Departments": "Départements",
    "Sign in": "Se connecter",
    "Sign out": "Se déconnecter",
    "E-mail": "Courriel",
    "Password": "Mot de passe",
    "Activities": "Activités",
    "Active members": "Membres actifs",
    "Negative share": "Part négative",
    "Spam": "Spam",
    "Median first response (hours)": "Première réponse médiane (heures)",
    "Activity per day": "Activité par jour",
    "Sentiment": "Sentiment",
    "positive": "positif",
    "neutral": "neutre",
    "negative": "négatif",
    "Channels": "Canaux",
    "Languages": "Langues",
    "Open alerts": "Alertes ouvertes",
    "Inbox backlog": "File d'attente",
    "Segments": "Segments",
    "Trends of the day": "Tendances du jour",
    "previous period": "période précédente",
    "lower is better": "plus bas est mieux",
    "unchanged": "inchangé",
    "days": "jours",
    "Period": "Période",
    "Show": "Afficher",
    "Data until": "Données jusqu'au",
    "computed": "calculé",
    "Views": "Vues",
    "All open": "Tout ce qui est ouvert",
    "Unassigned": "Non attribués",
    "Mine": "Les miens",
    "Closed": "Fermés",
    "Answered": "Répondus",
    "Status": "Statut",
    "Department": "Département",
    "Channel": "Canal",
    "Language": "Langue",
    "Intent": "Intention",
    "Assignee": "Attribué à",
    "Filter": "Filtrer",
    "any": "tous",
    "question": "question",
    "bug": "problème",
    "idea": "idée",
    "complaint": "réclamation",
    "praise": "compliment",
    "purchase": "achat",
    "job": "emploi",
    "press": "presse",
    "partnership": "partenariat",
    "other": "autre",
    "message": "message",
    "post": "article",
    "comment": "commentaire",
    "reply": "réponse",
    "pingback": "pingback",
    "trackback": "trackback",
    "mention": "mention",
    "reaction": "réaction",
    "engagement": "engagement",
    "Activity by channel": "Activité par canal",
    "Conversations": "Conversations",
    "Replies given / received": "Réponses données / reçues",
    "Threads started": "Fils lancés",
    "People talked with": "Interlocuteurs",
    "Talent topics": "Sujets de talent",
    "No item here.": "Aucun élément ici.",
    "Select an item.": "Choisissez un élément.",
    "Thread": "Fil",
    "Member": "Membre",
    "Why": "Pourquoi",
    "Rules applied": "Règles appliquées",
    "Proposed department": "Département proposé",
    "Assign to me": "M'attribuer",
    "Route": "Router",
    "Note for the department": "Note pour le département",
    "Answer": "Répondre",
    "Your answer": "Votre réponse",
    "Close": "Fermer",
    "Snooze one day": "Reporter d'un jour",
    "Mark as spam": "Marquer comme spam",
    "Not spam": "Pas un spam",
    "Priority": "Priorité",
    "History": "Historique",
    "Next": "Suivant",
    "Search": "Rechercher",
    "Merge suggestions": "Fusions suggérées",
    "Confidence": "Confiance",
    "Reasons": "Raisons",
    "Merge": "Fusionner",
    "Reject": "Refuser",
    "Identities": "Identités",
    "Recent activity": "Activité récente",
    "Segment": "Segment",
    "Why this segment": "Pourquoi ce segment",
    "Export (JSON)": "Exporter (JSON)",
    "Erase this member": "Effacer ce membre",
    "Erase": "Effacer",
    "Cancel": "Annuler",
    "Erase member": "Effacer le membre",
    "erase_warning": "Tout ce qui concerne ce membre sur tous les canaux sera supprimé "
    "définitivement : identités, activités, éléments de la boîte, historique.",
    "Type the member number to confirm": "Tapez le numéro du membre pour confirmer",
    "Acknowledge": "Prendre en compte",
    "Resolve": "Résoudre",
    "observed": "observé",
    "baseline": "référence",
    "No alert.": "Aucune alerte.",
    "Nothing stands out in the latest day.": "Rien ne se détache sur le dernier jour.",
    "Nothing stands out in this window.": "Rien ne se détache sur cette période.",
    "Nothing is stored yet.": "Rien n'est encore enregistré.",
    "Ending on": "Se terminant le",
    "Usual level": "Niveau habituel",
    "{n} accounts": "{n} comptes",
    "Quoted text": "Texte cité",
    "Signature and attachments": "Signature et pièces jointes",
    "line": "ligne",
    "Wrong? Correct it: the sentiment model learns from it.":
        "Erreur ? Corrigez : le modèle de sentiment en tient compte.",
    "Correct": "Corriger",
    "Reopen": "Rouvrir",
    "Per month": "Par mois",
    "everyone": "tout le monde",
    "Talents": "Talents",
    "Topic": "Sujet",
    "Points on the topic": "Points sur le sujet",
    "No member has a talent on this topic yet.": "Aucun membre n'a encore de talent sur ce sujet.",
    "The topics most members are good at": "Les sujets où le plus de membres excellent",
    "No talents yet: they come from answers to others' questions, threads others join, replies received.":
        "Pas encore de talents : ils viennent des réponses aux questions des autres, des fils que d'autres rejoignent, des réponses reçues.",
    "talents_help": "Qui répond aux questions des autres sur un sujet, lance les fils que d'autres rejoignent, reçoit des réponses : les personnes vers qui la communauté se tourne, et à recruter.",
    "Merge all {n}": "Fusionner les {n}",
    "All different people": "Tous différents",
    "Pair by pair": "Paire par paire",
    "{n} members linked by {k} suggestions; the confidence is the weakest link's.":
        "{n} membres reliés par {k} suggestions ; la confiance est celle du lien le plus faible.",
    "lines": "lignes",
    "From {start} to {end} (UTC), against the {n} windows before.":
        "Du {start} au {end} (UTC), comparé aux {n} périodes précédentes.",
    "Keyboard shortcuts": "Raccourcis clavier",
    "Single-key shortcuts": "Raccourcis à une touche",
    "on": "activés",
    "off": "désactivés",
    "Forbidden": "Interdit",
    "Not found": "Introuvable",
    "Someone else changed this item": "Quelqu'un d'autre a modifié cet élément",
    "Also looking at this item": "Regarde aussi cet élément",
    "activities": "activités",
    "members": "membres",
    "Comment or close": "Commenter ou fermer",
    "Close with a note": "Fermer avec une note",
    "Too many attempts": "Trop de tentatives",
    "Wrong e-mail or password.": "Courriel ou mot de passe incorrect.",
    "routed to": "routé vers",
    "Member since": "Membre depuis",
    "Last active": "Dernière activité",
    "Team": "Équipe",
    "Bot": "Robot",
    "Merges": "Fusions",
    "Back": "Retour",
    "Take over": "Reprendre",
    "Checked": "Cochés",
    "Feedback": "Retours",
    "Mentions": "Mentions",
    "People": "Personnes",
    "Per week": "Par semaine",
    "Quotes": "Citations",
    "feedback_help": "Ce que la communauté dit d'un produit ou d'un concept. Les "
    "responsables ajoutent un sujet ci-dessous ou avec « veille feedback add ».",
    "Trends": "Tendances",
    "Window": "Fenêtre",
    "hour": "heure",
    "day": "jour",
    "week": "semaine",
    "Term": "Terme",
    "Count": "Nombre",
    "Score": "Score",
    "Settings": "Réglages",
    "Remove": "Retirer",
    "Name": "Nom",
    "Label": "Libellé",
    "Add": "Ajouter",
    "Routing rules": "Règles de routage",
    "A new rules file (TOML)": "Un nouveau fichier de règles (TOML)",
    "Check and put in force": "Vérifier et appliquer",
    "In force": "En vigueur",
    "rules_help": "Le fichier entier est vérifié avant d'être appliqué ; s'il a une erreur, "
    "les règles en vigueur restent telles quelles. Les clés sont décrites dans",
    "Watches": "Veilles",
    "watch": "veille",
    "campaign": "campagne",
    "Matches": "Correspondances",
    "Authors": "Auteurs",
    "Reach": "Portée",
    "Top posts": "Messages les plus suivis",
    "Users": "Utilisateurs",
    "Add a user": "Ajouter un utilisateur",
    "Disable": "Désactiver",
    "Enable": "Réactiver",
    "Unmerge": "Séparer",
    "Thresholds": "Seuils",
    "Apply": "Appliquer",
    "Done": "Fait",
    "Refused": "Refusé",
    "Tag": "Étiquette",
    "Tags (separated by commas)": "Étiquettes (séparées par des virgules)",
    "Add tags": "Ajouter des étiquettes",
    "Author's segment": "Segment de l'auteur",
    "Received from": "Reçu du",
    "to": "au",
    "Keyword": "Mot-clé",
    "critical": "critique",
    "high": "haute",
    "medium": "moyenne",
    "low": "basse",
    "none": "aucune",
    "Internal note": "Note interne",
    "Reply": "Réponse",
    "Internal note (not sent to the member)": "Note interne (non envoyée au membre)",
    "Add the note": "Ajouter la note",
    "Export": "Exporter",
    "Channels and sources": "Canaux et sources",
    "A sync is running: reload to see its results.": "Une synchronisation est en cours : "
    "rechargez la page pour voir ses résultats.",
    "Sync done: each source's status is below.": "Synchronisation faite : l'état de chaque "
    "source est ci-dessous.",
    "Kind": "Type",
    "Last activity": "Dernière activité",
    "Last received": "Dernière réception",
    "Feed sources": "Sources (flux)",
    "sources_help": "Les flux que veille interroge (`veille sync`), poliment : une "
    "requête conditionnelle, un flux inchangé ne coûte rien. Les flux de commentaires "
    "d'un blog sont suivis d'eux-mêmes.",
    "Last sync": "Dernière synchronisation",
    "comments": "commentaires",
    "never": "jamais",
    "Sync": "Synchroniser",
    "Sync every source now": "Synchroniser toutes les sources maintenant",
    "Add a feed": "Ajouter un flux",
    "Feed URL (RSS, Atom or JSON Feed)": "Adresse du flux (RSS, Atom ou JSON Feed)",
    "Channel (default: from the feed)": "Canal (par défaut : celui du flux)",
    "Still matching what is stored: reload in a moment for the whole report.": "Recherche "
    "en cours dans ce qui est stocké : rechargez dans un instant pour le rapport entier.",
    "Edit": "Modifier",
    "New watch": "Nouvelle veille",
    "New campaign": "Nouvelle campagne",
    "Keywords (any of them)": "Mots-clés (l'un d'eux)",
    "Terms (any of them)": "Termes (l'un d'eux)",
    "Exact terms (case and accents kept)": "Termes exacts (casse et accents compris)",
    "Terms that must all be there": "Termes qui doivent tous être là",
    "Terms that rule a match out": "Termes qui excluent",
    "Only on these channels": "Seulement sur ces canaux",
    "Only in these languages (ISO 639-1)": "Seulement dans ces langues (ISO 639-1)",
    "Hashtags": "Mots-dièse",
    "Links (UTM parameters ignored)": "Liens (paramètres UTM ignorés)",
    "query_help": "Les mots sont comparés sans casse ni accents, mot par mot ; « logo* » "
    "pour tous les mots qui commencent par logo, « #tag » pour un mot-dièse. Détails :",
    "Nothing was saved: see the fields marked below.": "Rien n'a été enregistré : voyez "
    "les champs signalés ci-dessous.",
    "Starts (UTC)": "Début (UTC)",
    "Ends (UTC)": "Fin (UTC)",
    "one per line": "un par ligne",
    "Save and match": "Enregistrer et rechercher",
    "Remove, with what it matched": "Supprimer, avec ce qu'elle a trouvé",
    "Change a topic": "Modifier un sujet",
    "Add a topic": "Ajouter un sujet",
    "Words or phrases": "Mots ou expressions",
    "Since (optional, UTC)": "Depuis (facultatif, UTC)",
    "Save": "Enregistrer",
}

ENGLISH: Final[dict[str, str]] = {
    "feedback_help": "What the community says about a product or a concept. Managers add "
    "a topic below or with `veille feedback add`.",
    "rules_help": "The whole file is checked before it is put in force; when it has an "
    "error, the rules in force stay as they are. The keys are described in",
    "erase_warning": "This removes everything of this member on every channel, for good: "
    "identities, activities, inbox items, history.",
    "sources_help": "The feeds veille polls (`veille sync`), politely: a conditional "
    "request, an unchanged feed costs nothing. A blog's comment feeds are followed by "
    "themselves.",
    "talents_help": "Who answers others' questions on a topic, starts the threads others "
    "join, is replied to: the people the community turns to, and the ones to recruit.",
    "query_help": "Words are compared without case or accents, word by word; \"logo*\" "
    "for every word starting with logo, \"#tag\" for a hashtag. Details:",
}

STATUSES_FR: Final = {
    "new": "nouveau", "triaged": "trié", "routed": "routé", "answered": "répondu",
    "closed": "fermé", "snoozed": "reporté", "spam": "spam", "open": "ouverte",
    "acknowledged": "prise en compte", "resolved": "résolue",
}  # fmt: skip


# What members' places are called (the families of ``veille segments`` and their
# values), in English and in French: the study the origin article cites is French.
PLACES: Final[dict[str, tuple[str, str]]] = {
    "segment": ("Typology", "Typologie"),
    "orbit_level": ("Orbit level", "Niveau Orbit"),
    "onion": ("Onion", "Oignon"),
    "cohort": ("Cohort", "Cohorte"),
    "segment:networkers": ("networkers", "réseauteurs"),
    "segment:communicators": ("communicators", "communicants"),
    "segment:participants": ("participants", "participants"),
    "segment:reserved": ("reserved", "réservés"),
    "segment:consultative": ("consultative", "consultatifs"),
    "segment:dormant": ("dormant", "dormants"),
    "onion:core": ("core", "cœur"),
    "onion:regular": ("regular", "réguliers"),
    "onion:casual": ("casual", "occasionnels"),
    "cohort:new": ("new", "nouveaux"),
    "cohort:active": ("active", "actifs"),
    "cohort:recently_inactive": ("recently inactive", "récemment inactifs"),
    "cohort:churned": ("churned", "partis"),
    "cohort:returning": ("returning", "de retour"),
}


# Parsed once: Babel reads its locale data for every string given as a locale.
_LOCALES: Final = {code: Locale.parse(code) for code in LOCALES}


class Language:
    """The words and formats of one locale, handed to templates."""

    def __init__(self, locale: str) -> None:
        self.code = locale if locale in LOCALES else "en"
        self.locale = _LOCALES[self.code]

    def __call__(self, text: str) -> str:
        if self.code == "fr":
            return FRENCH.get(text) or STATUSES_FR.get(text) or text
        return ENGLISH.get(text, text)

    def places(self, family: str) -> str:
        """The name of a family of places: ``segment``, ``orbit_level``, ``onion``,
        ``cohort``."""
        found = PLACES.get(family)
        return found[self.code == "fr"] if found else family

    def place(self, family: str, value: object) -> str:
        """One place of a family as the user reads it ("recently inactive",
        "réseauteurs"); "-" for none."""
        if value is None or value == "":
            return "-"
        found = PLACES.get(f"{family}:{value}")
        return found[self.code == "fr"] if found else str(value)

    def number(self, value: float | int, digits: int = 1) -> str:
        pattern = "#,##0" if isinstance(value, int) or digits == 0 else "#,##0." + "#" * digits
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float) -> str:
        return format_percent(value, format="#,##0.#%", locale=self.locale)

    def datetime(self, value: dt.datetime) -> str:
        return format_datetime(value, format="short", tzinfo=UTC, locale=self.locale)

    def stamp(self, iso: str) -> str:
        """An ISO 8601 time as the records carry it, in the locale's short form."""
        return self.datetime(dt.datetime.fromisoformat(iso))

    def date(self, value: dt.date) -> str:
        return format_date(value, format="medium", locale=self.locale)

    def ago(self, value: dt.datetime, now: dt.datetime | None = None) -> str:
        delta = value - (now or dt.datetime.now(UTC))
        return format_timedelta(delta, add_direction=True, locale=self.locale)
