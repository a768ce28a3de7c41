"""Forms for the staff screens of fines: a case typed in from a report, a CSV file to import, the reason to cancel,
the reasons of a decision on an objection, the date and place of an oral hearing and its minutes."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eloket.accounts import plates
from eloket.accounts.models import COUNTRIES
from eloket.city.models import Zone
from eloket.uploads import JPEG, PNG, check_upload

from .amounts import BRUSSELS
from .models import Offence

MAX_PHOTOS = 10


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one file input; each one is checked by its content."""

    widget = MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png"})

    def clean(self, data, initial=None):
        files = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("Upload at most %(max)d photos.") % {"max": MAX_PHOTOS})
        for upload in files:
            check_upload(upload, allowed=(JPEG, PNG))
        return files


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegisterCaseForm(forms.Form):
    """A case typed in from a police report, an agent's administrative report or a camera record."""

    offence = forms.ModelChoiceField(label=_("Offence"), queryset=Offence.objects.filter(is_active=True))
    plate = forms.CharField(label=_("Number plate"), max_length=20)
    country = forms.ChoiceField(label=_("Country of the number plate"), choices=COUNTRIES, initial="BE")
    observed_at = forms.DateTimeField(label=_("Observed at"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"), help_text=_("Date and time, Brussels time."))
    place = forms.CharField(label=_("Place"), max_length=200, help_text=_("Street and number, or a description of the place."))
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.filter(is_active=True), required=False)
    observed_by = forms.CharField(label=_("Observed by"), max_length=120, required=False,
                                  help_text=_("Agent number or camera identifier, never a name."))
    report_reference = forms.CharField(label=_("Report reference"), max_length=60, required=False)
    report_received_on = forms.DateField(label=_("Report received on"), required=False, widget=_date_input())
    holder_name = forms.CharField(label=_("Holder's name"), max_length=160,
                                  help_text=_("As the plate register (DIV) gives it."))
    holder_is_company = forms.BooleanField(label=_("The holder is a legal person (a company or organisation)"),
                                           required=False)
    holder_birth_date = forms.DateField(label=_("Holder's date of birth"), required=False, widget=_date_input(),
                                       help_text=_("A minor cannot receive a GAS fine."))
    holder_street = forms.CharField(label=_("Street and number"), max_length=160)
    holder_postal_code = forms.CharField(label=_("Postal code"), max_length=10)
    holder_municipality = forms.CharField(label=_("Municipality"), max_length=80)
    holder_country = forms.ChoiceField(label=_("Country of the address"), choices=COUNTRIES, initial="BE")
    holder_email = forms.EmailField(label=_("Holder's email"), required=False,
                                    help_text=_("Only when the holder gave it; the notice is sent by post in any case."))
    speed_limit = forms.IntegerField(label=_("Speed limit (km/h)"), required=False, min_value=1, max_value=300,
                                     help_text=_("GAS 5 only."))
    measured_speed = forms.IntegerField(label=_("Measured speed (km/h)"), required=False, min_value=1, max_value=300,
                                        help_text=_("GAS 5 only: the speed the camera measured, before the tolerance."))
    inside_built_up_area = forms.NullBooleanField(label=_("Inside a built-up area"), required=False,
                                                  help_text=_("GAS 5 only."))
    other_offence = forms.BooleanField(label=_("Another offence was committed at the same time"), required=False,
                                       help_text=_("Then it cannot be a GAS 5 case."))
    photos = PhotosField(label=_("Photos"), required=False, help_text=_("JPEG or PNG, up to 10 photos."))

    def clean_plate(self):
        return plates.validate(self.cleaned_data["plate"])

    def clean_observed_at(self):
        observed_at = self.cleaned_data["observed_at"]
        if observed_at > timezone.now():
            raise ValidationError(_("This moment lies in the future."))
        return observed_at

    def holder(self) -> dict:
        data = self.cleaned_data
        return {"name": data["holder_name"], "is_company": data["holder_is_company"],
                "birth_date": data["holder_birth_date"], "street": data["holder_street"],
                "postal_code": data["holder_postal_code"], "municipality": data["holder_municipality"],
                "country": data["holder_country"]}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
                           help_text=_("UTF-8, columns separated by ; or , — at most 5,000 rows and 5 MB."))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
                             help_text=_("Kept in the case's history; the holder reads it."))


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reasons of the decision"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 8, "cols": 70}),
                             help_text=_("The holder reads these in the decision letter and on the case page."))


class StepForm(forms.Form):
    """A manual step on a case: the rules say what happens; staff may keep a note in the admin's log."""

    note = forms.CharField(label=_("Note for the file (optional)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
                           help_text=_("Kept in the admin's log of this case; the holder does not see it."))


class HearingForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=_date_input())
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                           help_text=_("Brussels time."))
    place = forms.CharField(label=_("Place"), max_length=200,
                            help_text=_("The address and the room, as the holder must find it."))

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time"):
            starts_at = timezone.make_aware(datetime.datetime.combine(data["day"], data["time"]), BRUSSELS)
            if starts_at <= timezone.now():
                raise ValidationError(_("Choose a moment in the future for the oral hearing."))
            data["starts_at"] = starts_at
        return data


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 12, "cols": 70}),
                              help_text=_("What the holder said, who was present; also when the holder did not come."))
