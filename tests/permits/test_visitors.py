import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from eloket.city.models import Cap, CapCode, Zone
from permits import pricing, visitors
from permits.models import Permit, PermitKind, PermitStatus, VisitorPeriod

BRUSSELS = ZoneInfo("Europe/Brussels")
KEY = pricing.address_key("Molenstraat", "12", "3600")
QUOTA = 100 * 60  # demo city: 100 hours a year


def local(*args):
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def resident_card(holder, house_number="12", status=PermitStatus.ACTIVE):
    return Permit.objects.create(
        kind=PermitKind.RESIDENT, status=status, holder=holder, zone=Zone.objects.get(code="R1"), street="Molenstraat",
        house_number=house_number, postal_code="3600", municipality="Genk",
        address_key=pricing.address_key("Molenstraat", house_number, "3600"),
        valid_from=datetime.date(2020, 1, 1), valid_to=None)


def visit(user, plate="1GST001", minutes=120, **kwargs):
    return visitors.start_visit(user, plate=plate, minutes=minutes, **kwargs)


def hours_per_year(value):
    Cap.objects.filter(code=CapCode.VISITOR_HOURS_PER_YEAR).update(value=value)


@pytest.fixture
def card(alice, demo_city):
    return resident_card(alice)


@pytest.fixture
def bobs_card(bob, demo_city):
    """Bob lives at the same address as Alice, with a card of his own."""
    return resident_card(bob)


pytestmark = pytest.mark.django_db


# --- whose card gives visitor hours -----------------------------------------------------------------------

def test_visitor_hours_come_with_an_active_resident_card(alice, demo_city):
    assert visitors.visitor_card(alice) is None
    resident_card(alice, status=PermitStatus.IN_REVIEW)
    assert visitors.visitor_card(alice) is None
    active = resident_card(alice)
    assert visitors.visitor_card(alice) == active


def test_without_a_card_no_visit_can_start(alice, demo_city, english):
    with pytest.raises(visitors.VisitorError) as error:
        visit(alice)
    assert "active resident card" in error.value.message


# --- starting ------------------------------------------------------------------------------------------------

def test_starting_takes_the_whole_duration_from_the_balance(alice, card):
    now = timezone.now()
    period = visit(alice, plate="1-gst-001", minutes=120, now=now)
    assert (period.address_key, period.zone.code, period.permit, period.started_by) == (KEY, "R1", card, alice)
    assert (period.plate, period.country, period.minutes) == ("1GST001", "BE", 120)
    assert (period.starts_at, period.ends_at) == (now, now + datetime.timedelta(hours=2))
    assert period.year == timezone.localtime(now).year
    assert visitors.balance_minutes(KEY, period.year) == QUOTA - 120


def test_residents_of_one_address_share_the_balance(alice, bob, card, bobs_card):
    now = timezone.now()
    visit(alice, minutes=60, now=now)
    visit(bob, plate="2GST002", minutes=90, now=now)
    assert visitors.balance_minutes(KEY, timezone.localtime(now).year) == QUOTA - 150
    assert visitors.balance_minutes(pricing.address_key("Molenstraat", "14", "3600"), 2025) == QUOTA


@pytest.mark.parametrize("plate", ["", "?!", "1-ABC-123456789"])
def test_an_invalid_guest_plate_is_refused_with_the_reason(alice, card, plate):
    with pytest.raises(visitors.VisitorError) as error:
        visit(alice, plate=plate)
    assert error.value.message
    assert not VisitorPeriod.objects.exists()


def test_a_foreign_plate_keeps_its_country(alice, card):
    assert visitors.start_visit(alice, plate="ab-12-cd", country="NL", minutes=30).country == "NL"
    with pytest.raises(visitors.VisitorError):
        visitors.start_visit(alice, plate="ab-12-cd", country="ZZ", minutes=30)


@pytest.mark.parametrize("minutes", [0, -30, 10, 45, 24 * 60 + 30])
def test_durations_outside_the_forms_choices_are_refused(alice, card, english, minutes):
    with pytest.raises(visitors.VisitorError) as error:
        visit(alice, minutes=minutes)
    assert "between half an hour and 24 hours" in error.value.message


