"""The emails and text messages sent to a citizen, for the data export, and their deletion with the account."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.privacy.registry import Plan, Provider, Section, register

from .models import MessageStatus, OutboundMessage


def export_messages(user) -> Section:
    """One query."""
    return Section([{"channel": message.get_channel_display(), "to": message.recipient, "subject": message.subject,
                     "text": message.body_text, "status": message.get_status_display(), "created": message.created,
                     "sent": message.sent_at}
                    for message in OutboundMessage.objects.filter(user=user).order_by("created", "pk")])


def plan_messages(user) -> Plan:
    return Plan(deleted=[_("The emails and text messages we sent you.")])


def erase_messages(user) -> dict:
    """Every message to the account, and what is still queued for its address (a notice of an ending permit)."""
    queued = Q(status=MessageStatus.QUEUED, recipient__in=[value for value in (user.email, user.phone) if value])
    return {"messages deleted": OutboundMessage.objects.filter(Q(user=user) | queued).delete()[1].get(
        OutboundMessage._meta.label, 0)}


# Last: the other providers' steps (ending a permit, cancelling an appointment) queue messages that must not go out.
register(Provider("messages", gettext_lazy("Emails and text messages"), export=export_messages, erase=erase_messages,
                  plan=plan_messages, order=200))
