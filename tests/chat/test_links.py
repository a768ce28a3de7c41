"""What a conversation can be about: the registry offers a citizen only her own permits, cases and appointments."""

import pytest

from chat import link_providers, links

pytestmark = pytest.mark.django_db


def test_the_installed_apps_have_providers():
    assert {"permit", "case", "appointment"} <= {provider.key for provider in links.providers()}


def test_a_citizen_is_offered_her_own_permits_only_and_staff_get_a_description_and_admin_link(alice, bob, english):
    from permits.models import Permit

    hers = Permit.objects.create(kind="resident", holder=alice)
    Permit.objects.create(kind="resident", holder=bob)
    groups = dict(links.choices_for(alice))
    assert [value for value, _label in groups["Permit"]] == [f"permit:{hers.pk}"]
    assert links.describe("permit", hers.pk).startswith("Resident card #")
    assert links.admin_url("permit", hers.pk) == f"/en/admin/permits/permit/{hers.pk}/change/"
    assert "no longer exists" in links.describe("permit", hers.pk + 1000)


def test_a_guest_is_offered_nothing(client):
    from django.contrib.auth.models import AnonymousUser

    assert links.choices_for(AnonymousUser()) == []


def test_an_app_that_is_not_installed_gets_no_provider():
    assert link_providers.model_provider("x", "X", "no_such_app", "Thing", "owner", str) is None


def test_an_unknown_kind_or_a_bad_value_is_not_a_link():
    assert links.parse("permit:abc") is None and links.parse("nothing:12") is None
    assert links.parse("permit:12") == ("permit", 12)
