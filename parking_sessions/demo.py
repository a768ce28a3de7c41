"""Demo data for parking sessions: the parking-app operator "4411" and a scan car, and a few parkings of Alice's
from the website, by SMS and in the 4411 app, so her "Parking" panel and list have something to show.

The operator's API key and the scan car's token are made when the demo first seeds them and returned to
`manage.py seed_demo_city`, which prints them once with the demo logins; like any key here only their hashes are
stored, so a later seed cannot show them again and says how to issue new ones instead. Seeding again adds nothing:
every demo session has a fixed uuid (and the app's parking its fixed inbox message), whatever the day it runs.
"""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from eloket.accounts.models import Vehicle
from eloket.city.models import PublicHoliday, Zone
from eloket.payments.models import Payment, PaymentMethod, PaymentStatus

from . import devices, ingest, operators, pricing, sessions, web
from .models import Channel, Device, Inbox, InboxKind, Operator, ParkingSession

OPERATOR_CODE = OPERATOR_NAME = "4411"
DEVICE_NAME = "Demo scan car"
ALICE = "alice@example.org"
PLATE = "1ABC123"
# The demo sessions' uuids are derived from this and a name, so a second seed finds the ones the first made.
NAMESPACE = uuid.UUID("6f0c3f1e-6a51-4c52-9f57-5b1d4c3a2e11")


