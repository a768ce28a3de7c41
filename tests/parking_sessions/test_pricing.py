"""Pricing a parking stay: worked examples from Genk's tariffs, properties that hold for any tariff, quotes that count
the free hour once per plate, zone and day, and the parking-disc time (domain.md 5.2, 5.4)."""

import dataclasses
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eloket.city import demo
from eloket.city.models import Tariff, Zone, ZoneKind
from parking_sessions import pricing
from parking_sessions.models import Channel, ParkingSession, SessionStatus
from parking_sessions.pricing import Quote, TariffRules, breakdown, is_paid_time, max_end, price, quote
from parking_sessions.refusals import SessionRefused
from parking_sessions.sessions import disc_time, start_session, stop_session

BRUSSELS = ZoneInfo("Europe/Brussels")
HOLIDAYS_2026 = frozenset(date for date, _nl, _en in demo.belgian_public_holidays(2026))
PLATE = "1ABC123"


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def demo_rules(code: str) -> TariffRules:
    """The demo city's tariff for a zone, as demo.py seeds it."""
    hours = {int(day): (demo.PAID_HOURS,) for day in demo.PAID_DAYS}
    return TariffRules(hours=hours, **demo.TARIFFS[code])


C1, C2 = demo_rules("C1"), demo_rules("C2")
NO_FREE_HOUR = dataclasses.replace(C1, free_minutes=0)


# --- Worked examples: Genk, €1 per half hour in the centre (C1), €0.50 elsewhere (C2), Mon-Sat 9:00-18:00 ----------

