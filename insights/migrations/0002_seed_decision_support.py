"""The decision-support questionnaire as every city starts with it: questions, answers and legal consequences from the
domain facts (../shared/domain.md), each consequence with its source. A data migration, so a fresh installation has it
without the demo seed; the city administrator edits it in the admin afterwards. Rows are found by their codes, so
running it on a database that has them changes nothing.
"""

from django.db import migrations

# (code, position, multiple, shown when (question code, option code) or None, text nl, text en, help nl, help en,
#  [(option code, label nl, label en, figures)])
QUESTIONS = [
    ("organisation", 10, False, None,
     "Hoe organiseert de stad de parkeerhandhaving?", "How will the city organise parking enforcement?",
     "Wie controleert en int: de stad zelf, een autonoom gemeentebedrijf, een private concessiehouder of een "
     "intergemeentelijk samenwerkingsverband.",
     "Who checks and collects: the city itself, an autonomous municipal company, a private concessionaire or an "
     "intermunicipal partnership.",
     [("in_house", "Zelf, met personeel van de stad", "In-house, with the city's own staff", "checks_per_day,compliance"),
      ("agb", "Een autonoom gemeentebedrijf (AGB)", "An autonomous municipal company (AGB)", "revenue,sessions"),
      ("concession", "Een concessie aan een private parkeeroperator", "A concession to a private parking operator",
       "revenue,retribution_payment_rate"),
      ("intermunicipal", "Een intergemeentelijk samenwerkingsverband", "An intermunicipal partnership",
       "checks_per_day,gas_fines")]),
    ("levy", 20, False, None,
     "Hoe vraagt de stad een vergoeding voor het parkeren?", "How does the city charge for parking?",
     "Ongeveer de helft van de Vlaamse gemeenten met gereglementeerd parkeren kiest een retributie, de andere helft "
     "een belasting.",
     "About half of the Flemish municipalities with regulated parking choose a retribution, the other half a tax.",
     [("retribution", "Een parkeerretributie (een vergoeding voor een dienst)", "A parking retribution (a fee for a "
       "service)", "retributions,retribution_payment_rate,retribution_objection_rate,retribution_days_to_pay"),
      ("tax", "Een parkeerbelasting", "A parking tax", "retributions")]),
    ("technology", 30, True, None,
     "Met welke technologie controleert de stad geparkeerde wagens?",
     "With which technology does the city check parked cars?",
     "Meerdere antwoorden zijn mogelijk.", "Several answers are possible.",
     [("scan_car", "Scanwagens die nummerplaten lezen", "Scan cars that read number plates", "checks_per_day,compliance"),
      ("handhelds", "Parkeerwachters met handtoestellen", "Wardens with handhelds", "checks_per_day,compliance")]),
    ("channels", 40, True, None,
     "Hoe kunnen bestuurders een parkeersessie starten?", "How can drivers start a parking session?",
     "Meerdere antwoorden zijn mogelijk.", "Several answers are possible.",
     [("web", "Op de website van de stad", "On the city's website", "web_share"),
      ("sms", "Per sms (zoals 4411)", "By SMS (such as 4411)", "sms_share"),
      ("apps", "In parkeerapps van private aanbieders", "In parking apps of private providers", "app_share")]),
    ("gas", 50, False, None,
     "Beboet de stad ook met GAS (parkeren, C3/F103 of lichte snelheidsovertredingen)?",
     "Does the city also fine under GAS (parking, C3/F103 or light speeding)?",
     "Gemeentelijke administratieve sancties: GAS 4 voor stilstaan en parkeren en voor C3/F103 met camera's, GAS 5 "
     "voor lichte snelheidsovertredingen.",
     "Municipal administrative sanctions: GAS 4 for stopping and parking and for C3/F103 with cameras, GAS 5 for light "
     "speeding.",
     [("yes", "Ja", "Yes", "gas_fines,gas_payment_rate"),
      ("no", "Nee, alleen retributies", "No, only retributions", "retributions")]),
    ("gas_procedures", 60, True, ("gas", "yes"),
     "Welke GAS-procedures gebruikt de stad?", "Which GAS procedures will the city use?",
     "Meerdere antwoorden zijn mogelijk.", "Several answers are possible.",
     [("gas4_parking", "GAS 4 voor stilstaan en parkeren", "GAS 4 for stopping and parking", "gas4_fines"),
      ("gas4_cameras", "GAS 4 voor C3/F103 met automatische camera's", "GAS 4 for C3/F103 with automatic cameras",
       "gas4_fines"),
      ("gas5", "GAS 5 voor lichte snelheidsovertredingen met camera's", "GAS 5 for light speeding with cameras",
       "gas5_fines")]),
    ("sanctioning_official", 70, False, ("gas", "yes"),
     "Wie is de sanctionerend ambtenaar?", "Who is the sanctioning official?", "", "",
     [("own_official", "Een sanctionerend ambtenaar van de stad zelf", "A sanctioning official of the city itself",
       "objection_days,objection_acceptance"),
      ("intermunicipal_official", "Een intergemeentelijke sanctionerend ambtenaar",
       "An intermunicipal sanctioning official", "objection_days,gas_fines")]),
]