def test_the_forms_choices_run_from_half_an_hour_to_a_day(english):
    choices = visitors.duration_choices()
    assert choices[0] == (30, "30 minutes")
    assert choices[2] == (90, "1 hour 30 minutes")
    assert choices[-1] == (1440, "24 hours")
    for minutes, _label in choices:
        assert visitors.MIN_MINUTES <= minutes <= visitors.MAX_MINUTES


def test_a_visit_can_be_planned_up_to_seven_days_ahead(alice, card, english):
    now = timezone.now()
    planned = visit(alice, starts_at=now + datetime.timedelta(days=6), now=now)
    assert planned.starts_at == now + datetime.timedelta(days=6)
    with pytest.raises(visitors.VisitorError) as error:
        visit(alice, plate="2GST002", starts_at=now + datetime.timedelta(days=7, minutes=1), now=now)
    assert "7 days ahead" in error.value.message


def test_a_start_in_the_past_is_refused_but_a_moment_ago_means_now(alice, card, english):
    now = timezone.now()
    with pytest.raises(visitors.VisitorError) as error:
        visit(alice, starts_at=now - datetime.timedelta(hours=1), now=now)
    assert "already passed" in error.value.message
    assert visit(alice, starts_at=now - datetime.timedelta(minutes=2), now=now).starts_at == now


def test_a_plate_with_a_running_period_is_refused(alice, card, english):
    now = timezone.now()
    visit(alice, plate="1GST001", minutes=60, now=now)
    with pytest.raises(visitors.VisitorError) as error:
        visit(alice, plate="1-GST-001", minutes=30, now=now + datetime.timedelta(minutes=10))
    assert "already has a visitor period" in error.value.message
    assert visit(alice, plate="2GST002", minutes=30, now=now).plate == "2GST002"
    assert visit(alice, plate="1GST001", minutes=30, now=now + datetime.timedelta(minutes=60)).plate == "1GST001"


def test_not_enough_hours_says_how_much_is_left(alice, card, english):
    hours_per_year(2)
    now = timezone.now()
    visit(alice, minutes=90, now=now)
    with pytest.raises(visitors.VisitorError) as error:
        visit(alice, plate="2GST002", minutes=60, now=now)
    assert "30 minutes left" in error.value.message
    assert visit(alice, plate="2GST002", minutes=30, now=now).minutes == 30
    assert visitors.balance_minutes(KEY, timezone.localtime(now).year) == 0


# --- stopping early ---------------------------------------------------------------------------------------

def test_stopping_early_returns_the_unused_time_rounded_up_to_a_quarter(alice, card):
    start = timezone.now()
    period = visit(alice, minutes=120, now=start)
    stopped = visitors.stop_visit(period, alice, now=start + datetime.timedelta(minutes=31))
    assert (stopped.minutes, stopped.stopped_early) == (45, True)
    assert stopped.ends_at == start + datetime.timedelta(minutes=31)
    assert visitors.balance_minutes(KEY, stopped.year) == QUOTA - 45


def test_a_whole_quarter_is_not_rounded_further(alice, card):
    start = timezone.now()
    period = visit(alice, minutes=120, now=start)
    assert visitors.stop_visit(period, alice, now=start + datetime.timedelta(minutes=30)).minutes == 30


def test_stopping_a_planned_visit_gives_everything_back(alice, card):
    now = timezone.now()
    period = visit(alice, minutes=120, starts_at=now + datetime.timedelta(days=1), now=now)
    stopped = visitors.stop_visit(period, alice, now=now)
    assert (stopped.minutes, stopped.ends_at) == (0, stopped.starts_at)
    assert visitors.balance_minutes(KEY, stopped.year) == QUOTA


def test_a_period_stops_only_once(alice, card, english):
    start = timezone.now()
    period = visit(alice, minutes=120, now=start)
    visitors.stop_visit(period, alice, now=start + datetime.timedelta(minutes=20))
    with pytest.raises(visitors.VisitorError) as error:
        visitors.stop_visit(period, alice, now=start + datetime.timedelta(minutes=40))
    assert "already ended" in error.value.message
    period.refresh_from_db()
    assert period.minutes == 30


