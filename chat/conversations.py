"""The rules of a conversation: open it, post a message, take it, hand it over, close it, send its transcript.

Each function checks the move, writes in one transaction and appends a ConversationEvent; the change is published to
the open event streams after the commit (stream.py). Taking and handing over are conditional UPDATEs, so two staff
members clicking at once cannot both take one conversation. A refusal raises ConversationRefused with the reason in the
user's language.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access, attachments, hours, notices, stream
from .display import MessageView
from .models import Action, Conversation, ConversationEvent, Message, Mode, Status, Topic

MAX_BODY = 4000


class ConversationRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _event(conversation: Conversation, action: str, from_status: str, actor=None, note: str = "") -> None:
    ConversationEvent.objects.create(conversation=conversation, action=action, from_status=from_status,
                                     to_status=conversation.status, actor=actor, assigned_to=conversation.assigned_to,
                                     note=note)


def _checked(body: str, upload):
    """The text (trimmed) and the checked file; refuses an empty message, a long one or a file that is not accepted."""
    body = (body or "").strip()
    if not body and upload is None:
        raise ConversationRefused(_("Write a message or add a file."))
    if len(body) > MAX_BODY:
        raise ConversationRefused(_("A message can be at most %(max)d characters long.") % {"max": MAX_BODY})
    checked = None
    if upload is not None:
        try:
            checked = attachments.check(upload)
        except ValidationError as error:
            raise ConversationRefused(" ".join(error.messages)) from error
    return body, checked


def _add_message(conversation: Conversation, body: str, upload, checked, author, by_staff: bool, now,
                 stored: list[str]) -> Message:
    message = Message.objects.create(conversation=conversation, author=author, by_staff=by_staff, body=body, created=now)
    if upload is not None:
        attachments.store(message, upload, checked, stored)
    Conversation.objects.filter(pk=conversation.pk).update(last_activity=now)
    stream.message_posted(MessageView.from_model(message, citizen_name=conversation.contact_name))
    return message


def open_conversation(*, topic: Topic, body: str, upload=None, user=None, guest_name: str = "", guest_email: str = "",
                      link: tuple[str, int] | None = None, language: str | None = None,
                      now: datetime.datetime | None = None) -> tuple[Conversation, str | None]:
    """Start a conversation with its first message: live during office hours, else a message answered by email.

    Returns the conversation and, for a guest, the access token to keep in their session. The link must be one the
    citizen owns (the start form offers only those).
    """
    now = now or timezone.now()
    citizen = user if user is not None and user.is_authenticated else None
    guest_name, guest_email = (guest_name or "").strip(), (guest_email or "").strip()
    if citizen is None and not (guest_name and guest_email):
        raise ConversationRefused(_("Give your name and email address, so we can answer you."))
    if not topic.is_active:
        raise ConversationRefused(_("Choose one of the topics."))
    body, checked = _checked(body, upload)
    token, hashed = access.new_token() if citizen is None else (None, "")
    mode = Mode.LIVE if hours.is_open(now) else Mode.MESSAGE
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    stored: list[str] = []
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                citizen=citizen, guest_name="" if citizen else guest_name, guest_email="" if citizen else guest_email,
                guest_token_hash=hashed, language=language, topic=topic, mode=mode, created=now, last_activity=now,
                link_kind=link[0] if link else "", link_id=link[1] if link else None)
            _event(conversation, Action.OPENED, "", actor=citizen)
            _add_message(conversation, body, upload, checked, citizen, False, now, stored)
            stream.queue_changed()
    except BaseException:
        attachments.forget(stored)  # no file without its row
        raise
    return conversation, token


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update(of=("self",)).select_related("topic", "citizen", "assigned_to").get(
        pk=conversation.pk)


def _refusal_to_post(conversation: Conversation, author, by_staff: bool) -> str | None:
    if conversation.status == Status.CLOSED:
        return _("This conversation is closed. Start a new one if you have another question.")
    if by_staff and conversation.status == Status.WAITING:
        return _("Take the conversation before you answer.")
    if by_staff and conversation.assigned_to_id != author.pk:
        return _("%(name)s answers this conversation.") % {
            "name": conversation.assigned_to.get_full_name() if conversation.assigned_to else _("A colleague")}
    return None


def post_message(conversation: Conversation, *, body: str, upload=None, author=None, by_staff: bool = False,
                 now: datetime.datetime | None = None) -> Message:
    """Add a message from the citizen (or guest), or from the staff member who took the conversation.

    Staff answering a conversation left outside office hours also send the answer by email.
    """
    now = now or timezone.now()
    body, checked = _checked(body, upload)
    author = author if author is not None and author.is_authenticated else None
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = _locked(conversation)
            reason = _refusal_to_post(locked, author, by_staff)
            if reason:
                raise ConversationRefused(reason)
            message = _add_message(locked, body, upload, checked, author, by_staff, now, stored)
            if by_staff and locked.mode == Mode.MESSAGE:
                notices.answer_by_email(locked, message)
    except BaseException:
        attachments.forget(stored)
        raise
    return message


def take(conversation: Conversation, staff, now: datetime.datetime | None = None) -> Conversation:
    """A staff member takes a waiting conversation; of two at once only one wins, the other is told who did."""
    now = now or timezone.now()
    with transaction.atomic():
        taken = Conversation.objects.filter(pk=conversation.pk, status=Status.WAITING).update(
            status=Status.ACTIVE, assigned_to=staff, taken_at=now, last_activity=now)
        current = Conversation.objects.select_related("topic", "citizen", "assigned_to").get(pk=conversation.pk)
        if not taken:
            if current.status == Status.CLOSED:
                raise ConversationRefused(_("This conversation is closed."))
            if current.assigned_to_id == staff.pk:
                return current
            raise ConversationRefused(_("%(name)s took this conversation already.") % {
                "name": current.assigned_to.get_full_name() if current.assigned_to else _("A colleague")})
        _event(current, Action.TAKEN, Status.WAITING, actor=staff)
        stream.status_changed(current.pk)
        stream.queue_changed()
    return current


def hand_over(conversation: Conversation, staff, colleague, note: str = "") -> Conversation:
    """The staff member who answers passes the conversation to a colleague who also answers chats."""
    if colleague is None or colleague.pk == staff.pk or not access.may_answer(colleague):
        raise ConversationRefused(_("Choose a colleague who answers chats."))
    with transaction.atomic():
        moved = Conversation.objects.filter(pk=conversation.pk, status=Status.ACTIVE, assigned_to=staff).update(
            assigned_to=colleague)
        current = Conversation.objects.select_related("topic", "citizen", "assigned_to").get(pk=conversation.pk)
        if not moved:
            raise ConversationRefused(_("Only the staff member who answers an ongoing conversation can hand it over."))
        note = note.strip()
        handed = _("Handed over to %(name)s.") % {"name": colleague.get_full_name() or colleague.email}
        _event(current, Action.HANDED_OVER, Status.ACTIVE, actor=staff, note=f"{handed} {note}".strip())
        stream.status_changed(current.pk)
        stream.queue_changed()
    return current


def close(conversation: Conversation, *, user=None, transcript: bool = False,
          now: datetime.datetime | None = None) -> Conversation:
    """Close a conversation (the citizen, or staff who answer chats); the citizen may ask for the transcript."""
    now = now or timezone.now()
    actor = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        locked = _locked(conversation)
        if locked.status == Status.CLOSED:
            raise ConversationRefused(_("This conversation is closed already."))
        from_status = locked.status
        locked.status, locked.closed_at, locked.last_activity = Status.CLOSED, now, now
        locked.save(update_fields=["status", "closed_at", "last_activity"])
        _event(locked, Action.CLOSED, from_status, actor=actor)
        if transcript:
            send_transcript(locked, now=now)
        stream.status_changed(locked.pk)
        stream.queue_changed()
    return locked


def send_transcript(conversation: Conversation, now: datetime.datetime | None = None) -> bool:
    """Email the whole conversation once, after it is closed; False when it was sent already or it is still open."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Conversation.objects.filter(pk=conversation.pk, status=Status.CLOSED,
                                              transcript_sent_at__isnull=True).update(transcript_sent_at=now)
        if not claimed:
            return False
        notices.transcript(Conversation.objects.select_related("topic", "citizen").get(pk=conversation.pk))
    return True