DIV_DECREE_NL = ("Het decreet van 9 juli 2010 laat de Vlaamse Regering, de steden, hun concessiehouders en autonome "
                 "gemeentebedrijven bij de DIV de identiteit van de nummerplaathouder opvragen voor retributies. Toegang "
                 "tot de DIV gaat via een overeenkomst met de FOD Mobiliteit.")
DIV_DECREE_EN = ("The decree of 9 July 2010 lets the Flemish Government, cities, their concessionaires and autonomous "
                 "municipal agencies ask DIV for the plate holder's identity for retributions. Access to DIV goes through "
                 "an agreement with the FPS Mobility.")
DIV_DECREE_SOURCE = ("Decreet 9 juli 2010 (knw.vvsg.be, 'opvragen kentekengegevens bij DIV'; publius.be, 28 juli 2010); "
                     "mobilit.belgium.be (gegevensuitwisseling)")
PLATE_DATA_NL = ("Een nummerplaat is een persoonsgegeven. Bewaar scans van wagens die in orde zijn kort (uren tot dagen) "
                 "en bewijs tot 5 jaar na het afsluiten van het dossier, zoals Edegem.")
PLATE_DATA_EN = ("A number plate is personal data. Keep scans of compliant cars briefly (hours to days) and evidence up "
                 "to 5 years after the case is closed, as Edegem does.")
PLATE_DATA_SOURCE = "antwerpen.be (privacyverklaring bestuurlijke handhaving); edegem.be (privacyverklaring ANPR)"

