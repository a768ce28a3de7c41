"""The live chat's personal data: the citizen's conversations for the export, their erasure, and chat retention.

The chat app stands alone and is not ours to change, so its provider lives here and reaches its models through
`apps.get_model` when it runs; `register()` is called only when the chat app is installed. Anonymising a conversation
overwrites the guest's name and email and every message's text, and deletes the attachments; the conversation's
topic, times, status and history statuses stay for the team's statistics.
"""

import datetime

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.privacy import retention
from eloket.privacy.anonymise import MARKER, batches, delete_with_files
from eloket.privacy.registry import Plan, Provider, Section

OPEN = ("waiting", "active")


def _model(name: str):
    return apps.get_model("chat", name)


def _attachment_path(conversation, item) -> str:
    return f"chat/{conversation.pk}/attachment-{item.pk}.{item.extension}"


def export_conversations(user) -> Section:
    """Three queries: conversations with their topic, messages, attachments."""
    conversations = list(_model("Conversation").objects.filter(citizen=user).select_related("topic")
                         .prefetch_related("messages__attachments").order_by("created", "pk"))
    data = [{
        "id": conversation.pk, "topic": str(conversation.topic), "mode": conversation.get_mode_display(),
        "status": conversation.get_status_display(), "started": conversation.created, "closed": conversation.closed_at,
        # Who answered stays out: the staff member's name is theirs, not the citizen's.
        "messages": [{"sent": message.created, "by": _("the city") if message.by_staff else _("you"),
                      "text": message.body,
                      "attachments": [_attachment_path(conversation, item) for item in message.attachments.all()]}
                     for message in conversation.messages.all()],
    } for conversation in conversations]
    files = [(_attachment_path(conversation, item), item.file) for conversation in conversations
             for message in conversation.messages.all() for item in message.attachments.all()]
    return Section(data, files=files)


def anonymise(conversation_ids: list[int], *, files_after_commit: bool = False) -> int:
    """Overwrite the guest's details and the messages of these conversations and delete their attachments."""
    delete_with_files(_model("MessageAttachment").objects.filter(message__conversation_id__in=conversation_ids),
                      after_commit=files_after_commit)
    _model("Message").objects.filter(conversation_id__in=conversation_ids).exclude(body="").exclude(body=MARKER).update(
        body=MARKER)
    _model("ConversationEvent").objects.filter(conversation_id__in=conversation_ids).exclude(note="").exclude(
        note=MARKER).update(note=MARKER)
    return _model("Conversation").objects.filter(pk__in=conversation_ids).exclude(guest_name=MARKER).update(
        citizen=None, guest_name=MARKER, guest_email="", guest_token_hash="", link_kind="", link_id=None)


def plan_conversations(user) -> Plan:
    if not _model("Conversation").objects.filter(citizen=user).exists():
        return Plan()
    return Plan(deleted=[_("Your chat conversations: what you wrote and the files you sent. The city keeps only when a "
                           "conversation took place and its topic.")])


def erase_conversations(user) -> dict:
    from chat import conversations as chat_rules

    closed = 0
    for conversation in _model("Conversation").objects.filter(citizen=user, status__in=OPEN).order_by("pk"):
        chat_rules.close(conversation, user=user)
        closed += 1
    ids = list(_model("Conversation").objects.filter(citizen=user).values_list("pk", flat=True))
    return {"closed": closed, "anonymised": anonymise(ids, files_after_commit=True) if ids else 0}


def anonymise_closed(cutoff: datetime.datetime) -> dict:
    count = 0
    old = _model("Conversation").objects.filter(status="closed", closed_at__lt=cutoff).exclude(guest_name=MARKER)
    for ids in batches(old):
        with transaction.atomic():
            count += anonymise(ids)
    return {"conversations anonymised": count}


def register() -> None:
    from eloket.privacy import registry

    registry.register(Provider("chat", gettext_lazy("Chat conversations"), export=export_conversations,
                               erase=erase_conversations, plan=plan_conversations, order=80))
    retention.register(retention.Job("chat", "RETENTION_CHAT_DAYS", "days", anonymise_closed))
