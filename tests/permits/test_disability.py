import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from eloket.city.models import Cap, CapCode
from permits import disability, pricing, rules
from permits.models import Channel, Permit, PermitDocumentKind, PermitEvent, PermitKind, PermitStatus

from ..files import jpeg_upload, png_upload

CARD = "1234567800"


def register(holder, plates=(("1-ABC-123", "BE"),), card=CARD, expiry=None, **kwargs):
    return disability.register_disability(holder, card_number=card, card_expiry=expiry, plates=list(plates),
                                          front=jpeg_upload(), back=png_upload(), **kwargs)


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


# --- the card number -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "number"), [
    ("1234567800", "1234567800"), ("12 3456 7800", "1234567800"), ("12.3456.78-00", "1234567800"),
    (" 1234-5678-01 ", "1234567801"),
])
def test_it_accepts_ten_digits_with_spaces_dots_and_dashes(typed, number):
    assert disability.normalize_card_number(typed) == number


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_an_empty_card_number_asks_for_it(typed, english):
    with pytest.raises(ValidationError) as error:
        disability.normalize_card_number(typed)
    assert error.value.messages == ["Enter the number of the disability parking card."]


@pytest.mark.parametrize("typed", ["123456789", "12345678901", "12345678OO", "1234/567800", "١٢٣٤٥٦٧٨٠٠",
                                   "１２３４５６７８００"])
def test_anything_but_ten_digits_is_refused_with_a_plain_message(typed, english):
    with pytest.raises(ValidationError) as error:
        disability.normalize_card_number(typed)
    assert "has exactly 10 digits" in error.value.messages[0]


@given(st.text())
def test_normalising_arbitrary_text_gives_ten_digits_or_a_validation_error(text):
    try:
        number = disability.normalize_card_number(text)
    except ValidationError:
        return
    assert len(number) == 10 and number.isascii() and number.isdigit()


@given(st.lists(st.sampled_from("0123456789 .-"), min_size=10, max_size=30))
def test_separators_never_change_the_digits(characters):
    text = "".join(characters)
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 10:
        assert disability.normalize_card_number(text) == digits
    else:
        with pytest.raises(ValidationError):
            disability.normalize_card_number(text)


# --- registering ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_holder_registers_a_card_for_review(alice, demo_city, media):
    permit = register(alice, plates=[("1-abc-123", "BE"), ("ab-12-cd", "NL")], card="12.3456.78-00",
                      expiry=days(400))
    assert permit.kind == PermitKind.DISABILITY
    assert permit.status == PermitStatus.IN_REVIEW
    assert permit.zone is None
    assert permit.price == 0
    assert (permit.card_number, permit.card_expiry) == (CARD, days(400))
    assert sorted(permit.plates.values_list("plate", "country")) == [("1ABC123", "BE"), ("AB12CD", "NL")]
    assert sorted(permit.documents.values_list("kind", flat=True)) == [PermitDocumentKind.CARD_BACK,
                                                                       PermitDocumentKind.CARD_FRONT]
    assert (permit.channel, permit.registered_by) == (Channel.PORTAL, None)
    event = permit.events.get()
    assert (event.actor, event.from_status, event.to_status) == (alice, "", PermitStatus.IN_REVIEW)


@pytest.mark.django_db
def test_an_expired_card_is_refused(alice, demo_city, media, english):
    with pytest.raises(rules.NotEligible) as error:
        register(alice, expiry=days(-1))
    assert "expired" in error.value.message
    assert not Permit.objects.exists()


@pytest.mark.django_db
def test_a_card_expiring_today_is_accepted(alice, demo_city, media):
    assert register(alice, expiry=days(0)).card_expiry == days(0)


@pytest.mark.django_db
def test_both_photos_are_required(alice, demo_city, media, english):
    with pytest.raises(rules.NotEligible) as error:
        disability.register_disability(alice, card_number=CARD, card_expiry=None, plates=[("1ABC123", "BE")],
                                       front=jpeg_upload(), back=None)
    assert "back" in error.value.message
    assert not Permit.objects.exists()


