"""The operator API for parking apps (/api/v1/operator/), driven with the calls of parkkihubi's operator.yaml, plus what
eloket adds: the Idempotency-Key and the batch endpoint."""

import datetime
import json
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from eloket.city.models import Zone, ZoneKind
from parking_sessions import credentials, enforcement, ingest, operators, pricing, reference
from parking_sessions.models import Channel, Inbox, InboxKind, Operator, ParkingSession, SessionStatus
from tests.factories import StaffFactory

URL = "/api/v1/operator/parking/"

# The request bodies of operator.yaml, unchanged (zone "2" and the Helsinki location exist in the fixtures below).
PAID_EXAMPLE = {
    "location": {"type": "Point", "coordinates": [24.938466, 60.170014]},
    "registration_number": "LOL-007",
    "time_start": "2016-12-24T21:00:00Z",
    "time_end": "2016-12-24T22:00:00Z",
    "domain": "HKI",
    "zone": "2",
}
DISC_EXAMPLE = {
    "location": {"type": "Point", "coordinates": [24.938466, 60.170014]},
    "registration_number": "LOL-007",
    "time_start": "2016-12-24T21:00:00Z",
    "is_disc_parking": True,
    "domain": "HKI",
}
PATCH_EXAMPLE = {"time_end": "2016-12-25T22:00:00Z"}
GRACE_PERIOD_OVER = {"code": "grace_period_over",
                     "detail": 'Grace period has passed. Only "time_end" can be updated via PATCH.'}
HELSINKI = {"type": "Polygon", "coordinates": [[[24.9, 60.1], [25.0, 60.1], [25.0, 60.2], [24.9, 60.2], [24.9, 60.1]]]}


@pytest.fixture(autouse=True)
def _fresh_caches():
    operators.forget_keys()
    reference.forget()
    yield
    operators.forget_keys()
    reference.forget()


def make_operator(code: str, name: str) -> tuple[Operator, str]:
    operator = Operator(code=code, name=name)
    return operator, operators.make_key(operator)


@pytest.fixture
def app4411(db):
    return make_operator("4411", "4411")


@pytest.fixture
def easypark(db):
    return make_operator("easypark", "EasyPark")


@pytest.fixture
def zone2(db):
    return Zone.objects.create(code="2", name_nl="Betaalzone 2", kind=ZoneKind.PAID)


@pytest.fixture
def helsinki_blue(db):
    return Zone.objects.create(code="B9", name_nl="Blauwe zone", kind=ZoneKind.BLUE, outline=HELSINKI)


def call(client, method: str, url: str, body=None, key: str | None = None, idempotency_key: str | None = None):
    headers = {}
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"ApiKey {key}"
    if idempotency_key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(url, data=data, content_type="application/json", **headers)


def soon(minutes: int = 0) -> str:
    return (timezone.now() + datetime.timedelta(minutes=minutes)).isoformat()


def a_parking(**fields) -> dict:
    return {"registration_number": "1-ABC-123", "time_start": soon(-5), "time_end": soon(55), "zone": "C1", **fields}


def age(parking_id: str, minutes: int) -> None:
    """Move the parking's creation back in time, past (or within) the edit window."""
    Inbox.objects.filter(parking_id=parking_id, kind=InboxKind.PARKING_CREATE).update(
        received_at=timezone.now() - datetime.timedelta(minutes=minutes))


# --- parkkihubi's examples -----------------------------------------------------------------------

def test_the_paid_parking_example_is_created(client, app4411, zone2):
    response = call(client, "post", URL, PAID_EXAMPLE, key=app4411[1])

    assert response.status_code == 201, response.content
    parking = response.json()
    assert parking["status"] == "valid"
    assert {name: parking[name] for name in PAID_EXAMPLE} == PAID_EXAMPLE
    assert "is_disc_parking" not in parking  # only for disc parkings, as in parkkihubi
    assert parking["created_at"] == parking["modified_at"]
    row = Inbox.objects.get()
    assert (row.kind, row.source, row.operator, str(row.parking_id)) == (
        InboxKind.PARKING_CREATE, "operator:4411", app4411[0], parking["id"])
    assert row.external_id == parking["id"]
    assert row.processed_at is None  # a worker makes the session


