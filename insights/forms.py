"""The report's choice of period and zones; also used by the outcome page and the CSV links (all by GET)."""

import datetime

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.city.models import Zone

from .selection import MAX_DAYS, Selection, default_period


class ReportForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=gettext_lazy("Until (included)"),
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    zones = forms.MultipleChoiceField(label=gettext_lazy("Zones"), required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text=gettext_lazy("Choose none for all zones."))

    def __init__(self, data=None, *, zones: list[Zone], today: datetime.date | None = None):
        """`data` is request.GET; without a period in it the form shows the default period (the last full year)."""
        self.all_zones = list(zones)
        if not data or not (data.get("start") or data.get("end")):
            start, end = default_period(today)
            chosen = data.getlist("zones") if hasattr(data, "getlist") else []
            data = {"start": start.isoformat(), "end": end.isoformat(), "zones": chosen}
        super().__init__(data)
        self.fields["zones"].choices = [(str(zone.pk), f"{zone.code} {zone.name}") for zone in self.all_zones]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end date must be on or after the start date."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("end", _("Choose a period of at most %(days)d days.") % {"days": MAX_DAYS})
        return cleaned

    def selection(self) -> Selection:
        """The valid form as a Selection (call after is_valid())."""
        chosen = set(self.cleaned_data["zones"])
        zones = tuple(zone for zone in self.all_zones if str(zone.pk) in chosen)
        return Selection(start=self.cleaned_data["start"], end=self.cleaned_data["end"], zones=zones,
                         all_zones=tuple(self.all_zones))

    def query(self) -> str:
        """The valid choice as a query string, for the CSV links and the outcome's PDF."""
        params = QueryDict(mutable=True)
        params["start"] = self.cleaned_data["start"].isoformat()
        params["end"] = self.cleaned_data["end"].isoformat()
        params.setlist("zones", self.cleaned_data["zones"])
        return params.urlencode()
