"""German and Spanish templates and vocabularies (the format is in :mod:`.text`)."""

DE = """
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

ES = """
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
