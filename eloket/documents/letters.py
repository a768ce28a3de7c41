"""Context builders for letters, and the shared payment block other apps' letters reuse.

A context builder takes the Document and returns the template's data; `render.build_html` adds the
letterhead, date and recipient (see `render.letter_context`).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Document, DocumentKind
from .render import request_document

PAYMENT_REQUEST_TEMPLATE = "documents/letters/payment_request.html"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path.startswith("/") else path


def payment_block(payable, *, amount: Decimal, due_date: datetime.date, paid_at: datetime.datetime | None = None,
                  pay_path: str = "") -> dict:
    """The data of `documents/letters/payment_block.html` (pass it as `payment`).

    Shows what to pay, how (transfer with the payable's OGM and an EPC QR code, or online in Mijn loket)
    and, once paid, the date it was paid instead of the QR code.
    """
    from eloket.city.reference import MissingReferenceData, city_profile
    from eloket.payments.references import reference_for
    from eloket.payments.transfer import epc_qr_data_uri

    city = city_profile()
    if city is None:
        raise MissingReferenceData("Letters with a payment need the city profile (IBAN, BIC, beneficiary)")
    reference = reference_for(payable)
    block = {
        "amount": amount,
        "due_date": due_date,
        "beneficiary": city.beneficiary,
        "iban": city.iban_display,
        "bic": city.bic,
        "ogm": reference.display,
        "is_paid": paid_at is not None,
        "paid_on": timezone.localdate(paid_at) if paid_at else None,
        "pay_url": absolute(pay_path or reverse("accounts:dashboard")),
        "qr": "",
    }
    if paid_at is None:
        block["qr"] = epc_qr_data_uri(name=city.beneficiary, iban=city.iban, bic=city.bic, amount=amount,
                                      reference=reference.digits)
    return block


def paid_at_of(payable) -> datetime.datetime | None:
    """When the payable was paid, from its paid payment (Mollie or a booked transfer), or None.

    The payment is the source of truth: it is paid before the payable's own status follows.
    """
    from django.contrib.contenttypes.models import ContentType

    from eloket.payments.models import Payment, PaymentStatus

    return (
        Payment.objects.filter(content_type=ContentType.objects.get_for_model(payable), object_id=payable.pk,
                               status=PaymentStatus.PAID)
        .order_by("paid_at").values_list("paid_at", flat=True).first()
    )


def payment_request_context(document: Document) -> dict:
    """The letter for a sum the counter asked a citizen to pay (payments.PaymentRequest)."""
    from eloket.payments.models import PaymentRequestStatus

    payment_request = document.case
    try:
        pay_path = payment_request.payment_return_url()
    except NoReverseMatch:
        pay_path = ""
    paid_at = paid_at_of(payment_request)
    if paid_at is None and payment_request.status == PaymentRequestStatus.PAID:
        paid_at = payment_request.paid_at or document.created  # marked paid by staff, without a payment row
    return {
        "payment_request": payment_request,
        "cancelled": payment_request.status == PaymentRequestStatus.CANCELLED,
        "payment": payment_block(payment_request, amount=payment_request.amount, due_date=payment_request.due_date,
                                 paid_at=paid_at, pay_path=pay_path),
    }


def request_payment_request_letter(payment_request) -> Document:
    """Ask for the letter of a payment request; it is rendered after commit, in the citizen's language."""
    return request_document(
        owner=payment_request.citizen, case=payment_request, kind=DocumentKind.PAYMENT_REQUEST,
        template=PAYMENT_REQUEST_TEMPLATE, context_builder=payment_request_context, title=_("Payment request"),
    )
