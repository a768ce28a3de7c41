"""The city's reference data in the Django admin: staff edit figures here, never in code."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .models import (
    Cap,
    Charge,
    CityProfile,
    Gas4Rate,
    Gas5Rate,
    PublicHoliday,
    RetributionRate,
    Street,
    StreetRange,
    Tariff,
    TariffHours,
    Term,
    Zone,
)


class ValidityFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("current", _("In force today")), ("past", _("Past")), ("future", _("Future"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.in_force(today)
        if self.value() == "past":
            return queryset.filter(valid_to__lt=today)
        if self.value() == "future":
            return queryset.filter(valid_from__gt=today)
        return queryset


class ValidityForm(forms.ModelForm):
    """Shows the model's overlap check as a form error.

    The model's clean() compares rows on its `overlap_key` fields; when one of those fields is
    itself invalid (say no zone was chosen) there is nothing to compare yet, so the model check
    waits until the field error is fixed instead of failing on the missing value.
    """

    def _post_clean(self):
        if any(field in self._errors for field in self._meta.model.overlap_key):
            return
        super()._post_clean()


class ValidityAdmin(admin.ModelAdmin):
    form = ValidityForm
    list_filter = [ValidityFilter]
    date_hierarchy = "valid_from"

    @admin.display(boolean=True, description=_("in force today"))
    def in_force_today(self, obj):
        return obj.is_in_force()


@admin.register(CityProfile)
class CityProfileAdmin(admin.ModelAdmin):
    """There is one city per installation: it can be changed, never added twice or deleted."""

    list_display = ["name", "municipality", "email", "phone"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "portal_name", "logo", "logo_alt"]}),
        (_("Colours"), {"fields": ["colour_primary", "colour_primary_text", "colour_accent", "colour_focus"],
                        "description": _("Text and links must keep a contrast of at least 4.5:1 (WCAG AA).")}),
        (_("Contact"), {"fields": ["street_address", "postal_code", "municipality", "phone", "email", "website",
                                   "counter_hours_nl", "counter_hours_en"]}),
        (_("Payments"), {"fields": ["beneficiary", "iban", "bic", "enterprise_number"]}),
        (_("Permits"), {"fields": ["auto_approve_resident_cards", "resident_card_refund_pro_rata",
                                   "disability_free_in_paid_zones"]}),
        (_("Sanctions and privacy"), {"fields": ["sanctioning_official", "sanctioning_address", "dpo_email",
                                                 "accessibility_email"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CityProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        profile = CityProfile.objects.order_by("pk").first()
        if profile is not None and self.has_view_or_change_permission(request, profile):
            return redirect(reverse("admin:city_cityprofile_change", args=[profile.pk]))
        return super().changelist_view(request, extra_context)


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "name_en", "kind", "capacity", "is_active"]
    list_display_links = ["code", "name_nl"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name_nl", "name_en"]
    fieldsets = [
        (None, {"fields": ["code", "kind", "is_active", "capacity"]}),
        (_("Name and description"), {"fields": ["name_nl", "name_en", "description_nl", "description_en"]}),
        (_("Map"), {"fields": ["outline"], "classes": ["collapse"]}),
    ]


class CachedChoicesFormSet(BaseInlineFormSet):
    """Renders the zone list of every row from one query instead of one query per row."""

    choice_fields = ("zone",)

    @cached_property
    def _cached_choices(self):
        return {name: list(self.form.base_fields[name].choices) for name in self.choice_fields
                if name in self.form.base_fields}

    def _construct_form(self, i, **kwargs):
        return self._with_cached_choices(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self):
        return self._with_cached_choices(super().empty_form)

    def _with_cached_choices(self, form):
        for name, choices in self._cached_choices.items():
            field = form.fields[name]
            field.choices = choices
            widget = getattr(field.widget, "widget", None)  # the admin wraps selects in a related-object widget
            if widget is not None:
                widget.choices = choices
        return form


class StreetRangeInline(admin.TabularInline):
    model = StreetRange
    formset = CachedChoicesFormSet
    fields = ["first_number", "last_number", "parity", "zone"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("street", "zone")  # each row shows its __str__


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["name", "postal_code", "range_count", "zone_codes"]
    list_filter = ["postal_code", "ranges__zone"]
    search_fields = ["name", "postal_code", "ranges__zone__code"]
    inlines = [StreetRangeInline]

    def get_queryset(self, request):
        return (super().get_queryset(request).annotate(range_count=Count("ranges", distinct=True))
                .prefetch_related("ranges__zone"))

    @admin.display(description=_("house number ranges"), ordering="range_count")
    def range_count(self, obj):
        return obj.range_count

    @admin.display(description=_("zones"))
    def zone_codes(self, obj):
        return ", ".join(sorted({r.zone.code for r in obj.ranges.all()}))


class TariffHoursFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen: dict[int, list[tuple]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or any(data.get(key) is None for key in ("weekday", "start", "end")):
                continue
            for start, end in seen.get(data["weekday"], []):
                if data["start"] < end and start < data["end"]:
                    raise ValidationError(_("Two stretches of paid hours on the same weekday overlap."))
            seen.setdefault(data["weekday"], []).append((data["start"], data["end"]))


class TariffHoursInline(admin.TabularInline):
    model = TariffHours
    formset = TariffHoursFormSet
    fields = ["weekday", "start", "end"]
    extra = 1


@admin.register(Tariff)
class TariffAdmin(ValidityAdmin):
    list_display = ["zone", "price_per_hour", "billing_unit_minutes", "max_duration_minutes", "free_minutes",
                    "grace_minutes", "valid_from", "valid_to", "in_force_today"]
    list_filter = [ValidityFilter, "zone__kind", "zone"]
    list_select_related = ["zone"]
    search_fields = ["zone__code", "zone__name_nl", "zone__name_en"]
    autocomplete_fields = ["zone"]
    inlines = [TariffHoursInline]
    fieldsets = [
        (None, {"fields": ["zone", "valid_from", "valid_to"]}),
        (_("Price"), {"fields": ["price_per_hour", "billing_unit_minutes"]}),
        (_("Time rules"), {"fields": ["max_duration_minutes", "free_minutes", "free_once_per_day", "grace_minutes",
                                      "free_on_public_holidays"]}),
    ]


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name_nl", "name_en"]
    search_fields = ["name_nl", "name_en"]
    date_hierarchy = "date"


@admin.register(RetributionRate)
class RetributionRateAdmin(ValidityAdmin):
    list_display = ["amount", "period", "max_per_day", "valid_from", "valid_to", "in_force_today"]


@admin.register(Gas4Rate)
class Gas4RateAdmin(ValidityAdmin):
    list_display = ["category", "amount", "valid_from", "valid_to", "in_force_today"]
    list_filter = [ValidityFilter, "category"]
    fields = ["category", "amount", "valid_from", "valid_to", "examples_nl", "examples_en"]


@admin.register(Gas5Rate)
class Gas5RateAdmin(ValidityAdmin):
    list_display = ["base_amount", "base_excess_kmh", "per_kmh_inside", "per_kmh_outside", "max_excess_kmh",
                    "limits", "valid_from", "valid_to", "in_force_today"]


@admin.register(Term)
class TermAdmin(ValidityAdmin):
    list_display = ["code", "days", "valid_from", "valid_to", "in_force_today"]
    list_filter = [ValidityFilter, "code"]


@admin.register(Cap)
class CapAdmin(ValidityAdmin):
    list_display = ["code", "value", "valid_from", "valid_to", "in_force_today"]
    list_filter = [ValidityFilter, "code"]


@admin.register(Charge)
class ChargeAdmin(ValidityAdmin):
    list_display = ["code", "amount", "valid_from", "valid_to", "in_force_today"]
    list_filter = [ValidityFilter, "code"]