def test_another_resident_of_the_address_cannot_stop_it(alice, bob, card, bobs_card):
    period = visit(alice)
    with pytest.raises(visitors.VisitorError):
        visitors.stop_visit(period, bob)
    period.refresh_from_db()
    assert (period.stopped_early, period.minutes) == (False, 120)


def test_the_holder_of_the_card_can_stop_a_period_someone_else_started(alice, bob, card):
    start = timezone.now()
    period = VisitorPeriod.objects.create(address_key=KEY, permit=card, started_by=bob, zone=card.zone, plate="1GST001",
                                          starts_at=start, ends_at=start + datetime.timedelta(hours=1), minutes=60,
                                          year=timezone.localtime(start).year)
    assert visitors.stop_visit(period, alice, now=start + datetime.timedelta(minutes=5)).minutes == 15


# --- calendar: the Brussels year and clock changes ------------------------------------------------------

def test_a_period_counts_in_the_brussels_year_it_starts(alice, card):
    hours_per_year(1)
    late = visit(alice, plate="1GST001", minutes=60, now=local(2025, 12, 31, 23, 0))
    assert late.year == 2025
    assert visitors.balance_minutes(KEY, 2025) == 0
    # 00:30 on New Year's Day in Brussels is still 31 December in UTC: the new year's balance applies.
    early = visit(alice, plate="2GST002", minutes=60, now=local(2026, 1, 1, 0, 30))
    assert early.year == 2026
    assert visitors.balance_minutes(KEY, 2026) == 0
    with pytest.raises(visitors.VisitorError):
        visit(alice, plate="3GST003", minutes=30, now=local(2026, 1, 1, 2, 0))


def test_a_period_across_the_spring_clock_change_lasts_what_it_says(alice, card):
    """On the last Sunday of March 02:00 becomes 03:00: three hours from 01:00 end at 05:00 on the clock."""
    period = visit(alice, minutes=180, starts_at=local(2025, 3, 30, 1, 0), now=local(2025, 3, 30, 0, 30))
    assert period.ends_at - period.starts_at == datetime.timedelta(hours=3)
    assert timezone.localtime(period.ends_at).replace(tzinfo=None) == datetime.datetime(2025, 3, 30, 5, 0)
    # Stopped at 03:10 on the clock: 70 minutes parked, 75 taken.
    stopped = visitors.stop_visit(period, alice, now=local(2025, 3, 30, 3, 10))
    assert stopped.minutes == 75
    assert visitors.balance_minutes(KEY, 2025) == QUOTA - 75


# --- queries and concurrency ----------------------------------------------------------------------------

@pytest.mark.parametrize("count", [1, 30])
def test_the_balance_is_one_aggregate_whatever_the_number_of_periods(alice, card, django_assert_num_queries, count):
    start = timezone.now()
    for n in range(count):
        visit(alice, plate=f"1GS{n:03d}", minutes=30, now=start)
    with django_assert_num_queries(2):  # the cap in force and the sum
        assert visitors.balance_minutes(KEY, timezone.localtime(start).year) == QUOTA - 30 * count


@pytest.mark.django_db(transaction=True)
def test_two_residents_starting_at_one_moment_never_overdraw(alice, bob, demo_city):
    resident_card(alice)
    resident_card(bob)
    hours_per_year(1)
    barrier = threading.Barrier(2)
    outcomes = []

    def resident(user, plate):
        try:
            barrier.wait(timeout=10)
            visitors.start_visit(user, plate=plate, minutes=60)
            outcomes.append("ok")
        except visitors.VisitorError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=resident, args=args) for args in ((alice, "1GST001"), (bob, "2GST002"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["ok", "refused"]
    assert VisitorPeriod.objects.filter(address_key=KEY).count() == 1
    assert visitors.balance_minutes(KEY, timezone.localdate().year) == 0
