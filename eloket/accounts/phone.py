"""Phone numbers: stored in international form (+32...), so SMS can find the account."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ASCII digits only: a str regex's \d also takes other scripts' digits, which no SMS gateway dials.
INTERNATIONAL = re.compile(r"^\+[1-9][0-9]{7,14}$")


def normalize(raw: str) -> str:
    """'0470 12 34 56' and '0032470123456' become '+32470123456'. Never raises."""
    text = re.sub(r"[\s\-./()]", "", str(raw or ""))
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.startswith("0"):
        text = "+32" + text[1:]
    return text


def validate(raw: str) -> str:
    number = normalize(raw)
    if not INTERNATIONAL.match(number):
        raise ValidationError(
            _("Enter a phone number such as 0470 12 34 56 or +32 470 12 34 56."), code="invalid_phone"
        )
    return number
