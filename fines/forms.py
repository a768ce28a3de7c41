"""Citizen forms of fines: the lookup of a case by notice number and number plate."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from eloket.accounts import plates

from . import numbers


class LookupForm(forms.Form):
    """Checks the form of what was typed; whether a case matches is for fines.lookup (rate limited)."""

    notice_number = forms.CharField(
        label=_("Notice number"), max_length=40,
        help_text=_("At the top of the letter, for example 2026-000123-45. Dashes, dots and spaces do not matter."),
        error_messages={"required": _("Enter the notice number from the letter.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}))
    plate = forms.CharField(
        label=_("Number plate"), max_length=20,
        help_text=_("The number plate of the vehicle, as on the letter, for example 1-ABC-123."),
        error_messages={"required": _("Enter the number plate of the vehicle.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}))

    def clean_notice_number(self) -> str:
        text = self.cleaned_data["notice_number"]
        number = numbers.parse(text)
        if number is not None:
            return number
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) != 12 or not digits.isascii() or any(ch.isalpha() for ch in text):
            raise ValidationError(_("A notice number has 12 digits, for example 2026-000123-45. Check what you typed."),
                                  code="format")
        raise ValidationError(_("This is not a valid notice number: one of the digits is probably mistyped. Check it "
                                "against the letter."), code="check_digits")

    def clean_plate(self) -> str:
        return plates.validate(self.cleaned_data["plate"])
