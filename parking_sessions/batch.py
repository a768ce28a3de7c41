"""What a chunk of inbox rows reads once and writes together: ingest.py runs the handlers of a chunk against a Batch.

Processed one by one, a row costs a handful of statements: the look-ups its handler needs and its own INSERTs. A
Batch reads what the handlers of all its rows need with one query per kind of look-up, the first time a handler asks,
and keeps what they make or change (sessions, reply SMS) until flush() writes each kind with one statement. The
replies are handed to the workers after commit as one task per flush, not one per message.

Every session the batch reads or makes is one object (an identity map by primary key), so what an earlier row changed
in memory is what a later row sees: a stop sets the end a later start's free period counts. A handler that must write
through the ORM itself (an operator's change) runs after flush() and is followed by forget(), so the rows after it
read the database again.
"""

import datetime
import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from eloket.accounts import phone as phones
from eloket.accounts import plates
from eloket.accounts.models import User
from eloket.notifications.compose import base_context
from eloket.notifications.models import OutboundMessage

from . import reference
from .models import Inbox, InboxKind, ParkingSession, SessionStatus

Key = tuple[int, str, str]  # (zone id, normalised plate, country): whose free period a session uses


def key(session: ParkingSession) -> Key:
    return session.zone_id, session.plate, session.country


def _midnight(moment: datetime.datetime) -> datetime.datetime:
    day = timezone.localtime(moment).date()
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def phone_of(row: Inbox) -> str:
    """An SMS row's sender in international form, as sms.apply reads it."""
    return phones.normalize((row.payload or {}).get("from", ""))


def phone_lock_key(phone: str) -> int:
    return int.from_bytes(hashlib.sha256(f"sms:{phone}".encode()).digest()[:8], "big", signed=True)


def lock_phones(phone_list: Iterable[str]) -> None:
    """Two messages from one phone processed at once must not both see "nothing running" (PostgreSQL only). The locks
    are taken in one order, so two workers whose chunks share phones wait for each other rather than deadlock."""
    keys = sorted({phone_lock_key(phone) for phone in phone_list})
    if not keys or connection.vendor != "postgresql":
        return  # the SQLite demo runs tasks inline, one at a time
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(k) FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY 1) AS keys",
                       [keys])


class Batch:
    """The look-ups and the pending writes of the rows of one transaction (see the module's docstring)."""

    def __init__(self, rows: Iterable[Inbox]):
        self.rows = list(rows)
        self._made: list[ParkingSession] = []  # new sessions, written by flush()
        self._changed: dict[int, ParkingSession] = {}  # read sessions changed in memory (stopped), by pk
        self._replies: list[OutboundMessage] = []
        self._reply_context: dict[str, dict] = {}
        self.forget()

    def forget(self) -> None:
        """Drop what was read: after a handler wrote through the ORM itself (call flush() before it)."""
        self._by_pk: dict[int, ParkingSession] = {}
        self._by_key: dict[Key, list[ParkingSession]] = defaultdict(list)
        self._loaded: dict[Key, datetime.datetime] = {}  # key -> earliest midnight whose stays are read
        self._sms: _SmsLookups | None = None

    # --- Sessions -------------------------------------------------------------------------------

    def _known(self, session: ParkingSession) -> ParkingSession:
        """The one object for this session: the one read or made before, else this one (registered)."""
        if session.pk is not None and session.pk in self._by_pk:
            return self._by_pk[session.pk]
        if session.pk is not None:
            self._by_pk[session.pk] = session
        self._by_key[key(session)].append(session)
        return session

    def add_session(self, session: ParkingSession) -> None:
        """A new session, inserted with the others by flush()."""
        self._made.append(session)
        self._known(session)

    def changed(self, session: ParkingSession) -> None:
        """A session changed in memory: `made` ones are inserted as they are, read ones updated by flush()."""
        if session.pk is not None:
            self._changed[session.pk] = session

    def stays(self, zone, plate: str, country: str, start: datetime.datetime) -> list[ParkingSession]:
        """The plate's sessions in the zone (not cancelled) that may have used its free period on the day of `start`,
        as pricing.quote takes them: read with those of every other operator row of the batch in one query."""
        if zone is None:
            return []
        wanted = (zone.pk, plates.normalize(plate), (country or "BE").upper())
        bound = _midnight(start)
        if wanted not in self._loaded or self._loaded[wanted] > bound:
            self._load_stays({wanted: bound, **self._candidates(exclude=self._loaded)})
        return list(self._by_key[wanted])

    def _candidates(self, exclude) -> dict[Key, datetime.datetime]:
        """Whose stays the other rows will ask for: operator parkings, and the running sessions SMS may stop."""
        from .operators import moment  # operators imports this module

        found: dict[Key, datetime.datetime] = {}
        cached = reference.reference()
        for row in self.rows:
            if row.kind != InboxKind.PARKING_CREATE:
                continue
            parking = row.payload or {}
            zone, start = cached.zone(parking.get("zone", "")), moment(parking.get("time_start"))
            if zone is not None and start is not None:
                wanted = (zone.pk, plates.normalize(parking.get("registration_number", "")), "BE")
                found[wanted] = min(found.get(wanted, _midnight(start)), _midnight(start))
        for sessions in (self._sms.running.values() if self._sms else ()):
            for session in sessions:
                found[key(session)] = min(found.get(key(session), _midnight(session.starts_at)),
                                          _midnight(session.starts_at))
        return {wanted: bound for wanted, bound in found.items() if wanted not in exclude}

    def _load_stays(self, wanted: dict[Key, datetime.datetime]) -> None:
        plate_list = sorted({plate for _zone, plate, _country in wanted})
        zone_ids = sorted({zone_id for zone_id, _plate, _country in wanted})
        since = min(wanted.values())
        rows = (ParkingSession.objects.filter(plate__in=plate_list, zone_id__in=zone_ids)
                .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=since)).exclude(status=SessionStatus.CANCELLED)
                .select_related("zone").order_by("starts_at", "pk"))
        for session in rows:
            if key(session) in wanted:
                self._known(session)
        for wanted_key, bound in wanted.items():
            self._loaded[wanted_key] = min(bound, self._loaded.get(wanted_key, bound))

    # --- SMS ------------------------------------------------------------------------------------

    def sms(self) -> "_SmsLookups":
        """What the SMS rows of the batch need about their senders, read (and locked) once for all of them."""
        if self._sms is None:
            self._sms = _SmsLookups.load([row for row in self.rows if row.kind == InboxKind.SMS], self)
        return self._sms

    def reply_context(self, language: str) -> dict:
        """What every message's template may use (the city ...), read once for the batch."""
        if language not in self._reply_context:
            self._reply_context[language] = base_context(language)
        return self._reply_context[language]

    def add_reply(self, message: OutboundMessage) -> None:
        self._replies.append(message)

    # --- Writing --------------------------------------------------------------------------------

    def flush(self) -> None:
        """Write what the handlers made and changed: one INSERT for the new sessions, one UPDATE for the stopped ones,
        one INSERT for the replies, whose delivery is queued as one task after commit."""
        if self._made:
            made, self._made = self._made, []
            insert(made)
            for session in made:
                self._by_pk[session.pk] = session
        if self._changed:
            changed, self._changed = list(self._changed.values()), {}
            now = timezone.now()
            for session in changed:
                session.modified = now
            ParkingSession.objects.bulk_update(changed, ["ends_at", "status", "price", "modified"])
        if self._replies:
            replies, self._replies = self._replies, []
            ids = [message.pk for message in insert(replies)]
            from .tasks import send_replies

            # robust: a broker that is down must not fail the commit; notifications' beat task sends them later.
            transaction.on_commit(functools.partial(send_replies.delay, ids), robust=True)


