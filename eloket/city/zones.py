"""Which zone an address lies in, from the city's street table."""

import re
import unicodedata

from .models import StreetRange, Zone


def search_key(name: str) -> str:
    """Lower case, no accents, single spaces: the form street names are compared in."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip().casefold()


def house_number_value(text: str) -> int | None:
    """The numeric part of a house number: '12A' -> 12, '7 bus 3' -> 7; None when there is none."""
    match = re.match(r"\s*(\d{1,5})", text or "")
    return int(match.group(1)) if match else None


def zones_for_address(street: str, house_number: str, postal_code: str = "") -> list[Zone]:
    """Active zones whose street ranges contain this address, in code order (one query)."""
    number = house_number_value(house_number)
    if number is None:
        return []
    ranges = StreetRange.objects.filter(
        street__search_name=search_key(street), first_number__lte=number, last_number__gte=number, zone__is_active=True
    ).select_related("zone")
    if postal_code:
        ranges = ranges.filter(street__postal_code=postal_code.strip())
    zones = {r.zone.pk: r.zone for r in ranges if r.contains(number)}
    return sorted(zones.values(), key=lambda zone: zone.code)
