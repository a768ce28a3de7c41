"""The "Payments" panel of Mijn loket: what the citizen still has to pay and their latest payments.

Two queries, however many requests or payments the citizen has.
"""

from django.utils.translation import gettext_lazy as _

from eloket.accounts.dashboard import Panel, register

from .models import Payment, PaymentRequest, PaymentRequestStatus

SHOWN_REQUESTS = 10
SHOWN_PAYMENTS = 5


def _payments(request):
    open_requests = list(PaymentRequest.objects.filter(citizen=request.user, status=PaymentRequestStatus.OPEN)
                         .order_by("due_date", "pk")[:SHOWN_REQUESTS])
    recent = list(Payment.objects.filter(owner=request.user).order_by("-created", "-pk")[:SHOWN_PAYMENTS])
    return {"open_requests": open_requests, "recent_payments": recent}


register(Panel("payments", _("Payments"), "payments/panel.html", order=30, context=_payments))
