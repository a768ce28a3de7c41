"""Fines in the admin: the case list with search by notice number (any notation), plate or holder name; the case with
its evidence, objections, hearings, history and the manual steps the rules allow; registering a case from a report; CSV
imports with their error report; the offence catalogue; and the sanctioning official's work queues of objections and
the planned oral hearings.

A case's status, amount, number and terms are read-only here: they change only through rules.py, so the history stays
complete. Staff may correct the holder's postal and email address (a returned letter), which the admin log records.
"""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from eloket.accounts import plates
from eloket.audit.admin_mixin import AuditedAdmin

from . import decisions, numbers
from .admin_print import print_notices  # also registers the print batches' admin
from .admin_views import (
    CaseStaffViews,
    HearingStaffViews,
    ImportStaffViews,
    ObjectionStaffViews,
    allowed_steps,
    case_summary,
    objection_actions,
)
from .issuing import GAS_KINDS
from .models import (
    Case,
    CaseEvent,
    CaseStatus,
    Evidence,
    Hearing,
    ImportBatch,
    Objection,
    ObjectionAttachment,
    ObjectionStatus,
    Offence,
)
from .rules import HEARING_ABOVE


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


class ObjectionInline(ReadOnlyInline):
    model = Objection
    fields = readonly_fields = ["open_link", "ground", "submitted_at", "hearing_requested", "status", "decided_at"]

    @admin.display(description=_("objection"))
    def open_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:fines_objection_change", args=[obj.pk]), obj)


