"""Forms of the bank statement admin: the upload, and the note that goes with resolving by hand."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import detect_format
from .common import ParseError
from .importing import MAX_FILE_SIZE, FileTooLarge, read_upload


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bank statement"),
        help_text=_("A CODA file or a CAMT.053 statement (XML) as your bank's online banking exports it; at most 5 MB. "
                    "The format is recognised from the content."),
        widget=forms.ClearableFileInput(attrs={"accept": ".cod,.coda,.txt,.xml,.cda"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size is not None and uploaded.size > MAX_FILE_SIZE:
            raise forms.ValidationError(str(FileTooLarge()), code="too_large")
        try:
            detect_format(read_upload(uploaded))
        except (FileTooLarge, ParseError) as error:
            raise forms.ValidationError(str(error), code="not_a_statement") from error
        uploaded.seek(0)
        return uploaded


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Required. What was done, for instance “refunded the difference” or “booked by hand on the fine”."),
    )
