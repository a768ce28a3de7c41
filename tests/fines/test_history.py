"""A case's history is append-only: a saved event can never be changed."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_case_event_cannot_be_rewritten(issue):
    case = issue()
    event = case.events.get()
    event.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert case.events.get().note != "rewritten"
