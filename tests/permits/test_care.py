import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from permits import care, pricing, rules
from permits.models import Channel, Permit, PermitDocumentKind, PermitKind, PermitStatus, VehicleUse

from ..files import disguised_upload, pdf_upload
from .helpers import vehicle_of

D = PermitDocumentKind
RIZIV = "1-23456-78-901"


def documents(*kinds):
    return {kind: pdf_upload() for kind in (kinds or (D.RECOGNITION, D.HOME_VISITS, D.REGISTRATION_CERTIFICATE))}


def apply(user, plate="1CAR001", number=RIZIV, files=None, **kwargs):
    return care.apply_for_care_permit(user, vehicle_of(user, plate), recognition_number=number,
                                      documents=files if files is not None else documents(), **kwargs)


# --- the recognition number -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "number"), [
    (RIZIV, "12345678901"), ("123.45678.90-1", "12345678901"), ("vazg 123456", "VAZG123456"), ("AB1234", "AB1234"),
])
def test_it_accepts_a_riziv_number_or_a_flemish_recognition(typed, number):
    assert care.normalize_recognition_number(typed) == number


@pytest.mark.parametrize("typed", ["", "12345", "A" * 21, "12345678901#", "née-123456"])
def test_it_explains_what_a_recognition_number_looks_like(typed, english):
    with pytest.raises(ValidationError) as error:
        care.normalize_recognition_number(typed)
    assert "RIZIV/INAMI number" in error.value.messages[0]


@given(st.text())
def test_arbitrary_text_gives_a_short_number_or_a_validation_error(text):
    try:
        number = care.normalize_recognition_number(text)
    except ValidationError:
        return
    assert 6 <= len(number) <= 20 and number.isascii() and number.isalnum()


# --- applying ------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_care_provider_applies_for_a_free_permit_on_one_plate(alice, demo_city, media):
    permit = apply(alice)
    assert permit.kind == PermitKind.CARE_PROVIDER
    assert permit.status == PermitStatus.APPLIED
    assert (permit.zone, permit.price, permit.recognition_number) == (None, 0, "12345678901")
    assert list(permit.plates.values_list("plate", "country")) == [("1CAR001", "BE")]
    assert sorted(permit.documents.values_list("kind", flat=True)) == sorted(
        [D.HOME_VISITS, D.RECOGNITION, D.REGISTRATION_CERTIFICATE])
    assert (permit.vehicle_use, permit.channel, permit.registered_by) == (VehicleUse.OWN, Channel.PORTAL, None)
    assert permit.events.get().to_status == PermitStatus.APPLIED


@pytest.mark.django_db
def test_the_recognition_document_is_required(alice, demo_city, media, english):
    with pytest.raises(rules.NotEligible) as error:
        apply(alice, files=documents(D.HOME_VISITS, D.REGISTRATION_CERTIFICATE))
    assert "Recognition as a care provider" in error.value.message
    assert not Permit.objects.exists()


@pytest.mark.django_db
def test_a_company_car_also_needs_the_attest_of_permanent_use(alice, demo_city, media, english):
    with pytest.raises(rules.NotEligible) as error:
        apply(alice, vehicle_use=VehicleUse.COMPANY)
    assert "permanent use" in error.value.message
    permit = apply(alice, plate="1CAR002", vehicle_use=VehicleUse.COMPANY,
                   files=documents(D.RECOGNITION, D.HOME_VISITS, D.REGISTRATION_CERTIFICATE, D.PERMANENT_USE))
    assert permit.documents.filter(kind=D.PERMANENT_USE).exists()


@pytest.mark.django_db
def test_a_file_that_only_pretends_to_be_a_pdf_is_refused(alice, demo_city, media):
    files = documents()
    files[D.RECOGNITION] = disguised_upload()
    with pytest.raises(rules.NotEligible):
        apply(alice, files=files)
    assert not Permit.objects.exists()


@pytest.mark.django_db
def test_a_wrong_recognition_number_is_refused_before_anything_is_stored(alice, demo_city, media):
    with pytest.raises(ValidationError):
        apply(alice, number="123")
    assert not Permit.objects.exists()


@pytest.mark.django_db
def test_only_a_vehicle_in_your_own_account(alice, bob, demo_city, media):
    with pytest.raises(rules.NotEligible):
        care.apply_for_care_permit(alice, vehicle_of(bob, "1BOB001"), recognition_number=RIZIV, documents=documents())


# --- one permit per person (demo cap: 1) -------------------------------------------------------------------

@pytest.mark.django_db
def test_a_second_application_is_refused_while_the_first_holds(alice, carla, demo_city, media, english):
    first = apply(alice)
    with pytest.raises(rules.NotEligible) as error:
        apply(alice, plate="1CAR002")
    assert "already have a care-provider permit" in error.value.message
    rules.approve(first, actor=carla)
    with pytest.raises(rules.NotEligible):
        apply(alice, plate="1CAR003")


@pytest.mark.django_db
def test_after_cancelling_a_new_application_is_possible(alice, demo_city, media):
    rules.cancel(apply(alice), actor=alice)
    assert apply(alice, plate="1CAR002").status == PermitStatus.APPLIED


@pytest.mark.django_db
def test_the_cap_is_per_person_not_per_address(alice, bob, demo_city, media):
    apply(alice)
    assert apply(bob, plate="1BOB001").holder == bob


@pytest.mark.django_db
def test_approval_gives_the_citys_months(alice, carla, demo_city, media):
    permit = rules.approve(apply(alice), actor=carla)
    assert permit.valid_to == pricing.period_end(permit.valid_from, 12)


@pytest.mark.django_db
def test_counter_staff_apply_on_the_care_providers_behalf(alice, carla, demo_city, media):
    permit = apply(alice, actor=carla, channel=Channel.COUNTER)
    assert (permit.holder, permit.registered_by, permit.channel) == (alice, carla, Channel.COUNTER)


@pytest.mark.django_db
def test_a_citizen_cannot_apply_for_someone_else(alice, bob, demo_city, media):
    with pytest.raises(rules.NotEligible):
        apply(alice, actor=bob)
    assert not Permit.objects.exists()
