"""The letters of a case: the notice of every kind, each later step's letter, and the email that goes with them."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import formats, timezone, translation

from eloket.documents import render
from eloket.documents.models import Document, DocumentKind, DocumentStatus
from eloket.notifications.models import OutboundMessage
from eloket.payments import flow
from eloket.payments.references import reference_for
from fines import notices, numbers, rules
from fines.models import CaseKind, CaseStatus, EvidenceKind, Hearing, Objection, ObjectionStatus
from tests.documents.helpers import barcodes_in, reader, text_of
from tests.files import jpeg_upload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def in_days(days: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=days)


def dutch_date(day: datetime.date) -> str:
    with translation.override("nl"):
        return formats.date_format(day, "DATE_FORMAT")


def english_date(day: datetime.date) -> str:
    with translation.override("en"):
        return formats.date_format(day, "DATE_FORMAT")


def images_in(document: Document) -> set[str]:
    """The images of the PDF (a page lists every image of the letter it shares with the other pages)."""
    return {image.name for page in reader(document).pages for image in page.images}


def english_html(document: Document) -> str:
    """The letter's HTML in the source language, for assertions on its wording (Dutch has its own catalogue).

    The title stays as stored: it was written in the letter's own language (Dutch) when the letter was made.
    """
    document.language = "en"
    return " ".join(render.build_html(document).split())


def transfers_in(document: Document) -> list[str]:
    """The EPC QR codes in the letter (the evidence photo is no barcode)."""
    return sorted({code for code in barcodes_in(document) if code.startswith("BCD")})


def notice_of(case) -> Document:
    return Document.objects.for_case(case).get(kind=DocumentKind.NOTICE)


@pytest.fixture
def issued(issue, django_capture_on_commit_callbacks):
    """Issue a case with a photo and let its notice be made and its email be sent, as after the commit."""
    def make(code="PAVEMENT", **fields):
        fields.setdefault("evidence", [(EvidenceKind.PHOTO, jpeg_upload(), None)])
        with django_capture_on_commit_callbacks(execute=True):
            case = issue(code, **fields)
        return case

    return make


def step(case, name, django_capture_on_commit_callbacks, **objects) -> Document:
    with django_capture_on_commit_callbacks(execute=True):
        document = notices.after_step(case, name, **objects)
    document.refresh_from_db()
    return document


# The notice ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, amount", [("RETRIBUTION", "20,00"), ("PAVEMENT", "116,00"), ("GAS5", "108,00")])
def test_the_notice_shows_number_plate_amount_due_date_and_how_to_pay_by_transfer(issued, code, amount):
    case = issued(code)
    document = notice_of(case)

    assert document.status == DocumentStatus.RENDERED and document.language == "nl" and document.owner is None
    text = text_of(document)
    assert numbers.display(case.notice_number) in text
    assert "1-ABC-123" in text and "Stadsplein 4" in text
    assert f"€ {amount}" in text
    assert dutch_date(in_days(30)) in text
    assert reference_for(case).display in text
    assert "Jan Claes" in text and "Stadsplein 1" in text and "3600 Genk" in text  # the holder is the recipient
    [transfer] = transfers_in(document)
    assert transfer.split("\n")[7] == f"EUR{amount.replace(',', '.')}"
    assert transfer.split("\n")[9] == reference_for(case).digits


def test_the_notice_is_an_accessible_pdf_in_dutch_with_the_evidence_photo(issued):
    document = notice_of(issued("PAVEMENT"))
    pdf = reader(document)
    catalog = pdf.trailer["/Root"]
    assert catalog["/Lang"] == "nl" and "/StructTreeRoot" in catalog
    assert 'pdfuaid:part="1"' in pdf.xmp_metadata.rdf_root.toxml()
    assert len(images_in(document)) == 2  # the evidence photo and the QR code


def test_a_photo_too_large_to_read_is_left_out(issued, monkeypatch):
    from fines import letters

    monkeypatch.setattr(letters, "THUMBNAIL_MAX_BYTES", 10)
    document = notice_of(issued("PAVEMENT"))
    assert len(images_in(document)) == 1  # the QR code only


def test_a_gas_notice_names_the_rights_a_retribution_only_the_objection(issued):
    retribution = english_html(notice_of(issued("RETRIBUTION")))
    gas4 = english_html(notice_of(issued("PAVEMENT", plate="1XYZ987")))
    case = issued("GAS5", plate="2ABC321")
    gas5 = english_html(notice_of(case))

    assert "A parking retribution is a fee for using a parking place, not a fine." in retribution
    assert "You can object online before" in retribution
    for html in (gas4, gas5):
        assert "municipal administrative fine (GAS)" in html
        assert "You can send a written defence before" in html
        assert "you can name the driver before" in html
    assert "Oral hearing" not in retribution and "name the driver" not in retribution
    assert f"you can name the driver before {english_date(case.driver_until)}" in gas5
    assert "51 km/h measured; 45 km/h after the measuring tolerance" in gas5
    assert "30 km/h, inside a built-up area" in gas5
    assert "Speed limit" not in gas4
    assert "Administratieve geldboete voor een lichte snelheidsovertreding (GAS 5): kennisgeving" in gas5
    assert "Parkeerretributie: uitnodiging tot betaling" in retribution


@pytest.mark.parametrize("code, fields, hearing", [
    ("PAVEMENT", {}, True),  # € 116
    ("LEVEL_CROSSING", {}, True),  # € 330
    ("E1", {}, False),  # € 58
    ("GAS5", {}, True),  # € 108
    ("GAS5", {"measured_speed": 44}, False),  # corrected 38 in zone 30: € 53
])
def test_the_oral_hearing_is_offered_only_above_70_euro(issued, code, fields, hearing):
    case = issued(code, **fields)
    assert (case.amount > Decimal("70")) is hearing
    html = english_html(notice_of(case))
    assert ("you have the right to explain your defence in person at an oral hearing" in html) is hearing


def test_the_notice_says_paid_once_the_case_is_paid(issued, django_capture_on_commit_callbacks):
    case = issued("PAVEMENT")
    document = notice_of(case)
    assert len(transfers_in(document)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        flow.record_transfer(case, amount=Decimal("116.00"), booked_on=TODAY(), note="CODA line 1")

    document.refresh_from_db()
    case.refresh_from_db()
    assert case.status == CaseStatus.PAID
    assert document.version >= 2 and document.status == DocumentStatus.RENDERED
    assert transfers_in(document) == []  # no invitation to pay twice
    assert f"Paid on {english_date(TODAY())}. Thank you." in english_html(document)
    assert "Pay by bank transfer" not in english_html(document)


def test_the_letter_is_in_the_language_of_the_account_that_keeps_the_case(issue, alice, bob):
    bob.preferred_language = "en"
    bob.save()
    kept = issue("PAVEMENT", plate="1XYZ987")
    kept.citizen = bob
    kept.save()
    assert notices.after_step(kept, "reminder").language == "en"
    kept.citizen = alice
    assert notices.after_step(kept, "reminder").language == "nl"


# The email -----------------------------------------------------------------------------------------------------------

def test_issuing_makes_one_notice_letter_and_one_email_to_the_holder(issued, mailoutbox):
    case = issued("PAVEMENT", holder_email="jan@example.org")

    assert Document.objects.for_case(case).count() == 1
    [message] = OutboundMessage.objects.filter(template="fines/notice")
    assert message.recipient == "jan@example.org" and message.language == "nl"
    assert numbers.display(case.notice_number) in message.subject
    assert "1ABC123" not in message.subject and "1-ABC-123" not in message.subject
    assert f"{settings.SITE_URL}/boetes/opzoeken/\n" in message.body_text
    assert f"/boetes/{case.pk}/" not in message.body_text  # not kept: the lookup, not the case page
    assert [email.to for email in mailoutbox] == [["jan@example.org"]]


def test_without_an_email_address_only_the_letter_is_made(issued):
    case = issued("PAVEMENT")
    assert Document.objects.for_case(case).count() == 1
    assert not OutboundMessage.objects.exists()


def test_a_kept_case_emails_the_account_with_a_link_to_the_case_page(case_in, alice, fines_city):
    case = case_in(CaseKind.GAS4, CaseStatus.REMINDED, citizen=alice, holder_email="other@example.org")
    notices.after_step(case, "reminder")
    [message] = OutboundMessage.objects.all()
    assert message.recipient == "alice@example.org" and message.user == alice
    assert f"/boetes/{case.pk}/" in message.body_text


# Every later letter --------------------------------------------------------------------------------------------------

def objection_of(case, status, reason="The photo shows the car on the pavement.", **fields):
    values = {"case": case, "explanation": "I was loading.", "contact_name": "Mr Claes (lawyer)",
              "contact_email": "lawyer@example.org", "status": status, "decision_reason": reason,
              "decided_at": timezone.now() if status != ObjectionStatus.PENDING else None}
    values.update(fields)
    return Objection.objects.create(**values)


@pytest.mark.parametrize("kind, status, name, kind_of_document", [
    (CaseKind.RETRIBUTION, CaseStatus.REMINDED, "reminder", DocumentKind.REMINDER),
    (CaseKind.GAS5, CaseStatus.REMINDED, "reminder", DocumentKind.REMINDER),
    (CaseKind.RETRIBUTION, CaseStatus.FORMAL_NOTICE, "formal_notice", DocumentKind.REMINDER),
    (CaseKind.RETRIBUTION, CaseStatus.COLLECTION, "collection", DocumentKind.OTHER),
    (CaseKind.GAS4, CaseStatus.COLLECTION, "collection", DocumentKind.OTHER),
    (CaseKind.RETRIBUTION, CaseStatus.COURT, "court", DocumentKind.OTHER),
    (CaseKind.GAS4, CaseStatus.CANCELLED, "cancelled", DocumentKind.OTHER),
])
def test_every_step_has_its_letter_as_a_pdf(case_in, fines_city, media, django_capture_on_commit_callbacks, kind, status,
                                            name, kind_of_document):
    case = case_in(kind, status, costs=Decimal("20.00") if name == "formal_notice" else Decimal("0.00"),
                   due_date=in_days(30), holder_email="jan@example.org")
    document = step(case, name, django_capture_on_commit_callbacks)

    assert document.status == DocumentStatus.RENDERED and document.kind == kind_of_document
    text = text_of(document)
    assert numbers.display(case.notice_number) in text and "Jan Claes" in text
    if status in rules.PAYABLE_STATUSES:
        assert f"€ {case.total:.2f}".replace(".", ",") in text
        assert reference_for(case).display in text
        assert dutch_date(TODAY() if name == "collection" else in_days(30)) in text  # collection: due at once
    assert OutboundMessage.objects.get(template=f"fines/{name}").recipient == "jan@example.org"


def test_the_registered_reminder_shows_its_costs_and_the_dwangbevel_to_come(case_in, fines_city):
    case = case_in(CaseKind.RETRIBUTION, CaseStatus.FORMAL_NOTICE, costs=Decimal("20.00"), due_date=in_days(30))
    html = english_html(notices.after_step(case, "formal_notice"))
    assert "Aangetekende aanmaning (ingebrekestelling)" in html and "By registered post" in html
    assert "€ 20.00" in html and "€ 40.00" in html  # the retribution, its costs, the total
    assert "the financial director issues a dwangbevel" in html


def test_a_rejected_gas_defence_gives_a_new_term_and_the_appeal_to_the_police_court(case_in, fines_city, media,
                                                                                   django_capture_on_commit_callbacks):
    case = case_in(CaseKind.GAS4, CaseStatus.REJECTED, due_date=in_days(30), holder_email="jan@example.org")
    objection = objection_of(case, ObjectionStatus.REJECTED, language="en")
    document = step(case, "decision", django_capture_on_commit_callbacks, objection=objection)

    assert document.kind == DocumentKind.DECISION and document.language == "en"
    text = text_of(document)
    assert "Decision on your objection: rejected" in text and "Mr Claes (lawyer)" in text
    assert "The photo shows the car on the pavement." in text
    assert english_date(in_days(30)) in text
    assert "police court (politierechtbank) within 30 days" in text
    assert reference_for(case).display in text
    assert sorted(OutboundMessage.objects.filter(template="fines/decision").values_list("recipient", flat=True)) == [
        "jan@example.org", "lawyer@example.org"]


def test_a_rejected_retribution_objection_has_no_police_court_but_no_dwangbevel_either(case_in, fines_city):
    case = case_in(CaseKind.RETRIBUTION, CaseStatus.REJECTED, disputed=True, due_date=in_days(30))
    html = english_html(notices.after_step(case, "decision", objection=objection_of(case, ObjectionStatus.REJECTED)))
    assert "police court" not in html
    assert "A disputed retribution is never collected by a dwangbevel." in html


def test_an_accepted_objection_cancels_without_a_payment_block(case_in, fines_city):
    case = case_in(CaseKind.GAS4, CaseStatus.CANCELLED)
    objection = objection_of(case, ObjectionStatus.ACCEPTED, reason="Your card was valid.")
    html = english_html(notices.after_step(case, "decision", objection=objection))
    assert "Beslissing over je bezwaar of verweer: aanvaard" in html and "Your card was valid." in html
    assert "you do not have to pay anything" in html
    assert "Structured communication" not in html


def test_the_hearing_invitation_gives_date_place_and_what_to_bring(case_in, fines_city, sofie, media,
                                                                   django_capture_on_commit_callbacks):
    case = case_in(CaseKind.GAS4, CaseStatus.HEARING)
    objection = objection_of(case, ObjectionStatus.PENDING, hearing_requested=True)
    starts_at = timezone.make_aware(datetime.datetime.combine(in_days(14), datetime.time(10, 30)))
    hearing = Hearing.objects.create(case=case, objection=objection, starts_at=starts_at, place="Stadhuis, zaal 2",
                                     planned_by=sofie)
    document = step(case, "hearing", django_capture_on_commit_callbacks, hearing=hearing)
    assert document.status == DocumentStatus.RENDERED and "Stadhuis, zaal 2" in text_of(document)
    html = english_html(document)
    assert "Uitnodiging voor een hoorzitting" in html and "Stadhuis, zaal 2" in html and "10:30" in html
    assert "Your identity card or passport." in html


def test_an_earlier_letter_keeps_its_due_date_and_costs_after_a_later_step(issued, django_capture_on_commit_callbacks):
    case = issued("RETRIBUTION")
    notice = notice_of(case)
    forty_days_ago = timezone.now() - datetime.timedelta(days=40)
    Document.objects.filter(pk=notice.pk).update(created=forty_days_ago)
    case.events.update(at=forty_days_ago)
    case.issued_on, case.due_date = TODAY() - datetime.timedelta(days=40), TODAY() - datetime.timedelta(days=10)
    case.save(update_fields=["issued_on", "due_date"])
    notice.refresh_from_db()
    before = english_html(notice)

    with django_capture_on_commit_callbacks(execute=True):
        rules.remind(case)
        rules.formal_notice(case)  # the registered-notice term (30 days after the notice) is reached
        formal_notice = notices.after_step(case, "formal_notice")
    case.refresh_from_db()
    assert (case.costs, case.due_date) == (Decimal("20.00"), in_days(30))

    notice.refresh_from_db()
    assert english_html(notice) == before  # still € 20.00, to pay before its own date
    assert "€ 20.00" in before and english_date(TODAY() - datetime.timedelta(days=10)) in before
    assert "€ 40.00" in english_html(formal_notice) and english_date(in_days(30)) in english_html(formal_notice)


def test_the_case_page_lists_the_letters_once_they_are_made(case_in, fines_city):
    case = case_in(CaseKind.GAS4, CaseStatus.CANCELLED)
    document = notices.after_step(case, "cancelled")
    assert list(notices.letters_of(case)) == []  # not made yet: it is made after the commit
    Document.objects.filter(pk=document.pk).update(version=1, file="documents/x.pdf")
    assert list(notices.letters_of(case)) == [document]
    assert not OutboundMessage.objects.exists()


def test_unknown_steps_and_missing_objects_are_refused(case_in):
    case = case_in(CaseKind.GAS4, CaseStatus.ISSUED)
    for name, objects in (("paid", {}), ("decision", {}), ("hearing", {})):
        with pytest.raises(ValueError):
            notices.after_step(case, name, **objects)
