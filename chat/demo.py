"""Demo data for the chat: a few topics, office hours on weekdays (with a lunch break, Wednesday afternoon closed) and
saved answers. Seeding again adds nothing; a city edits all of it in the admin."""

import datetime

from .models import OfficeHours, SavedAnswer, Topic

TOPICS = [
    (10, "Bewonerskaart of andere vergunning", "Resident card or other permit"),
    (20, "Retributie of GAS-boete", "Parking retribution or GAS fine"),
    (30, "Parkeren en betalen", "Parking and paying"),
    (90, "Andere vraag", "Another question"),
]

MORNING = (datetime.time(9, 0), datetime.time(12, 0))
AFTERNOON = (datetime.time(13, 0), datetime.time(16, 0))
# Monday to Friday mornings; afternoons except Wednesday.
HOURS = [(day, *MORNING) for day in range(5)] + [(day, *AFTERNOON) for day in (0, 1, 3, 4)]

SAVED_ANSWERS = [
    (10, "Welkom", "Goeiedag, u spreekt met de parkeerdienst. Waarmee kan ik u helpen?"),
    (20, "Bewijsstukken", "U kunt een foto of PDF van uw bewijsstuk hier in het gesprek toevoegen met de knop "
                          "'Voeg een foto of PDF toe'. Wij bekijken het meteen."),
    (30, "Bezwaar indienen", "Bezwaar tegen een retributie of verweer tegen een GAS-boete dient u online in: zoek de "
                             "boete op met het nummer en de nummerplaat op de brief, en kies 'Bezwaar indienen'."),
    (90, "Afsluiten", "Bedankt voor uw vraag. Kan ik u nog met iets anders helpen? Anders sluit ik het gesprek af."),
]


def seed_chat() -> None:
    for order, name_nl, name_en in TOPICS:
        Topic.objects.get_or_create(name_nl=name_nl, defaults={"name_en": name_en, "order": order})
    if not OfficeHours.objects.exists():
        OfficeHours.objects.bulk_create([OfficeHours(weekday=day, opens=opens, closes=closes)
                                         for day, opens, closes in HOURS])
    for order, title, body in SAVED_ANSWERS:
        SavedAnswer.objects.get_or_create(title=title, defaults={"body": body, "order": order})
