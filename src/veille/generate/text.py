"""The words of the synthetic community: message templates, vocabularies and names.

Data only; :mod:`veille.generate` decides who says what and when. Each language block
(in ``text_en_fr``, ``text_de_es`` and ``text_it_pt``) is parsed once at import:
``@section`` starts a list of templates (one per line; a thread opener is
``title | body``), ``=slot: a; b; c`` declares a vocabulary (``full|bare`` pairs keep an
article form and a title form of the same thing together). Templates carry no label of
their intent or sentiment: the generator knows them, the text does not.
"""

from __future__ import annotations

from veille.generate.text_de_es import DE, ES
from veille.generate.text_en_fr import EN, FR
from veille.generate.text_it_pt import IT, PT

BRAND = "Kelvio"
DOMAIN = "kelvio.example"
LAUNCH_TAG = "#KelvioMini"
CRISIS_TAG = "#KelvioLogo"
LAUNCH_URL = (
    f"https://{DOMAIN}/mini?utm_source=social&utm_medium=post&utm_campaign=kelvio-mini-launch"
)
HELP_URL = f"https://help.{DOMAIN}/"

SHARED: dict[str, tuple[str, ...]] = {
    "version": ("3.2.1", "3.3.0", "3.3.2", "3.4.0", "4.0 beta"),
    "months": ("2", "3", "6", "8", "14"),
    "weeks": ("2", "3", "4"),
    "percent": ("12", "15", "18", "22", "30"),
    "temp": ("19", "20", "21", "21.5", "22"),
    "count": ("5", "8", "12", "20", "35"),
    "help_url": (HELP_URL + "schedules", HELP_URL + "wifi", HELP_URL + "troubleshooting"),
    "launch_url": (LAUNCH_URL,),
    "country": ("Canada", "Belgium"),
}

# Section and slot names the generator may ask for; a language may lack some.
Block = dict[str, list[str]]
Vocab = dict[str, list[tuple[str, str]]]


def _parse(block: str) -> tuple[Block, Vocab]:
    sections: Block = {}
    vocab: Vocab = {}
    current: list[str] | None = None
    for line in block.strip().splitlines():
        if line.startswith("@"):
            current = sections.setdefault(line[1:].strip(), [])
        elif line.startswith("="):
            name, _, items = line[1:].partition(":")
            pairs: list[tuple[str, str]] = []
            for item in items.split(";"):
                full, _, bare = item.strip().partition("|")
                pairs.append((full, bare or full))
            vocab[name.strip()] = pairs
        elif line.strip() and current is not None:
            current.append(line.replace("\\n", "\n"))
    return sections, vocab


TEXTS: dict[str, Block] = {}
VOCAB: dict[str, Vocab] = {}
for _lang, _block in (("en", EN), ("fr", FR), ("de", DE), ("es", ES), ("it", IT), ("pt", PT)):
    TEXTS[_lang], VOCAB[_lang] = _parse(_block)

LANGS = tuple(TEXTS)
HASHTAGS = {
    "en": ("#SmartHome", "#thermostat"),
    "fr": ("#domotique", "#maisonconnectée"),
    "de": ("#SmartHome", "#Heizung"),
    "es": ("#domótica", "#hogarinteligente"),
    "it": ("#domotica", "#casaintelligente"),
    "pt": ("#casainteligente", "#automaçãoresidencial"),
}
EMOJI_UP = ("😍", "🙌", "👏", "💙", "🔥")
EMOJI_DOWN = ("😡", "😤", "👎", "🙄")
EMOJI_ASK = ("🤔", "🙏")

STATUS_BOT = (
    "✅ All systems operational.",
    "⚠️ We're investigating sync delays for some users. Updates here.",
    "🔧 Scheduled maintenance tonight 01:00–02:00 UTC. The app may be unavailable.",
    "✅ The sync issue is resolved. Thanks for your patience.",
)

