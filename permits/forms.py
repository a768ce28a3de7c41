"""Citizen forms for permits: they check what was typed and uploaded; the permit rules decide the rest."""

import datetime

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from eloket.accounts import plates
from eloket.accounts.models import COUNTRIES
from eloket.uploads import check_upload

from . import care, disability, visitors
from .models import PermitDocumentKind, PermitKind, VehicleUse
from .uploads import required_documents

D = PermitDocumentKind

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"

DOCUMENT_HELP = {
    D.REGISTRATION_CERTIFICATE: _("Part I of the registration certificate of the vehicle (the pink or grey card), "
                                  "as a PDF or a photo."),
    D.PERMANENT_USE: _("A statement from your employer or lease company that you use this car permanently."),
    D.AUTHORISATION: _("A power of attorney from the owner, or the insurance document that names you as driver."),
    D.CARD_FRONT: _("A photo or scan of the front of your card, with the card number readable."),
    D.CARD_BACK: _("A photo or scan of the back of your card."),
    D.RECOGNITION: _("Your recognition by RIZIV/INAMI or by the Flemish Agency for Care and Health."),
    D.HOME_VISITS: _("A signed statement that you mainly make home visits in the city."),
    D.ANSWER: _("Optional: a document that goes with your answer."),
}

# What each vehicle use asks for beyond the registration certificate, said once for every form.
USE_EXTRA_DOCUMENT = {VehicleUse.COMPANY: D.PERMANENT_USE, VehicleUse.OTHER_PERSON: D.AUTHORISATION}

STEP_SALT = "permits.apply_resident.step1"
STEP_MAX_AGE = 2 * 60 * 60


class CheckedFileField(forms.FileField):
    """A file whose real content must be a PDF, JPEG or PNG (eloket.uploads); the error says what to do instead."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            check_upload(upload)
        return upload


def document_field(kind: str, *, required: bool = True) -> CheckedFileField:
    return CheckedFileField(label=D(kind).label, help_text=DOCUMENT_HELP.get(kind, ""), required=required,
                            widget=forms.FileInput(attrs={"accept": ACCEPT}))


def vehicle_label(vehicle) -> str:
    return f"{vehicle.plate_display} ({vehicle.description})" if vehicle.description else vehicle.plate_display


class VehicleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, vehicle):
        return vehicle_label(vehicle)


class VehiclesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, vehicle):
        return vehicle_label(vehicle)


def vehicle_field(user, *, exclude=(), label=None) -> VehicleChoiceField:
    queryset = user.vehicles.all()
    for plate, country in exclude:
        queryset = queryset.exclude(plate=plate, country=country)
    return VehicleChoiceField(queryset=queryset, label=label or _("Vehicle"), empty_label=None,
                              help_text=_("One of the vehicles in your account."))


def vehicle_use_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("How do you use this vehicle?"), choices=VehicleUse.choices, initial=VehicleUse.OWN,
        widget=forms.RadioSelect,
        help_text=_("For a company or lease car we ask for an attest of permanent use; for another person's car a "
                    "power of attorney or the insurance document that names you as driver."))


class AddressMixin:
    """Street, number, box, postal code and municipality, prefilled from the citizen's profile."""

    ADDRESS_FIELDS = ("street", "house_number", "box", "postal_code", "municipality")

    def add_address_fields(self):
        self.fields["street"] = forms.CharField(label=_("Street"), max_length=120,
                                                widget=forms.TextInput(attrs={"autocomplete": "address-line1"}))
        self.fields["house_number"] = forms.CharField(label=_("House number"), max_length=12)
        self.fields["box"] = forms.CharField(label=_("Box"), max_length=12, required=False)
        self.fields["postal_code"] = forms.CharField(
            label=_("Postal code"), max_length=10,
            widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}))
        self.fields["municipality"] = forms.CharField(
            label=_("Municipality"), max_length=80, widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not (value.isascii() and value.isdigit() and len(value) == 4):
            raise ValidationError(_("A Belgian postal code has 4 digits, for example 3600."))
        return value


class ResidentStepOneForm(AddressMixin, forms.Form):
    """Step 1 of a resident card: the domicile address, the vehicle and how it is used (nothing is stored yet)."""

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {name: getattr(user, name) for name in self.ADDRESS_FIELDS})
        super().__init__(*args, **kwargs)
        self.user = user
        self.add_address_fields()
        self.fields["street"].help_text = _("Your domicile address: it decides the zone of the card.")
        self.fields["vehicle"] = vehicle_field(user)
        self.fields["vehicle_use"] = vehicle_use_field()

    def address(self) -> dict:
        return {name: self.cleaned_data[name].strip() for name in self.ADDRESS_FIELDS}

    def signed(self) -> str:
        """Step 1 as a signed token for the hidden field of step 2; only this user can send it back."""
        data = {**self.address(), "vehicle": self.cleaned_data["vehicle"].pk,
                "vehicle_use": self.cleaned_data["vehicle_use"], "user": self.user.pk}
        return signing.dumps(data, salt=STEP_SALT, compress=True)


