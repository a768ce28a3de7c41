"""Staff book for a citizen at the counter or on the phone (the online window does not bind them, capacity does), and
block or unblock a slot (blocking cancels what is booked in it and tells each citizen)."""

import pytest
from django.test import Client

from appointments.models import Appointment, AppointmentStatus, Channel, Slot
from eloket.notifications.models import OutboundMessage
from tests.i18n import en

from .test_agenda import agenda_path, at, book, last_weekday, next_monday

pytestmark = pytest.mark.django_db
S = AppointmentStatus


def book_url(location, topic=None, day=None) -> str:
    query = f"?topic={topic.pk}&day={day.isoformat()}" if topic else ""
    return en("admin:appointments_agenda_book", location.pk) + query


def block_url(location, topic=None, day=None, starts_at=None) -> str:
    url = en("admin:appointments_agenda_block", location.pk)
    if topic:
        url += f"?topic={topic.pk}&day={day.isoformat()}"
    if starts_at:
        url += "&starts_at=" + starts_at.isoformat().replace("+", "%2B")
    return url


def walk_in(**values):
    data = {"channel": Channel.COUNTER, "account_email": "", "name": "Marie Peeters", "email": "", "phone": "0470 12 34 56",
            "language": "nl"}
    data.update(values)
    return data


# Booking for a citizen ------------------------------------------------------------------------------------------------

def test_the_first_step_asks_for_topic_and_day(client, carla, location, topic):
    client.force_login(carla)

    response = client.get(book_url(location))

    assert response.status_code == 200 and response.context["form"] is None
    assert list(response.context["pick"].fields["topic"].queryset) == [topic]


def test_a_phone_booking_for_a_citizen_without_an_account(client, carla, location, topic):
    day = next_monday()
    client.force_login(carla)
    page = client.get(book_url(location, topic, day))
    assert at(day, 9).isoformat() in dict(page.context["form"].fields["starts_at"].choices)

    response = client.post(book_url(location, topic, day),
                           walk_in(channel=Channel.PHONE, starts_at=at(day, 9, 20).isoformat(), remind_by_sms="on"))

    assert response.status_code == 302 and response["Location"] == agenda_path(location, day=day.isoformat())
    appointment = Appointment.objects.get()
    assert (appointment.status, appointment.channel, appointment.booked_by, appointment.citizen) == (
        S.BOOKED, Channel.PHONE, carla, None)
    assert (appointment.name, appointment.phone, appointment.remind_by_sms, appointment.starts_at) == (
        "Marie Peeters", "+32470123456", True, at(day, 9, 20))
    assert appointment.events.get().actor == carla


def test_a_counter_booking_for_an_account_found_by_email(client, carla, alice, location, topic):
    day = next_monday()
    question = topic.questions.create(kind="plate", label_nl="Nummerplaat", label_en="Number plate")
    client.force_login(carla)

    client.post(book_url(location, topic, day), walk_in(account_email="ALICE@example.org", name="", phone="",
                                                        starts_at=at(day, 10).isoformat(),
                                                        **{f"question_{question.pk}": "1-abc-123"}))

    appointment = Appointment.objects.get()
    assert (appointment.citizen, appointment.email, appointment.name) == (alice, alice.email, "Alice Peeters")
    assert appointment.answers == {str(question.pk): {"label": "Number plate", "kind": "plate", "value": "1ABC123",
                                                      "order": 0}}
    assert appointment.channel == Channel.COUNTER