# Names by origin: first names ("/" separates spellings of one name, "|" its native
# script), then family names. Origin is not language: many Arabic- and Hindi-named
# members write in French or English.
_NAMES = """
fr: Claire; Hélène; Camille; Léa; Chloé; Manon; Julie; Élodie; Céline; Sophie; Thomas; Nicolas; Julien; Stéphane; Jérôme; François; Antoine; Maxime; Olivier; Benoît; Gaëlle; Loïc; Anaïs; Mathéo
fr: Dubois; Martin; Bernard; Lefèvre; Moreau; Laurent; Girard; Rousseau; Fournier; Mercier; Lambert; Bonnet; Faure; Chevalier; Garnier; Leroy; Gauthier; Perrin; Masson; Dupré; Lemaître; Bénard; Hébert
en: Emily; Sarah; Jessica; Olivia; Hannah; Megan; Laura; James; Michael; David; Daniel; Chris; Matthew; Ryan; Kevin; Brian; Liam; Grace; Amy; Rachel
en: Smith; Johnson; Williams; Brown; Jones; Miller; Davis; Wilson; Taylor; Anderson; Thomas; Moore; Clarke; Walker; Wright; Hughes; Evans; O'Brien; Murphy; Campbell
de: Anna; Lena; Julia; Katrin; Sabine; Jürgen; Lukas; Jonas; Felix; Maximilian; Stefan; Uwe; Björn; Sören; Jörg; Jana; Annika; Tobias; Matthias; Günther
de: Müller; Schmidt; Schneider; Fischer; Weber; Meyer; Wagner; Becker; Schäfer; Koch; Bauer; Richter; Klein; Wolf; Schröder; Neumann; Zimmermann; Krüger; Hoffmann; Weiß; Groß
es: María; Lucía; Carmen; Sofía; Marta; Paula; Núria; Ángela; José; Javier; Sergio; Álvaro; Raúl; Iñaki; Andrés; Diego; Pablo; Jesús; Inés; Begoña
es: García; Fernández; González; Rodríguez; López; Martínez; Sánchez; Pérez; Gómez; Jiménez; Ruiz; Hernández; Díaz; Moreno; Muñoz; Álvarez; Romero; Navarro; Ibáñez; de la Fuente; Castaño
it: Giulia; Francesca; Chiara; Sara; Martina; Alessandro; Lorenzo; Matteo; Davide; Niccolò; Federico; Gianluca; Elena
it: Rossi; Russo; Ferrari; Esposito; Bianchi; Romano; Colombo; Ricci; Marino; Greco; De Luca; Galli; Conti; Mancini; Lombardi
pt: João; Ana; Beatriz; Inês; Gonçalo; Tiago; Rafael; Mariana; Luíza; Thiago; Letícia; Fernanda; Leonardo; Matheus
pt: Silva; Santos; Oliveira; Souza; Pereira; Costa; Rodrigues; Almeida; Nascimento; Carvalho; Gonçalves; Araújo; Ribeiro; Fonseca
ar: Mohamed/Mohammed/Muhammad|محمد; Youssef/Yousef/Yusuf|يوسف; Karim|كريم; Omar|عمر; Ahmed|أحمد; Mehdi|مهدي; Rachid/Rashid|رشيد; Samir|سمير; Fatima/Fatma|فاطمة; Amina|أمينة; Leïla/Leila/Layla|ليلى; Nadia|نادية; Salma|سلمى; Yasmine/Yasmin|ياسمين; Khadija|خديجة; Hind|هند
ar: Benali; El Amrani; Haddad; Bouzid; Mansour; Khalil; Saidi; Benjelloun; Cherif; Nasser; Belkacem; Ait Ahmed; Ben Youssef; Hamdi; El Idrissi; Ziani
hi: Priya|प्रिया; Ananya|अनन्या; Aditi; Kavya; Neha|नेहा; Pooja/Puja|पूजा; Rahul|राहुल; Arjun|अर्जुन; Vikram|विक्रम; Rohan; Aditya; Sanjay; Deepak; Karthik/Kartik; Lakshmi; Sunita
hi: Sharma; Verma; Gupta; Patel; Iyer; Nair; Reddy; Singh; Kumar; Mehta; Joshi; Rao; Chatterjee; Banerjee; Krishnan; Agarwal
"""

NAMES: dict[str, tuple[list[str], list[str]]] = {}
for _line in _NAMES.strip().splitlines():
    _origin, _, _items = _line.partition(":")
    _names = [n.strip() for n in _items.split(";")]
    if _origin in NAMES:
        NAMES[_origin] = (NAMES[_origin][0], _names)
    else:
        NAMES[_origin] = (_names, [])

