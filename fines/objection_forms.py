"""Citizen forms for a case: the objection (retribution) or written defence (GAS), and naming the driver.

They check what was typed and uploaded; objections.py and rules.py decide whether it may be accepted.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from eloket.accounts import phone as phones
from eloket.accounts.models import COUNTRIES

from . import dates
from .models import Case, ObjectionGround
from .objections import MAX_FILE_BYTES, MAX_FILES, check_attachments, may_ask_hearing

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
EXPLANATION_MAX = 5000


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero to MAX_FILES files, each checked by its content (PDF, JPEG or PNG); one message per refused file."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload]
        check_attachments(uploads)  # the content decides, file by file; each refusal names its file
        return uploads


def _contact_fields(form: forms.Form, user) -> None:
    """Name, email and phone for the decision, prefilled from the logged-in account."""
    form.fields["contact_name"] = forms.CharField(
        label=_("Your name"), max_length=160, widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Give your name.")})
    form.fields["contact_email"] = forms.EmailField(
        label=_("Your email address"), help_text=_("We send the receipt and the decision to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Give your email address, so we can send you the decision.")})
    form.fields["contact_phone"] = forms.CharField(
        label=_("Your phone number"), max_length=20, required=False,
        help_text=_("Only if you want us to be able to call you about your objection."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    if user is not None and user.is_authenticated:
        form.initial.setdefault("contact_name", user.get_full_name())
        form.initial.setdefault("contact_email", user.email)
        form.initial.setdefault("contact_phone", user.phone)


class ObjectionForm(forms.Form):
    """A retribution: a ground and an explanation. A GAS fine: the written defence, and the hearing above € 70."""

    def __init__(self, *args, case: Case, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        if not case.is_gas:
            self.fields["ground"] = forms.ChoiceField(
                label=_("Why do you object?"), choices=ObjectionGround.choices, widget=forms.RadioSelect,
                help_text=_("Choose the reason that fits best. You explain it below."),
                error_messages={"required": _("Choose the reason of your objection.")})
        self.fields["explanation"] = forms.CharField(
            label=_("Your explanation") if not case.is_gas else _("Your defence"), max_length=EXPLANATION_MAX,
            widget=forms.Textarea(attrs={"rows": 8}),
            help_text=(_("Say what happened. For a parking session or ticket, give the time, the zone and the app or "
                         "meter you used; add a photo or screenshot below.") if not case.is_gas else
                       _("Say in your own words why you think this fine is wrong. Add photos or documents below.")),
            error_messages={"required": _("Explain your objection.") if not case.is_gas else _("Write your defence.")})
        if may_ask_hearing(case):
            self.fields["hearing_requested"] = forms.BooleanField(
                label=_("I ask for an oral hearing"), required=False,
                help_text=_("You can explain your defence in person to the sanctioning official. We send you the date "
                            "and place."))
        self.fields["attachments"] = AttachmentsField(
            label=_("Photos and documents"),
            help_text=ngettext_lazy(
                "At most %(count)d file: PDF, JPEG or PNG, up to %(size)d MB. You can choose several files at once.",
                "At most %(count)d files: PDF, JPEG or PNG, each up to %(size)d MB. You can choose several files at "
                "once.", "count") % {
                "count": MAX_FILES, "size": MAX_FILE_BYTES // (1024 * 1024)})
        _contact_fields(self, user)

    def clean_explanation(self):
        text = self.cleaned_data["explanation"].strip()
        if not text:
            raise ValidationError(self.fields["explanation"].error_messages["required"], code="required")
        return text

    def clean_contact_phone(self):
        raw = self.cleaned_data["contact_phone"].strip()
        return phones.validate(raw) if raw else ""

    def submission(self) -> dict:
        """The keyword arguments of objections.submit_objection."""
        data = self.cleaned_data
        return {"ground": data.get("ground") or ObjectionGround.OTHER, "explanation": data["explanation"],
                "hearing_requested": bool(data.get("hearing_requested")), "contact_name": data["contact_name"],
                "contact_email": data["contact_email"], "contact_phone": data["contact_phone"],
                "files": data.get("attachments") or []}


class DriverForm(forms.Form):
    """Who drove: the driver's name, date of birth and address, and the holder's declaration."""

    name = forms.CharField(label=_("Driver's first name and last name"), max_length=160,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}),
                           error_messages={"required": _("Give the driver's name.")})
    birth_date = forms.DateField(
        label=_("Driver's date of birth"), help_text=_("Only an adult can get a GAS fine."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Give the driver's date of birth."),
                        "invalid": _("Give the date of birth as day, month and year.")})
    street = forms.CharField(label=_("Street and number"), max_length=160,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}),
                             error_messages={"required": _("Give the driver's street and house number.")})
    postal_code = forms.CharField(label=_("Postal code"), max_length=10,
                                  widget=forms.TextInput(attrs={"autocomplete": "off"}),
                                  error_messages={"required": _("Give the driver's postal code.")})
    municipality = forms.CharField(label=_("Municipality"), max_length=80,
                                   widget=forms.TextInput(attrs={"autocomplete": "off"}),
                                   error_messages={"required": _("Give the driver's municipality.")})
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRIES, initial="BE",
                                error_messages={"required": _("Choose the country of the driver's address.")})
    email = forms.EmailField(label=_("Driver's email address"), required=False,
                             help_text=_("If you know it: the driver then also gets the notice by email."),
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    declaration = forms.BooleanField(
        label=_("I declare that this person drove the vehicle at the time of the offence and that these details are "
                "correct."),
        error_messages={"required": _("Tick the declaration to name the driver.")})

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        today = dates.today()
        if born > today:
            raise ValidationError(_("The date of birth lies in the future."), code="future")
        if born < today - datetime.timedelta(days=120 * 365):
            raise ValidationError(_("Check the date of birth: it is more than 120 years ago."), code="too_old")
        return born

    def clean(self):
        cleaned = super().clean()
        code = (cleaned.get("postal_code") or "").strip()
        if cleaned.get("country") == "BE" and code and not (code.isascii() and code.isdigit() and len(code) == 4):
            self.add_error("postal_code", _("A Belgian postal code has 4 digits, for example 3600."))
        return cleaned

    def designation(self) -> dict:
        """The keyword arguments of driver.designate_driver (without the case and the user)."""
        return {name: self.cleaned_data[name] for name in
                ("name", "birth_date", "street", "postal_code", "municipality", "country", "email")}
