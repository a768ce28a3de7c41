"""Fines in the admin: the case list with search by notice number (any notation), plate or holder name; the case with
its evidence and history; registering a case from a report; CSV imports with their error report; the offence catalogue.

A case's status, amount, number and terms are read-only here: they change only through rules.py, so the history stays
complete. Staff may correct the holder's postal and email address (a returned letter), which the admin log records.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from eloket.accounts import plates

from . import numbers
from .admin_views import CaseStaffViews, ImportStaffViews, may_cancel
from .models import Case, CaseEvent, Evidence, ImportBatch, Offence


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = readonly_fields = ["kind", "taken_at", "description", "content_type", "download"]

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("admin:fines_case_evidence", args=[obj.case_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


class CaseEventInline(ReadOnlyInline):
    """The history, read-only: events are written by the rules, never by hand."""

    model = CaseEvent
    fields = readonly_fields = ["at", "actor", "from_status", "to_status", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


EDITABLE = ["holder_street", "holder_postal_code", "holder_municipality", "holder_country", "holder_email"]


@admin.register(Case)
class CaseAdmin(CaseStaffViews, admin.ModelAdmin):
    list_display = ["notice", "kind", "offence_code", "plate_display", "status", "total", "due_date", "observed_at"]
    list_filter = ["kind", "status", "disputed", "source", "zone"]
    search_fields = ["holder_name"]
    list_select_related = ["offence"]
    fieldsets = [
        (None, {"fields": ["notice", "kind", "status", "disputed", "source", "import_batch", "driver_case_of"]}),
        (_("Offence"), {"fields": ["offence", "place", "zone", "observed_at", "observed_by", "report_reference",
                                   "report_received_on"]}),
        (_("Speed (GAS 5)"), {"fields": ["speed_limit", "measured_speed", "corrected_speed", "inside_built_up_area"],
                              "classes": ["collapse"]}),
        (_("Number plate and holder"), {"fields": ["plate_display", "country", "holder_name", "holder_is_company",
                                                   "holder_birth_date", *EDITABLE, "citizen"]}),
        (_("Amount and terms"), {"fields": ["amount", "costs", "total", "issued_on", "due_date", "objection_until",
                                            "driver_until"]}),
        (_("Record"), {"fields": ["created", "updated"]}),
    ]
    readonly_fields = ["notice", "kind", "status", "disputed", "source", "import_batch", "driver_case_of", "offence",
                       "place", "zone", "observed_at", "observed_by", "report_reference", "report_received_on",
                       "speed_limit", "measured_speed", "corrected_speed", "inside_built_up_area", "plate_display",
                       "country", "holder_name", "holder_is_company", "holder_birth_date", "citizen", "amount", "costs",
                       "total", "issued_on", "due_date", "objection_until", "driver_until", "created", "updated"]
    inlines = [EvidenceInline, CaseEventInline]

    @admin.display(description=_("notice number"), ordering="notice_number")
    def notice(self, obj):
        return numbers.display(obj.notice_number)

    @admin.display(description=_("offence"), ordering="offence__code")
    def offence_code(self, obj):
        return obj.offence.code

    @admin.display(description=_("number plate"), ordering="plate")
    def plate_display(self, obj):
        return obj.plate_display

    @admin.display(description=_("amount with costs (EUR)"))
    def total(self, obj):
        return f"{obj.total:.2f}"

    def get_search_results(self, request, queryset, search_term):
        """Beside the holder's name: a notice number in any notation (2026-000123-45, 202600012345) and a plate."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = numbers.parse(search_term)
        if number:
            results = results | queryset.filter(notice_number=number)
        plate = plates.normalize(search_term)
        if plate:
            results = results | queryset.filter(plate=plate)
        return results, may_have_duplicates

    def has_delete_permission(self, request, obj=None):
        return False  # a case is a record; cancel it with a reason instead

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["cancel_url"] = reverse("admin:fines_case_cancel", args=[obj.pk]) if may_cancel(request.user, obj) else None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": request.user.has_perm("fines.add_importbatch")}
        return super().changelist_view(request, extra_context)


@admin.register(Offence)
class OffenceAdmin(admin.ModelAdmin):
    """The city admin keeps the catalogue; an offence in use is switched off (not in use), never deleted."""

    list_display = ["code", "kind", "gas4_category", "camera", "description_nl", "legal_reference", "is_active"]
    list_filter = ["kind", "gas4_category", "camera", "is_active"]
    search_fields = ["code", "description_nl", "description_en", "legal_reference"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ImportStaffViews, admin.ModelAdmin):
    """Uploading a file is adding a batch; a batch is then a read-only report: imported or not, and why."""

    list_display = ["uploaded_at", "uploaded_by", "rows", "imported", "error_count"]
    list_filter = ["imported"]
    list_select_related = ["uploaded_by"]
    fields = readonly_fields = ["uploaded_at", "uploaded_by", "rows", "imported", "cases_link"]
    change_form_template = "admin/fines/importbatch/report.html"

    @admin.display(description=_("errors"))
    def error_count(self, obj):
        return len(obj.errors)

    @admin.display(description=_("cases"))
    def cases_link(self, obj):
        count = obj.cases.count()
        if not count:
            return "0"
        url = reverse("admin:fines_case_changelist") + f"?import_batch__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, count)

    def has_change_permission(self, request, obj=None):
        return False  # the report is what happened to the file; a corrected file is a new upload

    def has_delete_permission(self, request, obj=None):
        return False