def test_a_zone_may_be_given_as_an_integer(client, app4411, zone2):
    response = call(client, "post", URL, {**PAID_EXAMPLE, "zone": 2}, key=app4411[1])

    assert response.status_code == 201
    assert response.json()["zone"] == "2"


def test_the_disc_parking_example_finds_its_zone_by_location(client, app4411, helsinki_blue):
    response = call(client, "post", URL, DISC_EXAMPLE, key=app4411[1])

    assert response.status_code == 201, response.content
    assert response.json()["is_disc_parking"] is True
    assert response.json()["zone"] == "B9"
    assert response.json()["time_end"] is None


def test_a_disc_parking_outside_every_zone_needs_a_zone(client, app4411, demo_city):
    response = call(client, "post", URL, DISC_EXAMPLE, key=app4411[1])

    assert response.status_code == 400
    assert response.json()["zone"] == ["No zone lies at this location: give the zone code."]


def test_the_patch_example_changes_time_end_after_the_grace_period(client, app4411, zone2):
    parking = call(client, "post", URL, PAID_EXAMPLE, key=app4411[1]).json()
    age(parking["id"], 3)

    response = call(client, "patch", f"{URL}{parking['id']}/", PATCH_EXAMPLE, key=app4411[1])

    assert response.status_code == 200, response.content
    assert response.json()["time_end"] == PATCH_EXAMPLE["time_end"]
    assert response.json()["id"] == parking["id"]
    assert response.json()["modified_at"] > response.json()["created_at"]
    change = Inbox.objects.get(kind=InboxKind.PARKING_UPDATE)
    assert change.payload["parking"]["time_end"] == "2016-12-25T22:00:00+00:00"


@pytest.mark.parametrize("method, body", [
    ("patch", {"registration_number": "LOL-008"}),
    ("patch", {"time_end": "2016-12-25T22:00:00Z", "zone": "2"}),
    ("put", PAID_EXAMPLE),
    ("delete", None),
])
def test_after_the_grace_period_only_time_end_may_change(client, app4411, zone2, method, body):
    parking = call(client, "post", URL, PAID_EXAMPLE, key=app4411[1]).json()
    age(parking["id"], 3)

    response = call(client, method, f"{URL}{parking['id']}/", body, key=app4411[1])

    assert response.status_code == 403
    assert response.json() == GRACE_PERIOD_OVER
    assert Inbox.objects.count() == 1


def test_within_the_grace_period_everything_may_change(client, app4411, zone2, settings):
    settings.PARKING_OPERATOR_EDIT_MINUTES = 2
    parking = call(client, "post", URL, PAID_EXAMPLE, key=app4411[1]).json()
    age(parking["id"], 1)
    url = f"{URL}{parking['id']}/"

    patched = call(client, "patch", url, {"registration_number": "LOL-008"}, key=app4411[1])
    replaced = call(client, "put", url, {**PAID_EXAMPLE, "terminal_number": "T-12"}, key=app4411[1])
    deleted = call(client, "delete", url, key=app4411[1])
    after = call(client, "patch", url, PATCH_EXAMPLE, key=app4411[1])

    assert patched.status_code == 200 and patched.json()["registration_number"] == "LOL-008"
    assert replaced.status_code == 200 and replaced.json()["registration_number"] == "LOL-007"
    assert replaced.json()["terminal_number"] == "T-12"
    assert deleted.status_code == 204
    assert after.status_code == 404


def test_the_method_override_patches_with_a_post(client, app4411, zone2):
    parking = call(client, "post", URL, PAID_EXAMPLE, key=app4411[1]).json()

    response = call(client, "post", f"{URL}{parking['id']}/?method=PATCH", PATCH_EXAMPLE, key=app4411[1])
    deleted = call(client, "post", f"{URL}{parking['id']}/?method=DELETE", key=app4411[1])

    assert response.status_code == 200
    assert response.json()["time_end"] == PATCH_EXAMPLE["time_end"]
    assert deleted.status_code == 204
    assert [row.kind for row in Inbox.objects.all()] == [
        InboxKind.PARKING_CREATE, InboxKind.PARKING_UPDATE, InboxKind.PARKING_DELETE]


