"""Parking-app operators (4411, EasyPark, Yellowbrick ...): their API keys, the parkings they may send (the rules of
parkkihubi's operator API) and how those parkings become sessions.

Accepting a parking validates it and writes one Inbox row in a single INSERT (at most three queries with the key
lookup and an idempotent retry), then enqueues it; a worker later calls apply_create, apply_update or apply_delete
through ingest. The parking's id is the uuid we answer with: the session gets that uuid, and a change is accepted by
looking at the inbox rows of that parking, so it works before a worker has run too.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import Http404
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from eloket.accounts import plates
from eloket.city.models import Zone, ZoneKind

from . import ingest, pricing, reference, sessions
from .batch import Batch
from .credentials import HashedSecrets
from .models import Channel, Inbox, InboxKind, Operator, ParkingSession, SessionStatus
from .refusals import SessionRefused

MAX_BATCH = 1000
MAX_IDEMPOTENCY_KEY = 90  # the inbox's external id is 100 characters; a batch item adds ":<index>"
# Times outside these are typing errors, and would overflow when converted between time zones.
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)
GRACE_PERIOD_OVER = 'Grace period has passed. Only "time_end" can be updated via PATCH.'


# --- API keys ------------------------------------------------------------------------------------

KEYS = HashedSecrets(Operator, "key_hash", "key_prefix")


def make_key(operator: Operator) -> str:
    """Give the operator a new API key (the old one stops working) and return it: the only time it can be seen."""
    return KEYS.make(operator)


def operator_for_key(key: str) -> Operator | None:
    """The active operator with this key, or None; one query, then none for a while in this process (credentials.py)."""
    return KEYS.owner(key)


def forget_keys() -> None:
    KEYS.forget()


# --- What an operator may send -------------------------------------------------------------------

class Invalid(Exception):
    """Field messages in parkkihubi's shape: {"registration_number": ["..."]}."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__(", ".join(fields))
        self.fields = fields


def moment(value) -> datetime.datetime | None:
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)  # a time without offset is Belgian time
    return value


