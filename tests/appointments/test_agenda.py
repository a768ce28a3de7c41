"""The counter's day agenda: a location's appointments of one day in time order, with what the clerk needs, in a fixed
number of queries; counter staff reach it, citizens and other staff do not."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appointments import booking
from appointments.models import Appointment, Channel, Counter, Location, OpeningHours, Question, Topic
from appointments.questions import stored
from eloket.accounts import roles
from tests.factories import StaffFactory
from tests.i18n import en

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


# Helpers the other admin tests share ----------------------------------------------------------------------------------

def weekday_from(day: datetime.date, weekday: int = 0) -> datetime.date:
    """The first given weekday (Monday by default) on or after a day."""
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def next_monday(weeks: int = 1) -> datetime.date:
    """A Monday at least a day ahead (plus whole weeks), so the appointment is in the future whatever today is."""
    return weekday_from(timezone.localdate() + datetime.timedelta(days=1)) + datetime.timedelta(weeks=weeks - 1)


def last_weekday() -> datetime.date:
    """The last Monday to Friday before today: an appointment then can be marked attended or no-show."""
    day = timezone.localdate() - datetime.timedelta(days=1)
    while day.weekday() > 4:
        day -= datetime.timedelta(days=1)
    return day


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BRUSSELS)


def book(location, topic, starts_at, name="Jan Claes", **fields) -> Appointment:
    """A booking made online a few days before (so it may lie in the past), through booking.py."""
    values = {"name": name, "email": f"{name.split()[0].lower()}@example.org"}
    values.update(fields)
    return booking.book(location, topic, starts_at, booking.Booker(**values),
                        now=starts_at - datetime.timedelta(days=3))


def agenda_path(location, **params) -> str:
    url = en("admin:appointments_agenda", location.pk)
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


@pytest.fixture
def fines_topic(location):
    """Fines: 15 minutes, two citizens at once, with a notice-number question."""
    topic = Topic.objects.create(name_nl="Boete", name_en="Fine", duration_minutes=15, capacity=2,
                                 links_to=Topic.Link.CASE, order=2)
    topic.locations.add(location)
    Question.objects.create(topic=topic, kind=Question.Kind.NOTICE, label_nl="Nummer van de kennisgeving",
                            label_en="Notice number", required=True)
    return topic


# The page -------------------------------------------------------------------------------------------------------------

def test_the_agenda_lists_the_day_in_time_order_with_what_the_clerk_needs(client, carla, location, topic, fines_topic):
    day = next_monday()
    notice = fines_topic.questions.get()
    fine = book(location, fines_topic, at(day, 10, 15), "Els Maes", phone="+32470111222",
                answers={str(notice.pk): stored(notice, "202600012345", 0)}, link_kind=Topic.Link.CASE, link_id=77)
    card = book(location, topic, at(day, 9, 20), "Jan Claes", link_kind=Topic.Link.PERMIT, link_id=55)
    gone = book(location, topic, at(day, 13), "Piet Smet")
    booking.cancel(gone, by_city=True, reason="Staff meeting")
    booking.block(location, topic, at(day, 15, 40), reason="Training")
    book(location, topic, at(day + datetime.timedelta(days=1), 9), "Next Day")
    client.force_login(carla)

    response = client.get(agenda_path(location, day=day.isoformat()))

    assert response.status_code == 200
    agenda = response.context["agenda"]
    assert [row.appointment for row in agenda.rows] == [card, fine]
    assert agenda.cancelled == [gone]
    assert [(slot.topic, slot.blocked_reason) for slot in agenda.blocked] == [(topic, "Training")]
    page = response.content.decode()
    for text in ("Jan Claes", "Els Maes", "+32470111222", "Nummer van de kennisgeving", "2026-000123-45",
                 en("admin:permits_permit_change", 55), en("admin:fines_case_change", 77),
                 "09:20–09:40", "10:15–10:30", "Training", "Staff meeting", card.counter.name):
        assert text in page, text
    assert "Next Day" not in page
    assert page.index("Jan Claes") < page.index("Els Maes")


def test_the_agenda_shows_one_counter_when_asked(client, carla, location, topic):
    day = next_monday()
    first = book(location, topic, at(day, 9), "Jan Claes")
    second = book(location, topic, at(day, 9, 20), "Els Maes")
    Appointment.objects.filter(pk=second.pk).update(counter=Counter.objects.get(name="Loket 2"))
    Appointment.objects.filter(pk=first.pk).update(counter=Counter.objects.get(name="Loket 1"))
    client.force_login(carla)

    response = client.get(agenda_path(location, day=day.isoformat(),
                                      counter=Counter.objects.get(name="Loket 2").pk))

    assert [row.appointment.pk for row in response.context["agenda"].rows] == [second.pk]


def test_previous_and_next_day_keep_the_counter(client, carla, location):
    counter = location.counters.first()
    day = datetime.date(2026, 3, 2)
    client.force_login(carla)

    context = client.get(agenda_path(location, day=day.isoformat(), counter=counter.pk)).context

    assert context["previous_url"] == agenda_path(location, day="2026-03-01", counter=counter.pk)
    assert context["next_url"] == agenda_path(location, day="2026-03-03", counter=counter.pk)


def test_a_closed_day_and_an_empty_day_say_so(client, carla, location):
    client.force_login(carla)
    sunday = weekday_from(timezone.localdate(), 6)

    page = client.get(agenda_path(location, day=sunday.isoformat())).content.decode()

    assert "The counter is closed on this day." in page
    assert "No appointments on this day." in page


def test_a_day_that_is_no_date_shows_today_with_a_message(client, carla, location):
    client.force_login(carla)

    response = client.get(agenda_path(location, day="31-02-2026"))

    assert response.status_code == 200
    assert response.context["agenda"].day == timezone.localdate()
    assert "This day or counter is not valid" in response.content.decode()


def test_the_agenda_runs_the_same_number_of_queries_for_one_and_for_many_appointments(client, carla, location, topic,
                                                                                      fines_topic):
    day = next_monday()
    notice = fines_topic.questions.get()
    client.force_login(carla)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(agenda_path(location, day=day.isoformat()))
        assert response.status_code == 200
        return len(queries), len(response.context["agenda"].rows)

    book(location, topic, at(day, 9), "Jan Claes", link_kind=Topic.Link.PERMIT, link_id=1)
    count()  # warms the caches (city profile, content types)
    one = count()
    for minute in (0, 15, 30, 45):
        for hour in (9, 10, 11):
            book(location, fines_topic, at(day, hour, minute), f"Guest {hour}{minute}",
                 answers={str(notice.pk): stored(notice, f"20260001{hour}{minute:02d}", 0)}, link_kind=Topic.Link.CASE,
                 link_id=hour)
    booking.block(location, topic, at(day, 13), reason="Training")
    booking.block(location, fines_topic, at(day, 14), reason="Training")
    cancelled = book(location, topic, at(day, 15), "Gone Away")
    booking.cancel(cancelled, by_city=True, reason="Sick")

    assert count() == (one[0], 13)


# Who may see it -------------------------------------------------------------------------------------------------------

def test_a_citizen_is_sent_to_the_admin_login(client, alice, location):
    client.force_login(alice)

    response = client.get(agenda_path(location))

    assert response.status_code == 302 and en("admin:login") in response["Location"]


def test_staff_without_the_agenda_permission_are_refused(client, erik, ida, location):
    for user in (erik, ida):
        client.force_login(user)
        assert client.get(agenda_path(location)).status_code == 403
        assert client.get(en("admin:appointments_agenda_index")).status_code == 403


def test_only_the_agenda_permission_opens_it(client, location):
    clerk = StaffFactory(email="clerk@stad.example")
    client.force_login(clerk)
    assert client.get(agenda_path(location)).status_code == 403

    clerk.groups.add(roles.sync_roles()[roles.COUNTER])
    clerk = type(clerk).objects.get(pk=clerk.pk)  # a fresh object forgets the cached permissions
    client.force_login(clerk)
    assert client.get(agenda_path(location)).status_code == 200


def test_staff_without_two_factor_login_are_sent_to_switch_it_on(client, carla, location):
    carla.authenticator_set.all().delete()
    client.force_login(carla)

    response = client.get(agenda_path(location))

    assert response.status_code == 302 and response["Location"] == en("mfa_activate_totp")


def test_an_unknown_location_is_not_found(client, carla, location):
    client.force_login(carla)

    assert client.get(en("admin:appointments_agenda", location.pk + 100)).status_code == 404


# How staff get there --------------------------------------------------------------------------------------------------

def test_one_location_opens_its_agenda_straight_away_several_are_listed(client, carla, location):
    client.force_login(carla)
    index = en("admin:appointments_agenda_index")

    assert client.get(index)["Location"] == agenda_path(location)

    other = Location.objects.create(name_nl="Dienstencentrum", address="Markt 1")
    OpeningHours.objects.create(location=other, weekday=0, opens=datetime.time(9), closes=datetime.time(12),
                                valid_from=datetime.date(2026, 1, 1))
    page = client.get(index).content.decode()
    assert agenda_path(location) in page and agenda_path(other) in page


def test_the_appointment_list_and_the_app_page_link_to_the_agenda(client, carla, location):
    client.force_login(carla)

    assert agenda_path(location) in client.get(en("admin:appointments_appointment_changelist")).content.decode()
    assert en("admin:appointments_agenda_index") in client.get(
        en("admin:app_list", "appointments")).content.decode()


def test_a_staff_booking_shows_who_booked_and_how(client, carla, location, topic):
    day = next_monday()
    appointment = booking.book(location, topic, at(day, 9), booking.Booker(name="Walk In", phone="+32470999888"),
                               channel=Channel.COUNTER, staff=carla, now=at(day, 8))
    client.force_login(carla)

    page = client.get(agenda_path(location, day=day.isoformat())).content.decode()

    assert appointment.reference in page and "at the counter" in page