def test_the_method_override_refuses_other_methods_and_bad_bodies(client, app4411, zone2):
    parking = call(client, "post", URL, PAID_EXAMPLE, key=app4411[1]).json()

    get = call(client, "post", f"{URL}{parking['id']}/?method=GET", PATCH_EXAMPLE, key=app4411[1])
    bad = call(client, "post", f"{URL}{parking['id']}/?method=PATCH", {"time_end": "tomorrow"}, key=app4411[1])

    assert get.status_code == 400
    assert bad.status_code == 400 and "time_end" in bad.json()


# --- Validation, as parkkihubi answers it --------------------------------------------------------

@pytest.mark.parametrize("change, field", [
    ({"zone": "Z9"}, "zone"),
    ({"zone": None}, "zone"),
    ({"registration_number": "!!!"}, "registration_number"),
    ({"registration_number": ""}, "registration_number"),
    ({"registration_number": "A" * 21}, "registration_number"),
    ({"time_end": soon(-10)}, "time_end"),
    ({"time_start": "yesterday"}, "time_start"),
    ({"location": {"type": "Point", "coordinates": [500, 0]}}, "location.coordinates"),
    ({"location": {"type": "LineString", "coordinates": [5.5, 50.9]}}, "location.type"),
    ({"is_disc_parking": True}, "is_disc_parking"),
    ({"terminal_number": "T" * 41}, "terminal_number"),
])
def test_bad_fields_are_refused_with_a_message_per_field(client, app4411, demo_city, change, field):
    response = call(client, "post", URL, a_parking(**change), key=app4411[1])

    assert response.status_code == 400, response.content
    assert isinstance(response.json()[field], list) and response.json()[field][0]
    assert response.json()["code"] == "invalid"
    assert not Inbox.objects.exists()


def test_an_unknown_zone_names_the_zone(client, app4411, demo_city):
    response = call(client, "post", URL, a_parking(zone="Z9"), key=app4411[1])

    assert response.json()["zone"] == ['Zone "Z9" does not exist.']


def test_a_missing_field_is_named(client, app4411, demo_city):
    body = a_parking()
    del body["registration_number"]

    response = call(client, "post", URL, body, key=app4411[1])

    assert response.status_code == 400
    assert "registration_number" in response.json()


def test_a_body_that_is_not_json_is_a_400(client, app4411):
    response = client.post(URL, data="{not json", content_type="application/json", HTTP_AUTHORIZATION=f"ApiKey {app4411[1]}")

    assert response.status_code == 400


def test_a_new_zone_is_usable_at_once(client, app4411, demo_city):
    call(client, "post", URL, a_parking(), key=app4411[1])  # loads the zone table
    Zone.objects.create(code="C7", name_nl="Nieuw", kind=ZoneKind.PAID)

    assert call(client, "post", URL, a_parking(zone="C7"), key=app4411[1]).status_code == 201


# --- Who may call --------------------------------------------------------------------------------

@pytest.mark.parametrize("header", [None, "ApiKey wrong-key", "Bearer {key}", "ApiKey", "{key}"])
def test_a_missing_or_wrong_key_is_401(client, app4411, demo_city, header):
    headers = {"HTTP_AUTHORIZATION": header.format(key=app4411[1])} if header else {}

    response = client.post(URL, data=json.dumps(a_parking()), content_type="application/json", **headers)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not Inbox.objects.exists()


def test_a_switched_off_operator_is_401_at_once(client, app4411, demo_city):
    assert call(client, "post", URL, a_parking(), key=app4411[1]).status_code == 201
    operator = Operator.objects.get(pk=app4411[0].pk)
    operator.is_active = False
    operator.save()

    assert call(client, "post", URL, a_parking(), key=app4411[1]).status_code == 401


def test_a_new_key_replaces_the_old_one(client, app4411, demo_city):
    new_key = operators.make_key(app4411[0])

    assert call(client, "post", URL, a_parking(), key=app4411[1]).status_code == 401
    assert call(client, "post", URL, a_parking(), key=new_key).status_code == 201
    assert app4411[0].key_prefix == new_key[:8]
    assert new_key not in Operator.objects.values_list("key_hash", flat=True)[0]


