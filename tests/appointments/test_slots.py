"""Slot generation: opening hours, exceptions, holidays, the booking window and both summer-time nights."""

import datetime
from zoneinfo import ZoneInfo

from appointments import booking, slots
from appointments.models import OpeningHours, SpecialDay
from eloket.city.models import PublicHoliday

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def local_times(free) -> list[str]:
    return [f"{slot.local_start:%H:%M}" for slot in free]


def test_it_fills_each_stretch_from_its_opening_time(location, topic):
    free = slots.free_slots(location, topic, datetime.date(2026, 12, 7), 1, now=at(2026, 12, 1, 8))
    assert local_times(free) == ["09:00", "09:20", "09:40", "10:00", "10:20", "10:40", "11:00", "11:20", "11:40",
                                 "13:00", "13:20", "13:40", "14:00", "14:20", "14:40", "15:00", "15:20", "15:40"]
    assert all(slot.free == 1 for slot in free)
    assert free[0].ends_at - free[0].starts_at == datetime.timedelta(minutes=20)


def test_a_slot_must_end_by_closing_time(location, topic):
    topic.duration_minutes = 45
    topic.save()
    free = slots.free_slots(location, topic, datetime.date(2026, 12, 12), 1, now=at(2026, 12, 1, 8))
    assert local_times(free) == ["09:00", "09:45", "10:30", "11:15"]  # 12:00 is closing time: 11:15 ends exactly then

def test_sunday_a_holiday_and_a_closure_offer_nothing(location, topic):
    PublicHoliday.objects.create(date=datetime.date(2026, 12, 25), name_nl="Kerstmis")
    SpecialDay.objects.create(location=location, date=datetime.date(2026, 12, 24), kind=SpecialDay.Kind.CLOSED,
                              reason="Personeelsfeest")
    now = at(2026, 12, 1, 8)
    assert slots.free_slots(location, topic, datetime.date(2026, 12, 13), 1, now=now) == []  # Sunday
    assert slots.free_slots(location, topic, datetime.date(2026, 12, 24), 2, now=now) == []


def test_extra_hours_add_slots_even_on_a_closed_day(location, topic):
    SpecialDay.objects.create(location=location, date=datetime.date(2026, 12, 13), kind=SpecialDay.Kind.EXTRA,
                              opens=datetime.time(10), closes=datetime.time(11))
    free = slots.free_slots(location, topic, datetime.date(2026, 12, 13), 1, now=at(2026, 12, 1, 8))
    assert local_times(free) == ["10:00", "10:20", "10:40"]


def test_hours_follow_their_validity_period(location, topic):
    OpeningHours.objects.filter(location=location, weekday=0).update(valid_to=datetime.date(2026, 12, 13))
    OpeningHours.objects.create(location=location, weekday=0, opens=datetime.time(14), closes=datetime.time(15),
                                valid_from=datetime.date(2026, 12, 14))
    now = at(2026, 12, 1, 8)
    assert len(slots.free_slots(location, topic, datetime.date(2026, 12, 7), 1, now=now)) == 18
    assert local_times(slots.free_slots(location, topic, datetime.date(2026, 12, 14), 1, now=now)) == [
        "14:00", "14:20", "14:40"]


def test_the_window_hides_slots_too_soon_and_too_far(location, topic):
    now = at(2026, 12, 7, 9, 30)  # minimum notice two hours: the first slot is 11:40
    free = slots.free_slots(location, topic, datetime.date(2026, 12, 7), 1, now=now)
    assert local_times(free)[0] == "11:40"
    assert slots.free_slots(location, topic, datetime.date(2027, 2, 8), 1, now=now) == []  # beyond 60 days
    staff_view = slots.free_slots(location, topic, datetime.date(2026, 12, 7), 1, now=now, ignore_window=True)
    assert local_times(staff_view)[0] == "09:40"


def test_slots_keep_their_wall_clock_time_across_summer_time(location, topic):
    now = at(2026, 3, 20, 8)
    before = slots.free_slots(location, topic, datetime.date(2026, 3, 27), 1, now=now)  # Friday, winter time
    after = slots.free_slots(location, topic, datetime.date(2026, 3, 30), 1, now=now)  # Monday, summer time
    assert local_times(before) == local_times(after)
    assert before[0].starts_at.utcoffset() == datetime.timedelta(hours=1)
    assert after[0].starts_at.utcoffset() == datetime.timedelta(hours=2)
    assert before[0].starts_at == datetime.datetime(2026, 3, 27, 8, tzinfo=datetime.UTC)
    assert after[0].starts_at == datetime.datetime(2026, 3, 30, 7, tzinfo=datetime.UTC)
    autumn = slots.free_slots(location, topic, datetime.date(2026, 10, 26), 1, now=at(2026, 10, 20, 8))
    assert autumn[0].starts_at == datetime.datetime(2026, 10, 26, 8, tzinfo=datetime.UTC)


def test_hours_in_the_night_of_the_change_skip_the_missing_hour(location, topic):
    # Sunday 29 March 2026: 02:00-03:00 does not exist in Brussels.
    SpecialDay.objects.create(location=location, date=datetime.date(2026, 3, 29), kind=SpecialDay.Kind.EXTRA,
                              opens=datetime.time(1), closes=datetime.time(4))
    free = slots.free_slots(location, topic, datetime.date(2026, 3, 29), 1, now=at(2026, 3, 20, 8))
    assert local_times(free) == ["01:00", "01:20", "01:40", "03:00", "03:20", "03:40"]
    assert all(slot.starts_at < later.starts_at for slot, later in zip(free, free[1:], strict=False))


def test_a_full_or_blocked_slot_is_not_offered(location, topic):
    now = at(2026, 12, 1, 8)
    booking.book(location, topic, at(2026, 12, 7, 9), booking.Booker(name="A", email="a@example.org"), now=now)
    booking.block(location, topic, at(2026, 12, 7, 9, 20), reason="Opleiding")
    free = slots.free_slots(location, topic, datetime.date(2026, 12, 7), 1, now=now)
    assert local_times(free)[:2] == ["09:40", "10:00"]


def test_free_slots_take_four_queries_whatever_the_range(location, topic, django_assert_num_queries):
    now = at(2026, 12, 1, 8)
    for hour in (9, 10, 11):
        booking.book(location, topic, at(2026, 12, 7, hour), booking.Booker(name="A", email="a@example.org"), now=now)
    with django_assert_num_queries(4):
        one_week = slots.free_slots(location, topic, datetime.date(2026, 12, 7), 7, now=now)
    with django_assert_num_queries(4):
        many = slots.free_slots(location, topic, datetime.date(2026, 12, 7), 50, now=now)
    assert len(many) > len(one_week) > 0


def test_a_chosen_time_is_checked(location, topic):
    now = at(2026, 12, 1, 8)
    cases = {
        at(2026, 11, 30, 9): "past",
        at(2026, 12, 1, 9): "too_soon",
        at(2027, 3, 1, 9): "too_far",
        at(2026, 12, 13, 9): "closed",
        at(2026, 12, 7, 9, 5): "not_a_slot",
        at(2026, 12, 7, 12, 0): "not_a_slot",
    }
    for moment, code in cases.items():
        try:
            slots.check_start(location, topic, moment, now)
        except slots.NotBookable as refused:
            assert refused.code == code, moment
        else:
            raise AssertionError(f"{moment} was accepted")
    slots.check_start(location, topic, at(2026, 12, 7, 9, 20), now)
