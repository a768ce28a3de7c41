import datetime

import pytest

from appointments.models import Counter, Location, OpeningHours, Topic


@pytest.fixture
def location(db):
    """The city hall's parking counter: weekdays 09:00-12:00 and 13:00-16:00, Saturday morning."""
    hall = Location.objects.create(name_nl="Stadhuis", name_en="City hall", address="Stadsplein 1",
                                   book_ahead_days=60, min_notice_minutes=120, change_until_minutes=1440)
    for weekday in range(5):
        OpeningHours.objects.create(location=hall, weekday=weekday, opens=datetime.time(9), closes=datetime.time(12),
                                    valid_from=datetime.date(2026, 1, 1))
        OpeningHours.objects.create(location=hall, weekday=weekday, opens=datetime.time(13), closes=datetime.time(16),
                                    valid_from=datetime.date(2026, 1, 1))
    OpeningHours.objects.create(location=hall, weekday=5, opens=datetime.time(9), closes=datetime.time(12),
                                valid_from=datetime.date(2026, 1, 1))
    Counter.objects.create(location=hall, name="Loket 1")
    Counter.objects.create(location=hall, name="Loket 2")
    return hall


@pytest.fixture
def topic(location):
    """Resident cards: 20 minutes, one citizen at a time."""
    card = Topic.objects.create(name_nl="Bewonerskaart", name_en="Resident card", duration_minutes=20, capacity=1,
                                links_to=Topic.Link.PERMIT)
    card.locations.add(location)
    return card


@pytest.fixture
def plate_question(topic):
    """The resident card topic asks for the plate (required) and a remark (optional)."""
    from appointments.models import Question

    Question.objects.create(topic=topic, kind=Question.Kind.TEXT, label_nl="Opmerking", label_en="Remark", order=2)
    return Question.objects.create(topic=topic, kind=Question.Kind.PLATE, label_nl="Nummerplaat",
                                   label_en="Number plate", required=True, order=1)


@pytest.fixture
def fine_topic(location):
    """Fines and retributions: 15 minutes, two citizens at once, linked to a case, asking the notice number."""
    from appointments.models import Question

    fines = Topic.objects.create(name_nl="Retributie of boete", name_en="Retribution or fine", duration_minutes=15,
                                 capacity=2, links_to=Topic.Link.CASE, order=2)
    fines.locations.add(location)
    Question.objects.create(topic=fines, kind=Question.Kind.NOTICE, label_nl="Nummer van de brief",
                            label_en="Notice number", required=False)
    return fines


@pytest.fixture
def city_contact(db):
    """A city profile, so pages and emails show the counter's phone and email."""
    from eloket.city.models import CityProfile

    return CityProfile.objects.create(**CITY)


CITY = {"name": "Genk", "portal_name": "eloket", "street_address": "Stadsplein 1", "postal_code": "3600",
        "municipality": "Genk", "phone": "089 65 36 00", "email": "parkeren@stad.example"}