class TestGenk:
    def test_the_first_hour_is_free(self):
        assert price(C1, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 11, 0)) == Decimal("0.00")

    def test_a_started_half_hour_is_charged(self):
        # Wednesday 10:00-11:10: 70 paid minutes, 60 free, 10 charged: one half hour.
        assert price(C1, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 11, 10)) == Decimal("1.00")

    def test_two_and_a_half_hours_and_a_minute(self):
        # 10:00-12:31: 151 paid minutes, 60 free, 91 charged: four half hours.
        assert price(C1, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 12, 31)) == Decimal("4.00")
        assert price(C2, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 12, 31)) == Decimal("2.00")

    def test_a_started_minute_counts(self):
        # 10:00:30-11:30:10 is charged as 10:00-11:31: 91 minutes without the free hour, four half hours.
        assert price(NO_FREE_HOUR, at(2026, 4, 15, 10, 0, 30), at(2026, 4, 15, 11, 30, 10)) == Decimal("4.00")

    def test_what_is_left_of_the_free_hour(self):
        start = at(2026, 4, 15, 10, 0)
        assert price(C1, start, at(2026, 4, 15, 11, 0), free_minutes_left=0) == Decimal("2.00")
        # 20 free minutes left: 50 minutes leave 30 charged (one half hour), an hour leaves 40 (two).
        assert price(C1, start, at(2026, 4, 15, 10, 50), free_minutes_left=20) == Decimal("1.00")
        assert price(C1, start, at(2026, 4, 15, 11, 0), free_minutes_left=20) == Decimal("2.00")

    def test_a_stay_across_six_in_the_evening_pays_until_six(self):
        # Tuesday 16:30-19:00: 90 paid minutes, 60 free, one half hour; the evening is free.
        start, end = at(2026, 4, 14, 16, 30), at(2026, 4, 14, 19, 0)
        assert price(C1, start, end) == Decimal("1.00")
        assert price(C1, start, end, free_minutes_left=0) == Decimal("3.00")
        assert price(C1, at(2026, 4, 14, 17, 30), at(2026, 4, 14, 22, 0), free_minutes_left=0) == Decimal("1.00")

    def test_sunday_is_free(self):
        assert price(C1, at(2026, 4, 12, 10, 0), at(2026, 4, 12, 15, 0), free_minutes_left=0) == Decimal("0.00")

    def test_a_public_holiday_is_free(self):
        easter_monday = (at(2026, 4, 6, 10, 0), at(2026, 4, 6, 12, 0))
        assert price(C1, *easter_monday, holidays=HOLIDAYS_2026) == Decimal("0.00")
        assert price(C1, *easter_monday) == Decimal("2.00")  # an ordinary Monday

    def test_a_stay_over_night_has_a_free_hour_each_day(self):
        # Monday 17:00 - Tuesday 10:30: Monday's hour is free, Tuesday has 90 paid minutes of which 60 are free.
        start, end = at(2026, 4, 13, 17, 0), at(2026, 4, 14, 10, 30)
        assert price(C1, start, end) == Decimal("1.00")
        # Once per stay instead of per day: 150 paid minutes, 60 free, three half hours.
        assert price(dataclasses.replace(C1, free_once_per_day=False), start, end) == Decimal("3.00")

    def test_the_night_summer_time_ends(self):
        # Saturday 24 October 2026 16:00 (summer time) to Monday 26 October 11:00 (winter time): 16:00-18:00 and
        # 9:00-11:00 local, each day with its free hour: 120 charged minutes.
        result = breakdown(C1, at(2026, 10, 24, 16, 0), at(2026, 10, 26, 11, 0), holidays=HOLIDAYS_2026)
        assert (result.paid_minutes, result.free_minutes, result.units, result.amount) == (240, 120, 4, Decimal("4.00"))
        assert result.paid_by_day == {datetime.date(2026, 10, 24): 120, datetime.date(2026, 10, 26): 120}

    def test_the_night_summer_time_begins(self):
        # Saturday 28 March 2026 17:00 (winter time) to Monday 30 March 10:30 (summer time).
        result = breakdown(C1, at(2026, 3, 28, 17, 0), at(2026, 3, 30, 10, 30), holidays=HOLIDAYS_2026)
        assert (result.paid_minutes, result.amount) == (150, Decimal("1.00"))

    def test_paid_hours_over_the_switch_charge_the_real_time(self):
        night = TariffRules(Decimal("1.00"), 60, None, 0, True, 0, True, {6: ((datetime.time(0), datetime.time(6)),)})
        assert price(night, at(2026, 3, 29, 0, 0), at(2026, 3, 29, 6, 0)) == Decimal("5.00")  # an hour skipped
        assert price(night, at(2026, 10, 25, 0, 0), at(2026, 10, 25, 6, 0)) == Decimal("7.00")  # an hour twice

    def test_paid_hours_until_midnight(self):
        evening = TariffRules(Decimal("2.00"), 30, None, 0, True, 0, True, {2: ((datetime.time(20), datetime.time(0)),)})
        assert price(evening, at(2026, 4, 15, 23, 0), at(2026, 4, 16, 2, 0)) == Decimal("2.00")

    def test_other_billing_units(self):
        start, end = at(2026, 4, 15, 10, 0), at(2026, 4, 15, 12, 31)  # 91 charged minutes
        assert price(dataclasses.replace(C1, billing_unit_minutes=15), start, end) == Decimal("3.50")
        assert price(dataclasses.replace(C1, billing_unit_minutes=60), start, end) == Decimal("4.00")

    def test_the_amount_is_rounded_half_up_once_per_stay(self):
        odd = dataclasses.replace(NO_FREE_HOUR, price_per_hour=Decimal("1.53"))  # €0.765 per half hour
        assert price(odd, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 10, 30)) == Decimal("0.77")
        assert price(odd, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 11, 30)) == Decimal("2.30")  # not 3 x 0.77

    def test_an_empty_or_reversed_stay_costs_nothing(self):
        assert price(C1, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 10, 0)) == pricing.ZERO
        assert price(C1, at(2026, 4, 15, 12, 0), at(2026, 4, 15, 10, 0)) == pricing.ZERO

    def test_a_naive_time_is_refused(self):
        with pytest.raises(ValueError):
            price(C1, datetime.datetime(2026, 4, 15, 10, 0), at(2026, 4, 15, 12, 0))

    @pytest.mark.parametrize(("moment", "paid"), [
        (at(2026, 4, 14, 9, 0), True), (at(2026, 4, 14, 17, 59), True), (at(2026, 4, 14, 8, 59), False),
        (at(2026, 4, 14, 18, 0), False), (at(2026, 4, 12, 12, 0), False), (at(2026, 4, 6, 12, 0), False),
        (at(2026, 10, 26, 9, 30), True), (at(2026, 10, 26, 8, 30), False),
    ])
    def test_paid_time(self, moment, paid):
        assert is_paid_time(C1, moment, HOLIDAYS_2026) is paid

    def test_the_grace_time_to_register_is_carried_for_enforcement(self):
        assert C1.grace_minutes == 15


