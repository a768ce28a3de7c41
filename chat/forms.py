"""The chat's forms: starting a conversation, writing a message, closing, and the staff's hand-over.

They check what was typed and uploaded; conversations.py decides whether it may be accepted.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import attachments, links
from .conversations import MAX_BODY
from .models import Topic


class AttachmentField(forms.FileField):
    """One optional photo or PDF, checked by its content; the refusal says why in the sender's language."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": attachments.ACCEPT}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Add a photo or PDF"))
        kwargs.setdefault("help_text", _("A JPEG or PNG photo, or a PDF."))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            attachments.check(upload)
        return upload or None


def _body(required: bool, label=None) -> forms.CharField:
    return forms.CharField(label=label or _("Your message"), max_length=MAX_BODY, required=required,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": _("Write your question."),
                                           "max_length": _("A message can be at most %(limit_value)d characters long.")})


class StartForm(forms.Form):
    """A guest gives a name and an email; a citizen may link a permit, case or appointment of theirs."""

    topic = forms.ModelChoiceField(label=_("What is your question about?"), queryset=Topic.objects.none(),
                                   widget=forms.RadioSelect, empty_label=None,
                                   error_messages={"required": _("Choose a topic."),
                                                   "invalid_choice": _("Choose one of the topics.")})

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["topic"].queryset = Topic.objects.filter(is_active=True)
        if user is None or not user.is_authenticated:
            self.fields["guest_name"] = forms.CharField(
                label=_("Your name"), max_length=160, widget=forms.TextInput(attrs={"autocomplete": "name"}),
                error_messages={"required": _("Give your name.")})
            self.fields["guest_email"] = forms.EmailField(
                label=_("Your email address"), help_text=_("We answer here, or by email if we cannot answer now."),
                widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                error_messages={"required": _("Give your email address, so we can answer you."),
                                "invalid": _("Give an email address like name@example.be.")})
        else:
            groups = links.choices_for(user)
            if groups:
                self.fields["link"] = forms.ChoiceField(
                    label=_("Is it about one of these?"), required=False,
                    choices=[("", _("No, nothing in particular")), *groups],
                    error_messages={"invalid_choice": _("Choose one of your own permits, cases or appointments.")})
        self.fields["body"] = _body(True)
        self.fields["attachment"] = AttachmentField()

    def chosen_link(self) -> tuple[str, int] | None:
        return links.parse(self.cleaned_data.get("link", ""))


class MessageForm(forms.Form):
    body = _body(False)
    attachment = AttachmentField()

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("body") or "").strip() and not cleaned.get("attachment"):
            raise forms.ValidationError(_("Write a message or add a file."), code="empty")
        return cleaned


class CloseForm(forms.Form):
    transcript = forms.BooleanField(label=_("Email me this conversation"), required=False)


class HandOverForm(forms.Form):
    colleague = forms.ModelChoiceField(label=_("Colleague"), queryset=None,
                                       error_messages={"required": _("Choose a colleague."),
                                                       "invalid_choice": _("Choose a colleague who answers chats.")})
    note = forms.CharField(label=_("Note for your colleague"), max_length=300, required=False)

    def __init__(self, *args, staff, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = colleagues
        self.fields["colleague"].label_from_instance = lambda user: user.get_full_name() or user.email
        self.staff = staff

