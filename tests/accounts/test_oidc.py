"""A city configures its own OpenID Connect login (eID/itsme broker) with environment variables alone."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from eloket.accounts.models import User
from eloket.accounts.oidc import oidc_origins, providers_from_env

from .fake_oidc import FakeOIDCProvider

pytestmark = pytest.mark.django_db

CLAIMS = {"sub": "itsme-42", "email": "jan.claes@example.org", "email_verified": True,
          "given_name": "Jan", "family_name": "Claes"}


def test_no_city_login_without_configuration():
    assert providers_from_env({}) == {}


def test_the_environment_alone_configures_the_provider():
    config = providers_from_env({"OIDC_CLIENT_ID": "eloket", "OIDC_CLIENT_SECRET": "s3cret",
                                 "OIDC_SERVER_URL": "https://idp.example", "OIDC_NAME": "CSAM", "OIDC_SCOPES": "openid,email"})
    app = config["openid_connect"]["APPS"][0]
    assert (app["client_id"], app["secret"], app["name"]) == ("eloket", "s3cret", "CSAM")
    assert app["settings"]["server_url"] == "https://idp.example"
    assert app["settings"]["scope"] == ["openid", "email"]
    # The login form redirects to the identity provider, so the CSP must allow that form target.
    assert oidc_origins(config) == ["https://idp.example"]


def test_a_citizen_logs_in_through_the_city_identity_provider(client, settings):
    with FakeOIDCProvider("eloket", "s3cret", CLAIMS) as idp:
        settings.SOCIALACCOUNT_PROVIDERS = providers_from_env(
            {"OIDC_CLIENT_ID": "eloket", "OIDC_CLIENT_SECRET": "s3cret", "OIDC_SERVER_URL": idp.url, "OIDC_NAME": "eID / itsme"})

        login_page = client.get(reverse("account_login")).content.decode()
        assert "eID / itsme" in login_page

        start = client.post("/account/oidc/city/login/")
        assert start.status_code == 302
        authorize = urlparse(start["Location"])
        query = parse_qs(authorize.query)
        assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{idp.url}/authorize"
        assert query["client_id"] == ["eloket"]
        assert "code_challenge" in query

        callback = urlparse(query["redirect_uri"][0]).path
        done = client.get(callback, {"code": "code-from-idp", "state": query["state"][0]})
        assert done.status_code == 302, done.content.decode()[:2000]

    user = User.objects.get(email="jan.claes@example.org")
    assert (user.first_name, user.last_name) == ("Jan", "Claes")
    assert idp.token_requests[0]["code_verifier"]
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_a_forged_callback_is_refused(client, settings):
    with FakeOIDCProvider("eloket", "s3cret", CLAIMS) as idp:
        settings.SOCIALACCOUNT_PROVIDERS = providers_from_env(
            {"OIDC_CLIENT_ID": "eloket", "OIDC_CLIENT_SECRET": "s3cret", "OIDC_SERVER_URL": idp.url})
        response = client.get("/account/oidc/city/login/callback/", {"code": "code-from-idp", "state": "forged"})
        assert response.status_code == 401
    assert not User.objects.filter(email="jan.claes@example.org").exists()
