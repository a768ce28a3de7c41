"""Forms of the citizen's parking pages. They check input only; the rules (prices, maximum stay, what may be started or
extended) are in web.py, and their refusals come back as form errors."""

import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eloket.city.models import ZoneKind
from eloket.city.templatetags.city_format import duration, euro

from . import pricing, web
from .refusals import SessionRefused

UNTIL = "until"


def zone_label(item) -> str:
    """One line for a zone choice: code, name, kind and what it costs (item: city.views.ZoneTariff)."""
    zone, tariff = item.zone, item.tariff
    if zone.kind == ZoneKind.BLUE:
        limit = (tariff.max_duration_minutes if tariff else None) or pricing.DEFAULT_DISC_MINUTES
        what = _("blue zone, free with a digital parking disc, at most %(limit)s") % {"limit": duration(limit)}
    elif tariff is None or not item.is_paid:
        what = _("paid zone, free at the moment")
    else:
        what = _("paid zone, %(price)s per hour") % {"price": euro(tariff.price_per_hour)}
        if tariff.free_minutes:
            free = (_("%(what)s, %(free)s free once a day") if tariff.free_once_per_day
                    else _("%(what)s, %(free)s free at the start"))
            what = free % {"what": what, "free": duration(tariff.free_minutes)}
        if tariff.max_duration_minutes:
            what = _("%(what)s, at most %(limit)s") % {"what": what, "limit": duration(tariff.max_duration_minutes)}
    return f"{zone.code} {zone.name}: {what}"


class StartForm(forms.Form):
    zone = forms.ChoiceField(label=_("Zone"), widget=forms.RadioSelect,
                             error_messages={"required": _("Choose the zone where you park."),
                                             "invalid_choice": _("Choose one of the zones in the list.")})
    vehicle = forms.ModelChoiceField(label=_("Vehicle"), queryset=None, widget=forms.RadioSelect, empty_label=None,
                                     error_messages={"required": _("Choose the vehicle you park."),
                                                     "invalid_choice": _("Choose one of your vehicles.")})
    duration = forms.ChoiceField(label=_("How long do you park?"), required=False, widget=forms.RadioSelect,
                                 help_text=_("Only in a paid zone. In a blue zone the parking disc sets the time."),
                                 error_messages={"invalid_choice": _("Choose one of the durations in the list.")})
    end_time = forms.TimeField(label=_("Until (time today)"), required=False,
                               widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                               help_text=_("Only when you chose “until a time I choose”. For example 14:30."),
                               error_messages={"invalid": _("Enter a time as hours and minutes, for example 14:30.")})

    def __init__(self, *args, user, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.zones = {item.zone.code: item.zone for item in zones}
        self.fields["zone"].choices = [(item.zone.code, zone_label(item)) for item in zones]
        self.fields["vehicle"].queryset = user.vehicles.all()
        self.fields["vehicle"].label_from_instance = lambda vehicle: (
            f"{vehicle.plate_display} ({vehicle.description})" if vehicle.description else vehicle.plate_display)
        self.fields["duration"].choices = [(str(minutes), duration(minutes)) for minutes in web.DURATIONS] + [
            (UNTIL, _("Until a time I choose"))]

    def clean(self):
        cleaned = super().clean()
        zone = self.zones.get(cleaned.get("zone"))
        cleaned["zone_obj"] = zone
        if zone is None or zone.kind != ZoneKind.PAID:
            return cleaned
        choice = cleaned.get("duration")
        if not choice and "duration" not in self.errors:
            self.add_error("duration", _("Choose how long you park."))
        elif choice == UNTIL and cleaned.get("end_time") is None and "end_time" not in self.errors:
            self.add_error("end_time", _("Enter the time until which you park."))
        return cleaned

    def end(self, now: datetime.datetime) -> datetime.datetime | None:
        """The chosen end of a paid session (None in a blue zone); a refusal becomes this form's error."""
        zone = self.cleaned_data["zone_obj"]
        if zone.kind != ZoneKind.PAID:
            return None
        choice = self.cleaned_data["duration"]
        try:
            if choice == UNTIL:
                return web.end_for(now, until=self.cleaned_data["end_time"])
            return web.end_for(now, minutes=int(choice))
        except SessionRefused as refusal:
            self.add_error("end_time" if choice == UNTIL else "duration", refusal.message)
            return None


class ExtendForm(forms.Form):
    minutes = forms.TypedChoiceField(label=_("Extend by"), coerce=int, widget=forms.RadioSelect,
                                     error_messages={"required": _("Choose how long you want to extend."),
                                                     "invalid_choice": _("Choose one of the periods in the list.")})

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].choices = [(str(option.minutes), self.label(option)) for option in choices]

    @staticmethod
    def label(option) -> str:
        end = timezone.localtime(option.ends_at).strftime("%H:%M")
        if option.amount:
            return _("%(period)s, until %(end)s: %(amount)s") % {"period": duration(option.minutes), "end": end,
                                                                 "amount": euro(option.amount)}
        return _("%(period)s, until %(end)s: free") % {"period": duration(option.minutes), "end": end}


def error_links(form) -> list[tuple[str, str]]:
    """(anchor, message) for the error summary: each field error links to its first input."""
    links = [("", str(error)) for error in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            continue
        field = form[name]
        anchor = field.auto_id + ("_0" if isinstance(field.field.widget, forms.RadioSelect) else "")
        links += [(anchor, f"{field.label}: {error}") for error in errors]
    return links