# (code, kind, position, [(question code, option code) that must all be chosen], title nl, title en, text nl, text en,
#  source)
CONSEQUENCES = [
    ("concession_tax", "conflict", 10, [("organisation", "concession"), ("levy", "tax")],
     "Een concessiehouder kan geen parkeerbelasting heffen", "A concessionaire cannot levy a parking tax",
     "Een parkeerbelasting moet door gemeentepersoneel gevestigd worden; een private concessiehouder kan alleen een "
     "retributie innen. Kies een retributie, of houd de heffing bij de stad.",
     "A parking tax must be established by municipal staff; a private concessionaire can only collect a retribution. "
     "Choose a retribution, or keep the levy with the city.",
     "knw.vvsg.be (kennisitem 'parkeerheffing', VVSG)"),
    ("retribution_nature", "requirement", 20, [("levy", "retribution")],
     "Een retributie is een vergoeding, geen boete", "A retribution is a fee, not a fine",
     "Een parkeerretributie is een vergoeding voor een dienst: het gebruik van de openbare ruimte om te parkeren. "
     "Tijdsbeperkt, betalend en bewonersparkeren zijn gedecriminaliseerd. Rechtsgrond: het decreet van 16 mei 2008 "
     "(aanvullende reglementen) en het decreet van 9 juli 2010.",
     "A parking retribution is a fee for a service: using public space to park. Time-limited, paid and resident parking "
     "are decriminalised. Legal basis: the decree of 16 May 2008 (additional regulations) and the decree of 9 July "
     "2010.",
     "Wegverkeerswet art. 29 §2; knw.vvsg.be (parkeerheffing); caluwe.be"),
    ("retribution_place", "requirement", 30, [("levy", "retribution")],
     "Geen retributie waar het voertuig niet mag parkeren", "No retribution where the vehicle may not park",
     "Op een plaats waar dat voertuig niet mag parkeren kan geen retributie gevraagd worden: dat is een zaak voor GAS "
     "of een proces-verbaal.",
     "No retribution can be charged on a place where that vehicle may not park: that is a matter for GAS or a police "
     "report.",
     "Cass. 16 februari 2012, C.10.0309.N (elfri.be)"),
    ("retribution_collection", "requirement", 40, [("levy", "retribution")],
     "Invordering met een dwangbevel, alleen voor onbetwiste schulden",
     "Collection by a dwangbevel, only for undisputed claims",
     "De financieel directeur kan een dwangbevel uitvaardigen voor onbetwiste en opeisbare niet-fiscale schulden, na een "
     "aangetekende aanmaning. Het college viseert het dwangbevel, een gerechtsdeurwaarder betekent het. Een betwiste "
     "retributie gaat naar de vrederechter.",
     "The financial director may issue a dwangbevel for undisputed and due non-fiscal claims, after a registered "
     "reminder. The college endorses it and a bailiff serves it. A disputed retribution goes to the justice of the "
     "peace.",
     "Decreet over het Lokaal Bestuur art. 177, 2° (lokaalbestuur.vlaanderen.be, FAQ)"),
    ("tax_staff", "requirement", 50, [("levy", "tax")],
     "Een belasting wordt door gemeentepersoneel gevestigd", "A tax is established by municipal staff",
     "Een parkeerbelasting moet door personeel van de gemeente gevestigd worden, niet door een private partner.",
     "A parking tax must be established by the municipality's own staff, not by a private partner.",
     "knw.vvsg.be (kennisitem 'parkeerheffing', VVSG)"),
    ("tax_procedure", "information", 60, [("levy", "tax")],
     "Een belasting volgt de procedure van een aanslag", "A tax follows the procedure of a tax assessment",
     "De bestuurder krijgt een aanslagbiljet met twee maanden om te betalen; bezwaar gaat naar het college (zoals in "
     "Hoeilaart).",
     "The driver receives a tax assessment with two months to pay; an objection goes to the college (as in Hoeilaart).",
     "hoeilaart.be"),
    ("div_concession", "requirement", 70, [("organisation", "concession"), ("levy", "retribution")],
     "De concessiehouder mag de nummerplaathouder opvragen", "The concessionaire may ask for the plate holder",
     DIV_DECREE_NL, DIV_DECREE_EN, DIV_DECREE_SOURCE),
    ("div_agb", "requirement", 80, [("organisation", "agb"), ("levy", "retribution")],
     "Het autonoom gemeentebedrijf mag de nummerplaathouder opvragen",
     "The autonomous municipal company may ask for the plate holder",
     DIV_DECREE_NL, DIV_DECREE_EN, DIV_DECREE_SOURCE),
    ("div_intermunicipal", "information", 90, [("organisation", "intermunicipal"), ("levy", "retribution")],
     "Ga na hoe het samenwerkingsverband de nummerplaathouder mag opvragen",
     "Check how the partnership may ask for the plate holder",
     "Het decreet van 9 juli 2010 noemt de steden, hun concessiehouders en autonome gemeentebedrijven; een "
     "intergemeentelijk samenwerkingsverband wordt er niet bij naam genoemd.",
     "The decree of 9 July 2010 names cities, their concessionaires and autonomous municipal agencies; an "
     "intermunicipal partnership is not named.",
     DIV_DECREE_SOURCE),
    ("controller", "information", 100, [("organisation", "concession")],
     "De stad blijft verwerkingsverantwoordelijke", "The city remains the controller",
     "Een nummerplaat is een persoonsgegeven. De stad is verwerkingsverantwoordelijke, wie voor haar gegevens verwerkt "
     "is verwerker, en de stad duidt een functionaris voor gegevensbescherming aan.",
     "A number plate is personal data. The city is the controller, whoever processes data for it is a processor, and "
     "the city names a data protection officer.",
     "antwerpen.be (privacyverklaring bestuurlijke handhaving; scanwagen)"),
    ("gas_protocol", "requirement", 110, [("gas", "yes")],
     "Een protocolakkoord met de procureur des Konings", "A protocol agreement with the public prosecutor",
     "De gemeente sluit een protocolakkoord met de procureur des Konings, naar het model van het KB van 21 december "
     "2013 (GAS-wet art. 23).",
     "The municipality makes a protocol agreement with the public prosecutor (procureur des Konings), on the model of "
     "the Royal Decree of 21 December 2013 (GAS law art. 23).",
     "GAS-wet art. 23; KB 21 december 2013; publicaties.middelkerke.be; grobbendonk.be/gas-4"),
    ("gas_div", "requirement", 120, [("gas", "yes")],
     "DIV-toegang voor GAS: machtiging, veiligheidsconsulent en veiligheidsplan",
     "DIV access for GAS: authorisation, security consultant and security plan",
     "Op 28 mei 2015 keurde de Privacycommissie een globale machtiging goed die de VVSG voor alle gemeenten vroeg. "
     "Elke gemeente vraagt nog individueel toegang en heeft een veiligheidsconsulent en een veiligheidsplan nodig.",
     "On 28 May 2015 the Privacy Commission approved a global authorisation the VVSG asked for all municipalities. "
     "Each municipality still applies itself and needs a security consultant and a security plan.",
     "vlofin.be (3 juni 2015)"),
    ("gas_liable", "requirement", 130, [("gas", "yes")],
     "Alleen meerderjarige natuurlijke personen en rechtspersonen", "Only adult natural persons and legal persons",
     "GAS 4 en GAS 5 gelden alleen voor meerderjarige natuurlijke personen en rechtspersonen. De houder van de "
     "nummerplaat wordt aangeschreven en kan binnen 30 dagen de bestuurder aanwijzen.",
     "GAS 4 and GAS 5 apply only to adult natural persons and legal persons. The plate holder receives the notice and "
     "can name the driver within 30 days.",
     "KB 9 maart 2014 (deplalaw.be); olen.be/gas-5; GwH 16/2017 (dillenadvocaten.be)"),
    ("gas_procedure", "requirement", 140, [("gas", "yes")],
     "De GAS-procedure", "The GAS procedure",
     "De kennisgeving is een gewone brief met 30 dagen om te betalen; binnen dezelfde termijn kan de overtreder zich "
     "schriftelijk verweren, mondeling alleen boven € 70. Beroep bij de politierechtbank binnen een maand na de "
     "beslissing.",
     "The notice is an ordinary letter with 30 days to pay; within the same term the offender can defend in writing, "
     "orally only above € 70. Appeal to the police court within a month of the decision.",
     "turnhout.be/stilstaan-en-parkeren; grobbendonk.be/gas-4; poperinge.be/gas-verkeer"),
    ("gas4_amounts", "requirement", 150, [("gas_procedures", "gas4_parking")],
     "Vaste bedragen voor GAS 4", "Fixed amounts for GAS 4",
     "Het KB van 9 maart 2014 legt de bedragen vast: categorie 1 € 58, categorie 2 € 116, categorie 4 € 330. De "
     "sanctionerend ambtenaar kan er niet van afwijken.",
     "The Royal Decree of 9 March 2014 fixes the amounts: category 1 € 58, category 2 € 116, category 4 € 330. The "
     "sanctioning official cannot deviate from them.",
     "KB 9 maart 2014; haviland.be/nl/gas-4; news.belgium.be"),
    ("gas4_cameras", "requirement", 160, [("gas_procedures", "gas4_cameras")],
     "C3 en F103 met camera's vallen onder GAS 4", "C3 and F103 by camera fall under GAS 4",
     "Het negeren van de borden C3 en F103, vastgesteld met automatisch werkende camera's, is GAS 4 categorie 1 "
     "(€ 58). In Gent controleert een GAS-ambtenaar de gelezen nummerplaat voor de boete vertrekt.",
     "Ignoring the C3 and F103 signs, recorded by automatic cameras, is GAS 4 category 1 (€ 58). In Ghent a GAS "
     "official checks the plate reading before the fine is sent.",
     "KB 9 maart 2014; haviland.be/nl/gas-4; stad.gent (autovrij gebied)"),
    ("camera_retention", "information", 170, [("gas_procedures", "gas4_cameras")],
     "Bewaartermijn van camerabeelden", "How long camera images are kept",
     "Edegem bewaart ANPR-beelden voor C3 hoogstens 14 dagen, of 5 jaar na het afsluiten van het dossier wanneer ze "
     "als bewijs dienen.",
     "Edegem keeps C3 ANPR images at most 14 days, or 5 years after the case closes when they serve as evidence.",
     "edegem.be (privacyverklaring ANPR)"),
    ("gas5_conditions", "requirement", 180, [("gas_procedures", "gas5")],
     "Vijf voorwaarden voor GAS 5", "Five conditions for GAS 5",
     "GAS 5 kan alleen als de snelheidslimiet 30 of 50 km/u is; de overschrijding na de tolerantie van 6 km/u "
     "hoogstens 20 km/u is; een automatisch werkend toestel de overtreding vaststelt dat volledig door het lokaal "
     "bestuur gefinancierd is; de overtreder een meerderjarige natuurlijke persoon of een rechtspersoon is; en er geen "
     "andere overtreding tegelijk is. Anders volgt het strafrechtelijke spoor. Mogelijk sinds 1 februari 2021.",
     "GAS 5 is only possible when the limit is 30 or 50 km/h; the excess after the 6 km/h tolerance is at most 20 km/h; "
     "the offence is recorded by an automatic device fully financed by the local authority; the offender is an adult "
     "natural person or a legal person; and there is no other offence at the same time. Otherwise the criminal track "
     "follows. Possible since 1 February 2021.",
     "Wegverkeerswet art. 29quater; tremelo.be/product/3222; aalter.be/gas-5"),
    ("gas5_terms", "requirement", 190, [("gas_procedures", "gas5")],
     "Termijnen van GAS 5", "Terms of GAS 5",
     "De politie bezorgt het proces-verbaal binnen 14 dagen aan de sanctionerend ambtenaar; die stuurt het binnen 14 "
     "dagen na ontvangst naar de overtreder.",
     "The police send the report to the sanctioning official within 14 days; the official sends it to the offender "
     "within 14 days of receiving it.",
     "olen.be/gas-5"),
    ("intermunicipal_official", "information", 200, [("sanctioning_official", "intermunicipal_official")],
     "Veel steden werken met een intergemeentelijke sanctionerend ambtenaar",
     "Many cities work with an intermunicipal sanctioning official",
     "Zo behandelen Haviland, IGEAN of Stad Ieper de GAS-boetes voor andere gemeenten.",
     "Haviland, IGEAN or the City of Ieper, for example, handle GAS fines for other municipalities.",
     "haviland.be/nl/gas-4; mortsel.be/parkeerboete; poperinge.be/gas-verkeer"),
    ("scan_car_capacity", "information", 210, [("technology", "scan_car")],
     "Een scanwagen controleert veel wagens per uur", "A scan car checks many cars an hour",
     "De Antwerpse scanwagen leest met meerdere ANPR-camera's (840 beelden per seconde) ongeveer 1.000 nummerplaten per "
     "uur en controleert betaald parkeren en parkeerrechten zoals bewonerskaarten.",
     "Antwerp's scan car reads about 1,000 plates an hour with several ANPR cameras (840 images per second) and checks "
     "paid parking and parking rights such as resident cards.",
     "atv.be; hln.be (4 maart 2020)"),
    ("scan_car_disability", "requirement", 220, [("technology", "scan_car")],
     "Een scanwagen ziet geen parkeerkaart voor personen met een handicap",
     "A scan car does not see a disability parking card",
     "Houders van een parkeerkaart moeten hun kaart met hun nummerplaat kunnen registreren, ook telefonisch en aan het "
     "loket, niet alleen digitaal.",
     "Card holders must be able to register their card with their plate, also by phone and at the counter, not only "
     "online.",
     "NHRPH advies 2022/19 en 2024/03"),
    ("scan_car_data", "requirement", 230, [("technology", "scan_car")],
     "Nummerplaten zijn persoonsgegevens", "Number plates are personal data",
     PLATE_DATA_NL, PLATE_DATA_EN, PLATE_DATA_SOURCE),
    ("handheld_data", "requirement", 240, [("technology", "handhelds")],
     "Nummerplaten zijn persoonsgegevens", "Number plates are personal data",
     PLATE_DATA_NL, PLATE_DATA_EN, PLATE_DATA_SOURCE),
    ("handheld_gas_report", "information", 250, [("technology", "handhelds"), ("gas", "yes")],
     "Wie een GAS-overtreding vaststelt", "Who records a GAS offence",
     "Een politieambtenaar (proces-verbaal) of een bevoegde gemeenschapswacht of gemeentelijk vaststeller (bestuurlijk "
     "verslag) stelt de overtreding vast.",
     "A police officer (police report) or an authorised community warden or municipal agent (administrative report) "
     "records the offence.",
     "poperinge.be; diepenbeek.be; temse.be"),
    ("apps_contracts", "information", 260, [("channels", "apps")],
     "De stad sluit zelf contracten met de app-aanbieders", "The city contracts the app providers itself",
     "In België sluit elke stad zelf contracten met de aanbieders van mobiel parkeren (Gent: vier, vanaf 2020 acht "
     "aanbieders). Aanbieders bepalen hun eigen kosten, meestal € 0,25 tot € 0,30 per sessie.",
     "In Belgium each city contracts the mobile-parking providers itself (Ghent: four, from 2020 eight providers). "
     "Providers set their own fees, usually € 0.25 to € 0.30 per session.",
     "standaard.be (31 mei 2017); hln.be (14 oktober 2019)"),
    ("sms_4411", "information", 270, [("channels", "sms")],
     "Sms-parkeren zoals 4411", "SMS parking such as 4411",
     "Starten met een sms '<zonecode> <nummerplaat>' naar 4411, stoppen met 'Q'. De bestuurder betaalt € 0,15 per "
     "verzonden of ontvangen sms; alleen Belgische gsm-nummers.",
     "Start with a text '<zone code> <plate>' to 4411, stop with 'Q'. The driver pays € 0.15 per text sent or "
     "received; Belgian mobile numbers only.",
     "evere.brussels; 4411.be (FAQ)"),
]


