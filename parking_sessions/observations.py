"""What a scan car or warden saw, and what follows from it: nothing (a right covers it), a retribution, or a note for
staff saying why none was issued.

An observation is stored first, in its own transaction (the same device and external id is always the same row), and
then decided in the same request: the scan car hears the outcome at once, and the plate holder's name and address,
which only the operator's DIV look-up gives and which eloket keeps nowhere but on the case, never have to wait in a
queue. A decision that fails half-way leaves the observation undecided; sending it again decides it.
"""

import base64
import binascii
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from eloket.accounts import plates
from eloket.city.models import Zone
from eloket.uploads import JPEG, MAX_BYTES, PNG, check_upload
from fines import issuing
from fines.amounts import NotIssuable
from fines.models import Case, CaseKind, CaseStatus, EvidenceKind

from . import enforcement
from .models import Device, Observation, ObservationPhoto, ObservationResult
from .refusals import SessionRefused

MAX_PHOTOS = 10
HOLDER_UNKNOWN = "holder unknown"


@dataclass(frozen=True)
class Photo:
    content: bytes
    taken_at: datetime.datetime | None = None


def decode_photo(text: str, taken_at: datetime.datetime | None = None) -> Photo:
    """A base64 JPEG or PNG as sent in the JSON body; raises SessionRefused(code="invalid_photo")."""
    if len(text or "") > MAX_BYTES * 4 // 3 + 4:
        raise SessionRefused(_("A photo is too large."), "invalid_photo")
    try:
        content = base64.b64decode(text or "", validate=True)
    except (binascii.Error, ValueError):
        raise SessionRefused(_("A photo is not valid base64."), "invalid_photo") from None
    return Photo(content, taken_at)


def _checked_photos(photos: list[Photo]) -> list[tuple[ContentFile, str, str, datetime.datetime | None]]:
    if len(photos) > MAX_PHOTOS:
        raise SessionRefused(_("At most %(max)d photos per observation.") % {"max": MAX_PHOTOS}, "too_many_photos")
    checked = []
    for number, photo in enumerate(photos, start=1):
        upload = ContentFile(photo.content, name="photo")
        try:
            result = check_upload(upload, allowed=(JPEG, PNG))
        except ValidationError as error:
            raise SessionRefused(_("Photo %(number)d: %(problem)s") % {
                "number": number, "problem": " ".join(error.messages)}, "invalid_photo") from error
        taken_at = photo.taken_at
        if taken_at is not None and timezone.is_naive(taken_at):
            taken_at = timezone.make_aware(taken_at)
        checked.append((upload, result.content_type, result.extension, taken_at))
    return checked


def record(device: Device, *, external_id: str, plate: str, zone: Zone, observed_at: datetime.datetime,
           country: str = "BE", place: str = "", photos: list[Photo] = (), holder: dict | None = None,
           ) -> tuple[Observation, bool]:
    """Store the observation (or find the one stored before under the same id) and decide it once.

    Returns the observation with its result and whether it is new. Raises SessionRefused for bad input, before
    anything is written.
    """
    external_id = (external_id or "").strip()
    if not external_id or len(external_id) > 100:
        raise SessionRefused(_("Give the observation's own id, at most 100 characters."), "invalid_external_id")
    plate = plates.normalize(plate)
    if plates.plate_error(plate):
        raise SessionRefused(plates.plate_error(plate), "invalid_plate")
    country = (country or "BE").strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise SessionRefused(_("Give the country as two letters, for example BE."), "invalid_country")
    if timezone.is_naive(observed_at):
        observed_at = timezone.make_aware(observed_at)
    if observed_at > timezone.now() + datetime.timedelta(minutes=5):
        raise SessionRefused(_("The time of the observation is in the future."), "invalid_time")
    place = (place or "").strip()
    if len(place) > 200:
        raise SessionRefused(_("The place has at most 200 characters."), "invalid_place")
    checked = _checked_photos(list(photos))
    observation, created = _store(device, external_id, plate, country, zone, observed_at, place, checked)
    if not observation.result:
        with translation.override(settings.LANGUAGE_CODE):  # staff read the reasons: the city's language
            observation = decide(observation, holder=holder, device=device)
    return observation, created


