"""Information pages of the Genk-like demo city: frequently asked questions and three regulations.

`seed_content()` is idempotent: questions are found by their Dutch text and regulations by their
slug, and a row is only saved when something differs. `manage.py seed_demo_city` calls it.
The figures match the demo city's reference data in `eloket.city.demo` (zones C1, C2, B1, R1, R2;
€20 retribution; GAS 4 €58/€116/€330; 30-day terms; 2 plates and 3 years for a disability registration).
"""

import datetime

from django.db import models

from .models import FaqCategory, FaqItem, Regulation

# (category, question_nl, answer_nl, question_en, answer_en); the order in a category is the list order.
FAQ = [
    (
        FaqCategory.SESSIONS,
        "Hoe start ik een parkeersessie met een sms?",
        "Stuur een sms naar 4411 met de zonecode, een spatie en je nummerplaat, bijvoorbeeld: C1 1ABC123.\n"
        "De zonecode staat op de borden en op de parkeerautomaat. Je vindt hem ook met 'Zoek je zone' op deze "
        "website.\n\n"
        "Je krijgt een bevestiging per sms. Een sms kost € 0,15, zowel verstuurd als ontvangen, en werkt alleen "
        "met een Belgisch gsm-nummer. Je kunt ook betalen met een parkeerapp of aan de parkeerautomaat.",
        "How do I start a parking session by text message?",
        "Send a text message to 4411 with the zone code, a space and your number plate, for example: C1 1ABC123.\n"
        "The zone code is on the signs and on the parking meter. You can also look it up with 'Find your zone' "
        "on this website.\n\n"
        "You get a confirmation by text message. Each message costs €0.15, sent or received, and only Belgian "
        "mobile numbers can be used. You can also pay with a parking app or at the parking meter.",
    ),
    (
        FaqCategory.SESSIONS,
        "Hoe stop ik mijn parkeersessie?",
        "Stuur een sms met alleen de letter Q naar 4411. Lopen er op je gsm-nummer meerdere sessies tegelijk "
        "(bij een Premium- of Pro-account van 4411), stuur dan Q gevolgd door de nummerplaat, bijvoorbeeld "
        "Q1ABC123.\n\n"
        "Stop je sessie zodra je vertrekt, dan betaal je niet meer dan nodig.",
        "How do I stop my parking session?",
        "Send a text message with only the letter Q to 4411. If several sessions run on your mobile number at the "
        "same time (with a Premium or Pro account of 4411), send Q followed by the number plate, for example "
        "Q1ABC123.\n\n"
        "Stop your session as soon as you leave, so you pay no more than needed.",
    ),
    (
        FaqCategory.SESSIONS,
        "Is het eerste uur parkeren gratis?",
        "Ja. In de betalende zones mag je één keer per dag per zone een uur gratis parkeren. Je moet dat gratis uur "
        "wel registreren: aan de parkeerautomaat, met een sms naar 4411 of in een parkeerapp. Blijf je langer, "
        "dan betaal je het gewone tarief voor de tijd na dat eerste uur.\n\n"
        "Betalend parkeren geldt van maandag tot zaterdag van 9 tot 18 uur. Op zondag en op wettelijke "
        "feestdagen parkeer je gratis.",
        "Is the first hour of parking free?",
        "Yes. In the paid zones you can park for free for one hour, once per zone per day. You do have to register "
        "that free hour: at the parking meter, by text message to 4411 or in a parking app. If you stay longer, "
        "you pay the normal tariff for the time after that first hour.\n\n"
        "Paid parking applies from Monday to Saturday, 9 am to 6 pm. On Sundays and public holidays parking "
        "is free.",
    ),
    (
        FaqCategory.SESSIONS,
        "Hoeveel tijd heb ik om mijn parkeersessie te starten?",
        "Je hebt 15 minuten nadat je geparkeerd hebt om een sessie te starten of een ticket te nemen. Daarna kan de "
        "scanwagen of de parkeerwachter een parkeerretributie aanrekenen.",
        "How much time do I have to start my parking session?",
        "You have 15 minutes after parking to start a session or take a ticket. After that the scan car or a "
        "parking warden can charge a parking retribution.",
    ),
    (
        FaqCategory.RESIDENT_CARDS,
        "Wie kan een bewonerskaart krijgen en wat heb ik nodig?",
        "Inwoners met hun domicilie in een bewonerszone (R1 of R2). Met de kaart parkeer je in je eigen zone "
        "zonder tijdslimiet. De kaart geldt alleen voor de nummerplaat die erop staat.\n\n"
        "Je hebt nodig: je identiteitskaart, het inschrijvingsbewijs van het voertuig (deel I) en, voor een lease- "
        "of bedrijfswagen, een attest van vast gebruik van je werkgever of de leasemaatschappij.\n\n"
        "De kaart is digitaal: de scanwagen herkent je nummerplaat, je legt niets achter de voorruit.",
        "Who can get a resident card and what do I need?",
        "Residents whose official address is in a resident zone (R1 or R2). With the card you park in your own "
        "zone without a time limit. The card is valid only for the number plate on it.\n\n"
        "You need: your identity card, the vehicle registration certificate (part I) and, for a lease or company "
        "car, a certificate of permanent use from your employer or the lease company.\n\n"
        "The card is digital: the scan car recognises your number plate, you put nothing behind the windscreen.",
    ),
    (
        FaqCategory.RESIDENT_CARDS,
        "Wat kost een bewonerskaart en hoeveel kaarten krijgt een adres?",
        "De eerste en de tweede bewonerskaart per adres zijn gratis. Een derde kaart kost € 100 per jaar. "
        "Een adres krijgt hoogstens drie bewonerskaarten.",
        "What does a resident card cost and how many cards can an address get?",
        "The first and second resident card per address are free. A third card costs €100 per year. "
        "An address can get at most three resident cards.",
    ),
    (
        FaqCategory.DISABILITY,
        "Moet ik mijn parkeerkaart voor personen met een handicap registreren?",
        "Ja, als je gratis wilt parkeren in de betalende zones. De scanwagen ziet de kaart achter je voorruit "
        "niet, maar herkent wel een geregistreerde nummerplaat.\n\n"
        "Je registreert hoogstens 2 nummerplaten, elk met een aparte aanvraag. Een registratie geldt 3 jaar, "
        "maar nooit langer dan de vervaldatum van je kaart. Wij bewaren alleen het kaartnummer en de vervaldatum.\n\n"
        "Registreren kan aan het loket: breng je identiteitskaart en je parkeerkaart mee. Kun je niet naar het "
        "loket komen, bel ons dan.",
        "Do I have to register my disability parking card?",
        "Yes, if you want to park for free in the paid zones. The scan car cannot see the card behind your "
        "windscreen, but it does recognise a registered number plate.\n\n"
        "You can register at most 2 number plates, each with a separate request. A registration is valid for "
        "3 years, but never longer than the expiry date of your card. We store only the card number and the "
        "expiry date.\n\n"
        "You can register at the counter: bring your identity card and your parking card. If you cannot come to "
        "the counter, call us.",
    ),
    (
        FaqCategory.DISABILITY,
        "Waar mag ik parkeren met een parkeerkaart voor personen met een handicap?",
        "Op de voorbehouden plaatsen met het rolstoelsymbool, met de kaart zichtbaar achter de voorruit. "
        "In de blauwe zone zonder tijdslimiet. In de betalende zones gratis en onbeperkt, als je nummerplaat "
        "geregistreerd is. Leg de kaart ook dan zichtbaar achter de voorruit.\n\n"
        "De kaart is persoonlijk: ze geldt alleen als je zelf bestuurder of passagier bent. In private parkings "
        "met een slagboom betaal je wel.",
        "Where can I park with a disability parking card?",
        "On the reserved places with the wheelchair symbol, with the card visible behind the windscreen. "
        "In the blue zone without a time limit. In the paid zones for free and without a time limit, if your "
        "number plate is registered. Keep the card visible behind the windscreen then too.\n\n"
        "The card is personal: it is valid only when you are the driver or a passenger. In private car parks "
        "with a barrier you do pay.",
    ),
    (
        FaqCategory.RETRIBUTIONS_FINES,
        "Wat is een parkeerretributie?",
        "Een retributie is geen boete, maar een vergoeding voor het gebruik van een parkeerplaats. Je krijgt een "
        "retributie van € 20 voor de hele dag als je in een betalende zone parkeert zonder geldige sessie, ticket "
        "of vergunning, of langer dan toegelaten. In de blauwe zone krijg je ze als je parkeerschijf niet "
        "zichtbaar is of als je langer blijft dan toegelaten.\n\n"
        "De brief gaat naar de houder van de nummerplaat.",
        "What is a parking retribution?",
        "A retribution is not a fine but a fee for using a parking place. You are charged a retribution of €20 "
        "for the whole day if you park in a paid zone without a valid session, ticket or permit, or longer than "
        "allowed. In the blue zone you get one if your parking disc is not visible or you stay longer than "
        "allowed.\n\n"
        "The letter goes to the holder of the number plate.",
    ),
    (
        FaqCategory.RETRIBUTIONS_FINES,
        "Ik ben het niet eens met een retributie. Hoe teken ik bezwaar aan?",
        "Dien je bezwaar schriftelijk in binnen 30 dagen na de datum van de brief en volg de instructies op de "
        "brief. Vermeld altijd het referentienummer en de nummerplaat, en voeg je bewijs toe: bijvoorbeeld je "
        "parkeerticket, de bevestiging van je sms- of app-sessie of jouw bewonerskaart.\n\n"
        "Bezwaar aantekenen per telefoon kan niet. Je krijgt een schriftelijke beslissing.",
        "I disagree with a retribution. How do I object?",
        "Send your objection in writing within 30 days of the date of the letter, following the instructions in "
        "the letter. Always mention the reference number and the number plate, and add your proof: for example "
        "your parking ticket, the confirmation of your text message or app session, or your resident card.\n\n"
        "Objections by phone are not possible. You will receive a written decision.",
    ),
    (
        FaqCategory.RETRIBUTIONS_FINES,
        "Hoeveel bedraagt een GAS-boete voor foutparkeren?",
        "De bedragen liggen vast in het koninklijk besluit van 9 maart 2014. De sanctionerend ambtenaar kan er "
        "niet van afwijken.\n\n"
        "Eerste categorie, € 58: bijvoorbeeld een parkeerverbod negeren, parkeren in een voetgangerszone, "
        "een foute parkeerschijf, of de borden C3 of F103 negeren (vastgesteld met een camera).\n"
        "Tweede categorie, € 116: bijvoorbeeld parkeren op het trottoir, op een fietspad of op een plaats voor "
        "personen met een handicap zonder parkeerkaart.\n"
        "Vierde categorie, € 330: stilstaan of parkeren op een overweg.",
        "How much is a GAS fine for a parking offence?",
        "The amounts are fixed by the Royal Decree of 9 March 2014. The sanctioning official cannot deviate "
        "from them.\n\n"
        "First category, €58: for example ignoring a no-parking sign, parking in a pedestrian zone, an incorrect "
        "parking disc, or ignoring the C3 or F103 signs (recorded by a camera).\n"
        "Second category, €116: for example parking on the pavement, on a cycle path or on a place for people "
        "with a disability without a parking card.\n"
        "Fourth category, €330: stopping or parking on a level crossing.",
    ),
    (
        FaqCategory.RETRIBUTIONS_FINES,
        "Hoe verweer ik mij tegen een GAS-boete? Kan ik gehoord worden?",
        "Stuur binnen 30 dagen na de kennisgeving een schriftelijk verweer naar de sanctionerend ambtenaar. "
        "Is de boete hoger dan € 70 (dus € 116 of € 330), dan kun je ook vragen om mondeling gehoord te worden.\n\n"
        "Was je niet de bestuurder? Als houder van de nummerplaat kun je binnen 30 dagen de werkelijke "
        "bestuurder aanduiden.\n\n"
        "Wordt je verweer verworpen, dan krijg je opnieuw 30 dagen om te betalen. Tegen de beslissing kun je "
        "binnen een maand in beroep gaan bij de politierechtbank.",
        "How do I defend myself against a GAS fine? Can I be heard?",
        "Send a written defence to the sanctioning official within 30 days of the notice. If the fine is more "
        "than €70 (so €116 or €330), you can also ask to be heard in person.\n\n"
        "Were you not the driver? As the holder of the number plate you can name the actual driver within "
        "30 days.\n\n"
        "If your defence is rejected, you get another 30 days to pay. You can appeal against the decision to "
        "the police court within one month.",
    ),
    (
        FaqCategory.PAYMENTS,
        "Hoe betaal ik een retributie of een GAS-boete?",
        "Betaal binnen 30 dagen met een overschrijving naar het rekeningnummer op de brief. Gebruik de "
        "gestructureerde mededeling van de brief (+++123/4567/89002+++), dan wordt je betaling automatisch "
        "verwerkt. Je kunt ook de QR-code op de brief scannen met je bankapp, of online betalen met Bancontact "
        "in Mijn loket.\n\n"
        "Betaal je niet op tijd, dan krijg je een herinnering. Daarna volgt een aangetekende aanmaning, met "
        "€ 20 administratiekosten.",
        "How do I pay a retribution or a GAS fine?",
        "Pay within 30 days by bank transfer to the account number on the letter. Use the structured "
        "communication from the letter (+++123/4567/89002+++), so your payment is processed automatically. You "
        "can also scan the QR code on the letter with your banking app, or pay online with Bancontact in My "
        "counter.\n\n"
        "If you do not pay in time, you receive a reminder. After that comes a registered notice, with €20 "
        "administrative costs.",
    ),
    (
        FaqCategory.PAYMENTS,
        "Kan ik in schijven betalen?",
        "Ja, je kunt een afbetalingsplan vragen. Neem contact op met het parkeerloket en vermeld het "
        "referentienummer van je brief.",
        "Can I pay in instalments?",
        "Yes, you can ask for a payment plan. Contact the parking counter and mention the reference number of "
        "your letter.",
    ),
    (
        FaqCategory.ACCOUNT,
        "Hoe maak ik een account aan op het e-loket?",
        "Maak een account aan met je e-mailadres en een wachtwoord. Je krijgt een e-mail met een link om je adres "
        "te bevestigen. Daarna vul je in Mijn loket je gegevens aan en voeg je jouw voertuigen toe.\n\n"
        "Werk je liever niet online? Aan het loket en telefonisch helpen we je ook.",
        "How do I create an account on the e-counter?",
        "Create an account with your email address and a password. You receive an email with a link to confirm "
        "your address. Then complete your details and add your vehicles in My counter.\n\n"
        "Prefer not to do this online? We can also help you at the counter and by phone.",
    ),
]

