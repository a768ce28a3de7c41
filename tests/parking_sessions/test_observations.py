"""Observations: what a scan car saw becomes one retribution when no right covers it after the grace period, within the
city's limits (one per plate per zone per half day, the maximum per day), never twice for the same observation."""

import base64
import datetime
import threading

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import clear_url_caches
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from eloket.city.demo import belgian_public_holidays
from eloket.city.models import RetributionRate
from fines import numbers
from fines.demo import seed_offences
from fines.models import Case, CaseKind, Source
from parking_sessions import enforcement, observations
from parking_sessions.models import Check, Observation, ObservationPhoto, ObservationResult
from tests.factories import StaffFactory
from tests.files import PDF, image_bytes
from tests.i18n import en

from .enforcement_helpers import HOLDER, PLATE, demo_zones, device, session

pytestmark = [pytest.mark.django_db]

URL = "/api/v1/enforcement/observations"
MINUTE = datetime.timedelta(minutes=1)


def a_recent_working_day() -> datetime.date:
    """Tuesday to Friday, before today and not a public holiday: observations lie in the past, within paid hours."""
    day = timezone.localdate() - datetime.timedelta(days=1)
    holidays = {date for year in (day.year - 1, day.year) for date, _nl, _en in belgian_public_holidays(year)}
    while day.weekday() not in (1, 2, 3, 4) or day in holidays:
        day -= datetime.timedelta(days=1)
    return day


DAY = a_recent_working_day()


def at(hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(hour, minute)))


@pytest.fixture
def zones(demo_city, media):
    seed_offences()
    return demo_zones()


@pytest.fixture
def scan_car(db):
    return device()


@pytest.fixture
def admin_client(client, db):
    """A superuser who switched on two-factor login, as the admin demands."""
    client.force_login(StaffFactory(email="admin@stad.example", is_superuser=True))
    return client


@pytest.fixture(autouse=True)
def _reasons_in_english(settings):
    """Reasons are kept in the city's language (Dutch); the English source text is asserted here."""
    settings.LANGUAGE_CODE = "en"
    yield
    # The URL resolver caches the language prefixes per language: built while English was the default, they would
    # leave English URLs without their /en/ prefix for the tests that follow.
    clear_url_caches()


def photo(fmt="JPEG") -> dict:
    return {"content": base64.b64encode(image_bytes(fmt)).decode(), "taken_at": at(10).isoformat()}


def payload(external_id="obs-1", zone="C1", time=None, holder=HOLDER, **fields) -> dict:
    time = time or at(10)
    data = {"external_id": external_id, "plate": "1-abc-123", "country": "BE", "zone": zone,
            "time": time.isoformat() if isinstance(time, datetime.datetime) else time, "place": "Stadsplein 4",
            "photos": [photo()], "holder": holder}
    data.update(fields)
    return data


