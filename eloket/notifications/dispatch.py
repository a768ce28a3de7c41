"""Sending email and SMS: `notify` queues messages in the caller's transaction, `deliver` sends one once.

Exactly once: a worker claims a queued row with a conditional UPDATE before it talks to the mail
server or SMS gateway, and marks it sent with another; a duplicate task finds nothing to claim.
Only a worker that dies between handing a message over and marking it sent leaves a claim that
goes stale and is tried again (at least once, never silently lost).
"""

import datetime
import logging
import random
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from eloket.accounts import phone as phones

from . import sms
from .compose import render_message
from .models import Channel, MessageStatus, OutboundAttachment, OutboundMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# A worker that holds a claim longer than this is presumed dead (sending takes seconds, not minutes).
STALE_CLAIM = datetime.timedelta(minutes=10)
# The beat task leaves younger queued rows to the task enqueued at commit.
PENDING_AFTER = datetime.timedelta(minutes=1)


class DeliveryFailed(Exception):
    def __init__(self, message_id: int, error: BaseException, final: bool, retry_in: int):
        super().__init__(f"message {message_id}: {type(error).__name__}: {error}")
        self.final = final
        self.retry_in = retry_in


def backoff(attempt: int) -> int:
    """Seconds to wait after the given failed attempt: 1, 2, 4, 8 ... minutes, at most an hour, with jitter."""
    return min(60 * 2 ** max(attempt - 1, 0), 3600) + random.randint(0, 30)


def notify(recipient=None, *, template: str, context: dict | None = None, channels: Iterable[str] = (Channel.EMAIL,),
           email: str = "", phone: str = "", language: str | None = None, related=None,
           attachments: Iterable[tuple[str, str | bytes, str]] = ()) -> list[OutboundMessage]:
    """Queue a message to a user, or to an explicit email address and/or phone number.

    The text is rendered now, in the recipient's language (`user.preferred_language`, or `language`,
    or the site's default), from the template folder `notifications/<template>/`. One row per
    channel is written in the caller's transaction and sent after it commits. A channel the
    recipient has no address for is skipped; a user's email/phone can be overridden explicitly.
    `attachments` are (filename, content, mimetype) files sent with the email (an SMS has none).
    """
    attachments = [(filename, content.encode() if isinstance(content, str) else bytes(content), mimetype)
                   for filename, content, mimetype in attachments]
    channels = tuple(channels)
    unknown = set(channels) - set(Channel.values)
    if unknown:
        raise ValueError(f"Unknown channel(s): {', '.join(sorted(unknown))}")
    if recipient is not None:
        email = email or recipient.email
        language = language or recipient.preferred_language
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language: {language}")
    number = ""
    if Channel.SMS in channels:
        number = _number(phone, explicit=True) if phone else _number(getattr(recipient, "phone", ""))
    related_fields = {}
    if related is not None:
        related_fields = {"content_type": ContentType.objects.get_for_model(related), "object_id": related.pk}
    addresses = {Channel.EMAIL: email, Channel.SMS: number}

    messages = []
    for channel in channels:
        address = addresses[channel]
        if not address:
            logger.info("No %s address for a %s message; that channel is skipped", channel, template)
            continue
        rendered = render_message(template, channel, context or {}, language, recipient)
        message = OutboundMessage.objects.create(
            channel=channel, recipient=address, user=recipient, language=language, template=template,
            subject=rendered.subject[:255], body_text=rendered.text, body_html=rendered.html, **related_fields,
        )
        if channel == Channel.EMAIL and attachments:
            OutboundAttachment.objects.bulk_create(
                OutboundAttachment(message=message, filename=filename, content=content, mimetype=mimetype)
                for filename, content, mimetype in attachments)
        messages.append(message)
    for message in messages:
        send_after_commit(message.pk)
    return messages


def _number(raw: str, explicit: bool = False) -> str:
    """A phone number in international form. An explicit bad number raises; a stored bad one is skipped."""
    if not raw:
        return ""
    try:
        return phones.validate(raw)
    except ValidationError:
        if explicit:
            raise ValueError("Not a phone number that can receive an SMS") from None
        logger.warning("A user's phone number %s cannot receive an SMS", sms.mask(raw))
        return ""


def send_after_commit(message_id: int) -> None:
    from .tasks import send_message

    # robust: a broker that is down must not fail the caller after its commit; send_pending picks the row up.
    transaction.on_commit(lambda: send_message.delay(message_id), robust=True)


def _claim(message_id: int) -> datetime.datetime | None:
    now = timezone.now()
    claimed = (
        OutboundMessage.objects.filter(pk=message_id, status=MessageStatus.QUEUED)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
        .update(claimed_at=now, attempts=F("attempts") + 1, next_attempt_at=None)
    )
    return now if claimed else None


def deliver(message_id: int) -> bool:
    """Send one queued message. Returns False when there was nothing to do (sent, failed, or claimed by another).

    Raises DeliveryFailed when the transport refused it; `final` says whether it was the last attempt.
    """
    claim = _claim(message_id)
    if claim is None:
        return False
    mine = OutboundMessage.objects.filter(pk=message_id, claimed_at=claim)
    message = OutboundMessage.objects.get(pk=message_id)
    try:
        transport(message)
    except Exception as exc:
        final = message.attempts >= MAX_ATTEMPTS
        retry_in = backoff(message.attempts)
        mine.update(claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000],
                    status=MessageStatus.FAILED if final else MessageStatus.QUEUED,
                    next_attempt_at=None if final else timezone.now() + datetime.timedelta(seconds=retry_in))
        log = logger.error if final else logger.warning
        log("Message %s (%s) attempt %s failed: %s", message_id, message.channel, message.attempts, type(exc).__name__)
        raise DeliveryFailed(message_id, exc, final, retry_in) from exc
    mine.update(status=MessageStatus.SENT, sent_at=timezone.now(), claimed_at=None, last_error="", next_attempt_at=None)
    return True


def transport(message: OutboundMessage) -> None:
    if message.channel == Channel.SMS:
        sms.send_sms(message.recipient, message.body_text)
        return
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=[message.recipient],
        reply_to=_reply_to(), headers={"Auto-Submitted": "auto-generated", "Content-Language": message.language},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments.all():
        email.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    email.send(fail_silently=False)


def _reply_to() -> list[str]:
    from eloket.city.reference import city_profile

    city = city_profile()
    return [city.email] if city and city.email else []


def pending_ids(limit: int = 500) -> list[int]:
    """Queued messages whose task got lost: older than a minute, due, and not held by a live worker."""
    now = timezone.now()
    return list(
        OutboundMessage.objects.filter(status=MessageStatus.QUEUED, created__lt=now - PENDING_AFTER)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
        .order_by("created").values_list("pk", flat=True)[:limit]
    )


def send_again(messages) -> int:
    """Queue failed messages (a queryset) once more with a fresh set of attempts; used by the admin action."""
    with transaction.atomic():
        ids = list(messages.filter(status=MessageStatus.FAILED).values_list("pk", flat=True))
        OutboundMessage.objects.filter(pk__in=ids, status=MessageStatus.FAILED).update(
            status=MessageStatus.QUEUED, attempts=0, next_attempt_at=None, claimed_at=None)
        for message_id in ids:
            send_after_commit(message_id)
    return len(ids)
