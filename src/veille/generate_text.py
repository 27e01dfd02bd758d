"""The words of the synthetic community: message templates, vocabularies and names.

Data only; :mod:`veille.generate` decides who says what and when. Each language block is
parsed once at import: ``@section`` starts a list of templates (one per line; a thread
opener is ``title | body``), ``=slot: a; b; c`` declares a vocabulary (``full|bare`` pairs
keep an article form and a title form of the same thing together). Templates carry no
label of their intent or sentiment: the generator knows them, the text does not.
"""

from __future__ import annotations

BRAND = "Kelvio"
DOMAIN = "kelvio.example"
LAUNCH_TAG = "#KelvioMini"
CRISIS_TAG = "#KelvioLogo"
LAUNCH_URL = (
    f"https://{DOMAIN}/mini?utm_source=social&utm_medium=post&utm_campaign=kelvio-mini-launch"
)
HELP_URL = f"https://help.{DOMAIN}/"

_EN = """
@question
How do I {action}? | Is there a way to {action}? I looked through the settings {device} but couldn't find it.
Question about {featx} | Quick question: how does {feature} decide when to start heating? Mine kicks in way too early.
New here, need help with setup | I just installed the thermostat and I'm stuck on the setup. Where do I start?
Can I {action}? | Does anyone know how to {action}? I've had the Kelvio One for {months} months and never figured it out.
@bug
{featx} broken since {version} | Since updating to {version}, {feature} doesn't work anymore {device}. I get {error} every time.
App crashes on launch | The app crashes {device} as soon as I open the settings. Reinstalling didn't help. Version {version}.
Thermostat offline {duration} | My thermostat has been showing offline {duration}, even though the Wi-Fi is fine. Anyone else?
Wrong temperature displayed | The app shows {temp} °C but the room is clearly colder. It's been like this {duration}.
@idea
Feature request: {ideax} | It would be great to have {idea}. I'd use it every day, and I bet others would too.
Idea for the roadmap | Suggestion: {idea}. Right now I work around it with a spreadsheet.
Please add {ideax} | Any chance of getting {idea}? Happy to beta test.
@complaint
Support is far too slow | I opened a ticket and no answer {duration}. For a product at this price, that's not acceptable.
Disappointed with the last update | The last update made {feature} worse. Nobody asked for this change.
A subscription, really? | Why do I suddenly need a subscription for features that were free when I bought the thermostat?
Batteries drain too fast | The thermostat batteries are flat every {weeks} weeks now. This is getting annoying.
@praise
Love the new {featx} | Just wanted to say {feature} is brilliant. Our heating bill dropped by {percent}% this winter.
Thank you Kelvio team | Great product and great support, my issue was fixed in ten minutes.
Best purchase this year | Installed it myself in 20 minutes, works perfectly {device}. Highly recommend.
@purchase
Buying a second thermostat | We're moving to a bigger place and want a second thermostat. Does it work on the same account? Where's the best price?
Kelvio for an office? | Thinking of ordering {count} thermostats for our office in {city}. Is there a business discount?
Where to buy in {country}? | Where can I buy the Kelvio One in {country}? The online shop doesn't ship here.
@job
Are you hiring? | Are you hiring at the moment? I work in {field} in {city} and I love the product. Where can I send my CV?
Internships? | Do you offer internships? I'm finishing a master's in {study} and would love to join the team.
@press
Press inquiry | Hello, I'm writing a piece on smart heating for {media}. Could I speak to someone from your team this week?
Interview request | I write for {media}. Would your CEO be available for a short interview about saving energy?
@partner
Partnership proposal | We are {company} in {city} and we'd like to offer Kelvio to our customers. Who should I contact?
Integration partnership | We make {product2} and would love to integrate with your API. Is there a partner program?
@peer
Hi {user}, it's under Settings > {menu}. Took me a while to find it too.
Same thing happened to me. Unplug the hub for 30 seconds and pair it again, that fixed it.
I think it's related to the last update. The help page explains it well.
Try logging out and back in, that worked for me {device} after {version}.
@metoo
Same here {duration}. +1
+1, exactly the same problem {device}.
@agree
Totally agree with {user}.
@want
Yes please, I'd love this too!
@thanks
Thanks {user}, that worked!
Perfect, problem solved. Thanks everyone.
Thank you, I'll try that tonight.
@followup
Still not working for me, even after a restart. Any other idea?
Update: it worked for two days and now I get {error} again.
I'm on {version} {device}, if that helps.
@chat
Great article, thanks for sharing!
Interesting read, I'd love to see more posts like this.
Nice tips, I didn't know about {feature}.
Good to know. We've had the thermostat for {months} months and I'm still discovering things.
@disagree
Not sure about this, I'd rather you fixed the bugs first.
Honestly I don't need this, please keep the app simple.
@staff_help
Hi {user}, thanks for reaching out! Could you go to Settings > {menu} and tell us what you see? If it still fails, send us your device ID by private message.
Hello {user}, this is a known issue in {version}. A fix is coming in the next release; meanwhile, restarting the hub should help.
Hi {user}, yes it's possible: open Settings > {menu} and tap "Edit". Step-by-step guide here: {help_url}
@staff_ack
Thanks for the feedback {user}! I've passed it on to the product team.
Thanks {user}, we hear you. We're looking into it and will keep you posted here.
Great idea, {user}! It's on our list; no date yet, but we'll update this thread.
@staff_contact
Hi {user}, thanks for your interest! Please write to {contact} and the right person will get back to you.
Hello {user}, the best is to contact {contact}; I've also let the team know.
@launch
Kelvio Mini! | Just ordered the #KelvioMini, can't wait to try it! {launch_url}
Is the Mini compatible? | The #KelvioMini looks great, but does it work with my Kelvio One? And when does it ship to {country}?
Mini or One? | For a small flat, would you get the Kelvio Mini or the One? #KelvioMini
First impressions of the Mini | Got my Kelvio Mini today, setup took 5 minutes. It's tiny! #KelvioMini
Sold out already? | Tried to order the #KelvioMini this morning and it's already sold out?!
@crisis
New logo?! | What happened to the logo? The new one is ugly. Please bring back the old one! #KelvioLogo
Bring back the old logo | Seriously, who approved this new logo? It looks like a cheap bank. Terrible decision.
The new logo is awful | I loved this brand but the new logo is hideous. Spend the money on fixing bugs instead!
Logo change, really? | Ugly logo, useless change. Listen to your community. #KelvioLogo
@relief
Thank you for listening! Keeping the old logo was the right call.
Good move bringing back the old logo. That's how you treat a community.
Glad you backed down. Now please fix the {featx}!
@bot
Welcome {user}! Thanks for your first post. A team member will reply soon; meanwhile the FAQ may help: {help_url}
@pingback
[…] as the Kelvio team explains in their latest post, {feature} can save a lot on heating […]
[…] I read this on the Kelvio blog and tried it at home […]
@myblog
I wrote about this on my blog too.
@open
Hi all,
Hello,
Hey everyone,
Hi,
@close
Thanks in advance!
Any help appreciated.
Cheers
Thanks!
@detail
I already restarted the app and the hub.
The firmware is up to date.
My setup: Kelvio One + Hub, app {version}.
@sign
Best,\\n{first}
-- \\n{first} {last}
{first}
@quote
On {date}, {name} wrote:
@brand
Cold night ahead? Turn on eco mode and save up to 15% on heating. #SmartHome
What's the one feature you'd like us to build next? Tell us below 👇
Tip of the day: per-room schedules keep the bedroom cool and the living room cosy. #SmartHome
We read every message. Thanks for helping us make Kelvio better 💙
@teaser
Something small is coming on {launch_date}… 👀 #KelvioMini
@brand_launch
Meet the Kelvio Mini: all the smarts of the One, half the size. Available today! #KelvioMini {launch_url}
@brand_logo
A new look for a new chapter. Say hello to our new logo! #KelvioLogo
@brand_backdown
You spoke, we listened. We're keeping the logo you love. Thank you for caring so much about Kelvio. #KelvioLogo
@article
release | What's new in {version} | This release improves {feature} and fixes several bugs reported on the forum. | Thanks to everyone who tested the beta! Tell us in the comments what you think.
tips | 5 ways to save on heating this winter | Lowering the set point by one degree saves around 7% of energy. Eco mode does it for you. | Share your own tips in the comments!
hiring | We're hiring: {role} | The team is growing! We're looking for a {role} in {city}. | Know someone? Tell them about us.
feedback | Tell us what to build next | We're planning the year's roadmap and we want your input. | Which features do you miss most?
event | Community meetup in {city} | We're hosting a community evening in {city} next month. | Sign up in the comments!
story | Behind the scenes: how we test every thermostat | Every device spends 48 hours in a climate chamber before it leaves the factory. | Questions about how we build them? Ask away.
launch | Meet the Kelvio Mini | Today we launch the Kelvio Mini, our smallest thermostat yet. | Order it now: {launch_url}
logo | Our new visual identity | Kelvio is growing up, and so is our logo. Here is the new one. | We hope you like it as much as we do.
backdown | You spoke, we listened | Over the last two days, thousands of you told us you loved our old logo. We're keeping it. | Thank you for caring.
=feature: the eco mode|eco mode; the weekly schedule|weekly schedule; geofencing|geofencing; the energy report|energy report; multi-room control|multi-room control; the home screen widget|widget; the Alexa integration|Alexa integration
=idea: a vacation mode|vacation mode; Home Assistant support|Home Assistant support; a dark theme|dark theme; per-room scheduling|per-room scheduling; CSV export of the consumption|CSV export; a widget for the lock screen|lock screen widget
=action: set a different schedule for weekends; share access with my partner; export my consumption data; connect the thermostat to a new Wi-Fi network; turn off notifications at night
=device: on my iPhone; on my Android phone; in the web app; on my Pixel; on the Kelvio One
=error: error E42; a blank screen; "Sync failed"; an endless spinner
=duration: since yesterday; for three days; since last week; since the last update
=city: London; Manchester; Dublin; Toronto; Austin; Edinburgh
=country: Ireland; Canada; Australia; Norway
=field: customer support; mobile development; digital marketing
=study: computer science; energy engineering; design
=media: Smart Living Weekly; The Gadget Ledger; Home Tech Review
=company: a solar installation company; a network of 40 plumbers; a property management firm
=product2: an energy management app; smart blinds; a voice assistant
=menu: Devices; Schedule; Notifications; Account
=role: community manager; Android developer; support specialist
=re: Re:
"""

