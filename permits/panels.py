"""The "Permits" panel on Mijn loket: active and pending permits, and the visitor balance when the citizen has it."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eloket.accounts.dashboard import Panel, register

from . import visitors
from .models import HOLDING_STATUSES, Permit


def _permits(request):
    permits = list(Permit.objects.filter(holder=request.user, status__in=HOLDING_STATUSES)
                   .select_related("zone").prefetch_related("plates"))
    card = visitors.visitor_card(request.user)
    balance = visitors.balance_minutes(card.address_key, timezone.localdate().year) if card else None
    return {"permits": permits, "visitor_card": card, "visitor_balance": balance}


register(Panel("permits", _("Permits"), "permits/panels/permits.html", order=30, context=_permits))
