"""The "Chat" panel on Mijn loket: the citizen's latest conversations, open ones first, in one query."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from eloket.accounts.dashboard import Panel, register

from .models import OPEN_STATUSES, Conversation

SHOWN = 5
OPEN_FIRST = models.Case(models.When(status__in=OPEN_STATUSES, then=models.Value(0)), default=models.Value(1),
                         output_field=models.IntegerField())


def _conversations(request):
    rows = (Conversation.objects.filter(citizen=request.user).select_related("topic").annotate(closed=OPEN_FIRST)
            .order_by("closed", "-last_activity", "-pk")[:SHOWN])
    return {"conversations": list(rows)}


register(Panel("chat", _("Chat"), "chat/panels/conversations.html", order=70, context=_conversations))
