"""The confirmation a citizen gives before their account is deleted."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.ratelimit import Limit

# A stolen session must not be able to guess the password here at leisure.
PASSWORD_TRIES = Limit("privacy-delete-password", max=5, seconds=15 * 60)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                               help_text=gettext_lazy("To be sure it is you."))
    confirm = forms.BooleanField(label=gettext_lazy("I understand that my account is deleted for good and cannot be "
                                                    "restored."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            # A login through the city's eID/itsme has no password: allauth asked to log in again instead.
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        key = str(self.user.pk)
        if PASSWORD_TRIES.blocked(key):
            raise forms.ValidationError(_("Too many wrong passwords. Wait a quarter of an hour and try again."))
        if not self.user.check_password(password):
            PASSWORD_TRIES.hit(key)
            raise forms.ValidationError(_("This is not your password."))
        return password