# origin -> (share of members, languages they write in with weights)
ORIGINS: dict[str, tuple[float, tuple[tuple[str, float], ...]]] = {
    "en": (0.26, (("en", 1.0),)),
    "fr": (0.20, (("fr", 0.95), ("en", 0.05))),
    "de": (0.13, (("de", 0.9), ("en", 0.1))),
    "es": (0.11, (("es", 0.93), ("en", 0.07))),
    "it": (0.06, (("it", 0.85), ("en", 0.15))),
    "pt": (0.06, (("pt", 0.85), ("en", 0.15))),
    "ar": (0.10, (("fr", 0.5), ("en", 0.45), ("es", 0.05))),
    "hi": (0.08, (("en", 0.95), ("fr", 0.05))),
}
MAIL_DOMAINS = {
    "en": ("gmail.com", "outlook.com", "yahoo.com", "icloud.com"),
    "fr": ("gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr"),
    "de": ("gmx.de", "web.de", "t-online.de", "gmail.com"),
    "es": ("gmail.com", "hotmail.es", "yahoo.es", "telefonica.net"),
    "it": ("libero.it", "gmail.com", "virgilio.it"),
    "pt": ("gmail.com", "uol.com.br", "sapo.pt"),
    "ar": ("gmail.com", "hotmail.com", "hotmail.fr", "yahoo.fr"),
    "hi": ("gmail.com", "rediffmail.com", "yahoo.co.in"),
}
SITE_TLDS = {"en": "com", "fr": "fr", "de": "de", "es": "es", "it": "it", "pt": "com.br"}
# Nicknames (handles and address local parts made of nothing of the name): a word of
# each list run together ("bluefox", "gatonegro"), or syllables ("zorvak"). The space
# is large, as real people's is: on the real mailing lists, 6.9% of such local parts
# share their letters with another person's (bench/identity_realism.py).
NICK_HEADS = ("blue", "night", "green", "pixel", "heat", "cozy", "solar", "red", "black",
              "white", "silver", "golden", "dark", "wild", "lazy", "happy", "crazy", "little",
              "big", "old", "young", "quiet", "rapid", "lucky", "iron", "stone", "cloud",
              "storm", "snow", "rain", "moon", "star", "sea", "river", "forest", "mountain",
              "desert", "urban", "retro", "cyber", "techno", "turbo", "mega", "ultra", "hyper",
              "super", "micro", "nano", "electro", "magic", "mystic", "cosmic", "atomic",
              "sonic", "neon", "velvet", "crystal", "copper", "amber", "coral", "maple",
              "cedar", "oak", "pine", "willow", "thunder", "shadow", "frost", "ember", "spark",
              "gato", "lupo", "petit", "grand", "rouge", "noir", "vert", "bleu", "blanc",
              "schwarz", "weiss", "rot", "gruen", "blau", "klein", "gross", "alt", "neu",
              "negro", "blanco", "rojo", "verde", "azul", "loco", "rosso", "nero", "bianco",
              "azzurro", "preto", "branco", "vermelho", "feliz", "sol", "luna", "mar",
              "ciel", "terre", "vent", "feu", "nord", "sud", "ost", "west", "fjord", "bzh")  # fmt: skip
NICK_TAILS = ("fox", "owl", "home", "cat", "wave", "house", "punk", "wolf", "bear", "hawk",
              "eagle", "tiger", "lion", "dog", "bird", "fish", "frog", "bee", "ant", "moth",
              "rabbit", "otter", "badger", "raven", "crow", "swan", "duck", "goat", "horse",
              "dragon", "ninja", "pirate", "rider", "runner", "walker", "hunter", "maker",
              "coder", "hacker", "builder", "tinker", "dreamer", "seeker", "wizard", "knight",
              "monk", "poet", "chef", "smith", "pilot", "sailor", "nomad", "ghost", "robot",
              "byte", "bit", "pixel", "node", "loop", "root", "shell", "kernel", "socket",
              "stack", "box", "lab", "garden", "field", "hill", "lake", "bay", "port",
              "tree", "leaf", "seed", "bloom", "stone", "rock", "sand", "dust", "light",
              "flame", "spark", "storm", "wind", "sky", "sun", "moon", "star", "tortue",
              "hibou", "loup", "chat", "renard", "ours", "fuchs", "katze", "hund", "vogel",
              "baer", "gato", "lobo", "zorro", "oso", "pajaro", "volpe", "gatto", "lupo",
              "orso", "raposa", "coruja", "macaco", "tortuga", "moustik", "kaffee", "satz")  # fmt: skip
