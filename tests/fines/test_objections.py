"""The citizen's objection (retribution) and written defence (GAS): grounds, what eloket knew, files, terms, receipt."""

import datetime

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from eloket.city.models import Zone
from eloket.notifications.models import OutboundMessage
from fines import objections
from fines.models import CaseEvent, CaseKind, CaseStatus, Objection, ObjectionAttachment, ObjectionGround
from fines.objections import ObjectionRefused, submit_objection
from permits.models import Permit, PermitKind, PermitPlate, PermitStatus
from tests.factories import UserFactory
from tests.files import PDF, disguised_upload, jpeg_upload, pdf_upload, png_upload, svg_upload

from .conftest import days_ago

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CONTACT = {"contact_name": "Jan Claes", "contact_email": "jan@example.org", "contact_phone": "+32470123456"}


def submit(case, **fields):
    values = {"ground": ObjectionGround.OTHER, "explanation": "I was not parked there.", **CONTACT, "language": "en"}
    values.update(fields)
    return submit_objection(case, **values)


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file() and "objections" in path.parts]


def too_big_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("scan.pdf", PDF + b" " * (11 * 1024 * 1024), content_type="application/pdf")


# --- grounds and the dispute ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("ground", ObjectionGround.values)
def test_a_retribution_is_disputed_on_each_ground(issue, alice, ground):
    case = issue("RETRIBUTION")
    objection = submit(case, ground=ground, user=alice)
    case.refresh_from_db()
    assert (case.status, case.disputed) == (CaseStatus.DISPUTED, True)
    assert (objection.ground, objection.status, objection.submitted_by) == (ground, "pending", alice)
    assert (objection.contact_name, objection.contact_email, objection.language) == ("Jan Claes", "jan@example.org", "en")
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert (event.from_status, event.to_status, event.actor) == (CaseStatus.ISSUED, CaseStatus.DISPUTED, alice)
    assert str(ObjectionGround(ground).label) in event.note
    assert "I was not parked there" not in event.note  # the text stays with the objection, not in the history


def test_a_gas_defence_has_no_retribution_ground(issue):
    case = issue("PAVEMENT")
    with pytest.raises(ObjectionRefused, match="no ground to choose"):
        submit(case, ground=ObjectionGround.METER)
    objection = submit(case)
    assert objection.ground == ObjectionGround.OTHER
    assert "Written defence received." in CaseEvent.objects.filter(case=case).latest("pk").note


def test_without_an_account_nobody_is_recorded_as_the_actor(issue):
    case = issue("RETRIBUTION")
    objection = submit(case, user=None)
    assert objection.submitted_by is None
    assert CaseEvent.objects.filter(case=case).latest("pk").actor is None


@pytest.mark.parametrize(("fields", "message"), [
    ({"explanation": "   "}, "Explain your objection."),
    ({"contact_email": ""}, "Give your name and email address"),
    ({"ground": "hunch"}, "Choose the reason of your objection."),
])
def test_missing_facts_are_refused_before_anything_is_written(issue, fields, message):
    case = issue("RETRIBUTION")
    with pytest.raises(ObjectionRefused, match=message):
        submit(case, **fields)
    assert not Objection.objects.exists()


# --- the oral hearing --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "kept"), [("PAVEMENT", True), ("LEVEL_CROSSING", True), ("E1", False),
                                            ("RETRIBUTION", False)])
def test_a_hearing_request_is_kept_only_for_a_gas_fine_above_70_euro(issue, code, kept):
    case = issue(code)
    assert objections.may_ask_hearing(case) is kept
    objection = submit(case, hearing_requested=True)
    assert objection.hearing_requested is kept
    assert ("An oral hearing was requested." in CaseEvent.objects.filter(case=case).latest("pk").note) is kept


def test_a_gas5_fine_of_108_euro_allows_a_hearing(issue):
    case = issue("GAS5")
    assert case.amount > 70
    assert submit(case, hearing_requested=True).hearing_requested