@pytest.mark.django_db
def test_an_invalid_plate_is_refused(alice, demo_city, media):
    with pytest.raises(ValidationError):
        register(alice, plates=[("1-ABC-123", "BE"), ("?!", "BE")])
    assert not Permit.objects.exists()


@pytest.mark.django_db
def test_at_least_one_plate(alice, demo_city, media):
    with pytest.raises(rules.NotEligible):
        register(alice, plates=[])


# --- the plate cap (demo: 2) --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_more_plates_than_the_cap_are_refused(alice, demo_city, media, english):
    with pytest.raises(rules.NotEligible) as error:
        register(alice, plates=[("1ABC123", "BE"), ("1ABC124", "BE"), ("1ABC125", "BE")])
    assert "at most 2" in error.value.message


@pytest.mark.django_db
def test_the_cap_counts_every_registration_of_the_card(alice, demo_city, media, english):
    register(alice, plates=[("1ABC123", "BE")])
    register(alice, plates=[("1ABC124", "BE")])
    with pytest.raises(rules.NotEligible) as error:
        register(alice, plates=[("1ABC125", "BE")])
    assert "already has 2" in error.value.message


@pytest.mark.django_db
def test_a_rejected_registration_frees_its_plates(alice, carla, demo_city, media):
    first = register(alice, plates=[("1ABC123", "BE"), ("1ABC124", "BE")])
    rules.reject(first, "The photo is unreadable.", actor=carla)
    assert register(alice, plates=[("1ABC123", "BE"), ("1ABC124", "BE")]).status == PermitStatus.IN_REVIEW


@pytest.mark.django_db
def test_the_cap_follows_the_city_setting(alice, demo_city, media):
    Cap.objects.filter(code=CapCode.DISABILITY_PLATES).update(value=3)
    permit = register(alice, plates=[("1ABC123", "BE"), ("1ABC124", "BE"), ("1ABC125", "BE")])
    assert permit.plates.count() == 3


@pytest.mark.django_db
def test_a_plate_already_on_the_card_is_refused(alice, demo_city, media, english):
    register(alice, plates=[("1ABC123", "BE")])
    with pytest.raises(rules.NotEligible) as error:
        register(alice, plates=[("1-abc-123", "BE")])
    assert "1-ABC-123 is already registered" in error.value.message


# --- one card, one holder ---------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("number", [CARD, "1234567801"])
def test_a_card_registered_by_someone_else_sends_you_to_the_counter(alice, bob, demo_city, media, english, number):
    """The same number, or a duplicate of it (last two digits counted up), belongs to another account."""
    register(alice)
    with pytest.raises(rules.NotEligible) as error:
        register(bob, card=number, plates=[("2XYZ999", "BE")])
    assert "contact the city's counter" in error.value.message
    assert not Permit.objects.filter(holder=bob).exists()


@pytest.mark.django_db
def test_a_cancelled_registration_no_longer_blocks_the_card(alice, bob, demo_city, media):
    rules.cancel(register(alice), actor=alice)
    assert register(bob, plates=[("2XYZ999", "BE")]).holder == bob


# --- staff on the holder's behalf ---------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("channel", [Channel.COUNTER, Channel.PHONE])
def test_counter_staff_register_on_the_holders_behalf(alice, carla, demo_city, media, channel):
    permit = register(alice, actor=carla, channel=channel)
    assert (permit.holder, permit.registered_by, permit.channel) == (alice, carla, channel)
    assert permit.events.get().actor == carla
    assert all(document.uploaded_by == carla for document in permit.documents.all())


@pytest.mark.django_db
def test_a_citizen_cannot_register_for_someone_else(alice, bob, demo_city, media):
    with pytest.raises(rules.NotEligible):
        register(alice, actor=bob)
    assert not Permit.objects.exists()


@pytest.mark.django_db
def test_a_counter_registration_needs_a_staff_member(alice, demo_city, media):
    with pytest.raises(rules.NotEligible):
        register(alice, channel=Channel.COUNTER)


# --- validity on approval (rules.approve uses rules.validity_for) -----------------------------------------