class TestMaximumStay:
    RULES = dataclasses.replace(C1, max_duration_minutes=120)

    @pytest.mark.parametrize(("start", "latest"), [
        (at(2026, 4, 15, 10, 0), at(2026, 4, 15, 12, 0)),
        (at(2026, 4, 15, 7, 0), at(2026, 4, 15, 11, 0)),  # the time before 9:00 is free and does not count
        (at(2026, 4, 15, 16, 30), at(2026, 4, 16, 9, 30)),  # 90 minutes today, 30 tomorrow
        (at(2026, 4, 15, 16, 0), at(2026, 4, 16, 9, 0)),  # reached at 18:00: free until paid time begins again
        (at(2026, 4, 11, 17, 0), at(2026, 4, 13, 10, 0)),  # Saturday to Monday over a free Sunday
    ])
    def test_the_latest_end_counts_paid_time_only(self, start, latest):
        assert max_end(self.RULES, start, holidays=HOLIDAYS_2026) == latest

    def test_no_maximum_has_no_latest_end(self):
        assert max_end(C1, at(2026, 4, 15, 10, 0)) is None


# --- Properties that hold for any tariff ----------------------------------------------------------------------------

# Around the switch to summer time and Easter Monday, and around the switch back.
ANCHORS = [at(2026, 3, 25, 0, 0), at(2026, 10, 21, 0, 0)]
WINDOW_DAYS = 14
WINDOW_DATES = sorted({(anchor + datetime.timedelta(days=n)).date() for anchor in ANCHORS for n in range(WINDOW_DAYS + 4)})
PROPERTY = settings(max_examples=150, deadline=None)


