from decimal import Decimal

import pytest

from eloket.city.models import Cap, CapCode
from permits import pricing, rules
from permits.models import Permit, PermitStatus

from .helpers import ADDRESS, apply, certificate, vehicle_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.mark.parametrize(("street", "number", "zone"), [
    ("Molenstraat", "12", "R1"),        # even side 2-60 is in R1 (and C1)
    ("Molenstraat", "62", "R1"),
    ("molenstraat ", "140", "R1"),      # typed loosely
    ("Molenstraat", "13", None),        # odd side is only in C1
    ("Molenstraat", "142", None),       # beyond the range
    ("Noordlaan", "5", "R1"),
    ("Noordlaan", "6B", "R1"),
    ("Stalenstraat", "7", "R2"),        # odd side R2
    ("Stalenstraat", "8", None),        # even side is a blue zone
    ("Bochtlaan", "90", "R2"),
    ("Bochtlaan", "91", None),
    ("Stadsplein", "1", None),          # paid zone only
    ("Onbekendestraat", "1", None),
])
def test_resident_zone_by_street_number_and_parity(permit_city, street, number, zone):
    found = pricing.resident_zone_for(street, number, "3600")
    assert (found.code if found else None) == zone


def test_wrong_postal_code_is_no_resident_zone(permit_city):
    assert pricing.resident_zone_for("Molenstraat", "12", "3500") is None


def test_address_outside_resident_zones_is_told_what_to_do(permit_city, alice, english):
    with pytest.raises(rules.NotEligible) as error:
        apply(alice, "1ABC001", street="Stadsplein", house_number="3")
    assert "not in a resident zone" in str(error.value.message)
    assert "parking ticket" in str(error.value.message)
    assert not Permit.objects.exists()


def test_address_key_is_one_form():
    assert pricing.address_key("Molenstraat ", "12 a", "3600", "") == pricing.address_key("molenstraat", "12A", " 3600")
    assert pricing.address_key("Molenstraat", "12", "3600", "1") != pricing.address_key("Molenstraat", "12", "3600", "2")


def test_price_by_rank_with_explanation(permit_city, alice, english):
    key = pricing.address_key("Molenstraat", "12", "3600")
    rank, amount, explanation = pricing.resident_card_price(key)
    assert (rank, amount) == (1, Decimal("0.00"))
    assert "card 1" in explanation and "free" in explanation

    first, second = apply(alice, "1ABC001"), apply(alice, "1ABC002")
    assert first.status == second.status == PermitStatus.APPLIED
    assert first.price == second.price == Decimal("0.00")
    assert first.zone.code == "R1" and first.address_key == key

    rank, amount, explanation = pricing.resident_card_price(key)
    assert (rank, amount) == (3, Decimal("100.00"))
    assert "already 2 active or pending" in explanation and "100,00" in explanation

    third = apply(alice, "1ABC003")
    assert third.status == PermitStatus.AWAITING_PAYMENT
    assert third.price == Decimal("100.00")
    assert "100,00" in third.price_explanation


def test_refused_rank_gives_none(permit_city, alice):
    Cap.objects.filter(code=CapCode.RESIDENT_CARDS_PER_ADDRESS).update(value=10)
    for n in range(3):
        apply(alice, f"1ABC00{n}")
    rank, amount, _explanation = pricing.resident_card_price(pricing.address_key("Molenstraat", "12", "3600"))
    assert (rank, amount) == (4, None)
    with pytest.raises(rules.NotEligible):
        apply(alice, "1ABC009")


def test_cap_counted_across_accounts_at_one_address(permit_city, alice, bob, english):
    apply(alice, "1ABC001")
    apply(bob, "1BOB001", street="MOLENSTRAAT")  # same address, typed differently
    apply(alice, "1ABC002")
    with pytest.raises(rules.NotEligible) as error:
        apply(bob, "1BOB002")
    assert "already has 3 resident cards" in str(error.value.message)
    assert Permit.objects.count() == 3
    # Another box is another address.
    assert apply(bob, "1BOB003", box="2").status == PermitStatus.APPLIED


def test_finished_cards_free_their_place(permit_city, alice, bob):
    cards = [apply(alice, "1ABC001"), apply(alice, "1ABC002"), apply(bob, "1BOB001")]
    rules.reject(cards[0], "No registration certificate.")
    rules.cancel(cards[1])
    assert apply(bob, "1BOB002").price == Decimal("0.00")  # rank 2 again: free


def test_pending_cards_count(permit_city, alice):
    apply(alice, "1ABC001")
    rank, _amount, _text = pricing.resident_card_price(pricing.address_key("Molenstraat", "12", "3600"))
    assert rank == 2


def test_vehicle_of_another_account_is_refused(permit_city, alice, bob):

    with pytest.raises(rules.NotEligible):
        rules.apply_for_resident_card(alice, vehicle_of(bob, "1BOB001"), documents=certificate(), **ADDRESS)


def test_same_vehicle_twice_is_refused(permit_city, alice):

    vehicle = vehicle_of(alice, "1ABC001")
    rules.apply_for_resident_card(alice, vehicle, documents=certificate(), **ADDRESS)
    with pytest.raises(rules.NotEligible):
        rules.apply_for_resident_card(alice, vehicle, documents=certificate(), **ADDRESS)