def test_the_booking_form_says_what_is_missing(client, carla, location, topic):
    day = next_monday()
    client.force_login(carla)

    unknown = client.post(book_url(location, topic, day), walk_in(account_email="nobody@example.org",
                                                                  starts_at=at(day, 9).isoformat()))
    nameless = client.post(book_url(location, topic, day), walk_in(name="", phone="", starts_at=at(day, 9).isoformat()))
    no_sms = client.post(book_url(location, topic, day), walk_in(phone="", email="marie@example.org",
                                                                 remind_by_sms="on", starts_at=at(day, 9).isoformat()))
    bad_phone = client.post(book_url(location, topic, day), walk_in(phone="12", starts_at=at(day, 9).isoformat()))

    assert "There is no account with this email address" in str(unknown.context["form"].errors["account_email"])
    assert set(nameless.context["form"].errors) == {"name", "email"}
    assert no_sms.context["form"].errors == {"phone": ["An SMS reminder needs a phone number."]}
    assert "Enter a phone number" in str(bad_phone.context["form"].errors["phone"])
    assert not Appointment.objects.exists()


def test_the_answers_are_checked_like_online_but_may_stay_open(client, carla, location, topic):
    day = next_monday()
    notice = topic.questions.create(kind="notice", label_nl="Nummer", label_en="Notice number", required=True)
    client.force_login(carla)

    wrong = client.post(book_url(location, topic, day), walk_in(starts_at=at(day, 9).isoformat(),
                                                               **{f"question_{notice.pk}": "2026-0001"}))
    assert "A notice number has 12 digits" in str(wrong.context["form"].errors[f"question_{notice.pk}"])
    client.post(book_url(location, topic, day), walk_in(starts_at=at(day, 9).isoformat()))

    assert Appointment.objects.get().answers == {}


def test_staff_book_beyond_the_online_window(client, carla, location, topic):
    far = next_monday(weeks=12)  # online, the location books 60 days ahead
    client.force_login(carla)

    client.post(book_url(location, topic, far), walk_in(starts_at=at(far, 15, 20).isoformat()))

    assert Appointment.objects.get().starts_at == at(far, 15, 20)


def test_staff_cannot_book_a_full_slot(client, carla, location, topic):
    day = next_monday()
    book(location, topic, at(day, 9), "Jan Claes")  # one citizen at a time
    client.force_login(carla)

    page = client.get(book_url(location, topic, day))
    response = client.post(book_url(location, topic, day), walk_in(starts_at=at(day, 9).isoformat()))

    assert at(day, 9).isoformat() not in dict(page.context["form"].fields["starts_at"].choices)
    assert "This time cannot be chosen" in str(response.context["form"].errors["starts_at"])
    assert Appointment.objects.count() == 1 and Slot.objects.get().booked == 1


def test_staff_cannot_book_a_time_that_has_passed(client, carla, location, topic):
    day = last_weekday()
    client.force_login(carla)

    page = client.get(book_url(location, topic, day))
    response = client.post(book_url(location, topic, day), walk_in(starts_at=at(day, 9).isoformat()))

    assert page.context["form"].fields["starts_at"].choices == []
    assert "There is no free time for this topic on this day" in page.content.decode()
    assert response.status_code == 200 and not Appointment.objects.exists()


@pytest.mark.parametrize("user", ["alice", "erik", "ida"])
def test_only_the_agenda_permission_books(client, location, topic, user, request):
    day = next_monday()
    client.force_login(request.getfixturevalue(user))

    response = client.post(book_url(location, topic, day), walk_in(starts_at=at(day, 9).isoformat()))

    assert response.status_code == (302 if user == "alice" else 403)
    assert not Appointment.objects.exists()


# Blocking -------------------------------------------------------------------------------------------------------------

