"""Counter staff work the day agenda in Chromium: open it, mark an appointment attended, book a walk-in, block a slot.
The city admin's configuration pages too. Every admin page visited passes the accessibility scan."""

import datetime
import re

import pytest
from django.utils import timezone

from appointments import booking, slots
from appointments.models import Appointment, AppointmentStatus, Location, Slot, Topic
from tests.accounts.helpers import totp_code
from tests.e2e.helpers import log_in
from tests.personas import city_admin, counter_staff

pytestmark = pytest.mark.django_db(transaction=True)


def open_days(location, topic, first: datetime.date, step: int) -> datetime.date:
    """The first day, going forward (step 1) or back (step -1) from `first`, on which the counter is open."""
    day = first
    while not slots.calendar(location, day, day).is_open(day):
        day += datetime.timedelta(days=step)
    return day


@pytest.fixture
def counter(demo_city):
    """The demo city's parking counter, a booking of yesterday (or the last open day) and a free day ahead."""
    location = Location.objects.get()
    topic = Topic.objects.get(name_nl="Bewonerskaart")
    past_day = open_days(location, topic, timezone.localdate() - datetime.timedelta(days=1), -1)
    first = slots.starts_on(past_day, slots.calendar(location, past_day, past_day).stretches(past_day), 20)[0]
    past = booking.book(location, topic, first, booking.Booker(name="Jan Claes", email="jan@example.org"),
                        now=first - datetime.timedelta(days=3))
    ahead = open_days(location, topic, timezone.localdate() + datetime.timedelta(days=2), 1)
    return location, topic, past, ahead


def test_counter_staff_work_the_day_agenda(visitor, counter):
    location, topic, past, ahead = counter
    carla = counter_staff()
    page = visitor.page
    log_in(visitor, carla, code=totp_code(carla.totp_secret))

    # The app's page links to the agenda; one location opens straight away.
    visitor.visit("/admin/appointments/")
    page.click("a[href='/admin/appointments/appointment/agenda/']")
    page.wait_for_url(re.compile(rf"/agenda/{location.pk}/$"))
    visitor.check()

    # Yesterday's appointment is marked attended from the agenda.
    page.fill("input[name=day]", timezone.localdate(past.starts_at).isoformat())
    page.click("form.agenda-filter button[type=submit]")
    page.wait_for_url(re.compile(r"day="))
    visitor.check()
    assert "Jan Claes" in page.content()
    page.click(f"form[action$='/appointment/{past.pk}/attended/'] button")
    page.wait_for_load_state("load")
    visitor.check()
    assert Appointment.objects.get(pk=past.pk).status == AppointmentStatus.ATTENDED

    # A walk-in is booked for a free time on a day ahead.
    visitor.visit(f"/admin/appointments/appointment/agenda/{location.pk}/?day={ahead.isoformat()}")
    page.click(f"a[href^='/admin/appointments/appointment/agenda/{location.pk}/book/']")
    page.wait_for_load_state("load")
    visitor.check()
    page.select_option("select[name=topic]", str(topic.pk))
    page.fill("input[name=day]", ahead.isoformat())
    page.click("form[method=get] input[type=submit]")
    page.wait_for_url(re.compile(r"topic="))
    visitor.check()
    page.locator("input[name=starts_at]").first.check()
    page.fill("input[name=name]", "Marie Peeters")
    page.fill("input[name=phone]", "0470 12 34 56")
    page.click("form[method=post] input[type=submit]")
    page.wait_for_url(re.compile(rf"/agenda/{location.pk}/\?day="))
    visitor.check()
    walk_in = Appointment.objects.get(name="Marie Peeters")
    assert (walk_in.booked_by, walk_in.channel) == (carla, "counter")
    assert "Marie Peeters" in page.content()

    # Blocking the walk-in's slot shows her name first, then cancels her appointment.
    page.click(f"a[href^='/admin/appointments/appointment/agenda/{location.pk}/block/']")
    page.wait_for_load_state("load")
    visitor.check()
    page.select_option("select[name=topic]", str(topic.pk))
    page.click("form[method=get] input[type=submit]")
    page.wait_for_url(re.compile(r"topic="))
    visitor.check()
    page.check(f"input[name=starts_at][value='{timezone.localtime(walk_in.starts_at).isoformat()}']")
    page.click("form[method=get] input.default")
    page.wait_for_url(re.compile(r"starts_at="))
    visitor.check()
    assert "Marie Peeters" in page.content()
    page.fill("textarea[name=reason]", "Fire drill")
    page.click("form[method=post] input[type=submit]")
    page.wait_for_url(re.compile(rf"/agenda/{location.pk}/\?day="))
    visitor.check()
    assert "Fire drill" in page.content()
    assert Slot.objects.get(starts_at=walk_in.starts_at, topic=topic).blocked
    assert Appointment.objects.get(pk=walk_in.pk).status == AppointmentStatus.CANCELLED

    # The appointment pages and the list.
    for path in (f"/admin/appointments/appointment/{past.pk}/change/", "/admin/appointments/appointment/",
                 f"/admin/appointments/appointment/{walk_in.pk}/change/"):
        visitor.visit(path)
    other = booking.book(location, topic, booking_time(location, topic, ahead), booking.Booker(
        name="Els Maes", email="els@example.org"), channel="phone", staff=carla)
    for path in (f"/admin/appointments/appointment/{other.pk}/move/", f"/admin/appointments/appointment/{other.pk}/cancel/",
                 f"/admin/appointments/appointment/{past.pk}/change/"):
        visitor.visit(path)


def booking_time(location, topic, day) -> datetime.datetime:
    return slots.free_slots(location, topic, day, 1, ignore_window=True)[0].starts_at


def test_the_city_admin_configuration_pages_pass_the_scan(visitor, counter):
    location, topic, _past, _ahead = counter
    ida = city_admin()
    log_in(visitor, ida, code=totp_code(ida.totp_secret))
    for path in ("/admin/appointments/location/", f"/admin/appointments/location/{location.pk}/change/",
                 "/admin/appointments/topic/", f"/admin/appointments/topic/{topic.pk}/change/",
                 "/admin/appointments/topic/add/", "/admin/appointments/slot/"):
        visitor.visit(path)
