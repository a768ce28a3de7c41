"""Helpers shared by the enforcement tests: the demo city's zones, devices with tokens, rights to park."""

import datetime

from django.utils import timezone

from eloket.city.models import Zone
from fines.amounts import BRUSSELS
from parking_sessions import devices, reference
from parking_sessions.models import Channel, ParkingSession, SessionStatus
from permits.models import Permit, PermitPlate, PermitStatus, VisitorPeriod

PLATE = "1ABC123"
HOLDER = {"name": "Jan Claes", "is_company": False, "birth_date": "1980-05-01", "street": "Stadsplein 1",
          "postal_code": "3600", "municipality": "Genk", "country": "BE"}
# A Monday in paid hours (09:00-18:00 Mon-Sat in the demo city), not a public holiday.
MONDAY_10 = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=BRUSSELS)
# A square around Genk's Stadsplein, and one around Winterslag with a hole in it ([longitude, latitude] in GeoJSON).
CENTRE = {"type": "Polygon", "coordinates": [[[5.49, 50.96], [5.51, 50.96], [5.51, 50.97], [5.49, 50.97], [5.49, 50.96]]]}
WINTERSLAG = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
    [[5.46, 50.98], [5.48, 50.98], [5.48, 51.00], [5.46, 51.00], [5.46, 50.98]],
    [[5.469, 50.989], [5.471, 50.989], [5.471, 50.991], [5.469, 50.991], [5.469, 50.989]]]}}


def brussels(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def demo_zones() -> dict[str, Zone]:
    """C1 and C2 are paid (15 minutes to register), B1 is blue (2 hours), R1 and R2 resident zones (disc, 2 hours)."""
    reference.forget()
    return {zone.code: zone for zone in Zone.objects.all()}


def device(name: str = "Scan car 1", **fields):
    """A device with its token at hand as `.token` (as the admin shows it once)."""
    made, token = devices.create_device(name, **fields)
    made.token = token
    return made


def session(zone, *, starts_at, ends_at=None, plate=PLATE, is_disc=False, status=SessionStatus.ACTIVE):
    return ParkingSession.objects.create(plate=plate, zone=zone, channel=Channel.APP, starts_at=starts_at,
                                         ends_at=ends_at, is_disc=is_disc, status=status)


def permit(holder, kind, zone=None, plate=PLATE, status=PermitStatus.ACTIVE, valid=(-10, 300), on=None):
    day = on or timezone.localdate()
    made = Permit.objects.create(
        kind=kind, status=status, holder=holder, zone=zone, address_key="3600|MOLENSTRAAT|12|",
        valid_from=day + datetime.timedelta(days=valid[0]),
        valid_to=day + datetime.timedelta(days=valid[1]) if valid[1] is not None else None)
    PermitPlate.objects.create(permit=made, plate=plate)
    return made


def visitor_period(card, *, starts_at, minutes=120, plate=PLATE, zone=None):
    return VisitorPeriod.objects.create(
        address_key=card.address_key, permit=card, started_by=card.holder, zone=zone or card.zone, plate=plate,
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(minutes=minutes), minutes=minutes,
        year=timezone.localtime(starts_at).year)

