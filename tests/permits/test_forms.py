"""The citizen forms for permits: what they accept, what they refuse, and the signed step of the resident card."""

import datetime
import time

import pytest
from django.utils import timezone

from permits.forms import (
    STEP_MAX_AGE,
    AnswerForm,
    CareForm,
    DisabilityForm,
    ResidentStepOneForm,
    VisitForm,
    read_step_one,
)
from tests.files import disguised_upload, jpeg_upload, pdf_upload, png_upload, svg_upload

from .helpers import ADDRESS, vehicle_of

pytestmark = pytest.mark.django_db

NOT_ACCEPTED = "This file is not a PDF, JPEG or PNG file"


def step_one(user, **changes) -> ResidentStepOneForm:
    vehicle = user.vehicles.first()
    return ResidentStepOneForm({**ADDRESS, "vehicle": vehicle.pk if vehicle else "", "vehicle_use": "own", **changes},
                               user=user)


def disability(user, files=None, maximum=2, **data) -> DisabilityForm:
    files = files or {"front": jpeg_upload(), "back": png_upload()}
    return DisabilityForm({"card_number": "1234567800", "no_end_date": "on", "plate_1": "1DIS001", "country_1": "BE",
                           "country_2": "BE", **data}, files, user=user, maximum=maximum)


# --- the signed first step ---------------------------------------------------------------------------------------

def test_step_one_comes_back_intact_for_its_own_user(alice):
    vehicle = vehicle_of(alice, "1ABC123")
    form = step_one(alice, box="2")
    assert form.is_valid(), form.errors
    data = read_step_one(form.signed(), alice)
    assert data == {**ADDRESS, "box": "2", "vehicle": vehicle.pk, "vehicle_use": "own"}


def test_a_changed_token_is_not_read(alice):
    vehicle_of(alice, "1ABC123")
    form = step_one(alice)
    assert form.is_valid()
    token = form.signed()
    assert read_step_one(token[:-1] + ("A" if token[-1] != "A" else "B"), alice) is None
    assert read_step_one("", alice) is None and read_step_one("not-a-token", alice) is None


def test_a_token_of_another_user_is_not_read(alice, bob):
    vehicle_of(alice, "1ABC123")
    form = step_one(alice)
    assert form.is_valid()
    assert read_step_one(form.signed(), bob) is None


def test_an_old_token_is_not_read(alice, monkeypatch):
    vehicle_of(alice, "1ABC123")
    form = step_one(alice)
    assert form.is_valid()
    now = time.time()
    monkeypatch.setattr("django.core.signing.time.time", lambda: now - STEP_MAX_AGE - 60)
    token = form.signed()
    monkeypatch.undo()
    assert read_step_one(token, alice) is None


def test_step_one_only_offers_the_citizens_own_vehicles(alice, bob):
    vehicle_of(alice, "1ABC123")
    bobs = vehicle_of(bob, "9BOB999")
    form = step_one(alice, vehicle=bobs.pk)
    assert not form.is_valid() and "vehicle" in form.errors


def test_step_one_wants_a_belgian_postal_code(alice, english):
    vehicle_of(alice, "1ABC123")
    form = step_one(alice, postal_code="36000")
    assert not form.is_valid() and "4 digits" in form.errors["postal_code"][0]


def test_step_one_is_prefilled_from_the_profile(alice):
    form = ResidentStepOneForm(user=alice)
    assert form["street"].value() == alice.street and form["postal_code"].value() == alice.postal_code


# --- files -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("upload", [disguised_upload("card.jpg"), svg_upload()], ids=["disguised", "svg"])
def test_a_file_that_is_not_a_pdf_jpeg_or_png_is_refused_with_the_reason(alice, english, upload):
    form = disability(alice, files={"front": upload, "back": png_upload()})
    assert not form.is_valid()
    assert NOT_ACCEPTED in form.errors["front"][0]


def test_real_photos_and_pdfs_are_accepted(alice):
    assert disability(alice, files={"front": jpeg_upload(), "back": pdf_upload()}).is_valid()


# --- disability registration --------------------------------------------------------------------------------------

def test_the_card_number_is_read_with_spaces_and_dots(alice):
    form = disability(alice, card_number="12.3456 7800")
    assert form.is_valid() and form.cleaned_data["card_number"] == "1234567800"


def test_a_card_number_that_is_not_ten_digits_is_refused(alice, english):
    form = disability(alice, card_number="12345")
    assert not form.is_valid() and "exactly 10 digits" in form.errors["card_number"][0]


