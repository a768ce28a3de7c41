"""A permit's history is append-only: a saved event can never be changed."""

import pytest

from permits.models import PermitEvent
from tests.permits.helpers import apply

pytestmark = pytest.mark.django_db


def test_a_permit_event_cannot_be_rewritten(permit_city, alice, media):
    permit = apply(alice, "1ABC123")
    event = PermitEvent.objects.get(permit=permit)
    event.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert PermitEvent.objects.get(pk=event.pk).note != "rewritten"