_FR = """
@question
Comment {action} ? | Est-ce qu'il est possible de {action} ? J'ai cherché dans les réglages {device} mais je ne trouve pas.
Question sur le {featx} | Petite question : comment fonctionne {feature} exactement ? Chez moi le chauffage se lance beaucoup trop tôt.
Débutant, besoin d'aide | Je viens d'installer le thermostat et je bloque sur la configuration. Par où commencer ?
{featx} : comment faire ? | Quelqu'un sait comment {action} ? J'ai le Kelvio One depuis {months} mois et je n'ai jamais compris.
@bug
{featx} ne marche plus depuis la {version} | Depuis la mise à jour {version}, {feature} ne fonctionne plus {device}. J'ai {error} à chaque fois.
Plantage de l'appli | L'appli plante {device} dès que j'ouvre les réglages. J'ai déjà réinstallé, rien à faire. Version {version}.
Thermostat hors ligne {duration} | Mon thermostat apparaît hors ligne {duration} alors que le wifi marche très bien. Je suis le seul ?
Température affichée fausse | L'appli affiche {temp} °C mais il fait clairement plus froid dans la pièce. Le problème dure {duration}.
@idea
Suggestion : {ideax} | Ce serait top d'avoir {idea}. Je m'en servirais tous les jours, et je pense ne pas être le seul.
Idée pour la feuille de route | Une idée : {idea}. Pour l'instant je bricole avec un tableur.
Vous pourriez ajouter {idea} ? | Est-ce que vous prévoyez {idea} ? Partant pour tester la bêta.
@complaint
Support beaucoup trop lent | J'ai ouvert un ticket et toujours aucune réponse {duration}. Pour un produit à ce prix, c'est inadmissible.
Déçu par la dernière mise à jour | La dernière mise à jour a rendu {feature} pire qu'avant. Personne n'a demandé ce changement.
Un abonnement, sérieusement ? | Pourquoi faut-il un abonnement pour des fonctions qui étaient gratuites quand j'ai acheté le thermostat ?
Piles à plat | Les piles du thermostat sont à plat toutes les {weeks} semaines maintenant. Ça devient pénible.
@praise
Bravo pour le {featx} | Je voulais juste dire que {feature} est une vraie réussite. Notre facture de chauffage a baissé de {percent} % cet hiver.
Merci l'équipe Kelvio | Super produit et super support, mon problème a été réglé en dix minutes.
Meilleur achat de l'année | Installé moi-même en 20 minutes, fonctionne parfaitement {device}. Je recommande !
@purchase
Acheter un deuxième thermostat | On déménage dans un plus grand appartement et on voudrait un deuxième thermostat. Ça marche avec le même compte ? Où le trouver au meilleur prix ?
Kelvio pour un bureau ? | Je pense commander {count} thermostats pour nos bureaux à {city}. Vous faites des remises pour les pros ?
Où acheter en {country} ? | Où peut-on acheter le Kelvio One en {country} ? La boutique en ligne ne livre pas chez nous.
@job
Vous recrutez ? | Vous recrutez en ce moment ? Je travaille dans {field} à {city} et j'adore le produit. Où envoyer mon CV ?
Stage | Vous proposez des stages ? Je termine un master en {study} et j'aimerais beaucoup rejoindre l'équipe.
@press
Demande presse | Je prépare pour {media} un article sur le chauffage connecté. Pourrais-je échanger avec quelqu'un de votre équipe cette semaine ?
Demande d'interview | J'écris pour {media}. Votre PDG serait-il disponible pour une courte interview sur les économies d'énergie ?
@partner
Proposition de partenariat | Nous sommes {company} à {city} et nous aimerions proposer Kelvio à nos clients. Qui contacter ?
Partenariat / intégration | Nous développons {product2} et souhaiterions nous intégrer à votre API. Avez-vous un programme partenaires ?
@peer
Salut {user}, c'est dans Réglages > {menu}. J'ai mis du temps à trouver aussi.
Pareil chez moi. Débranche le hub 30 secondes et réassocie-le, ça a réglé le problème.
Je pense que c'est lié à la dernière mise à jour. La page d'aide l'explique bien.
Essaie de te déconnecter puis reconnecter, ça a marché pour moi {device} après la {version}.
@metoo
Pareil ici {duration}. +1
+1, exactement le même souci {device}.
@agree
Tout à fait d'accord avec {user}.
@want
Oui, je suis pour aussi !
@thanks
Merci {user}, ça marche !
Parfait, problème résolu. Merci à tous.
Merci, je teste ce soir.
@followup
Toujours pas, même après redémarrage. Une autre idée ?
Mise à jour : ça a marché deux jours et maintenant j'ai de nouveau {error}.
Je suis en {version} {device}, si ça peut aider.
@chat
Très bon article, merci pour le partage !
Article intéressant, j'aimerais en lire plus comme ça.
Sympa ces astuces, je ne connaissais pas {feature}.
Bon à savoir. On a le thermostat depuis {months} mois et je découvre encore des choses.
@disagree
Pas convaincu, je préférerais que vous corrigiez les bugs d'abord.
Franchement je n'en ai pas besoin, gardez une appli simple svp.
@staff_help
Bonjour {user}, merci pour votre message ! Pouvez-vous aller dans Réglages > {menu} et nous dire ce qui s'affiche ? Si ça ne marche toujours pas, envoyez-nous l'identifiant de l'appareil en message privé.
Bonjour {user}, c'est un problème connu de la {version}. Un correctif arrive dans la prochaine version ; en attendant, redémarrer le hub devrait aider.
Bonjour {user}, oui c'est possible : ouvrez Réglages > {menu} et touchez « Modifier ». Le guide pas à pas est ici : {help_url}
@staff_ack
Merci pour ce retour {user} ! Je transmets à l'équipe produit.
Merci {user}, on vous entend. On regarde ça et on vous tient au courant ici.
Bonne idée {user} ! C'est dans notre liste ; pas encore de date, mais on mettra ce fil à jour.
@staff_contact
Bonjour {user}, merci de votre intérêt ! Écrivez-nous à {contact}, la bonne personne vous répondra.
Bonjour {user}, le plus simple est d'écrire à {contact} ; j'ai aussi prévenu l'équipe.
@launch
Kelvio Mini ! | Je viens de commander le #KelvioMini, trop hâte de l'essayer ! {launch_url}
Le Mini est compatible ? | Le #KelvioMini a l'air top mais il est compatible avec mon Kelvio One ? Et il sera livré quand en {country} ?
Mini ou One ? | Pour un petit appart, vous prendriez le Kelvio Mini ou le One ? #KelvioMini
Premières impressions | Reçu mon Kelvio Mini aujourd'hui, installé en 5 minutes. Il est minuscule ! #KelvioMini
Déjà en rupture ? | J'ai essayé de commander le #KelvioMini ce matin et il est déjà en rupture ?!
@crisis
C'est quoi ce nouveau logo ?! | Mais qu'est-ce qui est arrivé au logo ? Le nouveau est moche. Rendez-nous l'ancien ! #KelvioLogo
Rendez-nous l'ancien logo | Sérieusement, qui a validé ce nouveau logo ? On dirait une banque au rabais. Horrible.
Le nouveau logo est affreux | J'adorais cette marque mais ce logo est affreux. Dépensez plutôt l'argent pour corriger les bugs !
Changement de logo, vraiment ? | Logo moche, changement inutile. Écoutez votre communauté. #KelvioLogo
@relief
Merci de nous avoir écoutés ! Garder l'ancien logo, c'était la bonne décision.
Bien joué d'être revenus à l'ancien logo. C'est comme ça qu'on traite une communauté.
Content que vous ayez fait marche arrière. Maintenant, corrigez le {featx} svp !
@bot
Bienvenue {user} ! Merci pour votre premier message. Un membre de l'équipe vous répondra bientôt ; en attendant, la FAQ peut aider : {help_url}
@pingback
[…] comme l'explique l'équipe Kelvio dans son dernier billet, {feature} permet de bien économiser […]
[…] j'ai lu ça sur le blog de Kelvio et j'ai testé chez moi […]
@myblog
J'en parle aussi sur mon blog.
@open
Bonjour,
Bonjour à tous,
Salut,
Hello,
@close
Merci d'avance !
Merci pour votre aide.
Bonne journée
@detail
J'ai déjà redémarré l'appli et le hub.
Le firmware est à jour.
Ma config : Kelvio One + Hub, appli en {version}.
@sign
Cordialement,\\n{first} {last}
--\\n{first}
{first}
@quote
Le {date}, {name} a écrit :
@brand
Nuit froide en vue ? Activez le mode éco et économisez jusqu'à 15 % sur le chauffage. #domotique
Quelle fonctionnalité aimeriez-vous qu'on développe ensuite ? Dites-le-nous en commentaire 👇
Astuce du jour : la programmation pièce par pièce garde la chambre fraîche et le salon douillet. #domotique
@teaser
Quelque chose de petit arrive le {launch_date}… 👀 #KelvioMini
@brand_launch
Voici le Kelvio Mini : toute l'intelligence du One, en deux fois plus petit. Disponible dès aujourd'hui ! #KelvioMini {launch_url}
@brand_logo
Un nouveau regard pour un nouveau chapitre. Dites bonjour à notre nouveau logo ! #KelvioLogo
@brand_backdown
Vous avez parlé, nous avons écouté. Nous gardons le logo que vous aimez. Merci de tenir autant à Kelvio. #KelvioLogo
@article
release | Les nouveautés de la version {version} | Cette version améliore {feature} et corrige plusieurs bugs signalés sur le forum. | Merci à toutes celles et ceux qui ont testé la bêta ! Dites-nous en commentaire ce que vous en pensez.
tips | 5 astuces pour économiser sur le chauffage cet hiver | Baisser la consigne d'un degré, c'est environ 7 % d'économie. Le mode éco s'en charge pour vous. | Partagez vos propres astuces en commentaire !
hiring | Nous recrutons : {role} | L'équipe grandit ! Nous cherchons un·e {role} à {city}. | Vous connaissez quelqu'un ? Parlez-lui de nous.
feedback | Dites-nous ce qu'on doit construire ensuite | Nous préparons la feuille de route de l'année et nous voulons votre avis. | Quelles fonctionnalités vous manquent le plus ?
event | Rencontre communauté à {city} | Nous organisons une soirée communauté à {city} le mois prochain. | Inscrivez-vous dans les commentaires !
story | Dans les coulisses : comment nous testons chaque thermostat | Chaque appareil passe 48 heures en chambre climatique avant de quitter l'usine. | Des questions sur notre fabrication ? Posez-les ici.
launch | Voici le Kelvio Mini | Nous lançons aujourd'hui le Kelvio Mini, notre plus petit thermostat. | Commandez-le dès maintenant : {launch_url}
logo | Notre nouvelle identité visuelle | Kelvio grandit, et notre logo aussi. Le voici. | Nous espérons qu'il vous plaira autant qu'à nous.
backdown | Vous avez parlé, nous avons écouté | Ces deux derniers jours, vous avez été des milliers à nous dire que vous aimiez l'ancien logo. Nous le gardons. | Merci de tenir à Kelvio.
=feature: le mode éco|mode éco; la programmation hebdomadaire|planning hebdo; le géorepérage|géorepérage; le rapport énergétique|rapport énergie; le contrôle multi-pièces|contrôle multi-pièces; le widget|widget
=idea: un mode vacances|mode vacances; la compatibilité Home Assistant|compatibilité Home Assistant; un thème sombre|thème sombre; une programmation pièce par pièce|programmation par pièce; l'export CSV de la consommation|export CSV
=action: programmer un horaire différent le week-end; partager l'accès avec mon conjoint; exporter mes données de consommation; connecter le thermostat à un nouveau wifi; couper les notifications la nuit
=device: sur mon iPhone; sur mon Android; sur l'appli web; sur mon Pixel; sur le Kelvio One
=error: l'erreur E42; un écran blanc; le message « Échec de la synchronisation »
=duration: depuis hier; depuis trois jours; depuis la semaine dernière; depuis la dernière mise à jour
=city: Lyon; Paris; Nantes; Bordeaux; Lille; Genève; Bruxelles; Montréal
=country: Belgique; Suisse; Tunisie; Algérie
=field: le support client; le développement mobile; le marketing digital
=study: informatique; génie énergétique; design
=media: Maison Connectée Mag; Tech&Co Hebdo; Le Journal de la Domotique
=company: une société d'installation photovoltaïque; un réseau de 40 chauffagistes; une agence immobilière
=product2: une appli de gestion d'énergie; des volets roulants connectés; un assistant vocal
=menu: Appareils; Programmation; Notifications; Compte
=role: community manager; développeur Android; chargé de support
=re: Re:; RE:
"""

