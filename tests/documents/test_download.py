"""Downloading a letter: its owner and staff who may view documents; nobody else learns it exists."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse

from eloket.documents.models import Document, DocumentKind, DocumentStatus
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a stand-in letter\n"


def stored_document(owner, title="Payment request", **fields) -> Document:
    """A rendered document without running WeasyPrint: the view only serves the stored file."""
    document = Document(owner=owner, content_type=ContentType.objects.get_for_model(owner), object_id=owner.pk,
                        kind=DocumentKind.PAYMENT_REQUEST, title=title, template="documents/letters/payment_request.html",
                        context_builder="eloket.documents.letters.payment_request_context", language="nl",
                        status=DocumentStatus.RENDERED, version=1, **fields)
    document.file.save("letter.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


def url(document):
    return reverse("documents:download", args=[document.token])


def test_the_owner_downloads_the_pdf_inline(client, alice):
    document = stored_document(alice)
    client.force_login(alice)
    response = client.get(url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="payment-request.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_another_citizen_gets_not_found(client, alice, bob):
    document = stored_document(alice)
    client.force_login(bob)
    assert client.get(url(document)).status_code == 404


def test_counter_staff_with_the_permission_may_open_it(client, alice, carla):
    document = stored_document(alice)
    client.force_login(carla)
    assert carla.has_perm("documents.view_document")
    assert client.get(url(document)).status_code == 200


def test_staff_without_the_permission_get_not_found(client, alice):
    document = stored_document(alice)
    client.force_login(StaffFactory())
    assert client.get(url(document)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, alice):
    document = stored_document(alice)
    response = client.get(url(document))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_document_not_rendered_yet_is_not_found(client, alice):
    document = stored_document(alice)
    Document.objects.filter(pk=document.pk).update(version=0, file="", status=DocumentStatus.PENDING)
    client.force_login(alice)
    assert client.get(url(document)).status_code == 404


def test_an_unknown_token_is_not_found(client, alice):
    client.force_login(alice)
    assert client.get(reverse("documents:download", args=["6f1c1f5e-8a43-4d7a-9d52-1d2d1b7a0c11"])).status_code == 404


def test_the_dashboard_lists_the_citizens_own_documents(client, alice, bob):
    stored_document(alice, title="Alice's letter")
    stored_document(bob, title="Bob's letter")
    client.force_login(alice)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'id="panel-documents"' in page
    assert "Alice&#x27;s letter" in page and "Bob&#x27;s letter" not in page


def test_the_documents_panel_runs_the_same_queries_for_one_or_many(client, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    stored_document(alice)
    client.force_login(alice)
    client.get(reverse("accounts:dashboard"))  # warm the city cache
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:dashboard"))
    for number in range(8):
        stored_document(alice, title=f"Letter {number}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("accounts:dashboard")).content.decode()
    assert len(few) == len(many)
    assert "Letter 7" in page
