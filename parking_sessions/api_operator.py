"""The operator API for parking apps at /api/v1/operator/, as parkkihubi's operator API v1 for parkings, so an operator
that speaks it connects unchanged:

- `POST parking/` creates a parking (201 with the Parking object, its `id` a uuid);
- `PATCH parking/{id}/` changes it (after the edit window only `time_end`, else 403 `grace_period_over`), `PUT`
  replaces it and `DELETE` removes it within the window; `POST parking/{id}/?method=PATCH|PUT|DELETE` does the same for
  clients that can only POST;
- every call carries `Authorization: ApiKey <key>`; an operator sees and changes its own parkings only (404 otherwise).

Added to parkkihubi: an `Idempotency-Key` header (a retried request returns the same parking, never a second one; the
same key with another body is 409 `idempotency_key_reused`), and `POST parking/batch/` for up to 1,000 parkings.

A parking is stored before the answer and becomes a session in a worker within about a second.
"""

import datetime
import json
from typing import Annotated, Any, Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.security import APIKeyHeader
from pydantic import ValidationError as PydanticValidationError
from pydantic import WithJsonSchema, field_validator

from eloket.api.errors import ApiError

from . import operators
from .refusals import SessionRefused

STATUS = {"grace_period_over": 403, "idempotency_key_reused": 409, "parking_refused": 409}


class OperatorKey(APIKeyHeader):
    """`Authorization: ApiKey <key>` (the key made in the admin, shown once)."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None):
        scheme, _sep, token = (key or "").partition(" ")
        if scheme.lower() != "apikey":
            return None
        return operators.operator_for_key(token.strip())


router = Router(auth=OperatorKey())


class Location(Schema):
    """A GeoJSON Point: WGS84 longitude and latitude, in that order."""

    type: Literal["Point"]
    coordinates: list[float] = Field(..., min_length=2, max_length=2, examples=[[5.5001, 50.9655]])

    @field_validator("coordinates")
    @classmethod
    def on_earth(cls, value: list[float]) -> list[float]:
        if not (-180 <= value[0] <= 180 and -90 <= value[1] <= 90):
            raise ValueError("Give a longitude between -180 and 180 and a latitude between -90 and 90.")
        return value


REGISTRATION_NUMBER = Field(..., min_length=1, max_length=20, description="Registration number of the parked vehicle.")
TIME_START = Field(..., description="Start time of the parking; a time without offset is Belgian time.")
TIME_END = Field(None, description="End time of the parking; null while it runs.")
ZONE = Field(None, description="Zone code, for example C1 (an integer is accepted too). May be left out for a disc "
                               "parking whose location lies in a zone with an outline.")
TERMINAL = Field("", max_length=40, description="Payment terminal number, if bought at a terminal.")
DOMAIN = Field(None, max_length=10, description="Enforcement domain code: accepted for compatibility and ignored.")
IS_DISC = Field(False, description="A parking-disc parking (blue zone).")


class ParkingIn(Schema):
    """A parking as parkkihubi's operator API takes it."""

    registration_number: str = REGISTRATION_NUMBER
    time_start: datetime.datetime = TIME_START
    time_end: datetime.datetime | None = TIME_END
    zone: str | int | None = ZONE
    location: Location | None = None
    terminal_number: str = TERMINAL
    domain: str | None = DOMAIN
    is_disc_parking: bool = IS_DISC

    model_config = {"json_schema_extra": {"examples": [
        {"location": {"type": "Point", "coordinates": [5.5001, 50.9655]}, "registration_number": "1-ABC-123",
         "time_start": "2026-03-02T09:00:00Z", "time_end": "2026-03-02T10:00:00Z", "domain": "GNK", "zone": "C1"},
        {"registration_number": "1-ABC-123", "time_start": "2026-03-02T09:00:00Z", "is_disc_parking": True,
         "domain": "GNK", "zone": "B1"},
    ]}}


