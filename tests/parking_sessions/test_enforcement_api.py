"""The enforcement API as a scan car uses it: device tokens, one check, a thousand checks, every check logged, and
bad input answered with a 4xx and a code, never a 500."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eloket.city.models import Zone
from parking_sessions import credentials, devices, reference
from parking_sessions.models import Check, Device
from permits.models import PermitKind

from .enforcement_helpers import CENTRE, MONDAY_10, PLATE, demo_zones, device, permit, session

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def zones(demo_city):
    return demo_zones()


@pytest.fixture
def scan_car(db):
    return device()

URL = "/api/v1/enforcement/check"
MINUTE = datetime.timedelta(minutes=1)


def bearer(device) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {device.token}"}


def get(client, device, **params):
    return client.get(URL, params, **(bearer(device) if device is not None else {}))


def post(client, device, checks):
    return client.post(URL, {"checks": checks}, content_type="application/json", **bearer(device))


class TestDeviceTokens:
    def test_without_a_token_the_answer_is_401(self, client, zones):
        response = client.get(URL, {"plate": PLATE, "zone": "C1"})
        assert response.status_code == 401
        assert response.json()["code"] == "authentication_failed"
        assert not Check.objects.exists()

    @pytest.mark.parametrize("header", ["Bearer wrong-token", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc",
                                        "Bearer " + "x" * 500])
    def test_a_wrong_token_is_401(self, client, zones, scan_car, header):
        response = client.get(URL, {"plate": PLATE, "zone": "C1"}, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401

    def test_a_device_switched_off_is_401_at_once(self, client, zones, scan_car):
        assert get(client, scan_car, plate=PLATE, zone="C1").status_code == 200
        scan_car.is_active = False
        scan_car.save()
        assert get(client, scan_car, plate=PLATE, zone="C1").status_code == 401

    def test_a_new_token_replaces_the_old_one(self, client, zones, scan_car):
        old = scan_car.token
        assert get(client, scan_car, plate=PLATE, zone="C1").status_code == 200
        scan_car.token = devices.make_token(Device.objects.get(pk=scan_car.pk))
        assert get(client, scan_car, plate=PLATE, zone="C1").status_code == 200
        response = client.get(URL, {"plate": PLATE, "zone": "C1"}, HTTP_AUTHORIZATION=f"Bearer {old}")
        assert response.status_code == 401

    def test_only_the_hash_and_a_prefix_are_stored(self, scan_car):
        stored = Device.objects.get(pk=scan_car.pk)
        assert stored.token_hash == credentials.digest(scan_car.token) and scan_car.token not in stored.token_hash
        assert stored.token_prefix == scan_car.token[:8] and len(scan_car.token) >= 40


class TestOneCheck:
    def test_a_plate_with_a_session_may_park(self, client, zones, scan_car):
        """The label is in the city's language: the API lies outside the language prefixes."""
        session(zones["C1"], starts_at=MONDAY_10 - 30 * MINUTE, ends_at=MONDAY_10 + 30 * MINUTE)
        response = get(client, scan_car, plate="1-abc-123", zone="c1", time=MONDAY_10.isoformat())
        assert response.status_code == 200
        assert response.json() == {
            "plate": PLATE, "zone": "C1", "time": "2026-03-02T10:00:00+01:00", "allowed": True, "right": "session",
            "label": "Parkeersessie tot 2/3 10:30", "until": "2026-03-02T10:30:00+01:00", "grace_until": None}

    def test_every_check_is_logged_with_its_device(self, client, zones, scan_car):
        get(client, scan_car, plate="1-abc-123", zone="C1", time="2026-03-02T10:00:00")
        logged = Check.objects.get()
        assert (logged.device, logged.plate, logged.zone, logged.checked_for, logged.allowed, logged.right) == (
            scan_car, PLATE, zones["C1"], MONDAY_10, False, "")

    def test_a_plate_without_a_right_gets_the_grace_period_then_none(self, client, zones, scan_car):
        first = get(client, scan_car, plate=PLATE, zone="C1", time=MONDAY_10.isoformat()).json()
        assert (first["allowed"], first["grace_until"]) == (False, "2026-03-02T10:15:00+01:00")
        later = get(client, scan_car, plate=PLATE, zone="C1", time=(MONDAY_10 + 16 * MINUTE).isoformat()).json()
        assert (later["allowed"], later["grace_until"]) == (False, None)

    def test_the_time_defaults_to_now(self, client, zones, scan_car):
        response = get(client, scan_car, plate=PLATE, zone="C1")
        assert response.status_code == 200
        answered = datetime.datetime.fromisoformat(response.json()["time"])
        assert abs(Check.objects.get().checked_for - answered) < datetime.timedelta(milliseconds=1)

    def test_by_position_where_zones_have_an_outline(self, client, zones, scan_car, alice):
        Zone.objects.filter(code="R1").update(outline=CENTRE)
        reference.forget()
        permit(alice, PermitKind.RESIDENT, zones["R1"], on=MONDAY_10.date())
        answer = get(client, scan_car, plate=PLATE, lat="50.965", lon="5.50", time=MONDAY_10.isoformat()).json()
        assert (answer["allowed"], answer["right"], answer["zone"]) == (True, "resident", "R1")
        outside = get(client, scan_car, plate=PLATE, lat="50.0", lon="5.50", time=MONDAY_10.isoformat()).json()
        assert (outside["allowed"], outside["right"], outside["zone"]) == (True, "no_zone", None)

    def test_a_single_check_costs_at_most_three_queries(self, client, zones, scan_car, alice,
                                                        django_assert_max_num_queries):
        permit(alice, PermitKind.RESIDENT, zones["R1"], on=MONDAY_10.date())
        get(client, scan_car, plate=PLATE, zone="R1", time=MONDAY_10.isoformat())  # warms the token and zone caches
        with django_assert_max_num_queries(3):
            response = get(client, scan_car, plate=PLATE, zone="R1", time=MONDAY_10.isoformat())
        assert response.json()["right"] == "resident"


