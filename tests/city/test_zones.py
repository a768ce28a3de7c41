"""Which zone an address lies in, from the street table."""

import pytest

from eloket.city.models import Parity, ZoneKind
from eloket.city.zones import house_number_value, search_key, zones_for_address

from .helpers import add_range, make_zone

pytestmark = pytest.mark.django_db


def codes(zones):
    return [zone.code for zone in zones]


@pytest.fixture
def streets():
    centre, edge, resident = make_zone("C1"), make_zone("C2"), make_zone("R1", kind=ZoneKind.RESIDENT, price="0")
    add_range("Molenstraat", centre, 1, 79, Parity.ODD)
    add_range("Molenstraat", centre, 2, 60, Parity.EVEN)
    add_range("Molenstraat", resident, 2, 60, Parity.EVEN)
    add_range("Molenstraat", resident, 62, 140, Parity.EVEN)
    add_range("Europalaan", centre, 1, 99, Parity.ODD)
    add_range("Europalaan", edge, 2, 100, Parity.EVEN)
    add_range("André Dumontlaan", edge, 1, 200)
    add_range("Kerkstraat", centre, 1, 50, postal_code="3600")
    add_range("Kerkstraat", edge, 1, 50, postal_code="3500")
    return centre, edge, resident


def test_odd_and_even_sides_can_lie_in_different_zones(streets):
    assert codes(zones_for_address("Europalaan", "7")) == ["C1"]
    assert codes(zones_for_address("Europalaan", "8")) == ["C2"]


def test_an_address_can_lie_in_a_paid_and_a_resident_zone(streets):
    assert codes(zones_for_address("Molenstraat", "12")) == ["C1", "R1"]
    assert codes(zones_for_address("Molenstraat", "13")) == ["C1"]


def test_range_ends_are_inclusive(streets):
    assert codes(zones_for_address("Molenstraat", "79")) == ["C1"]
    assert codes(zones_for_address("Molenstraat", "81")) == []
    assert codes(zones_for_address("Molenstraat", "140")) == ["R1"]
    assert codes(zones_for_address("Molenstraat", "142")) == []


def test_accents_case_and_spaces_do_not_matter(streets):
    for typed in ["André Dumontlaan", "andre dumontlaan", "  ANDRÉ   Dumontlaan "]:
        assert codes(zones_for_address(typed, "10")) == ["C2"]


def test_house_numbers_with_letters_or_a_box_use_their_number(streets):
    assert codes(zones_for_address("Europalaan", "7A")) == ["C1"]
    assert codes(zones_for_address("Europalaan", "8 bus 3")) == ["C2"]


def test_a_house_number_without_digits_finds_nothing(streets):
    assert zones_for_address("Europalaan", "abc") == []
    assert zones_for_address("Europalaan", "") == []


def test_the_postal_code_picks_the_right_street(streets):
    assert codes(zones_for_address("Kerkstraat", "5")) == ["C1", "C2"]
    assert codes(zones_for_address("Kerkstraat", "5", "3600")) == ["C1"]
    assert codes(zones_for_address("Kerkstraat", "5", " 3500 ")) == ["C2"]
    assert zones_for_address("Kerkstraat", "5", "1000") == []


def test_unknown_streets_and_inactive_zones_find_nothing(streets):
    centre, _edge, _resident = streets
    assert zones_for_address("Nergensstraat", "1") == []
    centre.is_active = False
    centre.save()
    assert codes(zones_for_address("Molenstraat", "12")) == ["R1"]


def test_search_key_and_house_number_value():
    assert search_key(" Sint-Martinusplein  ") == "sint-martinusplein"
    assert search_key("Rue de la Gaîté") == "rue de la gaite"
    assert house_number_value("12A") == 12
    assert house_number_value("x12") is None
