"""Applications with their documents, the price shown before applying, and how long an approved permit is valid."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from eloket.city.models import Cap, CapCode
from eloket.documents.models import Document
from eloket.notifications.models import OutboundMessage
from permits import changes, pricing, rules
from permits.models import Channel, Permit, PermitDocument, PermitDocumentKind, PermitEvent, PermitKind, PermitStatus, VehicleUse
from tests.files import disguised_upload, pdf_upload

from .helpers import ADDRESS, apply, certificate, vehicle_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

D = PermitDocumentKind
S = PermitStatus


def test_an_application_without_its_documents_is_refused_and_names_them(permit_city, alice, english):
    vehicle = vehicle_of(alice, "1ABC001")
    with pytest.raises(rules.NotEligible) as error:
        rules.apply_for_resident_card(alice, vehicle, vehicle_use=VehicleUse.COMPANY, documents=certificate(), **ADDRESS)
    assert "Attest of permanent use" in error.value.message
    assert "registration certificate" not in error.value.message.lower()
    assert not Permit.objects.exists()


def test_the_documents_are_stored_with_the_application_and_its_first_event(permit_city, alice, media):
    vehicle = vehicle_of(alice, "1ABC001")
    permit = rules.apply_for_resident_card(
        alice, vehicle, vehicle_use=VehicleUse.COMPANY, **ADDRESS,
        documents={D.REGISTRATION_CERTIFICATE: pdf_upload(), D.PERMANENT_USE: pdf_upload("attest.pdf")})
    assert sorted(permit.documents.values_list("kind", flat=True)) == sorted([D.REGISTRATION_CERTIFICATE, D.PERMANENT_USE])
    assert all((media / document.file.name).exists() for document in permit.documents.all())
    event = permit.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("", S.APPLIED, alice)
    assert permit.vehicle_use == VehicleUse.COMPANY and permit.channel == Channel.PORTAL and permit.registered_by is None


def test_a_refused_file_leaves_no_permit_and_no_file(permit_city, alice, media, english):
    vehicle = vehicle_of(alice, "1ABC001")
    with pytest.raises(rules.NotEligible) as error:
        rules.apply_for_resident_card(
            alice, vehicle, vehicle_use=VehicleUse.COMPANY, **ADDRESS,
            documents={D.REGISTRATION_CERTIFICATE: pdf_upload(), D.PERMANENT_USE: disguised_upload()})
    assert error.value.message.startswith("Attest of permanent use")
    assert not Permit.objects.exists() and not PermitDocument.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_staff_applying_at_the_counter_are_recorded(permit_city, alice, carla):
    permit = rules.apply_for_resident_card(alice, vehicle_of(alice, "1ABC001"), documents=certificate(), actor=carla,
                                           channel=Channel.COUNTER, **ADDRESS)
    assert (permit.channel, permit.registered_by, permit.holder) == (Channel.COUNTER, carla, alice)
    assert permit.events.get().actor == carla
    assert permit.documents.get().uploaded_by == carla


def test_create_application_writes_plates_and_fields(demo_city, alice):
    permit = rules.create_application(
        PermitKind.DISABILITY, alice, status=S.IN_REVIEW, plates=[("1abc001", "BE"), ("AB123CD", "FR")],
        documents={D.CARD_FRONT: pdf_upload(), D.CARD_BACK: pdf_upload()}, card_number="1234567800",
        card_expiry=datetime.date(2030, 1, 1), note="Registered.")
    assert sorted(permit.plates.values_list("plate", "country")) == [("1ABC001", "BE"), ("AB123CD", "FR")]
    assert permit.card_number == "1234567800" and permit.zone is None
    assert PermitEvent.objects.get(permit=permit).note == "Registered."


def test_the_preview_shows_zone_rank_and_price_and_writes_nothing(permit_city, alice, english):
    apply(alice, "1ABC001")
    apply(alice, "1ABC002")
    zone, rank, amount, explanation = pricing.price_preview("Molenstraat", "12", "", "3600")
    assert (zone.code, rank, amount) == ("R1", 3, Decimal("100.00"))
    assert "card 3" in explanation and "100,00" in explanation
    assert Permit.objects.count() == 2


def test_the_preview_refuses_outside_the_zones_and_at_the_cap(permit_city, alice, english):
    assert pricing.price_preview("Stadsplein", "1", "", "3600")[:3] == (None, 0, None)
    for plate in ("1ABC001", "1ABC002", "1ABC003"):
        apply(alice, plate)
    zone, rank, amount, explanation = pricing.price_preview("Molenstraat", "12", "", "3600")
    assert (zone.code, rank, amount) == ("R1", 4, None)
    assert "already has 3 resident cards" in explanation


def test_a_shorter_card_costs_its_share_of_the_yearly_price(permit_city, alice, english):
    Cap.objects.filter(code=CapCode.RESIDENT_CARD_MONTHS).update(value=6)
    apply(alice, "1ABC001")
    apply(alice, "1ABC002")
    third = apply(alice, "1ABC003")
    assert third.price == Decimal("50.00")
    assert "6 months" in third.price_explanation and "50,00" in third.price_explanation


@pytest.mark.parametrize(("start", "months", "end"), [
    ("2025-01-01", 12, "2025-12-31"),
    ("2025-03-15", 12, "2026-03-14"),
    ("2025-01-31", 1, "2025-02-28"),   # no 31 February: the period ends with February
    ("2024-01-31", 1, "2024-02-29"),
    ("2024-02-29", 12, "2025-02-28"),  # leap day start
    ("2024-02-29", 48, "2028-02-28"),
    ("2025-08-31", 6, "2026-02-28"),
    ("2025-12-01", 3, "2026-02-28"),
])
def test_periods_of_whole_months(start, months, end):
    start, end = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    assert pricing.period_end(start, months) == end
    assert pricing.whole_months(start, end) == months
    assert pricing.whole_months(start, end - datetime.timedelta(days=1)) == months - 1


def permit_of(user, kind, **fields):
    return Permit.objects.create(kind=kind, status=S.APPLIED, holder=user, **fields)


def test_validity_by_kind(demo_city, alice):
    start = datetime.date(2024, 2, 29)
    assert rules.validity_for(permit_of(alice, PermitKind.RESIDENT), start) == (start, datetime.date(2025, 2, 28))
    assert rules.validity_for(permit_of(alice, PermitKind.CARE_PROVIDER), start) == (start, datetime.date(2025, 2, 28))
    # Disability: 3 years, capped by the card's expiry; a card without end date sets no limit.
    assert rules.validity_for(permit_of(alice, PermitKind.DISABILITY), start) == (start, datetime.date(2027, 2, 28))
    near = permit_of(alice, PermitKind.DISABILITY, card_expiry=datetime.date(2025, 6, 30))
    assert rules.validity_for(near, start) == (start, datetime.date(2025, 6, 30))
    far = permit_of(alice, PermitKind.DISABILITY, card_expiry=datetime.date(2099, 12, 31))
    assert rules.validity_for(far, start) == (start, datetime.date(2027, 2, 28))


def test_validity_follows_the_city_caps(demo_city, alice):
    Cap.objects.filter(code=CapCode.RESIDENT_CARD_MONTHS).update(value=24)
    Cap.objects.filter(code=CapCode.CARE_PERMIT_MONTHS).update(value=6)
    start = datetime.date(2025, 1, 31)
    assert rules.validity_for(permit_of(alice, PermitKind.RESIDENT), start)[1] == datetime.date(2027, 1, 30)
    assert rules.validity_for(permit_of(alice, PermitKind.CARE_PROVIDER), start)[1] == datetime.date(2025, 7, 30)


def test_approval_starts_today_with_the_validity_of_its_kind(demo_city, alice):
    today = timezone.localdate()
    permit = rules.approve(permit_of(alice, PermitKind.DISABILITY, card_expiry=today + datetime.timedelta(days=40)))
    assert (permit.status, permit.valid_from, permit.valid_to) == (S.ACTIVE, today, today + datetime.timedelta(days=40))


def test_a_renewal_starts_the_day_after_the_renewed_permit_ends(demo_city, alice):
    today = timezone.localdate()
    old = Permit.objects.create(kind=PermitKind.RESIDENT, status=S.ACTIVE, holder=alice, valid_from=today.replace(day=1),
                                valid_to=today + datetime.timedelta(days=10))
    renewal = rules.approve(permit_of(alice, PermitKind.RESIDENT, renewal_of=old))
    assert renewal.valid_from == today + datetime.timedelta(days=11)
    assert renewal.valid_to == pricing.period_end(renewal.valid_from, 12)


def test_a_renewal_of_an_ended_permit_starts_today(demo_city, alice):
    today = timezone.localdate()
    old = Permit.objects.create(kind=PermitKind.RESIDENT, status=S.EXPIRED, holder=alice,
                                valid_to=today - datetime.timedelta(days=3))
    assert rules.approve(permit_of(alice, PermitKind.RESIDENT, renewal_of=old)).valid_from == today


def test_a_registration_with_an_expired_card_is_not_approved(demo_city, alice, english):
    permit = permit_of(alice, PermitKind.DISABILITY, card_expiry=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(rules.TransitionNotAllowed) as error:
        rules.approve(permit)
    assert "expired" in error.value.message
    permit.refresh_from_db()
    assert permit.status == S.APPLIED


def test_may_tells_which_steps_are_allowed(alice):
    permit = Permit.objects.create(kind=PermitKind.RESIDENT, status=S.MORE_INFO_REQUESTED, holder=alice)
    assert rules.may(permit, "answer_more_info") and rules.may(permit, "cancel") and rules.may(permit, "reject")
    assert not rules.may(permit, "approve") and not rules.may(permit, "revoke") and not rules.may(permit, "fly")


def test_an_answer_carries_its_documents(demo_city, alice, english):
    permit = Permit.objects.create(kind=PermitKind.RESIDENT, status=S.MORE_INFO_REQUESTED, holder=alice)
    rules.answer_more_info(permit, "", actor=alice, documents=[pdf_upload("lease.pdf")])
    assert permit.status == S.IN_REVIEW
    assert list(permit.documents.values_list("kind", "uploaded_by")) == [(D.ANSWER, alice.pk)]

    rules.request_more_info(permit, "And the attest?")
    rules.answer_more_info(permit, "Here it is.", actor=alice, documents={D.PERMANENT_USE: pdf_upload()})
    assert permit.documents.filter(kind=D.PERMANENT_USE).exists()


def test_an_empty_answer_or_a_bad_file_changes_nothing(demo_city, alice, english):
    permit = Permit.objects.create(kind=PermitKind.RESIDENT, status=S.MORE_INFO_REQUESTED, holder=alice)
    with pytest.raises(rules.TransitionNotAllowed):
        rules.answer_more_info(permit, "  ", actor=alice)
    with pytest.raises(rules.NotEligible) as error:
        rules.answer_more_info(permit, "See the file.", actor=alice, documents=[disguised_upload()])
    assert error.value.message.startswith("Attachment to an answer")
    permit.refresh_from_db()
    assert permit.status == S.MORE_INFO_REQUESTED and not permit.documents.exists()
    assert not permit.events.exists()


def test_a_plate_change_keeps_the_validity_and_sends_a_new_confirmation(permit_city, alice, english):
    alice.preferred_language = "en"
    alice.save()
    permit = rules.approve(apply(alice, "1ABC001"))
    validity = (permit.valid_from, permit.valid_to, permit.status, permit.price)
    changed = changes.change_plate(permit, vehicle_of(alice, "2XYZ002"), alice, documents=certificate())
    assert list(changed.plates.values_list("plate", flat=True)) == ["2XYZ002"]
    assert (changed.valid_from, changed.valid_to, changed.status, changed.price) == validity
    event = changed.events.order_by("pk").last()
    assert (event.from_status, event.to_status, event.actor) == (S.ACTIVE, S.ACTIVE, alice)
    assert "1-ABC-001" in event.note and "2-XYZ-002" in event.note
    assert changed.documents.filter(kind=D.REGISTRATION_CERTIFICATE).count() == 2
    message = OutboundMessage.objects.get(template="permits/plate_changed")
    document = Document.objects.for_case(permit).get()
    assert "1-ABC-001" in message.body_text and str(document.token) in message.body_text


def test_a_plate_change_needs_an_own_free_vehicle_and_its_documents(permit_city, alice, bob, english):
    permit = apply(alice, "1ABC001")
    apply(bob, "1BOB001")
    refusals = [
        (vehicle_of(bob, "1BOB009"), certificate(), "your own account"),
        (vehicle_of(alice, "1ABC002"), None, "Vehicle registration certificate"),
        (vehicle_of(alice, "1BOB001"), certificate(), "already has a permit of this kind"),
        (alice.vehicles.get(plate="1ABC001"), certificate(), "already on that vehicle"),
    ]
    for vehicle, documents, reason in refusals:
        with pytest.raises(rules.NotEligible) as error:
            changes.change_plate(permit, vehicle, alice, documents=documents)
        assert reason in error.value.message
    assert list(permit.plates.values_list("plate", flat=True)) == ["1ABC001"]
    assert permit.events.count() == 1
