"""Starting an online payment for any payable, and a refund of one.

    payment = start(payable, request=request)     # then redirect to payment.checkout_url

The amount always comes from `payable.payment_amount()`, here on the server. The payable is told
the outcome exactly once by flow.py (`on_payment_paid`, `on_payment_unsuccessful`, `on_payment_refunded`).

When Mollie cannot be reached or refuses, our payment is kept (never deleted: its history shows what
happened) with an ERROR event and is marked failed through `flow.apply_status`, so the one-open-payment
constraint frees up and the citizen can try again. Nobody ever received a checkout URL for it, so it
cannot be paid. Should Mollie still have created it (a timeout or a 5xx after sending), the payment is
marked `maybe_at_mollie`: reconciliation (`sync.find_unanswered`) finds it at Mollie by our token in its
metadata, links it and cancels it there.
"""

import datetime
import logging
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import flow, gateway, sync
from .gateway import GatewayError
from .models import CENT, Payment, PaymentEvent, PaymentMethod, PaymentStatus, Refund, RefundStatus

logger = logging.getLogger(__name__)

SESSION_KEY = "payment_tokens"
# A payment row without a Mollie id younger than this is being sent right now by another request.
SENDING_WINDOW = datetime.timedelta(minutes=2)
MOLLIE_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "de": "de_DE", "en": "en_US"}
# Mollie may have created the payment (a timeout, a 5xx), but the citizen never saw its checkout, so cannot have paid.
MAYBE_STARTED = _("The online payment service did not answer properly. You have not been charged: the payment page "
                  "never opened, and anything the service may have started is cancelled automatically. "
                  "Please try again in a few minutes, or pay by bank transfer.")
EARLIER_UNCHECKED = _("We cannot check the payment you started earlier right now. If you completed it, do not pay "
                      "again: it will be processed. Otherwise please try again in a few minutes.")
MAYBE_CREATED_NOTE = ("Mollie did not answer; it may have created this payment, which nobody can pay (no checkout link "
                      "was handed out). Reconciliation looks for it at Mollie and cancels it there.")


class PaymentNotPossible(Exception):
    """Starting a payment is refused; `message` is safe to show, `payment` is the one in the way (if any)."""

    def __init__(self, message, payment: Payment | None = None):
        super().__init__(str(message))
        self.message = message
        self.payment = payment


class NothingToPay(PaymentNotPossible):
    pass


class PaymentInProgress(PaymentNotPossible):
    pass


class RefundNotPossible(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def unfinished_payment(payable) -> Payment | None:
    content_type = ContentType.objects.get_for_model(payable)
    return (Payment.objects.filter(content_type=content_type, object_id=payable.pk, method=PaymentMethod.ONLINE,
                                   status__in=sync.UNFINISHED_STATUSES).first())


def start(payable, *, request=None, user=None, source: str = "citizen") -> Payment:
    """Start (or resume) the online payment of what the payable asks now; returns it with its checkout_url.

    Raises NothingToPay, PaymentInProgress (a bank is still processing an earlier attempt) or GatewayError
    (Mollie unreachable or refusing; `error.payment` is our new, failed payment, or the earlier unfinished one
    Mollie could not be asked about).
    Must not run inside a transaction: our payment is committed before Mollie is called.
    """
    amount = Decimal(payable.payment_amount() or 0).quantize(CENT)
    if amount <= 0:
        raise NothingToPay(_("There is nothing to pay for this at the moment."))
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    content_type = ContentType.objects.get_for_model(payable)

    payment = None
    for _attempt in range(3):
        existing = unfinished_payment(payable)
        if existing is not None:
            reusable = _settle_existing(existing, amount, actor=user)
            if reusable is not None:
                remember(request, reusable)
                return reusable
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    owner=payable.payment_owner(), content_type=content_type, object_id=payable.pk, amount=amount,
                    description=str(payable.payment_description())[:255], method=PaymentMethod.ONLINE,
                    status=PaymentStatus.OPEN)
                PaymentEvent.objects.create(payment=payment, kind=PaymentEvent.Kind.CREATED, to_status=PaymentStatus.OPEN,
                                            source=source, actor=user, note=f"€ {amount}")
            break
        except IntegrityError:
            # Another request created the payable's open payment a moment ago; look at that one.
            continue
    if payment is None:
        raise PaymentInProgress(_("We are already preparing a payment for this. Please wait a moment and try again."))
    remember(request, payment)
    return _send(payment, actor=user, source=source)


