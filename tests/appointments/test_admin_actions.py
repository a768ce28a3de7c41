"""What counter staff do from the agenda: attended, no-show, cancel and move for the city. Each is a POST with CSRF,
allowed only by the agenda permission and only when the appointment's state allows it, and goes through booking.py."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from appointments import booking
from appointments.models import Appointment, AppointmentStatus, Slot
from eloket.notifications.models import OutboundMessage
from tests.i18n import en

from .test_agenda import agenda_path, at, book, last_weekday, next_monday

pytestmark = pytest.mark.django_db
S = AppointmentStatus
ACTIONS = ["attended", "no_show", "cancel", "move"]


def url(action: str, appointment) -> str:
    name = "appointment_" + action
    return en(f"admin:appointments_{name}", appointment.pk)


@pytest.fixture
def past(location, topic):
    """Booked for the last weekday: it can be marked attended or no-show."""
    return book(location, topic, at(last_weekday(), 9, 20), "Jan Claes")


@pytest.fixture
def upcoming(location, topic):
    return book(location, topic, at(next_monday(), 9), "Els Maes", phone="+32470111222")


def status_of(appointment) -> str:
    return Appointment.objects.get(pk=appointment.pk).status


# Attended and no-show -------------------------------------------------------------------------------------------------

def test_counter_staff_mark_attended_from_the_agenda_and_return_to_it(client, carla, location, past):
    client.force_login(carla)
    here = agenda_path(location, day=last_weekday().isoformat())

    response = client.post(url("attended", past), {"next": here})

    assert response.status_code == 302 and response["Location"] == here
    past.refresh_from_db()
    assert past.status == S.ATTENDED
    event = past.events.last()
    assert (event.from_status, event.to_status, event.actor) == (S.BOOKED, S.ATTENDED, carla)


def test_no_show_asks_first_on_its_own_page(client, carla, past):
    client.force_login(carla)

    page = client.get(url("no_show", past))

    assert page.status_code == 200 and "Mark “did not come”" in page.content.decode()
    assert status_of(past) == S.BOOKED
    client.post(url("no_show", past))
    assert status_of(past) == S.NO_SHOW


def test_an_appointment_is_marked_only_from_its_day_on(client, carla, upcoming):
    client.force_login(carla)

    response = client.post(url("attended", upcoming), follow=True)

    assert status_of(upcoming) == S.BOOKED
    assert "from its day on" in response.content.decode()


def test_a_cancelled_or_closed_appointment_cannot_be_marked_again(client, carla, past):
    booking.close(past, S.NO_SHOW)
    client.force_login(carla)

    client.post(url("attended", past))

    assert status_of(past) == S.NO_SHOW
    assert past.events.count() == 2


def test_an_outside_next_address_is_not_followed(client, carla, past):
    client.force_login(carla)

    response = client.post(url("attended", past), {"next": "https://evil.example/"})

    assert response["Location"] == agenda_path(past.location, day=last_weekday().isoformat())


# Cancelling for the city ---------------------------------------------------------------------------------------------

def test_cancelling_for_the_city_needs_a_reason_and_gives_the_place_back(client, carla, upcoming):
    client.force_login(carla)

    empty = client.post(url("cancel", upcoming), {"reason": ""})
    assert empty.status_code == 200 and empty.context["form"].errors == {"reason": ["This field is required."]}
    assert status_of(upcoming) == S.BOOKED

    response = client.post(url("cancel", upcoming), {"reason": "The counter is closed for a staff meeting."})

    assert response.status_code == 302
    upcoming.refresh_from_db()
    assert (upcoming.status, upcoming.cancel_reason) == (S.CANCELLED, "The counter is closed for a staff meeting.")
    assert Slot.objects.get(pk=upcoming.slot_id).booked == 0
    event = upcoming.events.last()
    assert (event.to_status, event.actor, event.note) == (S.CANCELLED, carla,
                                                           "The counter is closed for a staff meeting.")
    told = OutboundMessage.objects.get(template="appointments/cancelled_by_city")
    assert told.recipient == "els@example.org" and "closed for a staff meeting" in told.body_text


def test_the_cancel_page_shows_the_appointment_first(client, carla, upcoming):
    client.force_login(carla)

    page = client.get(url("cancel", upcoming)).content.decode()

    assert upcoming.reference in page and "Els Maes" in page and "+32470111222" in page
    assert status_of(upcoming) == S.BOOKED


def test_an_appointment_that_took_place_cannot_be_cancelled(client, carla, past):
    booking.close(past, S.ATTENDED)
    client.force_login(carla)

    response = client.post(url("cancel", past), {"reason": "Too late"}, follow=True)

    assert status_of(past) == S.ATTENDED
    assert "can no longer be cancelled" in response.content.decode()


def test_a_reason_longer_than_the_record_holds_is_refused(client, carla, upcoming):
    client.force_login(carla)

    response = client.post(url("cancel", upcoming), {"reason": "x" * 301})

    assert "reason" in response.context["form"].errors
    assert status_of(upcoming) == S.BOOKED


# Moving ---------------------------------------------------------------------------------------------------------------

def test_staff_move_an_appointment_beyond_the_online_window(client, carla, upcoming):
    far = next_monday(weeks=12)  # the location books 60 days ahead online
    client.force_login(carla)

    page = client.get(url("move", upcoming), {"day": far.isoformat()})
    choices = dict(page.context["form"].fields["starts_at"].choices)
    new_time = at(far, 13, 20)
    assert new_time.isoformat() in choices

    response = client.post(url("move", upcoming) + f"?day={far.isoformat()}", {"starts_at": new_time.isoformat()})

    assert response.status_code == 302 and response["Location"] == agenda_path(upcoming.location, day=far.isoformat())
    old_slot = upcoming.slot_id
    upcoming.refresh_from_db()
    assert (upcoming.starts_at, upcoming.status) == (new_time, S.BOOKED)
    assert Slot.objects.get(pk=old_slot).booked == 0 and upcoming.slot.booked == 1
    assert upcoming.events.last().actor == carla
    assert OutboundMessage.objects.get(template="appointments/rescheduled").recipient == "els@example.org"


def test_a_move_to_a_time_that_is_not_offered_is_refused(client, carla, location, topic, upcoming):
    day = upcoming.starts_at.date()
    book(location, topic, at(day, 13), "Piet Smet")  # full: one citizen at a time
    client.force_login(carla)
    before = upcoming.starts_at

    for tampered in (at(day, 13), at(day, 13, 5), at(day, 12, 20), "tomorrow"):
        value = tampered.isoformat() if isinstance(tampered, datetime.datetime) else tampered
        response = client.post(url("move", upcoming) + f"?day={day.isoformat()}", {"starts_at": value})
        assert response.status_code == 200
        assert "This time cannot be chosen" in str(response.context["form"].errors["starts_at"])

    upcoming.refresh_from_db()
    assert upcoming.starts_at == before


def test_a_closed_appointment_cannot_be_moved(client, carla, past):
    booking.close(past, S.ATTENDED)
    client.force_login(carla)

    response = client.get(url("move", past), follow=True)

    assert "can no longer be moved" in response.content.decode()


# Who may ------------------------------------------------------------------------------------------------------------

def _post_data(action, appointment):
    if action == "cancel":
        return {"reason": "Closed"}
    if action == "move":
        return {"starts_at": at(next_monday(), 15).isoformat()}
    return {}


@pytest.mark.parametrize("action", ACTIONS)
def test_a_citizen_is_sent_to_the_admin_login_and_nothing_changes(client, alice, past, action):
    client.force_login(alice)

    response = client.post(url(action, past), _post_data(action, past))

    assert response.status_code == 302 and en("admin:login") in response["Location"]
    assert status_of(past) == S.BOOKED


@pytest.mark.parametrize("action", ACTIONS)
def test_staff_without_the_agenda_permission_are_refused(client, erik, ida, past, action):
    for user in (erik, ida):
        client.force_login(user)
        assert client.post(url(action, past), _post_data(action, past)).status_code == 403
        assert client.get(url(action, past)).status_code == 403
    assert status_of(past) == S.BOOKED


def test_an_action_without_the_csrf_token_is_refused(carla, past):
    client = Client(enforce_csrf_checks=True)
    client.force_login(carla)

    assert client.post(url("attended", past)).status_code == 403
    assert status_of(past) == S.BOOKED


def test_a_foreign_id_is_not_found(client, carla, past):
    client.force_login(carla)

    assert client.post(en("admin:appointments_appointment_attended", past.pk + 1000)).status_code == 404


def test_the_appointment_page_offers_what_its_state_allows(client, carla, past, upcoming):
    client.force_login(carla)

    today_or_before = client.get(en("admin:appointments_appointment_change", past.pk)).context["agenda_actions"]
    later = client.get(en("admin:appointments_appointment_change", upcoming.pk)).context["agenda_actions"]

    assert [link for _title, link in today_or_before][:3] == [url("attended", past), url("no_show", past),
                                                               url("move", past)]
    assert url("cancel", past) not in [link for _title, link in today_or_before]  # it is over
    assert [link for _title, link in later][:2] == [url("move", upcoming), url("cancel", upcoming)]
    assert timezone.localdate(upcoming.starts_at) > timezone.localdate()
