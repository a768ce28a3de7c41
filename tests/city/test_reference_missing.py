"""A page that needs a figure the city has not configured answers 503 with a plain message, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


def test_missing_cap_gives_a_clear_page(client, alice, caplog):
    client.force_login(alice)
    response = client.get("/vergunningen/parkeerkaart-handicap/")
    assert response.status_code == 503
    assert "nog niet beschikbaar" in response.content.decode() or "not available yet" in response.content.decode()
    assert any("disability_plates" in record.getMessage() for record in caplog.records)