def demo_uuid(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


# --- The operator and the scan car ----------------------------------------------------------------

def seed_operator_and_device() -> list[str]:
    """The 4411 operator and the demo scan car; returns the lines to print: their secrets when made now."""
    made = []
    if not Operator.objects.filter(code=OPERATOR_CODE).exists():
        key = operators.make_key(Operator(code=OPERATOR_CODE, name=OPERATOR_NAME))
        made.append(f"  parking app {OPERATOR_NAME:<14} API key {key}   (Authorization: ApiKey <key>, /api/v1/operator/)")
    if not Device.objects.filter(name=DEVICE_NAME).exists():
        _device, token = devices.create_device(DEVICE_NAME)
        made.append(f"  {DEVICE_NAME:<26} token   {token}   (Authorization: Bearer <token>, /api/v1/enforcement/)")
    if made:
        return ["", "Demo API clients (shown only now: only a hash of each secret is stored):", *made]
    return ["", f"Demo API clients: parking app {OPERATOR_NAME} and \"{DEVICE_NAME}\" exist already; their key and token "
            "were printed when they were made.",
            f"  A new key: manage.py operator_key {OPERATOR_CODE}; a new token: the admin's enforcement devices, "
            "action \"Issue a new token\"."]


# --- Alice's sessions ----------------------------------------------------------------------------

def _paid_day(days_back: int) -> datetime.date:
    """The latest day at least `days_back` days ago with paid hours in the demo city (not a Sunday or public holiday)."""
    day = timezone.localdate() - datetime.timedelta(days=days_back)
    holidays = set(PublicHoliday.objects.filter(date__lte=day).values_list("date", flat=True))
    while day.weekday() == 6 or day in holidays:
        day -= datetime.timedelta(days=1)
    return day


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _web_session(alice, zones) -> None:
    """Two hours in C1 bought on the website (the first one free), paid online."""
    if ParkingSession.objects.filter(uuid=demo_uuid("web-c1")).exists():
        return
    day = _paid_day(2)
    session = sessions.start_session(plate=PLATE, zone=zones["C1"], channel=Channel.WEB, citizen=alice,
                                     starts_at=_at(day, 10), ends_at=_at(day, 12), uuid=demo_uuid("web-c1"))
    if session.price:
        # As the payment flow leaves it: paid before the session counted (no Mollie in the demo seed).
        Payment.objects.create(
            owner=alice, content_type=ContentType.objects.get_for_model(ParkingSession), object_id=session.pk,
            amount=session.price, description=web.payment_description(session), method=PaymentMethod.ONLINE,
            status=PaymentStatus.PAID, paid_at=session.starts_at, effect_applied_at=session.starts_at)


def _web_disc(alice, zones) -> None:
    """A digital parking disc in blue zone B1, stopped when she drove away."""
    if ParkingSession.objects.filter(uuid=demo_uuid("web-b1")).exists():
        return
    day, zone = _paid_day(4), zones["B1"]
    arrival = _at(day, 9, 10)
    disc = sessions.disc_time(arrival)
    until = pricing.disc_until(disc, pricing.rules_for(pricing.tariff_in_force(zone, arrival)),
                               holidays=web.holidays_from(day))
    session = sessions.start_session(plate=PLATE, zone=zone, channel=Channel.WEB, citizen=alice, starts_at=arrival,
                                     ends_at=until, uuid=demo_uuid("web-b1"))
    sessions.stop_session(session, _at(day, 10, 45))


def _sms_session(alice, zones) -> None:
    """Started by SMS in C2 ("C2 1ABC123") and stopped with "Q"; her number is not verified, so no account holds it."""
    if ParkingSession.objects.filter(uuid=demo_uuid("sms-c2")).exists():
        return
    day = _paid_day(1)
    start, stop = _at(day, 14, 5), _at(day, 15, 40)
    received = timezone.now()
    inbox = Inbox.objects.create(kind=InboxKind.SMS, source="sms", external_id=f"demo-{demo_uuid('sms-c2')}",
                                 payload={"from": alice.phone, "body": f"C2 {PLATE}", "received_at": start.isoformat()},
                                 processed_at=received, attempts=1)
    Inbox.objects.create(kind=InboxKind.SMS, source="sms", external_id=f"demo-{demo_uuid('sms-c2-stop')}",
                         payload={"from": alice.phone, "body": "Q", "received_at": stop.isoformat()},
                         processed_at=received, attempts=1)
    session = sessions.start_session(plate=PLATE, zone=zones["C2"], channel=Channel.SMS, phone=alice.phone,
                                     starts_at=start, inbox=inbox, uuid=demo_uuid("sms-c2"))
    sessions.stop_session(session, stop)


def _app_session(zones) -> None:
    """Reported by the 4411 app in C1 with its end, through the inbox as the operator API would have."""
    operator = Operator.objects.get(code=OPERATOR_CODE)
    external_id = f"demo-{demo_uuid('app-c1')}"
    if Inbox.objects.filter(source=operators.source(operator), external_id=external_id).exists():
        return
    day = _paid_day(3)
    payload = operators.clean({"registration_number": PLATE, "zone": zones["C1"].code, "time_start": _at(day, 13, 15),
                               "time_end": _at(day, 14, 45), "terminal_number": "4411-demo"})
    row = Inbox.objects.create(kind=InboxKind.PARKING_CREATE, source=operators.source(operator), external_id=external_id,
                               operator=operator, parking_id=demo_uuid("app-c1"), payload=payload)
    ingest.apply(row)  # what a worker does with it: the session gets the parking's id as its uuid


def seed_sessions() -> None:
    """A few past sessions on Alice's plate, from every channel; her car has been in her account since before them."""
    alice = get_user_model().objects.filter(email=ALICE).first()
    if alice is None or not alice.vehicles.filter(plate=PLATE).exists():
        return
    zones = {zone.code: zone for zone in Zone.objects.filter(code__in=["C1", "C2", "B1"])}
    _web_session(alice, zones)
    _web_disc(alice, zones)
    _sms_session(alice, zones)
    _app_session(zones)
    # Sessions no account holds (SMS, app) show on her list from the day she added the car; she had it before them.
    earliest = (ParkingSession.objects.filter(plate=PLATE).order_by("starts_at").values_list("starts_at", flat=True)
                .first())
    if earliest is not None:
        Vehicle.objects.filter(owner=alice, plate=PLATE, created__gt=earliest).update(
            created=earliest - datetime.timedelta(days=30))


def seed_demo_accounts() -> list[str]:
    lines = seed_operator_and_device()
    seed_sessions()
    return lines