_DEMO_NOTE_NL = "Voorbeeldtekst voor de demonstratie van het e-loket; niet de officiële tekst van een stad.\n\n"
_DEMO_NOTE_EN = "Sample text for the demonstration of the e-counter; not the official text of any city.\n\n"

REGULATIONS = [
    {
        "slug": "parkeerreglement",
        "order": 1,
        "valid_from": datetime.date(2021, 3, 1),
        "title_nl": "Parkeerreglement",
        "title_en": "Parking regulation",
        "summary_nl": "Waar en wanneer je betaalt voor parkeren, het gratis eerste uur, de blauwe zone en de "
                      "bewonerskaarten en registraties voor personen met een handicap.",
        "summary_en": "Where and when you pay for parking, the free first hour, the blue zone, resident cards "
                      "and registrations for people with a disability.",
        "body_nl": _DEMO_NOTE_NL
        + "Artikel 1. Toepassingsgebied\n"
        "Dit reglement geldt voor het parkeren op de openbare weg in de betalende zones C1 en C2, de blauwe zone B1 "
        "en de bewonerszones R1 en R2.\n\n"
        "Artikel 2. Betalend parkeren\n"
        "In de betalende zones is parkeren betalend van maandag tot zaterdag van 9 tot 18 uur, behalve op "
        "wettelijke feestdagen. Het tarief bedraagt € 1 per half uur in zone C1 en € 0,50 per half uur in zone C2. "
        "De bestuurder start een parkeersessie aan de parkeerautomaat, per sms of met een parkeerapp, binnen "
        "15 minuten nadat hij geparkeerd heeft.\n\n"
        "Artikel 3. Gratis eerste uur\n"
        "Eén keer per dag per zone is het eerste uur gratis, op voorwaarde dat het geregistreerd wordt.\n\n"
        "Artikel 4. Blauwe zone\n"
        "In de blauwe zone en voor bezoekers in de bewonerszones parkeer je gratis met de parkeerschijf, "
        "maximaal twee uur.\n\n"
        "Artikel 5. Bewonerskaarten\n"
        "Inwoners met domicilie in een bewonerszone krijgen op aanvraag een digitale bewonerskaart voor één "
        "nummerplaat. De eerste en tweede kaart per adres zijn gratis, de derde kost € 100 per jaar. Een adres "
        "krijgt hoogstens drie kaarten.\n\n"
        "Artikel 6. Personen met een handicap\n"
        "Houders van een parkeerkaart voor personen met een handicap parkeren gratis en onbeperkt in de betalende "
        "zones als hun nummerplaat geregistreerd is. Per kaart worden hoogstens twee nummerplaten geregistreerd, "
        "voor drie jaar en nooit langer dan de geldigheid van de kaart.",
        "body_en": _DEMO_NOTE_EN
        + "Article 1. Scope\n"
        "This regulation applies to parking on the public road in the paid zones C1 and C2, the blue zone B1 and "
        "the resident zones R1 and R2.\n\n"
        "Article 2. Paid parking\n"
        "In the paid zones parking is charged from Monday to Saturday, 9 am to 6 pm, except on public holidays. "
        "The tariff is €1 per half hour in zone C1 and €0.50 per half hour in zone C2. The driver starts a parking "
        "session at the parking meter, by text message or with a parking app, within 15 minutes of parking.\n\n"
        "Article 3. Free first hour\n"
        "Once per zone per day the first hour is free, provided it is registered.\n\n"
        "Article 4. Blue zone\n"
        "In the blue zone, and for visitors in the resident zones, you park for free with the parking disc, for "
        "at most two hours.\n\n"
        "Article 5. Resident cards\n"
        "Residents whose official address is in a resident zone receive, on request, a digital resident card for "
        "one number plate. The first and second card per address are free, the third costs €100 per year. An "
        "address receives at most three cards.\n\n"
        "Article 6. People with a disability\n"
        "Holders of a disability parking card park for free and without a time limit in the paid zones if their "
        "number plate is registered. At most two number plates are registered per card, for three years and never "
        "longer than the card is valid.",
    },
    {
        "slug": "retributiereglement",
        "order": 2,
        "valid_from": datetime.date(2021, 3, 1),
        "title_nl": "Retributiereglement op het parkeren",
        "title_en": "Parking retribution regulation",
        "summary_nl": "Wanneer je een parkeerretributie van € 20 per dag verschuldigd bent, hoe je betaalt en hoe "
                      "je bezwaar aantekent.",
        "summary_en": "When you owe a parking retribution of €20 per day, how to pay and how to object.",
        "body_nl": _DEMO_NOTE_NL
        + "Artikel 1. Retributie\n"
        "Wie in een betalende zone parkeert zonder geldige parkeersessie, ticket of vergunning, of langer dan "
        "toegelaten, is een forfaitaire retributie van € 20 per dag verschuldigd. Hetzelfde geldt in de blauwe zone "
        "als de parkeerschijf niet zichtbaar is of de toegelaten parkeertijd overschreden wordt.\n\n"
        "Artikel 2. Schuldenaar\n"
        "De retributie is verschuldigd door de houder van de nummerplaat.\n\n"
        "Artikel 3. Betaling\n"
        "De retributie wordt betaald binnen 30 dagen na de verzending van de uitnodiging tot betaling, met "
        "overschrijving en de vermelde gestructureerde mededeling, of online.\n\n"
        "Artikel 4. Herinnering en aanmaning\n"
        "Wie niet betaalt binnen de termijn, krijgt een herinnering met een nieuwe termijn van 30 dagen. Daarna "
        "volgt een aangetekende aanmaning; daarvoor wordt € 20 administratiekosten aangerekend.\n\n"
        "Artikel 5. Bezwaar\n"
        "Bezwaar wordt schriftelijk ingediend binnen 30 dagen na de datum van de uitnodiging tot betaling, met "
        "vermelding van het referentienummer en de nummerplaat. Zolang een bezwaar behandeld wordt, wordt geen "
        "dwangbevel uitgevaardigd.",
        "body_en": _DEMO_NOTE_EN
        + "Article 1. Retribution\n"
        "Anyone who parks in a paid zone without a valid parking session, ticket or permit, or longer than "
        "allowed, owes a fixed retribution of €20 per day. The same applies in the blue zone if the parking disc "
        "is not visible or the allowed parking time is exceeded.\n\n"
        "Article 2. Debtor\n"
        "The retribution is owed by the holder of the number plate.\n\n"
        "Article 3. Payment\n"
        "The retribution is paid within 30 days of sending the invitation to pay, by bank transfer with the "
        "structured communication given, or online.\n\n"
        "Article 4. Reminder and formal notice\n"
        "Anyone who does not pay in time receives a reminder with a new term of 30 days. After that comes a "
        "registered formal notice, for which €20 administrative costs are charged.\n\n"
        "Article 5. Objection\n"
        "An objection is made in writing within 30 days of the date of the invitation to pay, quoting the "
        "reference number and the number plate. While an objection is being handled, no enforcement order "
        "(dwangbevel) is issued.",
    },
    {
        "slug": "gas-reglement",
        "order": 3,
        "valid_from": datetime.date(2014, 7, 1),
        "title_nl": "GAS-reglement stilstaan en parkeren (GAS 4 en GAS 5)",
        "title_en": "GAS regulation on stopping and parking (GAS 4 and GAS 5)",
        "summary_nl": "Gemeentelijke administratieve sancties voor overtredingen van stilstaan en parkeren, de "
                      "borden C3 en F103, en lichte snelheidsovertredingen.",
        "summary_en": "Municipal administrative sanctions for stopping and parking offences, the C3 and F103 signs, "
                      "and light speeding offences.",
        "body_nl": _DEMO_NOTE_NL
        + "Artikel 1. Grondslag\n"
        "Dit reglement is gebaseerd op de wet van 24 juni 2013 betreffende de gemeentelijke administratieve "
        "sancties, het koninklijk besluit van 9 maart 2014 en, voor lichte snelheidsovertredingen, artikel "
        "29quater van de wet betreffende de politie over het wegverkeer.\n\n"
        "Artikel 2. Bedragen GAS 4\n"
        "Overtredingen van de eerste categorie worden bestraft met € 58, van de tweede categorie met € 116 en van "
        "de vierde categorie met € 330. De sanctionerend ambtenaar kan niet van deze bedragen afwijken.\n\n"
        "Artikel 3. Kennisgeving\n"
        "De sanctionerend ambtenaar brengt de overtreder met een gewone brief op de hoogte en nodigt hem uit om "
        "binnen 30 dagen te betalen.\n\n"
        "Artikel 4. Verweer en hoorzitting\n"
        "De overtreder kan binnen 30 dagen na de kennisgeving schriftelijk verweer indienen. Bedraagt de boete "
        "meer dan € 70, dan kan hij vragen om mondeling gehoord te worden. De houder van de nummerplaat die niet "
        "de bestuurder was, kan binnen 30 dagen de bestuurder aanduiden.\n\n"
        "Artikel 5. Beroep\n"
        "Tegen de beslissing van de sanctionerend ambtenaar kan binnen een maand na de kennisgeving beroep worden "
        "ingesteld bij de politierechtbank.",
        "body_en": _DEMO_NOTE_EN
        + "Article 1. Legal basis\n"
        "This regulation is based on the law of 24 June 2013 on municipal administrative sanctions, the Royal "
        "Decree of 9 March 2014 and, for light speeding offences, article 29quater of the Road Traffic Act.\n\n"
        "Article 2. GAS 4 amounts\n"
        "First category offences are fined €58, second category €116 and fourth category €330. The sanctioning "
        "official cannot deviate from these amounts.\n\n"
        "Article 3. Notice\n"
        "The sanctioning official informs the offender by ordinary letter and invites them to pay within "
        "30 days.\n\n"
        "Article 4. Defence and hearing\n"
        "The offender can submit a written defence within 30 days of the notice. If the fine is more than €70, "
        "they can ask to be heard in person. The holder of the number plate who was not the driver can name the "
        "driver within 30 days.\n\n"
        "Article 5. Appeal\n"
        "An appeal against the decision of the sanctioning official can be lodged with the police court within "
        "one month of its notification.",
    },
]


def _upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, bool]:
    """The row matching `lookup`, created or brought up to date; validated, and saved only when it changed."""
    row = model.objects.filter(**lookup).first()
    if row is not None and all(getattr(row, field) == value for field, value in values.items()):
        return row, False
    row = row or model(**lookup)
    for field, value in values.items():
        setattr(row, field, value)
    row.full_clean()
    row.save()
    return row, True


def seed_content() -> dict[str, int]:
    """Seed the demo FAQ and regulations; returns how many rows were created or changed."""
    changed = {"faq": 0, "regulations": 0}
    for order, (category, question_nl, answer_nl, question_en, answer_en) in enumerate(FAQ, start=1):
        _row, saved = _upsert(FaqItem, {"question_nl": question_nl}, {
            "category": category, "answer_nl": answer_nl, "question_en": question_en, "answer_en": answer_en,
            "order": order * 10, "published": True,
        })
        changed["faq"] += saved
    for data in REGULATIONS:
        values = {key: value for key, value in data.items() if key != "slug"}
        _row, saved = _upsert(Regulation, {"slug": data["slug"]}, {**values, "published": True})
        changed["regulations"] += saved
    return changed
