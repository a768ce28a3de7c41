"""Live chat: topics and office hours the city edits, conversations between a citizen (or a guest) and staff, their
messages and attachments, the staff's saved answers, and each conversation's append-only history.

A conversation's status changes only through conversations.py; every change is a `ConversationEvent`.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eloket.city.models import Weekday
from eloket.documents.models import private_storage
from eloket.history import StatusEvent
from eloket.translated import Translated

ANSWER_PERMISSION = "chat.answer_conversation"


class Topic(models.Model):
    """What a citizen can chat about; the city names each in Dutch and English."""

    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    name = Translated()

    class Meta:
        verbose_name = _("chat topic")
        verbose_name_plural = _("chat topics")
        ordering = ["order", "name_nl"]

    def __str__(self):
        return self.name


class OfficeHours(models.Model):
    """One stretch of the week when staff answer live; a weekday may have several (a lunch break between)."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("chat office hours")
        verbose_name_plural = _("chat office hours")
        ordering = ["weekday", "opens"]
        constraints = [models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")),
                                              name="chat_office_hours_close_after_opening")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self):
        super().clean()
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})


class Status(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ACTIVE = "active", _("In conversation")
    CLOSED = "closed", _("Closed")


class Mode(models.TextChoices):
    LIVE = "live", _("Live chat")
    MESSAGE = "message", _("Message (answered by email)")


OPEN_STATUSES = (Status.WAITING, Status.ACTIVE)


class Conversation(models.Model):
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="chat_conversations", verbose_name=_("citizen"))
    # A guest gives a name and an email; a logged-in citizen's come from the account.
    guest_name = models.CharField(_("guest's name"), max_length=160, blank=True)
    guest_email = models.EmailField(_("guest's email"), blank=True)
    # sha256 of the guest's access token; the token itself lives only in the guest's session.
    guest_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nl")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="conversations", verbose_name=_("topic"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING, db_index=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.LIVE)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    created = models.DateTimeField(_("started"), default=timezone.now)
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_activity = models.DateTimeField(_("last activity"), default=timezone.now)
    # Set once by the wait alert (a conditional UPDATE), so the team is alerted once per conversation.
    alerted_at = models.DateTimeField(_("wait alert sent"), null=True, blank=True)
    transcript_sent_at = models.DateTimeField(_("transcript sent"), null=True, blank=True)
    # What it is about, through chat.links: a provider's key and the object's id (a permit, a case, an appointment).
    link_kind = models.CharField(_("about (kind)"), max_length=30, blank=True)
    link_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat conversation")
        verbose_name_plural = _("chat conversations")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "created"])]
        permissions = [("answer_conversation", _("Can answer chat conversations"))]

    def __str__(self):
        return _("Conversation #%(pk)s") % {"pk": self.pk}

    @property
    def is_guest(self) -> bool:
        return self.citizen_id is None

    @property
    def contact_name(self) -> str:
        if self.citizen_id:
            return self.citizen.get_full_name() or self.citizen.email
        return self.guest_name

    @property
    def contact_email(self) -> str:
        return self.citizen.email if self.citizen_id else self.guest_email

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages",
                                     verbose_name=_("conversation"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("author"))
    by_staff = models.BooleanField(_("by staff"), default=False)
    body = models.TextField(_("text"), max_length=4000, blank=True)
    created = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["pk"]
        indexes = [models.Index(fields=["conversation", "id"])]

    def __str__(self):
        return _("Message #%(pk)s") % {"pk": self.pk}


def _attachment_path(instance, filename):
    # A random name: the citizen's file name may hold personal data and never reaches the disk path or a URL.
    return f"chat/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class MessageAttachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments",
                                verbose_name=_("message"))
    file = models.FileField(_("file"), upload_to=_attachment_path, storage=private_storage)
    content_type = models.CharField(_("type"), max_length=40)
    extension = models.CharField(max_length=5, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    name = models.CharField(_("file name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name or f"#{self.pk}"


class SavedAnswer(models.Model):
    """A text staff send often; they pick it in the console and may change it before sending."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), max_length=4000)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("saved answer")
        verbose_name_plural = _("saved answers")
        ordering = ["order", "title"]

    def __str__(self):
        return self.title


class Action(models.TextChoices):
    OPENED = "opened", _("Started")
    TAKEN = "taken", _("Taken")
    HANDED_OVER = "handed_over", _("Handed over")
    CLOSED = "closed", _("Closed")


class ConversationEvent(StatusEvent):
    """Append-only history of a conversation: started, taken, handed over, closed; by whom and when."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events",
                                     verbose_name=_("conversation"))
    action = models.CharField(_("what"), max_length=12, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))

    class Meta(StatusEvent.Meta):
        verbose_name = _("conversation event")
        verbose_name_plural = _("conversation events")


class Console(Conversation):
    """The staff console's entry on the admin index (a proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("live chat console")
        verbose_name_plural = _("live chat console")
        default_permissions = ()
