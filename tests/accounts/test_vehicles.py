import pytest
from django.urls import reverse

from eloket.accounts.models import Vehicle
from tests.factories import VehicleFactory
from tests.i18n import en

pytestmark = pytest.mark.django_db


def test_a_citizen_adds_a_vehicle_typed_loosely(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:vehicle_add"), {"plate": " 1-abc-123 ", "country": "BE"}, follow=True)
    assert response.status_code == 200
    vehicle = alice.vehicles.get()
    assert (vehicle.plate, vehicle.country) == ("1ABC123", "BE")
    assert "1-ABC-123" in response.content.decode()


def test_a_plate_of_garbage_gets_a_clear_message_and_nothing_is_saved(client, alice):
    client.force_login(alice)
    response = client.post(en("accounts:vehicle_add"), {"plate": "!!!", "country": "BE"})
    assert response.status_code == 200
    assert "only letters and digits" in response.content.decode()
    assert not Vehicle.objects.exists()


def test_the_same_vehicle_cannot_be_added_twice(client, alice):
    VehicleFactory(owner=alice, plate="1ABC123")
    client.force_login(alice)
    response = client.post(en("accounts:vehicle_add"), {"plate": "1ABC123", "country": "BE"})
    assert "already in your list" in response.content.decode()
    assert alice.vehicles.count() == 1


def test_a_dutch_error_message_for_a_dutch_citizen(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:vehicle_add"), {"plate": "", "country": "BE"})
    assert response.status_code == 200
    assert 'lang="nl"' in response.content.decode()


def test_an_unusual_plate_is_accepted_with_a_hint(client, alice):
    client.force_login(alice)
    response = client.post(en("accounts:vehicle_add"), {"plate": "ANNA1", "country": "BE"}, follow=True)
    assert alice.vehicles.get().plate == "ANNA1"
    assert "not a usual Belgian plate" in response.content.decode()


def test_a_citizen_changes_and_removes_their_vehicle(client, alice):
    vehicle = VehicleFactory(owner=alice, plate="1ABC123")
    client.force_login(alice)
    client.post(reverse("accounts:vehicle_edit", args=[vehicle.pk]), {"plate": "2XYZ987", "country": "BE"})
    vehicle.refresh_from_db()
    assert vehicle.plate == "2XYZ987"
    client.post(reverse("accounts:vehicle_delete", args=[vehicle.pk]))
    assert not Vehicle.objects.filter(pk=vehicle.pk).exists()


@pytest.mark.parametrize("view", ["accounts:vehicle_edit", "accounts:vehicle_delete"])
def test_another_citizen_gets_404_on_someone_elses_vehicle(client, alice, bob, view):
    vehicle = VehicleFactory(owner=alice)
    client.force_login(bob)
    assert client.get(reverse(view, args=[vehicle.pk])).status_code == 404
    assert client.post(reverse(view, args=[vehicle.pk]), {"plate": "9ZZZ999", "country": "BE"}).status_code == 404
    vehicle.refresh_from_db()
    assert vehicle.owner == alice


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("accounts:vehicle_add"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
