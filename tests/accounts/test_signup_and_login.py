from urllib.parse import urlparse

import pytest
from allauth.mfa.utils import is_mfa_enabled
from django.core import mail
from django.urls import reverse

from eloket.accounts.models import User
from tests.factories import PASSWORD
from tests.i18n import en

from .helpers import link_in, totp_code

pytestmark = pytest.mark.django_db


def test_a_citizen_signs_up_verifies_their_email_and_lands_on_the_dashboard(client):
    response = client.post(reverse("account_signup"), {
        "email": "nieuw@example.org", "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@example.org")
    assert not user.emailaddress_set.get().verified
    assert len(mail.outbox) == 1
    confirm = urlparse(link_in(mail.outbox[0].body, "/account/confirm-email/")).path
    response = client.post(confirm)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_no_login_before_the_email_is_verified(client):
    client.post(reverse("account_signup"), {"email": "nog@example.org", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    response = client.post(reverse("account_login"), {"login": "nog@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_signup_errors_are_clear_and_create_nothing(client, alice):
    response = client.post(reverse("account_signup"), {"email": "alice@example.org", "password1": "short", "password2": "other"})
    assert response.status_code == 200
    assert User.objects.filter(email="alice@example.org").count() == 1
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_citizen_logs_in_with_email_and_password(client, alice):
    response = client.post(reverse("account_login"), {"login": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


def test_login_follows_the_preferred_language(client, alice):
    alice.preferred_language = "en"
    alice.save()
    response = client.post(reverse("account_login"), {"login": "alice@example.org", "password": PASSWORD})
    assert response["Location"] == "/en/mijn-loket/"


def test_a_wrong_password_is_refused_and_then_rate_limited(client, alice):
    pages = [
        client.post(en("account_login"), {"login": "alice@example.org", "password": "wrong-password"})
        for _ in range(6)
    ]
    assert all(page.status_code == 200 for page in pages)
    assert "Too many failed login attempts" not in pages[0].content.decode()
    assert "Too many failed login attempts" in pages[-1].content.decode()
    # Even the right password waits now.
    response = client.post(reverse("account_login"), {"login": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 200


def test_a_forgotten_password_is_reset_by_email(client, alice):
    client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    reset = urlparse(link_in(mail.outbox[0].body, "/account/password/reset/key/")).path
    response = client.get(reset, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset
    new = "another-horse-battery-7"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)


def test_a_citizen_switches_on_two_factor_login(client, alice):
    client.post(reverse("account_login"), {"login": "alice@example.org", "password": PASSWORD})
    # Security settings ask for the password again before they change.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert is_mfa_enabled(alice)

    client.logout()
    response = client.post(reverse("account_login"), {"login": "alice@example.org", "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, offset=1)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200
