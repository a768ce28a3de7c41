"""Across the real parts: what an operator's API or an SMS gateway hands in is processed by a real Celery worker and
is a right to park for the scan car's check within 2 seconds."""

import datetime
import json
import time

import pytest
from django.utils import timezone

from eloket.city.models import PublicHoliday
from eloket.notifications.models import OutboundMessage
from parking_sessions import devices, operators, sms
from parking_sessions.models import Operator

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN, SECRET = "gateway-token", "gateway-secret"


def checked(client, token: str, plate: str, zone: str, at: datetime.datetime | None = None) -> dict:
    query = {"plate": plate, "zone": zone, **({"time": at.isoformat()} if at else {})}
    response = client.get("/api/v1/enforcement/check", query, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.json()


def session_within(seconds: float, ask) -> bool:
    """Whether the check names a session as the right within `seconds` (paid hours or not: the session is named)."""
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        answer = ask()
        if answer["allowed"] and answer["right"] == "session":
            return True
        time.sleep(0.05)
    return False


def paid_hours_in_the_past() -> datetime.datetime:
    """10:00 on the last working day that is no public holiday: paid hours in the demo city, and in the past (a
    check cannot be about the future), whatever day the test runs."""
    day = timezone.localdate() - datetime.timedelta(days=1)
    holidays = set(PublicHoliday.objects.values_list("date", flat=True))
    while day.weekday() > 4 or day in holidays:
        day -= datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def wait_for(condition, seconds: float = 5.0) -> bool:
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def scan_car(db):
    _device, token = devices.create_device("Scan car 1")
    return token


def test_an_operator_parking_is_a_right_for_the_check_within_two_seconds(celery_worker, demo_city, client, scan_car):
    key = operators.make_key(Operator(code="4411", name="4411"))
    at = paid_hours_in_the_past()
    assert checked(client, scan_car, "1ABC123", "C1", at)["right"] != "session"
    response = client.post("/api/v1/operator/parking/", data=json.dumps({
        "registration_number": "1-ABC-123", "zone": "C1", "time_start": (at - datetime.timedelta(minutes=5)).isoformat(),
        "time_end": (at + datetime.timedelta(hours=1)).isoformat()}), content_type="application/json",
        headers={"Authorization": f"ApiKey {key}", "Idempotency-Key": "flow-1"})
    assert response.status_code == 201

    assert session_within(2.0, lambda: checked(client, scan_car, "1ABC123", "C1", at)), (
        "the parking was not visible to the check within 2 seconds")


def test_an_sms_start_is_a_right_for_the_check_within_two_seconds(celery_worker, demo_city, client, scan_car,
                                                                  settings):
    settings.SMS_INBOUND_TOKEN, settings.SMS_INBOUND_SECRET = TOKEN, SECRET
    body = json.dumps({"message_id": "gw-1", "from": "+32470123456", "to": "4411", "body": "C1 2-XYZ-789"}).encode()
    response = client.post("/api/v1/sms/inbound", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {TOKEN}", "X-Signature": sms.signature(body, SECRET)})
    assert response.status_code == 202

    assert session_within(2.0, lambda: checked(client, scan_car, "2XYZ789", "C1")), (
        "the SMS session was not visible to the check within 2 seconds")
    assert wait_for(lambda: OutboundMessage.objects.filter(channel="sms").count() == 1)  # one reply, by the worker
