"""Forms for the staff screens of permits: the reason for a decision, and a disability card registered on someone's behalf."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eloket.accounts import plates
from eloket.accounts.models import COUNTRIES
from eloket.city.models import CapCode
from eloket.city.reference import cap

from .disability import normalize_card_number
from .models import Channel


class ReasonForm(forms.Form):
    """One text box: the note, reason or question that goes with a decision (and into the permit's history)."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 5, "cols": 70}), max_length=2000)

    def __init__(self, *args, label, required: bool, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["note"]
        field.label, field.required, field.help_text = label, required, help_text


class DisabilityOnBehalfForm(forms.Form):
    """A disability parking card registered by staff for a citizen who came to the counter or phoned."""

    holder_email = forms.EmailField(label=_("Email address of the citizen's account"))
    channel = forms.ChoiceField(label=_("How did the citizen ask?"), widget=forms.RadioSelect,
                                choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.PHONE, Channel.PHONE.label)])
    card_number = forms.CharField(label=_("Card number"), max_length=20,
                                  help_text=_("The 10 digits on the card, for example 1234567800."))
    card_expiry = forms.DateField(label=_("Card valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("The expiry date printed on the card."))
    no_end_date = forms.BooleanField(label=_("The card has no end date"), required=False)
    front = forms.FileField(label=_("Photo or scan of the front of the card"), help_text=_("PDF, JPEG or PNG."))
    back = forms.FileField(label=_("Photo or scan of the back of the card"), help_text=_("PDF, JPEG or PNG."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plate_rows = max(cap(CapCode.DISABILITY_PLATES, timezone.localdate()), 1)
        for row in range(1, self.plate_rows + 1):
            self.fields[f"plate_{row}"] = forms.CharField(
                label=_("Number plate %(row)d") % {"row": row}, max_length=20, required=row == 1)
            self.fields[f"country_{row}"] = forms.ChoiceField(
                label=_("Country of number plate %(row)d") % {"row": row}, choices=COUNTRIES, initial="BE")

    def clean_holder_email(self):
        email = self.cleaned_data["holder_email"]
        holder = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if holder is None:
            raise ValidationError(_("There is no account with this email address. Create the citizen's account first, "
                                    "then register the card."), code="no_account")
        self.cleaned_data["holder"] = holder
        return email

    def clean_card_number(self):
        return normalize_card_number(self.cleaned_data["card_number"])

    def clean(self):
        cleaned = super().clean()
        expiry, no_end = cleaned.get("card_expiry"), cleaned.get("no_end_date")
        if expiry and no_end:
            self.add_error("card_expiry", _("Give the expiry date or tick “no end date”, not both."))
        elif not expiry and not no_end and "card_expiry" not in self.errors:
            self.add_error("card_expiry", _("Give the expiry date printed on the card, or tick “no end date”."))
        cleaned["plates"] = self._plates()
        return cleaned

    def _plates(self) -> list[tuple[str, str]]:
        pairs = []
        for row in range(1, self.plate_rows + 1):
            raw = self.cleaned_data.get(f"plate_{row}")
            if not raw:
                continue
            try:
                pairs.append((plates.validate(raw), self.cleaned_data.get(f"country_{row}", "BE")))
            except ValidationError as error:
                self.add_error(f"plate_{row}", error)
        return pairs
