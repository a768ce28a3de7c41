"""Forms for the counter's agenda pages: the day and counter to show, a topic and day to pick from, a time among the
free or blockable slots, a walk-in or phone booking for a citizen, and the reason the city cancels or blocks."""

import datetime
from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eloket.accounts import phone

from . import questions, slots
from .booking import Booker
from .models import Appointment, Channel, Location, Slot, Topic


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PickDayForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False, widget=_date_input())


class DayForm(PickDayForm):
    """Which day of the agenda, and optionally one counter."""

    counter = forms.ModelChoiceField(label=_("Counter"), queryset=None, required=False, empty_label=_("All counters"))

    def __init__(self, *args, location: Location, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].queryset = location.counters.all()


class TopicDayForm(forms.Form):
    """The first step of booking or blocking: for which topic, on which day."""

    topic = forms.ModelChoiceField(label=_("Topic"), queryset=None, empty_label=None)
    day = forms.DateField(label=_("Day"), widget=_date_input())

    def __init__(self, *args, location: Location, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = location.topics.filter(active=True)


def _time_label(start: datetime.datetime, extra: str = "") -> str:
    local = timezone.localtime(start, slots.brussels())
    return f"{local:%H:%M} {extra}".strip()


class StartField(forms.TypedChoiceField):
    """One of the times offered on the page; anything else (a tampered form) is refused as not a choice."""

    widget = forms.RadioSelect
    default_error_messages = {"invalid_choice": _("This time cannot be chosen (any more): it is taken, blocked or not "
                                                  "a time of this day. Choose one of the times shown.")}

    def __init__(self, starts: Iterable[tuple[datetime.datetime, str]], **kwargs):
        super().__init__(choices=[(start.isoformat(), label) for start, label in starts],
                         coerce=datetime.datetime.fromisoformat, **kwargs)


def free_choices(free: Iterable[slots.FreeSlot]) -> list[tuple[datetime.datetime, str]]:
    return [(slot.starts_at, _time_label(slot.starts_at, str(_("(%(free)d free)") % {"free": slot.free})))
            for slot in free]


class MoveForm(forms.Form):
    def __init__(self, *args, free: list[slots.FreeSlot], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"] = StartField(free_choices(free), label=_("New time"))


class BlockPickForm(forms.Form):
    """Which time of the day to block; each time says how many citizens are booked in it."""

    def __init__(self, *args, starts, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(start.starts_at, _time_label(start.starts_at, str(_("(%(booked)d booked)") % {"booked": start.booked})
                                                 if start.booked else "")) for start in starts]
        self.fields["starts_at"] = StartField(choices, label=_("Time"))


class ReasonForm(forms.Form):
    """The reason the city cancels an appointment or blocks a slot: the citizen reads it."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(
            label=_("Reason"), max_length=max_length, widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
            help_text=_("The citizen reads this in the message that tells them the appointment is cancelled."))


REASON_LENGTH = {"cancel": Appointment._meta.get_field("cancel_reason").max_length,
                 "block": Slot._meta.get_field("blocked_reason").max_length}


class WalkInForm(forms.Form):
    """A booking staff make for a citizen at the counter or on the phone: for an account, or a name with an email
    address or phone number. The topic's questions are asked too, but staff may leave them open."""

    channel = forms.ChoiceField(label=_("How did the citizen ask?"), widget=forms.RadioSelect, initial=Channel.COUNTER,
                                choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.PHONE, Channel.PHONE.label)])
    account_email = forms.EmailField(label=_("Email address of the citizen's account"), required=False,
                                     help_text=_("When the citizen has an account: the appointment then shows in "
                                                 "Mijn loket. Leave empty otherwise and fill in the name below."))
    name = forms.CharField(label=_("Name"), max_length=150, required=False,
                           help_text=_("Only for a citizen without an account."))
    email = forms.EmailField(label=_("Email address"), required=False,
                             help_text=_("For a citizen without an account: the confirmation is sent here."))
    phone = forms.CharField(label=_("Phone number"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    language = forms.ChoiceField(label=_("Language of the messages"), choices=settings.LANGUAGES, initial="nl")
    remind_by_sms = forms.BooleanField(label=_("Remind by SMS the day before"), required=False)

    def __init__(self, *args, topic: Topic, free: list[slots.FreeSlot], **kwargs):
        super().__init__(*args, **kwargs)
        self.topic = topic
        self.citizen = None
        self.fields = {"starts_at": StartField(free_choices(free), label=_("Time")), **self.fields}
        self.asked = list(topic.questions.all())
        for question in self.asked:
            self.fields[f"question_{question.pk}"] = forms.CharField(
                label=question.label, max_length=200, required=False,
                help_text=_("Required online; staff may leave it open.") if question.required else "")

    def clean_account_email(self):
        email = self.cleaned_data["account_email"]
        if email:
            self.citizen = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
            if self.citizen is None:
                raise ValidationError(_("There is no account with this email address. Leave it empty and fill in the "
                                        "citizen's name and email address or phone number."), code="no_account")
        return email

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return phone.validate(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        if self.citizen is None and "account_email" not in self.errors:
            if not cleaned.get("name"):
                self.add_error("name", _("Give the citizen's name, or the email address of their account."))
            if not (cleaned.get("email") or cleaned.get("phone")) and "phone" not in self.errors:
                self.add_error("email", _("Give an email address or a phone number, so the citizen can be told "
                                          "about changes."))
        own_phone = self.citizen.phone if self.citizen is not None else ""
        if cleaned.get("remind_by_sms") and not (cleaned.get("phone") or own_phone) and "phone" not in self.errors:
            self.add_error("phone", _("An SMS reminder needs a phone number."))
        cleaned["answers"] = self._answers(cleaned)
        return cleaned

    def _answers(self, cleaned) -> dict[str, dict]:
        """Stored the way the online booking stores them (questions.py), so the agenda shows both alike."""
        answers = {}
        for position, question in enumerate(self.asked):
            key = f"question_{question.pk}"
            try:
                value = questions.clean_answer(question, cleaned.get(key) or "")
            except ValidationError as error:
                self.add_error(key, error)
                continue
            if value:
                answers[str(question.pk)] = questions.stored(question, value, position)
        return answers

    def booker(self) -> Booker:
        data = self.cleaned_data
        if self.citizen is not None:
            citizen = self.citizen
            return Booker(citizen=citizen, name=citizen.get_full_name() or citizen.email, email=citizen.email,
                          phone=data["phone"] or citizen.phone, language=citizen.preferred_language or data["language"],
                          remind_by_sms=data["remind_by_sms"], answers=data["answers"])
        return Booker(name=data["name"], email=data["email"], phone=data["phone"], language=data["language"],
                      remind_by_sms=data["remind_by_sms"], answers=data["answers"])
