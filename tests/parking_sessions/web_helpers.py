"""Fixtures and helpers of the citizen's web session tests (test_web.py, test_web_pages.py).

Fixtures are registered under their short name; import them by their function name
(`from .web_helpers import fixture_paid_city  # noqa: F401`) and ask for `paid_city` in the test.
"""

import datetime
import zoneinfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from eloket.accounts.models import Vehicle
from eloket.city.models import Tariff, TariffHours, Zone
from eloket.payments.models import Payment, PaymentMethod, PaymentStatus
from parking_sessions.models import Operator, ParkingSession

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
PLATE = "1ABC123"


def tuesday(hour: int, minute: int = 0) -> datetime.datetime:
    """A time on an ordinary Tuesday a week or more ahead (no public holiday), so sessions then are still to come."""
    from eloket.city.demo import belgian_public_holidays

    day = timezone.localdate() + datetime.timedelta(days=7)
    while day.weekday() != 1 or day in {date for date, *_ in belgian_public_holidays(day.year)}:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BRUSSELS)


@pytest.fixture(name="paid_city")
def fixture_paid_city(demo_city):
    """The demo city with C1 paid around the clock, also on public holidays (so a test at any hour pays), and a
    maximum stay of 3 hours; € 2 per hour per half hour, the first hour free once per zone per day."""
    tariff = Tariff.objects.get(zone__code="C1")
    Tariff.objects.filter(pk=tariff.pk).update(max_duration_minutes=180, free_on_public_holidays=False)
    tariff.hours.all().delete()
    midnight = datetime.time(0, 0)
    TariffHours.objects.bulk_create(TariffHours(tariff=tariff, weekday=day, start=midnight, end=midnight)
                                    for day in range(7))
    return demo_city


@pytest.fixture(name="car")
def fixture_car(alice):
    """Alice's car, in her account since last year."""
    vehicle = Vehicle.objects.create(owner=alice, plate=PLATE, country="BE", description="grey Peugeot 208")
    Vehicle.objects.filter(pk=vehicle.pk).update(created=timezone.now() - datetime.timedelta(days=365))
    vehicle.refresh_from_db()
    return vehicle


def zone(code: str) -> Zone:
    return Zone.objects.get(code=code)


def operator(code: str = "easypark", name: str = "EasyPark") -> Operator:
    return Operator.objects.get_or_create(code=code, defaults={"name": name, "key_hash": code.ljust(64, "0"),
                                                               "key_prefix": code[:8]})[0]


def paid_without_mollie(session: ParkingSession) -> Payment:
    """A paid online payment written directly and its effect applied, as the payment flow leaves it (no Mollie)."""
    payment = Payment.objects.create(
        owner=session.citizen, content_type=ContentType.objects.get_for_model(ParkingSession), object_id=session.pk,
        amount=session.price, description="Parking", method=PaymentMethod.ONLINE, status=PaymentStatus.PAID,
        mollie_id=f"tr_web{session.pk}", paid_at=timezone.now())
    session.on_payment_paid(payment)
    return payment
