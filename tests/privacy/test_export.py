"""A citizen downloads everything the city holds about them: one JSON file per area and their letters and uploads."""

import io
import json
import zipfile

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eloket.privacy import export, registry
from eloket.privacy.models import DataExport, ExportStatus

from .conftest import make_case, session_of, with_evidence_and_objection
from .helpers import log_in

pytestmark = pytest.mark.django_db


def zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def read(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def ask_and_download(client, user) -> zipfile.ZipFile:
    log_in(client, user)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the build is queued after commit
        response = client.post(reverse("privacy:export"))
    assert response.status_code == 302 and response["Location"] == reverse("privacy:index")
    made = DataExport.objects.get(owner=user)
    assert made.status == ExportStatus.READY  # tasks run inline here; a real worker is tested below
    response = client.get(reverse("privacy:download", args=[made.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    return zip_of(response)


def test_alices_zip_holds_every_area_and_her_files(client, alice, world):
    archive = ask_and_download(client, alice)
    names = set(archive.namelist())
    assert {f"{provider.key}.json" for provider in registry.providers()} <= names
    assert "README.txt" in names

    assert read(archive, "profile.json")["email"] == "alice@example.org"
    assert read(archive, "profile.json")["address"]["street"] == alice.street
    assert [vehicle["plate"] for vehicle in read(archive, "vehicles.json")] == ["1-ABC-123"]
    permits = read(archive, "permits.json")
    assert permits["permits"][0]["number_plates"] == [{"plate": "1-ABC-123", "country": "BE"}]
    assert [event["to"] for event in permits["permits"][0]["history"]][-1] == "Actief"
    assert permits["visitor_parking"][0]["number_plate"] == "1-GST-001"
    cases = read(archive, "fines.json")
    assert sorted(case["id"] for case in cases) == sorted([world["open_case"].pk, world["paid_case"].pk])
    assert world["bob_case"].pk not in [case["id"] for case in cases]
    objection = next(case for case in cases if case["id"] == world["open_case"].pk)["objections"][0]
    assert objection["explanation"].startswith("Ik had een bewonerskaart")
    payments = read(archive, "payments.json")
    assert payments["payments"][0]["amount_eur"] == "116.00"
    assert payments["payment_requests"][0]["what_for"] == "Duplicaat bewonerskaart"
    assert read(archive, "parking_sessions.json")[0]["id"] == str(world["session"].uuid)
    assert read(archive, "appointments.json")[0]["reference"] == world["appointment"].reference
    chat = read(archive, "chat.json")
    assert chat[0]["messages"][0]["text"] == "Mijn kaart voor 1-ABC-123?"
    assert any(message["subject"] for message in read(archive, "messages.json"))

    # The files themselves, named by kind and id only.
    evidence, attachment = world["evidence"], world["attachment"]
    case = world["open_case"]
    assert archive.read(f"fines/{case.pk}/evidence-{evidence.pk}.png") == evidence.file.open("rb").read()
    assert f"fines/{case.pk}/objection-{attachment.objection_id}-{attachment.pk}.png" in names
    assert any(name.startswith("permits/") and name.endswith(".pdf") for name in names)
    assert any(name.startswith("chat/") for name in names)
    letters = [name for name in names if name.startswith("letters/")]
    assert len(letters) >= 2 and all(archive.read(name).startswith(b"%PDF") for name in letters)
    assert not any("alice" in name.lower() or "1ABC123" in name for name in names)


def test_bob_gets_404_on_alices_export(client, alice, bob, world):
    ask_and_download(client, alice)
    made = DataExport.objects.get(owner=alice)
    client.force_login(bob)
    assert client.get(reverse("privacy:download", args=[made.token])).status_code == 404
    client.logout()
    response = client.get(reverse("privacy:download", args=[made.token]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_copy_being_prepared_is_not_downloadable_and_a_second_request_waits(client, alice, world, english):
    pending = DataExport.objects.create(owner=alice)
    log_in(client, alice)
    assert client.get(reverse("privacy:download", args=[pending.token])).status_code == 404
    response = client.post(reverse("privacy:export"), follow=True)
    assert "Your previous request is still being prepared" in response.content.decode()
    assert DataExport.objects.filter(owner=alice).count() == 1


def test_a_few_copies_a_day_at_most(client, alice, world, english):
    log_in(client, alice)
    for _attempt in range(export.EXPORTS.max):
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(reverse("privacy:export"))
    response = client.post(reverse("privacy:export"), follow=True)
    assert "several times today" in response.content.decode()
    assert DataExport.objects.filter(owner=alice).count() == export.EXPORTS.max


def test_the_citizen_must_have_logged_in_recently(client, alice, world):
    """allauth's reauthentication: a session older than a few minutes asks for the password again first."""
    log_in(client, alice, confirmed=False)  # logged in, but the password was not confirmed in the last minutes
    response = client.post(reverse("privacy:export"))
    assert response.status_code == 302 and reverse("account_reauthenticate") in response["Location"]
    assert not DataExport.objects.exists()


def test_the_index_lists_the_copies_and_polls_while_one_is_prepared(client, alice, world):
    client.force_login(alice)
    DataExport.objects.create(owner=alice)
    page = client.get(reverse("privacy:index")).content.decode()
    assert f'hx-get="{reverse("privacy:exports")}"' in page
    fragment = client.get(reverse("privacy:exports"), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<div id=\"privacy-exports\"")


def test_the_owner_is_emailed_when_the_copy_is_ready(client, alice, world):
    mail.outbox.clear()
    ask_and_download(client, alice)
    assert any(alice.email in message.to and reverse("privacy:index") in message.body for message in mail.outbox)


def test_each_provider_runs_the_same_queries_for_one_or_many_rows(alice, world):
    """A fixed number of queries per area, whatever the citizen has."""
    def counts():
        result = {}
        for provider in registry.providers():
            with CaptureQueriesContext(connection) as queries:
                provider.export(alice)
            result[provider.key] = len(queries)
        return result

    few = counts()
    zone = world["zone"]
    for number in range(4, 8):
        case = make_case(alice, sequence=number)
        with_evidence_and_objection(case, submitted_by=alice)
        session_of(alice, zone, plate=f"1XYZ{number:03d}")
    assert counts() == few


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_zip(celery_worker, alice, demo_city, media):
    from django.db import transaction

    with transaction.atomic():
        made = export.request_export(alice)
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        made.refresh_from_db()
        if made.status != ExportStatus.PENDING:
            break
        time.sleep(0.2)
    assert made.status == ExportStatus.READY and made.size > 0
    with made.file.open("rb") as handle:
        assert "profile.json" in zipfile.ZipFile(handle).namelist()


def test_a_lost_build_is_picked_up_and_never_built_twice(alice, demo_city, media):
    made = DataExport.objects.create(owner=alice)
    DataExport.objects.filter(pk=made.pk).update(created=made.created - export.LOST_AFTER * 2)
    assert export.pending_ids() == [made.pk]
    assert export.build(made.pk) is True
    assert export.build(made.pk) is False  # the second run finds nothing to claim
    made.refresh_from_db()
    assert made.status == ExportStatus.READY and export.pending_ids() == []
