import pytest
from django.urls import reverse

from eloket.accounts import dashboard
from tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_one_panel_per_registered_area(client, alice):
    client.force_login(alice)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    for panel in dashboard.panels():
        assert f'id="panel-{panel.key}"' in page


def test_an_app_adds_a_panel_without_the_dashboard_knowing_it(client, alice):
    panel = dashboard.register(dashboard.Panel("extra", "Extra area", "accounts/panels/security.html", order=50,
                                               context=lambda request: {"mfa_enabled": True}))
    try:
        client.force_login(alice)
        assert 'id="panel-extra"' in client.get(reverse("accounts:dashboard")).content.decode()
    finally:
        dashboard._panels.pop(panel.key)


def test_the_dashboard_runs_the_same_queries_with_one_or_many_vehicles(client, alice, django_assert_max_num_queries):
    client.force_login(alice)
    VehicleFactory(owner=alice)
    client.get(reverse("accounts:dashboard"))  # warm the city cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:dashboard"))
    VehicleFactory.create_batch(15, owner=alice)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("accounts:dashboard"))
    assert len(few) == len(many)
    assert len(many) <= 15  # 13, plus one query each for the appointments and the chat panels


def test_a_citizen_sees_only_their_own_vehicles(client, alice, bob):
    VehicleFactory(owner=alice, plate="1AAA111")
    VehicleFactory(owner=bob, plate="2BBB222")
    client.force_login(bob)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "2-BBB-222" in page and "1-AAA-111" not in page