def read_step_one(token: str, user) -> dict | None:
    """The step-1 data of a signed token, or None when it was changed, is too old or belongs to someone else."""
    try:
        data = signing.loads(token or "", salt=STEP_SALT, max_age=STEP_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.pop("user", None) != user.pk:
        return None
    return data


class DocumentsForm(forms.Form):
    """One required upload per document kind the application asks for."""

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind] = document_field(kind)

    def documents(self) -> dict:
        return {name: upload for name, upload in self.cleaned_data.items() if upload}


class DisabilityPlatesMixin:
    """1..N plates: ticked vehicles of the account and typed plates (a guest car of a family member, say)."""

    def add_plate_fields(self, user, maximum: int, current=()):
        self.maximum = maximum
        if user.vehicles.exists():
            self.fields["vehicles"] = VehiclesChoiceField(queryset=user.vehicles.all(), required=False,
                                                          label=_("Your vehicles"), widget=forms.CheckboxSelectMultiple)
        for number in range(1, maximum + 1):
            plate, country = current[number - 1] if number <= len(current) else ("", "BE")
            self.fields[f"plate_{number}"] = forms.CharField(
                label=_("Other number plate %(number)d") % {"number": number}, max_length=20, required=False,
                initial=plates.display(plate, country) if plate else "",
                widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}))
            self.fields[f"country_{number}"] = forms.ChoiceField(
                label=_("Country of number plate %(number)d") % {"number": number}, choices=COUNTRIES, initial=country)

    def clean_plates(self) -> list[tuple[str, str]]:
        chosen = [(vehicle.plate, vehicle.country) for vehicle in self.cleaned_data.get("vehicles") or []]
        for number in range(1, self.maximum + 1):
            raw = (self.cleaned_data.get(f"plate_{number}") or "").strip()
            if not raw:
                continue
            try:
                chosen.append((plates.validate(raw), self.cleaned_data.get(f"country_{number}") or "BE"))
            except ValidationError as error:
                self.add_error(f"plate_{number}", error)
        unique = list(dict.fromkeys(chosen))
        if not unique and not self.errors:
            self.add_error(None, _("Choose at least one number plate."))
        elif len(unique) > self.maximum:
            self.add_error(None, ngettext_lazy("You can register at most %(count)d number plate.",
                                               "You can register at most %(count)d number plates.",
                                               self.maximum) % {"count": self.maximum})
        return unique


