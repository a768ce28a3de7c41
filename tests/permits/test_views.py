"""The citizen's permit pages, driven through the views as a browser without JavaScript would."""

import datetime
import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from eloket.accounts.models import Vehicle
from permits import disability, rules, visitors
from permits.models import (
    Permit,
    PermitDocument,
    PermitDocumentKind,
    PermitKind,
    PermitPlate,
    PermitStatus,
    VisitorPeriod,
)
from tests.files import disguised_upload, jpeg_upload, pdf_upload, png_upload
from tests.i18n import en

from .helpers import ADDRESS, apply, certificate, vehicle_of

pytestmark = pytest.mark.django_db

D = PermitDocumentKind
TOKEN = re.compile(r'name="step1" value="([^"]+)"')


@pytest.fixture
def resident(alice, permit_city, media):
    """Alice lives at Molenstraat 12 (resident zone R1) and has one car in her account."""
    for field, value in ADDRESS.items():
        setattr(alice, field, value)
    alice.save()
    vehicle_of(alice, "1ABC123")
    return alice


@pytest.fixture
def as_alice(client, resident):
    client.force_login(resident)
    return client


def step_one(client, **changes):
    vehicle = Vehicle.objects.get(plate="1ABC123")
    data = {**ADDRESS, "vehicle": vehicle.pk, "vehicle_use": "own", **changes}
    return client.post(en("permits:apply_resident"), data)


def token_of(response) -> str:
    return TOKEN.search(response.content.decode()).group(1)


def count_queries(client, url) -> int:
    cache.clear()  # the cached city profile is read once per cache lifetime: start each count from the same state
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def more_permits(holder, count):
    """Pending care-provider applications with a plate each: rows for the query-count tests."""
    for number in range(count):
        permit = Permit.objects.create(kind=PermitKind.CARE_PROVIDER, holder=holder, status=PermitStatus.APPLIED)
        PermitPlate.objects.create(permit=permit, plate=f"1MNY{number:03d}")


def cards_for_others(count):
    """Cards of other residents at Alice's address, so hers gets a higher rank."""
    from tests.factories import UserFactory

    for number in range(count):
        apply(UserFactory(), f"1OTH{number:03d}")


# --- the list --------------------------------------------------------------------------------------------------

def test_the_list_shows_each_permit_and_the_ways_to_apply(as_alice, resident):
    permit = apply(resident, "1XYZ987")
    page = as_alice.get(en("permits:list")).content.decode()
    assert "Resident card" in page and "1-XYZ-987" in page and "R1" in page and "Applied" in page
    assert en("permits:detail", permit.pk) in page
    for name in ("permits:apply_resident", "permits:apply_disability", "permits:apply_care", "permits:visitors"):
        assert en(name) in page


def test_the_list_runs_the_same_queries_for_one_or_ten_permits(as_alice, resident):
    apply(resident, "1AAA000")
    one = count_queries(as_alice, reverse("permits:list"))
    more_permits(resident, 9)
    assert count_queries(as_alice, reverse("permits:list")) == one


# --- applying for a resident card ------------------------------------------------------------------------------

def test_step_one_is_prefilled_with_the_profile_address(as_alice):
    page = as_alice.get(en("permits:apply_resident")).content.decode()
    assert 'value="Molenstraat"' in page and 'value="12"' in page and 'value="3600"' in page
    assert "1-ABC-123" in page
    assert '<legend class="utrecht-form-fieldset__legend utrecht-form-label">How do you use this vehicle?' in page


def test_without_a_vehicle_the_page_says_to_add_one_first(client, alice, permit_city):
    client.force_login(alice)
    page = client.get(en("permits:apply_resident")).content.decode()
    assert "You have not added a vehicle" in page and en("accounts:vehicle_add") in page


def test_step_one_shows_zone_rank_and_price_and_writes_nothing(as_alice, english):
    response = step_one(as_alice)
    page = response.content.decode()
    assert response.status_code == 200
    assert "R1" in page and "Card number 1" in page and "Free" in page and "this is card 1" in page
    assert 'name="registration_certificate"' in page and 'name="permanent_use"' not in page
    assert Permit.objects.count() == 0


def test_a_third_card_shows_its_price_before_applying(as_alice, english):
    cards_for_others(2)
    page = step_one(as_alice).content.decode()
    assert "Card number 3" in page and "100.00" in page and "Send and go to payment" in page


