"""Parking by SMS the way 4411 works: `<ZONE> <PLATE>` starts, `Q` or `Q <PLATE>` stops, `HELP` explains.

`parse(body)` is the grammar, a pure function that never raises. `apply(inbox_row)` is ingest's handler for an
inbound SMS: it runs inside ingest's transaction, starts or stops sessions through sessions.py and always queues
exactly one reply in Dutch through eloket.notifications, in that same transaction (so a rolled-back run sends
nothing and a processed row has its reply). A message we cannot act on gets an explanation, never an exception.
"""

import datetime
import hashlib
import hmac
import logging
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from eloket.accounts import phone as phones
from eloket.accounts import plates
from eloket.accounts.models import User
from eloket.city.models import PublicHoliday, Zone, ZoneKind
from eloket.notifications import notify
from eloket.notifications.models import Channel as NotificationChannel
from eloket.notifications.models import OutboundMessage

from . import pricing, sessions
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


# --- Processing one inbound SMS ------------------------------------------------------------------

def apply(inbox_row: Inbox) -> None:
    """Act on one inbound SMS and queue its one reply; runs inside ingest's transaction."""
    phone = phones.normalize((inbox_row.payload or {}).get("from", ""))
    if not phones.INTERNATIONAL.match(phone):
        # The API checks the sender; a row without a usable one cannot be answered, so it is never retried.
        raise SessionRefused("The sender's number cannot receive an SMS.", "invalid_sender")
    if _already_answered(inbox_row):
        return
    _serialise_per_phone(phone)
    with translation.override(REPLY_LANGUAGE):
        command = parse((inbox_row.payload or {}).get("body", ""))
        reply = Reply(inbox_row, phone, _citizen(phone))
        at = _received_at(inbox_row)
        if isinstance(command, Start):
            _start(command, at, reply)
        elif isinstance(command, Stop):
            _stop(command, at, reply)
        elif isinstance(command, Help):
            reply.send("parking/sms_help", zones=_zone_codes(), example=_example())
        else:
            reply.refuse(REASONS.get(command.reason, REASONS["not_understood"]), detail=command.detail)
    logger.info("Inbound SMS %s answered (%s)", inbox_row.pk, type(command).__name__)


class Reply:
    """The one reply to an inbound SMS, tied to the inbox row so a second run can see it was sent."""

    def __init__(self, inbox_row: Inbox, phone: str, citizen: User | None):
        self.inbox_row, self.phone, self.citizen = inbox_row, phone, citizen

    def send(self, template: str, **context) -> None:
        notify(self.citizen, template=template, context=context, channels=(NotificationChannel.SMS,), phone=self.phone,
               language=REPLY_LANGUAGE, related=self.inbox_row)

    def refuse(self, message, detail: str = "") -> None:
        self.send("parking/sms_refused", message=message, detail=detail, example=_example())


def _already_answered(inbox_row: Inbox) -> bool:
    """True when this row's reply exists: a second run (a retry after a crash past commit) must not send another."""
    return OutboundMessage.objects.filter(content_type=ContentType.objects.get_for_model(Inbox),
                                          object_id=inbox_row.pk).exists()


def _serialise_per_phone(phone: str) -> None:
    """Two messages from one phone processed at once must not both see "nothing running" (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return  # the SQLite demo runs tasks inline, one at a time
    key = int.from_bytes(hashlib.sha256(f"sms:{phone}".encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _citizen(phone: str) -> User | None:
    """The account that verified this number; none when no one or more than one did."""
    accounts = list(User.objects.filter(phone=phone, phone_verified=True, is_active=True)[:2])
    return accounts[0] if len(accounts) == 1 else None


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


def _running(phone: str, at: datetime.datetime, plate: str = ""):
    sessions_ = ParkingSession.objects.filter(phone=phone, status=SessionStatus.ACTIVE).select_related("zone")
    sessions_ = sessions_.exclude(ends_at__lte=at).order_by("starts_at", "pk")
    return list(sessions_.filter(plate=plate) if plate else sessions_)


def _start(command: Start, at: datetime.datetime, reply: Reply) -> None:
    zone = Zone.objects.filter(code=command.zone, is_active=True).first()
    if zone is None:
        reply.refuse(_("Zone %(zone)s does not exist.") % {"zone": command.zone})
        return
    try:
        # A savepoint: when the new start is refused, the session it replaced keeps running.
        with transaction.atomic():
            replaced = [sessions.stop_session(old, at) for old in _running(reply.phone, at, command.plate)]
            session = sessions.start_session(plate=command.plate, zone=zone, channel=Channel.SMS, starts_at=at,
                                             phone=reply.phone, citizen=reply.citizen, inbox=reply.inbox_row)
    except SessionRefused as refusal:
        reply.refuse(refusal.message)
        return
    reply.send("parking/sms_started", session=session, zone=zone, tariff=_tariff_text(session, at),
               replaced=[_summary(old) for old in replaced])


def _stop(command: Stop, at: datetime.datetime, reply: Reply) -> None:
    running = _running(reply.phone, at, command.plate)
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
        with transaction.atomic():
            stopped = [sessions.stop_session(session, at) for session in running]
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
    try:
        tariff = pricing.tariff_in_force(session.zone, at)
    except SessionRefused:
        tariff = None  # a blue zone without a tariff row keeps the Wegcode's two hours
    max_minutes = (tariff.max_duration_minutes if tariff else None) or (
        pricing.DEFAULT_DISC_MINUTES if session.is_disc or session.zone.kind == ZoneKind.BLUE else None)
    if session.is_disc:
        holidays = frozenset(PublicHoliday.objects.filter(date__gte=timezone.localdate(at)).values_list("date", flat=True))
        until = pricing.disc_until(session.starts_at, pricing.rules_for(tariff) if tariff else None, holidays=holidays)
        return TariffText(max_minutes=max_minutes, disc_until=until)
    if tariff is None:
        return TariffText(max_minutes=max_minutes)
    day = timezone.localdate(at)
    holidays = frozenset(PublicHoliday.objects.filter(date=day).values_list("date", flat=True))
    hours = () if (holidays and tariff.free_on_public_holidays) else tuple(
        f"{row.start:%H:%M}-{row.end:%H:%M}" for row in tariff.hours.all() if row.weekday == day.weekday())
    return TariffText(price_per_hour=tariff.price_per_hour, paid_hours=hours, free_minutes=tariff.free_minutes,
                      free_once_per_day=tariff.free_once_per_day, max_minutes=tariff.max_duration_minutes,
                      free_now=not pricing.is_paid_time(pricing.rules_for(tariff), at, holidays))


def _example() -> str:
    """The start command to show: a real paid zone of this city when there is one."""
    code = (Zone.objects.filter(is_active=True, kind=ZoneKind.PAID).order_by("code").values_list("code", flat=True)
            .first()) or DEFAULT_EXAMPLE_ZONE
    return f"{code} {EXAMPLE_PLATE}"


def _zone_codes() -> list[str]:
    return list(Zone.objects.filter(is_active=True).exclude(kind=ZoneKind.RESIDENT).order_by("code")
                .values_list("code", flat=True)[:12])
