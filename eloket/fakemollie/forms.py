from django import forms
from django.utils.translation import gettext_lazy as _

OUTCOMES = [
    ("paid", _("Paid: the payment succeeds")),
    ("failed", _("Failed: the bank refuses the payment")),
    ("canceled", _("Canceled: the payer stops the payment")),
    ("expired", _("Expired: the payer never finishes the payment")),
    ("open", _("Still open: go back without finishing the payment")),
]


class CheckoutForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How does this test payment end?"),
        choices=OUTCOMES,
        initial="paid",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the payment ends."),
                        "invalid_choice": _("Choose one of the outcomes in the list.")},
    )
