"""Parking by SMS the way 4411 works: `<ZONE> <PLATE>` starts, `Q` or `Q <PLATE>` stops, `HELP` explains.

`parse(body)` is the grammar, a pure function that never raises. `apply(inbox_row, batch)` is ingest's handler for an
inbound SMS: it runs inside ingest's transaction, starts or stops sessions through sessions.py and always queues
exactly one reply in Dutch, an eloket.notifications message written in that same transaction (so a rolled-back run
sends nothing and a processed row has its reply). A message we cannot act on gets an explanation, never an exception.
The senders' accounts and running sessions are read, and the sessions and replies written, once for the whole chunk
of rows (batch.py).
"""

import datetime
import hashlib
import hmac
import logging
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from eloket.accounts import phone as phones
from eloket.accounts import plates
from eloket.accounts.models import User
from eloket.city.models import ZoneKind
from eloket.notifications.compose import render_message
from eloket.notifications.models import Channel as NotificationChannel
from eloket.notifications.models import OutboundMessage

from . import pricing, reference, sessions
from .batch import Batch, phone_of
from .models import Channel, Inbox, InboxKind, ParkingSession, SessionStatus
from .refusals import SessionRefused

logger = logging.getLogger(__name__)

REPLY_LANGUAGE = "nl"
# A command is a few words; a concatenated SMS is at most about 1,600 characters.
MAX_COMMAND_LENGTH = 160
HELP_WORDS = frozenset({"HELP", "INFO", "?", "HULP"})
STOP_WORD = "Q"
ZONE_CODE = re.compile(r"^[A-Z0-9]{1,12}$", re.ASCII)
# Only to choose the explanation: "C1 ???" gets "the plate", "HALLO DAAR" gets "not understood".
ZONE_LIKE = re.compile(r"^[A-Z]{0,3}[0-9]{1,6}$", re.ASCII)
EXAMPLE_PLATE = "1ABC123"
DEFAULT_EXAMPLE_ZONE = "C1"
# The gateway's own receipt time is trusted, but not to start a session further back than this.
MAX_GATEWAY_DELAY = datetime.timedelta(minutes=10)
# Wegcode art. 27.1: without signs saying otherwise, a blue zone allows two hours.


# --- The grammar ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Start:
    zone: str  # upper case, as typed; whether it exists is apply's question
    plate: str  # normalised


@dataclass(frozen=True)
class Stop:
    plate: str = ""  # empty: the sender's running session


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Unknown:
    reason: str  # a code from REASONS
    detail: str = ""  # the plate check's own message, when that is the reason


Command = Start | Stop | Help | Unknown

REASONS = {
    "empty": _("Your message was empty."),
    "too_long": _("Your message is too long for a parking command."),
    "no_plate": _("Your message has a zone but no number plate."),
    "no_zone": _("Put the zone code before the number plate."),
    "invalid_plate": _("We could not read the number plate."),
    "not_understood": _("We did not understand your message."),
}


