"""Reminders the day before: from ten o'clock, for booked appointments of the next day, each exactly once."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from appointments import booking, reminders, slots, tasks
from appointments.models import Appointment, SpecialDay
from eloket.notifications.models import OutboundMessage

BRUSSELS = ZoneInfo("Europe/Brussels")
BOOKED_ON = datetime.datetime(2026, 12, 1, 8, tzinfo=BRUSSELS)
NINE = datetime.datetime(2026, 12, 8, 9, tzinfo=BRUSSELS)  # a Tuesday
DAY_BEFORE = datetime.datetime(2026, 12, 7, 10, 5, tzinfo=BRUSSELS)


def at(*args):
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def guest(n: int, **fields) -> booking.Booker:
    return booking.Booker(name=f"Guest {n}", email=f"guest{n}@example.org", language="en", **fields)


def reminded() -> list[str]:
    return sorted(OutboundMessage.objects.filter(template="appointments/reminder").values_list("recipient", flat=True))


@pytest.mark.django_db
def test_the_day_before_each_booked_appointment_is_reminded_once(location, topic):
    first = booking.book(location, topic, NINE, guest(1), now=BOOKED_ON)
    booking.book(location, topic, NINE + datetime.timedelta(minutes=20), guest(2), now=BOOKED_ON)
    booking.book(location, topic, NINE + datetime.timedelta(days=1), guest(3), now=BOOKED_ON)  # the day after
    cancelled = booking.book(location, topic, NINE + datetime.timedelta(minutes=40), guest(4), now=BOOKED_ON)
    booking.cancel(cancelled, now=BOOKED_ON)
    booking.book(location, topic, NINE + datetime.timedelta(hours=1), guest(5), needs_confirmation=True,
                 now=BOOKED_ON)  # never confirmed

    assert reminders.send_reminders(at(2026, 12, 7, 9, 55)) == 0  # not before ten
    assert reminders.send_reminders(DAY_BEFORE) == 2
    assert reminders.send_reminders(DAY_BEFORE + datetime.timedelta(minutes=15)) == 0  # the next beat run

    assert reminded() == ["guest1@example.org", "guest2@example.org"]
    assert Appointment.objects.get(pk=first.pk).reminded_at == DAY_BEFORE


@pytest.mark.django_db
def test_a_moved_appointment_is_reminded_of_its_new_day(location, topic):
    appointment = booking.book(location, topic, NINE, guest(1), now=BOOKED_ON)
    assert reminders.send_reminders(DAY_BEFORE) == 1
    booking.reschedule(appointment, NINE + datetime.timedelta(days=1), staff=True, now=DAY_BEFORE)  # by the counter
    assert reminders.send_reminders(DAY_BEFORE + datetime.timedelta(days=1)) == 1
    assert reminded() == ["guest1@example.org", "guest1@example.org"]


@pytest.mark.django_db
def test_tomorrow_is_a_brussels_day_also_in_the_week_summer_time_ends(location, topic):
    # Monday 26 October 2026 follows the night the clocks go back.
    booking.book(location, topic, at(2026, 10, 26, 9), guest(1), now=at(2026, 10, 20, 8))
    booking.book(location, topic, at(2026, 10, 26, 15, 40), guest(2), now=at(2026, 10, 20, 8))
    assert reminders.send_reminders(at(2026, 10, 25, 10, 0)) == 2


@pytest.mark.django_db
def test_the_beat_task_runs_the_same_rule_on_the_real_clock(location, topic, carla, settings):
    settings.APPOINTMENT_REMINDER_FROM = "00:00"  # whatever the hour the suite runs at, reminders are due
    now = timezone.localtime(timezone.now(), BRUSSELS)
    tomorrow = now.date() + datetime.timedelta(days=1)
    stretches = slots.calendar(location, tomorrow, tomorrow).stretches(tomorrow)
    if not stretches:  # the counter is closed tomorrow: open an extra hour, so there is something to remind
        SpecialDay.objects.create(location=location, date=tomorrow, kind=SpecialDay.Kind.EXTRA,
                                  opens=datetime.time(10), closes=datetime.time(11))
        stretches = [(datetime.time(10), datetime.time(11))]
    start = slots.starts_on(tomorrow, stretches, topic.duration_minutes)[0]
    booking.book(location, topic, start, guest(1), staff=carla, now=now)
    assert tasks.send_reminders.delay().get() == 1
    assert tasks.send_reminders.delay().get() == 0
    assert len(reminded()) == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_remind_nobody_twice(location, topic):
    for n in range(6):
        booking.book(location, topic, NINE + datetime.timedelta(minutes=20 * n), guest(n), now=BOOKED_ON)
    barrier = threading.Barrier(2)
    counts = []

    def run():
        try:
            barrier.wait(timeout=10)
            counts.append(reminders.send_reminders(DAY_BEFORE))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sum(counts) == 6
    assert reminded() == [f"guest{n}@example.org" for n in range(6)]


@pytest.mark.django_db
def test_expire_unconfirmed_runs_as_a_task(location, topic):
    appointment = booking.book(location, topic, NINE, guest(1), needs_confirmation=True, now=BOOKED_ON)
    Appointment.objects.filter(pk=appointment.pk).update(created=appointment.created - datetime.timedelta(hours=1))
    assert tasks.expire_unconfirmed.delay().get() == 1
    assert tasks.expire_unconfirmed.delay().get() == 0
    assert Appointment.objects.get().status == "cancelled"


def test_with_a_real_worker_the_tasks_run_and_the_invitation_is_delivered(celery_worker, location, topic):
    from django.core import mail

    from tests.notifications.test_worker import wait_for

    unconfirmed = booking.book(location, topic, NINE, guest(1), needs_confirmation=True, now=BOOKED_ON)
    Appointment.objects.filter(pk=unconfirmed.pk).update(created=unconfirmed.created - datetime.timedelta(hours=1))
    booked = booking.book(location, topic, NINE + datetime.timedelta(minutes=20), guest(2), now=BOOKED_ON)

    tasks.expire_unconfirmed.delay()  # as beat sends it: the worker gives the place back
    assert wait_for(lambda: Appointment.objects.get(pk=unconfirmed.pk).status == "cancelled")
    assert wait_for(lambda: any(email.to == ["guest2@example.org"] for email in mail.outbox))
    [email] = [email for email in mail.outbox if email.to == ["guest2@example.org"]]
    [(name, _content, mimetype)] = email.attachments
    assert name == f"afspraak-{booked.reference}.ics" and mimetype == "text/calendar; method=REQUEST"


@pytest.mark.django_db
def test_the_city_sets_the_hour_reminders_start(location, topic, settings):
    settings.APPOINTMENT_REMINDER_FROM = "08:30"
    booking.book(location, topic, NINE, guest(1), now=BOOKED_ON)
    assert reminders.send_reminders(at(2026, 12, 7, 8, 25)) == 0
    assert reminders.send_reminders(at(2026, 12, 7, 8, 30)) == 1


@pytest.mark.django_db
def test_the_city_sets_how_long_a_guest_has_to_confirm(location, topic, settings):
    settings.APPOINTMENT_CONFIRM_MINUTES = 60
    booking.book(location, topic, NINE, guest(1), needs_confirmation=True, now=BOOKED_ON)
    Appointment.objects.update(created=timezone.now() - datetime.timedelta(minutes=45))
    assert booking.expire_unconfirmed() == 0
    settings.APPOINTMENT_CONFIRM_MINUTES = 30
    assert booking.expire_unconfirmed() == 1