# --- what eloket knew about the plate ------------------------------------------------------------------------------

def permit_for(kind, plate="1ABC123", zone=None, valid=(-10, 300)):
    today = timezone.localdate()
    made = Permit.objects.create(
        kind=kind, status=PermitStatus.ACTIVE, holder=UserFactory(), zone=zone, address_key="3600|MOLENSTRAAT|12|",
        valid_from=today + datetime.timedelta(days=valid[0]),
        valid_to=today + datetime.timedelta(days=valid[1]) if valid[1] is not None else None)
    PermitPlate.objects.create(permit=made, plate=plate)
    return made


@pytest.fixture
def r1(fines_city):
    return Zone.objects.get(code="R1")


def test_a_resident_card_valid_at_the_observation_is_noted_for_the_official(issue, r1):
    card = permit_for(PermitKind.RESIDENT, zone=r1)
    case = issue("RETRIBUTION", zone=r1)
    objection = submit(case, ground=ObjectionGround.PERMIT)
    assert objection.rights_found == [{"kind": "resident", "label": "Bewonerskaart voor zone R1",
                                       "until": card.valid_to.isoformat()}]


def test_a_disability_registration_without_an_end_date_is_noted(issue, r1):
    permit_for(PermitKind.DISABILITY, valid=(-100, None))
    objection = submit(issue("RETRIBUTION", zone=r1), ground=ObjectionGround.DISABILITY)
    assert [(right["kind"], right["until"]) for right in objection.rights_found] == [("disability", None)]
    assert objection.rights_found[0]["label"]


@pytest.mark.parametrize("valid", [(-1, 300), (-300, -3)], ids=["started after the observation", "ended before it"])
def test_a_card_not_valid_at_the_time_of_the_observation_is_not_noted(issue, r1, valid):
    permit_for(PermitKind.RESIDENT, zone=r1, valid=valid)
    assert submit(issue("RETRIBUTION", zone=r1), ground=ObjectionGround.PERMIT).rights_found == []


def test_another_plate_or_another_zone_gives_nothing(issue, r1):
    permit_for(PermitKind.RESIDENT, zone=r1, plate="2XYZ999")
    permit_for(PermitKind.RESIDENT, zone=Zone.objects.get(code="R2"))
    assert submit(issue("RETRIBUTION", zone=r1)).rights_found == []


def test_a_case_without_a_zone_has_nothing_to_compare(issue):
    permit_for(PermitKind.DISABILITY, valid=(-100, None))
    assert submit(issue("RETRIBUTION")).rights_found == []


# --- attachments ---------------------------------------------------------------------------------------------------

def test_good_files_are_kept_under_random_names(issue, media):
    case = issue("RETRIBUTION")
    objection = submit(case, files=[pdf_upload("ticket jan claes.pdf"), jpeg_upload("meter.jpg"), png_upload()])
    items = list(objection.attachments.all())
    assert [(item.content_type, item.extension, item.name) for item in items] == [
        ("application/pdf", "pdf", "ticket jan claes.pdf"), ("image/jpeg", "jpg", "meter.jpg"),
        ("image/png", "png", "photo.png")]
    assert all(item.size > 0 for item in items)
    assert len(stored_files(media)) == 3
    assert not any("claes" in item.file.name or "meter" in item.file.name for item in items)


@pytest.mark.parametrize(("files", "message"), [
    (lambda: [pdf_upload(), disguised_upload("letter.pdf")], "letter.pdf: This file is not a PDF, JPEG or PNG file."),
    (lambda: [svg_upload("proof.svg")], "proof.svg: This file is not a PDF, JPEG or PNG file."),
    (lambda: [too_big_pdf()], "scan.pdf: The file is larger than 10.0\xa0MB. Choose a smaller file."),
    (lambda: [jpeg_upload(f"photo{number}.jpg") for number in range(6)], "at most 5 files; you chose 6."),
], ids=["disguised", "svg", "too big", "too many"])
def test_a_refused_file_writes_nothing(issue, media, files, message):
    case = issue("RETRIBUTION")
    with pytest.raises(ObjectionRefused) as refused:
        submit(case, files=files())
    assert message in refused.value.message
    case.refresh_from_db()
    assert (case.status, case.disputed) == (CaseStatus.ISSUED, False)
    assert not Objection.objects.exists() and not ObjectionAttachment.objects.exists()
    assert stored_files(media) == []
    assert not OutboundMessage.objects.filter(template="fines/objection_received").exists()


