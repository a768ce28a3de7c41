"""Builders for city reference data in tests."""

import datetime
from decimal import Decimal

from eloket.city.models import Parity, Street, StreetRange, Tariff, TariffHours, Zone, ZoneKind


def make_zone(code: str, kind: str = ZoneKind.PAID, price: str = "2.00", **tariff_fields) -> Zone:
    """A zone with a tariff in force since 2021 and paid hours Monday to Saturday 9:00-18:00."""
    zone = Zone.objects.create(code=code, name_nl=f"Zone {code}", name_en=f"Zone {code} EN", kind=kind,
                               description_nl=f"Beschrijving {code}", description_en=f"Description {code}")
    tariff = Tariff.objects.create(zone=zone, valid_from=datetime.date(2021, 3, 1), price_per_hour=Decimal(price),
                                   **tariff_fields)
    TariffHours.objects.bulk_create(
        TariffHours(tariff=tariff, weekday=day, start=datetime.time(9), end=datetime.time(18)) for day in range(6)
    )
    return zone


def add_range(street_name: str, zone: Zone, first: int = 1, last: int = 99, parity: str = Parity.ALL,
              postal_code: str = "3600") -> StreetRange:
    street, _created = Street.objects.get_or_create(name=street_name, postal_code=postal_code)
    return StreetRange.objects.create(street=street, zone=zone, first_number=first, last_number=last, parity=parity)


def make_many_zones(count: int, prefix: str = "X") -> list[Zone]:
    """A large data set: many zones, each with a tariff, hours and a few streets."""
    zones = []
    for number in range(count):
        zone = make_zone(f"{prefix}{number}", price=str(number % 3 + 1))
        for side in range(3):
            add_range(f"Teststraat {prefix}{number}-{side}", zone)
        zones.append(zone)
    return zones
