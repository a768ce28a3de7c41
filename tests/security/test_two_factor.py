"""Staff reach the administration only with two-factor login, whatever the way in.

The middleware sends staff without an authenticator to set one up, on every admin page (walked from the URL
configuration, in both languages, for GET and POST); the admin's own login form, which would log in with a password
alone, sends everyone to the site's login; a password alone, through the login form or the city's identity provider,
leaves a staff member at the code prompt; and a document outside the admin stays closed to staff without it.
"""

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.urls.converters import IntConverter
from django.utils import translation

from eloket.accounts import roles
from eloket.accounts.oidc import providers_from_env
from tests.accounts.fake_oidc import FakeOIDCProvider
from tests.accounts.helpers import totp_code
from tests.documents.test_download import stored_document
from tests.factories import PASSWORD, UserFactory

from .test_staff_urls import admin_url_names

pytestmark = pytest.mark.django_db


def any_arguments(pattern) -> dict:
    """Values that fit the URL's parameters: the middleware answers before any view looks a row up."""
    converters = pattern.pattern.converters
    if converters:
        return {name: 1 if isinstance(converter, IntConverter) else "1" for name, converter in converters.items()}
    return {name: "accounts" for name in pattern.pattern.regex.groupindex}  # the admin's app_list: an app label


def admin_urls(language: str) -> dict[str, str]:
    with translation.override(language):
        return {name: reverse(f"admin:{name}", kwargs=any_arguments(pattern)) for name, pattern in admin_url_names().items()}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_admin_page_sends_staff_without_two_factor_login_to_set_it_up(client, language):
    clerk = UserFactory(is_staff=True, is_superuser=True)
    assert client.post(reverse("account_login"), {"login": clerk.email, "password": PASSWORD}).status_code == 302
    with translation.override(language):
        setup = reverse("mfa_activate_totp")
    urls = admin_urls(language)
    assert len(urls) > 100 and urls["index"] == ("/admin/" if language == "nl" else "/en/admin/")

    not_sent = {}
    for name, url in urls.items():
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code != 302 or response["Location"] != setup:
                not_sent[f"{method.upper()} {name}"] = response.status_code
    assert not not_sent, not_sent
    # The way out: set up an authenticator (after the password again), and the same pages open.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = client.get(setup).context["form"].secret
    client.post(setup, {"code": totp_code(secret)})
    assert is_mfa_enabled(clerk) and client.get(urls["index"]).status_code == 200


def test_the_admin_login_form_does_not_log_in_with_a_password_alone(client, carla):
    response = client.post(reverse("admin:login") + "?next=/admin/", {"username": carla.email, "password": PASSWORD})
    assert response.status_code == 302 and urlparse(response["Location"]).path == reverse("account_login")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("admin:login"))

    shown = client.get(reverse("admin:login"), {"next": "/admin/"})
    assert shown.status_code == 302
    assert parse_qs(urlparse(shown["Location"]).query)["next"] == ["/admin/"]


def test_the_admin_login_form_cannot_be_used_to_guess_passwords(client, carla):
    """Before, its form answered every guess; now no guess is even tried there (the login form's limit holds)."""
    for _guess in range(15):
        response = client.post(reverse("admin:login"), {"username": carla.email, "password": "wrong-guess"})
        assert response.status_code == 302 and urlparse(response["Location"]).path == reverse("account_login")
    assert "Too many" not in client.get(reverse("account_login")).content.decode()


def test_the_password_alone_leaves_staff_at_the_code_prompt(client, carla):
    response = client.post(reverse("account_login"), {"login": carla.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200  # a wrong code: still out
    assert SESSION_KEY not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code(carla.totp_secret)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_city_login_does_not_skip_the_second_factor(client, settings, carla):
    claims = {"sub": "itsme-carla", "email": carla.email, "email_verified": True, "given_name": "Carla"}
    with FakeOIDCProvider("eloket", "s3cret", claims) as idp:
        settings.SOCIALACCOUNT_PROVIDERS = providers_from_env(
            {"OIDC_CLIENT_ID": "eloket", "OIDC_CLIENT_SECRET": "s3cret", "OIDC_SERVER_URL": idp.url})
        start = client.post("/account/oidc/city/login/")
        query = parse_qs(urlparse(start["Location"]).query)
        done = client.get(urlparse(query["redirect_uri"][0]).path, {"code": "code-from-idp", "state": query["state"][0]})

    assert done.status_code == 302 and done["Location"] == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_without_two_factor_login_cannot_open_a_citizens_letter(client, alice, carla, media):
    """Letters are downloaded outside the admin, where the middleware does not look: the view asks itself."""
    document = stored_document(alice)
    clerk = UserFactory(is_staff=True)
    clerk.groups.add(roles.sync_roles()[roles.COUNTER])
    assert clerk.has_perm("documents.view_document") and not is_mfa_enabled(clerk)
    client.force_login(clerk)
    assert client.get(reverse("documents:download", args=[document.token])).status_code == 404
    client.force_login(carla)  # the same group with two-factor login
    assert client.get(reverse("documents:download", args=[document.token])).status_code == 200