def test_a_disk_failure_halfway_leaves_no_file_and_no_objection(issue, media, monkeypatch):
    case = issue("RETRIBUTION")
    saved = FileSystemStorage._save
    calls = []

    def full_disk(self, name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("No space left on device")
        return saved(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", full_disk)
    with pytest.raises(OSError):
        submit(case, files=[pdf_upload(), jpeg_upload()])
    assert stored_files(media) == []
    assert not Objection.objects.exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED


# --- terms and refusals --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", CaseKind.values)
def test_after_the_term_nothing_is_accepted(case_in, media, kind):
    case = case_in(kind, objection_until=days_ago(1))
    with pytest.raises(ObjectionRefused, match="The term to object ended on"):
        submit(case, files=[pdf_upload()])
    assert not Objection.objects.exists() and stored_files(media) == []


def test_on_the_last_day_of_the_term_it_is_accepted(case_in, media):
    case = case_in(CaseKind.GAS4, objection_until=days_ago(0))
    assert submit(case).pk


def test_a_second_pending_objection_is_refused(issue):
    case = issue("RETRIBUTION")
    submit(case)
    with pytest.raises(ObjectionRefused, match="Your objection is being handled"):
        submit(case, explanation="And another thing.")
    assert Objection.objects.count() == 1


@pytest.mark.parametrize(("status", "words"), [
    (CaseStatus.PAID, "This case has been paid, so it is closed."),
    (CaseStatus.CANCELLED, "This case was cancelled: you owe nothing."),
    (CaseStatus.DRIVER_NAMED, "You named the driver, so this case is closed for you."),
    (CaseStatus.REJECTED, "Your objection was decided on."),
])
def test_a_closed_case_says_why_in_plain_words(case_in, status, words):
    case = case_in(CaseKind.GAS4, status)
    assert words in objections.object_refusal(case)
    with pytest.raises(ObjectionRefused, match=words.split(",")[0]):
        submit(case)


def test_a_reminded_retribution_can_still_be_disputed_within_its_term(case_in, media):
    case = case_in(CaseKind.RETRIBUTION, CaseStatus.REMINDED)
    submit(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPUTED and case.disputed


# --- the receipt ---------------------------------------------------------------------------------------------------

def test_the_receipt_goes_to_the_contact_address_in_the_language_of_the_form(issue, alice):
    case = issue("PAVEMENT")
    submit(case, user=alice, language="en", hearing_requested=True, files=[pdf_upload()],
           contact_email="other@example.org")
    message = OutboundMessage.objects.get(template="fines/objection_received")
    assert (message.recipient, message.language, message.related, message.user) == (
        "other@example.org", "en", case, alice)
    assert "We received your defence" in message.subject
    assert "You asked for an oral hearing." in message.body_text
    assert "1 file attached." in message.body_text
    assert f"/en/boetes/{case.pk}/" in message.body_text
    assert case.plate not in message.body_text  # the plate never travels in an email


def test_the_receipt_of_a_retribution_names_the_ground_in_dutch(issue):
    case = issue("RETRIBUTION")
    submit(case, ground=ObjectionGround.METER, language="nl")
    message = OutboundMessage.objects.get(template="fines/objection_received")
    assert message.language == "nl"
    assert message.body_html and message.body_text
    assert f"/boetes/{case.pk}/" in message.body_text and "/en/" not in message.body_text
