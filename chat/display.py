"""A message as the pages and the event stream show it, from the database or from a pub/sub payload.

The stream renders what was published without touching the database, so both paths go through `MessageView` and the
same template (chat/_message.html), once per viewer: the citizen's side or the staff's, in the viewer's language.
"""

import datetime
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Message

CITIZEN, STAFF = "citizen", "staff"


@dataclass(frozen=True)
class AttachmentView:
    id: int
    name: str
    size: int
    content_type: str


@dataclass(frozen=True)
class MessageView:
    id: int
    conversation_id: int
    body: str
    by_staff: bool
    author_id: int | None
    # A staff member's first name, or the citizen's or guest's name; empty when unknown.
    author_name: str
    created: datetime.datetime
    attachments: list[AttachmentView] = field(default_factory=list)

    @classmethod
    def from_model(cls, message: Message, citizen_name: str = "") -> "MessageView":
        """Needs message.author selected and message.attachments prefetched for a list."""
        if message.by_staff:
            name = message.author.first_name if message.author else ""
        else:
            name = citizen_name
        return cls(id=message.pk, conversation_id=message.conversation_id, body=message.body, by_staff=message.by_staff,
                   author_id=message.author_id, author_name=name, created=message.created,
                   attachments=[AttachmentView(item.pk, item.name, item.size, item.content_type)
                                for item in message.attachments.all()])

    def to_json(self) -> dict:
        return {"id": self.id, "conversation": self.conversation_id, "body": self.body, "by_staff": self.by_staff,
                "author_id": self.author_id, "author_name": self.author_name, "created": self.created.isoformat(),
                "attachments": [[item.id, item.name, item.size, item.content_type] for item in self.attachments]}

    @classmethod
    def from_json(cls, data: dict) -> "MessageView":
        return cls(id=int(data["id"]), conversation_id=int(data["conversation"]), body=data["body"],
                   by_staff=bool(data["by_staff"]), author_id=data["author_id"], author_name=data["author_name"],
                   created=datetime.datetime.fromisoformat(data["created"]),
                   attachments=[AttachmentView(*item) for item in data["attachments"]])


@dataclass(frozen=True)
class Viewer:
    """Who looks: the citizen's side, or a staff member (whose own messages read "You")."""

    side: str
    user_id: int | None = None

    def is_mine(self, message: MessageView) -> bool:
        if self.side == CITIZEN:
            return not message.by_staff
        return message.by_staff and message.author_id == self.user_id

    def attachment_url(self, message: MessageView, attachment: AttachmentView) -> str:
        if self.side == CITIZEN:
            return reverse("chat:attachment", args=[message.conversation_id, attachment.id])
        return reverse("admin:chat_console_attachment", args=[message.conversation_id, attachment.id])


def message_context(message: MessageView, viewer: Viewer) -> dict:
    return {"message": message, "mine": viewer.is_mine(message), "viewer": viewer.side,
            "files": [(attachment, viewer.attachment_url(message, attachment)) for attachment in message.attachments]}


def messages_context(messages: list[MessageView], viewer: Viewer) -> list[dict]:
    return [message_context(message, viewer) for message in messages]


def render_message(message: MessageView, viewer: Viewer, language: str) -> str:
    """One message's HTML for this viewer; touches no database, so the async stream may call it."""
    with translation.override(language):
        return render_to_string("chat/_message.html", message_context(message, viewer)).strip()
