"""Payment requests from the counter: create one, send the citizen a letter and a message."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from .models import PaymentRequest


def create_payment_request(*, citizen, description: str, amount: Decimal, due_date: datetime.date,
                           created_by=None) -> PaymentRequest:
    """Create the request; after commit the citizen gets a PDF letter and an email (and SMS if they have a phone)."""
    from eloket.documents.letters import request_payment_request_letter
    from eloket.notifications import notify

    with transaction.atomic():
        request = PaymentRequest.objects.create(citizen=citizen, description=description, amount=amount,
                                                due_date=due_date, created_by=created_by)
        request_payment_request_letter(request)
        notify(citizen, template="payments/request_created", related=request,
               channels=("email", "sms") if citizen.phone else ("email",),
               context={"payment_request": request, "pay_url": settings.SITE_URL + request.payment_return_url()})
    return request