def test_blocking_shows_the_bookings_it_cancels_then_cancels_them_and_tells_the_citizens(client, carla, location, topic):
    day = next_monday()
    topic.capacity = 2
    topic.save()
    first = book(location, topic, at(day, 9, 20), "Jan Claes")
    second = book(location, topic, at(day, 9, 20), "Els Maes")
    other = book(location, topic, at(day, 9, 40), "Piet Smet")
    client.force_login(carla)

    times = client.get(block_url(location, topic, day))
    assert "09:20 (2 booked)" in dict(times.context["choose"].fields["starts_at"].choices).values()
    confirm = client.get(block_url(location, topic, day, at(day, 9, 20)))
    assert [appointment.pk for appointment in confirm.context["affected"]] == [first.pk, second.pk]
    assert "Jan Claes" in confirm.content.decode() and "Els Maes" in confirm.content.decode()
    assert Appointment.objects.filter(status=S.BOOKED).count() == 3  # looking changes nothing

    response = client.post(block_url(location, topic, day, at(day, 9, 20)), {"reason": "Fire drill"})

    assert response.status_code == 302 and response["Location"] == agenda_path(location, day=day.isoformat())
    slot = Slot.objects.get(starts_at=at(day, 9, 20))
    assert (slot.blocked, slot.blocked_reason, slot.booked) == (True, "Fire drill", 0)
    for appointment in (first, second):
        appointment.refresh_from_db()
        assert (appointment.status, appointment.cancel_reason) == (S.CANCELLED, "Fire drill")
        assert appointment.events.last().actor == carla
    assert Appointment.objects.get(pk=other.pk).status == S.BOOKED
    told = OutboundMessage.objects.filter(template="appointments/cancelled_by_city")
    assert sorted(told.values_list("recipient", flat=True)) == ["els@example.org", "jan@example.org"]
    assert all("Fire drill" in message.body_text for message in told)


def test_blocking_an_empty_slot_says_nobody_is_cancelled(client, carla, location, topic):
    day = next_monday()
    client.force_login(carla)

    confirm = client.get(block_url(location, topic, day, at(day, 13)))
    client.post(block_url(location, topic, day, at(day, 13)), {"reason": "Training"})

    assert "blocking cancels no appointment" in confirm.content.decode()
    assert Slot.objects.get().blocked
    assert at(day, 13).isoformat() not in dict(client.get(block_url(location, topic, day)).context["choose"]
                                               .fields["starts_at"].choices)


def test_a_block_needs_a_reason_and_a_time_of_the_day(client, carla, location, topic):
    day = next_monday()
    client.force_login(carla)

    no_reason = client.post(block_url(location, topic, day, at(day, 13)), {"reason": ""})
    off_grid = client.get(block_url(location, topic, day, at(day, 13, 5)))
    lunch = client.post(block_url(location, topic, day, at(day, 12, 20)), {"reason": "Training"})

    assert "reason" in no_reason.context["form"].errors
    assert "This time cannot be chosen" in str(off_grid.context["choose"].errors["starts_at"])
    assert "starts_at" in lunch.context["choose"].errors and "affected" not in lunch.context
    assert not Slot.objects.exists()


def test_unblocking_makes_the_slot_bookable_again(client, carla, location, topic):
    day = next_monday()
    client.force_login(carla)
    client.post(block_url(location, topic, day, at(day, 13)), {"reason": "Training"})
    slot = Slot.objects.get()
    unblock = en("admin:appointments_agenda_unblock", location.pk, slot.pk)

    client.get(unblock)
    assert Slot.objects.get().blocked  # only a POST changes it
    response = client.post(unblock)

    assert response["Location"] == agenda_path(location, day=day.isoformat())
    assert not Slot.objects.get().blocked
    client.post(book_url(location, topic, day), walk_in(starts_at=at(day, 13).isoformat()))
    assert Appointment.objects.get().starts_at == at(day, 13)


@pytest.mark.parametrize("user", ["alice", "erik", "ida"])
def test_only_the_agenda_permission_blocks_and_unblocks(client, carla, location, topic, user, request):
    day = next_monday()
    carla_client = Client()
    carla_client.force_login(carla)
    carla_client.post(block_url(location, topic, day, at(day, 13)), {"reason": "Training"})
    client.force_login(request.getfixturevalue(user))

    blocking = client.post(block_url(location, topic, day, at(day, 9)), {"reason": "Mine"})
    unblocking = client.post(en("admin:appointments_agenda_unblock", location.pk, Slot.objects.get().pk))

    assert {blocking.status_code, unblocking.status_code} == {302 if user == "alice" else 403}
    assert list(Slot.objects.values_list("starts_at", "blocked")) == [(at(day, 13), True)]
