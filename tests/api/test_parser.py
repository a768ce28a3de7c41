"""Text with a NUL character never reaches PostgreSQL: the API refuses it as a 400, in the body and the query."""

import pytest

from eloket.api.parser import has_nul
from parking_sessions import operators
from parking_sessions.models import Inbox, Observation, Operator
from tests.parking_sessions.enforcement_helpers import device

pytestmark = pytest.mark.django_db


def test_nul_is_found_anywhere_in_the_parsed_json():
    assert has_nul({"a": [{"b": "x\x00"}]}) and has_nul({"\x00": 1}) and has_nul(["\x00"])
    assert not has_nul({"a": [1, 2.5, None, True, {"b": "x"}]})


def test_a_body_with_nul_is_a_400_and_nothing_is_stored(client, demo_city):
    key = operators.make_key(Operator.objects.create(code="4411", name="4411"))
    response = client.post("/api/v1/operator/parking/", '{"registration_number": "AB\\u0000C", "zone": "C1", '
                           '"time_start": "2026-03-02T09:00:00Z"}', content_type="application/json",
                           headers={"Authorization": f"ApiKey {key}"})
    assert response.status_code == 400
    scan_car = device()
    response = client.post("/api/v1/enforcement/observations", '{"external_id": "1", "plate": "1ABC123", "zone": "C1", '
                           '"time": "2026-03-02T09:00:00Z", "place": "Markt \\u0000"}', content_type="application/json",
                           headers={"Authorization": f"Bearer {scan_car.token}"})
    assert response.status_code == 400 and response.json()["code"] in ("error", "invalid")
    assert not Inbox.objects.exists() and not Observation.objects.exists()


def test_a_query_parameter_with_nul_is_a_400_not_a_500(client, demo_city):
    scan_car = device()
    response = client.get("/api/v1/enforcement/check", {"plate": "1ABC\x00123", "zone": "C1"},
                          headers={"Authorization": f"Bearer {scan_car.token}"})
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "detail": "Text may not contain a NUL character."}
