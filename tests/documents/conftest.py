import datetime
from decimal import Decimal

import pytest

from eloket.payments.models import PaymentRequest

DUE = datetime.date(2031, 3, 15)


@pytest.fixture(autouse=True)
def _private_files(media):
    """Rendered PDFs go to a temporary folder."""
    return media


@pytest.fixture
def make_payment_request(demo_city, carla):
    def make(citizen, amount="25.00", description="Duplicate resident card", due_date=DUE):
        return PaymentRequest.objects.create(citizen=citizen, description=description, amount=Decimal(amount),
                                             due_date=due_date, created_by=carla)

    return make