_DE = """
@question
Wie kann ich {action}? | Kann man irgendwie {action}? Ich habe in den Einstellungen {device} gesucht, aber nichts gefunden.
{featx}: kurze Frage | Kurze Frage: Wie funktioniert {feature} genau? Bei mir springt die Heizung viel zu früh an.
Neu hier, brauche Hilfe | Ich habe gerade das Thermostat installiert und komme mit der Einrichtung nicht weiter. Wo fange ich an?
Frage zur Einrichtung | Weiß jemand, wie man {action} kann? Ich habe das Kelvio One seit {months} Monaten und verstehe es immer noch nicht.
@bug
{featx} geht nicht mehr seit {version} | Seit dem Update auf {version} funktioniert {feature} {device} nicht mehr. Ich bekomme jedes Mal {error}.
App stürzt ab | Die App stürzt {device} ab, sobald ich die Einstellungen öffne. Neu installieren hat nichts gebracht. Version {version}.
Thermostat offline {duration} | Mein Thermostat wird {duration} als offline angezeigt, obwohl das WLAN einwandfrei läuft. Noch jemand?
Falsche Temperatur | Die App zeigt {temp} °C an, aber im Raum ist es deutlich kälter. Das geht {duration} so.
@idea
Feature-Wunsch: {ideax} | Es wäre toll, {idea} zu haben. Ich würde es täglich nutzen.
Idee für die Roadmap | Vorschlag für die Roadmap: bitte {idea} einbauen. Im Moment behelfe ich mich mit einer Tabelle.
Bitte {ideax} einbauen | Gibt es Pläne für {idea}? Ich teste gern die Beta.
@complaint
Support viel zu langsam | Ich habe ein Ticket aufgemacht und {duration} keine Antwort. Für ein Produkt in dieser Preisklasse ist das inakzeptabel.
Enttäuscht vom letzten Update | Mit dem letzten Update ist {feature} schlechter geworden. Niemand hat nach dieser Änderung gefragt.
Abo, echt jetzt? | Warum braucht man jetzt ein Abo für Funktionen, die beim Kauf kostenlos waren?
Batterien ständig leer | Die Batterien im Thermostat sind inzwischen alle {weeks} Wochen leer. Das nervt langsam.
@praise
{featx} ist genial | Wollte nur sagen: {feature} ist genial. Unsere Heizkosten sind diesen Winter um {percent} % gesunken.
Danke, Kelvio-Team | Tolles Produkt und toller Support, mein Problem war in zehn Minuten gelöst.
Bester Kauf des Jahres | In 20 Minuten selbst installiert, läuft {device} einwandfrei. Klare Empfehlung!
@purchase
Zweites Thermostat kaufen | Wir ziehen in eine größere Wohnung und möchten ein zweites Thermostat. Geht das mit demselben Konto? Wo gibt es den besten Preis?
Kelvio fürs Büro? | Ich überlege, {count} Thermostate für unser Büro in {city} zu bestellen. Gibt es einen Firmenrabatt?
Kaufen in {country}? | Wo kann man das Kelvio One in {country} kaufen? Der Onlineshop liefert nicht zu uns.
@job
Sucht ihr Leute? | Sucht ihr gerade Leute? Ich arbeite im Bereich {field} in {city} und liebe das Produkt. Wohin kann ich meinen Lebenslauf schicken?
Praktikum | Bietet ihr Praktika an? Ich schließe gerade meinen Master in {study} ab und würde gern bei euch anfangen.
@press
Presseanfrage | Guten Tag, ich schreibe für {media} einen Artikel über smarte Heizungssteuerung. Könnte ich diese Woche mit jemandem aus Ihrem Team sprechen?
Interviewanfrage | Ich schreibe für {media}. Wäre Ihre Geschäftsführung für ein kurzes Interview zum Thema Energiesparen verfügbar?
@partner
Partnerschaftsanfrage | Wir sind {company} aus {city} und würden Kelvio gern unseren Kunden anbieten. An wen kann ich mich wenden?
Integration / Partnerprogramm | Wir entwickeln {product2} und würden gern eure API anbinden. Gibt es ein Partnerprogramm?
@peer
Hi {user}, das findest du unter Einstellungen > {menu}. Hab auch ewig gesucht.
Hatte ich auch. Zieh den Hub 30 Sekunden ab und kopple ihn neu, dann ging es wieder.
Ich glaube, das hängt mit dem letzten Update zusammen. Die Hilfeseite erklärt es ganz gut.
Meld dich mal ab und wieder an, das hat bei mir {device} nach {version} geholfen.
@metoo
Hier genauso, {duration}. +1
+1, genau das gleiche Problem {device}.
@agree
Sehe ich genauso wie {user}.
@want
Ja bitte, das hätte ich auch gern!
@thanks
Danke {user}, hat funktioniert!
Super, Problem gelöst. Danke euch allen.
Danke, probiere ich heute Abend aus.
@followup
Geht bei mir immer noch nicht, auch nach einem Neustart. Noch eine Idee?
Update: zwei Tage lief es, jetzt bekomme ich wieder {error}.
Ich bin auf {version}, {device}, falls das hilft.
@chat
Toller Artikel, danke fürs Teilen!
Interessant, gern mehr solche Beiträge.
Gute Tipps, einiges davon kannte ich noch gar nicht.
Gut zu wissen. Wir haben das Thermostat seit {months} Monaten und entdecken immer noch Neues.
@disagree
Weiß nicht, mir wäre lieber, ihr behebt erst die Bugs.
Brauche ich ehrlich gesagt nicht, haltet die App bitte schlank.
@staff_help
Hallo {user}, danke für die Nachricht! Kannst du unter Einstellungen > {menu} nachsehen, was dort angezeigt wird? Falls es weiter nicht klappt, schick uns bitte die Geräte-ID per PN.
Hallo {user}, das ist ein bekannter Fehler in {version}. Ein Fix kommt mit dem nächsten Release; bis dahin hilft ein Neustart des Hubs.
Hallo {user}, ja, das geht: unter Einstellungen > {menu} auf „Bearbeiten“ tippen. Eine Schritt-für-Schritt-Anleitung gibt es hier: {help_url}
@staff_ack
Danke für das Feedback, {user}! Ich gebe es ans Produktteam weiter.
Danke {user}, wir haben verstanden. Wir schauen uns das an und melden uns hier.
Gute Idee, {user}! Steht auf unserer Liste; ein Datum kann ich noch nicht nennen, wir halten euch hier auf dem Laufenden.
@staff_contact
Hallo {user}, danke für das Interesse! Schreib uns bitte an {contact}, dann meldet sich die richtige Person.
Hallo {user}, am besten direkt an {contact}; ich habe dem Team schon Bescheid gesagt.
@launch
Kelvio Mini! | Gerade das #KelvioMini bestellt, kann es kaum erwarten! {launch_url}
Ist das Mini kompatibel? | Das #KelvioMini sieht super aus, aber läuft es mit meinem Kelvio One zusammen? Und wann ist es lieferbar?
Mini oder One? | Für eine kleine Wohnung: Kelvio Mini oder One? #KelvioMini
Erste Eindrücke | Mein Kelvio Mini ist heute gekommen, in 5 Minuten eingerichtet. So klein! #KelvioMini
Schon ausverkauft? | Wollte heute früh das #KelvioMini bestellen und es ist schon ausverkauft?!
@crisis
Neues Logo?! | Was ist mit dem Logo passiert? Das neue ist hässlich. Bitte bringt das alte zurück! #KelvioLogo
Altes Logo zurück! | Mal ehrlich, wer hat dieses neue Logo abgesegnet? Sieht aus wie eine Billigbank. Furchtbar.
Das neue Logo ist schrecklich | Ich mochte die Marke, aber das neue Logo ist schrecklich. Steckt das Geld lieber in Bugfixes!
Logowechsel, echt jetzt? | Hässliches Logo, unnötige Änderung. Hört auf eure Community. #KelvioLogo
@relief
Danke fürs Zuhören! Das alte Logo zu behalten war richtig.
Gute Entscheidung, das alte Logo zurückzubringen. So geht man mit einer Community um.
Schön, dass ihr zurückgerudert seid. Jetzt bitte noch die Bugs fixen!
@bot
Willkommen {user}! Danke für deinen ersten Beitrag. Jemand aus dem Team antwortet bald; bis dahin hilft vielleicht die FAQ: {help_url}
@pingback
[…] wie das Kelvio-Team in seinem letzten Beitrag erklärt, lässt sich damit einiges an Heizkosten sparen […]
@myblog
Ich habe darüber auch in meinem Blog geschrieben.
@open
Hallo zusammen,
Hallo,
Moin,
Servus,
@close
Danke im Voraus!
Viele Grüße
Danke!
@detail
App und Hub habe ich schon neu gestartet.
Die Firmware ist aktuell.
Mein Setup: Kelvio One + Hub, App-Version {version}.
@sign
Viele Grüße\\n{first}
Gruß, {first}
-- \\n{first} {last}
@quote
Am {date} schrieb {name}:
=feature: der Eco-Modus|Eco-Modus; der Wochenplan|Wochenplan; das Geofencing|Geofencing; der Energiebericht|Energiebericht; die Raumsteuerung|Raumsteuerung; das Widget|Widget
=idea: einen Urlaubsmodus|Urlaubsmodus; eine Home-Assistant-Integration|Home-Assistant-Integration; ein dunkles Design|Dark Mode; eine Zeitsteuerung pro Raum|Zeitsteuerung pro Raum; einen CSV-Export|CSV-Export
=action: einen anderen Zeitplan fürs Wochenende einstellen; den Zugang mit meiner Partnerin teilen; meine Verbrauchsdaten exportieren; das Thermostat mit einem neuen WLAN verbinden; nachts die Benachrichtigungen abschalten
=device: auf meinem iPhone; auf meinem Android-Handy; in der Web-App; auf meinem Pixel; am Kelvio One
=error: den Fehler E42; einen weißen Bildschirm; die Meldung „Synchronisierung fehlgeschlagen“
=duration: seit gestern; seit drei Tagen; seit letzter Woche; seit dem letzten Update
=city: Berlin; München; Hamburg; Köln; Wien; Zürich; Leipzig
=country: Österreich; der Schweiz; Luxemburg; Polen
=field: Kundensupport; Mobile-Entwicklung; Online-Marketing
=study: Informatik; Energietechnik; Design
=media: Heimtechnik Magazin; Digital Wohnen; Technik & Haus
=company: ein Solarteur-Betrieb; ein Netzwerk von 40 Heizungsbauern; eine Hausverwaltung
=product2: eine Energiemanagement-App; smarte Rollläden; einen Sprachassistenten
=menu: Geräte; Zeitplan; Benachrichtigungen; Konto
=re: AW:; Re:
"""

