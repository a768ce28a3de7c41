"""No slot is ever booked beyond its capacity, also when citizens book the last places at the same moment."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction

from appointments import booking
from appointments.models import Appointment, AppointmentStatus, Slot

NOW = datetime.datetime(2026, 12, 1, 8, tzinfo=ZoneInfo("Europe/Brussels"))
NINE = datetime.datetime(2026, 12, 7, 9, tzinfo=ZoneInfo("Europe/Brussels"))


def guest(n: int) -> booking.Booker:
    return booking.Booker(name=f"Guest {n}", email=f"guest{n}@example.org")


@pytest.mark.django_db(transaction=True)
def test_eight_citizens_at_once_get_exactly_the_places_there_are(location, topic):
    topic.capacity = 3
    topic.save()
    barrier = threading.Barrier(8)
    outcomes = []

    def take(n):
        try:
            barrier.wait(timeout=10)
            booking.book(location, topic, NINE, guest(n), now=NOW)
            outcomes.append("booked")
        except booking.BookingError as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["booked"] * 3 + ["full"] * 5
    slot = Slot.objects.get()
    assert (slot.booked, slot.capacity) == (3, 3)
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 3


@pytest.mark.django_db
def test_a_cancelled_place_can_be_booked_again(location, topic):
    first = booking.book(location, topic, NINE, guest(1), now=NOW)
    with pytest.raises(booking.BookingError) as full:
        booking.book(location, topic, NINE, guest(2), now=NOW)
    assert full.value.code == "full"
    booking.cancel(first, now=NOW)
    second = booking.book(location, topic, NINE, guest(2), now=NOW)
    assert second.slot_id == first.slot_id
    assert Slot.objects.get().booked == 1


@pytest.mark.django_db
def test_the_database_refuses_a_count_above_capacity(location, topic):
    booking.book(location, topic, NINE, guest(1), now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.update(booked=2)


@pytest.mark.django_db
def test_rescheduling_takes_the_new_place_before_freeing_the_old(location, topic):
    mine = booking.book(location, topic, NINE, guest(1), now=NOW)
    other = booking.book(location, topic, NINE + datetime.timedelta(minutes=20), guest(2), now=NOW)
    with pytest.raises(booking.BookingError):
        booking.reschedule(mine, other.starts_at, now=NOW)
    assert Appointment.objects.get(pk=mine.pk).starts_at == NINE

    moved = booking.reschedule(mine, NINE + datetime.timedelta(minutes=40), now=NOW)
    assert moved.starts_at == NINE + datetime.timedelta(minutes=40)
    assert dict(Slot.objects.values_list("starts_at", "booked")) == {
        NINE: 0, NINE + datetime.timedelta(minutes=20): 1, NINE + datetime.timedelta(minutes=40): 1}
    assert moved.events.last().note.startswith("Verplaatst van")  # written in the active language, Dutch


@pytest.mark.django_db
def test_blocking_a_slot_cancels_its_bookings_and_keeps_it_closed(location, topic, carla):
    booked = booking.book(location, topic, NINE, guest(1), now=NOW)
    affected = booking.block(location, topic, NINE, reason="Stroompanne", actor=carla)
    assert [a.pk for a in affected] == [booked.pk]
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.CANCELLED
    with pytest.raises(booking.BookingError) as full:
        booking.book(location, topic, NINE, guest(2), now=NOW)
    assert full.value.code == "full"
