"""Booking through the pages, logged in and as a guest: each step, the refusals, and what the done page says."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from appointments import booking
from appointments.models import AppointmentStatus, Location, OpeningHours, SpecialDay, Topic
from eloket.notifications.models import OutboundMessage

from .helpers import GUEST, book_as_guest, book_logged_in, choose, free_times, go_to_slot, value

# Pages in English (reverse() gives /en/ URLs under the `english` fixture): assertions read the source strings.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_guest_books_and_the_booking_waits_for_the_email_link(client, location, topic):
    moment = free_times(location, topic)[0].starts_at
    page = client.get(reverse("appointments:book"))
    assert page.status_code == 200 and "Resident card" in page.content.decode()

    appointment = book_as_guest(client, topic, moment)

    assert appointment.status == AppointmentStatus.UNCONFIRMED and appointment.citizen is None
    assert (appointment.name, appointment.email, appointment.starts_at) == ("Gert Gast", "gert@example.org", moment)
    assert appointment.language == "en" and appointment.counter is not None
    [message] = OutboundMessage.objects.filter(template="appointments/confirm_email")
    assert message.recipient == "gert@example.org"
    done = client.get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert appointment.reference in done
    assert "gert@example.org" in done and "confirm your appointment by email" in done
    assert reverse("appointments:reschedule", args=[appointment.pk]) not in done  # only the email link allows changes


def test_a_logged_in_citizen_books_at_once_and_finds_it_in_mijn_loket(client, alice, location, topic):
    client.force_login(alice)
    moment = free_times(location, topic)[1].starts_at
    go_to_slot(client, topic)
    choose(client, moment)
    contact = client.get(reverse("appointments:contact")).content.decode()
    assert 'value="Alice Peeters"' in contact and "alice@example.org" in contact  # prefilled from the profile
    client.post(reverse("appointments:contact"), {"name": "Alice Peeters", "phone": "0470 12 34 56",
                                                  "remind_by_sms": "on"})
    summary = client.get(reverse("appointments:confirm")).content.decode()
    assert "Resident card" in summary and "Stadsplein 1" in summary

    response = client.post(reverse("appointments:confirm"), {"book": "1"}, follow=True)

    appointment = alice.appointments.get()
    assert appointment.status == AppointmentStatus.BOOKED and appointment.email == "alice@example.org"
    assert appointment.phone == "+32470123456" and appointment.remind_by_sms
    page = response.content.decode()
    assert appointment.reference in page and ".ics" in page
    assert reverse("appointments:ics", args=[appointment.pk]) in page
    assert reverse("appointments:cancel", args=[appointment.pk]) in page
    [message] = OutboundMessage.objects.filter(template="appointments/booked")
    assert message.user == alice and message.attachments.get().filename == f"afspraak-{appointment.reference}.ics"
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("appointments:detail", args=[appointment.pk]) in dashboard


def test_the_location_step_appears_only_when_a_topic_is_offered_at_several(client, location, topic):
    annex = Location.objects.create(name_nl="Dienstencentrum", address="Markt 2")
    OpeningHours.objects.create(location=annex, weekday=0, opens=datetime.time(9), closes=datetime.time(12),
                                valid_from=datetime.date(2026, 1, 1))
    topic.locations.add(annex)
    response = client.post(reverse("appointments:book"), {"topic": topic.pk})
    assert response["Location"] == reverse("appointments:location")
    foreign = Location.objects.create(name_nl="Elders", address="Weg 1")  # active, but not offering this topic
    refused = client.post(reverse("appointments:location"), {"location": foreign.pk})
    assert refused.status_code == 200 and "Choose one of the places in the list" in refused.content.decode()
    assert client.post(reverse("appointments:location"), {"location": annex.pk})["Location"] == reverse(
        "appointments:slot")


def test_a_foreign_or_inactive_topic_is_refused_on_the_form(client, topic):
    hidden = Topic.objects.create(name_nl="Geheim", active=False)
    hidden.locations.add(*topic.locations.all())
    for bad in (hidden.pk, 999999, "abc", ""):
        response = client.post(reverse("appointments:book"), {"topic": bad})
        assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert "Geheim" not in client.get(reverse("appointments:book")).content.decode()


def test_the_questions_check_the_plate_and_keep_it_out_of_urls(client, location, topic, plate_question):
    assert client.post(reverse("appointments:book"), {"topic": topic.pk})["Location"] == reverse(
        "appointments:questions")
    name = f"q{plate_question.pk}"
    missing = client.post(reverse("appointments:questions"), {name: ""})
    assert missing.status_code == 200 and f'href="#id_{name}"' in missing.content.decode()
    wrong = client.post(reverse("appointments:questions"), {name: "1-ABC-123!"})
    assert wrong.status_code == 200 and "id_" + name + "_error" in wrong.content.decode()

    moment = free_times(location, topic)[0].starts_at
    appointment = book_as_guest(client, topic, moment, **{name: "1-abc-123"})

    stored = appointment.answers[str(plate_question.pk)]
    assert stored == {"label": "Number plate", "kind": "plate", "value": "1ABC123", "order": 0}
    page = client.get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert "1-ABC-123" in page
    assert "1ABC123" not in reverse("appointments:detail", args=[appointment.pk])


def test_a_notice_number_is_checked_with_its_check_digits(client, location, fine_topic):
    from appointments.models import Question

    question = Question.objects.get(topic=fine_topic)
    client.post(reverse("appointments:book"), {"topic": fine_topic.pk})
    name = f"q{question.pk}"
    bad = client.post(reverse("appointments:questions"), {name: "2026-000123-46"})
    assert bad.status_code == 200 and "_error" in bad.content.decode()
    from fines.numbers import make

    good = client.post(reverse("appointments:questions"), {name: make(2026, 123)})
    assert good["Location"] == reverse("appointments:slot")


@pytest.mark.parametrize("case", ["past", "closed", "not_a_slot", "garbage", "naive", "too_far"])
def test_a_tampered_or_impossible_time_gets_the_picker_again_with_a_message(client, location, topic, case):
    go_to_slot(client, topic)
    today = timezone.localdate()
    sunday = today + datetime.timedelta(days=(6 - today.weekday()) % 7 + 7)
    moments = {
        "past": value(timezone.now() - datetime.timedelta(days=1)),
        "closed": value(datetime.datetime.combine(sunday, datetime.time(10), tzinfo=timezone.get_current_timezone())),
        "not_a_slot": value(free_times(location, topic)[0].starts_at + datetime.timedelta(minutes=7)),
        "garbage": "tomorrow at nine",
        "naive": "2030-01-07T09:00:00",
        "too_far": value(timezone.now() + datetime.timedelta(days=400)),
    }
    response = client.post(reverse("appointments:slot"), {"starts_at": moments[case]})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page and 'name="starts_at"' in page
    assert not booking.Appointment.objects.exists()


def test_a_closed_day_is_refused_with_its_own_message(client, location, topic):
    moment = free_times(location, topic)[0].starts_at
    SpecialDay.objects.create(location=location, date=timezone.localdate(moment), kind=SpecialDay.Kind.CLOSED)
    go_to_slot(client, topic)
    response = choose(client, moment)
    assert "The counter is closed on that day" in response.content.decode()


def test_a_time_taken_since_the_picker_was_shown_is_refused_at_the_booking(client, location, topic):
    moment = free_times(location, topic)[0].starts_at
    go_to_slot(client, topic)
    choose(client, moment)
    client.post(reverse("appointments:contact"), GUEST)
    booking.book(location, topic, moment, booking.Booker(name="Sneller", email="snel@example.org"))

    response = client.post(reverse("appointments:confirm"), {"book": "1"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Sorry, this time has just been taken" in page and 'name="starts_at"' in page
    assert value(moment) not in page  # the taken time is not offered again
    assert booking.Appointment.objects.count() == 1


def test_a_step_without_the_steps_before_leads_back_into_the_journey(client, topic):
    assert client.get(reverse("appointments:confirm"))["Location"] == reverse("appointments:book")
    client.post(reverse("appointments:book"), {"topic": topic.pk})
    assert client.get(reverse("appointments:contact"))["Location"] == reverse("appointments:slot")
    assert client.post(reverse("appointments:confirm"), {"book": "1"})["Location"] == reverse("appointments:slot")


def test_the_picker_shows_days_as_fieldsets_and_moves_by_week(client, location, topic):
    go_to_slot(client, topic)
    page = client.get(reverse("appointments:slot")).content.decode()
    assert page.count("<fieldset") >= 2 and page.count("<legend") >= 2
    assert 'id="slots-later"' in page
    later = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    partial = client.get(reverse("appointments:slot"), {"vanaf": later}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="slot-days"') and "<html" not in partial
    assert 'id="slots-earlier"' in partial and 'hx-swap-oob="innerHTML"' in partial
    whole = client.get(reverse("appointments:slot"), {"vanaf": later}).content.decode()
    assert "<html" in whole and 'id="slots-earlier"' in whole
    nonsense = client.get(reverse("appointments:slot"), {"vanaf": "gisteren"})
    assert nonsense.status_code == 200


def test_the_picker_takes_the_same_number_of_queries_however_full_the_agenda(client, location, topic):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    go_to_slot(client, topic)
    with CaptureQueriesContext(connection) as empty:
        client.get(reverse("appointments:slot"))
    for slot in free_times(location, topic, days=10)[:25]:
        booking.book(location, topic, slot.starts_at, booking.Booker(name="X", email="x@example.org"))
    with CaptureQueriesContext(connection) as full:
        client.get(reverse("appointments:slot"))
    assert len(full) == len(empty) <= 12


def test_a_booking_keeps_the_language_it_was_made_in(client, location, topic):
    moment = free_times(location, topic)[0].starts_at
    book_as_guest(client, topic, moment)
    message = OutboundMessage.objects.get(template="appointments/confirm_email")
    assert message.language == "en" and "Please confirm your appointment" in message.subject
    assert "/en/afspraak/link/bevestigen/" in message.body_text
    with translation.override("nl"):
        dutch = book_as_guest(client, topic, free_times(location, topic)[1].starts_at)
    assert dutch.language == "nl"
    message = OutboundMessage.objects.get(template="appointments/confirm_email", language="nl")
    assert "/afspraak/link/bevestigen/" in message.body_text and "/en/" not in message.body_text


def test_a_guest_is_limited_in_the_number_of_bookings(client, location, topic):
    times = free_times(location, topic, days=20)
    for moment in [slot.starts_at for slot in times[:5]]:
        book_as_guest(client, topic, moment)
    go_to_slot(client, topic)
    choose(client, times[6].starts_at)
    client.post(reverse("appointments:contact"), GUEST)
    response = client.post(reverse("appointments:confirm"), {"book": "1"})
    assert response.status_code == 429
    assert booking.Appointment.objects.count() == 5


def test_a_logged_in_citizen_books_without_limit(client, alice, location, topic):
    client.force_login(alice)
    for slot in free_times(location, topic, days=20)[:6]:
        book_logged_in(client, topic, slot.starts_at)
    assert alice.appointments.count() == 6