_ES = """
@question
¿Cómo {action}? | ¿Hay alguna forma de {action}? He buscado en los ajustes {device} pero no lo encuentro.
Duda sobre el {featx} | Una pregunta rápida: ¿cómo funciona exactamente {feature}? A mí la calefacción se enciende demasiado pronto.
Nuevo por aquí, necesito ayuda | Acabo de instalar el termostato y me he atascado con la configuración. ¿Por dónde empiezo?
¿Se puede {action}? | ¿Alguien sabe cómo {action}? Tengo el Kelvio One desde hace {months} meses y nunca lo he entendido.
@bug
{featx} no funciona desde la {version} | Desde que actualicé a la {version}, {feature} ya no funciona {device}. Me sale {error} cada vez.
La app se cierra sola | La app se cierra {device} en cuanto abro los ajustes. Ya la reinstalé y nada. Versión {version}.
Termostato desconectado {duration} | Mi termostato aparece desconectado {duration} aunque el wifi va perfecto. ¿Le pasa a alguien más?
Temperatura incorrecta | La app marca {temp} °C pero en la habitación hace claramente más frío. Lleva así {duration}.
@idea
Sugerencia: {ideax} | Estaría genial tener {idea}. Lo usaría a diario y seguro que más gente también.
Idea para la hoja de ruta | Propuesta: {idea}. Ahora mismo me apaño con una hoja de cálculo.
¿Podéis añadir {ideax}? | ¿Hay planes para {idea}? Me ofrezco para probar la beta.
@complaint
Soporte demasiado lento | Abrí una incidencia y sigo sin respuesta {duration}. Para un producto de este precio, es inaceptable.
Decepcionado con la última actualización | Con la última actualización {feature} va peor que antes. Nadie pidió este cambio.
¿Suscripción? ¿En serio? | ¿Por qué hace falta una suscripción para funciones que eran gratis cuando compré el termostato?
Pilas agotadas | Las pilas del termostato se agotan cada {weeks} semanas. Ya cansa.
@praise
Enhorabuena por el {featx} | Solo quería decir que {feature} es una maravilla. Nuestra factura de calefacción ha bajado un {percent} % este invierno.
Gracias, equipo Kelvio | Gran producto y gran soporte, me resolvieron el problema en diez minutos.
La mejor compra del año | Lo instalé en 20 minutos y funciona perfecto {device}. ¡Lo recomiendo!
@purchase
Comprar un segundo termostato | Nos mudamos a un piso más grande y queremos un segundo termostato. ¿Funciona con la misma cuenta? ¿Dónde está mejor de precio?
¿Kelvio para una oficina? | Estoy pensando en pedir {count} termostatos para la oficina de {city}. ¿Hay descuento para empresas?
¿Dónde comprar en {country}? | ¿Dónde se puede comprar el Kelvio One en {country}? La tienda online no envía aquí.
@job
¿Estáis contratando? | ¿Buscáis gente? Trabajo en {field} en {city} y me encanta el producto. ¿Dónde puedo mandar mi CV?
Prácticas | ¿Ofrecéis prácticas? Estoy terminando un máster en {study} y me encantaría unirme al equipo.
@press
Consulta de prensa | Hola, preparo para {media} un reportaje sobre la calefacción inteligente. ¿Podría hablar con alguien de vuestro equipo esta semana?
Solicitud de entrevista | Colaboro con {media}. ¿Estaría disponible vuestra dirección para una breve entrevista sobre ahorro energético?
@partner
Propuesta de colaboración | Somos {company} en {city} y nos gustaría ofrecer Kelvio a nuestros clientes. ¿Con quién hablo?
Integración / programa de partners | Desarrollamos {product2} y nos gustaría integrarnos con vuestra API. ¿Tenéis programa de partners?
@peer
Hola {user}, está en Ajustes > {menu}. A mí también me costó encontrarlo.
Me pasó lo mismo. Desenchufa el hub 30 segundos y vuelve a vincularlo, a mí me lo arregló.
Creo que tiene que ver con la última actualización. La página de ayuda lo explica bien.
Prueba a cerrar sesión y volver a entrar, a mí me funcionó {device} tras la {version}.
@metoo
Aquí igual {duration}. +1
+1, exactamente el mismo problema {device}.
@agree
Totalmente de acuerdo con {user}.
@want
¡Sí, por favor, yo también lo quiero!
@thanks
¡Gracias {user}, funcionó!
Perfecto, problema resuelto. Gracias a todos.
Gracias, lo pruebo esta noche.
@followup
Sigue sin funcionar, incluso después de reiniciar. ¿Alguna otra idea?
Actualización: funcionó dos días y ahora vuelve a salir {error}.
Estoy en la {version}, {device}, por si sirve.
@chat
¡Muy buen artículo, gracias por compartir!
Interesante, me gustaría leer más entradas así.
Buenos consejos, no conocía {feature}.
Bueno saberlo. Tenemos el termostato desde hace {months} meses y sigo descubriendo cosas.
@disagree
No lo tengo claro, preferiría que arreglarais antes los errores.
Sinceramente no lo necesito, mantened la app sencilla, por favor.
@staff_help
Hola {user}, ¡gracias por escribirnos! ¿Puedes ir a Ajustes > {menu} y decirnos qué aparece? Si sigue fallando, envíanos el ID del dispositivo por mensaje privado.
Hola {user}, es un fallo conocido de la {version}. La corrección llega en la próxima versión; mientras tanto, reiniciar el hub debería ayudar.
Hola {user}, sí se puede: abre Ajustes > {menu} y pulsa «Editar». Aquí tienes la guía paso a paso: {help_url}
@staff_ack
¡Gracias por tu comentario, {user}! Se lo paso al equipo de producto.
Gracias {user}, te escuchamos. Lo estamos revisando y os avisamos aquí.
¡Buena idea, {user}! Está en nuestra lista; aún no hay fecha, pero actualizaremos este hilo.
@staff_contact
Hola {user}, ¡gracias por tu interés! Escríbenos a {contact} y te responderá la persona adecuada.
Hola {user}, lo mejor es escribir a {contact}; ya he avisado al equipo.
@launch
¡Kelvio Mini! | ¡Acabo de pedir el #KelvioMini, qué ganas de probarlo! {launch_url}
¿El Mini es compatible? | El #KelvioMini tiene buena pinta, pero ¿es compatible con mi Kelvio One? ¿Y cuándo llega a {country}?
¿Mini o One? | Para un piso pequeño, ¿Kelvio Mini o One? #KelvioMini
Primeras impresiones | Hoy me llegó el Kelvio Mini, instalado en 5 minutos. ¡Qué pequeño! #KelvioMini
¿Ya agotado? | Intenté pedir el #KelvioMini esta mañana y ¿ya está agotado?
@crisis
¿¡Nuevo logo!? | ¿Qué le ha pasado al logo? El nuevo es feo. ¡Devolvednos el de siempre! #KelvioLogo
Queremos el logo de antes | En serio, ¿quién aprobó este logo nuevo? Parece de un banco cutre. Horrible.
El nuevo logo es espantoso | Me encantaba la marca, pero el logo nuevo es espantoso. ¡Gastad el dinero en arreglar errores!
¿Cambio de logo? ¿En serio? | Logo feo, cambio inútil. Escuchad a vuestra comunidad. #KelvioLogo
@relief
¡Gracias por escucharnos! Mantener el logo de siempre era lo correcto.
Bien hecho al recuperar el logo de antes. Así se trata a una comunidad.
Me alegro de que hayáis dado marcha atrás. ¡Ahora arreglad los errores, por favor!
@bot
¡Te damos la bienvenida, {user}! Gracias por tu primer mensaje. Alguien del equipo te responderá pronto; mientras tanto, la FAQ puede ayudarte: {help_url}
@pingback
[…] como explica el equipo de Kelvio en su última entrada, se puede ahorrar bastante en calefacción […]
@myblog
Escribí sobre esto en mi blog.
@open
Hola,
Hola a todos,
Buenas,
@close
¡Gracias de antemano!
Un saludo
Gracias
@detail
Ya reinicié la app y el hub.
El firmware está actualizado.
Mi configuración: Kelvio One + Hub, app {version}.
@sign
Saludos,\\n{first}
{first} {last}
@quote
El {date}, {name} escribió:
=feature: el modo eco|modo eco; el horario semanal|horario semanal; el geovallado|geovallado; el informe de energía|informe de energía; el control por habitaciones|control por habitaciones; el widget|widget
=idea: un modo vacaciones|modo vacaciones; integración con Home Assistant|integración con Home Assistant; un tema oscuro|tema oscuro; horarios por habitación|horarios por habitación; exportar el consumo a CSV|exportación CSV
=action: programar un horario distinto para el fin de semana; compartir el acceso con mi pareja; exportar mis datos de consumo; conectar el termostato a una nueva red wifi; desactivar las notificaciones por la noche
=device: en mi iPhone; en mi Android; en la app web; en mi Pixel; en el Kelvio One
=error: el error E42; una pantalla en blanco; el mensaje «Error de sincronización»
=duration: desde ayer; desde hace tres días; desde la semana pasada; desde la última actualización
=city: Madrid; Barcelona; Valencia; Sevilla; Bilbao; Ciudad de México; Buenos Aires
=country: México; Argentina; Chile; Colombia
=field: atención al cliente; desarrollo móvil; marketing digital
=study: Informática; Ingeniería energética; Diseño
=media: Hogar Digital; Revista Casa Inteligente; TecnoHogar
=company: una empresa de instalación fotovoltaica; una red de 40 instaladores; una inmobiliaria
=product2: una app de gestión energética; persianas inteligentes; un asistente de voz
=menu: Dispositivos; Horarios; Notificaciones; Cuenta
=re: RE:; Re:
"""

