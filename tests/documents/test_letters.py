"""The payment request letter: a tagged PDF in the citizen's language that says what to pay and how."""

import datetime

import pytest
from celery.exceptions import Retry
from django.utils import formats, timezone, translation
from stdnum import iban

from eloket.documents import render, tasks
from eloket.documents.models import Document, DocumentKind, DocumentStatus
from eloket.payments.models import PaymentRequest, PaymentRequestStatus
from eloket.payments.references import reference_for

from .conftest import DUE
from .helpers import barcodes_in, letter_for, reader, text_of

pytestmark = pytest.mark.django_db


def test_the_letter_shows_the_amount_the_structured_communication_and_the_due_date(
        alice, make_payment_request, django_capture_on_commit_callbacks):
    payment_request = make_payment_request(alice, amount="1234.50")
    document = letter_for(payment_request, django_capture_on_commit_callbacks)

    assert document.status == DocumentStatus.RENDERED and document.version == 1
    assert document.kind == DocumentKind.PAYMENT_REQUEST and document.owner == alice
    text = text_of(document)
    assert "€ 1.234,50" in text  # Dutch: alice prefers nl
    assert reference_for(payment_request).display in text
    with translation.override("nl"):
        assert formats.date_format(DUE, "DATE_FORMAT") in text  # 15 maart 2031
    assert "Alice Peeters" in text and "Stadsplein 1" in text
    assert "BE71 0961 2345 6769" in text and "GKCCBEBB" in text


def test_the_qr_code_in_the_letter_is_a_sepa_transfer_to_the_city_with_the_ogm(
        alice, make_payment_request, demo_city, django_capture_on_commit_callbacks):
    payment_request = make_payment_request(alice, amount="25.00")
    document = letter_for(payment_request, django_capture_on_commit_callbacks)

    [payload] = barcodes_in(document)
    lines = payload.split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"]
    assert lines[4] == demo_city.bic
    assert lines[5] == demo_city.beneficiary
    assert iban.is_valid(lines[6]) and lines[6] == demo_city.iban
    assert lines[7] == "EUR25.00"
    assert lines[9] == reference_for(payment_request).digits and len(lines[9]) == 12


def test_the_letter_is_an_accessible_pdf_that_declares_its_language(alice, bob, make_payment_request,
                                                                    django_capture_on_commit_callbacks):
    bob.preferred_language = "en"
    bob.save()
    dutch = letter_for(make_payment_request(alice), django_capture_on_commit_callbacks)
    english = letter_for(make_payment_request(bob), django_capture_on_commit_callbacks)

    for document, language in ((dutch, "nl"), (english, "en")):
        pdf = reader(document)
        catalog = pdf.trailer["/Root"]
        assert catalog["/Lang"] == language
        assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712  a pypdf BooleanObject
        assert "/StructTreeRoot" in catalog
        assert 'pdfuaid:part="1"' in pdf.xmp_metadata.rdf_root.toxml()
        assert pdf.metadata.title.startswith(document.title)
    assert dutch.language == "nl" and english.language == "en"
    assert "Payment request" in text_of(english)


def test_the_qr_code_has_a_text_alternative(alice, make_payment_request):
    payment_request = make_payment_request(alice)
    document = Document(owner=alice, case=payment_request, kind=DocumentKind.PAYMENT_REQUEST, title="Payment request",
                        template="documents/letters/payment_request.html", language="en",
                        context_builder="eloket.documents.letters.payment_request_context")
    html = render.build_html(document)
    assert ('alt="QR code to pay € 25.00 by bank transfer to Stad Genk with structured communication '
            f'{reference_for(payment_request).display}"') in html


