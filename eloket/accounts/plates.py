"""Number plates: normalise what people type, validate leniently, show it formatted.

Belgian plates since 2010 are N-LLL-DDD; older LLL-DDD and DDD-LLL plates, category
letters, personalised plates and foreign plates are all still on the road, so we accept
anything that could be a plate and refuse only what clearly is not.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SEPARATORS = re.compile(r"[\s\-.·_/]+")
PLATE_CHARS = re.compile(r"^[A-Z0-9]+$")
CURRENT_BE = re.compile(r"^([1-9])([A-Z]{3})(\d{3})$")
CATEGORY_BE = re.compile(r"^([A-Z])([A-Z]{3})(\d{3})$")
LEGACY_LETTERS_FIRST = re.compile(r"^([A-Z]{3})(\d{3})$")
LEGACY_DIGITS_FIRST = re.compile(r"^(\d{3})([A-Z]{3})$")
MIN_LENGTH, MAX_LENGTH = 2, 10


def normalize(raw: str) -> str:
    """Upper case without separators or accents: '1-abc-123 ' -> '1ABC123'. Never raises."""
    text = unicodedata.normalize("NFKD", str(raw or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return SEPARATORS.sub("", text).upper()


def plate_error(plate: str):
    """The reason a normalised plate is refused, or None when it can be a plate."""
    if not plate:
        return _("Enter a number plate.")
    if not PLATE_CHARS.match(plate) or not plate.isascii():
        return _("A number plate has only letters and digits, for example 1-ABC-123.")
    if len(plate) < MIN_LENGTH:
        return _("This number plate is too short.")
    if len(plate) > MAX_LENGTH:
        return _("This number plate is too long: a plate has at most %(max)d letters and digits.") % {
            "max": MAX_LENGTH
        }
    if len(set(plate)) == 1 and len(plate) > 3:
        return _("This does not look like a number plate. Check what you typed.")
    return None


def validate(raw: str) -> str:
    """Return the normalised plate or raise ValidationError with a clear reason."""
    plate = normalize(raw)
    error = plate_error(plate)
    if error:
        raise ValidationError(error, code="invalid_plate")
    return plate


def is_usual_belgian(plate: str) -> bool:
    """True for the standard Belgian patterns; anything else deserves a second look, not a refusal."""
    return any(p.match(plate) for p in (CURRENT_BE, CATEGORY_BE, LEGACY_LETTERS_FIRST, LEGACY_DIGITS_FIRST))


def display(plate: str, country: str = "BE") -> str:
    """Format a normalised plate the way it is printed: '1ABC123' -> '1-ABC-123'."""
    if country == "BE":
        for pattern in (CURRENT_BE, CATEGORY_BE):
            match = pattern.match(plate)
            if match:
                return "-".join(match.groups())
        for pattern in (LEGACY_LETTERS_FIRST, LEGACY_DIGITS_FIRST):
            match = pattern.match(plate)
            if match:
                return "-".join(match.groups())
    return plate