def observe(client, scan_car, **fields):
    return client.post(URL, payload(**fields), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {scan_car.token}", HTTP_ACCEPT_LANGUAGE="en")


def retributions():
    return Case.objects.filter(kind=CaseKind.RETRIBUTION)


class TestARetribution:
    def test_after_the_grace_period_one_is_issued_and_the_same_observation_again_issues_none(self, client, zones,
                                                                                            scan_car):
        enforcement.check(PLATE, zones["C1"], at(10), device=scan_car)  # the scan car's first pass
        first = observe(client, scan_car, time=at(10, 16))
        assert first.status_code == 201
        case = retributions().get()
        assert first.json() == {"id": Observation.objects.get().pk, "external_id": "obs-1", "result": "retribution",
                                "reason": "", "notice_number": numbers.display(case.notice_number)}
        assert (case.plate, case.zone, case.observed_at, case.source, case.observed_by, case.place) == (
            PLATE, zones["C1"], at(10, 16), Source.ENFORCEMENT, "Scan car 1", "Stadsplein 4")
        assert (case.holder_name, case.holder_municipality) == ("Jan Claes", "Genk")
        assert [evidence.content_type for evidence in case.evidence.all()] == ["image/jpeg"]

        again = observe(client, scan_car, time=at(10, 16))
        assert (again.status_code, again.json()) == (200, first.json())
        assert retributions().count() == Observation.objects.count() == ObservationPhoto.objects.count() == 1

    def test_the_observation_keeps_its_photos_and_the_case(self, client, zones, scan_car):
        observe(client, scan_car, zone="B1", photos=[photo(), photo("PNG")])
        observation = Observation.objects.get()
        assert observation.case == retributions().get() and observation.result == ObservationResult.RETRIBUTION
        assert sorted(item.content_type for item in observation.photos.all()) == ["image/jpeg", "image/png"]
        assert all(item.file.name.startswith("parking/observations/") and PLATE not in item.file.name
                   for item in observation.photos.all())

    def test_in_a_blue_zone_there_is_no_grace_period(self, client, zones, scan_car):
        assert observe(client, scan_car, zone="B1").json()["result"] == "retribution"

    def test_within_the_grace_period_none_and_after_it_one(self, client, zones, scan_car):
        within = observe(client, scan_car, external_id="obs-1", time=at(10)).json()
        assert (within["result"], within["notice_number"]) == ("not_issued", None)
        assert "time to register until" in within["reason"]
        assert observe(client, scan_car, external_id="obs-2", time=at(10, 15)).json()["result"] == "not_issued"
        assert observe(client, scan_car, external_id="obs-3", time=at(10, 16)).json()["result"] == "retribution"
        assert retributions().count() == 1

    def test_the_observation_is_logged_as_a_check(self, client, zones, scan_car):
        observe(client, scan_car, time=at(10))
        logged = Check.objects.get()
        assert (logged.device, logged.plate, logged.zone, logged.checked_for, logged.allowed) == (
            scan_car, PLATE, zones["C1"], at(10), False)

    def test_a_plate_with_a_right_gets_none(self, client, zones, scan_car):
        session(zones["C1"], starts_at=at(9, 30))
        answer = observe(client, scan_car, time=at(10, 30)).json()
        assert (answer["result"], answer["reason"]) == ("allowed", "Parking session running")
        assert not retributions().exists()


class TestTheHolder:
    def test_without_the_holder_none_is_issued_and_staff_see_why(self, client, zones, scan_car):
        answer = observe(client, scan_car, zone="B1", holder=None).json()
        assert (answer["result"], answer["reason"]) == ("not_issued", "holder unknown")
        assert not retributions().exists()
        again = observe(client, scan_car, zone="B1")  # the same observation, now with a holder: the first answer holds
        assert (again.status_code, again.json()["reason"]) == (200, "holder unknown")
        assert not retributions().exists()

    def test_an_incomplete_holder_is_refused_before_anything_is_stored(self, client, zones, scan_car):
        response = observe(client, scan_car, zone="B1", holder={"name": "Jan Claes"})
        assert response.status_code == 400 and response.json()["code"] == "invalid"
        assert not Observation.objects.exists()


class TestTheCitysLimits:
    def test_one_per_plate_per_zone_per_half_day(self, client, zones, scan_car):
        RetributionRate.objects.update(max_per_day=5)
        results = {external_id: observe(client, scan_car, external_id=external_id, zone=zone, time=time).json()
                   for external_id, zone, time in [("b1-morning", "B1", at(9, 30)), ("r1-morning", "R1", at(10)),
                                                   ("b1-noon", "B1", at(11, 59)), ("b1-afternoon", "B1", at(12)),
                                                   ("b1-evening", "B1", at(17, 30))]}
        assert {key: value["result"] for key, value in results.items()} == {
            "b1-morning": "retribution", "r1-morning": "retribution", "b1-noon": "not_issued",
            "b1-afternoon": "retribution", "b1-evening": "not_issued"}
        assert results["b1-noon"]["reason"] == "This vehicle already has a retribution in zone B1 for this half day."
        assert retributions().count() == 3

    def test_no_more_than_the_maximum_per_day(self, client, zones, scan_car):
        assert RetributionRate.objects.get(valid_to=None).max_per_day == 1
        assert observe(client, scan_car, external_id="morning", zone="B1", time=at(10)).json()["result"] == "retribution"
        afternoon = observe(client, scan_car, external_id="afternoon", zone="R1", time=at(14)).json()
        assert afternoon["result"] == "not_issued" and "maximum of 1 retribution" in afternoon["reason"]
        assert retributions().count() == 1

    def test_a_cancelled_retribution_does_not_count_for_the_half_day(self, client, zones, scan_car):
        RetributionRate.objects.update(max_per_day=3)
        observe(client, scan_car, external_id="first", zone="B1", time=at(9, 30))
        retributions().update(status="cancelled")
        assert observe(client, scan_car, external_id="second", zone="B1", time=at(10)).json()["result"] == "retribution"


class TestBadInput:
    @pytest.mark.parametrize(("fields", "code"), [
        ({"photos": [{"content": "not base64!"}]}, "invalid_photo"),
        ({"photos": [{"content": base64.b64encode(PDF).decode()}]}, "invalid_photo"),
        ({"photos": [{"content": base64.b64encode(b"<svg></svg>").decode()}]}, "invalid_photo"),
        ({"photos": [{"content": ""}]}, "invalid_photo"),
        ({"photos": [photo()] * 11}, "too_many_photos"),
        ({"zone": "ZZ"}, "unknown_zone"),
        ({"plate": "?"}, "invalid_plate"),
        ({"country": "12"}, "invalid_country"),
        ({"external_id": " "}, "invalid_external_id"),
        ({"time": "2999-01-01T10:00:00+01:00"}, "invalid_time"),
        ({"time": "soon"}, "invalid"),
        ({"photos": "all"}, "invalid"),
    ])
    def test_it_is_a_400_with_a_code_and_nothing_is_stored(self, client, zones, scan_car, media, fields, code):
        response = observe(client, scan_car, **fields)
        assert response.status_code == 400
        assert response.json()["code"] == code
        assert not Observation.objects.exists() and not Case.objects.exists()
        assert not [path for path in media.rglob("*") if path.is_file()]

    @examples(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(fields=st.dictionaries(
        st.sampled_from(["external_id", "plate", "country", "zone", "time", "place", "photos", "holder"]),
        st.one_of(st.text(max_size=20), st.integers(), st.none(), st.lists(st.text(max_size=5), max_size=2),
                  st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2)), max_size=4))
    def test_never_a_500(self, client, zones, scan_car, fields):
        response = observe(client, scan_car, **{"zone": "B1", **fields})
        assert response.status_code in (200, 201, 400)

    def test_without_a_token_it_is_401(self, client, zones):
        response = client.post(URL, payload(), content_type="application/json")
        assert response.status_code == 401 and not Observation.objects.exists()

    def test_a_body_that_is_not_json_is_a_400(self, client, zones, scan_car):
        response = client.post(URL, "plate=1ABC123", content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {scan_car.token}")
        assert response.status_code == 400


class TestOnce:
    def test_an_observation_left_undecided_is_decided_when_sent_again(self, client, zones, scan_car):
        Observation.objects.create(device=scan_car, external_id="obs-1", plate=PLATE, zone=zones["B1"],
                                   observed_at=at(10), place="Winterslagstraat 3")
        response = observe(client, scan_car, zone="B1")
        assert (response.status_code, response.json()["result"]) == (200, "retribution")
        assert retributions().get().place == "Winterslagstraat 3"

    def test_the_same_id_from_another_device_is_another_observation(self, client, zones, scan_car):
        RetributionRate.objects.update(max_per_day=3)
        observe(client, scan_car, zone="B1", time=at(10))
        other = device("Warden 7")
        response = observe(client, other, zone="B1", time=at(13))
        assert response.status_code == 201 and response.json()["result"] == "retribution"

    @pytest.mark.django_db(transaction=True)
    def test_sent_twice_at_once_it_issues_one_retribution(self, zones, scan_car):
        barrier = threading.Barrier(2)
        outcomes = []

        def send():
            try:
                barrier.wait(timeout=10)
                observation, created = observations.record(
                    scan_car, external_id="obs-1", plate=PLATE, zone=zones["B1"], observed_at=at(10),
                    place="Winterslagstraat 3", photos=[observations.Photo(image_bytes("JPEG"))], holder=HOLDER)
                outcomes.append((created, observation.result))
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == [(False, "retribution"), (True, "retribution")]
        assert retributions().count() == Observation.objects.count() == ObservationPhoto.objects.count() == 1


class TestTheAdmin:
    def test_staff_with_the_permission_open_a_photo_others_get_403(self, client, zones, scan_car, carla):
        observe(client, scan_car, zone="B1")
        item = ObservationPhoto.objects.get()
        url = en("admin:parking_sessions_observation_photo", item.observation_id, item.pk)
        client.force_login(carla)  # counter staff: no photos of observations
        assert client.get(url).status_code == 403
        carla.user_permissions.add(Permission.objects.get(codename="view_observationphoto"))
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == item.file.open("rb").read()
        assert client.get(en("admin:parking_sessions_observation_photo", item.observation_id, item.pk + 1)
                          ).status_code == 404

    def test_observations_and_checks_are_read_only(self, admin_client, zones, scan_car):
        observe(admin_client, scan_car, zone="B1")
        observation = Observation.objects.get()
        page = admin_client.get(en("admin:parking_sessions_observation_change", observation.pk))
        assert page.status_code == 200 and b"Download" in page.content
        assert admin_client.get(en("admin:parking_sessions_observation_add")).status_code == 403
        assert admin_client.get(en("admin:parking_sessions_check_changelist"), {"q": "1-abc-123"}).status_code == 200
        assert admin_client.get(en("admin:parking_sessions_check_add")).status_code == 403

    def test_a_new_device_shows_its_token_once_and_it_works(self, admin_client, client, zones):
        response = admin_client.post(en("admin:parking_sessions_device_add"), {"name": "Scan car 2", "is_active": "on"})
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        token = response.context["token"]
        assert token in response.content.decode()
        made = response.context["device"]
        assert made.token_prefix == token[:8] and token not in made.token_hash
        assert admin_client.get(en("admin:parking_sessions_device_change", made.pk)).content.decode().count(token) == 0
        made.token = token
        assert observe(client, made, zone="B1").status_code == 201

    def test_issuing_a_new_token_stops_the_old_one(self, admin_client, client, zones, scan_car):
        old = scan_car.token
        response = admin_client.post(en("admin:parking_sessions_device_changelist"),
                                     {"action": "issue_token", "_selected_action": [scan_car.pk]})
        assert response.status_code == 200
        scan_car.token = response.context["token"]
        assert scan_car.token != old and observe(client, scan_car, zone="B1").status_code == 201
        scan_car.token = old
        assert observe(client, scan_car, zone="B1", external_id="obs-2").status_code == 401