def _store(device, external_id, plate, country, zone, observed_at, place, photos) -> tuple[Observation, bool]:
    stored: list[str] = []
    try:
        with transaction.atomic():
            observation = Observation.objects.create(device=device, external_id=external_id, plate=plate,
                                                     country=country, zone=zone, observed_at=observed_at, place=place)
            for upload, content_type, extension, taken_at in photos:
                photo = ObservationPhoto(observation=observation, content_type=content_type, extension=extension,
                                         taken_at=taken_at)
                photo.file.save("photo", upload, save=False)
                stored.append(photo.file.name)
                photo.save()
    except IntegrityError:
        for name in stored:
            ObservationPhoto.file.field.storage.delete(name)
        existing = Observation.objects.filter(device=device, external_id=external_id).select_related("zone").first()
        if existing is None:
            raise
        return existing, False
    except BaseException:
        for name in stored:
            ObservationPhoto.file.field.storage.delete(name)  # no file without its row
        raise
    return observation, True


def _lock(key: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _half_day(at: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    local = timezone.localtime(at)
    hour = 0 if local.hour < 12 else 12
    start = datetime.datetime.combine(local.date(), datetime.time(hour), local.tzinfo)
    end = (datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(0), local.tzinfo)
           if hour else datetime.datetime.combine(local.date(), datetime.time(12), local.tzinfo))
    return start, end


def half_day_refusal(plate: str, country: str, zone: Zone, observed_at: datetime.datetime) -> str | None:
    """Why no retribution may follow (one already given this half day in this zone), or None. Locks until commit."""
    # City rule: at most one retribution per plate per zone per half day (00:00-12:00, 12:00-24:00), besides the day cap.
    start, end = _half_day(observed_at)
    _lock(f"parking:half-day:{country}:{plate}:{zone.pk}:{start.isoformat()}")
    given = (Case.objects.filter(kind=CaseKind.RETRIBUTION, plate=plate, country=country, zone=zone,
                                 observed_at__gte=start, observed_at__lt=end)
             .exclude(status=CaseStatus.CANCELLED).exists())
    if given:
        return _("This vehicle already has a retribution in zone %(zone)s for this half day.") % {"zone": zone.code}
    return None


def decide(observation: Observation, *, holder: dict | None, device: Device) -> Observation:
    """Check the rights at the time of the observation and issue a retribution when none covers it; decided once."""
    with transaction.atomic():
        locked = Observation.objects.select_for_update(of=("self",)).select_related("zone").get(pk=observation.pk)
        if locked.result:
            return locked
        answer = enforcement.check(locked.plate, locked.zone, locked.observed_at, device=device)
        locked.result, locked.reason, locked.case = _outcome(locked, answer, holder, device)
        locked.save(update_fields=["result", "reason", "case"])
    return locked


def _outcome(observation: Observation, answer: enforcement.Answer, holder: dict | None, device: Device
             ) -> tuple[str, str, Case | None]:
    if answer.allowed:
        return ObservationResult.ALLOWED, answer.label[:300], None
    if answer.grace_until is not None:
        return ObservationResult.NOT_ISSUED, answer.label[:300], None
    if not holder:
        return ObservationResult.NOT_ISSUED, HOLDER_UNKNOWN, None
    refusal = half_day_refusal(observation.plate, observation.country, observation.zone, observation.observed_at)
    if refusal:
        return ObservationResult.NOT_ISSUED, refusal[:300], None
    evidence = [(EvidenceKind.PHOTO, photo.file, photo.taken_at) for photo in observation.photos.all()]
    try:
        case = issuing.issue_retribution(
            plate=observation.plate, country=observation.country, zone=observation.zone,
            observed_at=observation.observed_at, place=observation.place or observation.zone.code, holder=holder,
            evidence=evidence, observed_by=device.name)
    except NotIssuable as refusal:
        return ObservationResult.NOT_ISSUED, str(refusal.message)[:300], None
    finally:
        for _kind, file, _taken_at in evidence:
            file.close()
    return ObservationResult.RETRIBUTION, "", case
