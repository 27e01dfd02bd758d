"""Italian and Portuguese templates and vocabularies (the format is in :mod:`.text`)."""

IT = """
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

PT = """
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
