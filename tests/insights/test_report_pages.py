"""The report's admin pages: who may see them, the CSV files, bad input, a fixed number of queries, summarising again."""

import datetime
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from eloket.accounts import roles
from eloket.city.models import Zone
from insights import report
from insights.models import SessionDay, SummaryDay
from parking_sessions.models import Channel, ParkingSession
from tests.i18n import en

from .data import at, write_week

pytestmark = pytest.mark.django_db
REPORT = "admin:insights_report_changelist"
WEEK = {"start": "2026-03-02", "end": "2026-03-08"}


def csv_url(key: str) -> str:
    return reverse("admin:insights_report_csv", args=[key])


@pytest.fixture
def week(demo_city):
    write_week()


def test_a_citizen_is_sent_to_the_login(client, alice):
    client.force_login(alice)
    for url in (reverse(REPORT), csv_url("cases"), reverse("admin:insights_questionnaire_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_counter_staff_without_the_report_permission_are_refused(client, carla, demo_city):
    client.force_login(carla)
    for url in (reverse(REPORT), csv_url("cases"), reverse("admin:insights_questionnaire_changelist"),
                reverse("admin:insights_questionnaire_outcome")):
        assert client.get(url).status_code == 403
    assert client.post(reverse("admin:insights_report_refresh"), WEEK).status_code == 403
    assert b"insights/report" not in client.get(reverse("admin:index")).content  # not offered on the admin's index


def test_the_report_permission_belongs_to_the_city_admin_role():
    assert "insights.view_report" in roles.permissions_of(roles.CITY_ADMIN)
    assert "insights.view_report" not in roles.permissions_of(roles.COUNTER)


def test_the_city_admin_sees_every_figure(client, ida, week):
    client.force_login(ida)
    response = client.get(en(REPORT), WEEK)
    assert response.status_code == 200
    keys = [shown.figure.key for shown in response.context["figures"]]
    assert keys == ["sessions_by_zone", "heat_map", "durations", "revenue_by_channel", "revenue_by_zone", "occupancy",
                    "enforcement", "cases", "days_to_pay", "objections", "permit_handling", "permits_by_zone"]
    page = response.content.decode()
    assert page.count('<svg viewBox="0 0') == 12  # every figure has a chart with data this week
    assert page.count('role="img"') == 12
    assert page.count("<caption id=\"caption-") == 12
    assert '<title id="chart-title-heat_map">' in page
    assert '<th scope="col"' in page and '<th scope="row">' in page
    assert "Parking app: EasyPark" in page
    assert f"{csv_url('occupancy')}?start=2026-03-02&amp;end=2026-03-08" in page
    # The index lists the report for the city admin.
    assert reverse(REPORT) in client.get(reverse("admin:index")).content.decode()


def test_without_a_period_the_report_shows_last_year(client, ida, demo_city):
    client.force_login(ida)
    response = client.get(reverse(REPORT))
    year = timezone.localdate().year - 1
    assert response.context["selection"].start == datetime.date(year, 1, 1)
    assert response.context["selection"].end == datetime.date(year, 12, 31)


@pytest.mark.parametrize("params, message", [
    ({"start": "2026-03-08", "end": "2026-03-02"}, "The end date must be on or after the start date."),
    ({"start": "2020-01-01", "end": "2026-03-02"}, "Choose a period of at most 1098 days."),
    ({"start": "yesterday", "end": "2026-03-02"}, "Enter a valid date."),
    ({**WEEK, "zones": "999"}, "Select a valid choice."),
])
def test_a_bad_period_is_explained_not_a_crash(client, ida, demo_city, params, message):
    client.force_login(ida)
    response = client.get(en(REPORT), params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["figures"] == []


def test_a_csv_with_a_bad_period_goes_back_to_the_report(client, ida, demo_city):
    client.force_login(ida)
    response = client.get(csv_url("cases"), {"start": "2026-03-08", "end": "2026-03-02"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(REPORT))
    assert client.get(reverse("admin:insights_report_csv", args=["nothing"]), WEEK).status_code == 404


def test_each_figure_downloads_as_csv_for_belgian_excel(client, ida, week):
    client.force_login(ida)
    response = client.get(en("admin:insights_report_csv", "revenue_by_channel"), WEEK)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="revenue_by_channel-20260302-20260308.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Channel;Sessions;Share of sessions (%);Revenue (EUR);Share of revenue (%)"
    assert "Website;3;42,9;2,50;50,0" in lines
    assert lines[-1] == "Total;7;100,0;5,00;100,0"
    heat = client.get(en("admin:insights_report_csv", "heat_map"), WEEK).content.decode("utf-8").splitlines()
    assert heat[0] == "\ufeffZone;Weekday;Hour;Sessions"
    assert "C1;Monday;10;2" in heat


def test_an_unknown_value_is_an_empty_csv_cell(client, ida, week):
    client.force_login(ida)
    text = client.get(en("admin:insights_report_csv", "occupancy"), WEEK).content.decode("utf-8")
    assert "B1 Blue zone Winterslag;;54;0,0;\r\n" in text  # no places known: no occupancy


def test_the_page_runs_the_same_number_of_queries_for_5_and_50_sessions(client, ida, demo_city):
    client.force_login(ida)
    zone = Zone.objects.get(code="C1")

    def add_sessions(count):
        ParkingSession.objects.bulk_create([ParkingSession(
            plate="1ABC123", zone=zone, channel=Channel.WEB, starts_at=at(2, 10) + datetime.timedelta(minutes=n),
            ends_at=at(2, 11) + datetime.timedelta(minutes=n), price=Decimal("1.00")) for n in range(count)])
        from insights import rollup
        rollup.refresh(datetime.date(2026, 3, 2), datetime.date(2026, 3, 8), checks=True)

    def queries():
        client.get(reverse(REPORT), WEEK)  # warm: the first request fills the session and caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(REPORT), WEEK).status_code == 200
        return len(captured)

    add_sessions(5)
    few = queries()
    add_sessions(45)
    assert SessionDay.objects.get(day=datetime.date(2026, 3, 2)).sessions == 50
    assert queries() == few
    # The zones, the report's own queries, and the admin's session, user and permissions.
    assert few <= 1 + report.QUERIES + 6


def test_summarising_again_is_asked_by_post_only(client, ida, demo_city, django_capture_on_commit_callbacks):
    client.force_login(ida)
    assert client.get(reverse("admin:insights_report_refresh")).status_code == 302
    assert not SummaryDay.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(en("admin:insights_report_refresh"), WEEK, follow=True)
    assert "is being summarised again" in response.content.decode()
    assert SummaryDay.objects.filter(day__gte="2026-03-02", day__lte="2026-03-08").count() == 7  # tasks run inline


def test_days_still_to_come_cannot_be_summarised(client, ida, demo_city):
    client.force_login(ida)
    future = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client.post(en("admin:insights_report_refresh"), {"start": future, "end": future}, follow=True)
    assert "Days still to come cannot be summarised." in response.content.decode()
    assert not SummaryDay.objects.exists()


def test_a_real_worker_summarises_the_period_asked_for(client, ida, demo_city, celery_worker):
    ParkingSession.objects.create(plate="1ABC123", zone=Zone.objects.get(code="C1"), channel=Channel.SMS,
                                  starts_at=at(3, 10), ends_at=at(3, 12), price=Decimal("3.00"))
    client.force_login(ida)
    client.post(reverse("admin:insights_report_refresh"), WEEK)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and SummaryDay.objects.filter(sessions_at__isnull=False).count() < 7:
        time.sleep(0.2)
    assert SummaryDay.objects.filter(sessions_at__isnull=False).count() == 7
    assert SessionDay.objects.get(day=datetime.date(2026, 3, 3)).revenue == Decimal("3.00")
