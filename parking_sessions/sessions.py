"""Starting and stopping a parking session, whatever the channel (web, SMS, app): the one place that writes them.

A paid zone's session is priced by pricing.quote (0 while it runs open-ended; the price is set when it ends). A blue
zone's session is a free digital parking disc whose time is the arrival rounded up to the next half hour.
"""

import datetime
import uuid as uuid_module
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.accounts import plates
from eloket.city.models import Zone, ZoneKind

from . import pricing
from .models import Channel, ParkingSession, SessionStatus
from .refusals import SessionRefused

DISC_STEP = datetime.timedelta(minutes=30)


def disc_time(arrival: datetime.datetime) -> datetime.datetime:
    """The mark after the arrival on a parking disc (Wegcode art. 27.1): 11:00 and 11:05 both become 11:30."""
    local = timezone.localtime(arrival).replace(second=0, microsecond=0)
    minutes = local.hour * 60 + local.minute
    next_mark = (minutes // 30 + 1) * 30
    midnight = local.replace(hour=0, minute=0)
    return midnight + datetime.timedelta(minutes=next_mark)


def _checked_plate(plate: str) -> str:
    plate = plates.normalize(plate)
    error = plates.plate_error(plate)
    if error:
        raise SessionRefused(error, "invalid_plate")
    return plate


def _checked_zone(zone: Zone) -> Zone:
    if zone is None or not zone.is_active:
        raise SessionRefused(_("This zone does not exist or is no longer in use."), "unknown_zone")
    return zone


def start_session(*, plate: str, zone: Zone, channel: str, starts_at: datetime.datetime | None = None,
                  ends_at: datetime.datetime | None = None, country: str = "BE", operator=None, citizen=None,
                  phone: str = "", inbox=None, terminal_number: str = "", uuid: uuid_module.UUID | None = None,
                  ) -> ParkingSession:
    """Write a running (or, with `ends_at`, a fixed-length) session; raises SessionRefused with the reason."""
    session = new_session(plate=plate, zone=zone, channel=channel, starts_at=starts_at, ends_at=ends_at, country=country,
                          operator=operator, citizen=citizen, phone=phone, inbox=inbox, terminal_number=terminal_number,
                          uuid=uuid)
    session.save()
    return session


def new_session(*, plate: str, zone: Zone, channel: str, starts_at: datetime.datetime | None = None,
                ends_at: datetime.datetime | None = None, country: str = "BE", operator=None, citizen=None,
                phone: str = "", inbox=None, terminal_number: str = "", uuid: uuid_module.UUID | None = None,
                stays: Iterable[pricing.Stay] | None = None) -> ParkingSession:
    """The session start_session writes, checked and priced but not saved (ingest writes many in one INSERT).
    `stays`: the plate's sessions in the zone read beforehand, so pricing needs no query (pricing.quote)."""
    plate = _checked_plate(plate)
    zone = _checked_zone(zone)
    if channel not in Channel.values:
        raise ValueError(f"Unknown channel {channel}")
    starts_at = starts_at or timezone.now()
    if ends_at is not None and ends_at <= starts_at:
        raise SessionRefused(_("The end of the session must be after its start."), "invalid_time_end")
    is_disc = zone.kind == ZoneKind.BLUE
    # The maximum stay is not checked here: the web form offers only allowed periods, and an app's or SMS's
    # overstay is for enforcement to see, not a reason to lose a session someone registered and pays for.
    price = pricing.quote(zone, starts_at, ends_at, plate=plate, country=country, check_max=False,
                          stays=stays).amount if (ends_at is not None and not is_disc) else pricing.ZERO
    if not is_disc and ends_at is None:
        pricing.rules_at(zone, starts_at)  # refuses a zone without a tariff now, before anything is written
    session = ParkingSession(
        plate=plate, country=(country or "BE").upper(), zone=zone, channel=channel, operator=operator, citizen=citizen,
        phone=phone, starts_at=disc_time(starts_at) if is_disc else starts_at, ends_at=ends_at, is_disc=is_disc,
        status=SessionStatus.ACTIVE, price=price, inbox=inbox, terminal_number=terminal_number)
    if uuid is not None:
        session.uuid = uuid
    return session


def stop_session(session: ParkingSession, at: datetime.datetime | None = None) -> ParkingSession:
    """End a running session at `at` (default now) and set its price; a second stop changes nothing."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = ParkingSession.objects.select_for_update(of=("self",)).select_related("zone").get(pk=session.pk)
        if end_session(locked, at):
            locked.save(update_fields=["ends_at", "status", "price", "modified"])
    return locked


def end_session(session: ParkingSession, at: datetime.datetime, *, stays: Iterable[pricing.Stay] | None = None) -> bool:
    """Set the end, status and price of a session the caller holds locked, without saving it; False when it is not
    running. `stays`: the plate's other sessions in the zone read beforehand (pricing.quote)."""
    if session.status != SessionStatus.ACTIVE:
        return False
    end = max(at, session.starts_at)
    if session.ends_at is not None and session.ends_at < end:
        end = session.ends_at  # a fixed-length session already ended by itself
    session.ends_at = end
    session.status = SessionStatus.ENDED
    if not session.is_disc:
        # A stay that ran past the maximum is still priced: the overstay is enforcement's matter, not the price's.
        session.price = pricing.quote(session.zone, session.starts_at, end, plate=session.plate, country=session.country,
                                      exclude_session=session.pk, check_max=False, stays=stays).amount
    return True