@pytest.mark.parametrize("method, body", [("patch", PATCH_EXAMPLE), ("put", None), ("delete", None)])
def test_another_operators_parking_is_404(client, app4411, easypark, demo_city, method, body):
    parking = call(client, "post", URL, a_parking(), key=app4411[1]).json()

    response = call(client, method, f"{URL}{parking['id']}/", body or a_parking(), key=easypark[1])

    assert response.status_code == 404
    assert Inbox.objects.count() == 1


@pytest.mark.parametrize("parking_id", ["0c6b1e56-2d8e-4a8e-9a53-2d1a1d9e2a11", "not-a-uuid"])
def test_an_unknown_parking_is_404(client, app4411, parking_id):
    assert call(client, "patch", f"{URL}{parking_id}/", PATCH_EXAMPLE, key=app4411[1]).status_code == 404


# --- Idempotency ---------------------------------------------------------------------------------

def test_a_retried_post_returns_the_same_parking(client, app4411, demo_city):
    body = a_parking()

    first = call(client, "post", URL, body, key=app4411[1], idempotency_key="order-77")
    retry = call(client, "post", URL, {**body, "registration_number": "1abc123"}, key=app4411[1],
                 idempotency_key="order-77")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert Inbox.objects.count() == 1
    assert Inbox.objects.get().external_id == "order-77"


def test_the_same_key_with_another_body_is_409(client, app4411, demo_city):
    call(client, "post", URL, a_parking(), key=app4411[1], idempotency_key="order-77")

    response = call(client, "post", URL, a_parking(zone="C2"), key=app4411[1], idempotency_key="order-77")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Inbox.objects.count() == 1


def test_keys_are_per_operator(client, app4411, easypark, demo_city):
    first = call(client, "post", URL, a_parking(), key=app4411[1], idempotency_key="1")
    second = call(client, "post", URL, a_parking(), key=easypark[1], idempotency_key="1")

    assert first.json()["id"] != second.json()["id"]


def test_a_too_long_key_is_refused(client, app4411, demo_city):
    response = call(client, "post", URL, a_parking(), key=app4411[1], idempotency_key="k" * 91)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"


def test_a_retried_patch_is_stored_once(client, app4411, demo_city):
    parking = call(client, "post", URL, a_parking(), key=app4411[1]).json()
    url = f"{URL}{parking['id']}/"
    body = {"time_end": soon(90)}

    first = call(client, "patch", url, body, key=app4411[1], idempotency_key="end-1")
    retry = call(client, "patch", url, body, key=app4411[1], idempotency_key="end-1")
    other = call(client, "patch", url, {"time_end": soon(95)}, key=app4411[1], idempotency_key="end-1")

    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert other.status_code == 409
    assert Inbox.objects.filter(kind=InboxKind.PARKING_UPDATE).count() == 1