def test_an_address_outside_every_resident_zone_is_told_what_to_do_instead(as_alice, english):
    page = step_one(as_alice, street="Stadsplein", house_number="1").content.decode()
    assert "not in a resident zone" in page and "parking ticket" in page
    assert 'name="step1"' not in page and Permit.objects.count() == 0


def test_a_company_car_asks_for_the_attest_of_permanent_use(as_alice, english):
    page = step_one(as_alice, vehicle_use="company").content.decode()
    assert "company or lease car" in page
    assert 'name="registration_certificate"' in page and 'name="permanent_use"' in page


def test_the_whole_application_goes_from_step_one_to_the_permit_page(as_alice, resident, english):
    token = token_of(step_one(as_alice))
    response = as_alice.post(en("permits:apply_resident"),
                             {"step1": token, "registration_certificate": pdf_upload()})
    permit = Permit.objects.get()
    assert response.status_code == 302 and response["Location"] == en("permits:detail", permit.pk)
    assert permit.holder == resident and permit.kind == PermitKind.RESIDENT and permit.zone.code == "R1"
    assert permit.status == PermitStatus.APPLIED
    assert list(permit.documents.values_list("kind", flat=True)) == [D.REGISTRATION_CERTIFICATE]
    page = as_alice.get(en("permits:detail", permit.pk)).content.decode()
    assert "Your application for a resident card was received." in page and "1-ABC-123" in page


def test_a_paid_card_leads_its_page_with_the_pay_button(as_alice, english):
    cards_for_others(2)
    token = token_of(step_one(as_alice))
    response = as_alice.post(en("permits:apply_resident"), {"step1": token, "registration_certificate": pdf_upload()})
    permit = Permit.objects.get(holder__email="alice@example.org")
    assert permit.status == PermitStatus.AWAITING_PAYMENT
    assert response["Location"] == en("permits:detail", permit.pk)
    page = as_alice.get(en("permits:detail", permit.pk)).content.decode()
    assert page.index("Pay €\u00a0100.00 online") < page.index("Details")
    assert en("permits:pay", permit.pk) in page
    assert "+++" in page and "BE71096123456769" in page and "<svg" in page  # the transfer with OGM and EPC QR


def test_a_changed_step_one_is_refused_with_a_clear_message(as_alice, english):
    token = token_of(step_one(as_alice))
    forged = token.replace(token.split(":")[0], token.split(":")[0][:-2] + "xx")
    response = as_alice.post(en("permits:apply_resident"), {"step1": forged, "registration_certificate": pdf_upload()})
    assert response.status_code == 400
    assert "were changed or are more than two hours old" in response.content.decode()
    assert Permit.objects.count() == 0


def test_step_one_signed_for_someone_else_is_refused(as_alice, bob, english):
    foreign = signing.dumps({**ADDRESS, "vehicle": Vehicle.objects.get().pk, "vehicle_use": "own", "user": bob.pk},
                            salt="permits.apply_resident.step1", compress=True)
    response = as_alice.post(en("permits:apply_resident"), {"step1": foreign, "registration_certificate": pdf_upload()})
    assert response.status_code == 400 and Permit.objects.count() == 0


def test_the_back_button_returns_to_step_one_with_the_answers(as_alice, english):
    token = token_of(step_one(as_alice, box="2"))
    page = as_alice.post(en("permits:apply_resident"), {"step1": token, "back": "1"}).content.decode()
    assert "Step 1 of 2" in page and 'value="2"' in page and Permit.objects.count() == 0


