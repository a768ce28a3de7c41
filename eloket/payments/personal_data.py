"""A citizen's payments and payment requests, for the data export, and what deleting the account does with them.

Payments are the city's accounts: they stay, no longer linked to the account. An open payment request is a sum the
citizen still owes, and a request holds no name or address of its own, so the account cannot be deleted before it is
paid or settled with the counter.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.privacy.registry import Plan, Provider, Section, register

from .models import Payment, PaymentRequest, PaymentRequestStatus


def export_payments(user) -> Section:
    """Three queries: payments, their refunds, and the payment requests."""
    payments = Payment.objects.filter(owner=user).prefetch_related("refunds").order_by("created", "pk")
    requests = PaymentRequest.objects.filter(citizen=user).order_by("created", "pk")
    return Section({
        "payments": [{"description": payment.description, "amount_eur": payment.amount,
                      "method": payment.get_method_display(), "status": payment.get_status_display(),
                      "created": payment.created, "paid_at": payment.paid_at, "refunded_eur": payment.amount_refunded,
                      "refunds": [{"amount_eur": refund.amount, "status": refund.get_status_display(),
                                   "created": refund.created} for refund in payment.refunds.all()]}
                     for payment in payments],
        "payment_requests": [{"what_for": request.description, "amount_eur": request.amount,
                              "pay_before": request.due_date, "status": request.get_status_display(),
                              "created": request.created, "paid_at": request.paid_at} for request in requests],
    })


def plan_payments(user) -> Plan:
    plan = Plan()
    if PaymentRequest.objects.filter(citizen=user, status=PaymentRequestStatus.OPEN).exists():
        plan.blockers.append(_("You still have a payment request to pay. Pay it first, or contact the counter if you "
                               "think it is not right; then you can delete your account."))
    if Payment.objects.filter(owner=user).exists():
        plan.kept.append(_("Your payments stay in the city's accounts for %(years)d years, as the law asks, without a "
                           "link to an account.") % {"years": settings.RETENTION_PAYMENT_YEARS})
    return plan


def erase_payments(user) -> dict:
    return {"payments unlinked": Payment.objects.filter(owner=user).update(owner=None),
            "requests unlinked": PaymentRequest.objects.filter(citizen=user).exclude(
                status=PaymentRequestStatus.OPEN).update(citizen=None)}


register(Provider("payments", gettext_lazy("Payments"), export=export_payments, erase=erase_payments,
                  plan=plan_payments, order=50))
