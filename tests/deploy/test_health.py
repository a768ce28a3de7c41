"""/health/ tells a load balancer (and Docker's HEALTHCHECK) whether PostgreSQL and Redis answer."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_database_and_redis_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_health_is_503_when_redis_does_not_answer(client):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error"}


def test_health_needs_no_login_and_no_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/health/")
    assert response.status_code == 200
