"""The enforcement API for scan cars and wardens' handhelds, at /api/v1/enforcement/.

Every call carries `Authorization: Bearer <device token>` (made in the admin, shown once). Every check is logged.

- `GET check?plate=1-ABC-123&zone=C1&time=2026-03-02T10:00:00%2B01:00` (or `lat=…&lon=…` instead of `zone`, where
  zones have an outline; `time` defaults to now, a time without offset is Brussels time): may the plate park there?
- `POST check` with `{"checks": [{"plate", "zone" | "lat" and "lon", "time"}, …]}`, at most 1,000: the same answers,
  in the same order, from a fixed number of queries.
- `POST observations`: JSON (not multipart, so a retry is the very same body) with the photos as base64 JPEG or PNG.
  Stored once per device and `external_id`; then decided at once: `allowed`, `retribution` (a case was issued) or
  `not_issued` with the reason. 201 when new; 200 with the first answer when the same observation comes again.
"""

import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import BaseModel

from eloket.api.errors import ApiError
from fines import numbers

from . import devices, enforcement, observations, reference
from .refusals import SessionRefused

MAX_CHECKS = 1000


class DeviceToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        return devices.device_for(token)


router = Router(auth=DeviceToken())


# The check's schemas are plain pydantic models: django-ninja's Schema wraps every object it validates for Django
# attribute access, 2,000 times for a batch of 1,000 checks (in and out), which showed in its time.
class CheckIn(BaseModel):
    plate: str = Field(..., max_length=40, description="Number plate; separators and case do not matter.")
    zone: str = Field("", max_length=12, description="Zone code, for example C1.")
    lat: float | None = Field(None, description="WGS84 latitude, with lon instead of a zone.")
    lon: float | None = Field(None, description="WGS84 longitude, with lat instead of a zone.")
    time: datetime.datetime | None = Field(None, description="When the car was seen; default now.")


class CheckOut(BaseModel):
    plate: str
    zone: str | None = Field(description="The zone the answer is about; null outside every zone.")
    time: datetime.datetime
    allowed: bool
    right: str = Field(description="session, disc, resident, disability, care_provider, visitor, free or no_zone; "
                                   "empty when not allowed.")
    label: str
    until: datetime.datetime | None = Field(description="When the right ends; null when no end is known.")
    grace_until: datetime.datetime | None = Field(
        description="Not allowed, but still within the time to register: check again after this time.")


class CheckBatchIn(BaseModel):
    checks: list[CheckIn]


class CheckBatchOut(BaseModel):
    results: list[CheckOut]


class EnforcementError(Schema):
    code: str
    detail: str


def _item(data: CheckIn) -> enforcement.Item:
    return enforcement.item(data.plate, zone=data.zone, lat=data.lat, lon=data.lon, at=data.time)


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return enforcement.local_time(moment) if moment is not None else None  # Brussels time, as the labels say it


def _out(entry: enforcement.Item, answer: enforcement.Answer) -> dict:
    return {"plate": entry.plate, "zone": answer.zone.code if answer.zone is not None else None,
            "time": _local(entry.at), "allowed": answer.allowed, "right": answer.right, "label": answer.label,
            "until": _local(answer.until), "grace_until": _local(answer.grace_until)}


ERRORS = {400: EnforcementError, 401: EnforcementError}


@router.get("check", response={200: CheckOut, **ERRORS}, summary="Check one plate")
def check_one(request, query: Query[CheckIn]):
    """May the plate park in the zone (or at the position) at the time? Which right, until when; or, without one,
    until when the time to register runs (`grace_until`): pass again after it. Logged."""
    try:
        entry = _item(query)
    except SessionRefused as refusal:
        raise ApiError(400, refusal.code, refusal.message) from None
    answer = enforcement.check_many([entry], device=request.auth)[0]
    return _out(entry, answer)


@router.post("check", response={200: CheckBatchOut, **ERRORS}, summary="Check up to 1,000 plates")
def check_batch(request, payload: CheckBatchIn):
    """Up to 1,000 checks, answered in the same order; one invalid check refuses the request (`checks.<index>`
    names it) and nothing is logged. Logged otherwise."""
    if len(payload.checks) > MAX_CHECKS:
        raise ApiError(400, "too_many", f"At most {MAX_CHECKS} checks per request.")
    entries, errors = [], {}
    for index, data in enumerate(payload.checks):
        try:
            entries.append(_item(data))
        except SessionRefused as refusal:
            errors.setdefault(refusal.code, {})[f"checks.{index}"] = [str(refusal.message)]
    if errors:
        code = next(iter(errors)) if len(errors) == 1 else "invalid"
        fields = {name: messages for by_code in errors.values() for name, messages in by_code.items()}
        raise ApiError(400, code, "Some checks are not valid.", fields)
    answers = enforcement.check_many(entries, device=request.auth)
    return {"results": [_out(entry, answer) for entry, answer in zip(entries, answers, strict=True)]}


class HolderIn(Schema):
    """The plate holder as the enforcement operator's DIV look-up gives it."""

    name: str = Field(..., max_length=200)
    is_company: bool = False
    birth_date: datetime.date | None = None
    street: str = Field(..., max_length=200)
    postal_code: str = Field(..., max_length=10)
    municipality: str = Field(..., max_length=80)
    country: str = Field("BE", max_length=2)


class PhotoIn(Schema):
    content: str = Field(..., description="The JPEG or PNG file, base64.")
    taken_at: datetime.datetime | None = None


class ObservationIn(Schema):
    external_id: str = Field(..., max_length=100, description="The device's own id: sending it again changes nothing.")
    plate: str = Field(..., max_length=40)
    country: str = Field("BE", max_length=2)
    zone: str = Field(..., max_length=12)
    time: datetime.datetime
    place: str = Field("", max_length=200, description="Street and number, or a description of the place.")
    photos: list[PhotoIn] = Field(default_factory=list)
    holder: HolderIn | None = Field(None, description="Without it no retribution is issued (reason: holder unknown).")


class ObservationOut(Schema):
    id: int
    external_id: str
    result: Literal["allowed", "retribution", "not_issued", ""]
    reason: str
    notice_number: str | None


def _observation_out(observation) -> dict:
    return {"id": observation.pk, "external_id": observation.external_id, "result": observation.result,
            "reason": observation.reason,
            "notice_number": numbers.display(observation.case.notice_number) if observation.case_id else None}


@router.post("observations", response={200: ObservationOut, 201: ObservationOut, **ERRORS}, summary="Record an observation")
def observe(request, payload: ObservationIn):
    """Store what the device saw and decide it: `allowed`, `retribution` (with the notice number) or `not_issued`
    with the reason (within the grace period, holder unknown, the city's limits). 201 when new; the same
    `external_id` again answers 200 with the first result and issues nothing."""
    device = request.auth
    zone = reference.reference().zone(payload.zone)
    if zone is None:
        raise ApiError(400, "unknown_zone", "This zone does not exist or is no longer in use.")
    try:
        photos = [observations.decode_photo(photo.content, photo.taken_at) for photo in payload.photos]
        observation, created = observations.record(
            device, external_id=payload.external_id, plate=payload.plate, country=payload.country, zone=zone,
            observed_at=payload.time, place=payload.place, photos=photos,
            holder=payload.holder.model_dump() if payload.holder is not None else None)
    except SessionRefused as refusal:
        raise ApiError(400, refusal.code, refusal.message) from None
    return Status(201 if created else 200, _observation_out(observation))
