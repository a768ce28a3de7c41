"""The hourly summary reads the last days of sessions by their start through a BRIN index (PostgreSQL)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_start_of_a_session_has_a_block_range_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'parking_session_start_brin'")
        (definition,) = cursor.fetchone()
    assert "USING brin (starts_at)" in definition

