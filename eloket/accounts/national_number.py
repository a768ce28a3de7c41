"""Belgian national register numbers: validated with python-stdnum, stored encrypted, shown masked."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.be import nn
from stdnum.exceptions import ValidationError as StdnumError


def validate(raw: str) -> str:
    """Return the 11 digits of a valid national number, or raise a clear ValidationError."""
    try:
        return nn.validate(raw)
    except StdnumError:
        raise ValidationError(
            _("This is not a valid national register number. It has 11 digits, as on the back of your eID."),
            code="invalid_national_number",
        ) from None


def mask(number: str) -> str:
    """Only the last two digits stay visible: '93051822361' -> '••.••.••-•••.61'."""
    if not number:
        return ""
    return f"••.••.••-•••.{number[-2:]}"


def _fernet() -> Fernet:
    key = settings.FIELD_ENCRYPTION_KEY
    if not key:
        # Derive a stable key from SECRET_KEY so a demo works without extra setup.
        key = base64.urlsafe_b64encode(hashlib.sha256(("national-number:" + settings.SECRET_KEY).encode()).digest())
    return Fernet(key)


def encrypt(number: str) -> str:
    return _fernet().encrypt(number.encode()).decode() if number else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
