import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

from .helpers import totp_code

pytestmark = pytest.mark.django_db


def test_staff_without_two_factor_login_are_sent_to_set_it_up(client):
    clerk = UserFactory(is_staff=True)
    client.force_login(clerk)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_with_two_factor_login_reach_the_admin(client, carla):
    response = client.post(reverse("account_login"), {"login": carla.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(carla.totp_secret)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_citizen_is_refused_the_admin(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_counter_staff_see_citizens_but_not_the_permissions_screen(client, carla):
    client.force_login(carla)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_the_admin_never_shows_a_national_number_in_full(client, carla, alice):
    alice.national_number = "93051822361"
    alice.save()
    client.force_login(carla)
    page = client.get(reverse("admin:accounts_user_change", args=[alice.pk])).content.decode()
    assert "93051822361" not in page
    assert "••.••.••-•••.61" in page