def _iso(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    try:
        return value.astimezone(datetime.UTC).isoformat()
    except (OverflowError, ValueError):  # year 1 or 9999 has no UTC twin: clean() refuses it with a field message
        return value.isoformat()


def _parking_zone(data: dict, errors: dict) -> Zone | None:
    code = str(data.get("zone") if data.get("zone") is not None else "").strip().upper()
    location = data.get("location") or None
    cached = reference.reference()  # zones by code and outline, cached in this process
    if code:
        zone = cached.zone(code)
        if zone is None:
            errors["zone"] = [f'Zone "{code[:12]}" does not exist.']
        return zone
    if location:
        longitude, latitude = location["coordinates"]
        zone = next(iter(cached.zones_at(latitude, longitude)), None)
        if zone is None:
            errors["zone"] = ["No zone lies at this location: give the zone code."]
        return zone
    errors["zone"] = ["This field is required."]
    return None


def clean(data: dict) -> dict:
    """The parking as the inbox keeps it (JSON), from the API's typed fields; raises Invalid with field messages."""
    errors: dict[str, list[str]] = {}
    plate = str(data.get("registration_number") or "").strip()
    with translation.override("en"):
        problem = plates.plate_error(plates.normalize(plate))
        if problem:
            errors["registration_number"] = [str(problem)]
    start, end = moment(data.get("time_start")), moment(data.get("time_end"))
    for name, when in (("time_start", start), ("time_end", end)):
        if when is not None and not EARLIEST <= when <= LATEST:
            errors[name] = ["Give a time between the years 2000 and 2100."]
    if start is None:
        errors["time_start"] = ["This field is required."]
    elif end is not None and end <= start and "time_start" not in errors and "time_end" not in errors:
        errors["time_end"] = ['"time_end" must be after "time_start".']
    is_disc = bool(data.get("is_disc_parking"))
    zone = _parking_zone(data, errors)
    if is_disc and zone is not None and zone.kind == ZoneKind.PAID and "zone" not in errors:
        errors["is_disc_parking"] = [f'Zone "{zone.code}" is a paid zone: a parking disc applies in a blue zone only.']
    if errors:
        raise Invalid(errors)
    return {
        "registration_number": plate, "time_start": _iso(start), "time_end": _iso(end), "zone": zone.code,
        "location": data.get("location") or None, "terminal_number": data.get("terminal_number") or "",
        "domain": data.get("domain"), "is_disc_parking": is_disc,
    }


def _same(stored: dict, given: dict) -> bool:
    """A retry with the same Idempotency-Key must send the same parking (the plate in any notation)."""
    def canonical(parking: dict) -> dict:
        return {**parking, "registration_number": plates.normalize(parking.get("registration_number", ""))}

    return canonical(stored) == canonical(given)


def idempotency_key(header: str | None) -> str:
    key = (header or "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise SessionRefused(f"The Idempotency-Key header must be at most {MAX_IDEMPOTENCY_KEY} printable characters.",
                             "invalid_idempotency_key")
    return key


def source(operator: Operator) -> str:
    return f"operator:{operator.code}"


def view(parking_id, parking: dict, created_at: datetime.datetime, modified_at: datetime.datetime,
         valid: bool = True) -> dict:
    """The Parking object of parkkihubi's operator API; is_disc_parking appears only when true, as there."""
    shown = {"id": parking_id, "status": "valid" if valid else "not_valid", "created_at": created_at,
             "modified_at": modified_at, **parking}
    if not shown.pop("is_disc_parking", False):
        return shown
    return {**shown, "is_disc_parking": True}


# --- Accepting: one INSERT … ON CONFLICT DO NOTHING RETURNING, so a retry lands on the first row --

_INSERT_FIELDS = [field for field in Inbox._meta.concrete_fields if not field.primary_key]


def _insert(rows: list[Inbox]) -> dict[str, int]:
    """Insert the rows in one statement; returns {external_id: id} of those inserted (a known key inserts nothing)."""
    if not rows:
        return {}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in _INSERT_FIELDS)
    values = ", ".join(["(" + ", ".join(["%s"] * len(_INSERT_FIELDS)) + ")"] * len(rows))
    params = [field.get_db_prep_save(field.pre_save(row, add=True), connection) for row in rows for field in _INSERT_FIELDS]
    sql = (f"INSERT INTO {quote(Inbox._meta.db_table)} ({columns}) VALUES {values} "
           f"ON CONFLICT ({quote('source')}, {quote('external_id')}) DO NOTHING RETURNING {quote('id')}, {quote('external_id')}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = {external_id: pk for pk, external_id in cursor.fetchall()}
    for row in rows:
        row.pk = inserted.get(row.external_id)
    return inserted


def _new_row(operator: Operator, kind: str, parking_id, payload: dict, external_id: str) -> Inbox:
    return Inbox(kind=kind, source=source(operator), external_id=external_id, operator=operator, parking_id=parking_id,
                 payload=payload)


@dataclass(frozen=True)
class Accepted:
    parking: dict  # the Parking object to answer with
    created: bool  # False when an earlier request with the same Idempotency-Key made it


def _replayed_create(existing: Inbox | None, payload: dict) -> Accepted:
    if existing is None or existing.kind != InboxKind.PARKING_CREATE or not _same(existing.payload, payload):
        raise SessionRefused("This Idempotency-Key was used before for a different request.", "idempotency_key_reused")
    return Accepted(view(existing.parking_id, existing.payload, existing.received_at, existing.received_at,
                         valid=not (existing.processed_at and existing.error)), created=False)


def accept_create(operator: Operator, data: dict, key: str = "") -> Accepted:
    """Store a new parking (POST parking/) and enqueue it; a retry with the same key returns the first one."""
    payload = clean(data)
    key = idempotency_key(key)
    parking_id = uuid.uuid4()
    row = _new_row(operator, InboxKind.PARKING_CREATE, parking_id, payload, key or str(parking_id))
    if _insert([row]):
        ingest.enqueue(row.pk)
        return Accepted(view(parking_id, payload, row.received_at, row.received_at), created=True)
    return _replayed_create(Inbox.objects.filter(source=row.source, external_id=row.external_id).first(), payload)


def accept_batch(operator: Operator, items: list, key: str = "") -> list[dict]:
    """Store up to MAX_BATCH parkings in one INSERT. `items` holds dicts, or Invalid for an item the API could not
    read; the result has, per item and in order, the Parking object or {"errors": {...}}."""
    if len(items) > MAX_BATCH:
        raise SessionRefused(f"At most {MAX_BATCH} parkings per request; split the batch.", "too_many")
    key = idempotency_key(key)
    results: list[dict] = [{}] * len(items)
    rows: list[tuple[int, Inbox]] = []
    for index, item in enumerate(items):
        try:
            if isinstance(item, Invalid):
                raise item
            payload = clean(item)
        except Invalid as invalid:
            results[index] = {"errors": invalid.fields}
            continue
        parking_id = uuid.uuid4()
        external_id = f"{key}:{index}" if key else str(parking_id)
        rows.append((index, _new_row(operator, InboxKind.PARKING_CREATE, parking_id, payload, external_id)))
    inserted = _insert([row for _, row in rows])
    known = [row.external_id for _, row in rows if row.pk is None]
    earlier = {}
    if known:  # retried items: one more query for the rows the first request made
        earlier = {row.external_id: row for row in Inbox.objects.filter(source=source(operator), external_id__in=known)}
    for index, row in rows:
        if row.pk is not None:
            results[index] = view(row.parking_id, row.payload, row.received_at, row.received_at)
            continue
        try:
            results[index] = _replayed_create(earlier.get(row.external_id), row.payload).parking
        except SessionRefused as refusal:
            results[index] = {"errors": {"non_field_errors": [refusal.message]}, "code": refusal.code}
    ingest.enqueue_many(sorted(inserted.values()))
    return results


def _edit_deadline(created: datetime.datetime) -> datetime.datetime:
    return created + datetime.timedelta(minutes=getattr(settings, "PARKING_OPERATOR_EDIT_MINUTES", 2))


def accept_change(operator: Operator, parking_id, method: str, data: dict, key: str = "") -> Accepted | None:
    """Store a change to one of the operator's parkings: PATCH (the fields given), PUT (all fields) or DELETE
    (answers None). After the edit window only a PATCH of time_end is allowed, as in parkkihubi."""
    key = idempotency_key(key)
    history = list(Inbox.objects.filter(parking_id=parking_id, operator=operator).order_by("pk"))
    create = next((row for row in history if row.kind == InboxKind.PARKING_CREATE), None)
    if create is None:
        raise Http404("No such parking.")
    changes = {name: _iso(value) if isinstance(value, datetime.datetime) else value for name, value in data.items()}
    replay = next((row for row in history if key and row.external_id == key), None)
    if replay is not None:
        return _replayed_change(replay, create, method, changes)
    if history[-1].kind == InboxKind.PARKING_DELETE:
        raise Http404("This parking was deleted.")
    if create.processed_at and create.error:
        raise SessionRefused(f"This parking was refused ({create.error}), so it cannot be changed.", "parking_refused")
    if timezone.now() > _edit_deadline(create.received_at) and (method != "PATCH" or set(data) - {"time_end"}):
        raise SessionRefused(GRACE_PERIOD_OVER, "grace_period_over")
    current = next((row.payload["parking"] for row in reversed(history) if row.kind == InboxKind.PARKING_UPDATE),
                   create.payload)
    parking = None if method == "DELETE" else clean({**current, **data} if method == "PATCH" else data)
    kind = InboxKind.PARKING_DELETE if method == "DELETE" else InboxKind.PARKING_UPDATE
    row = _new_row(operator, kind, parking_id, {"method": method, "changes": changes, "parking": parking},
                   key or str(uuid.uuid4()))
    if not _insert([row]):  # the key was used just now by a concurrent retry, or before for another parking
        earlier = Inbox.objects.filter(source=row.source, external_id=row.external_id).first()
        if earlier is None or earlier.parking_id != create.parking_id:
            raise SessionRefused("This Idempotency-Key was used before for a different request.", "idempotency_key_reused")
        return _replayed_change(earlier, create, method, changes)
    ingest.enqueue(row.pk)
    return None if parking is None else Accepted(view(parking_id, parking, create.received_at, row.received_at), True)


def _replayed_change(row: Inbox, create: Inbox, method: str, changes: dict) -> Accepted | None:
    if row.kind == InboxKind.PARKING_CREATE or row.payload.get("method") != method or row.payload.get("changes") != changes:
        raise SessionRefused("This Idempotency-Key was used before for a different request.", "idempotency_key_reused")
    if row.payload["parking"] is None:
        return None
    return Accepted(view(create.parking_id, row.payload["parking"], create.received_at, row.received_at), created=False)


# --- Applying (ingest's handlers, inside its transaction) ----------------------------------------

def _zone(code: str) -> Zone | None:
    return reference.reference().zone(code) or Zone.objects.filter(code=code).first()


def apply_create(row: Inbox, batch: Batch | None = None) -> None:
    """The parking's session, priced; with the `batch` of its chunk it is written with the others in one INSERT, and
    the free period it leaves is read for all of them at once."""
    parking = row.payload
    zone, start = _zone(parking["zone"]), moment(parking["time_start"])
    stays = batch.stays(zone, parking["registration_number"], "BE", start) if batch is not None else None
    session = sessions.new_session(
        plate=parking["registration_number"], zone=zone, channel=Channel.APP, starts_at=start,
        ends_at=moment(parking["time_end"]), operator=row.operator, inbox=row,
        terminal_number=parking.get("terminal_number") or "", uuid=row.parking_id, stays=stays)
    if batch is None:
        session.save()
    else:
        batch.add_session(session)


def _locked_session(row: Inbox) -> ParkingSession:
    """The parking's session, locked; its create row is processed first when no worker got to it yet."""
    create = (Inbox.objects.select_for_update(of=("self",)).select_related("operator")
              .filter(kind=InboxKind.PARKING_CREATE, parking_id=row.parking_id, operator_id=row.operator_id).first())
    if create is None:
        raise SessionRefused("There is no such parking.", "not_found")
    session = ParkingSession.objects.select_for_update(of=("self",)).filter(inbox=create).first()
    # Without a session, an unprocessed create row is processed now (a chunk marks its rows processed at its end).
    if session is None and create.processed_at is None:
        if not ingest.apply(create):
            raise RuntimeError("The parking itself could not be processed yet")  # retried with this row later
        session = ParkingSession.objects.select_for_update(of=("self",)).filter(inbox=create).first()
    if session is None:
        raise SessionRefused(f"The parking was refused ({create.error}).", "parking_refused")
    return session


def _superseded(row: Inbox) -> bool:
    """True when a later change of the same parking is applied already: workers may take changes out of order."""
    return Inbox.objects.filter(parking_id=row.parking_id, operator_id=row.operator_id, pk__gt=row.pk,
                                kind__in=(InboxKind.PARKING_UPDATE, InboxKind.PARKING_DELETE),
                                processed_at__isnull=False).exists()


def apply_update(row: Inbox, batch: Batch | None = None) -> None:
    """Run alone (ingest flushes the chunk's batch first): it reads and writes the session itself."""
    session = _locked_session(row)
    if _superseded(row):
        return
    if session.status == SessionStatus.CANCELLED:
        raise SessionRefused("The parking was deleted.", "parking_deleted")
    change(session, row.payload["parking"])


def apply_delete(row: Inbox, batch: Batch | None = None) -> None:
    """Run alone, as apply_update."""
    session = _locked_session(row)
    if session.status != SessionStatus.CANCELLED and not _superseded(row):
        session.status = SessionStatus.CANCELLED
        session.save(update_fields=["status", "modified"])


def change(session: ParkingSession, parking: dict) -> None:
    """Put a changed parking over its session and price it again (the session is locked by the caller)."""
    zone = _zone(parking["zone"])
    if zone is None or not zone.is_active:
        raise SessionRefused("This zone does not exist or is no longer in use.", "unknown_zone")
    plate = plates.normalize(parking["registration_number"])
    if plates.plate_error(plate):
        raise SessionRefused(plates.plate_error(plate), "invalid_plate")
    start, end = moment(parking["time_start"]), moment(parking["time_end"])
    if end is not None and end <= start:
        raise SessionRefused("The end of the session must be after its start.", "invalid_time_end")
    is_disc = zone.kind == ZoneKind.BLUE
    price = pricing.ZERO
    if not is_disc and end is not None:
        # The operator reports when the car left: price it even past the maximum, as stop_session does.
        price = pricing.quote(zone, start, end, plate=plate, country=session.country, exclude_session=session.pk,
                              check_max=False).amount
    elif not is_disc:
        pricing.tariff_in_force(zone, start)
    session.plate, session.zone, session.is_disc, session.ends_at, session.price = plate, zone, is_disc, end, price
    session.starts_at = sessions.disc_time(start) if is_disc else start
    session.terminal_number = parking.get("terminal_number") or ""
    session.save(update_fields=["plate", "zone", "is_disc", "starts_at", "ends_at", "price", "terminal_number", "modified"])
