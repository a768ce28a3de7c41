"""The demo city's parking counter: two desks, hours with a lunch break and a late Thursday, four topics, the Christmas
closure and two appointments of Alice; seeding again adds nothing."""

import datetime

import pytest
from django.core.management import call_command

from appointments import slots
from appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    Counter,
    Location,
    OpeningHours,
    Question,
    Slot,
    SpecialDay,
    Topic,
)

pytestmark = pytest.mark.django_db


def counts():
    return tuple(model.objects.count() for model in (Location, Counter, OpeningHours, SpecialDay, Topic, Question, Slot,
                                                     Appointment, AppointmentEvent))


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_counter_and_alices_appointments_seeded_twice_change_nothing(media, fast_passwords):
    call_command("seed_demo_city", verbosity=0)
    first = counts()
    call_command("seed_demo_city", verbosity=0)

    assert counts() == first
    location = Location.objects.get()
    assert location.name_nl == "Stadhuis – parkeerloket"
    assert list(location.counters.values_list("name", flat=True)) == ["Loket 1", "Loket 2"]
    topics = {topic.name_en: (topic.duration_minutes, topic.capacity, topic.links_to) for topic in location.topics.all()}
    assert topics == {"Resident card": (20, 2, "permit"), "Disability card registration": (30, 1, "permit"),
                      "Retribution or GAS fine": (15, 2, "case"), "Another question": (15, 1, "")}
    notice = Question.objects.get(topic__name_en="Retribution or GAS fine")
    assert (notice.kind, notice.required) == (Question.Kind.NOTICE, True)

    alice = Appointment.objects.filter(citizen__email="alice@example.org").select_related("topic")
    by_topic = {appointment.topic.name_en: appointment for appointment in alice}
    assert set(by_topic) == {"Resident card", "Retribution or GAS fine"}
    assert {appointment.status for appointment in alice} == {AppointmentStatus.BOOKED}
    card, fine = by_topic["Resident card"], by_topic["Retribution or GAS fine"]
    assert card.link_kind == "permit" and card.link_id is not None
    assert fine.link_kind == "case" and set(fine.answers) == {str(notice.pk)}
    assert len(fine.answers[str(notice.pk)]["value"]) == 12  # the notice number of her retribution
    plate = Question.objects.get(topic__name_en="Resident card")
    assert card.answers[str(plate.pk)]["value"] == "1ABC123"


def test_the_demo_hours_have_a_lunch_break_a_late_thursday_and_the_christmas_closure(media, fast_passwords):
    call_command("seed_demo_city", "--no-accounts", verbosity=0)
    calendar = slots.calendar(Location.objects.get(), datetime.date(2026, 12, 14), datetime.date(2026, 12, 31))
    noon, half_one = datetime.time(12, 30), datetime.time(13, 30)

    assert calendar.stretches(datetime.date(2026, 12, 14)) == [(datetime.time(9), noon), (half_one, datetime.time(16))]
    assert calendar.stretches(datetime.date(2026, 12, 17)) == [(datetime.time(9), noon), (half_one, datetime.time(19))]
    assert not calendar.is_open(datetime.date(2026, 12, 19))  # Saturday
    assert not any(calendar.is_open(datetime.date(2026, 12, day)) for day in range(24, 32))
    assert not Appointment.objects.exists()