def _settle_existing(existing: Payment, amount: Decimal, *, actor) -> Payment | None:
    """Reuse the unfinished payment if it still fits, else close it; None means: make a new one."""
    if not existing.mollie_id:
        if existing.created > timezone.now() - SENDING_WINDOW:
            raise PaymentInProgress(_("We are already preparing a payment for this. Please wait a moment and try again."),
                                    existing)
        flow.apply_status(existing.pk, PaymentStatus.FAILED, source="start", actor=actor,
                          note="Never reached Mollie; closed before starting a new payment.")
        return None
    try:
        existing = sync.sync_payment(existing, source="start", actor=actor, refunds=False)
    except GatewayError as error:
        # The citizen may have paid it already: never say "nothing was charged", never start a second one.
        error.message = EARLIER_UNCHECKED
        error.payment = existing
        raise
    if existing.status == PaymentStatus.OPEN and existing.amount == amount and existing.checkout_url:
        return existing
    if existing.status in (PaymentStatus.PENDING, PaymentStatus.AUTHORIZED):
        raise PaymentInProgress(_("Your bank is still processing an earlier payment for this. "
                                  "Please wait for its outcome before you pay again."), existing)
    if existing.status == PaymentStatus.OPEN:
        # The amount changed (or the checkout link is gone): cancel the old one so it cannot be paid too.
        try:
            remote = gateway.cancel_payment(existing.mollie_id)
        except GatewayError as error:
            if error.maybe_sent:
                raise
            # Mollie refuses to cancel it (not cancelable for the chosen method): it may still be paid.
            raise PaymentInProgress(_("An earlier payment for this is still open at the payment service. "
                                      "It ends by itself within about 15 minutes; please try again then."),
                                    existing) from error
        existing = Payment.objects.get(pk=existing.pk)
        sync.apply_remote(existing, remote, source="start", actor=actor)
        existing.refresh_from_db()
        if existing.status in sync.UNFINISHED_STATUSES:
            raise PaymentInProgress(_("An earlier payment for this is still open at the payment service. "
                                      "It ends by itself within about 15 minutes; please try again then."), existing)
    return None


def _send(payment: Payment, *, actor, source: str) -> Payment:
    """Create the payment at Mollie and store its id and checkout URL; on failure mark ours failed."""
    redirect_url = settings.SITE_URL + reverse("payments:return", args=[payment.token])
    webhook_url = settings.SITE_URL + reverse("mollie_webhook")
    try:
        remote = gateway.create_payment(
            amount=payment.amount, description=payment.description, redirect_url=redirect_url,
            webhook_url=webhook_url if gateway.webhook_reachable(settings.SITE_URL) else None,
            metadata={"payment": str(payment.token)},
            locale=MOLLIE_LOCALES.get((translation.get_language() or "nl")[:2]),
            idempotency_key=f"eloket-payment-{payment.token}")
        if not remote.id or not remote.checkout_url:
            raise GatewayError("create payment: Mollie answered without an id or checkout URL")
    except GatewayError as error:
        PaymentEvent.objects.create(payment=payment, kind=PaymentEvent.Kind.ERROR, from_status=payment.status,
                                    source=source, actor=actor, note=str(error)[:1000])
        if error.maybe_sent:
            Payment.objects.filter(pk=payment.pk).update(maybe_at_mollie=True, updated=timezone.now())
            error.message = MAYBE_STARTED
        flow.apply_status(payment.pk, PaymentStatus.FAILED, source=source, actor=actor,
                          note=MAYBE_CREATED_NOTE if error.maybe_sent else "Could not be created at Mollie; nothing was charged.")
        error.payment = Payment.objects.get(pk=payment.pk)
        raise
    Payment.objects.filter(pk=payment.pk).update(mollie_id=remote.id, checkout_url=remote.checkout_url,
                                                 updated=timezone.now())
    payment.refresh_from_db()
    if payment.status != PaymentStatus.OPEN:
        # Closed by someone else while Mollie was answering (reconciliation, a second start): do not hand it out.
        try:
            gateway.cancel_payment(remote.id)
        except GatewayError:
            logger.warning("Payment %s: closed here while being created; Mollie payment left to expire", payment.pk)
        raise PaymentInProgress(_("We are already preparing a payment for this. Please wait a moment and try again."))
    logger.info("Payment %s created at Mollie as %s", payment.pk, remote.id)
    return payment


