"""Office hours: open or closed at a moment, the next opening, public holidays, and the days the clocks change."""

import datetime
import zoneinfo

import pytest

from chat import hours
from chat.demo import seed_chat
from chat.models import OfficeHours
from eloket.city.models import PublicHoliday

pytestmark = pytest.mark.django_db
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


@pytest.fixture
def week():
    """The demo city's hours: weekdays 9-12, and 13-16 except on Wednesday."""
    seed_chat()


def test_it_is_open_during_the_hours_and_says_until_when(week):
    state = hours.chat_hours(at(2026, 3, 3, 10, 15))  # a Tuesday
    assert state.is_open and state.next_opening is None
    assert state.closes_at == at(2026, 3, 3, 12)


def test_it_is_closed_over_lunch_and_opens_again_after_it(week):
    state = hours.chat_hours(at(2026, 3, 3, 12, 30))
    assert not state.is_open
    assert state.next_opening == at(2026, 3, 3, 13)


def test_the_closing_minute_is_closed_and_the_opening_minute_open(week):
    assert not hours.is_open(at(2026, 3, 3, 12, 0))
    assert hours.is_open(at(2026, 3, 3, 9, 0))


def test_wednesday_afternoon_is_closed_until_thursday_morning(week):
    assert hours.next_opening(at(2026, 3, 4, 14)) == at(2026, 3, 5, 9)


def test_after_friday_it_opens_on_monday(week):
    assert hours.next_opening(at(2026, 3, 6, 17)) == at(2026, 3, 9, 9)


def test_a_public_holiday_is_closed_and_skipped(week):
    PublicHoliday.objects.create(date=datetime.date(2026, 4, 6), name_nl="Paasmaandag", name_en="Easter Monday")
    assert not hours.is_open(at(2026, 4, 6, 10))
    assert hours.next_opening(at(2026, 4, 3, 17)) == at(2026, 4, 7, 9)


def test_the_next_opening_after_the_spring_clock_change_is_nine_on_the_wall_clock(week):
    # The clocks go forward in the night of Saturday 28 to Sunday 29 March 2026.
    opening = hours.next_opening(at(2026, 3, 27, 17))
    assert opening.astimezone(BRUSSELS).hour == 9
    assert opening.utcoffset() == datetime.timedelta(hours=2)
    assert opening.astimezone(datetime.UTC) == datetime.datetime(2026, 3, 30, 7, tzinfo=datetime.UTC)


def test_the_next_opening_after_the_autumn_clock_change_is_nine_on_the_wall_clock(week):
    # The clocks go back in the night of Saturday 24 to Sunday 25 October 2026.
    opening = hours.next_opening(at(2026, 10, 23, 17))
    assert opening.astimezone(datetime.UTC) == datetime.datetime(2026, 10, 26, 8, tzinfo=datetime.UTC)


def test_hours_on_the_day_the_clocks_change_keep_their_wall_clock_times(db):
    OfficeHours.objects.create(weekday=6, opens=datetime.time(9), closes=datetime.time(11))  # Sundays
    sunday = datetime.date(2026, 3, 29)
    assert hours.is_open(datetime.datetime(2026, 3, 29, 7, 30, tzinfo=datetime.UTC))  # 09:30 summer time
    assert not hours.is_open(datetime.datetime(2026, 3, 29, 9, 30, tzinfo=datetime.UTC))  # 11:30 summer time
    assert hours.next_opening(datetime.datetime.combine(sunday, datetime.time(0, 30), tzinfo=BRUSSELS)) == at(
        2026, 3, 29, 9)


def test_a_moment_in_utc_is_judged_on_the_brussels_clock(week):
    # 08:30 UTC on a summer Tuesday is 10:30 in Brussels: open; 06:30 UTC is 08:30: closed.
    assert hours.is_open(datetime.datetime(2026, 6, 2, 8, 30, tzinfo=datetime.UTC))
    assert not hours.is_open(datetime.datetime(2026, 6, 2, 6, 30, tzinfo=datetime.UTC))


def test_without_office_hours_it_is_closed_with_no_next_opening(db):
    state = hours.chat_hours(at(2026, 3, 3, 10))
    assert not state.is_open and state.next_opening is None


def test_the_week_schedule_lists_the_days_with_hours(week):
    schedule = hours.week_schedule()
    assert [len(periods) for _day, periods in schedule] == [2, 2, 1, 2, 2]