def test_the_card_has_an_end_date_or_none_but_not_both_or_neither(alice, english):
    both = disability(alice, card_expiry="2099-12-31")
    assert not both.is_valid() and "not both" in both.errors["card_expiry"][0]
    neither = disability(alice, no_end_date="")
    assert not neither.is_valid() and "no end date" in neither.errors["card_expiry"][0]
    expired = disability(alice, no_end_date="", card_expiry=str(timezone.localdate() - datetime.timedelta(days=1)))
    assert not expired.is_valid() and "expired" in expired.errors["card_expiry"][0]
    future = disability(alice, no_end_date="", card_expiry="2099-12-31")
    assert future.is_valid() and future.cleaned_data["card_expiry"] == datetime.date(2099, 12, 31)


def test_plates_are_ticked_vehicles_and_typed_plates_counted_once(alice):
    vehicle = vehicle_of(alice, "1ABC123")
    form = disability(alice, vehicles=[vehicle.pk], plate_1="1-abc-123", plate_2="AB12CD", country_2="NL")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["plates"] == [("1ABC123", "BE"), ("AB12CD", "NL")]


def test_at_least_one_and_at_most_the_cap_of_plates(alice, english):
    none = disability(alice, plate_1="")
    assert not none.is_valid() and "at least one number plate" in none.non_field_errors()[0]
    vehicle = vehicle_of(alice, "1ABC123")
    too_many = disability(alice, vehicles=[vehicle.pk], plate_1="2DEF456", plate_2="3GHI789")
    assert not too_many.is_valid() and "at most 2 number plates" in too_many.non_field_errors()[0]


def test_a_mistyped_plate_is_an_error_on_its_own_field(alice):
    form = disability(alice, plate_1="!!")
    assert not form.is_valid() and "plate_1" in form.errors


# --- care-provider permit ------------------------------------------------------------------------------------------

def care(user, use="own", **files) -> CareForm:
    vehicle = user.vehicles.first()
    uploads = {"recognition": pdf_upload(), "home_visits": pdf_upload(), "registration_certificate": pdf_upload(),
               **files}
    return CareForm({"recognition_number": "1-23456-78-901", "vehicle": vehicle.pk, "vehicle_use": use}, uploads,
                    user=user)


def test_care_documents_follow_the_use_of_the_car(alice, english):
    vehicle_of(alice, "1ABC123")
    own = care(alice)
    assert own.is_valid(), own.errors
    assert sorted(own.documents()) == ["home_visits", "recognition", "registration_certificate"]
    assert own.cleaned_data["recognition_number"] == "12345678901"
    other = care(alice, use="other_person")
    assert not other.is_valid() and "Add this document" in other.errors["authorisation"][0]
    lent = care(alice, use="other_person", authorisation=jpeg_upload(), permanent_use=pdf_upload())
    assert lent.is_valid() and "permanent_use" not in lent.documents() and "authorisation" in lent.documents()


# --- answer and visitor forms ---------------------------------------------------------------------------------------

def test_an_answer_needs_text_or_a_file(english):
    assert not AnswerForm({"answer": "  "}).is_valid()
    assert AnswerForm({"answer": ""}, {"attachment": pdf_upload()}).is_valid()
    assert AnswerForm({"answer": "It is my car."}).is_valid()


def test_a_visit_starts_now_or_at_a_chosen_future_time(english):
    now = VisitForm({"plate": "1-gst-001", "country": "BE", "minutes": "90", "start": "now",
                     "starts_at": "2000-01-01T10:00"})
    assert now.is_valid(), now.errors
    assert now.cleaned_data["starts_at"] is None and now.cleaned_data["plate"] == "1GST001"
    assert now.cleaned_data["minutes"] == 90
    missing = VisitForm({"plate": "1GST001", "country": "BE", "minutes": "90", "start": "later"})
    assert not missing.is_valid() and "starts_at" in missing.errors
    past = VisitForm({"plate": "1GST001", "country": "BE", "minutes": "90", "start": "later",
                      "starts_at": "2000-01-01T10:00"})
    assert not past.is_valid() and "has passed" in past.errors["starts_at"][0]
    later = (timezone.localtime() + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    planned = VisitForm({"plate": "1GST001", "country": "BE", "minutes": "90", "start": "later", "starts_at": later})
    assert planned.is_valid() and planned.cleaned_data["starts_at"] > timezone.now()


def test_a_visit_offers_half_hours_up_to_a_day(english):
    choices = [value for value, _label in VisitForm().fields["minutes"].choices]
    assert choices[0] == 30 and choices[-1] == 24 * 60
    assert not VisitForm({"plate": "1GST001", "country": "BE", "minutes": "45", "start": "now"}).is_valid()
