from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .zones import house_number_value

STREET_LIST_ID = "street-names"


class ZoneFinderForm(forms.Form):
    """An address to look up; a GET form, so the result has a link people can share."""

    street = forms.CharField(
        label=_("Street"), max_length=120,
        help_text=_("Type the street name, for example Molenstraat. Choose from the list if your browser shows one."),
        error_messages={"required": _("Enter a street name.")},
        widget=forms.TextInput(attrs={"autocomplete": "address-line1", "list": STREET_LIST_ID}),
    )
    house_number = forms.CharField(
        label=_("House number"), max_length=12,
        help_text=_("For example 12 or 12A."),
        error_messages={"required": _("Enter a house number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 8}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"), max_length=10, required=False,
        help_text=_("4 digits, for example 3600."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 6}),
    )

    def clean_street(self):
        value = " ".join(self.cleaned_data["street"].split())
        if not any(ch.isalpha() for ch in value):
            raise ValidationError(_("A street name has letters, for example Molenstraat."))
        return value

    def clean_house_number(self):
        value = self.cleaned_data["house_number"].strip()
        if house_number_value(value) is None:
            raise ValidationError(_("A house number starts with a number, for example 12 or 12A."))
        return value

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if value and not (value.isascii() and value.isdigit() and len(value) == 4):
            raise ValidationError(_("A Belgian postal code has 4 digits, for example 3600."))
        return value