def test_a_disguised_file_is_refused_with_the_reason(as_alice, english):
    token = token_of(step_one(as_alice))
    response = as_alice.post(en("permits:apply_resident"),
                             {"step1": token, "registration_certificate": disguised_upload()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This file is not a PDF, JPEG or PNG file" in page
    assert 'aria-describedby="id_registration_certificate_helptext id_registration_certificate_error"' in page
    assert Permit.objects.count() == 0 and PermitDocument.objects.count() == 0


def test_a_missing_document_is_a_field_error(as_alice, english):
    token = token_of(step_one(as_alice, vehicle_use="other_person"))
    page = as_alice.post(en("permits:apply_resident"),
                         {"step1": token, "registration_certificate": pdf_upload()}).content.decode()
    assert 'id="id_authorisation_error"' in page and Permit.objects.count() == 0


def test_a_rule_refusal_at_the_last_step_is_shown_not_a_crash(as_alice, resident, english):
    token = token_of(step_one(as_alice))
    rules.apply_for_resident_card(resident, Vehicle.objects.get(), documents=certificate(), **ADDRESS)  # another tab
    page = as_alice.post(en("permits:apply_resident"),
                         {"step1": token, "registration_certificate": pdf_upload()}).content.decode()
    assert "already has a resident card" in page and Permit.objects.count() == 1


# --- one permit ------------------------------------------------------------------------------------------------

def test_the_permit_page_tells_status_next_step_price_and_history(as_alice, resident, carla, english):
    permit = apply(resident, "1XYZ987")
    rules.approve(permit, carla)
    page = as_alice.get(en("permits:detail", permit.pk)).content.decode()
    assert "Active" in page and "Scan cars recognise your number plate" in page
    assert "Zone R1" in page and "How the price was computed" in page and "this is card 1" in page
    assert "Application received" in page and "by you" in page
    assert "Approved: the permit is valid" in page and "by the city" in page
    assert en("permits:cancel", permit.pk) in page and en("permits:change_plate", permit.pk) in page
    document = permit.documents.get()
    assert en("permits:document", permit.pk, document.pk) in page


def test_the_permit_page_lists_the_letters_of_the_permit(as_alice, resident, carla, django_capture_on_commit_callbacks):
    from eloket.documents.models import Document

    permit = apply(resident, "1XYZ987")
    with django_capture_on_commit_callbacks(execute=True):
        rules.approve(permit, carla)
    letters = list(Document.objects.for_case(permit).available())
    assert letters, "the approval makes a confirmation"
    page = as_alice.get(reverse("permits:detail", args=[permit.pk])).content.decode()
    for letter in letters:
        assert reverse("documents:download", args=[letter.token]) in page


def test_the_permit_page_runs_the_same_queries_whatever_its_history(as_alice, resident, carla):
    small = apply(resident, "1SML001")
    large = apply(resident, "1LRG001")
    for number in range(4):
        rules.request_more_info(large, f"Question {number}", carla)
        rules.answer_more_info(large, f"Answer {number}", resident, documents=[pdf_upload()])
    assert count_queries(as_alice, reverse("permits:detail", args=[small.pk])) == count_queries(
        as_alice, reverse("permits:detail", args=[large.pk]))


def test_the_question_is_shown_and_answered_with_an_attachment(as_alice, resident, carla, english):
    permit = apply(resident, "1XYZ987")
    rules.request_more_info(permit, "Is the car registered in your name?", carla)
    page = as_alice.get(en("permits:detail", permit.pk)).content.decode()
    assert "Is the car registered in your name?" in page and en("permits:answer", permit.pk) in page
    assert "Is the car registered in your name?" in as_alice.get(en("permits:answer", permit.pk)).content.decode()
    response = as_alice.post(en("permits:answer", permit.pk),
                             {"answer": "Yes, see the certificate.", "attachment": png_upload()})
    assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.status == PermitStatus.IN_REVIEW
    assert permit.documents.filter(kind=D.ANSWER).count() == 1
    assert permit.events.last().note == "Yes, see the certificate."


def test_an_empty_answer_or_a_disguised_attachment_is_refused(as_alice, resident, carla, english):
    permit = apply(resident, "1XYZ987")
    rules.request_more_info(permit, "Which car?", carla)
    url = en("permits:answer", permit.pk)
    assert "Write your answer or add a document." in as_alice.post(url, {"answer": " "}).content.decode()
    page = as_alice.post(url, {"answer": "Here", "attachment": disguised_upload()}).content.decode()
    assert "This file is not a PDF, JPEG or PNG file" in page
    permit.refresh_from_db()
    assert permit.status == PermitStatus.MORE_INFO_REQUESTED


def test_answering_without_an_open_question_goes_back_to_the_permit(as_alice, resident):
    permit = apply(resident, "1XYZ987")
    response = as_alice.get(en("permits:answer", permit.pk))
    assert response.status_code == 302 and response["Location"] == en("permits:detail", permit.pk)


def test_pay_sends_the_citizen_to_the_checkout(transactional_db, client, settings, live_server, resident):
    from eloket.payments.models import Payment

    settings.SITE_URL = live_server.url
    settings.MOLLIE_API_ENDPOINT = live_server.url + "/fake-mollie"
    cards_for_others(2)
    permit = apply(resident, "1XYZ987")
    client.force_login(resident)
    response = client.post(en("permits:pay", permit.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(live_server.url + "/fake-mollie/checkout/tr_")
    payment = Payment.objects.get()
    assert payment.amount == permit.price and payment.owner == resident


def test_the_pay_button_only_posts(as_alice, resident):
    cards_for_others(2)
    permit = apply(resident, "1XYZ987")
    assert as_alice.get(reverse("permits:pay", args=[permit.pk])).status_code == 405


def test_renewal_is_one_click_near_the_end(as_alice, resident, carla, english):
    permit = apply(resident, "1XYZ987")
    rules.approve(permit, carla)
    Permit.objects.filter(pk=permit.pk).update(valid_to=timezone.localdate() + datetime.timedelta(days=10))
    assert en("permits:renew", permit.pk) in as_alice.get(en("permits:detail", permit.pk)).content.decode()
    response = as_alice.post(en("permits:renew", permit.pk))
    renewed = Permit.objects.get(renewal_of=permit)
    assert response["Location"] == en("permits:detail", renewed.pk)
    assert as_alice.get(reverse("permits:renew", args=[permit.pk])).status_code == 405


def test_renewing_too_early_says_why(as_alice, resident, carla, english):
    permit = apply(resident, "1XYZ987")
    rules.approve(permit, carla)
    response = as_alice.post(en("permits:renew", permit.pk), follow=True)
    assert "cannot be renewed now" in response.content.decode()
    assert not Permit.objects.filter(renewal_of=permit).exists()


def test_a_resident_card_moves_to_another_own_vehicle(as_alice, resident, carla, english):
    permit = apply(resident, "1XYZ987")
    rules.approve(permit, carla)
    other = vehicle_of(resident, "2DEF456")
    page = as_alice.get(en("permits:change_plate", permit.pk)).content.decode()
    assert "2-DEF-456" in page and "1-XYZ-987" not in page.split("<form")[1]
    response = as_alice.post(en("permits:change_plate", permit.pk),
                             {"vehicle": other.pk, "registration_certificate": jpeg_upload()})
    assert response.status_code == 302
    assert list(permit.plates.values_list("plate", flat=True)) == ["2DEF456"]
    permit.refresh_from_db()
    assert permit.status == PermitStatus.ACTIVE


def test_a_plate_change_without_certificate_is_a_field_error(as_alice, resident, english):
    permit = apply(resident, "1XYZ987")
    other = vehicle_of(resident, "2DEF456")
    page = as_alice.post(en("permits:change_plate", permit.pk), {"vehicle": other.pk}).content.decode()
    assert 'id="id_registration_certificate_error"' in page
    assert list(permit.plates.values_list("plate", flat=True)) == ["1XYZ987"]


def test_a_disability_registration_edits_its_plates(as_alice, resident, english):
    permit = disability.register_disability(resident, card_number="1234567800", card_expiry=None,
                                            plates=[("1DIS001", "BE")], front=jpeg_upload(), back=png_upload())
    page = as_alice.get(en("permits:change_plate", permit.pk)).content.decode()
    assert 'value="1-DIS-001"' in page
    response = as_alice.post(en("permits:change_plate", permit.pk),
                             {"plate_1": "1-DIS-001", "country_1": "BE", "plate_2": "AB-12-CD", "country_2": "NL"})
    assert response.status_code == 302
    assert sorted(permit.plates.values_list("plate", "country")) == [("1DIS001", "BE"), ("AB12CD", "NL")]


def test_cancelling_shows_the_refund_first_then_cancels(as_alice, resident, english):
    permit = apply(resident, "1XYZ987")
    page = as_alice.get(en("permits:cancel", permit.pk)).content.decode()
    assert "You get no money back." in page
    permit.refresh_from_db()
    assert permit.status == PermitStatus.APPLIED  # looking changes nothing
    response = as_alice.post(en("permits:cancel", permit.pk), follow=True)
    permit.refresh_from_db()
    assert permit.status == PermitStatus.CANCELLED and "Your permit is cancelled." in response.content.decode()


def test_a_cancelled_permit_cannot_be_cancelled_again(as_alice, resident):
    permit = apply(resident, "1XYZ987")
    rules.cancel(permit, resident)
    response = as_alice.post(en("permits:cancel", permit.pk))
    assert response.status_code == 302 and Permit.objects.get().status == PermitStatus.CANCELLED


def test_an_uploaded_document_downloads_without_personal_data_in_its_name(as_alice, resident):
    permit = apply(resident, "1XYZ987")
    document = permit.documents.get()
    response = as_alice.get(reverse("permits:document", args=[permit.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'attachment; filename="registration_certificate-{document.pk}.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


# --- disability registration and care-provider permit ---------------------------------------------------------

def test_a_disability_card_is_registered_with_own_and_typed_plates(as_alice, resident, english):
    page = as_alice.get(en("permits:apply_disability")).content.decode()
    assert "up to 2 number plates" in page and 'name="vehicles"' in page and 'name="plate_2"' in page
    response = as_alice.post(en("permits:apply_disability"), {
        "card_number": "12 3456 7800", "no_end_date": "on", "front": jpeg_upload(), "back": pdf_upload(),
        "vehicles": [Vehicle.objects.get().pk], "plate_1": "2-GHI-789", "country_1": "BE", "country_2": "BE"})
    permit = Permit.objects.get()
    assert response["Location"] == en("permits:detail", permit.pk)
    assert permit.kind == PermitKind.DISABILITY and permit.status == PermitStatus.IN_REVIEW
    assert permit.card_number == "1234567800" and permit.card_expiry is None
    assert sorted(permit.plates.values_list("plate", flat=True)) == ["1ABC123", "2GHI789"]
    assert sorted(permit.documents.values_list("kind", flat=True)) == [D.CARD_BACK, D.CARD_FRONT]


def test_a_disability_registration_with_too_many_plates_is_refused(as_alice, english):
    page = as_alice.post(en("permits:apply_disability"), {
        "card_number": "1234567800", "card_expiry": "2099-12-31", "front": jpeg_upload(), "back": png_upload(),
        "vehicles": [Vehicle.objects.get().pk], "plate_1": "2GHI789", "country_1": "BE",
        "plate_2": "3JKL012", "country_2": "BE"}).content.decode()
    assert "at most 2 number plates" in page and Permit.objects.count() == 0


def test_a_disguised_card_photo_is_refused(as_alice, english):
    page = as_alice.post(en("permits:apply_disability"), {
        "card_number": "1234567800", "no_end_date": "on", "front": disguised_upload("card.jpg"), "back": png_upload(),
        "plate_1": "2GHI789", "country_1": "BE", "country_2": "BE"}).content.decode()
    assert "This file is not a PDF, JPEG or PNG file" in page and Permit.objects.count() == 0


def test_a_care_provider_applies_with_the_documents_for_the_use(as_alice, resident, english):
    page = as_alice.get(en("permits:apply_care")).content.decode()
    assert 'name="recognition"' in page and 'name="home_visits"' in page and 'name="permanent_use"' in page
    vehicle = Vehicle.objects.get()
    data = {"recognition_number": "1-23456-78-901", "vehicle": vehicle.pk, "vehicle_use": "company",
            "recognition": pdf_upload(), "home_visits": pdf_upload(), "registration_certificate": jpeg_upload()}
    page = as_alice.post(en("permits:apply_care"), data).content.decode()
    assert 'id="id_permanent_use_error"' in page and Permit.objects.count() == 0
    data = {**data, "recognition": pdf_upload(), "home_visits": pdf_upload(), "registration_certificate": jpeg_upload(),
            "permanent_use": pdf_upload()}
    response = as_alice.post(en("permits:apply_care"), data)
    permit = Permit.objects.get()
    assert response["Location"] == en("permits:detail", permit.pk)
    assert permit.kind == PermitKind.CARE_PROVIDER and permit.recognition_number == "12345678901"
    assert permit.documents.count() == 4


def test_a_second_care_permit_is_refused_in_plain_words(as_alice, resident, english):
    vehicle = Vehicle.objects.get()

    def data():
        return {"recognition_number": "12345678901", "vehicle": vehicle.pk, "vehicle_use": "own",
                "recognition": pdf_upload(), "home_visits": pdf_upload(), "registration_certificate": pdf_upload()}

    as_alice.post(en("permits:apply_care"), data())
    page = as_alice.post(en("permits:apply_care"), data()).content.decode()
    assert "You already have a care-provider permit" in page and Permit.objects.count() == 1


# --- visitor hours ---------------------------------------------------------------------------------------------

@pytest.fixture
def active_card(resident, carla):
    permit = apply(resident, "1XYZ987")
    return rules.approve(permit, carla)


def test_visitor_hours_need_a_resident_card(as_alice, english):
    page = as_alice.get(en("permits:visitors")).content.decode()
    assert "Visitor hours belong to an address with a resident card" in page and en("permits:apply_resident") in page
    assert 'name="plate"' not in page


def test_a_visit_is_started_stopped_and_the_balance_follows(as_alice, resident, active_card, english):
    page = as_alice.get(en("permits:visitors")).content.decode()
    assert "100 hours left of 100 hours this year" in page
    response = as_alice.post(en("permits:visitors"), {"plate": "1-GST-001", "country": "BE", "minutes": "120",
                                                      "start": "now"}, follow=True)
    page = response.content.decode()
    assert "98 hours left" in page and "1-GST-001" in page and "Stop now" in page
    period = VisitorPeriod.objects.get()
    assert period.started_by == resident and period.minutes == 120
    page = as_alice.post(en("permits:visit_stop", period.pk), follow=True).content.decode()
    period.refresh_from_db()
    assert period.stopped_early and "is stopped" in page
    assert visitors.balance_minutes(active_card.address_key, timezone.localdate().year) > 98 * 60


def test_a_planned_visit_is_listed_and_can_be_cancelled(as_alice, active_card, english):
    later = timezone.localtime() + datetime.timedelta(days=1)
    as_alice.post(en("permits:visitors"), {"plate": "1GST002", "country": "BE", "minutes": "60", "start": "later",
                                                "starts_at": later.strftime("%Y-%m-%dT%H:%M")})
    period = VisitorPeriod.objects.get()
    page = as_alice.get(en("permits:visitors")).content.decode()
    assert "Planned" in page and "Cancel" in page
    as_alice.post(en("permits:visit_stop", period.pk))
    period.refresh_from_db()
    assert period.minutes == 0


def test_a_visit_beyond_the_balance_is_a_form_error(as_alice, active_card, english):
    from eloket.city.models import Cap, CapCode

    Cap.objects.filter(code=CapCode.VISITOR_HOURS_PER_YEAR).update(value=1)
    page = as_alice.post(en("permits:visitors"), {"plate": "1GST003", "country": "BE", "minutes": "120",
                                                  "start": "now"}).content.decode()
    assert "Not enough visitor hours left" in page and not VisitorPeriod.objects.exists()


def test_stopping_only_posts(as_alice, resident, active_card):
    period = visitors.start_visit(resident, plate="1GST004", minutes=60)
    assert as_alice.get(reverse("permits:visit_stop", args=[period.pk])).status_code == 405
    period.refresh_from_db()
    assert not period.stopped_early


# --- the panel on Mijn loket -----------------------------------------------------------------------------------

def test_the_panel_lists_active_and_pending_permits_and_the_visitor_balance(as_alice, resident, active_card, english):
    cancelled = apply(resident, "1OLD001")
    rules.cancel(cancelled, resident)
    page = as_alice.get(en("accounts:dashboard")).content.decode()
    assert en("permits:detail", active_card.pk) in page and "1-XYZ-987" in page and "Active" in page
    assert en("permits:detail", cancelled.pk) not in page
    assert "100 hours left this year" in page


def test_the_panel_runs_the_same_queries_for_one_or_ten_permits(as_alice, resident, active_card):
    one = count_queries(as_alice, reverse("accounts:dashboard"))
    more_permits(resident, 9)
    assert count_queries(as_alice, reverse("accounts:dashboard")) == one


# --- English ---------------------------------------------------------------------------------------------------

def test_the_pages_answer_in_english_under_en(as_alice, resident):
    permit = apply(resident, "1XYZ987")
    for url, text in ((en("permits:list"), "My permits"), (en("permits:apply_resident"), "Apply for a resident card"),
                      (en("permits:apply_disability"), "Register your disability parking card"),
                      (en("permits:apply_care"), "Apply for a care-provider permit"),
                      (en("permits:visitors"), "Visitor hours"), (en("permits:detail", permit.pk), "What you can do"),
                      (en("permits:cancel", permit.pk), "Withdraw this application")):
        response = as_alice.get(url)
        assert response.status_code == 200 and text in response.content.decode(), url
    assert en("permits:list").startswith("/en/")