def insert(objects: list) -> list:
    """INSERT model objects of one kind, as bulk_create does, in one statement with one array parameter per column:
    for a hundred rows of twenty columns, Django's VALUES list (2,000 placeholders to build, quote and parse) took about
    as long as everything else the chunk did. Sets each object's primary key."""
    model = type(objects[0])
    if connection.vendor != "postgresql":  # the SQLite demo
        return model.objects.bulk_create(objects)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    arrays = [[field.get_db_prep_save(field.pre_save(obj, add=True), connection) for obj in objects] for field in fields]
    unnest = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT {columns} FROM unnest({unnest}) "
            f"WITH ORDINALITY AS incoming ({columns}, position) ORDER BY position RETURNING {quote(model._meta.pk.column)}",
            arrays)
        ids = [pk for (pk,) in cursor.fetchall()]
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
    return objects


class _SmsLookups:
    """Per sender of the batch's SMS rows: the account that verified the number, the sessions running from it (locked),
    and which rows were answered already."""

    def __init__(self, answered: set[int], citizens: dict[str, User | None], running: dict[str, list[ParkingSession]]):
        self.answered, self.citizens, self.running = answered, citizens, running

    @classmethod
    def load(cls, rows: list[Inbox], batch: Batch) -> "_SmsLookups":
        phone_list = sorted({phone for row in rows if phones.INTERNATIONAL.match(phone := phone_of(row))})
        answered = set(OutboundMessage.objects.filter(content_type=ContentType.objects.get_for_model(Inbox),
                                                      object_id__in=[row.pk for row in rows])
                       .values_list("object_id", flat=True)) if rows else set()
        if not phone_list:
            return cls(answered, {}, {})
        lock_phones(phone_list)  # before reading what runs from them
        accounts = defaultdict(list)
        for user in User.objects.filter(phone__in=phone_list, phone_verified=True, is_active=True):
            accounts[user.phone].append(user)
        # None when no one or more than one verified the number.
        citizens = {phone: found[0] if len(found) == 1 else None for phone, found in accounts.items()}
        running = defaultdict(list)
        locked = (ParkingSession.objects.select_for_update(of=("self",)).select_related("zone")
                  .filter(phone__in=phone_list, status=SessionStatus.ACTIVE).order_by("starts_at", "pk"))
        for session in locked:
            running[session.phone].append(batch._known(session))
        return cls(answered, citizens, running)
