from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import national_number, phone, plates
from .models import User, Vehicle


class ProfileForm(forms.ModelForm):
    national_number = forms.CharField(
        label=_("National register number"),
        required=False,
        max_length=20,
        help_text=_("11 digits, on the back of your eID. We never show it in full. Leave empty to keep what we have."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    remove_national_number = forms.BooleanField(label=_("Remove my national register number"), required=False)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "street", "house_number", "box", "postal_code", "municipality",
                  "phone", "preferred_language"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
            "municipality": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return phone.validate(value) if value else ""

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if value and not (value.isascii() and value.isdigit() and len(value) == 4):
            raise ValidationError(_("A Belgian postal code has 4 digits, for example 3600."))
        return value

    def clean_national_number(self):
        value = self.cleaned_data["national_number"]
        return national_number.validate(value) if value else ""

    def save(self, commit=True):
        user = super().save(commit=False)
        if "phone" in self.changed_data:
            user.phone_verified = False
        if self.cleaned_data.get("remove_national_number"):
            user.national_number = ""
        elif self.cleaned_data.get("national_number"):
            user.national_number = self.cleaned_data["national_number"]
        if commit:
            user.save()
        return user


class VehicleForm(forms.ModelForm):
    plate = forms.CharField(
        label=_("Number plate"),
        max_length=20,
        help_text=_("As on the plate, for example 1-ABC-123. Dashes and spaces do not matter."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )

    class Meta:
        model = Vehicle
        fields = ["plate", "country", "description"]

    def __init__(self, *args, owner, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)

    def clean_plate(self):
        return plates.validate(self.cleaned_data["plate"])

    def clean(self):
        cleaned = super().clean()
        plate, country = cleaned.get("plate"), cleaned.get("country")
        if plate and country:
            duplicates = self.owner.vehicles.filter(plate=plate, country=country).exclude(pk=self.instance.pk)
            if duplicates.exists():
                self.add_error("plate", _("This vehicle is already in your list."))
        return cleaned

    @property
    def is_unusual(self) -> bool:
        data = self.cleaned_data
        return data.get("country") == "BE" and not plates.is_usual_belgian(data.get("plate", ""))

    def save(self, commit=True):
        vehicle = super().save(commit=False)
        vehicle.owner = self.owner
        if commit:
            vehicle.save()
        return vehicle
