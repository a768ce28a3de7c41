"""The project's error pages (400, 403, 404, 500) in the site's look, and the 503 a database outage gives instead of a
500: JSON in the API's error shape under /api/, a page that needs no database elsewhere, each with Retry-After and one
log line without personal data. Django runs with DEBUG off here, as in production.

The outage is real: Django's connection is pointed at a port where no PostgreSQL listens (unreachable), or its server
process is ended under it (a connection lost, as when PostgreSQL restarts). tests/faults/test_postgres_restart.py
restarts a whole PostgreSQL under the running web server and Celery worker.
"""

import contextlib
import json
import logging
import socket
import uuid

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from eloket import outage
from parking_sessions import operators, sms
from parking_sessions.models import Inbox, Operator
from tests.i18n import en

PLATE = "1-ABC-123"
PHONE = "+32470111222"
TOKEN, SECRET = "gateway-token-for-the-tests", "gateway-secret-for-the-tests"


def templates(response) -> list[str]:
    return [template.name for template in response.templates]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def unreachable_database():
    """Nothing answers at the database's address (a port nobody listens on) until the block ends. Every thread's
    connection reads the same settings, so a live server's thread loses its database too."""
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(_free_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


@pytest.fixture
def database_down(transactional_db):
    with unreachable_database():
        yield


def _other_connection():
    import psycopg

    settings = connection.settings_dict
    return psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"],
                           password=settings["PASSWORD"] or None, dbname=settings["NAME"], autocommit=True)


@pytest.fixture
def server_errors_answered():
    """A client that gets the answer Django gives for an exception outside a view, as a browser would."""
    return Client(raise_request_exception=False)


# --- The error pages ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_missing_page_is_the_project_404_in_the_sites_look(client, demo_city, english):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    assert templates(response)[:2] == ["404.html", "base.html"]
    page = response.content.decode()
    assert "Page not found" in page and 'href="/en/"' in page and demo_city.name in page


@pytest.mark.django_db
def test_the_404_page_is_dutch_at_dutch_addresses(client, demo_city):
    response = client.get("/bestaat-niet/")

    assert response.status_code == 404
    assert '<html lang="nl"' in response.content.decode()


@pytest.mark.django_db
def test_a_page_staff_may_not_use_is_the_project_403(client, carla, demo_city, english):
    client.force_login(carla)

    response = client.get(en("admin:city_tariff_add"))

    assert response.status_code == 403
    assert templates(response)[:2] == ["403.html", "base.html"]
    assert "No access" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_host_is_the_project_400(client, english, settings):
    settings.ALLOWED_HOSTS = ["eloket.example"]

    response = client.get("/en/", HTTP_HOST="elsewhere.example")

    assert response.status_code == 400
    assert templates(response)[:2] == ["400.html", "base.html"]
    assert "The request could not be handled" in response.content.decode()


def test_the_500_page_renders_without_context_request_or_database(english):
    # No `db` fixture: a query here would fail the test. Django calls handler500 while handling the exception.
    try:
        raise ValueError("a bug")
    except ValueError:
        response = outage.server_error(RequestFactory().get("/en/tarieven/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and 'href="/en/"' in page and "eloket.css" in page


def test_the_outage_page_renders_without_request_or_database(english):
    page = render_to_string("503.html")

    assert "Temporarily unavailable" in page and 'href="/en/"' in page and 'lang="en"' in page


# --- A database outage is a 503, never a 500 -------------------------------------------------------

def assert_outage_answer(response, content_type: str) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith(content_type)


def test_a_page_is_a_plain_503_page_when_the_database_is_unreachable(client, database_down, english, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/en/tarieven/")

    assert_outage_answer(response, "text/html")
    assert templates(response)[:2] == ["503.html", "errors/base.html"]
    assert "Temporarily unavailable" in response.content.decode()
    lines = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [record.name for record in lines] == ["eloket.outage"]  # one line, not Django's second one
    assert "GET /en/tarieven/" in lines[0].getMessage() and "OperationalError" in lines[0].getMessage()


def test_the_outage_page_is_dutch_at_dutch_addresses(client, database_down):
    response = client.get("/tarieven/")

    assert response.status_code == 503
    assert '<html lang="nl"' in response.content.decode()


def test_the_api_answers_503_in_its_error_shape_when_the_database_is_unreachable(client, database_down, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/api/v1/enforcement/check", {"plate": "1ABC123", "zone": "C1"},
                              HTTP_AUTHORIZATION="Bearer some-device-token")

    assert_outage_answer(response, "application/json")
    assert response.json() == outage.API_ERROR
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/api/v1/enforcement/check" in logged and "1ABC123" not in logged and "plate" not in logged


def test_an_inbound_sms_is_refused_with_503_so_the_gateway_sends_it_again(client, database_down, settings, caplog):
    settings.SMS_INBOUND_TOKEN, settings.SMS_INBOUND_SECRET = TOKEN, SECRET
    body = json.dumps({"message_id": uuid.uuid4().hex, "from": PHONE, "to": "4411", "body": f"C1 {PLATE}"}).encode()

    with caplog.at_level(logging.INFO):
        response = client.post("/api/v1/sms/inbound", body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_X_SIGNATURE=sms.signature(body, SECRET))

    assert_outage_answer(response, "application/json")
    assert response.json()["code"] == "service_unavailable"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert PHONE not in logged and PLATE not in logged


def test_an_operator_post_on_a_lost_connection_is_503_and_stores_nothing(transactional_db, demo_city):
    operator = Operator(code="app4411", name="4411")
    key = operators.make_key(operator)
    client = Client()
    parking = {"registration_number": PLATE, "time_start": "2026-03-10T09:00:00+01:00", "zone": "C1"}
    assert client.post("/api/v1/operator/parking/", parking, content_type="application/json",
                       HTTP_AUTHORIZATION=f"ApiKey {key}").status_code == 201  # the key is now known in this process

    with _other_connection() as other:
        # Waits (up to 5 s) until the server processes are gone.
        other.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = current_database() "
                      "AND pid <> pg_backend_pid()")
    response = client.post("/api/v1/operator/parking/", parking, content_type="application/json",
                           HTTP_AUTHORIZATION=f"ApiKey {key}", HTTP_IDEMPOTENCY_KEY="lost-connection")
    connection.close()  # as Django does at the end of a request that met a broken connection

    assert_outage_answer(response, "application/json")
    assert not Inbox.objects.filter(external_id="lost-connection").exists()
    assert Inbox.objects.count() == 1


def test_a_logged_in_citizen_gets_the_503_when_the_session_cannot_be_read(server_errors_answered, transactional_db, alice,
                                                                          english):
    # The session is read by a middleware, before any view: Django's handler500 answers, with the same 503.
    server_errors_answered.force_login(alice)
    with unreachable_database():
        response = server_errors_answered.get("/en/no-such-page/")

    assert_outage_answer(response, "text/html")
    assert "Temporarily unavailable" in response.content.decode()


def test_other_database_errors_still_reach_the_500_page(english):
    # Only an unreachable database is an outage: a programming error is a bug and stays a 500.
    from django.db import ProgrammingError

    try:
        raise ProgrammingError("relation does not exist")
    except ProgrammingError:
        response = outage.server_error(RequestFactory().get("/en/"))

    assert response.status_code == 500
