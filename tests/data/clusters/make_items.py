"""Writes items.jsonl: labelled stories for the clustering evaluation (bench/clusters.py).

    python tests/data/clusters/make_items.py

Every story below was written for the project. Each has an original report, and some of:
- wire copies: the same text republished under another headline, with the outlet's
  dateline or credit, a line of "read more", and sometimes without its last paragraph;
- a rewrite: the same event told again in other words by another outlet;
- a translation: the same event reported in the other language.
Several stories share people, places and days with others on purpose (Díaz-Canel on two
different subjects the same day, two oil tankers in one week, two sets of sanctions):
those must stay apart. ``story`` is the label: items with the same one are one story.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("items.jsonl")

# (story id, day in March 2026, hour, language, outlet, headline, text)
# then optional "copies": [(outlet, headline, variant)], "rewrite": (outlet, headline, text),
# "translation": (outlet, headline, text)
# fmt: off
STORIES: list[dict[str, Any]] = [
    {
        "id": "dialogue-offer", "day": 2, "hour": 9, "lang": "en", "outlet": "Wire A",
        "title": "Cuba says it is open to 'meaningful' dialogue with Washington",
        "text": (
            "Cuba's deputy foreign minister Carlos Fernández de Cossío said on Monday that "
            "Havana is ready for a meaningful dialogue with the United States, but not about "
            "its political system. Speaking to reporters at the foreign ministry, he said 14 "
            "rounds of migration talks since 2015 showed the two governments could work "
            "together on practical matters.\n\n"
            "He accused the Trump administration of trying to choke the island's economy by "
            "cutting off its oil supplies, and said Cuba would not negotiate under pressure."
        ),
        "copies": [
            ("Daily B", "Havana ready for talks with US, but not on its system", "dateline"),
            ("Herald C", "Cuban official: dialogue yes, concessions no", "trim"),
        ],
        "translation": (
            "Agencia E", "Cuba dice estar abierta a un diálogo 'significativo' con Washington",
            "El vicecanciller cubano Carlos Fernández de Cossío afirmó el lunes que La Habana "
            "está lista para un diálogo significativo con Estados Unidos, pero no sobre su "
            "sistema político. Ante la prensa en la cancillería, recordó que 14 rondas de "
            "conversaciones migratorias desde 2015 demuestran que ambos gobiernos pueden "
            "trabajar juntos en asuntos prácticos.\n\n"
            "Acusó al gobierno de Trump de intentar asfixiar la economía de la isla al "
            "cortarle el suministro de petróleo, y dijo que Cuba no negociará bajo presión."
        ),
    },
    {
        "id": "blackout-grid", "day": 2, "hour": 14, "lang": "es", "outlet": "Diario D",
        "title": "Apagón deja sin electricidad a casi toda Cuba",
        "text": (
            "Un fallo en la central termoeléctrica Antonio Guiteras provocó este lunes la "
            "desconexión del sistema eléctrico nacional y dejó sin servicio a cerca del 90 "
            "por ciento de los clientes, informó la Unión Eléctrica. El ministro de Energía, "
            "Vicente de la O Levy, dijo que el restablecimiento tomaría al menos 48 horas.\n\n"
            "El presidente Miguel Díaz-Canel culpó al bloqueo de Estados Unidos por la falta "
            "de combustible y de piezas de repuesto."
        ),
        "copies": [("Portal F", "Cuba, a oscuras tras la caída de la Guiteras", "credit")],
        "translation": (
            "Wire A", "Blackout leaves nearly all of Cuba without power",
            "A failure at the Antonio Guiteras power plant on Monday brought down Cuba's "
            "national grid and left about 90 percent of customers without electricity, the "
            "state utility said. Energy minister Vicente de la O Levy said restoring service "
            "would take at least 48 hours.\n\n"
            "President Miguel Díaz-Canel blamed the US embargo for shortages of fuel and "
            "spare parts."
        ),
    },
    {
        # Same day and president as blackout-grid, another subject.
        "id": "diaz-canel-beijing", "day": 2, "hour": 16, "lang": "en", "outlet": "Herald C",
        "title": "Díaz-Canel to visit Beijing as Cuba seeks new credit",
        "text": (
            "Cuban President Miguel Díaz-Canel will travel to Beijing next week to seek new "
            "credit lines and investment in solar parks, the foreign ministry said. The trip "
            "follows a year in which Chinese firms installed panels at 31 sites across the "
            "island.\n\n"
            "Washington has criticised growing Chinese influence in Cuba, which it says "
            "includes intelligence facilities."
        ),
        "rewrite": (
            "Daily B", "Cuban leader heads to China in search of loans",
            "Miguel Díaz-Canel is expected in Beijing next week, where Cuba hopes to secure "
            "fresh loans and Chinese money for solar power. Chinese companies put up panels "
            "at 31 locations on the island last year, officials said. The United States "
            "views the deepening ties with suspicion."
        ),
    },
    {
        "id": "tanker-turned-away", "day": 3, "hour": 8, "lang": "en", "outlet": "Wire A",
        "title": "Tanker bound for Cuba turns back after US warning",
        "text": (
            "A tanker carrying about 700,000 barrels of Venezuelan crude turned back in the "
            "Caribbean on Tuesday after the US Treasury warned shippers of sanctions, ship "
            "tracking data showed. The vessel, the Ocean Mariner, had left the port of Jose "
            "five days earlier.\n\n"
            "Cuba depends on imported fuel for its power plants and has suffered rolling "
            "blackouts for months."
        ),
        "copies": [
            ("Portal F", "Venezuelan oil shipment to Cuba halted", "dateline"),
            ("Herald C", "US pressure turns Cuba-bound tanker around", "readmore"),
        ],
        "translation": (
            "Agencia E", "Petrolero rumbo a Cuba da la vuelta tras advertencia de EE.UU.",
            "Un petrolero con unos 700.000 barriles de crudo venezolano dio la vuelta el "
            "martes en el Caribe después de que el Tesoro de Estados Unidos advirtiera a los "
            "navieros sobre sanciones, según datos de seguimiento de buques. El Ocean Mariner "
            "había zarpado del puerto de José cinco días antes.\n\n"
            "Cuba depende del combustible importado para sus termoeléctricas."
        ),
    },
    {
        # Another tanker the same week: must not join tanker-turned-away.
        "id": "tanker-mexico", "day": 5, "hour": 10, "lang": "en", "outlet": "Daily B",
        "title": "Mexican tanker delivers fuel to Cuba despite US threats",
        "text": (
            "A tanker chartered by Mexico's state oil company Pemex unloaded 320,000 barrels "
            "of gasoline and diesel in the port of Matanzas on Thursday, Cuban state media "
            "reported. President Claudia Sheinbaum said the shipment was humanitarian aid.\n\n"
            "US officials have threatened tariffs on countries that sell oil to Cuba."
        ),
        "translation": (
            "Diario D", "Buque de Pemex entrega combustible en Matanzas pese a amenazas",
            "Un buque fletado por Pemex descargó el jueves 320.000 barriles de gasolina y "
            "diésel en el puerto de Matanzas, informaron medios estatales cubanos. La "
            "presidenta Claudia Sheinbaum dijo que el envío es ayuda humanitaria.\n\n"
            "Funcionarios de Estados Unidos han amenazado con aranceles a los países que "
            "vendan petróleo a Cuba."
        ),
    },
    {
        "id": "sanctions-gaesa", "day": 3, "hour": 15, "lang": "en", "outlet": "Wire G",
        "title": "US sanctions Cuban military conglomerate GAESA's hotel arm",
        "text": (
            "The US Treasury's Office of Foreign Assets Control added Gaviota, the hotel "
            "company of the military conglomerate GAESA, and 11 of its executives to the "
            "sanctions list on Wednesday. Americans are barred from dealing with the firms, "
            "which run 104 hotels on the island.\n\n"
            "Secretary of State Marco Rubio said the money from tourism funds repression."
        ),
        "copies": [("Daily B", "Treasury targets Cuba's Gaviota hotels", "credit")],
        "translation": (
            "Portal F", "EE.UU. sanciona a Gaviota, brazo hotelero de GAESA",
            "La Oficina de Control de Activos Extranjeros del Tesoro de EE.UU. incluyó el "
            "miércoles a Gaviota, la empresa hotelera del conglomerado militar GAESA, y a 11 "
            "de sus directivos en su lista de sanciones. Los estadounidenses no podrán "
            "negociar con las empresas, que gestionan 104 hoteles en la isla.\n\n"
            "El secretario de Estado Marco Rubio dijo que el dinero del turismo financia la "
            "represión."
        ),
    },
    {
        # Sanctions again, two days later, other targets.
        "id": "sanctions-judges", "day": 5, "hour": 17, "lang": "en", "outlet": "Wire G",
        "title": "US bars Cuban judges from entry over protester trials",
        "text": (
            "The State Department barred 24 Cuban judges and prosecutors from entering the "
            "United States, saying they handed down long sentences to people who joined the "
            "protests of July 11, 2021. Secretary of State Marco Rubio said more visa "
            "restrictions would follow.\n\n"
            "Cuba's foreign ministry called the measure an act of interference."
        ),
        "rewrite": (
            "Herald C", "Rubio announces visa bans for Cuban judiciary",
            "Two dozen Cuban judges and prosecutors can no longer travel to the US, Marco "
            "Rubio said, accusing them of jailing demonstrators from the 11 July protests. "
            "The list of 24 names may grow, he added. Havana denounced interference."
        ),
    },
    {
        "id": "remittances-western-union", "day": 4, "hour": 11, "lang": "es", "outlet": "Portal F",
        "title": "Western Union suspende envíos de remesas a Cuba",
        "text": (
            "Western Union dejó de procesar remesas hacia Cuba a partir de este miércoles, "
            "después de que el Departamento del Tesoro prohibiera las transacciones con la "
            "financiera Orbit, vinculada a GAESA. La empresa atendía unas 400 agencias en la "
            "isla.\n\n"
            "Miles de familias cubanas en Miami buscan ahora otras vías para ayudar a sus "
            "parientes."
        ),
        "copies": [
            ("Diario D", "Se cortan las remesas: Western Union sale de Cuba", "dateline"),
        ],
        "translation": (
            "Wire A", "Western Union halts remittances to Cuba",
            "Western Union stopped processing remittances to Cuba on Wednesday after the "
            "Treasury banned dealings with Orbit, the GAESA-linked payments firm. The company "
            "served some 400 outlets on the island.\n\n"
            "Thousands of Cuban families in Miami are looking for other ways to help their "
            "relatives."
        ),
    },
    {
        "id": "rafters-coast-guard", "day": 4, "hour": 7, "lang": "en", "outlet": "Herald C",
        "title": "Coast Guard returns 83 Cuban rafters to Havana",
        "text": (
            "The US Coast Guard repatriated 83 Cubans to Havana on Tuesday after intercepting "
            "them at sea off the Florida Keys, in the third such return this month. Officials "
            "said the migrants were found on six makeshift boats.\n\n"
            "Crossings have risen as Cuba's economic crisis deepens."
        ),
        "copies": [("Wire G", "83 Cuban migrants sent back after interception", "trim")],
        "translation": (
            "Diario D", "Guardia Costera devuelve a 83 balseros cubanos",
            "La Guardia Costera de Estados Unidos repatrió el martes a La Habana a 83 cubanos "
            "interceptados en el mar frente a los Cayos de la Florida, la tercera devolución "
            "de este mes. Los migrantes viajaban en seis embarcaciones rústicas."
        ),
    },
    {
        "id": "parole-end", "day": 6, "hour": 9, "lang": "en", "outlet": "Wire A",
        "title": "Court lets US end parole for 530,000 Cubans, Haitians and others",
        "text": (
            "A federal appeals court allowed the Trump administration to end the CHNV parole "
            "program, which let about 530,000 Cubans, Haitians, Nicaraguans and Venezuelans "
            "live and work in the United States. Immigration lawyers said thousands of Cubans "
            "could face deportation within 30 days.\n\n"
            "The Department of Homeland Security said the program had been abused."
        ),
        "copies": [
            ("Daily B", "Parole program for Cubans can end, court rules", "readmore"),
            ("Portal F", "Appeals court clears end of CHNV parole", "dateline"),
        ],
        "translation": (
            "Agencia E", "Tribunal permite a EE.UU. cancelar el parole de 530.000 personas",
            "Un tribunal federal de apelaciones permitió al gobierno de Trump poner fin al "
            "programa de parole CHNV, que permitió a unos 530.000 cubanos, haitianos, "
            "nicaragüenses y venezolanos vivir y trabajar en Estados Unidos. Abogados de "
            "inmigración advirtieron que miles de cubanos podrían ser deportados en 30 días."
        ),
        "rewrite": (
            "Herald C", "Thousands of Cubans at risk as CHNV ruling lands",
            "Cuban families in Florida fear deportation after judges sided with the "
            "administration on CHNV. The humanitarian parole covered some 530,000 people "
            "from four countries; lawyers expect removals to begin within 30 days."
        ),
    },
    {
        # Migration again, the same week, another subject.
        "id": "deportation-flight", "day": 6, "hour": 15, "lang": "es", "outlet": "Diario D",
        "title": "Llega a La Habana vuelo de deportación con 120 cubanos",
        "text": (
            "Un vuelo procedente de Miami aterrizó este viernes en el aeropuerto José Martí "
            "con 120 cubanos deportados por Estados Unidos, informó el Ministerio del "
            "Interior. Es el cuarto vuelo de este tipo en lo que va de año, en virtud de los "
            "acuerdos migratorios vigentes."
        ),
        "translation": (
            "Wire G", "Deportation flight lands in Havana with 120 Cubans",
            "A flight from Miami landed at Havana's José Martí airport on Friday carrying "
            "120 Cubans deported by the United States, Cuba's interior ministry said. It was "
            "the fourth such flight this year under the existing migration accords."
        ),
    },
    {
        "id": "embassy-visas", "day": 7, "hour": 10, "lang": "en", "outlet": "Daily B",
        "title": "US embassy in Havana resumes immigrant visa interviews",
        "text": (
            "The US embassy in Havana resumed full immigrant visa processing on Saturday, "
            "ending a pause that forced Cubans to travel to Georgetown, Guyana, for "
            "interviews. The embassy said it expects to handle 20,000 visas a year, the "
            "number set by the 1994 migration accords."
        ),
        "copies": [("Herald C", "Cubans no longer need to fly to Guyana for US visas", "credit")],
        "translation": (
            "Portal F", "Embajada de EE.UU. en La Habana reanuda entrevistas de visas",
            "La embajada de Estados Unidos en La Habana reanudó el sábado el procesamiento "
            "completo de visas de inmigrante, tras una pausa que obligaba a los cubanos a "
            "viajar a Georgetown, Guyana. La sede diplomática prevé tramitar 20.000 visas al "
            "año, la cifra fijada por los acuerdos migratorios de 1994."
        ),
    },
    {
        "id": "helms-burton-suit", "day": 7, "hour": 13, "lang": "en", "outlet": "Wire G",
        "title": "Exile family wins Helms-Burton suit over Havana port",
        "text": (
            "A federal judge in Miami ordered a cruise operator to pay $112 million to the "
            "heirs of a family whose Havana docks were confiscated in 1960, the largest award "
            "so far under Title III of the Helms-Burton Act. The company said it would "
            "appeal."
        ),
        "copies": [("Daily B", "Cruise line must pay $112m under Title III", "trim")],
        "translation": (
            "Agencia E", "Familia exiliada gana demanda Helms-Burton por muelles de La Habana",
            "Un juez federal de Miami ordenó a una naviera de cruceros pagar 112 millones de "
            "dólares a los herederos de una familia cuyos muelles en La Habana fueron "
            "confiscados en 1960, la mayor indemnización hasta ahora bajo el Título III de la "
            "ley Helms-Burton. La empresa apelará."
        ),
    },
    {
        "id": "bay-of-pigs-anniversary", "day": 8, "hour": 9, "lang": "es", "outlet": "Diario D",
        "title": "Veteranos de la Brigada 2506 recuerdan Playa Girón",
        "text": (
            "Medio centenar de veteranos de la Brigada 2506 se reunieron en Miami para "
            "recordar la invasión de Playa Girón, en la que murieron 114 de sus compañeros. "
            "Los organizadores dijeron que es probablemente la última gran reunión, porque "
            "los sobrevivientes superan los 80 años."
        ),
        "rewrite": (
            "Portal F", "La Brigada 2506 celebra su probable último encuentro",
            "Los veteranos de Bahía de Cochinos, todos mayores de 80 años, se dieron cita en "
            "Miami en homenaje a los 114 brigadistas caídos en Girón. Fue, según los "
            "organizadores, su última gran reunión."
        ),
    },
    {
        "id": "missile-crisis-files", "day": 8, "hour": 12, "lang": "en", "outlet": "Herald C",
        "title": "Newly declassified files detail 13 days of the missile crisis",
        "text": (
            "The National Archives released 2,800 pages of documents on the Cuban missile "
            "crisis, including notes from meetings of President Kennedy's advisers and cables "
            "from the US embassy in Moscow. Historians said the files show how close the "
            "blockade of Cuba came to armed clashes at sea."
        ),
        "translation": (
            "Agencia E", "Archivos desclasificados detallan los 13 días de la crisis de los misiles",
            "El Archivo Nacional de Estados Unidos publicó 2.800 páginas de documentos sobre "
            "la crisis de los misiles en Cuba, con notas de las reuniones de los asesores del "
            "presidente Kennedy y cables de la embajada en Moscú. Los historiadores dicen que "
            "muestran lo cerca que estuvo el bloqueo de provocar choques armados en el mar."
        ),
    },
    {
        "id": "chinese-base", "day": 9, "hour": 8, "lang": "en", "outlet": "Wire A",
        "title": "Satellite images show new Chinese listening site in Cuba",
        "text": (
            "Satellite images published by a Washington think tank show construction at a "
            "new signals intelligence site near Bejucal, south of Havana, which researchers "
            "link to China. The site has grown to cover 12 hectares since 2024, they said.\n\n"
            "Cuba's government denied hosting any Chinese military base."
        ),
        "copies": [
            ("Daily B", "Think tank: China expanding spy site near Havana", "dateline"),
            ("Portal F", "New images of Bejucal base raise US alarm", "readmore"),
        ],
        "translation": (
            "Diario D", "Imágenes satelitales muestran nueva base de escucha china en Cuba",
            "Imágenes satelitales publicadas por un centro de estudios de Washington muestran "
            "obras en un nuevo sitio de inteligencia de señales cerca de Bejucal, al sur de "
            "La Habana, que los investigadores vinculan con China. El lugar ocupa ya 12 "
            "hectáreas desde 2024.\n\nEl gobierno cubano negó albergar bases militares "
            "chinas."
        ),
    },
    {
        "id": "russian-warships", "day": 9, "hour": 14, "lang": "es", "outlet": "Agencia E",
        "title": "Buques de guerra rusos atracan en La Habana",
        "text": (
            "Una fragata y un submarino de propulsión nuclear de la Armada rusa atracaron "
            "este lunes en el puerto de La Habana para una visita de cinco días, informó el "
            "Ministerio de las Fuerzas Armadas. El Pentágono dijo que sigue de cerca los "
            "movimientos y que no representan una amenaza directa."
        ),
        "copies": [("Diario D", "Fragata y submarino rusos llegan a la capital cubana", "credit")],
        "translation": (
            "Herald C", "Russian warships dock in Havana",
            "A Russian navy frigate and a nuclear-powered submarine docked in Havana harbour "
            "on Monday for a five-day visit, Cuba's armed forces ministry said. The Pentagon "
            "said it was monitoring the ships and that they posed no direct threat."
        ),
    },
    {
        "id": "havana-syndrome-report", "day": 10, "hour": 10, "lang": "en", "outlet": "Daily B",
        "title": "Intelligence review finds no foreign hand in Havana syndrome",
        "text": (
            "A review by seven US intelligence agencies concluded it is very unlikely that a "
            "foreign adversary caused the health incidents first reported by diplomats in "
            "Havana in 2016. Two agencies dissented, saying a directed-energy device could "
            "not be ruled out."
        ),
        "rewrite": (
            "Wire G", "Spy agencies split on cause of Havana syndrome",
            "Five of seven US intelligence agencies say a foreign adversary very probably did "
            "not cause the mysterious symptoms reported by American diplomats in Havana since "
            "2016; two believe an energy weapon remains possible."
        ),
    },
    {
        "id": "baseball-players", "day": 10, "hour": 16, "lang": "es", "outlet": "Portal F",
        "title": "MLB y la Federación Cubana acuerdan un permiso para 12 peloteros",
        "text": (
            "Las Grandes Ligas y la Federación Cubana de Béisbol acordaron que 12 peloteros "
            "cubanos puedan firmar con equipos estadounidenses sin abandonar la isla, tras "
            "una licencia especial del Departamento del Tesoro. Es la primera vez desde 2019."
        ),
        "translation": (
            "Herald C", "MLB and Cuba agree to let 12 players sign with US teams",
            "Major League Baseball and the Cuban baseball federation agreed to let 12 Cuban "
            "players sign with US clubs without defecting, under a special Treasury licence, "
            "the first such deal since 2019."
        ),
    },
    {
        "id": "terror-list", "day": 11, "hour": 9, "lang": "en", "outlet": "Wire A",
        "title": "Cuba stays on US list of state sponsors of terrorism",
        "text": (
            "The State Department kept Cuba on its list of state sponsors of terrorism in its "
            "annual report, citing Havana's refusal to extradite members of Colombia's ELN "
            "guerrilla. Cuba's foreign minister Bruno Rodríguez called the designation a lie "
            "that costs the island access to banks."
        ),
        "copies": [("Herald C", "State Department keeps Cuba on terror list", "dateline")],
        "translation": (
            "Diario D", "Cuba sigue en la lista de países patrocinadores del terrorismo",
            "El Departamento de Estado mantuvo a Cuba en su lista de estados patrocinadores "
            "del terrorismo en su informe anual, por la negativa de La Habana a extraditar a "
            "miembros del ELN colombiano. El canciller Bruno Rodríguez calificó la "
            "designación de mentira que le cierra a la isla el acceso a los bancos."
        ),
    },
    {
        # The same foreign minister the same day, another subject.
        "id": "rodriguez-un-vote", "day": 11, "hour": 15, "lang": "es", "outlet": "Agencia E",
        "title": "Bruno Rodríguez pide en Ginebra apoyo contra el bloqueo",
        "text": (
            "El canciller Bruno Rodríguez pidió ante el Consejo de Derechos Humanos de la ONU, "
            "en Ginebra, apoyo internacional contra el bloqueo estadounidense, que según "
            "cifras oficiales costó a Cuba 5.000 millones de dólares en el último año."
        ),
    },
    {
        "id": "mariel-anniversary", "day": 12, "hour": 9, "lang": "en", "outlet": "Herald C",
        "title": "Mariel boatlift survivors mark 46 years in Miami",
        "text": (
            "Survivors of the 1980 Mariel boatlift gathered in Miami's Little Havana to mark "
            "46 years since 125,000 Cubans crossed the Florida Straits in six months. "
            "Organisers read the names of 27 people who died at sea."
        ),
        "translation": (
            "Diario D", "Sobrevivientes del éxodo del Mariel recuerdan 46 años",
            "Sobrevivientes del éxodo del Mariel de 1980 se reunieron en la Pequeña Habana "
            "de Miami para recordar los 46 años de la travesía de 125.000 cubanos por el "
            "Estrecho de la Florida en seis meses. Se leyeron los nombres de 27 personas "
            "que murieron en el mar."
        ),
    },
    {
        "id": "ferrer-arrest", "day": 12, "hour": 13, "lang": "es", "outlet": "Portal F",
        "title": "Detienen de nuevo al opositor José Daniel Ferrer",
        "text": (
            "La policía detuvo este jueves en Santiago de Cuba al líder opositor José Daniel "
            "Ferrer, de la UNPACU, según denunció su familia. La embajada de Estados Unidos "
            "pidió su liberación inmediata y la de otros 7 activistas detenidos en la "
            "víspera."
        ),
        "copies": [("Diario D", "Ferrer, otra vez tras las rejas en Santiago", "credit")],
        "translation": (
            "Wire A", "Cuban dissident José Daniel Ferrer detained again",
            "Police in Santiago de Cuba detained opposition leader José Daniel Ferrer of "
            "UNPACU on Thursday, his family said. The US embassy called for his immediate "
            "release and that of 7 other activists held the day before."
        ),
    },
    {
        "id": "flights-suspended", "day": 13, "hour": 10, "lang": "en", "outlet": "Daily B",
        "title": "US suspends charter flights to nine Cuban cities",
        "text": (
            "The Transportation Department suspended public charter flights between the "
            "United States and nine Cuban airports other than Havana, affecting about 40 "
            "weekly flights from Miami and Tampa. Airlines have 45 days to comply."
        ),
        "copies": [
            ("Wire G", "Charter flights to Cuba's provinces halted", "trim"),
            ("Herald C", "Nine Cuban airports lose US charter service", "readmore"),
        ],
        "translation": (
            "Portal F", "EE.UU. suspende los vuelos chárter a nueve ciudades cubanas",
            "El Departamento de Transporte suspendió los vuelos chárter públicos entre "
            "Estados Unidos y nueve aeropuertos cubanos distintos del de La Habana, lo que "
            "afecta a unos 40 vuelos semanales desde Miami y Tampa. Las aerolíneas tienen 45 "
            "días para cumplir."
        ),
    },
    {
        "id": "cruise-ban", "day": 13, "hour": 15, "lang": "en", "outlet": "Wire A",
        "title": "Cruise lines cancel Havana calls after new US rules",
        "text": (
            "Three cruise lines cancelled 18 planned calls at Havana this spring after the "
            "Treasury tightened rules on travel to Cuba, the companies said. Passengers will "
            "be offered stops in Cozumel and Nassau instead."
        ),
    },
    {
        "id": "sugar-harvest", "day": 14, "hour": 9, "lang": "es", "outlet": "Agencia E",
        "title": "La zafra azucarera cubana, la peor en más de un siglo",
        "text": (
            "Cuba produjo apenas 150.000 toneladas de azúcar en la zafra de este año, la cifra "
            "más baja desde 1898, según la empresa estatal Azcuba. Las autoridades atribuyen "
            "el fracaso a la falta de combustible y fertilizantes, y al bloqueo de Estados "
            "Unidos."
        ),
        "translation": (
            "Wire G", "Cuba's sugar harvest is its worst in over a century",
            "Cuba produced just 150,000 tonnes of sugar this season, the lowest figure since "
            "1898, state firm Azcuba said, blaming shortages of fuel and fertiliser and the "
            "US embargo."
        ),
    },
    {
        "id": "vaccine-dengue", "day": 14, "hour": 14, "lang": "en", "outlet": "Herald C",
        "title": "Cuban scientists test dengue vaccine despite embargo",
        "text": (
            "Researchers at Havana's Finlay Institute began trials of a dengue vaccine in "
            "3,000 volunteers in Cienfuegos, despite what they called shortages caused by the "
            "US embargo. Results are expected within 18 months."
        ),
        "copies": [("Daily B", "Finlay Institute starts dengue vaccine trial", "credit")],
    },
    {
        "id": "senate-hearing", "day": 15, "hour": 11, "lang": "en", "outlet": "Wire A",
        "title": "Senators question envoy on Cuba policy at confirmation hearing",
        "text": (
            "Members of the Senate Foreign Relations Committee pressed the nominee for "
            "assistant secretary for Western Hemisphere affairs on Cuba, asking whether the "
            "administration would allow remittances to resume. The nominee said the policy "
            "of maximum pressure would continue for at least 12 months."
        ),
        "rewrite": (
            "Daily B", "Nominee vows 'maximum pressure' on Havana",
            "The administration's pick for Western Hemisphere affairs told the Senate Foreign "
            "Relations Committee that maximum pressure on Cuba will last at least 12 more "
            "months, declining to promise a return of remittances."
        ),
    },
    {
        "id": "gas-prices-havana", "day": 15, "hour": 16, "lang": "es", "outlet": "Diario D",
        "title": "La gasolina sube a 25 dólares el galón en el mercado negro de La Habana",
        "text": (
            "El precio de la gasolina en el mercado informal de La Habana alcanzó los 25 "
            "dólares por galón esta semana, mientras las colas en los servicentros estatales "
            "superan las 72 horas, según vecinos consultados. La escasez se agravó tras la "
            "suspensión de los envíos venezolanos."
        ),
        "translation": (
            "Herald C", "Black-market gasoline hits $25 a gallon in Havana",
            "Gasoline on Havana's black market reached $25 a gallon this week while queues at "
            "state fuel stations stretched beyond 72 hours, residents said, as shortages "
            "worsened after Venezuelan shipments stopped."
        ),
    },
    {
        "id": "guantanamo-migrants", "day": 16, "hour": 10, "lang": "en", "outlet": "Wire G",
        "title": "US to hold intercepted Cuban migrants at Guantánamo",
        "text": (
            "The Department of Homeland Security said it would house up to 2,500 migrants "
            "intercepted at sea at the Migrant Operations Center at Guantánamo Bay, in "
            "addition to those returned directly to Cuba. Rights groups criticised the plan."
        ),
        "translation": (
            "Agencia E", "EE.UU. alojará en Guantánamo a migrantes interceptados en el mar",
            "El Departamento de Seguridad Nacional de EE.UU. anunció que alojará hasta 2.500 "
            "migrantes interceptados en el mar en el Centro de Operaciones Migratorias de la "
            "base de Guantánamo, además de los devueltos directamente a Cuba. Organizaciones "
            "de derechos humanos criticaron el plan."
        ),
    },
    {
        "id": "pope-mediation", "day": 16, "hour": 14, "lang": "es", "outlet": "Portal F",
        "title": "El Vaticano ofrece mediar entre Cuba y Estados Unidos",
        "text": (
            "El secretario de Estado del Vaticano, cardenal Pietro Parolin, ofreció la "
            "mediación de la Santa Sede entre La Habana y Washington, como en 2014, durante "
            "una visita de tres días a la isla. El gobierno cubano agradeció el gesto."
        ),
        "translation": (
            "Daily B", "Vatican offers to mediate between Cuba and the US",
            "Vatican Secretary of State Cardinal Pietro Parolin offered the Holy See's "
            "mediation between Havana and Washington, as in 2014, during a three-day visit "
            "to the island. Cuba's government thanked him for the gesture."
        ),
    },
    {
        "id": "elian-documentary", "day": 17, "hour": 9, "lang": "en", "outlet": "Herald C",
        "title": "Documentary revisits the Elián González custody battle",
        "text": (
            "A new documentary premiering in Miami revisits the 2000 custody fight over Elián "
            "González, the boy rescued off Florida whose return to Cuba divided the exile "
            "community. The filmmakers interviewed 40 people, including relatives in both "
            "countries."
        ),
    },
    {
        "id": "oil-tariffs-order", "day": 17, "hour": 13, "lang": "en", "outlet": "Wire A",
        "title": "Trump order threatens 25% tariffs on buyers of oil for Cuba",
        "text": (
            "President Trump signed an executive order threatening 25 percent tariffs on "
            "goods from any country that sells or ships oil to Cuba, calling the island an "
            "extraordinary threat to US national security. Mexico and Russia have been its "
            "main suppliers since Venezuela's deliveries fell."
        ),
        "copies": [
            ("Daily B", "New executive order targets Cuba's fuel suppliers", "dateline"),
            ("Portal F", "Tariffs of 25% for countries selling oil to Havana", "readmore"),
        ],
        "translation": (
            "Agencia E", "Orden de Trump amenaza con aranceles del 25% a quien venda petróleo a Cuba",
            "El presidente Trump firmó una orden ejecutiva que amenaza con aranceles del 25 "
            "por ciento a los productos de cualquier país que venda o envíe petróleo a Cuba, "
            "a la que calificó de amenaza extraordinaria para la seguridad nacional de "
            "Estados Unidos. México y Rusia han sido sus principales proveedores."
        ),
        "rewrite": (
            "Herald C", "White House moves to cut off Cuba's last oil lifelines",
            "Countries that send crude or fuel to Cuba now face a 25 percent tariff on their "
            "exports to the US under an order Trump signed, which names the island an "
            "extraordinary threat. The measure hits Mexico and Russia hardest."
        ),
    },
    {
        # Oil and Mexico again, the next day, another subject.
        "id": "sheinbaum-reply", "day": 18, "hour": 10, "lang": "es", "outlet": "Diario D",
        "title": "Sheinbaum: México seguirá enviando ayuda humanitaria a Cuba",
        "text": (
            "La presidenta Claudia Sheinbaum aseguró en su conferencia matutina que México "
            "seguirá enviando alimentos y medicinas a Cuba, pero evitó confirmar nuevos "
            "envíos de petróleo. Dijo que su gobierno busca un diálogo con Washington."
        ),
        "translation": (
            "Wire G", "Sheinbaum says Mexico will keep sending aid to Cuba",
            "Mexican President Claudia Sheinbaum said at her morning news conference that "
            "Mexico would keep sending food and medicine to Cuba, but declined to confirm new "
            "oil shipments, adding that her government seeks dialogue with Washington."
        ),
    },
    {
        "id": "etecsa-internet", "day": 18, "hour": 15, "lang": "es", "outlet": "Portal F",
        "title": "ETECSA sube las tarifas de datos móviles y desata protestas",
        "text": (
            "La empresa estatal ETECSA multiplicó por seis el precio de los paquetes de datos "
            "móviles, y estudiantes de al menos 5 universidades convocaron protestas. La "
            "empresa dijo que necesita divisas para mantener la red."
        ),
        "copies": [("Agencia E", "Protestas universitarias por el tarifazo de ETECSA", "credit")],
    },
    {
        "id": "exiles-protest-miami", "day": 19, "hour": 11, "lang": "en", "outlet": "Daily B",
        "title": "Thousands rally in Miami for political prisoners in Cuba",
        "text": (
            "Thousands of people marched in Miami on Sunday calling for the release of more "
            "than 1,000 political prisoners in Cuba, organisers said. Florida's senators "
            "addressed the crowd outside the Freedom Tower."
        ),
        "translation": (
            "Diario D", "Miles marchan en Miami por los presos políticos cubanos",
            "Miles de personas marcharon el domingo en Miami para pedir la liberación de más "
            "de 1.000 presos políticos en Cuba, según los organizadores. Los senadores de la "
            "Florida hablaron ante la multitud frente a la Torre de la Libertad."
        ),
    },
    {
        "id": "prisoner-release", "day": 20, "hour": 9, "lang": "en", "outlet": "Wire A",
        "title": "Cuba frees 553 prisoners after Vatican talks",
        "text": (
            "Cuba said it had released 553 prisoners, including some detained after the July "
            "2021 protests, following talks with the Vatican. The US State Department said "
            "it would verify the releases and that hundreds remained jailed."
        ),
        "copies": [("Herald C", "Havana announces release of 553 detainees", "trim")],
        "translation": (
            "Agencia E", "Cuba excarcela a 553 presos tras conversaciones con el Vaticano",
            "Cuba anunció la excarcelación de 553 presos, entre ellos detenidos tras las "
            "protestas de julio de 2021, después de conversaciones con el Vaticano. El "
            "Departamento de Estado dijo que verificará las liberaciones."
        ),
    },
    {
        "id": "tourism-drop", "day": 20, "hour": 14, "lang": "es", "outlet": "Diario D",
        "title": "Cuba recibe un 40% menos de turistas que antes de la pandemia",
        "text": (
            "Cuba recibió 1,2 millones de visitantes internacionales en el primer trimestre, "
            "un 40 por ciento menos que en 2019, según la Oficina Nacional de Estadística. "
            "Los canadienses siguen siendo el principal mercado."
        ),
    },
    {
        "id": "migration-talks-round", "day": 21, "hour": 10, "lang": "en", "outlet": "Herald C",
        "title": "Cuba and US hold migration talks in Washington",
        "text": (
            "Delegations from Cuba and the United States met in Washington for the 15th round "
            "of migration talks, the State Department said, discussing deportation flights "
            "and visa processing. Cuba's delegation was led by Carlos Fernández de Cossío."
        ),
        "translation": (
            "Portal F", "Cuba y EE.UU. celebran en Washington la ronda 15 de conversaciones migratorias",
            "Delegaciones de Cuba y Estados Unidos se reunieron en Washington en la ronda 15 "
            "de conversaciones migratorias, informó el Departamento de Estado, para tratar "
            "los vuelos de deportación y el trámite de visas. La delegación cubana la "
            "encabezó Carlos Fernández de Cossío."
        ),
    },
    {
        "id": "solar-parks", "day": 21, "hour": 15, "lang": "es", "outlet": "Agencia E",
        "title": "Cuba inaugura su mayor parque solar con ayuda china",
        "text": (
            "Cuba inauguró en Camagüey un parque solar de 21 megavatios construido con "
            "financiamiento de China, el mayor del país, informó el Ministerio de Energía y "
            "Minas. Se prevén otros 50 parques este año."
        ),
        "translation": (
            "Wire G", "Cuba opens its largest solar park, built with Chinese money",
            "Cuba opened a 21-megawatt solar park in Camagüey financed by China, the largest "
            "in the country, the energy ministry said, with 50 more planned this year."
        ),
    },
    {
        "id": "hurricane-aid", "day": 22, "hour": 9, "lang": "en", "outlet": "Daily B",
        "title": "US offers $3 million in hurricane aid to eastern Cuba",
        "text": (
            "The State Department offered $3 million in humanitarian aid through the Catholic "
            "Church to eastern Cuba after storms destroyed 8,000 homes in Holguín and "
            "Guantánamo provinces. Havana has not said whether it will accept."
        ),
        "copies": [("Wire A", "Washington pledges storm aid for Cuba via church", "dateline")],
        "translation": (
            "Diario D", "EE.UU. ofrece 3 millones de dólares de ayuda a Cuba tras las tormentas",
            "El Departamento de Estado ofreció 3 millones de dólares en ayuda humanitaria, a "
            "través de la Iglesia católica, al oriente de Cuba, donde las tormentas "
            "destruyeron 8.000 viviendas en Holguín y Guantánamo."
        ),
    },
    {
        "id": "baseball-classic", "day": 22, "hour": 16, "lang": "en", "outlet": "Herald C",
        "title": "Cuba beats Japan to reach World Baseball Classic final",
        "text": (
            "Cuba beat Japan 5-3 in Miami to reach the World Baseball Classic final, its "
            "first since 2006. Hundreds of Cuban exiles in the stands cheered the team."
        ),
    },
]
# fmt: on


def _copy(story: dict[str, Any], outlet: str, title: str, variant: str) -> dict[str, str]:
    text = str(story["text"])
    if variant == "dateline":
        text = f"HAVANA, March {story['day']} ({story['outlet']}) — {text}"
    elif variant == "credit":
        text = f"{text}\n\n(Con información de {story['outlet']})"
    elif variant == "trim":
        text = text.split("\n\n")[0]
    elif variant == "readmore":
        text = f"{text}\n\nRead more: {title}"
    return {"outlet": outlet, "title": title, "text": text, "kind": "copy"}


def items() -> list[dict[str, Any]]:
    found = []
    for story in STORIES:
        versions: list[dict[str, Any]] = [{"outlet": story["outlet"], "title": story["title"], "text": story["text"],
                     "kind": "original", "lang": story["lang"]}]  # fmt: skip
        for outlet, title, variant in story.get("copies", []):
            versions.append({**_copy(story, outlet, title, variant), "lang": story["lang"]})
        if "rewrite" in story:
            outlet, title, text = story["rewrite"]
            versions.append({"outlet": outlet, "title": title, "text": text, "kind": "rewrite",
                             "lang": story["lang"]})  # fmt: skip
        if "translation" in story:
            outlet, title, text = story["translation"]
            other = "es" if story["lang"] == "en" else "en"
            versions.append({"outlet": outlet, "title": title, "text": text,
                             "kind": "translation", "lang": other})  # fmt: skip
        for n, version in enumerate(versions):
            hour = int(story["hour"]) + n
            found.append({
                "id": f"{story['id']}-{n}", "story": story["id"],
                "published": f"2026-03-{int(story['day']):02d}T{hour % 24:02d}:15:00Z",
                "url": f"https://{str(version['outlet']).lower().replace(' ', '')}.example/"
                       f"{story['id']}-{n}",
                **version,
            })  # fmt: skip
    return found


if __name__ == "__main__":
    rows = items()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    stories = {r["story"] for r in rows}
    both = {s for s in stories if len({r["lang"] for r in rows if r["story"] == s}) == 2}
    print(f"{len(rows)} items, {len(stories)} stories, {len(both)} in both languages -> {OUT}")
