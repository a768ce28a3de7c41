"""Appointments in the admin. The city admin configures locations (with their counters, weekly hours and exceptions)
and topics (with their questions); overlapping hours and extra hours without times are refused with a clear message.

Counter staff work from the day agenda (admin_agenda.py). An appointment's page is read-mostly: its status changes
only through the agenda's actions (booking.py), so its history stays complete; staff may correct the contact
details and the counter.
"""

import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from eloket.accounts import phone as phones
from eloket.audit.admin_mixin import AuditedAdmin

from .admin_agenda import AGENDA_PERMISSION, AgendaStaffViews, agenda_url, appointment_actions
from .agenda import day_bounds, linked_admin_url
from .models import (
    Appointment,
    AppointmentEvent,
    Counter,
    Location,
    OpeningHours,
    Question,
    Slot,
    SpecialDay,
    Topic,
)
from .questions import answer_lines

# Checkboxes rather than the admin's JavaScript selector: usable by keyboard and screen reader as they are.
CHECKBOXES = {"widget": forms.CheckboxSelectMultiple}


def _overlaps(first_from, first_to, second_from, second_to) -> bool:
    """Whether two validity periods overlap; None as the last day means open-ended."""
    return (second_to is None or first_from <= second_to) and (first_to is None or second_from <= first_to)