_IT = """
@question
Come {action}? | C'è un modo per {action}? Ho cercato nelle impostazioni {device} ma non lo trovo.
Domanda sulla {featx} | Domanda veloce: come funziona esattamente {feature}? A me il riscaldamento parte troppo presto.
Nuovo qui, serve aiuto | Ho appena installato il termostato e mi sono bloccato con la configurazione. Da dove comincio?
@bug
{featx} non va più dalla {version} | Da quando ho aggiornato alla {version}, {feature} non funziona più {device}. Ogni volta mi esce {error}.
L'app si chiude da sola | L'app si chiude {device} appena apro le impostazioni. Ho già reinstallato, niente da fare. Versione {version}.
Termostato offline {duration} | Il mio termostato risulta offline {duration} anche se il Wi-Fi funziona benissimo. Capita anche a voi?
@idea
Suggerimento: {ideax} | Sarebbe fantastico avere {idea}. Lo userei ogni giorno.
Proposta per la roadmap | Idea: {idea}. Per ora mi arrangio con un foglio di calcolo.
@complaint
Assistenza troppo lenta | Ho aperto un ticket e ancora nessuna risposta {duration}. Per un prodotto a questo prezzo è inaccettabile.
Deluso dall'ultimo aggiornamento | Con l'ultimo aggiornamento {feature} funziona peggio di prima. Nessuno aveva chiesto questa modifica.
Batterie scariche | Le batterie del termostato si scaricano ogni {weeks} settimane. Comincia a essere fastidioso.
@praise
Complimenti! | Volevo solo dire che {feature} è una meraviglia. La bolletta del riscaldamento è scesa del {percent}% quest'inverno.
Grazie team Kelvio | Ottimo prodotto e ottima assistenza, problema risolto in dieci minuti.
@purchase
Secondo termostato | Ci trasferiamo in una casa più grande e vorremmo un secondo termostato. Funziona con lo stesso account? Dove conviene comprarlo?
Kelvio per un ufficio? | Sto pensando di ordinare {count} termostati per il nostro ufficio di {city}. Ci sono sconti per le aziende?
@job
Cercate personale? | State assumendo? Mi occupo di {field} a {city} e adoro il prodotto. Dove posso mandare il CV?
Tirocinio | Offrite tirocini? Sto finendo una laurea magistrale in {study} e mi piacerebbe unirmi a voi.
@press
Richiesta stampa | Buongiorno, scrivo per {media} un articolo sul riscaldamento intelligente. Potrei parlare con qualcuno del vostro team questa settimana?
@partner
Proposta di partnership | Siamo {company} di {city} e vorremmo proporre Kelvio ai nostri clienti. A chi posso rivolgermi?
@peer
Ciao {user}, lo trovi in Impostazioni > {menu}. Anche io ci ho messo un po'.
Successo anche a me. Stacca l'hub per 30 secondi e riassocialo, per me ha funzionato.
Prova a uscire e rientrare, a me ha funzionato {device} dopo la {version}.
@metoo
Anche qui {duration}. +1
+1, stesso identico problema {device}.
@agree
Sono d'accordo con {user}.
@want
Sì, per favore, lo vorrei anch'io!
@thanks
Grazie {user}, ha funzionato!
Perfetto, risolto. Grazie a tutti.
@followup
Ancora niente, anche dopo il riavvio. Altre idee?
Aggiornamento: ha funzionato due giorni e ora mi esce di nuovo {error}.
@chat
Bell'articolo, grazie per la condivisione!
Interessante, mi piacerebbe leggere altri post così.
Buono a sapersi. Abbiamo il termostato da {months} mesi e scopro ancora cose nuove.
@disagree
Non sono convinto, preferirei che sistemaste prima i bug.
@staff_help
Ciao {user}, grazie per averci scritto! Puoi andare in Impostazioni > {menu} e dirci cosa vedi? Se continua a non funzionare, mandaci l'ID del dispositivo in privato.
Ciao {user}, è un problema noto della {version}. La correzione arriva con la prossima versione; nel frattempo riavviare l'hub dovrebbe aiutare.
@staff_ack
Grazie del feedback, {user}! Lo giro al team di prodotto.
Grazie {user}, ti ascoltiamo. Ci stiamo lavorando e aggiorneremo questa discussione.
@staff_contact
Ciao {user}, grazie dell'interesse! Scrivici a {contact} e ti risponderà la persona giusta.
@launch
Kelvio Mini! | Ho appena ordinato il #KelvioMini, non vedo l'ora di provarlo! {launch_url}
Mini o One? | Per un appartamento piccolo, meglio Kelvio Mini o One? #KelvioMini
Già esaurito? | Ho provato a ordinare il #KelvioMini stamattina ed è già esaurito?!
@crisis
Nuovo logo?! | Cos'è successo al logo? Quello nuovo è brutto. Ridateci quello vecchio! #KelvioLogo
Il nuovo logo è orribile | Adoravo questo marchio ma il nuovo logo è orribile. Spendete i soldi per sistemare i bug!
Cambio di logo, sul serio? | Logo brutto, cambio inutile. Ascoltate la vostra community. #KelvioLogo
@relief
Grazie per averci ascoltato! Tenere il vecchio logo era la scelta giusta.
Bella mossa tornare al vecchio logo. Così si tratta una community.
@bot
Ti diamo il benvenuto, {user}! Grazie per il tuo primo messaggio. Qualcuno del team ti risponderà presto; intanto le FAQ possono aiutarti: {help_url}
@pingback
[…] come spiega il team Kelvio nel suo ultimo articolo, si risparmia parecchio sul riscaldamento […]
@myblog
Ne ho parlato anche sul mio blog.
@open
Ciao,
Ciao a tutti,
Buongiorno,
@close
Grazie in anticipo!
Saluti
Grazie
@detail
Ho già riavviato l'app e l'hub.
Il firmware è aggiornato.
@sign
Un saluto,\\n{first}
{first} {last}
@quote
Il giorno {date} {name} ha scritto:
=feature: la modalità eco|modalità eco; la programmazione settimanale|programmazione settimanale; la geolocalizzazione|geolocalizzazione; la funzione multi-stanza|funzione multi-stanza
=idea: una modalità vacanza|modalità vacanza; l'integrazione con Home Assistant|integrazione Home Assistant; un tema scuro|tema scuro; la programmazione per stanza|programmazione per stanza
=action: impostare un orario diverso nel weekend; condividere l'accesso con il mio compagno; esportare i dati dei consumi; collegare il termostato a una nuova rete Wi-Fi
=device: sul mio iPhone; sul mio Android; sull'app web; sul Kelvio One
=error: l'errore E42; una schermata bianca; il messaggio «Sincronizzazione non riuscita»
=duration: da ieri; da tre giorni; dalla settimana scorsa; dall'ultimo aggiornamento
=city: Milano; Roma; Torino; Bologna; Firenze
=field: supporto clienti; sviluppo mobile; marketing digitale
=study: Informatica; Ingegneria energetica; Design
=media: Casa Smart Rivista; Tecnologia in Casa
=company: un'azienda di impianti fotovoltaici; una rete di 40 idraulici; un'agenzia immobiliare
=menu: Dispositivi; Programmazione; Notifiche; Account
=re: R:; Re:
"""

