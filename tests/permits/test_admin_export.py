"""Exporting permits to CSV from the admin: the selection or the filtered list, safe in a spreadsheet, fixed queries."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.admin import helpers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eloket.city.models import Zone
from permits.models import Channel, Permit, PermitKind, PermitPlate, PermitStatus
from tests.factories import StaffFactory, UserFactory
from tests.i18n import en

pytestmark = pytest.mark.django_db
S = PermitStatus
CHANGELIST = "admin:permits_permit_changelist"
EXPORT = "admin:permits_permit_export"
HEADER = ["id", "kind", "status", "holder", "email", "number plates", "zone", "address", "valid from", "valid until",
          "price (EUR)", "applied", "created", "last change"]


def make(holder, status=S.ACTIVE, plates=("1ABC001",), **fields):
    permit = Permit.objects.create(kind=PermitKind.RESIDENT, status=status, holder=holder, **fields)
    for plate in plates:
        PermitPlate.objects.create(permit=permit, plate=plate)
    return permit


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="permits-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def export_selected(client, permits):
    return client.post(en(CHANGELIST), {"action": "export_selected",
                                        helpers.ACTION_CHECKBOX_NAME: [permit.pk for permit in permits]})


def test_the_selected_permits_are_exported_with_every_column(client, carla, alice, bob, permit_city):
    today = timezone.localdate()
    zone = Zone.objects.get(code="R1")
    card = make(alice, plates=("1ABC001", "2DEF002"), zone=zone, street="Molenstraat", house_number="12",
                postal_code="3600", municipality="Genk", valid_from=today, valid_to=today + datetime.timedelta(days=364),
                price=Decimal("100.00"), channel=Channel.COUNTER)
    make(bob, plates=("9ZZZ999",))
    client.force_login(carla)

    header, *rows = rows_of(export_selected(client, [card]))

    assert header == HEADER
    assert len(rows) == 1
    created = timezone.localtime(card.created).strftime("%Y-%m-%d %H:%M")
    assert rows[0][:12] == [str(card.pk), "Resident card", "Active", "Alice Peeters", "alice@example.org",
                            "1-ABC-001, 2-DEF-002", "R1", "Molenstraat 12, 3600 Genk", today.isoformat(),
                            (today + datetime.timedelta(days=364)).isoformat(), "100.00", "At the counter"]
    assert rows[0][12] == created


def test_spreadsheet_formulas_are_neutralised(client, carla, permit_city):
    holder = UserFactory(email="mallory@example.org", first_name="=HYPERLINK(\"http://evil\")", last_name="+1")
    make(holder, street="@SUM(A1)", house_number="-2")
    client.force_login(carla)

    _header, row = rows_of(export_selected(client, Permit.objects.all()))

    assert row[3] == "'=HYPERLINK(\"http://evil\") +1"
    assert row[7].startswith("'@SUM(A1) -2")


def test_the_export_button_respects_the_filters_and_the_search(client, carla, alice, bob, permit_city):
    active = make(alice, plates=("1ABC001",))
    make(alice, status=S.REJECTED, plates=("1ABC001",))
    make(bob, plates=("2XYZ002",))
    client.force_login(carla)
    assert en(EXPORT) + "?" in client.get(en(CHANGELIST)).content.decode()

    _header, *rows = rows_of(client.get(en(EXPORT), {"status__exact": S.ACTIVE, "q": "1-abc-001"}))

    assert [row[0] for row in rows] == [str(active.pk)]


def test_the_export_follows_the_work_queue(client, carla, alice, permit_city):
    make(alice, status=S.AWAITING_PAYMENT)
    make(alice, status=S.ACTIVE, plates=("1ABC002",))
    client.force_login(carla)

    _header, *rows = rows_of(client.get(en(EXPORT), {"queue": "payment"}))

    assert [row[2] for row in rows] == ["Awaiting payment"]


@pytest.fixture
def private_cache(settings):
    """A cache of this test's own: the city profile cached by a parallel test run cannot change the query count."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_the_export_runs_the_same_number_of_queries_for_1_and_40_permits(private_cache, client, carla, alice, permit_city):
    zone = Zone.objects.get(code="R1")
    client.force_login(carla)

    def count():
        with CaptureQueriesContext(connection) as queries:
            rows_of(client.get(en(EXPORT)))
        return len(queries)

    make(alice, zone=zone, plates=("1ABC001", "1ABC002"))
    count()  # warms the cached city profile
    one = count()
    for number in range(39):
        make(alice, zone=zone, plates=(f"1EXP{number:03d}", f"2EXP{number:03d}"))
    assert count() == one


def test_staff_without_the_view_permission_cannot_export(client, alice):
    make(alice)
    client.force_login(StaffFactory())

    assert client.get(en(EXPORT)).status_code == 403