class LabelledFormSet(forms.BaseInlineFormSet):
    """A table row shows its labels only as column headings; each input also gets its label for screen readers."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):  # each option has one
                field.widget.attrs.setdefault("aria-label", str(field.label))


class OpeningHoursFormSet(LabelledFormSet):
    """Two stretches on one weekday that are in force on a same day may not overlap (a lunch break is two stretches)."""

    def clean(self):
        super().clean()
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            if all(data.get(key) is not None for key in ("weekday", "opens", "closes", "valid_from")):
                rows.append(data)
        for index, first in enumerate(rows):
            for second in rows[index + 1:]:
                if (first["weekday"] == second["weekday"]
                        and first["opens"] < second["closes"] and second["opens"] < first["closes"]
                        and _overlaps(first["valid_from"], first.get("valid_to"), second["valid_from"],
                                      second.get("valid_to"))):
                    day = dict(OpeningHours._meta.get_field("weekday").choices)[first["weekday"]]
                    raise ValidationError(
                        _("The opening hours on %(day)s overlap: %(first)s and %(second)s. For a lunch break, end the "
                          "first stretch before the second one starts."),
                        params={"day": day, "first": f"{first['opens']:%H:%M}-{first['closes']:%H:%M}",
                                "second": f"{second['opens']:%H:%M}-{second['closes']:%H:%M}"}, code="overlap")


class SpecialDayForm(forms.ModelForm):
    class Meta:
        model = SpecialDay
        fields = ["date", "kind", "opens", "closes", "reason"]

    def clean(self):
        cleaned = super().clean()
        kind, opens, closes = cleaned.get("kind"), cleaned.get("opens"), cleaned.get("closes")
        if kind == SpecialDay.Kind.EXTRA:
            # Errors on the fields keep the database constraint's technical message off the page.
            if opens is None and "opens" not in self.errors:
                self.add_error("opens", _("Extra hours need an opening time."))
            if closes is None and "closes" not in self.errors:
                self.add_error("closes", _("Extra hours need a closing time."))
            if opens and closes and closes <= opens:
                self.add_error("closes", _("The closing time must be after the opening time."))
        elif kind == SpecialDay.Kind.CLOSED and (opens or closes):
            self.add_error("opens", _("A closed day has no hours: leave the times empty, or choose “extra hours”."))
        return cleaned


class SpecialDayFormSet(LabelledFormSet):
    """Extra hours on one date may not overlap."""

    def clean(self):
        super().clean()
        extra = [form.cleaned_data for form in self.forms
                 if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE") and not form.errors
                 and form.cleaned_data.get("kind") == SpecialDay.Kind.EXTRA]
        for index, first in enumerate(extra):
            for second in extra[index + 1:]:
                if first["date"] == second["date"] and first["opens"] < second["closes"] and second["opens"] < first["closes"]:
                    raise ValidationError(_("The extra hours on %(date)s overlap."),
                                          params={"date": f"{first['date']:%d/%m/%Y}"}, code="overlap")


class CounterInline(admin.TabularInline):
    model = Counter
    formset = LabelledFormSet
    extra = 0
    fields = ["name", "topics", "active"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "topics":
            kwargs.update(CHECKBOXES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0
    fields = ["weekday", "opens", "closes", "valid_from", "valid_to"]


class SpecialDayInline(admin.TabularInline):
    model = SpecialDay
    form = SpecialDayForm
    formset = SpecialDayFormSet
    extra = 0
    fields = ["date", "kind", "opens", "closes", "reason"]

    def get_queryset(self, request):
        # Exceptions more than a month old are history: they stay in the database, off the form.
        return super().get_queryset(request).filter(date__gte=timezone.localdate() - datetime.timedelta(days=31))


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "address", "active", "book_ahead_days", "min_notice_minutes", "change_until_minutes",
                    "agenda_link"]
    list_filter = ["active"]
    search_fields = ["name_nl", "name_en", "address"]
    fieldsets = [
        (None, {"fields": ["name_nl", "name_en", "address", "directions_nl", "directions_en", "active"]}),
        (_("Booking window"), {"fields": ["book_ahead_days", "min_notice_minutes", "change_until_minutes"]}),
    ]
    inlines = [CounterInline, OpeningHoursInline, SpecialDayInline]

    @admin.display(description=_("day agenda"))
    def agenda_link(self, obj):
        return format_html('<a href="{}">{}</a>', agenda_url(obj.pk), _("Day agenda of %(location)s") % {"location": obj})

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if request.user.has_perm(AGENDA_PERMISSION) else [name for name in shown if name != "agenda_link"]


class QuestionInline(admin.TabularInline):
    model = Question
    formset = LabelledFormSet
    extra = 0
    fields = ["kind", "label_nl", "label_en", "required", "order"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "duration_minutes", "capacity", "links_to", "location_list", "order", "active"]
    list_filter = ["active", "links_to", "locations"]
    search_fields = ["name_nl", "name_en"]
    fields = ["name_nl", "name_en", "description_nl", "description_en", "locations", "duration_minutes", "capacity",
              "links_to", "order", "active"]
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("locations")

    @admin.display(description=_("locations"))
    def location_list(self, obj):
        return ", ".join(str(location) for location in obj.locations.all())

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "locations":
            kwargs.update(CHECKBOXES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AppointmentEventInline(ReadOnlyInline):
    """The history, read-only: events are written by booking.py, never by hand."""

    model = AppointmentEvent
    fields = readonly_fields = ["at", "actor", "from_status", "to_status", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("appointments.view_appointment")  # the history is part of the appointment


class DayFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return [("today", _("Today")), ("tomorrow", _("Tomorrow")), ("week", _("The next 7 days")),
                ("past", _("Past"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        start_of_today = day_bounds(today)[0]
        if self.value() == "today":
            return queryset.filter(starts_at__range=day_bounds(today))
        if self.value() == "tomorrow":
            return queryset.filter(starts_at__range=day_bounds(today + datetime.timedelta(days=1)))
        if self.value() == "week":
            return queryset.filter(starts_at__gte=start_of_today,
                                   starts_at__lt=day_bounds(today + datetime.timedelta(days=6))[1])
        if self.value() == "past":
            return queryset.filter(starts_at__lt=start_of_today)
        return queryset


class AppointmentForm(forms.ModelForm):
    """Only the counter (one of the appointment's location) and the contact details can be corrected here."""

    class Meta:
        model = Appointment
        fields = ["counter", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "counter" in self.fields:
            self.fields["counter"].queryset = Counter.objects.filter(location_id=self.instance.location_id)

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return phones.validate(value) if value else ""


READONLY = ["reference", "status", "location", "topic", "starts_at", "ends_at", "citizen", "name", "language",
            "remind_by_sms", "answer_list", "linked", "channel", "booked_by", "created", "confirmed_at", "reminded_at",
            "cancel_reason"]


@admin.register(Appointment)
class AppointmentAdmin(AuditedAdmin, AgendaStaffViews, admin.ModelAdmin):
    form = AppointmentForm
    list_display = ["reference", "starts_at", "location", "topic", "name", "status", "channel", "counter"]
    list_filter = ["location", "topic", "status", DayFilter, "channel"]
    list_select_related = ["location", "topic", "counter__location"]
    search_fields = ["reference", "name", "email", "citizen__email"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at", "-pk"]
    fieldsets = [
        (None, {"fields": ["reference", "status", "location", "topic", "starts_at", "ends_at", "counter"]}),
        (_("Citizen"), {"fields": ["citizen", "name", "email", "phone", "language", "remind_by_sms"]}),
        (_("Prepared for the counter"), {"fields": ["answer_list", "linked"]}),
        (_("Record"), {"fields": ["channel", "booked_by", "created", "confirmed_at", "reminded_at", "cancel_reason"]}),
    ]
    readonly_fields = READONLY
    inlines = [AppointmentEventInline]
    change_form_template = "admin/appointments/appointment/change_form.html"
    change_list_template = "admin/appointments/appointment/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("location", "topic", "counter__location", "citizen", "booked_by")

    @admin.display(description=_("answers"))
    def answer_list(self, obj):
        rows = answer_lines(obj.answers)
        if not rows:
            return "—"
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))

    @admin.display(description=_("linked to"))
    def linked(self, obj):
        url = linked_admin_url(obj)
        if url is None:
            return "—"
        return format_html('<a href="{}">{} #{}</a>', url, obj.get_link_kind_display(), obj.link_id)

    def has_add_permission(self, request):
        return False  # staff book through the agenda's walk-in page, which goes through booking.py

    def has_delete_permission(self, request, obj=None):
        return False  # an appointment is a record; the city cancels it with a reason instead

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["agenda_actions"] = appointment_actions(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        locations = []
        if request.user.has_perm(AGENDA_PERMISSION):
            locations = [(location, agenda_url(location.pk)) for location in Location.objects.filter(active=True)]
        return super().changelist_view(request, {**(extra_context or {}), "agenda_locations": locations})


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    """Read-only: slot rows are written by booking.py; blocking and unblocking are done from the day agenda."""

    list_display = ["starts_at", "location", "topic", "booked", "capacity", "blocked", "blocked_reason"]
    list_filter = ["blocked", "location", "topic"]
    list_select_related = ["location", "topic"]
    date_hierarchy = "starts_at"
    fields = readonly_fields = ["location", "topic", "starts_at", "ends_at", "capacity", "booked", "blocked",
                                "blocked_reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

