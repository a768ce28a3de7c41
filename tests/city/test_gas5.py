"""GAS 5 light speeding: the amounts of the Lo-Reninge table in domain.md."""

import datetime
from decimal import Decimal

import pytest

from eloket.city.models import Gas5Rate


@pytest.fixture
def table():
    return Gas5Rate(valid_from=datetime.date(2021, 2, 1), tolerance_kmh=6, base_amount=Decimal("53"),
                    base_excess_kmh=10, per_kmh_inside=Decimal("11"), per_kmh_outside=Decimal("6"),
                    max_excess_kmh=20, limits="30,50")


@pytest.mark.parametrize("corrected, inside, outside", [
    (41, "64", "59"),   # zone 30, corrected 41 km/h
    (45, "108", "83"),  # zone 30, corrected 45 km/h
    (31, "53", "53"),   # just over the limit
    (40, "53", "53"),   # the base amount covers up to 10 km/h over
    (50, "163", "113"),  # the maximum GAS 5 excess
])
def test_domain_examples_in_zone_30(table, corrected, inside, outside):
    excess = corrected - 30
    assert table.amount_for(excess, inside_built_up_area=True) == Decimal(inside)
    assert table.amount_for(excess, inside_built_up_area=False) == Decimal(outside)


@pytest.mark.parametrize("excess", [21, 30, 0, -3])
def test_over_20_or_not_over_the_limit_is_not_gas5(table, excess):
    assert table.amount_for(excess, True) is None
    assert table.amount_for(excess, False) is None


def test_limit_values(table):
    assert table.limit_values == [30, 50]