def test_a_letter_is_made_only_after_the_clerks_transaction_commits(alice, make_payment_request,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        from eloket.documents import letters

        document = letters.request_payment_request_letter(make_payment_request(alice))
    document.refresh_from_db()
    assert len(callbacks) == 1
    assert document.status == DocumentStatus.PENDING and not document.file


def test_the_letter_is_made_again_when_the_payment_request_is_paid(alice, make_payment_request,
                                                                   django_capture_on_commit_callbacks):
    alice.preferred_language = "en"
    alice.save()
    payment_request = make_payment_request(alice)
    document = letter_for(payment_request, django_capture_on_commit_callbacks)
    first_file = document.file.name
    assert len(barcodes_in(document)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        payment_request.status = PaymentRequestStatus.PAID
        payment_request.paid_at = timezone.make_aware(datetime.datetime(2024, 2, 29, 10, 0))
        payment_request.save()

    document.refresh_from_db()
    assert document.version == 2 and document.status == DocumentStatus.RENDERED
    assert document.file.name != first_file
    assert not document.file.storage.exists(first_file)
    text = text_of(document)
    assert "Paid on Feb. 29, 2024" in text
    assert reference_for(payment_request).display in text
    assert barcodes_in(document) == []  # no invitation to pay twice


def test_the_letter_shows_paid_as_soon_as_a_bank_transfer_is_booked(alice, make_payment_request,
                                                                    django_capture_on_commit_callbacks):
    """Through the payments flow: the payment is saved as paid; the payable follows with a queryset update."""
    from eloket.payments import flow

    alice.preferred_language = "en"
    alice.save()
    payment_request = make_payment_request(alice)
    document = letter_for(payment_request, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        flow.record_transfer(payment_request, amount=payment_request.amount, booked_on=datetime.date(2024, 2, 29),
                             note="CODA line 3")

    document.refresh_from_db()
    assert document.version == 2
    assert "Paid on Feb. 29, 2024" in text_of(document)
    assert barcodes_in(document) == []


def test_a_save_that_changes_nothing_on_the_letter_keeps_its_version(alice, make_payment_request,
                                                                     django_capture_on_commit_callbacks):
    payment_request = make_payment_request(alice)
    document = letter_for(payment_request, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        payment_request.save()
    assert len(callbacks) == 1

    refreshed = Document.objects.get(pk=document.pk)
    assert refreshed.version == 1 and refreshed.file.name == document.file.name


def test_regenerate_for_is_what_permits_and_fines_call(alice, make_payment_request, django_capture_on_commit_callbacks):
    alice.preferred_language = "en"
    alice.save()
    payment_request = make_payment_request(alice)
    document = letter_for(payment_request, django_capture_on_commit_callbacks)
    # A queryset update sends no signal: the caller asks for the letters itself.
    PaymentRequest.objects.filter(pk=payment_request.pk).update(status=PaymentRequestStatus.CANCELLED)

    with django_capture_on_commit_callbacks(execute=True):
        assert render.regenerate_for(payment_request) == 1

    document.refresh_from_db()
    assert document.version == 2
    assert "This request has been cancelled" in text_of(document)


def test_a_document_another_worker_is_rendering_is_left_to_it(alice, make_payment_request,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        from eloket.documents import letters

        document = letters.request_payment_request_letter(make_payment_request(alice))
    Document.objects.filter(pk=document.pk).update(claimed_at=timezone.now())

    with pytest.raises(render.Busy):
        render.render(document.pk)
    with pytest.raises(Retry):
        tasks.render_document.delay(document.pk)  # it comes back in a minute
    assert tasks.render_document.apply(args=[document.pk], retries=tasks.MAX_RETRIES).get() is False  # then gives up
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING and document.version == 0


def test_a_stale_claim_of_a_dead_worker_is_taken_over(alice, make_payment_request, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        from eloket.documents import letters

        document = letters.request_payment_request_letter(make_payment_request(alice))
    Document.objects.filter(pk=document.pk).update(claimed_at=timezone.now() - datetime.timedelta(hours=1))

    assert render.render(document.pk) is True
    document.refresh_from_db()
    assert document.version == 1 and document.claimed_at is None


def test_a_letter_that_keeps_failing_is_marked_failed_with_the_error(alice, make_payment_request,
                                                                    django_capture_on_commit_callbacks):
    from django.template import TemplateDoesNotExist

    with django_capture_on_commit_callbacks(execute=False):
        from eloket.documents import letters

        document = letters.request_payment_request_letter(make_payment_request(alice))
    # A template removed by a bad deployment: every attempt fails the same way.
    Document.objects.filter(pk=document.pk).update(template="documents/letters/gone.html")

    with pytest.raises(Retry):
        tasks.render_document.delay(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING and "gone.html" in document.last_error

    with pytest.raises(TemplateDoesNotExist):
        tasks.render_document.apply(args=[document.pk], retries=tasks.MAX_RETRIES)  # the last retry

    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert document.attempts == 2
    assert "gone.html" in document.last_error and document.claimed_at is None


def test_lost_render_tasks_are_picked_up(alice, make_payment_request, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        from eloket.documents import letters

        lost = letters.request_payment_request_letter(make_payment_request(alice))
        young = letters.request_payment_request_letter(make_payment_request(alice))
    Document.objects.filter(pk=lost.pk).update(created=timezone.now() - datetime.timedelta(minutes=5))

    assert tasks.render_pending.delay().get() == 1
    assert Document.objects.get(pk=lost.pk).version == 1
    assert Document.objects.get(pk=young.pk).version == 0


def test_letters_load_nothing_from_the_network(alice, caplog):
    html = ('<html lang="en"><head><title>t</title><link rel="stylesheet" href="https://example.org/x.css"></head>'
            '<body><p>Hello</p><img src="file:///etc/hostname" alt="x"></body></html>')
    pdf = render.html_to_pdf(html, render.letters_base_url(), lang="en")
    assert pdf.startswith(b"%PDF")
    assert "Letters only load their own files" in caplog.text
