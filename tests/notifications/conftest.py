import datetime
from decimal import Decimal

import pytest


@pytest.fixture
def request_context():
    """The context of payments/request_created, without a PaymentRequest row: the template only reads it."""
    return {
        "payment_request": {"description": "Fish & chips permit", "amount": Decimal("1234.50"),
                            "due_date": datetime.date(2031, 3, 15)},
        "pay_url": "http://127.0.0.1:8000/betalen/verzoek/7/",
    }
