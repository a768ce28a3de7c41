from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from .models import CENT


class RefundForm(forms.Form):
    """Staff choose how much to refund (at most what is left to refund) and say why."""

    amount = forms.DecimalField(label=_("Amount to refund (€)"), max_digits=9, decimal_places=2, min_value=CENT)
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Kept in the payment's history for staff."))

    def __init__(self, *args, refundable: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable = refundable
        amount = self.fields["amount"]
        amount.validators.append(MaxValueValidator(refundable, message=_("You can refund at most € %(limit_value)s.")))
        amount.widget.attrs["max"] = f"{refundable:.2f}"
        amount.initial = refundable

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason for the refund."))
        return reason
