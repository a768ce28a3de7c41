"""Citizen pages of payments: the return page, the Mollie webhook, and paying a payment request.

Other apps start a payment from their own POST view with `start_and_redirect(request, payable, back_url=...)`.
"""

import logging
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from eloket.city.reference import city_profile
from eloket.city.templatetags.city_format import euro

from . import references, sync, transfer
from .gateway import GatewayError
from .models import (
    UNSUCCESSFUL_STATUSES,
    Payment,
    PaymentMethod,
    PaymentRequest,
    PaymentRequestStatus,
    PaymentStatus,
)
from .start import NothingToPay, PaymentInProgress, may_see, start

logger = logging.getLogger(__name__)

MOLLIE_PAYMENT_ID = re.compile(r"tr_[A-Za-z0-9]{1,64}")


def start_and_redirect(request, payable, *, back_url: str) -> HttpResponse:
    """Start the payable's online payment and send the citizen to the checkout, or explain why not."""
    try:
        payment = start(payable, request=request)
    except NothingToPay as refusal:
        messages.info(request, refusal.message)
        return redirect(back_url)
    except PaymentInProgress as refusal:
        messages.info(request, refusal.message)
        if refusal.payment is not None and may_see(request, refusal.payment):
            return redirect("payments:return", token=refusal.payment.token)
        return redirect(back_url)
    except GatewayError as error:
        return render(request, "payments/unavailable.html",
                      {"message": error.message, "retry_url": request.get_full_path(), "back_url": back_url},
                      status=503)
    return redirect(payment.checkout_url)


# The webhook -------------------------------------------------------------------------------------------------------

@csrf_exempt
@require_POST
def webhook(request):
    """Mollie tells us *that* a payment changed, never *what*: we fetch it from Mollie ourselves.

    200 for done and for ids we do not know (Mollie stops retrying); 503 when Mollie cannot be asked (it retries).
    """
    mollie_id = request.POST.get("id", "")
    if not MOLLIE_PAYMENT_ID.fullmatch(mollie_id):
        logger.info("Payment webhook without a valid payment id; ignored")
        return HttpResponse(status=200)
    try:
        payment = sync.sync_by_mollie_id(mollie_id, source="webhook")
    except GatewayError:
        return HttpResponse(status=503)
    if payment is None:
        logger.info("Payment webhook for unknown Mollie payment %s; ignored", mollie_id)
    return HttpResponse(status=200)


# The return page ---------------------------------------------------------------------------------------------------

def _visible_payment(request, token) -> Payment:
    payment = Payment.objects.filter(token=token).select_related("content_type").first()
    if payment is None:
        raise Http404
    if not may_see(request, payment):
        raise Http404
    return payment


def _status_context(payment: Payment, *, sync_failed: bool) -> dict:
    payable = payment.payable
    can_retry = False
    continue_url = ""
    if payable is not None:
        continue_url = payable.payment_return_url()
        can_retry = payment.status in UNSUCCESSFUL_STATUSES and payable.payment_amount() > 0
    return {
        "payment": payment,
        "payable": payable,
        "continue_url": continue_url,
        "can_retry": can_retry,
        "is_paid": payment.status == PaymentStatus.PAID,
        "is_waiting": payment.status in sync.UNFINISHED_STATUSES,
        "polling": payment.status in sync.UNFINISHED_STATUSES,
        "sync_failed": sync_failed,
    }


@require_GET
@never_cache
def return_page(request, token):
    """Where Mollie sends the citizen back; asks Mollie itself, as webhooks do not reach a laptop."""
    payment = Payment.objects.filter(token=token).select_related("content_type").first()
    if payment is not None and payment.owner_id is not None and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if payment is None or not may_see(request, payment):
        raise Http404
    sync_failed = False
    if payment.mollie_id and (not payment.is_final or payment.refunds.filter(
            status__in=sync.UNFINISHED_REFUND_STATUSES).exists()):
        try:
            payment = sync.sync_payment(payment, source="return page")
        except GatewayError:
            sync_failed = True
    context = _status_context(payment, sync_failed=sync_failed)
    template = "payments/_status.html" if request.htmx else "payments/return.html"
    return render(request, template, context)


@require_POST
def retry(request, token):
    """Try again after a failed, cancelled or expired payment: a new payment for what is due now."""
    payment = _visible_payment(request, token)
    payable = payment.payable
    if payable is None:
        raise Http404
    return start_and_redirect(request, payable, back_url=payable.payment_return_url())


# Payment requests --------------------------------------------------------------------------------------------------

def qr_svg(svg: str, label: str) -> str:
    """The EPC QR code's inline SVG, named for assistive technology (its data is also printed beside it)."""
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1))


def transfer_context(payable, amount) -> dict:
    """Bank transfer details of a payable: beneficiary, IBAN, BIC, the OGM and its EPC QR code."""
    profile = city_profile()
    if profile is None or not profile.iban or amount <= 0:
        return {}
    reference = references.reference_for(payable)
    label = _("QR code for a bank transfer of %(amount)s to %(name)s, account %(iban)s, structured communication "
              "%(reference)s") % {"amount": euro(amount), "name": profile.beneficiary,
                                  "iban": profile.iban, "reference": reference.display}
    svg = transfer.epc_qr_svg(name=profile.beneficiary, iban=profile.iban, bic=profile.bic, amount=amount,
                              reference=reference.digits)
    return {"profile": profile, "reference": reference, "qr_svg": qr_svg(svg, label), "transfer_amount": amount}


@login_required
@require_GET
def request_detail(request, pk):
    payment_request = get_object_or_404(PaymentRequest, pk=pk, citizen=request.user)
    content_type = ContentType.objects.get_for_model(PaymentRequest)
    attempts = list(Payment.objects.filter(content_type=content_type, object_id=payment_request.pk, owner=request.user)
                    .order_by("-created")[:10])
    in_progress = next((payment for payment in attempts if payment.method == PaymentMethod.ONLINE
                        and payment.status in sync.UNFINISHED_STATUSES), None)
    amount = payment_request.payment_amount()
    context = {
        "payment_request": payment_request,
        "attempts": attempts,
        "in_progress": in_progress,
        "is_open": payment_request.status == PaymentRequestStatus.OPEN,
        "amount": amount,
    }
    if context["is_open"]:
        context.update(transfer_context(payment_request, amount))
    return render(request, "payments/request_detail.html", context)


@login_required
@require_POST
def request_pay(request, pk):
    """The "Pay online" button: whatever the form says, the amount is the request's own."""
    payment_request = get_object_or_404(PaymentRequest, pk=pk, citizen=request.user)
    return start_and_redirect(request, payment_request, back_url=payment_request.payment_return_url())