def seed(apps, schema_editor):
    Question = apps.get_model("insights", "Question")
    Option = apps.get_model("insights", "Option")
    Consequence = apps.get_model("insights", "Consequence")
    options = {}
    for code, position, multiple, shown_when, text_nl, text_en, help_nl, help_en, choices in QUESTIONS:
        question, question_created = Question.objects.get_or_create(code=code, defaults={
            "position": position, "multiple": multiple, "text_nl": text_nl, "text_en": text_en, "help_nl": help_nl,
            "help_en": help_en})
        for index, (option_code, label_nl, label_en, figures) in enumerate(choices, start=1):
            options[(code, option_code)], _created = Option.objects.get_or_create(
                question=question, code=option_code, defaults={"position": index * 10, "label_nl": label_nl,
                                                               "label_en": label_en, "figures": figures})
        if shown_when and question_created:
            question.shown_when.add(options[shown_when])
    for code, kind, position, when_all, title_nl, title_en, text_nl, text_en, source in CONSEQUENCES:
        consequence, created = Consequence.objects.get_or_create(code=code, defaults={
            "kind": kind, "position": position, "title_nl": title_nl, "title_en": title_en, "text_nl": text_nl,
            "text_en": text_en, "source": source})
        if created:
            consequence.when_all.set([options[key] for key in when_all])


def unseed(apps, schema_editor):
    apps.get_model("insights", "Consequence").objects.filter(code__in=[row[0] for row in CONSEQUENCES]).delete()
    apps.get_model("insights", "Question").objects.filter(code__in=[row[0] for row in QUESTIONS]).delete()


class Migration(migrations.Migration):

    dependencies = [("insights", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
