"""Parking rights for enforcement: which permits let this plate park here, now (resident card, disability
registration, care-provider permit, visitor period).

A scan car's position can lie in more than one zone at once (a paid zone and a resident zone), so the question is
asked for a set of zones and the answer gives one right per permit and zone where it holds. Two indexed queries,
whatever the data: one through PermitPlate.plate, one on VisitorPeriod (plate, ends_at); the city profile is cached.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.accounts import plates
from eloket.city.models import Zone, ZoneKind
from eloket.city.reference import city_profile

from .models import PermitKind, PermitPlate, PermitStatus, VisitorPeriod

RESIDENT, DISABILITY, CARE_PROVIDER, VISITOR = "resident", "disability", "care_provider", "visitor"


@dataclass(frozen=True)
class ParkingRight:
    kind: str  # "resident" | "disability" | "care_provider" | "visitor"
    permit_id: int  # for a visitor period: the resident card it was started on
    zone_id: int | None  # the zone where this right holds
    valid_until: datetime.date | datetime.datetime | None  # last valid day of a permit, end of a visitor period
    free: bool
    unlimited: bool  # no time limit (no parking disc, no maximum duration)
    label: str


def _zone_list(zones: Zone | Iterable[Zone]) -> list[Zone]:
    return [zones] if isinstance(zones, Zone) else list(zones)


def _disability_holds(zone: Zone, free_in_paid: bool | None) -> bool:
    """Blue and resident zones always (Wegcode art. 27); paid zones only when the city decided so."""
    if zone.kind == ZoneKind.PAID:
        return bool(free_in_paid)
    return True


def rights_of_permit(kind: str, permit_id: int, zone_id: int | None, valid_to, zones: list[Zone]) -> list[ParkingRight]:
    """The rights one permit row gives in the given zones (enforcement reads the rows in its own query)."""
    if kind == PermitKind.RESIDENT:
        return [ParkingRight(RESIDENT, permit_id, zone.pk, valid_to, True, True,
                             _("Resident card for zone %(zone)s") % {"zone": zone.code})
                for zone in zones if zone.pk == zone_id]
    if kind == PermitKind.CARE_PROVIDER:
        return [ParkingRight(CARE_PROVIDER, permit_id, zone.pk, valid_to, True, True, _("Care-provider permit"))
                for zone in zones if zone.kind in (ZoneKind.PAID, ZoneKind.BLUE)]
    if kind == PermitKind.DISABILITY:
        # The profile is read only when a paid zone makes it matter, so most answers need no cache look-up.
        profile = city_profile() if any(zone.kind == ZoneKind.PAID for zone in zones) else None
        free_in_paid = profile is not None and profile.disability_free_in_paid_zones
        return [ParkingRight(DISABILITY, permit_id, zone.pk, valid_to, True, True, _("Disability parking registration"))
                for zone in zones if _disability_holds(zone, free_in_paid)]
    return []


def parking_rights(plate: str, zones: Zone | Iterable[Zone], at: datetime.datetime | None = None) -> list[ParkingRight]:
    """Every right the plate has in these zones at `at` (default now), in the order of the zones given."""
    zones = _zone_list(zones)
    if not zones:
        return []
    at = at or timezone.now()
    day = timezone.localtime(at).date()
    plate = plates.normalize(plate)
    zone_ids = [zone.pk for zone in zones]
    permits = (
        PermitPlate.objects.filter(plate=plate, permit__status=PermitStatus.ACTIVE, permit__valid_from__lte=day)
        .filter(Q(permit__valid_to__isnull=True) | Q(permit__valid_to__gte=day))
        .filter(Q(permit__kind=PermitKind.RESIDENT, permit__zone_id__in=zone_ids)
                | Q(permit__kind__in=[PermitKind.DISABILITY, PermitKind.CARE_PROVIDER]))
        .values_list("permit_id", "permit__kind", "permit__zone_id", "permit__valid_to")
        .order_by("permit_id").distinct()
    )
    visits = (
        VisitorPeriod.objects.filter(plate=plate, ends_at__gt=at, starts_at__lte=at, zone_id__in=zone_ids,
                                     permit__status=PermitStatus.ACTIVE)
        .values_list("permit_id", "zone_id", "ends_at").order_by("starts_at")
    )
    found = []
    for permit_id, kind, zone_id, valid_to in permits:
        found.extend(rights_of_permit(kind, permit_id, zone_id, valid_to, zones))
    zone_codes = {zone.pk: zone.code for zone in zones}
    for permit_id, zone_id, ends_at in visits:
        found.append(ParkingRight(VISITOR, permit_id, zone_id, ends_at, True, False,
                                  _("Visitor period in zone %(zone)s") % {"zone": zone_codes[zone_id]}))
    order = {zone_id: index for index, zone_id in enumerate(zone_ids)}
    return sorted(found, key=lambda right: order[right.zone_id])