def test_a_retried_delete_is_204_again(client, app4411, demo_city):
    parking = call(client, "post", URL, a_parking(), key=app4411[1]).json()
    url = f"{URL}{parking['id']}/"

    assert call(client, "delete", url, key=app4411[1], idempotency_key="del").status_code == 204
    assert call(client, "delete", url, key=app4411[1], idempotency_key="del").status_code == 204
    assert call(client, "delete", url, key=app4411[1]).status_code == 404
    assert Inbox.objects.filter(kind=InboxKind.PARKING_DELETE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_make_one_parking(demo_city):
    _operator, key = make_operator("4411", "4411")
    body = a_parking()
    barrier = threading.Barrier(4)
    answers = []

    def post():
        try:
            barrier.wait()
            answers.append(call(Client(), "post", URL, body, key=key, idempotency_key="same-order"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [answer.status_code for answer in answers] == [201] * 4
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert Inbox.objects.count() == 1


# --- Batch ---------------------------------------------------------------------------------------

def test_a_batch_of_1000_is_one_insert(client, app4411, demo_city, django_assert_max_num_queries):
    parkings = [a_parking(registration_number=f"1ABC{i:03d}") for i in range(1000)]
    enforcement.reference()  # zones are read once a minute per process, not per request

    with django_assert_max_num_queries(3):
        response = call(client, "post", f"{URL}batch/", {"parkings": parkings}, key=app4411[1])

    assert response.status_code == 200, response.content[:500]
    results = response.json()["results"]
    assert (response.json()["stored"], response.json()["refused"]) == (1000, 0)
    assert len({result["id"] for result in results}) == 1000
    assert [result["registration_number"] for result in results] == [parking["registration_number"] for parking in parkings]
    assert Inbox.objects.filter(kind=InboxKind.PARKING_CREATE, operator=app4411[0]).count() == 1000


def test_a_batch_of_1001_is_refused(client, app4411, demo_city):
    response = call(client, "post", f"{URL}batch/", {"parkings": [a_parking()] * 1001}, key=app4411[1])

    assert response.status_code == 400
    assert response.json()["code"] == "too_many"
    assert not Inbox.objects.exists()


def test_a_mixed_batch_stores_the_good_ones_and_explains_the_others(client, app4411, demo_city):
    parkings = [a_parking(), a_parking(zone="Z9"), {"registration_number": "1ABC123"}, a_parking(zone="B1")]

    response = call(client, "post", f"{URL}batch/", {"parkings": parkings}, key=app4411[1])

    results = response.json()["results"]
    assert response.status_code == 200
    assert (response.json()["stored"], response.json()["refused"]) == (2, 2)
    assert results[0]["status"] == "valid" and results[3]["zone"] == "B1"
    assert results[1] == {"errors": {"zone": ['Zone "Z9" does not exist.']}}
    assert results[2]["errors"]["time_start"] == ["Field required"]
    assert sorted(str(row.parking_id) for row in Inbox.objects.all()) == sorted([results[0]["id"], results[3]["id"]])


def test_a_retried_batch_returns_the_same_parkings(client, app4411, demo_city):
    parkings = [a_parking(registration_number=f"1ABC{i:03d}") for i in range(5)]

    first = call(client, "post", f"{URL}batch/", {"parkings": parkings}, key=app4411[1], idempotency_key="batch-9")
    retry = call(client, "post", f"{URL}batch/", {"parkings": parkings}, key=app4411[1], idempotency_key="batch-9")

    assert [r["id"] for r in retry.json()["results"]] == [r["id"] for r in first.json()["results"]]
    assert Inbox.objects.count() == 5


# --- Speed ---------------------------------------------------------------------------------------

def test_a_post_costs_at_most_three_queries(client, app4411, demo_city, django_assert_max_num_queries):
    call(client, "post", URL, a_parking(), key=app4411[1])  # zones are read once a minute per process
    operators.forget_keys()

    body = a_parking()
    with django_assert_max_num_queries(3):
        first = call(client, "post", URL, body, key=app4411[1], idempotency_key="q-1")
    with django_assert_max_num_queries(2):  # the key is cached now
        retry = call(client, "post", URL, body, key=app4411[1], idempotency_key="q-1")
    with django_assert_max_num_queries(3):
        patched = call(client, "patch", f"{URL}{first.json()['id']}/", {"time_end": soon(80)}, key=app4411[1])

    assert first.status_code == retry.status_code == 201
    assert patched.status_code == 200


# --- From the inbox to a session -----------------------------------------------------------------

def test_an_accepted_parking_is_enqueued_and_becomes_a_session(client, app4411, demo_city,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        parking = call(client, "post", URL, a_parking(), key=app4411[1]).json()

    assert len(callbacks) == 1
    session = ParkingSession.objects.get(uuid=parking["id"])
    assert (session.plate, session.zone.code, session.channel, session.operator) == ("1ABC123", "C1", Channel.APP, app4411[0])
    assert session.status == SessionStatus.ACTIVE
    assert session.inbox.processed_at is not None
    expected = pricing.quote(session.zone, session.starts_at, session.ends_at, plate="1ABC123", exclude_session=session.pk)
    assert session.price == expected.amount


def test_a_patched_end_is_priced_again(client, app4411, demo_city):
    hours = datetime.timedelta(hours=1)
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) - 24 * hours
    while pricing.quote(Zone.objects.get(code="C1"), start, start + 3 * hours).amount == 0:
        start -= 24 * hours  # a paid day: not a Sunday or a public holiday
    body = a_parking(time_start=start.isoformat(), time_end=(start + 2 * hours).isoformat())
    parking = call(client, "post", URL, body, key=app4411[1]).json()
    ingest.process_batch()
    before = ParkingSession.objects.get(uuid=parking["id"]).price

    age(parking["id"], 10)
    call(client, "patch", f"{URL}{parking['id']}/", {"time_end": (start + 4 * hours).isoformat()}, key=app4411[1])
    ingest.process_batch()

    session = ParkingSession.objects.get(uuid=parking["id"])
    assert session.ends_at == start + 4 * hours
    assert session.price > before
    assert session.price == pricing.quote(session.zone, session.starts_at, session.ends_at, plate=session.plate,
                                          exclude_session=session.pk).amount


def test_a_change_before_the_parking_is_processed_processes_the_parking_first(client, app4411, demo_city):
    parking = call(client, "post", URL, a_parking(), key=app4411[1]).json()
    call(client, "patch", f"{URL}{parking['id']}/", {"time_end": soon(120)}, key=app4411[1])
    change = Inbox.objects.get(kind=InboxKind.PARKING_UPDATE)

    assert ingest.process(change.pk)

    session = ParkingSession.objects.get(uuid=parking["id"])
    assert session.ends_at > timezone.now() + datetime.timedelta(minutes=110)
    assert Inbox.objects.filter(processed_at__isnull=True).count() == 0
    assert ingest.process_batch() == 0


def test_changes_applied_out_of_order_keep_the_last_one(client, app4411, demo_city):
    parking = call(client, "post", URL, a_parking(), key=app4411[1]).json()
    url = f"{URL}{parking['id']}/"
    call(client, "patch", url, {"time_end": soon(60)}, key=app4411[1])
    call(client, "patch", url, {"time_end": soon(90)}, key=app4411[1])
    first, last = Inbox.objects.filter(kind=InboxKind.PARKING_UPDATE).order_by("pk")

    assert ingest.process(last.pk)
    assert ingest.process(first.pk)

    session = ParkingSession.objects.get(uuid=parking["id"])
    assert session.ends_at > timezone.now() + datetime.timedelta(minutes=85)


def test_a_deleted_parking_is_cancelled(client, app4411, demo_city):
    parking = call(client, "post", URL, a_parking(), key=app4411[1]).json()
    call(client, "delete", f"{URL}{parking['id']}/", key=app4411[1])

    assert ingest.process_batch() == 2

    assert ParkingSession.objects.get(uuid=parking["id"]).status == SessionStatus.CANCELLED


def test_a_blue_zone_parking_is_a_free_disc(client, app4411, demo_city):
    parking = call(client, "post", URL, a_parking(zone="B1", time_end=None, is_disc_parking=True), key=app4411[1]).json()
    ingest.process_batch()

    session = ParkingSession.objects.get(uuid=parking["id"])
    assert session.is_disc and session.price == 0
    assert parking["is_disc_parking"] is True


def test_a_parking_refused_by_the_worker_cannot_be_changed(client, app4411, demo_city):
    Zone.objects.create(code="C9", name_nl="Zonder tarief", kind=ZoneKind.PAID)
    parking = call(client, "post", URL, a_parking(zone="C9"), key=app4411[1]).json()
    ingest.process_batch()

    response = call(client, "patch", f"{URL}{parking['id']}/", {"time_end": soon(70)}, key=app4411[1])

    assert Inbox.objects.get().error.startswith("no_tariff:")
    assert response.status_code == 409
    assert response.json()["code"] == "parking_refused"


def test_a_real_worker_makes_the_session_within_two_seconds(celery_worker, demo_city):
    _operator, key = make_operator("4411", "4411")
    started = time.monotonic()
    response = call(Client(), "post", URL, a_parking(), key=key)
    parking_id = response.json()["id"]

    while not ParkingSession.objects.filter(uuid=parking_id).exists() and time.monotonic() - started < 2:
        time.sleep(0.02)

    assert ParkingSession.objects.filter(uuid=parking_id).exists(), "no session within 2 seconds"


# --- Documentation and keys ----------------------------------------------------------------------

def test_the_openapi_document_describes_the_operator_api(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["paths"]["/api/v1/operator/parking/"]["post"]["operationId"] == "createParking"
    assert set(schema["paths"]["/api/v1/operator/parking/{parking_id}/"]) == {"patch", "put", "delete", "post"}
    assert "parkings" in schema["components"]["schemas"]["BatchIn"]["properties"]
    assert schema["components"]["securitySchemes"]["OperatorKey"] == {"type": "apiKey", "in": "header",
                                                                      "name": "Authorization"}


def test_staff_see_a_new_operators_key_once_and_only_its_hash_is_kept(client, demo_city):
    client.force_login(StaffFactory(is_superuser=True))

    response = client.post(reverse("admin:parking_sessions_operator_add"),
                           {"name": "EasyPark", "code": "easypark", "is_active": "on"})

    operator = Operator.objects.get(code="easypark")
    key = response.context["keys"][0][1]
    assert response.status_code == 200 and key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert operator.key_hash == credentials.digest(key) and key not in str(Operator.objects.values().get())
    assert call(client, "post", URL, a_parking(), key=key).status_code == 201

    again = client.post(reverse("admin:parking_sessions_operator_changelist"),
                        {"action": "issue_keys", "_selected_action": [operator.pk]})

    new_key = again.context["keys"][0][1]
    assert new_key != key and new_key in again.content.decode()
    assert call(client, "post", URL, a_parking(), key=key).status_code == 401


def test_the_command_issues_a_key(demo_city, capsys):
    call_command("operator_key", "yellowbrick", "--name", "Yellowbrick")

    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert operators.operator_for_key(key) == Operator.objects.get(code="yellowbrick")


# --- Hostile input -------------------------------------------------------------------------------

JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                           max_leaves=6)
FIELD_VALUES = {
    "registration_number": st.text(max_size=25) | JSON_VALUES,
    "time_start": st.datetimes(timezones=st.none() | st.timezones()).map(lambda moment: moment.isoformat()) | JSON_VALUES,
    "time_end": st.datetimes(timezones=st.none() | st.timezones()).map(lambda moment: moment.isoformat()) | JSON_VALUES,
    "zone": st.sampled_from(["C1", "B1", "R1", "c1", 1, "Z9", ""]) | JSON_VALUES,
    "location": st.fixed_dictionaries({"type": st.just("Point"), "coordinates": st.lists(st.floats(), max_size=3)})
    | JSON_VALUES,
    "is_disc_parking": st.booleans() | JSON_VALUES,
    "terminal_number": st.text(max_size=50) | JSON_VALUES,
    "domain": st.text(max_size=12) | JSON_VALUES,
}
BODIES = st.fixed_dictionaries({}, optional=FIELD_VALUES) | JSON_VALUES


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00", "9999-12-31T23:59:59"])
def test_a_change_to_a_time_at_the_edge_of_the_calendar_is_refused_not_a_500(client, app4411, demo_city, moment):
    parking_id = call(client, "post", URL, a_parking(), key=app4411[1]).json()["id"]

    response = call(client, "patch", f"{URL}{parking_id}/", {"time_end": moment}, key=app4411[1])

    assert response.status_code == 400
    assert "time_end" in response.json()


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES, method=st.sampled_from(["post", "patch", "put", "override"]))
def test_no_body_gets_a_500(client, app4411, demo_city, body, method):
    if method == "post":
        response = call(client, "post", URL, body, key=app4411[1])
    else:
        parking_id = Inbox.objects.values_list("parking_id", flat=True).first()
        if parking_id is None:
            parking_id = call(client, "post", URL, a_parking(), key=app4411[1]).json()["id"]
        url = f"{URL}{parking_id}/" + ("?method=PATCH" if method == "override" else "")
        response = call(client, "post" if method == "override" else method, url, body, key=app4411[1])

    assert response.status_code in (200, 201, 400, 403, 409), response.content
    assert "code" in response.json() or "id" in response.json()