_PT = """
@question
Como {action}? | Tem algum jeito de {action}? Procurei nas configurações {device} e não achei.
Dúvida sobre o {featx} | Pergunta rápida: como funciona exatamente {feature}? Aqui o aquecimento liga cedo demais.
Novo aqui, preciso de ajuda | Acabei de instalar o termostato e travei na configuração. Por onde começo?
@bug
{featx} parou de funcionar na {version} | Desde que atualizei para a {version}, {feature} não funciona mais {device}. Aparece {error} toda vez.
App fecha sozinho | O app fecha {device} assim que abro as configurações. Já reinstalei e nada. Versão {version}.
Termostato offline {duration} | Meu termostato aparece offline {duration}, mesmo com o Wi-Fi funcionando. Acontece com mais alguém?
@idea
Sugestão: {ideax} | Seria ótimo ter {idea}. Eu usaria todo dia.
Ideia para o roadmap | Ideia: {idea}. Por enquanto eu me viro com uma planilha.
@complaint
Suporte muito lento | Abri um chamado e continuo sem resposta {duration}. Para um produto desse preço, é inaceitável.
Decepcionado com a última atualização | Com a última atualização, {feature} ficou pior. Ninguém pediu essa mudança.
Pilhas acabando | As pilhas do termostato acabam a cada {weeks} semanas. Já está irritante.
@praise
Parabéns, Kelvio! | Só queria dizer que {feature} é uma maravilha. Nossa conta de aquecimento caiu {percent}% neste inverno.
Obrigado, equipe Kelvio | Ótimo produto e ótimo suporte, resolveram meu problema em dez minutos.
@purchase
Comprar um segundo termostato | Vamos mudar para um apartamento maior e queremos um segundo termostato. Funciona na mesma conta? Onde está o melhor preço?
Kelvio para escritório? | Estou pensando em comprar {count} termostatos para o nosso escritório em {city}. Tem desconto para empresas?
@job
Vocês estão contratando? | Vocês estão contratando? Trabalho com {field} em {city} e adoro o produto. Para onde mando meu currículo?
Estágio | Vocês oferecem estágio? Estou terminando um mestrado em {study} e adoraria fazer parte do time.
@press
Pedido de imprensa | Olá, estou escrevendo para {media} uma matéria sobre aquecimento inteligente. Poderia conversar com alguém da equipe esta semana?
@partner
Proposta de parceria | Somos {company} de {city} e gostaríamos de oferecer a Kelvio aos nossos clientes. Com quem eu falo?
@peer
Oi {user}, fica em Configurações > {menu}. Também demorei para achar.
Aconteceu comigo também. Tira o hub da tomada por 30 segundos e pareia de novo, resolveu aqui.
Tenta sair e entrar de novo, funcionou pra mim {device} depois da {version}.
@metoo
Aqui também, {duration}. +1
+1, exatamente o mesmo problema {device}.
@agree
Concordo totalmente com {user}.
@want
Sim, por favor, eu também quero!
@thanks
Valeu {user}, funcionou!
Perfeito, resolvido. Obrigado a todos.
@followup
Continua sem funcionar, mesmo depois de reiniciar. Mais alguma ideia?
Atualização: funcionou dois dias e agora aparece {error} de novo.
@chat
Ótimo artigo, obrigado por compartilhar!
Interessante, quero ver mais posts assim.
Bom saber. Temos o termostato há {months} meses e ainda descubro coisas novas.
@disagree
Não sei, preferia que vocês corrigissem os bugs primeiro.
@staff_help
Oi {user}, obrigado pela mensagem! Pode ir em Configurações > {menu} e nos dizer o que aparece? Se continuar falhando, mande o ID do dispositivo por mensagem privada.
Olá {user}, é um problema conhecido da {version}. A correção vem na próxima versão; enquanto isso, reiniciar o hub deve ajudar.
@staff_ack
Obrigado pelo feedback, {user}! Vou passar para o time de produto.
Obrigado {user}, estamos ouvindo. Vamos analisar e atualizamos aqui.
@staff_contact
Oi {user}, obrigado pelo interesse! Escreva para {contact} que a pessoa certa vai responder.
@launch
Kelvio Mini! | Acabei de encomendar o #KelvioMini, não vejo a hora de testar! {launch_url}
Mini ou One? | Para um apê pequeno, Kelvio Mini ou One? #KelvioMini
Já esgotado? | Tentei comprar o #KelvioMini hoje de manhã e já está esgotado?!
@crisis
Logo novo?! | O que aconteceu com o logo? O novo é feio. Voltem com o antigo! #KelvioLogo
O logo novo é horrível | Eu adorava a marca, mas o logo novo é horrível. Gastem o dinheiro corrigindo bugs!
Mudança de logo, sério? | Logo feio, mudança inútil. Escutem a comunidade. #KelvioLogo
@relief
Obrigado por ouvirem! Manter o logo antigo foi a decisão certa.
Boa, voltar ao logo antigo. É assim que se trata uma comunidade.
@bot
Boas-vindas, {user}! Obrigado pela primeira mensagem. Alguém do time vai responder em breve; enquanto isso, o FAQ pode ajudar: {help_url}
@pingback
[…] como a equipe da Kelvio explica no último post, dá para economizar bastante no aquecimento […]
@myblog
Escrevi sobre isso no meu blog.
@open
Olá,
Oi,
Bom dia,
@close
Desde já, obrigado!
Abraços
Valeu!
@detail
Já reiniciei o app e o hub.
O firmware está atualizado.
@sign
Abs,\\n{first}
{first} {last}
@quote
Em {date}, {name} escreveu:
=feature: o modo eco|modo eco; o agendamento semanal|agendamento semanal; o relatório de energia|relatório de energia; o controle por cômodo|controle por cômodo; o widget|widget
=idea: um modo férias|modo férias; integração com o Home Assistant|integração Home Assistant; um tema escuro|tema escuro; programação por cômodo|programação por cômodo
=action: programar um horário diferente no fim de semana; compartilhar o acesso com outra pessoa da casa; exportar os dados de consumo; conectar o termostato a uma nova rede Wi-Fi
=device: no meu iPhone; no meu Android; no app web; no Kelvio One
=error: o erro E42; uma tela branca; a mensagem “Falha na sincronização”
=duration: desde ontem; há três dias; desde a semana passada; desde a última atualização
=city: São Paulo; Lisboa; Porto; Rio de Janeiro; Belo Horizonte; Curitiba
=field: suporte ao cliente; desenvolvimento mobile; marketing digital
=study: Ciência da Computação; Engenharia de Energia; Design
=media: Revista Casa Conectada; TecLar
=company: uma empresa de energia solar; uma rede de 40 instaladores; uma imobiliária
=menu: Dispositivos; Programação; Notificações; Conta
=re: RES:; Re:
"""

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
for _lang, _block in (("en", _EN), ("fr", _FR), ("de", _DE), ("es", _ES), ("it", _IT), ("pt", _PT)):
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
NICKS = ("bluefox", "nightowl", "greenhome", "pixelcat", "heatwave", "cozyhouse", "solarpunk",
         "moustik", "kaffeesatz", "tortuga", "gatonegro", "lupo", "fjordkid", "tinkerer",
         "thermonerd", "radiateur", "hibou", "sunnyside")  # fmt: skip

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