@pytest.mark.django_db
def test_approval_never_runs_beyond_the_cards_expiry(alice, carla, demo_city, media):
    permit = rules.approve(register(alice, expiry=days(100)), actor=carla)
    assert permit.status == PermitStatus.ACTIVE
    assert (permit.valid_from, permit.valid_to) == (days(0), days(100))


@pytest.mark.django_db
def test_a_card_without_end_date_gets_the_citys_years(alice, carla, demo_city, media):
    permit = rules.approve(register(alice, expiry=None), actor=carla)
    assert permit.valid_from == days(0)
    assert permit.valid_to == pricing.period_end(days(0), 36)  # demo: 3 years


@pytest.mark.django_db
def test_a_card_valid_longer_than_the_citys_years_is_capped_by_them(alice, carla, demo_city, media):
    permit = rules.approve(register(alice, expiry=days(365 * 10)), actor=carla)
    assert permit.valid_to == pricing.period_end(days(0), 36)


# --- changing plates ------------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("approved", [False, True])
def test_the_holder_changes_the_plates_and_the_status_stays(alice, carla, demo_city, media, approved):
    permit = register(alice, plates=[("1ABC123", "BE")])
    if approved:
        permit = rules.approve(permit, actor=carla)
    status = permit.status
    permit = disability.set_plates(permit, [("2-xyz-999", "BE"), ("1ABC123", "BE")], alice)
    assert permit.status == status
    assert sorted(permit.plates.values_list("plate", flat=True)) == ["1ABC123", "2XYZ999"]
    event = permit.events.order_by("pk").last()
    assert (event.actor, event.from_status, event.to_status) == (alice, status, status)
    assert "2-XYZ-999" in event.note


@pytest.mark.django_db
def test_changing_plates_stays_within_the_cap(alice, demo_city, media, english):
    register(alice, plates=[("1ABC123", "BE")])
    second = register(alice, plates=[("1ABC124", "BE")])
    with pytest.raises(rules.NotEligible) as error:
        disability.set_plates(second, [("1ABC124", "BE"), ("1ABC125", "BE")], alice)
    assert "at most 2" in error.value.message
    assert list(second.plates.values_list("plate", flat=True)) == ["1ABC124"]


@pytest.mark.django_db
def test_staff_change_plates_by_phone(alice, carla, demo_city, media):
    permit = disability.set_plates(register(alice), [("2XYZ999", "BE")], carla)
    assert list(permit.plates.values_list("plate", flat=True)) == ["2XYZ999"]
    assert permit.events.order_by("pk").last().actor == carla


@pytest.mark.django_db
def test_another_citizen_cannot_change_the_plates(alice, bob, demo_city, media):
    permit = register(alice)
    with pytest.raises(rules.NotEligible):
        disability.set_plates(permit, [("2XYZ999", "BE")], bob)
    assert list(permit.plates.values_list("plate", flat=True)) == ["1ABC123"]


@pytest.mark.django_db
def test_plates_of_a_closed_registration_stay_as_they_were(alice, carla, demo_city, media):
    permit = rules.reject(register(alice), "Unreadable photo.", actor=carla)
    with pytest.raises(rules.NotEligible):
        disability.set_plates(permit, [("2XYZ999", "BE")], alice)
    assert PermitEvent.objects.filter(permit=permit).count() == 2


@pytest.mark.django_db
def test_the_same_plates_again_write_no_event(alice, demo_city, media):
    permit = register(alice)
    disability.set_plates(permit, [("1-ABC-123", "BE")], alice)
    assert permit.events.count() == 1


@pytest.mark.django_db
def test_the_confirmation_letter_is_made_again_with_the_new_plate(alice, carla, demo_city, media,
                                                                    django_capture_on_commit_callbacks):
    from eloket.documents.models import Document

    with django_capture_on_commit_callbacks(execute=True):
        permit = rules.approve(register(alice), actor=carla)
    letter = Document.objects.for_case(permit).get()
    assert letter.version == 1
    with django_capture_on_commit_callbacks(execute=True):
        disability.set_plates(permit, [("2XYZ999", "BE")], alice)
    letter.refresh_from_db()
    assert letter.version == 2