def remember(request, payment: Payment) -> None:
    """Let this browser see the payment's return page, also without an account."""
    if request is None or not hasattr(request, "session"):
        return
    tokens = [token for token in request.session.get(SESSION_KEY, []) if token != str(payment.token)]
    request.session[SESSION_KEY] = (tokens + [str(payment.token)])[-20:]


def may_see(request, payment: Payment) -> bool:
    """The owner sees their payment; a payment without owner only the browser that started it."""
    if payment.owner_id is not None:
        return request.user.is_authenticated and request.user.pk == payment.owner_id
    return str(payment.token) in request.session.get(SESSION_KEY, [])


def start_refund(payment: Payment, *, amount: Decimal, reason: str, actor=None) -> Refund:
    """Refund (part of) a paid online payment through Mollie. Raises RefundNotPossible or GatewayError.

    Our Refund is committed (queued) before Mollie is called, with its id in Mollie's metadata, so a
    timeout never loses it: `sync.sync_refunds` links or fails it later.
    """
    amount = Decimal(amount).quantize(CENT)
    reason = (reason or "").strip()
    if not reason:
        raise RefundNotPossible(_("Give a reason for the refund."))
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.method != PaymentMethod.ONLINE or locked.status != PaymentStatus.PAID or not locked.mollie_id:
            raise RefundNotPossible(_("Only a paid online payment can be refunded here."))
        available = sync.refundable(locked)
        if amount <= 0 or amount > available:
            raise RefundNotPossible(_("You can refund at most € %(amount)s.") % {"amount": f"{available:.2f}"})
        refund = Refund.objects.create(payment=locked, amount=amount, reason=reason[:255], requested_by=actor,
                                       status=RefundStatus.QUEUED)
        PaymentEvent.objects.create(payment=locked, kind=PaymentEvent.Kind.REFUND, to_status=RefundStatus.QUEUED,
                                    source="admin", actor=actor, note=f"Refund of € {amount} requested: {refund.reason}")
    try:
        remote = gateway.create_refund(locked.mollie_id, amount=amount,
                                       description=str(_("Refund: %(what)s") % {"what": locked.description}),
                                       metadata={"refund": str(refund.pk)}, idempotency_key=f"eloket-refund-{refund.pk}")
    except GatewayError as error:
        PaymentEvent.objects.create(payment=locked, kind=PaymentEvent.Kind.ERROR, source="admin", actor=actor,
                                    note=str(error)[:1000])
        if not error.maybe_sent:
            flow.apply_refund_status(refund.pk, RefundStatus.FAILED, source="admin", actor=actor)
        raise
    Refund.objects.filter(pk=refund.pk).update(mollie_id=remote.id, updated=timezone.now())
    if remote.status in RefundStatus.values and remote.status != RefundStatus.QUEUED:
        flow.apply_refund_status(refund.pk, remote.status, source="admin", actor=actor)
    logger.info("Refund %s of payment %s created at Mollie as %s", refund.pk, locked.pk, remote.id)
    return Refund.objects.get(pk=refund.pk)