class HearingInline(ReadOnlyInline):
    model = Hearing
    fields = readonly_fields = ["starts_at", "place", "planned_by", "held_at", "cancelled_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("planned_by")


EDITABLE = ["holder_street", "holder_postal_code", "holder_municipality", "holder_country", "holder_email"]


@admin.register(Case)
class CaseAdmin(AuditedAdmin, CaseStaffViews, admin.ModelAdmin):
    actions = [print_notices]
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
    inlines = [EvidenceInline, ObjectionInline, HearingInline, CaseEventInline]

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
            context["staff_steps"] = allowed_steps(request.user, obj)
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


# --- The sanctioning official's work on objections -----------------------------------------------------------------

DECIDABLE = [CaseStatus.DISPUTED, CaseStatus.HEARING, CaseStatus.PAID]


def _queues() -> dict[str, tuple[str, Q]]:
    """Each work queue: its label and its condition on objections annotated with `has_hearing` and `heard`."""
    # Only what can still be decided: a case closed otherwise (driver named) leaves nothing to decide.
    pending = Q(status=ObjectionStatus.PENDING, case__status__in=DECIDABLE)
    # GAS-wet: only a GAS fine above € 70 gets the oral hearing it asks for.
    hearing_due = Q(hearing_requested=True, case__kind__in=GAS_KINDS, case__amount__gt=HEARING_ABOVE)
    return {
        "new": (_("New objections"), pending & Q(has_hearing=False)),
        "hearings": (_("Hearings to plan"), pending & hearing_due & Q(has_hearing=False)),
        "decisions": (_("Decisions due"), pending & (Q(heard=True) | ~hearing_due)),
    }


def _with_hearings(queryset):
    hearings = Hearing.objects.filter(objection=OuterRef("pk"))
    return queryset.annotate(has_hearing=Exists(hearings), heard=Exists(hearings.filter(held_at__isnull=False)))


class ObjectionQueueFilter(admin.SimpleListFilter):
    title = _("work queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        queues = _queues()
        counts = _with_hearings(Objection.objects.all()).aggregate(
            **{key: Count("pk", filter=condition) for key, (_label, condition) in queues.items()})
        return [(key, f"{label} ({counts[key]})") for key, (label, _condition) in queues.items()]

    def queryset(self, request, queryset):
        queues = _queues()
        if self.value() not in queues:
            return queryset
        return _with_hearings(queryset).filter(queues[self.value()][1])


class AttachmentInline(ReadOnlyInline):
    model = ObjectionAttachment
    fields = readonly_fields = ["name", "content_type", "size", "download"]

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("admin:fines_objection_attachment", args=[obj.objection_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


class ObjectionHearingInline(ReadOnlyInline):
    model = Hearing
    fields = readonly_fields = ["starts_at", "place", "planned_by", "held_at", "cancelled_at", "minutes"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("planned_by")


@admin.register(Objection)
class ObjectionAdmin(AuditedAdmin, ObjectionStaffViews, admin.ModelAdmin):
    """The official's work queue. Read-only: an objection is decided through its buttons (decisions.py)."""

    list_display = ["__str__", "notice", "kind", "ground", "submitted_at", "hearing", "rights", "status"]
    list_filter = [ObjectionQueueFilter, "status", "ground", "hearing_requested", "case__kind"]
    list_select_related = ["case"]
    search_fields = ["contact_name", "contact_email"]
    change_form_template = "admin/fines/objection/change_form.html"
    fieldsets = [
        (_("Contact details"), {"fields": ["contact_name", "contact_email", "contact_phone", "language", "submitted_by",
                                           "submitted_at"]}),
        (_("Decision"), {"fields": ["status", "decided_at", "decided_by", "decision_reason"]}),
    ]
    readonly_fields = ["contact_name", "contact_email", "contact_phone", "language", "submitted_by", "submitted_at",
                       "status", "decided_at", "decided_by", "decision_reason"]
    inlines = [AttachmentInline, ObjectionHearingInline]

    @admin.display(description=_("notice number"), ordering="case__notice_number")
    def notice(self, obj):
        return numbers.display(obj.case.notice_number)

    @admin.display(description=_("kind"), ordering="case__kind")
    def kind(self, obj):
        return obj.case.get_kind_display()

    @admin.display(description=_("oral hearing requested"), ordering="hearing_requested")
    def hearing(self, obj):
        return _("yes") if obj.hearing_requested else _("no")

    @admin.display(description=_("rights found in eloket"))
    def rights(self, obj):
        # In words, not a coloured icon: a right found is what the official must not miss.
        if not obj.rights_found:
            return "—"
        return format_html("<strong>{}</strong>", _("Yes: %(count)d") % {"count": len(obj.rights_found)})

    def get_search_results(self, request, queryset, search_term):
        """Beside the contact's name and email: the case's notice number in any notation, or its plate."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = numbers.parse(search_term)
        if number:
            results = results | queryset.filter(case__notice_number=number)
        plate = plates.normalize(search_term)
        if plate:
            results = results | queryset.filter(case__plate=plate)
        return results, may_have_duplicates

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case__offence", "decided_by", "submitted_by")

    def has_add_permission(self, request):
        return False  # the citizen objects (objections.py); staff decide

    def has_change_permission(self, request, obj=None):
        return False  # decided through the accept and reject pages, which check fines.change_case

    def has_delete_permission(self, request, obj=None):
        return False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            pending = obj.status == ObjectionStatus.PENDING
            context.update(
                objection=obj, decision_actions=objection_actions(request.user, obj),
                waiting=decisions.reject_refusal(obj) if pending and request.user.has_perm("fines.change_case") else None,
                **case_summary(obj.case))
        return super().render_change_form(request, context, add, change, form_url, obj)


class HearingWhenFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Still to come")), ("minutes", _("Minutes to record"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gt=now, cancelled_at__isnull=True)
        if self.value() == "minutes":
            return queryset.filter(starts_at__lte=now, held_at__isnull=True, cancelled_at__isnull=True)
        return queryset


@admin.register(Hearing)
class HearingAdmin(AuditedAdmin, HearingStaffViews, admin.ModelAdmin):
    """The planned oral hearings by date; planned and minuted from the objection (decisions.py)."""

    list_display = ["starts_at", "place", "notice", "objection_link", "planned_by", "held_at", "cancelled_at"]
    list_filter = [HearingWhenFilter]
    list_select_related = ["case", "planned_by"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at", "pk"]
    fields = readonly_fields = ["case", "objection", "starts_at", "place", "planned_by", "planned_at", "held_at",
                                "cancelled_at", "minutes"]

    @admin.display(description=_("notice number"), ordering="case__notice_number")
    def notice(self, obj):
        return numbers.display(obj.case.notice_number)

    @admin.display(description=_("objection"))
    def objection_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:fines_objection_change", args=[obj.objection_id]),
                           _("Objection #%(pk)s") % {"pk": obj.objection_id})

    def has_add_permission(self, request):
        return False  # planned from the objection, for a GAS defence that asked for it

    def has_change_permission(self, request, obj=None):
        return False  # the minutes are recorded on their own page

    def has_delete_permission(self, request, obj=None):
        return False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.user.has_perm("fines.change_case") and decisions.minutes_refusal(obj) is None:
            context["minutes_url"] = reverse("admin:fines_hearing_minutes", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)