def _space(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cf":
        return ""  # zero-width and other invisible format characters join what they split
    return " " if category == "Cc" or category[0] == "Z" else ch


def _clean(body: str) -> str:
    """Upper case words separated by single spaces: control characters and separators become spaces."""
    text = unicodedata.normalize("NFKC", str(body or ""))
    text = "".join(_space(ch) for ch in text)
    text = " ".join(text.split()).upper()
    return text.rstrip(". ").strip()


def _plate(words: list[str]) -> tuple[str, str]:
    """The normalised plate from the words after the command, and the reason it is refused ("" when fine)."""
    plate = plates.normalize("".join(words))
    error = plates.plate_error(plate)
    return plate, (str(error) if error else "")


def parse(body: str) -> Command:
    """What an SMS asks for. Never raises: anything it cannot read is Unknown with a reason."""
    if len(str(body or "")) > 4 * MAX_COMMAND_LENGTH:
        return Unknown("too_long")  # checked before the work below, so a huge body costs nothing
    text = _clean(body)
    if not text:
        return Unknown("empty")
    if len(text) > MAX_COMMAND_LENGTH:
        return Unknown("too_long")
    first, *rest = text.split(" ")
    if first in HELP_WORDS:
        return Help()
    if first == STOP_WORD:
        if not rest:
            return Stop()
        plate, error = _plate(rest)
        return Unknown("invalid_plate", error) if error else Stop(plate)
    if not rest and plates.is_usual_belgian(plates.normalize(first)):
        return Unknown("no_zone")
    if not ZONE_CODE.match(first):
        return Unknown("not_understood")
    if not rest:
        return Unknown("no_plate" if ZONE_LIKE.match(first) else "not_understood")
    plate, error = _plate(rest)
    if error:
        return Unknown("invalid_plate", error) if ZONE_LIKE.match(first) else Unknown("not_understood")
    return Start(zone=first, plate=plate)


# --- Accepting an inbound SMS from the gateway ------------------------------------------------------

SOURCE = "sms"
SIGNATURE_SCHEME = "sha256"


def _same(given: str, expected: str) -> bool:
    # Bytes, so a header with odd characters compares as unequal instead of raising TypeError.
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


def valid_token(given: str | None, expected: str) -> bool:
    """The gateway's bearer token; an empty setting accepts nothing."""
    return bool(expected) and bool(given) and _same(given, expected)


def signature(raw_body: bytes, secret: str) -> str:
    """The X-Signature header value the gateway sends for this body."""
    return f"{SIGNATURE_SCHEME}=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()


def valid_signature(raw_body: bytes, header: str | None, secret: str) -> bool:
    """`sha256=<hex HMAC-SHA256 of the raw body>`, compared in constant time; an empty secret accepts nothing."""
    if not secret or not header:
        return False
    scheme, _sep, given = header.strip().partition("=")
    if scheme.strip().lower() != SIGNATURE_SCHEME:
        return False
    return _same(given.strip().lower(), signature(raw_body, secret).partition("=")[2])


def storable(text: str) -> str:
    """PostgreSQL's JSON cannot hold NUL or a lone surrogate; neither means anything in a command."""
    return str(text).replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def accept(message_id: str, payload: dict) -> tuple[Inbox, bool]:
    """Store an inbound SMS once per gateway message id: (row, True) when new, (the first row, False) on a retry."""
    payload = {key: storable(value) if isinstance(value, str) else value for key, value in payload.items()}
    try:
        with transaction.atomic():
            return Inbox.objects.create(kind=InboxKind.SMS, source=SOURCE, external_id=message_id, payload=payload), True
    except IntegrityError:
        existing = Inbox.objects.filter(source=SOURCE, external_id=message_id).first()
        if existing is None:
            raise
        return existing, False


# --- Processing inbound SMS ----------------------------------------------------------------------

def apply(inbox_row: Inbox, batch: Batch | None = None) -> None:
    """Act on one inbound SMS and queue its one reply; runs inside ingest's transaction. With the `batch` of its chunk
    its look-ups and writes are shared with the other rows (batch.py); alone, it reads and writes them itself."""
    alone = batch is None
    batch = Batch([inbox_row]) if alone else batch
    phone = phone_of(inbox_row)
    if not phones.INTERNATIONAL.match(phone):
        # The API checks the sender; a row without a usable one cannot be answered, so it is never retried.
        raise SessionRefused("The sender's number cannot receive an SMS.", "invalid_sender")
    lookups = batch.sms()
    if inbox_row.pk in lookups.answered:
        return  # a second run (a retry after a crash past commit) must not send another reply
    with translation.override(REPLY_LANGUAGE):
        command = parse((inbox_row.payload or {}).get("body", ""))
        reply = Reply(batch, inbox_row, phone, lookups.citizens.get(phone))
        at = _received_at(inbox_row)
        if isinstance(command, Start):
            _start(command, at, reply)
        elif isinstance(command, Stop):
            _stop(command, at, reply)
        elif isinstance(command, Help):
            reply.send("parking/sms_help", zones=_zone_codes(), example=_example())
        else:
            reply.refuse(REASONS.get(command.reason, REASONS["not_understood"]), detail=command.detail)
    lookups.answered.add(inbox_row.pk)
    if alone:
        batch.flush()
    logger.info("Inbound SMS %s answered (%s)", inbox_row.pk, type(command).__name__)


class Reply:
    """The one reply to an inbound SMS, tied to the inbox row so a second run can see it was sent. It is rendered now
    and written with the batch's other replies (as notify() would write it, one row per message)."""

    def __init__(self, batch: Batch, inbox_row: Inbox, phone: str, citizen: User | None):
        self.batch, self.inbox_row, self.phone, self.citizen = batch, inbox_row, phone, citizen

    def send(self, template: str, **context) -> None:
        base = {**self.batch.reply_context(REPLY_LANGUAGE), "recipient": self.citizen}
        text = render_message(template, NotificationChannel.SMS, context, REPLY_LANGUAGE, self.citizen, base=base).text
        self.batch.add_reply(OutboundMessage(
            channel=NotificationChannel.SMS, recipient=self.phone, user=self.citizen, language=REPLY_LANGUAGE,
            template=template, body_text=text, content_type=ContentType.objects.get_for_model(Inbox),
            object_id=self.inbox_row.pk))

    def refuse(self, message, detail: str = "") -> None:
        self.send("parking/sms_refused", message=message, detail=detail, example=_example())


def _received_at(inbox_row: Inbox) -> datetime.datetime:
    """When the citizen sent it: the gateway's time when given and plausible, else when we stored it."""
    stored = inbox_row.received_at or timezone.now()
    given = (inbox_row.payload or {}).get("received_at")
    try:
        moment = parse_datetime(given) if isinstance(given, str) else None
    except ValueError:
        moment = None
    if moment is None:
        return stored
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return min(max(moment, stored - MAX_GATEWAY_DELAY), stored)


def _running(reply: Reply, at: datetime.datetime, plate: str = "") -> list[ParkingSession]:
    """The sessions running from the sender's phone at `at` (of `plate` only, when given), oldest first."""
    running = reply.batch.sms().running.get(reply.phone, [])
    found = [session for session in running if session.status == SessionStatus.ACTIVE
             and not (session.ends_at is not None and session.ends_at <= at) and (not plate or session.plate == plate)]
    return sorted(found, key=lambda session: session.starts_at)


def _end_all(reply: Reply, running: list[ParkingSession], at: datetime.datetime) -> list[ParkingSession]:
    """Stop running sessions in memory (the batch writes them; they are locked since it read them): all or, when one
    is refused, none."""
    before = [(session, session.ends_at, session.status, session.price) for session in running]
    try:
        for session in running:
            stays = reply.batch.stays(session.zone, session.plate, session.country, session.starts_at)
            if sessions.end_session(session, at, stays=stays):
                reply.batch.changed(session)
    except SessionRefused:
        for session, ends_at, status, price in before:
            session.ends_at, session.status, session.price = ends_at, status, price
        raise
    return running


def _start(command: Start, at: datetime.datetime, reply: Reply) -> None:
    zone = reference.reference().zone(command.zone)  # active zones only
    if zone is None:
        reply.refuse(_("Zone %(zone)s does not exist.") % {"zone": command.zone})
        return
    try:
        # Checked before the session it replaces is stopped: when the new start is refused, that one keeps running.
        session = sessions.new_session(plate=command.plate, zone=zone, channel=Channel.SMS, starts_at=at,
                                       phone=reply.phone, citizen=reply.citizen, inbox=reply.inbox_row)
        replaced = _end_all(reply, _running(reply, at, command.plate), at)
    except SessionRefused as refusal:
        reply.refuse(refusal.message)
        return
    reply.batch.add_session(session)
    reply.batch.sms().running.setdefault(reply.phone, []).append(session)
    reply.send("parking/sms_started", session=session, zone=zone, tariff=_tariff_text(session, at),
               replaced=[_summary(old) for old in replaced])


def _stop(command: Stop, at: datetime.datetime, reply: Reply) -> None:
    running = _running(reply, at, command.plate)
    if not running:
        if command.plate:
            message = _("No parking session is running for %(plate)s from this phone number.") % {
                "plate": plates.display(command.plate)}
        else:
            message = _("No parking session is running for this phone number.")
        reply.refuse(message)
        return
    if len(running) > 1 and not command.plate:
        reply.send("parking/sms_choose", running=[_summary(session) for session in running],
                   example=f"{STOP_WORD} {running[0].plate}")
        return
    try:
        stopped = _end_all(reply, running, at)
    except SessionRefused as refusal:
        reply.refuse(refusal.message)
        return
    reply.send("parking/sms_stopped", stopped=[_summary(session) for session in stopped])


@dataclass(frozen=True)
class Summary:
    """What a reply says about one session."""

    plate: str
    zone: str
    is_disc: bool
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    hours: int
    minutes: int
    price: object


def _summary(session: ParkingSession) -> Summary:
    end = session.ends_at or session.starts_at
    minutes = max(int((end - session.starts_at).total_seconds() // 60), 0)
    return Summary(plate=session.plate_display, zone=session.zone.code, is_disc=session.is_disc,
                   starts_at=session.starts_at, ends_at=session.ends_at, hours=minutes // 60, minutes=minutes % 60,
                   price=session.price)


@dataclass(frozen=True)
class TariffText:
    """The tariff as the start reply tells it: a price and today's paid hours, or the disc's limit."""

    price_per_hour: object = None
    paid_hours: tuple[str, ...] = ()
    free_minutes: int = 0
    free_once_per_day: bool = False
    free_now: bool = False
    max_minutes: int | None = None
    disc_until: datetime.datetime | None = None


def _tariff_text(session: ParkingSession, at: datetime.datetime) -> TariffText:
    """From the reference data cached in this process (reference.py): no query."""
    cached = reference.reference()
    day = timezone.localdate(at)
    rules = cached.rules(session.zone, day)  # None: a blue zone without a tariff keeps the Wegcode's two hours
    max_minutes = (rules.max_duration_minutes if rules else None) or (
        pricing.DEFAULT_DISC_MINUTES if session.is_disc or session.zone.kind == ZoneKind.BLUE else None)
    if session.is_disc:
        until = pricing.disc_until(session.starts_at, rules, holidays=cached.holidays)
        return TariffText(max_minutes=max_minutes, disc_until=until)
    if rules is None:
        return TariffText(max_minutes=max_minutes)
    holiday = day in cached.holidays
    hours = () if (holiday and rules.free_on_public_holidays) else tuple(
        f"{start:%H:%M}-{end:%H:%M}" for start, end in rules.hours.get(day.weekday(), ()))
    return TariffText(price_per_hour=rules.price_per_hour, paid_hours=hours, free_minutes=rules.free_minutes,
                      free_once_per_day=rules.free_once_per_day, max_minutes=rules.max_duration_minutes,
                      free_now=not pricing.is_paid_time(rules, at, cached.holidays))


def _example() -> str:
    """The start command to show: a real paid zone of this city when there is one."""
    paid = sorted(code for code, zone in reference.reference().by_code.items() if zone.kind == ZoneKind.PAID)
    return f"{paid[0] if paid else DEFAULT_EXAMPLE_ZONE} {EXAMPLE_PLATE}"


def _zone_codes() -> list[str]:
    return sorted(code for code, zone in reference.reference().by_code.items() if zone.kind != ZoneKind.RESIDENT)[:12]
