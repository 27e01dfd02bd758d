"""English and French templates and vocabularies (the format is in :mod:`.text`)."""

EN = """
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

FR = """
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