def clock(minutes: int) -> datetime.time:
    return datetime.time(0) if minutes == 1440 else datetime.time(minutes // 60, minutes % 60)


@st.composite
def tariffs(draw, first=0, last=1440):
    """Any tariff whose paid stretches lie within [first, last) minutes of the day; a unit price in whole cents."""
    unit = draw(st.sampled_from([15, 30, 60]))
    hours = {}
    for weekday in range(7):
        stretches = []
        for _ in range(draw(st.integers(0, 2))):
            begin = draw(st.integers(first, last - 1))
            stretches.append((clock(begin), clock(draw(st.integers(begin + 1, last)))))
        hours[weekday] = tuple(stretches)
    return TariffRules(
        price_per_hour=Decimal(draw(st.integers(0, 400)) * (60 // unit)) / 100, billing_unit_minutes=unit,
        max_duration_minutes=None, free_minutes=draw(st.sampled_from([0, 15, 20, 30, 60, 90])),
        free_once_per_day=draw(st.booleans()), grace_minutes=15, free_on_public_holidays=draw(st.booleans()), hours=hours)


@st.composite
def stays(draw, longest_minutes=3 * 24 * 60):
    """A stay starting anywhere in the windows, up to three days long, with or without seconds."""
    anchor = draw(st.sampled_from(ANCHORS)).astimezone(datetime.UTC)
    start = anchor + datetime.timedelta(minutes=draw(st.integers(0, WINDOW_DAYS * 24 * 60)),
                                        seconds=draw(st.sampled_from([0, 0, 0, 1, 30, 59])))
    end = start + datetime.timedelta(minutes=draw(st.integers(0, longest_minutes)), seconds=draw(st.sampled_from([0, 0, 29])))
    return start, end


holiday_sets = st.frozensets(st.sampled_from(WINDOW_DATES), max_size=4)
free_left_by_day = st.one_of(st.none(), st.dictionaries(st.sampled_from(WINDOW_DATES), st.integers(0, 120), max_size=4))
free_left_any = st.one_of(free_left_by_day, st.integers(-10, 150))


def allowance(rules: TariffRules, left, day: datetime.date, first_day: datetime.date) -> int:
    """The free minutes `left` grants on `day`, as price() documents it."""
    if left is None:
        granted = rules.free_minutes
    elif isinstance(left, dict):
        granted = left.get(day, rules.free_minutes)
    else:
        granted = left if day == first_day else rules.free_minutes
    return max(0, min(granted, rules.free_minutes))


@PROPERTY
@given(rules=tariffs(), stay=stays(), holidays=holiday_sets, left=free_left_any)
def test_a_price_is_never_negative_and_in_whole_cents(rules, stay, holidays, left):
    amount = price(rules, *stay, holidays=holidays, free_minutes_left=left)
    assert amount >= 0
    assert amount.as_tuple().exponent == -2


@PROPERTY
@given(rules=tariffs(first=9 * 60, last=18 * 60), day=st.sampled_from(WINDOW_DATES), data=st.data())
def test_a_stay_in_the_night_outside_paid_hours_is_free(rules, day, data):
    """Paid hours within 9:00-18:00; any stay between 18:00 and 9:00 the next morning (also over a switch night)."""
    evening = at(day.year, day.month, day.day, 18, 0).astimezone(datetime.UTC)
    following = day + datetime.timedelta(days=1)
    morning = at(following.year, following.month, following.day, 9, 0).astimezone(datetime.UTC)
    night = int((morning - evening).total_seconds())
    begin = data.draw(st.integers(0, night))
    start = evening + datetime.timedelta(seconds=begin)
    end = evening + datetime.timedelta(seconds=data.draw(st.integers(begin, night)))
    assert price(rules, start, end, free_minutes_left=0) == pricing.ZERO


@PROPERTY
@given(rules=tariffs(), day=st.sampled_from(WINDOW_DATES), holiday=st.booleans(), data=st.data())
def test_a_stay_on_a_day_without_paid_hours_is_free(rules, day, holiday, data):
    """The day is a public holiday the tariff leaves free, or a weekday without paid hours."""
    if holiday:
        rules, holidays = dataclasses.replace(rules, free_on_public_holidays=True), frozenset({day})
    else:
        rules, holidays = dataclasses.replace(rules, hours={**rules.hours, day.weekday(): ()}), frozenset()
    midnight = at(day.year, day.month, day.day).astimezone(datetime.UTC)
    following = day + datetime.timedelta(days=1)
    length = int((at(following.year, following.month, following.day).astimezone(datetime.UTC) - midnight).total_seconds())
    begin = data.draw(st.integers(0, length))
    start = midnight + datetime.timedelta(seconds=begin)
    end = midnight + datetime.timedelta(seconds=data.draw(st.integers(begin, length)))
    assert price(rules, start, end, holidays=holidays, free_minutes_left=0) == pricing.ZERO


@PROPERTY
@given(rules=tariffs(), stay=stays(), later=st.integers(0, 2 * 24 * 3600), holidays=holiday_sets, left=free_left_any)
def test_a_later_end_never_costs_less(rules, stay, later, holidays, left):
    start, end = stay
    longer = end + datetime.timedelta(seconds=later)
    assert price(rules, start, end, holidays=holidays, free_minutes_left=left) <= price(
        rules, start, longer, holidays=holidays, free_minutes_left=left)


@PROPERTY
@given(rules=tariffs(), stay=stays(), holidays=holiday_sets, left=free_left_by_day, data=st.data())
def test_a_shorter_stay_within_a_longer_one_never_costs_more(rules, stay, holidays, left, data):
    """With the same free period left on each day (all of it, or a left-over per day): a number would apply to each
    stay's own first day, which differ."""
    start, end = stay
    length = int((end - start).total_seconds())
    begin = data.draw(st.integers(0, length))
    inner_start = start + datetime.timedelta(seconds=begin)
    inner_end = start + datetime.timedelta(seconds=data.draw(st.integers(begin, length)))
    assert price(rules, inner_start, inner_end, holidays=holidays, free_minutes_left=left) <= price(
        rules, start, end, holidays=holidays, free_minutes_left=left)


def _charged(rules, start, end, holidays, left) -> int:
    result = breakdown(rules, start, end, holidays=holidays, free_minutes_left=left)
    return result.paid_minutes - result.free_minutes


def _split_moment(rules, start, end, holidays, left, target: int, latest: bool) -> datetime.datetime:
    """The first (or last) whole minute after the start at which the charged minutes reach exactly `target`.

    Charged minutes grow by at most one a minute and never shrink, so a bisection over the minutes finds it."""
    first = start.astimezone(datetime.UTC).replace(second=0, microsecond=0)
    low, high = 0, -(-int((end - first).total_seconds()) // 60)
    while low < high:
        middle = (low + high + (1 if latest else 0)) // 2
        charged = _charged(rules, start, first + datetime.timedelta(minutes=middle), holidays, left)
        if latest:
            low, high = (middle, high) if charged <= target else (low, middle - 1)
        else:
            low, high = (low, middle) if charged >= target else (middle + 1, high)
    return first + datetime.timedelta(minutes=low)


@PROPERTY
@given(rules=tariffs(), stay=stays(), holidays=holiday_sets, left=free_left_any, latest=st.booleans(), data=st.data())
def test_a_stay_split_where_its_charged_time_is_whole_units_costs_the_same(rules, stay, holidays, left, latest, data):
    """Property: take a stay [a, c), any free period left L, and a split moment b on a whole minute (a <= b <= c up to
    the minute) where the charged minutes of [a, b) -- its paid minutes less its free minutes -- are a whole number of
    billing units. Price [b, c) with what [a, b) left of the free period (per day when the period is once per day, for
    the stay otherwise), so the free period is accounted once. Then, the unit price being whole cents,
    price(a, c, L) == price(a, b, L) + price(b, c, L less what [a, b) used).
    b is the first or the last such minute for a drawn number of units, so splits fall inside paid time, in free
    time and in the night."""
    start, end = stay
    unit = rules.billing_unit_minutes
    units = data.draw(st.integers(0, _charged(rules, start, end, holidays, left) // unit))
    split = _split_moment(rules, start, end, holidays, left, units * unit, latest)
    assert _charged(rules, start, split, holidays, left) == units * unit

    first = breakdown(rules, start, split, holidays=holidays, free_minutes_left=left)
    first_day = start.astimezone(BRUSSELS).date()
    if rules.free_once_per_day:
        days = {first_day + datetime.timedelta(days=n) for n in range(6)}
        rest = {day: allowance(rules, left, day, first_day) - first.free_by_day.get(day, 0) for day in days}
    else:
        rest = allowance(rules, left, first_day, first_day) - first.free_minutes
    second = price(rules, split, end, holidays=holidays, free_minutes_left=rest)
    assert first.amount + second == price(rules, start, end, holidays=holidays, free_minutes_left=left)


# --- Quotes from the database -------------------------------------------------------------------------------------

@pytest.fixture
def c1(demo_city):
    return Zone.objects.get(code="C1")


@pytest.fixture
def c2(demo_city):
    return Zone.objects.get(code="C2")


def session(zone, start, end=None, plate=PLATE, **extra):
    return start_session(plate=plate, zone=zone, channel=Channel.SMS, starts_at=start, ends_at=end, **extra)


@pytest.mark.django_db
class TestQuote:
    def test_the_tariff_comes_from_the_reference_data(self, c1):
        assert pricing.rules_for(pricing.tariff_in_force(c1, at(2026, 4, 15, 10, 0))) == C1

    def test_the_free_hour_is_used_once_per_plate_zone_and_day(self, c1):
        first = session(c1, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 10, 40))
        assert first.price == Decimal("0.00")
        # 20 free minutes left: an hour in the afternoon charges 40 minutes, two half hours.
        assert quote(c1, at(2026, 4, 15, 14, 0), at(2026, 4, 15, 15, 0), plate="1-abc-123") == Quote(
            amount=Decimal("2.00"), paid_minutes=60, free_minutes=20, max_end=None)
        third = session(c1, at(2026, 4, 15, 14, 0), at(2026, 4, 15, 15, 0))
        assert third.price == Decimal("2.00")
        fourth = quote(c1, at(2026, 4, 15, 16, 0), at(2026, 4, 15, 16, 30), plate=PLATE)
        assert (fourth.amount, fourth.free_minutes) == (Decimal("1.00"), 0)

    def test_another_zone_plate_country_or_day_has_its_own_free_hour(self, c1, c2):
        session(c1, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 11, 0))
        afternoon = (at(2026, 4, 15, 14, 0), at(2026, 4, 15, 15, 0))
        assert quote(c1, *afternoon, plate=PLATE).amount == Decimal("2.00")
        assert quote(c2, *afternoon, plate=PLATE).amount == Decimal("0.00")
        assert quote(c1, *afternoon, plate="2XYZ789").amount == Decimal("0.00")
        assert quote(c1, *afternoon, plate=PLATE, country="NL").amount == Decimal("0.00")
        assert quote(c1, *afternoon).amount == Decimal("0.00")  # no plate yet: the whole period
        assert quote(c1, at(2026, 4, 16, 14, 0), at(2026, 4, 16, 15, 0), plate=PLATE).amount == Decimal("0.00")

    def test_stopped_sessions_share_the_free_hour(self, c1):
        morning = stop_session(session(c1, at(2026, 4, 15, 10, 0)), at(2026, 4, 15, 10, 45))
        assert (morning.status, morning.price) == (SessionStatus.ENDED, Decimal("0.00"))
        afternoon = stop_session(session(c1, at(2026, 4, 15, 13, 0)), at(2026, 4, 15, 14, 0))
        assert afternoon.price == Decimal("2.00")  # 15 free minutes left: 45 charged, two half hours
        # Priced again, the morning still had the whole free hour: later sessions do not take it back.
        assert quote(c1, morning.starts_at, morning.ends_at, plate=PLATE, exclude_session=morning).amount == Decimal("0.00")

    def test_a_running_session_uses_the_free_hour_until_the_new_stay(self, c1):
        session(c1, at(2026, 4, 15, 10, 0))
        # The running session used 10:00-10:30; the new hour has 30 free minutes and charges one half hour.
        assert quote(c1, at(2026, 4, 15, 10, 30), at(2026, 4, 15, 11, 30), plate=PLATE).amount == Decimal("1.00")

    def test_a_cancelled_session_leaves_the_free_hour(self, c1):
        cancelled = session(c1, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 11, 0))
        ParkingSession.objects.filter(pk=cancelled.pk).update(status=SessionStatus.CANCELLED)
        assert quote(c1, at(2026, 4, 15, 14, 0), at(2026, 4, 15, 15, 0), plate=PLATE).amount == Decimal("0.00")

    def test_a_session_over_night_uses_the_free_hour_of_each_day(self, c1):
        overnight = session(c1, at(2026, 4, 14, 17, 0), at(2026, 4, 15, 9, 30))
        assert overnight.price == Decimal("0.00")
        # Wednesday 9:00-9:30 was free, 30 minutes are left.
        assert quote(c1, at(2026, 4, 15, 14, 0), at(2026, 4, 15, 15, 0), plate=PLATE).amount == Decimal("1.00")

    def test_public_holidays_and_sundays_come_from_the_reference_data(self, c1):
        assert quote(c1, at(2026, 4, 6, 10, 0), at(2026, 4, 6, 14, 0), plate=PLATE).paid_minutes == 0
        assert quote(c1, at(2026, 4, 12, 10, 0), at(2026, 4, 12, 14, 0), plate=PLATE).amount == Decimal("0.00")

    def test_a_zone_without_a_tariff_is_refused(self, demo_city):
        nowhere = Zone.objects.create(code="X9", name_nl="Nergens", kind=ZoneKind.PAID)
        with pytest.raises(SessionRefused) as refused:
            quote(nowhere, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 11, 0), plate=PLATE)
        assert refused.value.code == "no_tariff"
        with pytest.raises(SessionRefused) as refused:
            session(nowhere, at(2026, 4, 15, 10, 0))
        assert refused.value.code == "no_tariff"
        assert not ParkingSession.objects.exists()

    def test_a_day_before_the_tariff_has_none(self, c1):
        with pytest.raises(SessionRefused) as refused:
            quote(c1, at(2021, 2, 28, 10, 0), at(2021, 2, 28, 11, 0))
        assert refused.value.code == "no_tariff"

    def test_a_stay_longer_than_the_maximum_is_refused(self, c1):
        Tariff.objects.filter(zone=c1).update(max_duration_minutes=120)
        allowed = quote(c1, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 12, 0), plate=PLATE)
        assert (allowed.paid_minutes, allowed.max_end) == (120, at(2026, 4, 15, 12, 0))
        with pytest.raises(SessionRefused) as refused:
            quote(c1, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 12, 1), plate=PLATE)
        assert refused.value.code == "max_duration"
        # Free time does not count: 7:00-11:00 and 16:30 until 9:30 the next morning are two paid hours.
        assert quote(c1, at(2026, 4, 15, 7, 0), at(2026, 4, 15, 11, 0)).paid_minutes == 120
        evening = quote(c1, at(2026, 4, 15, 16, 30), at(2026, 4, 16, 9, 30))
        assert (evening.paid_minutes, evening.max_end) == (120, at(2026, 4, 16, 9, 30))
        with pytest.raises(SessionRefused):
            quote(c1, at(2026, 4, 15, 16, 30), at(2026, 4, 16, 9, 31))
        assert not ParkingSession.objects.exists()
        # Pricing a stay that already ran too long still gives its price.
        assert quote(c1, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 13, 0), check_max=False).amount == Decimal("4.00")

    def test_a_quote_takes_four_queries(self, c1, django_assert_max_num_queries):
        session(c1, at(2026, 4, 15, 10, 0), at(2026, 4, 15, 10, 40))
        with django_assert_max_num_queries(4):
            quote(c1, at(2026, 4, 15, 14, 0), at(2026, 4, 15, 15, 0), plate=PLATE)


