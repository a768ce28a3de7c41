"""Demo data for payments: one open payment request for the demo citizen, so the demo can pay end to end."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import PaymentRequest
from .requests import create_payment_request

DEMO_DESCRIPTION = "Duplicaat bewonerskaart"


def seed_payment_requests() -> None:
    """Idempotent: creates the request only when Alice has none with this description."""
    users = get_user_model().objects
    alice = users.filter(email="alice@example.org").first()
    carla = users.filter(email="carla@stad.example").first()
    if alice is None or PaymentRequest.objects.filter(citizen=alice, description=DEMO_DESCRIPTION).exists():
        return
    create_payment_request(citizen=alice, description=DEMO_DESCRIPTION, amount=Decimal("15.00"),
                           due_date=timezone.localdate() + datetime.timedelta(days=30), created_by=carla)
