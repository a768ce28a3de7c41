"""`manage.py generate_demo_year`: a realistic, deterministic year, summarised for the report; refused when it cannot be."""

import datetime
import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.utils import timezone

from eloket.city.models import Zone
from fines.models import Case, CaseKind, CaseStatus, NoticeCounter, Objection
from insights import demo, figures, report
from insights.models import CheckDay, SessionHour, SummaryDay
from insights.selection import Selection
from parking_sessions.models import Channel, Check, ParkingSession
from permits.models import Permit, PermitStatus

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def year(demo_city):
    out = io.StringIO()
    call_command("generate_demo_year", "--sessions", "3000", "--year", str(YEAR), "--seed", "7", stdout=out)
    return out.getvalue()


def test_a_year_of_sessions_from_every_channel(year):
    sessions = ParkingSession.objects.filter(starts_at__year=YEAR)
    assert sessions.count() == 3000
    channels = dict(sessions.values_list("channel").annotate(n=Count("pk")))
    assert set(channels) == {Channel.WEB, Channel.SMS, Channel.APP}
    operators = set(sessions.filter(channel=Channel.APP).values_list("operator__name", flat=True))
    assert operators == {"4411", "EasyPark", "Yellowbrick", "Flowbird"}
    assert not sessions.filter(channel=Channel.SMS, zone__code="B1").exists()  # discs are not started by SMS here
    assert sessions.filter(is_disc=True, price=0).count() == sessions.filter(zone__kind="blue").count() + sessions.filter(
        zone__kind="resident").count()
    assert sessions.filter(zone__code="C1").aggregate(s=Sum("price"))["s"] > 0
    assert "sessions: 3,000" in year


def test_the_rhythm_of_a_shopping_town(year):
    starts = [timezone.localtime(start) for start in
              ParkingSession.objects.filter(starts_at__year=YEAR).values_list("starts_at", flat=True)]
    by_weekday = [sum(1 for start in starts if start.weekday() == day) for day in range(7)]
    assert by_weekday[5] > by_weekday[0] > by_weekday[6] * 3  # Saturday busiest, Sunday quiet
    by_month = [sum(1 for start in starts if start.month == month) for month in range(1, 13)]
    assert by_month[11] > by_month[7]  # December above August
    late_morning = sum(1 for start in starts if start.hour in (10, 11))
    early = sum(1 for start in starts if start.hour in (7, 8))
    assert late_morning > 2 * early


def test_cases_have_outcomes_and_permits_their_handling(year):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {CaseStatus.PAID, CaseStatus.CANCELLED} <= statuses
    assert set(Case.objects.values_list("kind", flat=True)) == set(CaseKind.values)
    assert Objection.objects.exists()
    assert NoticeCounter.objects.get(year=YEAR).last >= Case.objects.filter(issued_on__year=YEAR).count()
    assert {PermitStatus.ACTIVE, PermitStatus.EXPIRED} & set(Permit.objects.values_list("status", flat=True))
    assert Permit.objects.filter(created__year=YEAR).count() == Permit.objects.count()


def test_the_year_is_summarised_and_its_old_checks_deleted(year):
    assert SummaryDay.objects.filter(day__year=YEAR, sessions_at__isnull=False, checks_at__isnull=False).count() == 365
    assert SessionHour.objects.filter(day__year=YEAR).aggregate(n=Sum("sessions"))["n"] == 3000
    assert CheckDay.objects.aggregate(n=Sum("checks"))["n"] > 0
    assert not Check.objects.filter(created__year=YEAR).exists()  # the log's retention, as every night


def test_every_figure_of_the_report_has_data(year):
    zones = tuple(Zone.objects.order_by("code"))
    facts = report.build(Selection(start=datetime.date(YEAR, 1, 1), end=datetime.date(YEAR, 12, 31), all_zones=zones))
    for figure in figures.all_figures(facts):
        numbers = [value for row in figure.rows for value in row[1:] if isinstance(value, int | float) or value]
        assert any(numbers), figure.key


def test_the_same_seed_gives_the_same_sessions(demo_city):
    now = timezone.now()

    def first_rows():
        world = demo.prepare(sessions=1000, year=YEAR, seed=3, now=now)
        return list(itertools.islice(demo.session_rows(world, demo.spread(1000, world)), 200))

    assert first_rows() == first_rows()


def test_a_year_is_generated_once(year):
    with pytest.raises(CommandError, match="already has 3,000 parking sessions"):
        call_command("generate_demo_year", "--sessions", "3000", "--year", str(YEAR), stdout=io.StringIO())


def test_without_the_demo_city_nothing_is_generated(db):
    with pytest.raises(CommandError, match="seed_demo_city"):
        call_command("generate_demo_year", "--sessions", "500", "--year", str(YEAR), stdout=io.StringIO())
    assert not ParkingSession.objects.exists()


def test_this_year_stops_before_today(demo_city):
    today = timezone.localdate()
    days = demo.year_days(today.year, timezone.now())
    assert days == [] if (today.month, today.day) == (1, 1) else days[-1] == today - datetime.timedelta(days=1)
    with pytest.raises(CommandError):
        call_command("generate_demo_year", "--year", str(today.year + 1), stdout=io.StringIO())
