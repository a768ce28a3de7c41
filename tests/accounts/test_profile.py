import pytest
from django.urls import reverse

from tests.i18n import en

pytestmark = pytest.mark.django_db

VALID = {
    "first_name": "Alice",
    "last_name": "Peeters",
    "street": "Stadsplein",
    "house_number": "1",
    "box": "",
    "postal_code": "3600",
    "municipality": "Genk",
    "phone": "0470 12 34 56",
    "preferred_language": "nl",
    "national_number": "",
}


def test_a_citizen_keeps_their_profile(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:profile"), VALID | {"national_number": "93.05.18-223.61"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.phone == "+32470123456"
    assert alice.national_number == "93051822361"
    assert "93051822361" not in alice.national_number_encrypted


def test_the_national_number_is_never_shown_in_full(client, alice):
    alice.national_number = "93051822361"
    alice.save()
    client.force_login(alice)
    for url in (reverse("accounts:profile"), reverse("accounts:dashboard")):
        page = client.get(url).content.decode()
        assert "93051822361" not in page and "930518" not in page
        assert "61" in page


def test_an_empty_national_number_keeps_the_stored_one_and_removal_is_explicit(client, alice):
    alice.national_number = "93051822361"
    alice.save()
    client.force_login(alice)
    client.post(reverse("accounts:profile"), VALID)
    alice.refresh_from_db()
    assert alice.national_number == "93051822361"
    client.post(reverse("accounts:profile"), VALID | {"remove_national_number": "on"})
    alice.refresh_from_db()
    assert alice.national_number == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("national_number", "12345678901", "not a valid national register number"),
        ("phone", "12", "0470 12 34 56"),
        ("postal_code", "36000", "4 digits"),
    ],
)
def test_bad_profile_input_gets_a_clear_message_and_changes_nothing(client, alice, field, value, message):
    client.force_login(alice)
    before = alice.phone
    response = client.post(en("accounts:profile"), VALID | {field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    alice.refresh_from_db()
    assert alice.phone == before


def test_changing_the_phone_number_asks_for_a_new_verification(client, alice):
    alice.phone_verified = True
    alice.save()
    client.force_login(alice)
    client.post(reverse("accounts:profile"), VALID | {"phone": "0499 99 99 99"})
    alice.refresh_from_db()
    assert not alice.phone_verified


def test_the_preferred_language_switches_the_portal(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:profile"), VALID | {"preferred_language": "en"})
    assert response["Location"].startswith("/en/")
