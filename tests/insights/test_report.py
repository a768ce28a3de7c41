"""Every figure of the data report against the hand-made week of data.py, each expected value worked out by hand."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from eloket.city.models import Zone
from insights import figures, report
from insights.cells import display
from insights.selection import Selection

from .data import MONDAY, SUNDAY, write_week

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def week(demo_city):
    write_week()


def build(*codes) -> report.Report:
    zones = tuple(Zone.objects.order_by("code"))
    chosen = tuple(zone for zone in zones if zone.code in codes)
    return report.build(Selection(start=MONDAY, end=SUNDAY, zones=chosen, all_zones=zones))


def rows(figure) -> dict:
    """{row header: the row's other cells}, plus the total under "Total"."""
    table = {str(row[0]): row[1:] for row in figure.rows}
    if figure.total:
        table["Total"] = figure.total[1:]
    return table


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_coverage_counts_the_summarised_days(week):
    coverage = build().coverage
    assert (coverage.days, coverage.summarised, coverage.checks, coverage.missing) == (7, 7, 7, 0)


def test_sessions_by_zone(week, english):
    table = rows(figures.sessions_by_zone(build()))
    # C1: S1, S2, S3 and the running S7 (4 of 7); ended durations 60 + 90 + 20 = 170 over 3 sessions.
    assert table["C1 Centre"] == [4, D(4) / D(7), D(170) / D(3)]
    # C2: S4 (240) and S5 (300); S11 started on the Sunday before the week.
    assert table["C2 Edge of the centre"] == [2, D(2) / D(7), D(270)]
    assert table["B1 Blue zone Winterslag"] == [1, D(1) / D(7), D(120)]
    assert table["R1 Resident zone Centre North"] == [0, D(0), None]  # no session: no average
    # Cancelled (S8), unpaid (S9) and out-of-week (S10, S11) sessions are not counted: 7 sessions, 830 minutes over 6.
    assert table["Total"] == [7, D(1), D(830) / D(6)]


def test_heat_map_counts_sessions_by_weekday_and_hour_of_their_start(week, english):
    figure = figures.heat_map(build())
    cells = {(row[0], hour): count for row in figure.rows for hour, count in enumerate(row[1:25]) if count}
    assert cells == {("Monday", 10): 2, ("Tuesday", 14): 1, ("Wednesday", 11): 1, ("Thursday", 16): 1,
                     ("Saturday", 9): 1, ("Saturday", 17): 1}
    assert [row[25] for row in figure.rows] == [2, 1, 1, 1, 0, 2, 0]  # the totals per weekday
    # The CSV keeps the zone: C1 on Monday at 10:00 holds S1 and S2.
    assert ["C1", "Monday", 10, 2] in figure.csv_rows
    assert len(figure.csv_rows) == 6


def test_durations(week, english):
    table = rows(figures.durations(build()))
    assert table["30 minutes or less"] == [1, D(1) / D(7)]  # S3, 20 minutes
    assert table["31 to 60 minutes"] == [1, D(1) / D(7)]  # S1
    assert table["1 to 2 hours"] == [2, D(2) / D(7)]  # S2 (90) and the disc S6 (120)
    assert table["2 to 4 hours"] == [1, D(1) / D(7)]  # S4, exactly 240
    assert table["more than 4 hours"] == [1, D(1) / D(7)]  # S5, 300
    assert table["still running"] == [1, D(1) / D(7)]  # S7
    assert table["Total"] == [7, D(1)]


def test_revenue_by_channel_names_each_app_operator(week, english):
    figure = figures.revenue_by_channel(build())
    assert [row[0] for row in figure.rows] == ["Website", "SMS", "Parking app: 4411", "Parking app: EasyPark"]
    table = rows(figure)
    # Website: S1 2.00 + S5 0.50 + the disc S6 0.00 (3 of 7 sessions, 2.50 of 5.00).
    assert table["Website"] == [3, D(3) / D(7), D("2.50"), D("0.5")]
    assert table["SMS"] == [2, D(2) / D(7), D("1.00"), D("0.2")]  # S2 1.00 and the running S7 (0 until it ends)
    assert table["Parking app: 4411"] == [1, D(1) / D(7), D("1.50"), D("0.3")]
    assert table["Parking app: EasyPark"] == [1, D(1) / D(7), D("0.00"), D(0)]
    assert table["Total"] == [7, D(1), D("5.00"), D(1)]


def test_revenue_by_zone(week, english):
    table = rows(figures.revenue_by_zone(build()))
    assert table["C1 Centre"] == [D("3.00"), D("0.6"), D("0.75")]  # 2.00 + 1.00 over 4 sessions
    assert table["C2 Edge of the centre"] == [D("2.00"), D("0.4"), D("1.00")]
    assert table["B1 Blue zone Winterslag"] == [D("0.00"), D(0), D(0)]
    assert table["R2 Resident zone Sint-Martinus"] == [D("0.00"), D(0), None]  # no session: no revenue per session
    assert table["Total"] == [D("5.00"), D(1), D(5) / D(7)]


def test_occupancy_in_paid_hours(week, english):
    table = rows(figures.occupancy(build()))
    paid_minutes = 6 * 9 * 60  # Monday to Saturday 9:00-18:00: 54 paid hours
    # C1: S1 60 + S2 90 (10:30-12:00) + S3 20 + S7 from 16:00 until 18:00 (120; it runs on after paid hours) = 290.
    c1 = D(290) / D(paid_minutes)
    assert table["C1 Centre"] == [2, 54, c1, c1 / 2]
    # C2: S4 09:15-13:15 (240) + S5 17:00-18:00 (60); S11 parked on Monday 0:00-1:00, outside paid hours.
    c2 = D(300) / D(paid_minutes)
    assert table["C2 Edge of the centre"] == [3, 54, c2, c2 / 3]
    # B1: S6 11:30-13:30 = 120 minutes, but no known number of places: no occupancy.
    assert table["B1 Blue zone Winterslag"] == [None, 54, D(120) / D(paid_minutes), None]
    assert table["R1 Resident zone Centre North"] == [300, 54, D(0), D(0)]
    with translation.override("nl"):
        assert display(c1 / 2, "percent") == "4,5 %"


def test_enforcement_checks_and_compliance(week, english):
    table = rows(figures.enforcement(build()))
    days = 3  # checks on Monday, Wednesday and Saturday
    assert table["C1 Centre"] == [3, 2, 1, D(2) / D(3), D(3) / D(days)]
    assert table["C2 Edge of the centre"] == [1, 0, 1, D(0), D(1) / D(days)]
    assert table["B1 Blue zone Winterslag"] == [2, 2, 0, D(1), D(2) / D(days)]
    assert table["R1 Resident zone Centre North"] == [0, 0, 0, None, D(0)]
    assert table["No zone"] == [1, 1, 0, D(1), D(1) / D(days)]
    assert table["Total"] == [7, 5, 2, D(5) / D(7), D(7) / D(days)]


def test_cases_issued_paid_objected_accepted_cancelled(week, english):
    table = rows(figures.cases(build()))
    # Retributions sent in the week: R1-R6 and R8 (R7 came after). Paid R1, R2, R8; objected R3, R4; accepted R3;
    # cancelled R3 and R6; open R4 (rejected, to pay) and R5. Payment rate: 3 paid of 7 - 2 cancelled = 5.
    assert table["Parking retribution"] == [7, 3, 2, 1, 2, 0, 2, D(3) / D(5)]
    assert table["GAS 4 fine (stopping and parking)"] == [2, 1, 1, 0, 0, 0, 1, D(1) / D(2)]
    # GAS 5: V1's holder named the driver (not due), V2 paid: 1 of 1.
    assert table["GAS 5 fine (light speeding)"] == [2, 1, 0, 0, 0, 1, 0, D(1)]


def test_days_to_pay(week, english):
    table = rows(figures.days_to_pay(build()))
    # R1 10 days, R2 31 days, R8 0 days: 41 / 3; within 30 days R1 and R8.
    assert table["Parking retribution"] == [3, D(41) / D(3), D(2) / D(3), D(1)]
    assert table["GAS 4 fine (stopping and parking)"] == [1, D(31), D(0), D(1)]
    assert table["GAS 5 fine (light speeding)"] == [1, D(61), D(0), D(0)]


def test_objections_acceptance_and_handling_time(week, english):
    table = rows(figures.objections(build()))
    # R3 accepted after 10 days, R4 rejected after 20: 1 of 2 accepted, 15 days on average, both within 30.
    assert table["Parking retribution"] == [2, 2, 1, 1, 0, D("0.5"), D(15), D(1)]
    # G2's defence is pending: nothing decided, so no rate and no time.
    assert table["GAS 4 fine (stopping and parking)"] == [1, 0, 0, 0, 1, None, None, None]
    assert table["GAS 5 fine (light speeding)"] == [0, 0, 0, 0, 0, None, None, None]


def test_permit_handling_times(week, english):
    table = rows(figures.permit_handling(build()))
    # P1 at once (1 second), P2 after 3 days, P3 rejected after 14 days; P6 applied after the week.
    resident = table["Resident card"]
    assert resident[:4] == [3, 2, 1, 0]
    assert round(resident[4], 6) == round(D(3 * 86400 + 14 * 86400 + 1) / D(3 * 86400), 6)
    assert resident[5:] == [D(1) / D(3), D(2) / D(3)]
    assert table["Disability parking registration"] == [1, 0, 0, 1, None, None, None]  # P4 is still in review
    assert table["Care-provider permit"] == [1, 1, 0, 0, D("0.25"), D(1), D(1)]  # P5 after 6 hours


def test_permits_by_zone_and_kind(week, english):
    table = rows(figures.permits_by_zone(build()))
    # R1: P1 and P2 (Q2 expired before the week). R2: Q1, and Q4 cancelled during the week (Q3 before it; P3 rejected).
    assert table["R1 Resident zone Centre North"] == [2, 0, 0, 2]
    assert table["R2 Resident zone Sint-Martinus"] == [2, 0, 0, 2]
    assert table["C1 Centre"] == [0, 0, 0, 0]
    # City-wide: the disability registration Q5 and the care-provider permit P5.
    assert table["City-wide (no zone)"] == [0, 1, 1, 2]
    assert table["Total"] == [4, 1, 1, 6]


def test_a_choice_of_zones_leaves_out_other_zones_and_what_has_none(week, english):
    facts = build("C1")
    assert [row[0] for row in figures.sessions_by_zone(facts).rows] == ["C1 Centre"]
    cases = rows(figures.cases(facts))
    # R1-R6 are in C1 (R8 is in C2): paid R1 and R2, cancelled R3 and R6: 2 of 4.
    assert cases["Parking retribution"] == [6, 2, 2, 1, 2, 0, 2, D("0.5")]
    assert cases["GAS 5 fine (light speeding)"][0] == 0  # speed-camera fines have no zone
    checks = rows(figures.enforcement(facts))
    assert "No zone" not in checks
    assert checks["Total"][:3] == [3, 2, 1]
    assert "City-wide (no zone)" not in rows(figures.permits_by_zone(facts))


def test_an_empty_period_shows_unknown_not_zero(demo_city, english):
    zones = tuple(Zone.objects.order_by("code"))
    facts = report.build(Selection(start=datetime.date(2026, 1, 5), end=datetime.date(2026, 1, 11), all_zones=zones))
    assert facts.coverage.summarised == 0
    total = rows(figures.sessions_by_zone(facts))["Total"]
    assert total == [0, None, None]
    assert display(None, "percent") == "not known"
