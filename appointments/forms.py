"""Forms of the booking journey. They check what was typed or chosen; whether a time can be booked is for slots.py
and booking.py, whose refusals come back as form errors."""

import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from eloket.accounts import phone as phones

from . import questions
from .linkables import Linkable
from .models import Location, Question, Topic


def _topic_label(topic: Topic) -> str:
    minutes = ngettext("about %(minutes)d minute", "about %(minutes)d minutes", topic.duration_minutes) % {
        "minutes": topic.duration_minutes}
    return format_html('{} <span class="eloket-muted">({})</span>', topic.name, minutes)


class TopicForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("What is your appointment about?"), queryset=Topic.objects.none(), widget=forms.RadioSelect,
        empty_label=None, error_messages={"required": _("Choose what your appointment is about."),
                                          "invalid_choice": _("Choose one of the topics in the list.")})

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
        self.fields["topic"].label_from_instance = _topic_label


class LocationForm(forms.Form):
    location = forms.ModelChoiceField(
        label=_("Where do you want to come?"), queryset=Location.objects.none(), widget=forms.RadioSelect,
        empty_label=None, error_messages={"required": _("Choose where you want to come."),
                                          "invalid_choice": _("Choose one of the places in the list.")})

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations
        self.fields["location"].label_from_instance = lambda location: f"{location.name}, {location.address}"


class QuestionsForm(forms.Form):
    """One field per question of the topic, and the permit or case to link when the citizen has any."""

    NOTHING = ""

    def __init__(self, *args, question_list: list[Question], linkables: list[Linkable], **kwargs):
        super().__init__(*args, **kwargs)
        self.question_list = question_list
        for question in question_list:
            attrs = {"autocomplete": "off", "spellcheck": "false"}
            help_text = ""
            if question.kind == Question.Kind.PLATE:
                attrs["autocapitalize"] = "characters"
                help_text = _("For example 1-ABC-123.")
            elif question.kind == Question.Kind.NOTICE:
                attrs["inputmode"] = "numeric"
                help_text = _("At the top of the letter, for example 2026-000123-45.")
            self.fields[self.name(question)] = forms.CharField(
                label=question.label, required=question.required, max_length=questions.TEXT_MAX, help_text=help_text,
                widget=forms.TextInput(attrs=attrs),
                error_messages={"required": _("Answer this question: the counter needs it to prepare your visit.")})
        self.linkables = {item.value: item for item in linkables}
        if linkables:
            self.fields["link"] = forms.ChoiceField(
                label=_("Is it about one of these?"), required=False, widget=forms.RadioSelect,
                choices=[(self.NOTHING, _("No, something else"))] + [(item.value, item.label) for item in linkables],
                error_messages={"invalid_choice": _("Choose one of the items in the list.")})

    @staticmethod
    def name(question: Question) -> str:
        return f"q{question.pk}"

    def clean(self):
        cleaned = super().clean()
        for question in self.question_list:
            name = self.name(question)
            if name in self.errors or name not in cleaned:
                continue
            try:
                cleaned[name] = questions.clean_answer(question, cleaned[name])
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def answers(self) -> dict:
        return {str(question.pk): questions.stored(question, self.cleaned_data.get(self.name(question), ""), position)
                for position, question in enumerate(self.question_list)}

    def link(self) -> Linkable | None:
        return self.linkables.get(self.cleaned_data.get("link") or "")


class SlotForm(forms.Form):
    """The chosen time, as the picker's radio value (an ISO moment); whether it is a slot is for slots.check_start."""

    starts_at = forms.CharField(error_messages={"required": _("Choose a day and time.")})

    def clean_starts_at(self) -> datetime.datetime:
        try:
            moment = datetime.datetime.fromisoformat(self.cleaned_data["starts_at"])
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise ValidationError(_("There is no appointment at that time. Choose one of the times shown."),
                                  code="not_a_slot")
        return moment.astimezone(datetime.UTC)


class ContactForm(forms.Form):
    """Who comes: a guest gives a name and email; a logged-in citizen's email is their account's."""

    name = forms.CharField(label=_("Your name"), max_length=150,
                           error_messages={"required": _("Enter your name, so the counter knows who is coming.")},
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email address"), max_length=254,
                             help_text=_("We send the confirmation and the links to change or cancel here."),
                             error_messages={"required": _("Enter your email address."),
                                             "invalid": _("Enter an email address such as name@example.org.")},
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False,
                            help_text=_("Only for the SMS reminder. For example 0470 12 34 56."),
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    remind_by_sms = forms.BooleanField(label=_("Also remind me by SMS the day before"), required=False)

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        if account is not None:
            del self.fields["email"]

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        return phones.validate(raw) if raw else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remind_by_sms") and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Enter your mobile number for the SMS reminder, or untick the SMS reminder."))
        return cleaned

    def contact(self) -> dict:
        data = self.cleaned_data
        email = self.account.email if self.account is not None else data["email"]
        return {"name": data["name"].strip(), "email": email, "phone": data["phone"],
                "remind_by_sms": bool(data["remind_by_sms"])}


def error_links(form) -> list[tuple[str, str]]:
    """(anchor, message) for the error summary: each field error links to its input (a radio group to its first)."""
    links = [("", str(error)) for error in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        field = form[name]
        anchor = field.auto_id + ("_0" if isinstance(field.field.widget, forms.RadioSelect) else "")
        links += [(anchor, f"{field.label}: {error}") for error in errors]
    return links
