"""POST /api/v1/sms/inbound: the SMS gateway hands over one message sent to the city's short number.

The gateway authenticates with a bearer token and signs the raw body (X-Signature); the message is stored in the
inbox before we answer 202, and turned into a session (and a reply SMS) by Celery. Nothing here logs the sender's
number or the text.
"""

import datetime
import json
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from ninja import Field, Header, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import ValidationError as PydanticValidationError
from pydantic import field_validator

from eloket.accounts import phone as phones
from eloket.api.errors import ApiError

from . import sms

logger = logging.getLogger(__name__)

# Ten concatenated SMS parts; anything longer is not a parking command and not worth storing.
MAX_BODY = 1600


class GatewayToken(HttpBearer):
    """`Authorization: Bearer <SMS_INBOUND_TOKEN>`."""

    def __call__(self, request):
        # Not HttpBearer's own: that one logs a malformed header, token and all, in DEBUG.
        scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        return "sms-gateway" if sms.valid_token(token, settings.SMS_INBOUND_TOKEN) else None


def _printable(value: str) -> str:
    if not value:
        raise ValueError("This field may not be blank.")
    if not value.isprintable():
        raise ValueError("Only printable characters are allowed.")
    return value


class InboundSms(Schema):
    """One SMS as the gateway received it."""

    message_id: str = Field(..., min_length=1, max_length=100, examples=["gw-20260312-000123"],
                            description="The gateway's id of this message. A retry with the same id is stored once "
                                        "and answered 200 with the same id.")
    sender: str = Field(..., alias="from", min_length=1, max_length=32, examples=["+32470123456"],
                        description="The sender: E.164 (+32470123456, 0032470123456) or a Belgian mobile number "
                                    "(0470 12 34 56). The reply goes to this number.")
    to: str = Field(..., min_length=1, max_length=20, examples=["4411"], description="The short number it was sent to.")
    body: str = Field(..., max_length=MAX_BODY, examples=["C1 1-ABC-123"],
                      description="The text as typed: `<ZONE> <PLATE>` starts, `Q` or `Q <PLATE>` stops, "
                                  "`HELP` explains. Anything else is answered with an explanation.")
    received_at: datetime.datetime | None = Field(None, examples=["2026-03-12T10:05:00+01:00"],
                                                  description="When the gateway received it (optional; a session "
                                                              "starts then, at most 10 minutes before we got it).")

    @field_validator("message_id", "to")
    @classmethod
    def printable(cls, value: str) -> str:
        return _printable(value.strip())

    @field_validator("sender")
    @classmethod
    def phone_number(cls, value: str) -> str:
        try:
            return phones.validate(_printable(value))
        except ValidationError:
            raise ValueError("Give the sender as +32470123456 or 0470 12 34 56.") from None

    @field_validator("body", mode="before")
    @classmethod
    def storable(cls, value):
        return sms.storable(value) if isinstance(value, str) else value


class Accepted(Schema):
    id: int = Field(..., description="Our id of the stored message (the same for a retry).")
    status: str = Field(..., description='"accepted" when new, "duplicate" for a message id already stored.')


class Error(Schema):
    code: str
    detail: str


router = Router(auth=GatewayToken())

SIGNATURE_HELP = ("`sha256=<hex HMAC-SHA256 of the raw request body, keyed with SMS_INBOUND_SECRET>`. "
                  "Missing or wrong: 403 `bad_signature`.")


@router.post(
    "inbound", url_name="sms_inbound", response={200: Accepted, 202: Accepted, 400: Error, 401: Error, 403: Error,
                                                 413: Error},
    summary="Receive an inbound SMS",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": InboundSms.model_json_schema(by_alias=True)}}}},
)
def inbound(request, x_signature: str | None = Header(None, alias="X-Signature", description=SIGNATURE_HELP)):
    """Store one inbound SMS and answer 202; Celery starts or stops the session and sends the reply in Dutch.

    The signature is checked over the raw body before the body is read as JSON. A message id already stored
    answers 200 with the first message's id and stores nothing new.
    """
    try:
        raw = request.body
    except RequestDataTooBig:
        raise ApiError(413, "too_large", "The request body is too large.") from None
    if not sms.valid_signature(raw, x_signature, settings.SMS_INBOUND_SECRET):
        raise ApiError(403, "bad_signature", "The X-Signature header is missing or does not match the body.")
    message = _message(raw)
    payload = {"message_id": message.message_id, "from": message.sender, "to": message.to, "body": message.body}
    if message.received_at is not None:
        payload["received_at"] = message.received_at.isoformat()
    row, created = sms.accept(message.message_id, payload)
    if not created:
        return Status(200, {"id": row.pk, "status": "duplicate"})
    from . import ingest  # written beside this module; imported on use

    ingest.enqueue(row.pk)
    logger.info("Inbound SMS %s stored", row.pk)
    return Status(202, {"id": row.pk, "status": "accepted"})


def _message(raw: bytes) -> InboundSms:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # also UnicodeDecodeError; RecursionError for absurdly deep nesting
        raise ApiError(400, "invalid_json", "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid", "The body must be a JSON object.")
    try:
        return InboundSms.model_validate(data)
    except PydanticValidationError as exc:
        # Named here, not by errors.py's handler: that one drops a location part called "body" (our text field).
        fields: dict[str, list[str]] = {}
        for error in exc.errors(include_url=False, include_context=False):
            name = ".".join(str(part) for part in error.get("loc", ())) or "non_field_errors"
            fields.setdefault(name, []).append(str(error.get("msg", "Invalid value.")))
        raise ApiError(400, "invalid", "The request is not valid.", fields) from None