class ParkingPatch(Schema):
    """The fields to change; after the edit window only `time_end`."""

    registration_number: str | None = Field(None, min_length=1, max_length=20)
    time_start: datetime.datetime | None = None
    time_end: datetime.datetime | None = TIME_END
    zone: str | int | None = ZONE
    location: Location | None = None
    terminal_number: str | None = Field(None, max_length=40)
    domain: str | None = DOMAIN
    is_disc_parking: bool | None = None

    model_config = {"json_schema_extra": {"examples": [{"time_end": "2026-03-02T11:00:00Z"}]}}


class ParkingOut(Schema):
    """The Parking object; `is_disc_parking` is present only when true, as in parkkihubi."""

    id: UUID
    status: Literal["valid", "not_valid"]
    created_at: datetime.datetime
    modified_at: datetime.datetime
    registration_number: str
    time_start: datetime.datetime
    time_end: datetime.datetime | None
    zone: str | None
    location: Location | None = None
    terminal_number: str = ""
    domain: str | None = None
    is_disc_parking: bool = False


def _inline(schema: dict, definitions: dict | None = None):
    """A JSON schema with its $refs replaced by what they point to, for documenting raw items as ParkingIn."""
    definitions = schema.get("$defs", {}) if definitions is None else definitions
    if isinstance(schema, list):
        return [_inline(item, definitions) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return _inline(definitions[schema["$ref"].rsplit("/", 1)[-1]], definitions)
    return {key: _inline(value, definitions) for key, value in schema.items() if key != "$defs"}


# Items are read one by one (a bad one is answered in its place, not with a 400 for all), documented as ParkingIn.
RawParking = Annotated[dict[str, Any], WithJsonSchema(_inline(ParkingIn.model_json_schema()))]


class BatchIn(Schema):
    parkings: list[RawParking] = Field(..., description=f"At most {operators.MAX_BATCH} parkings, each as for "
                                                        "POST parking/.")


class BatchItemOut(Schema):
    """A Parking object, or `errors` (field messages, as a 400 would give) for an item that was not stored."""

    id: UUID | None = None
    status: Literal["valid", "not_valid"] | None = None
    created_at: datetime.datetime | None = None
    modified_at: datetime.datetime | None = None
    registration_number: str | None = None
    time_start: datetime.datetime | None = None
    time_end: datetime.datetime | None = None
    zone: str | None = None
    location: Location | None = None
    terminal_number: str | None = None
    domain: str | None = None
    is_disc_parking: bool | None = None
    code: str | None = None
    errors: dict[str, list[str]] | None = None


class BatchOut(Schema):
    results: list[BatchItemOut] = Field(description="One per parking sent, in the same order.")
    stored: int = Field(description="Parkings stored (new ones and retried ones).")
    refused: int = Field(description="Items with errors, not stored.")


class ErrorOut(Schema):
    code: str
    detail: str


IDEMPOTENCY_KEY = Header(None, alias="Idempotency-Key", description="Any string of at most 90 characters; a retry "
                                                                    "with the same key and body returns the first answer.")


def _refused(refusal: SessionRefused):
    return ApiError(STATUS.get(refusal.code, 400), refusal.code, refusal.message)


def _invalid(invalid: operators.Invalid):
    return ApiError(400, "invalid", "The request is not valid.", fields=invalid.fields)


def _parking_id(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise Http404("No such parking.") from None


@router.post("parking/", response={201: ParkingOut, 400: dict, 401: ErrorOut, 409: ErrorOut}, exclude_unset=True,
             summary="Create a new parking", operation_id="createParking")
def create_parking(request, payload: ParkingIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    try:
        accepted = operators.accept_create(request.auth, payload.model_dump(), idempotency_key)
    except operators.Invalid as invalid:
        raise _invalid(invalid) from None
    except SessionRefused as refusal:
        raise _refused(refusal) from None
    return Status(201, accepted.parking)


@router.post("parking/batch/", response={200: BatchOut, 400: dict, 401: ErrorOut}, exclude_unset=True,
             summary="Create up to 1,000 parkings", operation_id="createParkings")
def create_parkings(request, payload: BatchIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    items = payload.parkings
    if len(items) <= operators.MAX_BATCH:  # a longer batch is refused as a whole: no need to read its items
        items = [_read(ParkingIn, item) for item in items]
    try:
        results = operators.accept_batch(request.auth, items, idempotency_key)
    except SessionRefused as refusal:
        raise _refused(refusal) from None
    refused = sum(1 for result in results if "errors" in result)
    return {"results": results, "stored": len(results) - refused, "refused": refused}


def _read(schema: type[Schema], item) -> dict | operators.Invalid:
    """One item checked against the schema: its fields as given, or Invalid with the field messages."""
    try:
        return schema.model_validate(item).model_dump(exclude_unset=schema is ParkingPatch)
    except PydanticValidationError as error:
        fields: dict[str, list[str]] = {}
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"]) or "non_field_errors"
            fields.setdefault(name, []).append(problem["msg"])
        return operators.Invalid(fields)


def _change(request, parking_id: str, method: str, data: dict, idempotency_key: str | None):
    try:
        accepted = operators.accept_change(request.auth, _parking_id(parking_id), method, data, idempotency_key)
    except operators.Invalid as invalid:
        raise _invalid(invalid) from None
    except SessionRefused as refusal:
        raise _refused(refusal) from None
    return Status(204, None) if accepted is None else Status(200, accepted.parking)


CHANGE_RESPONSES = {200: ParkingOut, 400: dict, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
DELETE_RESPONSES = {204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.patch("parking/{parking_id}/", response=CHANGE_RESPONSES, exclude_unset=True,
              summary="Partial update a parking by its ID", operation_id="updateParkingById")
def update_parking(request, parking_id: str, payload: ParkingPatch, idempotency_key: str | None = IDEMPOTENCY_KEY):
    return _change(request, parking_id, "PATCH", payload.model_dump(exclude_unset=True), idempotency_key)


@router.put("parking/{parking_id}/", response=CHANGE_RESPONSES, exclude_unset=True,
            summary="Replace a parking by its ID", operation_id="replaceParkingById")
def replace_parking(request, parking_id: str, payload: ParkingIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    return _change(request, parking_id, "PUT", payload.model_dump(), idempotency_key)


@router.delete("parking/{parking_id}/", response=DELETE_RESPONSES, exclude_unset=True,
               summary="Delete a parking by its ID", operation_id="deleteParkingById")
def delete_parking(request, parking_id: str, idempotency_key: str | None = IDEMPOTENCY_KEY):
    return _change(request, parking_id, "DELETE", {}, idempotency_key)


class Override(Schema):
    method: str = Field(..., max_length=10, description="The method this POST stands for: PATCH, PUT or DELETE.")


@router.post("parking/{parking_id}/", response={**CHANGE_RESPONSES, **DELETE_RESPONSES}, exclude_unset=True,
             summary="Method override: PATCH, PUT or DELETE a parking with a POST", operation_id="overrideParkingById",
             description="For clients that can only POST: the JSON body is that of the method named in `method`.")
def override_parking(request, parking_id: str, query: Query[Override], idempotency_key: str | None = IDEMPOTENCY_KEY):
    method = query.method.upper()
    if method not in ("PATCH", "PUT", "DELETE"):
        raise ApiError(400, "invalid_method", "The method override must be PATCH, PUT or DELETE.")
    if method == "DELETE":
        return _change(request, parking_id, "DELETE", {}, idempotency_key)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise ApiError(400, "invalid", "The body is not JSON.") from None
    data = _read(ParkingPatch if method == "PATCH" else ParkingIn, body)
    if isinstance(data, operators.Invalid):
        raise _invalid(data)
    return _change(request, parking_id, method, data, idempotency_key)