# --- The parking disc (Wegcode art. 27.1): the mark after the arrival ---------------------------------------------

@pytest.mark.parametrize(("arrival", "mark"), [
    (at(2026, 4, 15, 11, 0), at(2026, 4, 15, 11, 30)),
    (at(2026, 4, 15, 11, 5), at(2026, 4, 15, 11, 30)),
    (at(2026, 4, 15, 11, 29, 59), at(2026, 4, 15, 11, 30)),
    (at(2026, 4, 15, 23, 50), at(2026, 4, 16, 0, 0)),
])
def test_the_disc_is_set_on_the_mark_after_the_arrival(arrival, mark):
    assert disc_time(arrival) == mark


def test_a_session_that_ran_past_the_maximum_is_stopped_and_priced(demo_city):
    """The maximum refuses a longer stay up front; a running session that overstayed still ends with its price."""
    import datetime

    from eloket.city.models import Tariff, Zone, ZoneKind
    from parking_sessions.models import SessionStatus
    from parking_sessions.sessions import start_session, stop_session

    zone = Zone.objects.filter(kind=ZoneKind.PAID, tariffs__max_duration_minutes__isnull=False).first()
    if zone is None:
        zone = Zone.objects.filter(kind=ZoneKind.PAID).first()
        Tariff.objects.filter(zone=zone).update(max_duration_minutes=120)
    start = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # a Monday, 10:00 in Brussels
    session = start_session(plate="1ABC123", zone=zone, channel="sms", starts_at=start)
    stopped = stop_session(session, start + datetime.timedelta(hours=5))
    assert stopped.status == SessionStatus.ENDED and stopped.price > 0