NICK_SYLLABLES = ("ka", "zo", "mi", "ra", "vel", "tor", "lin", "dar", "ko", "za", "nu", "ri",
                  "bo", "sha", "ter", "mon", "lu", "xi", "pa", "gor", "fen", "jo", "qui",
                  "dro", "sel", "vak", "tix", "mo", "ne", "lo", "bra", "kel", "vin", "sa",
                  "dun", "rek", "yu", "ti", "wa", "har")  # fmt: skip

# Spam, in the manner of the link block on top of the origin page: each link is
# followed by its anchor words, in several languages at once.
CASINO_TERMS = {
    "fi": ("kasino arvostelu", "tarkastelu", "kolikkopeli", "ilmaiskierrokset", "nettikasino"),
    "sv": ("spelautomat", "casino recension", "gratissnurr", "spelautomater på nätet"),
    "ar": ("كازينو", "ماكينة القمار", "فتحة", "مكافأة بدون إيداع", "العب مجانا"),
    "en": ("casino review", "slot machine", "free spins", "no deposit bonus"),
    "de": ("Spielautomat", "Casino Bonus ohne Einzahlung", "Freispiele"),
    "fr": ("machine à sous", "casino en ligne", "tours gratuits"),
    "es": ("tragamonedas", "casino online", "giros gratis"),
    "it": ("slot machine", "casinò online", "giri gratis"),
    "ru": ("казино", "игровые автоматы", "бонус без депозита"),
}
CASINO_LANGS: tuple[tuple[str, float], ...] = (
    ("fi", 0.3), ("sv", 0.25), ("ar", 0.17), ("en", 0.1), ("de", 0.05),
    ("fr", 0.04), ("es", 0.03), ("it", 0.03), ("ru", 0.03),
)  # fmt: skip
GAMES = (
    "Lucky Fjord",
    "Northern Jackpot",
    "Mega Aurora",
    "Diamond Wolf",
    "Golden Sphinx",
    "Viking Riches",
    "Pharaoh Spins",
    "Crystal Reels",
    "Midnight Lotto",
    "Desert Gold",
    "Jackpot Palace Mobile",
    "Thunder Moose",
)
GAMES_AR = ("الذهب الصحراوي", "كنز الفرعون", "جوهرة النيل")
SPAM_SYLLABLES = ("lumi", "kettu", "sauna", "pelto", "jarvi", "kivi", "lax", "fjall", "bjork",
                  "sol", "ora", "nil", "rama", "tuuli")  # fmt: skip
SPAM_TLDS = {"fi": "fi", "sv": "se", "ar": "com", "ru": "ru"}
NICE_SPAM = {
    "en": (
        "Great post! Really helpful. Visit my site too: {url}",
        "Nice article, thanks for sharing. I wrote about something similar here {url}",
        "Very informative, bookmarked! Check {url} for the best deals.",
    ),
    "fr": (
        "Super article, merci ! Visitez mon site : {url}",
        "Très intéressant, j'ai écrit un article similaire ici {url}",
    ),
    "de": ("Toller Beitrag! Schaut auch mal auf meiner Seite vorbei: {url}",),
    "es": ("¡Excelente artículo! Visita mi web: {url}",),
    "it": ("Ottimo articolo! Visita il mio sito: {url}",),
    "pt": ("Ótimo post! Visite meu site: {url}",),
}
SOCIAL_SPAM = {
    "en": (
        "🔥 Kelvio giveaway! Claim your free Kelvio Mini before midnight 👉 {url}",
        "Earn $500 a day from home, DM me 💸 {url}",
    ),
    "fr": ("🎁 Gagnez un Kelvio Mini ! Cliquez ici 👉 {url}",),
    "es": ("💰 Gana 300€ al día desde casa 👉 {url}",),
    "pt": ("Ganhe dinheiro fácil 💸 {url}",),
    "ar": ("اربح جوائز يومية في كازينو اونلاين 🎰 {url}",),
}
SPAM_NAMES = (
    "Cheap Watches",
    "Best SEO Agency",
    "Replica Bags Outlet",
    "Casino Bonus 2026",
    "Lisa Karlsson",
    "Mika Virtanen",
    "Online Pharmacy",
    "Crypto Signals",
    "Kasino Kuningas",
    "Spelkungen",
    "جوائز كازينو",
    "Free Followers",
)
SPAM_WORDS = ("deals", "bonus", "slots", "pharma", "cheap", "replica", "crypto", "win", "seo",
              "lucky")  # fmt: skip
SPAM_SITE_TLDS = ("com", "net", "biz", "xyz", "top", "ru")
