"""The emails of the chat: the answer to a message left outside office hours, the transcript, the wait alert to staff.

Each is queued with eloket.notifications.notify in the caller's transaction (sent after it commits), in the language
the citizen chatted in; a guest's email links to the conversation through a signed link (access.py).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from eloket.notifications import notify

from . import access
from .models import Conversation, Message

ANSWER_TEMPLATE = "chat/answer"
TRANSCRIPT_TEMPLATE = "chat/transcript"
WAIT_ALERT_TEMPLATE = "chat/wait_alert"


def _recipient(conversation: Conversation) -> dict:
    if conversation.citizen_id:
        return {"recipient": conversation.citizen, "language": conversation.language}
    return {"email": conversation.guest_email, "language": conversation.language}


def _common(conversation: Conversation) -> dict:
    # The topic's name follows the language the message is rendered in (notify overrides it).
    return {"conversation": conversation, "name": conversation.contact_name, "topic": conversation.topic,
            "conversation_url": access.conversation_link(conversation), "is_guest": conversation.is_guest}


def answer_by_email(conversation: Conversation, message: Message) -> None:
    """Staff answered a conversation left as a message: the citizen gets the answer and the way back to it."""
    staff_name = message.author.first_name if message.author else ""
    notify(**_recipient(conversation), template=ANSWER_TEMPLATE, related=conversation,
           context={**_common(conversation), "answer": message.body, "staff_name": staff_name,
                    "files": len(message.attachments.all())})


def transcript(conversation: Conversation) -> None:
    """Every message of the conversation, as text, to the citizen or guest."""
    lines = []
    messages = conversation.messages.select_related("author").prefetch_related("attachments").order_by("pk")
    for message in messages:
        if message.by_staff:
            who = message.author.first_name if message.author and message.author.first_name else _("City staff")
        else:
            who = conversation.contact_name
        lines.append({"who": who, "at": timezone.localtime(message.created), "body": message.body,
                      "files": [item.name for item in message.attachments.all()]})
    notify(**_recipient(conversation), template=TRANSCRIPT_TEMPLATE, related=conversation,
           context={**_common(conversation), "lines": lines})


def wait_alert(conversation: Conversation, staff: list, minutes: int) -> None:
    """Tell each staff member who answers chats that a citizen has been waiting longer than the alert time."""
    for member in staff:
        with translation.override(member.preferred_language):
            url = settings.SITE_URL + reverse("admin:chat_console_conversation", args=[conversation.pk])
        notify(member, template=WAIT_ALERT_TEMPLATE, related=conversation,
               context={"conversation": conversation, "minutes": minutes, "console_url": url,
                        "topic": conversation.topic})