class DisabilityForm(DisabilityPlatesMixin, forms.Form):
    card_number = forms.CharField(
        label=_("Card number"), max_length=20,
        help_text=_("The 10 digits on your European disability parking card. Spaces and dots do not matter."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    card_expiry = forms.DateField(label=_("Card valid until"), required=False,
                                  help_text=_("As printed on the card. Leave empty if your card has no end date."),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    no_end_date = forms.BooleanField(label=_("My card has no end date"), required=False)

    def __init__(self, *args, user, maximum: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["front"] = document_field(D.CARD_FRONT)
        self.fields["back"] = document_field(D.CARD_BACK)
        self.add_plate_fields(user, maximum)

    def clean_card_number(self):
        return disability.normalize_card_number(self.cleaned_data["card_number"])

    def clean(self):
        cleaned = super().clean()
        expiry, open_ended = cleaned.get("card_expiry"), cleaned.get("no_end_date")
        if expiry and open_ended:
            self.add_error("card_expiry", _("Give an end date or tick “no end date”, not both."))
        elif not expiry and not open_ended and "card_expiry" not in self.errors:
            self.add_error("card_expiry", _("Give the date until which your card is valid, or tick “no end date”."))
        elif expiry and expiry < timezone.localdate():
            self.add_error("card_expiry", _("This card has expired. Register a card that is still valid."))
        cleaned["plates"] = self.clean_plates()
        return cleaned


class DisabilityPlatesForm(DisabilityPlatesMixin, forms.Form):
    """Changing the plates of a disability registration (the card stays the same)."""

    def __init__(self, *args, user, maximum: int, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_plate_fields(user, maximum, current)

    def clean(self):
        cleaned = super().clean()
        cleaned["plates"] = self.clean_plates()
        return cleaned


class CareForm(forms.Form):
    """A care-provider permit: the recognition, one vehicle and the documents (which ones depends on the use)."""

    recognition_number = forms.CharField(label=_("Recognition number"), max_length=20,
                                         help_text=_("Your RIZIV/INAMI number or your Flemish recognition number."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"] = vehicle_field(user)
        self.fields["vehicle_use"] = vehicle_use_field()
        for kind in (D.RECOGNITION, D.HOME_VISITS, D.REGISTRATION_CERTIFICATE):
            self.fields[kind] = document_field(kind)
        for use, kind in USE_EXTRA_DOCUMENT.items():
            self.fields[kind] = document_field(kind, required=False)
            self.fields[kind].help_text = _("Only for “%(use)s”. %(help)s") % {"use": use.label, "help": DOCUMENT_HELP[kind]}

    def clean_recognition_number(self):
        return care.normalize_recognition_number(self.cleaned_data["recognition_number"])

    def clean(self):
        cleaned = super().clean()
        needed = USE_EXTRA_DOCUMENT.get(cleaned.get("vehicle_use"))
        if needed and not cleaned.get(needed) and needed not in self.errors:
            use = VehicleUse(cleaned["vehicle_use"]).label
            self.add_error(needed, _("Add this document: you chose “%(use)s”.") % {"use": use})
        return cleaned

    def documents(self) -> dict:
        kinds = required_documents(PermitKind.CARE_PROVIDER, self.cleaned_data["vehicle_use"])
        return {kind: self.cleaned_data[kind] for kind in kinds if self.cleaned_data.get(kind)}


class ChangeVehicleForm(forms.Form):
    """Another own vehicle for a resident card or care-provider permit, with the vehicle documents its use asks for."""

    def __init__(self, *args, user, current, vehicle_use, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"] = vehicle_field(user, exclude=current, label=_("New vehicle"))
        for kind in (D.REGISTRATION_CERTIFICATE, USE_EXTRA_DOCUMENT.get(vehicle_use)):
            if kind:
                self.fields[kind] = document_field(kind)

    def documents(self) -> dict:
        return {name: upload for name, upload in self.cleaned_data.items() if name != "vehicle" and upload}


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=4000, required=False,
                             widget=forms.Textarea(attrs={"rows": 6}))
    attachment = CheckedFileField(label=_("Attachment"), required=False, help_text=DOCUMENT_HELP[D.ANSWER],
                                  widget=forms.FileInput(attrs={"accept": ACCEPT}))

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("answer") or "").strip() and not cleaned.get("attachment") and not self.errors:
            self.add_error("answer", _("Write your answer or add a document."))
        return cleaned


class VisitForm(forms.Form):
    """A visitor period for a guest's car, now or later; the balance check is the visitor rules' job."""

    plate = forms.CharField(
        label=_("Number plate of your guest"), max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}))
    country = forms.ChoiceField(label=_("Country of the number plate"), choices=COUNTRIES, initial="BE")
    minutes = forms.TypedChoiceField(label=_("How long"), coerce=int, initial=120,
                                     choices=[])
    start = forms.ChoiceField(label=_("When does the visit start?"), initial="now", widget=forms.RadioSelect,
                              choices=[("now", _("Now")), ("later", _("At a time I choose"))])
    starts_at = forms.DateTimeField(
        label=_("Start"), required=False, help_text=_("Only when the visit starts later."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels of the durations are computed per request, in the visitor's language.
        self.fields["minutes"].choices = visitors.duration_choices()

    def clean_plate(self):
        return plates.validate(self.cleaned_data["plate"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") != "later":
            cleaned["starts_at"] = None
        elif not cleaned.get("starts_at") and "starts_at" not in self.errors:
            self.add_error("starts_at", _("Choose the date and time the visit starts."))
        elif cleaned["starts_at"] < timezone.now() - datetime.timedelta(minutes=1):
            self.add_error("starts_at", _("This moment has passed. Choose a time in the future, or start now."))
        return cleaned