class TestBadInput:
    @pytest.mark.parametrize(("params", "code"), [
        ({"zone": "C1"}, "invalid"),
        ({"plate": "!!", "zone": "C1"}, "invalid_plate"),
        ({"plate": "1ABC1234567890", "zone": "C1"}, "invalid_plate"),
        ({"plate": PLATE, "zone": "ZZ"}, "unknown_zone"),
        ({"plate": PLATE}, "zone_required"),
        ({"plate": PLATE, "lat": "50.9"}, "zone_required"),
        ({"plate": PLATE, "lat": "north", "lon": "5"}, "invalid"),
        ({"plate": PLATE, "lat": "95", "lon": "5"}, "invalid_location"),
        ({"plate": PLATE, "lat": "nan", "lon": "5"}, "invalid_location"),
        ({"plate": PLATE, "zone": "C1", "time": "yesterday"}, "invalid"),
        ({"plate": PLATE, "zone": "C1", "time": "2999-01-01T10:00:00+01:00"}, "invalid_time"),
        ({"plate": PLATE, "zone": "C1" * 20}, "invalid"),
    ])
    def test_it_is_a_400_with_a_code(self, client, zones, scan_car, params, code):
        response = get(client, scan_car, **params)
        assert response.status_code == 400
        assert response.json()["code"] == code and response.json()["detail"]
        assert not Check.objects.exists()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(params=st.dictionaries(st.sampled_from(["plate", "zone", "lat", "lon", "time"]),
                                  st.text(max_size=30), max_size=5))
    def test_never_a_500(self, client, zones, scan_car, params):
        response = get(client, scan_car, **params)
        assert response.status_code in (200, 400)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(checks=st.lists(st.dictionaries(
        st.sampled_from(["plate", "zone", "lat", "lon", "time"]),
        st.one_of(st.text(max_size=20), st.floats(allow_nan=True), st.integers(), st.none(), st.booleans())),
        max_size=4))
    def test_never_a_500_for_a_batch(self, client, zones, scan_car, checks):
        response = post(client, scan_car, checks)
        assert response.status_code in (200, 400)

    @pytest.mark.parametrize("body", ['{"checks": "all"}', "[]", "not json", '{"checks": [{"zone": "C1"}]}',
                                      '{"checks": [{"plate": "1ABC123", "zone": "C1", "time": "2026-13-45"}]}', ""])
    def test_a_batch_that_is_not_a_list_of_checks_is_a_400(self, client, zones, scan_car, body):
        response = client.post(URL, body, content_type="application/json", **bearer(scan_car))
        assert response.status_code == 400 and response.json()["code"]


class TestABatch:
    def test_a_thousand_plates_in_one_request_with_a_fixed_number_of_queries(self, client, zones, scan_car, alice):
        permit(alice, PermitKind.CARE_PROVIDER, plate="1CAR001", on=MONDAY_10.date())
        session(zones["C1"], starts_at=MONDAY_10 - 30 * MINUTE, plate="1SES001")

        def checks(count):
            return [{"plate": ["1-car-001", "1-ses-001"][n] if n < 2 else f"1TST{n:03d}", "zone": "C1",
                     "time": (MONDAY_10 - n * datetime.timedelta(seconds=1)).isoformat()} for n in range(count)]

        post(client, scan_car, checks(2))
        with CaptureQueriesContext(connection) as ten:
            post(client, scan_car, checks(10))
        with CaptureQueriesContext(connection) as thousand:
            response = post(client, scan_car, checks(1000))
        assert response.status_code == 200
        results = response.json()["results"]
        assert len(thousand.captured_queries) == len(ten.captured_queries) <= 3
        assert len(results) == 1000 and [result["right"] for result in results[:3]] == ["care_provider", "session", ""]
        assert results[999]["plate"] == "1TST999" and results[999]["time"] == "2026-03-02T09:43:21+01:00"
        assert Check.objects.filter(device=scan_car).count() == 1012

    def test_zone_or_position_per_plate(self, client, zones, scan_car):
        Zone.objects.filter(code="C2").update(outline=CENTRE)
        reference.forget()
        response = post(client, scan_car, [{"plate": PLATE, "zone": "B1"}, {"plate": PLATE, "lat": 50.965, "lon": 5.5}])
        assert [result["zone"] for result in response.json()["results"]] == ["B1", "C2"]

    def test_more_than_a_thousand_is_refused(self, client, zones, scan_car):
        response = post(client, scan_car, [{"plate": PLATE, "zone": "C1"}] * 1001)
        assert response.status_code == 400 and response.json()["code"] == "too_many"
        assert not Check.objects.exists()

    def test_one_bad_check_refuses_the_batch_and_says_which(self, client, zones, scan_car):
        response = post(client, scan_car, [{"plate": PLATE, "zone": "C1"}, {"plate": PLATE, "zone": "XX"},
                                           {"plate": "?", "zone": "C1"}])
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid" and set(body) == {"code", "detail", "checks.1", "checks.2"}
        assert not Check.objects.exists()

    def test_an_empty_batch_answers_nothing(self, client, zones, scan_car):
        response = post(client, scan_car, [])
        assert response.status_code == 200 and response.json() == {"results": []}


def test_the_openapi_document_describes_the_enforcement_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/enforcement/check"])
    assert "post" in paths["/api/v1/enforcement/observations"]
