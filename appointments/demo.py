"""Demo data for appointments: the city hall's parking counter with two desks, weekday hours with a lunch break and a
late Thursday, four topics, the Christmas closure, and two appointments of the demo citizen Alice.

Idempotent like the city's seed: rows are found by their natural key and brought up to date, and Alice gets her
appointments only once.
"""

import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from eloket.city.demo import upsert
from eloket.city.models import Weekday

from . import booking, slots
from .models import Appointment, Channel, Counter, Location, OpeningHours, Question, SpecialDay, Topic
from .questions import stored

LOCATION = {"name_nl": "Stadhuis – parkeerloket", "name_en": "City hall – parking counter"}
HOURS_FROM = datetime.date(2025, 1, 1)
MORNING = (datetime.time(9), datetime.time(12, 30))
AFTERNOON = (datetime.time(13, 30), datetime.time(16))
LATE_THURSDAY = (datetime.time(13, 30), datetime.time(19))
CLOSURE_YEARS = (2026, 2027)

# name_nl: (name_en, minutes, citizens at once, links to, order, what to bring nl, en)
TOPICS = {
    "Bewonerskaart": ("Resident card", 20, 2, Topic.Link.PERMIT, 1,
                      "Breng je identiteitskaart en het inschrijvingsbewijs van je voertuig mee.",
                      "Bring your identity card and your vehicle's registration certificate."),
    "Registratie gehandicaptenkaart": ("Disability card registration", 30, 1, Topic.Link.PERMIT, 2,
                                       "Breng je parkeerkaart voor personen met een handicap en je identiteitskaart mee.",
                                       "Bring your disability parking card and your identity card."),
    "Retributie of GAS-boete": ("Retribution or GAS fine", 15, 2, Topic.Link.CASE, 3,
                                "Breng de brief met het nummer van de kennisgeving mee.",
                                "Bring the letter with the notice number."),
    "Andere vraag": ("Another question", 15, 1, Topic.Link.NONE, 4, "", ""),
}
# name_nl of the topic: [(kind, label nl, label en, required)]
QUESTIONS = {
    "Bewonerskaart": [(Question.Kind.PLATE, "Nummerplaat van het voertuig", "Number plate of the vehicle", False)],
    "Retributie of GAS-boete": [(Question.Kind.NOTICE, "Nummer van de kennisgeving", "Notice number", True)],
    "Andere vraag": [(Question.Kind.TEXT, "Waarover gaat je vraag?", "What is your question about?", True)],
}


def seed_counter() -> Location:
    """The location, its counters, hours, topics with their questions and the Christmas closure."""
    location = upsert(Location, {"name_nl": LOCATION["name_nl"]}, {
        "name_en": LOCATION["name_en"], "address": "Stadsplein 1, 3600 Genk", "active": True,
        "directions_nl": "Ingang aan het Stadsplein, gelijkvloers, rechts van het onthaal.",
        "directions_en": "Entrance on Stadsplein, ground floor, to the right of the reception desk.",
        "book_ahead_days": 30, "min_notice_minutes": 120, "change_until_minutes": 1440})
    for name in ("Loket 1", "Loket 2"):
        upsert(Counter, {"location": location, "name": name}, {"active": True})
    for weekday in (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY):
        afternoon = LATE_THURSDAY if weekday == Weekday.THURSDAY else AFTERNOON
        for opens, closes in (MORNING, afternoon):
            upsert(OpeningHours, {"location": location, "weekday": weekday, "opens": opens, "valid_from": HOURS_FROM},
                   {"closes": closes, "valid_to": None})
    for year in CLOSURE_YEARS:
        for day in range(24, 32):
            upsert(SpecialDay, {"location": location, "date": datetime.date(year, 12, day),
                                "kind": SpecialDay.Kind.CLOSED}, {"reason": "Kerstsluiting"})
    for name_nl, (name_en, minutes, capacity, links_to, order, bring_nl, bring_en) in TOPICS.items():
        topic = upsert(Topic, {"name_nl": name_nl}, {
            "name_en": name_en, "duration_minutes": minutes, "capacity": capacity, "links_to": links_to,
            "order": order, "description_nl": bring_nl, "description_en": bring_en, "active": True})
        topic.locations.add(location)
        for number, (kind, label_nl, label_en, required) in enumerate(QUESTIONS.get(name_nl, []), start=1):
            upsert(Question, {"topic": topic, "kind": kind},
                   {"label_nl": label_nl, "label_en": label_en, "required": required, "order": number})
    return location


def _first_free(location: Location, topic: Topic, after_days: int) -> datetime.datetime | None:
    first = timezone.localdate() + datetime.timedelta(days=after_days)
    free = slots.free_slots(location, topic, first, 21)
    return free[0].starts_at if free else None


def _book_for(alice, location: Location, topic_name: str, after_days: int, *, answers=None, link=None) -> None:
    topic = Topic.objects.get(name_nl=topic_name)
    starts_at = _first_free(location, topic, after_days)
    if starts_at is None:
        return
    link_kind, link_id = (link if link else ("", None))
    booking.book(location, topic, starts_at, booking.Booker(
        citizen=alice, name=alice.get_full_name(), email=alice.email, phone=alice.phone,
        language=alice.preferred_language or "nl", answers=answers or {}, link_kind=link_kind, link_id=link_id),
        channel=Channel.WEB)


def seed_appointments() -> None:
    """Alice has booked a visit about her resident card and one about her retribution (once: never twice)."""
    alice = get_user_model().objects.filter(email="alice@example.org").first()
    location = Location.objects.filter(name_nl=LOCATION["name_nl"]).first()
    if alice is None or location is None or Appointment.objects.filter(citizen=alice).exists():
        return
    # Looked up by name so appointments depends on neither app.
    permit = apps.get_model("permits", "Permit").objects.filter(holder=alice, kind="resident").first()
    case = apps.get_model("fines", "Case").objects.filter(citizen=alice, offence__code="RETRIBUTION").first()
    plate = Question.objects.filter(topic__name_nl="Bewonerskaart", kind=Question.Kind.PLATE).first()
    vehicle = alice.vehicles.first()
    _book_for(alice, location, "Bewonerskaart", 3,
              answers={str(plate.pk): stored(plate, vehicle.plate, 0)} if plate and vehicle else {},
              link=(Topic.Link.PERMIT, permit.pk) if permit else None)
    notice = Question.objects.filter(topic__name_nl="Retributie of GAS-boete", kind=Question.Kind.NOTICE).first()
    _book_for(alice, location, "Retributie of GAS-boete", 7,
              answers={str(notice.pk): stored(notice, case.notice_number, 0)} if case and notice else {},
              link=(Topic.Link.CASE, case.pk) if case else None)
