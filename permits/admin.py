"""Permits in the admin: work queues for counter staff, search by plate, address, name or card number, decisions with a
reason (admin_views.py), the documents and the full history. The permit itself is read-only here: it changes only
through rules.py, disability.py and changes.py, so its history stays complete."""

import datetime
import re

from django.contrib import admin
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from eloket.accounts import plates
from eloket.audit.admin_mixin import AuditedAdmin

from .admin_views import REGISTER_PERMISSION, PermitStaffViews, allowed_actions, csv_response
from .models import (
    Permit,
    PermitDocument,
    PermitEvent,
    PermitKind,
    PermitPlate,
    PermitStatus,
    ResidentCardPrice,
    VisitorPeriod,
)

S = PermitStatus
EXPIRY_HORIZON_DAYS = 30


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PermitPlateInline(ReadOnlyInline):
    """Plates change through changes.change_plate or disability.set_plates, which write the history."""

    model = PermitPlate
    fields = readonly_fields = ["plate_display", "country"]

    @admin.display(description=_("number plate"))
    def plate_display(self, obj):
        return obj.plate_display


class PermitDocumentInline(ReadOnlyInline):
    model = PermitDocument
    fields = readonly_fields = ["kind", "uploaded_at", "uploaded_by", "content_type", "size", "download"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("admin:permits_permit_document", args=[obj.permit_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


class PermitEventInline(ReadOnlyInline):
    """The history, read-only: events are written by the rules, never by hand."""

    model = PermitEvent
    fields = readonly_fields = ["at", "actor", "from_status", "to_status", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


def _last_entry_into_review():
    """The status a permit came from when it last entered review (a note written within one status does not count)."""
    entries = PermitEvent.objects.filter(permit=OuterRef("pk"), to_status=S.IN_REVIEW).exclude(from_status=F("to_status"))
    return Subquery(entries.order_by("-at", "-pk").values("from_status")[:1])


def _queues(today: datetime.date) -> dict[str, tuple[str, Q]]:
    """Each work queue: its label and its condition (the answers queue needs the `entered_review_from` annotation)."""
    review = (S.APPLIED, S.IN_REVIEW)
    return {
        "review": (_("Applications to review"),
                   Q(kind__in=[PermitKind.RESIDENT, PermitKind.CARE_PROVIDER], status__in=review)),
        "answers": (_("Answers waiting"), Q(status=S.IN_REVIEW, entered_review_from=S.MORE_INFO_REQUESTED)),
        "disability": (_("Disability registrations to verify"), Q(kind=PermitKind.DISABILITY, status__in=review)),
        "waiting": (_("Waiting for the citizen"), Q(status=S.MORE_INFO_REQUESTED)),
        "payment": (_("Awaiting payment"), Q(status=S.AWAITING_PAYMENT)),
        "expiring": (_("Expiring within 30 days"), Q(status=S.ACTIVE, valid_to__gte=today,
                                                     valid_to__lte=today + datetime.timedelta(days=EXPIRY_HORIZON_DAYS))),
    }


class WorkQueueFilter(admin.SimpleListFilter):
    title = _("work queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        queues = _queues(timezone.localdate())
        counts = Permit.objects.annotate(entered_review_from=_last_entry_into_review()).aggregate(
            **{key: Count("pk", filter=condition) for key, (_label, condition) in queues.items()})
        return [(key, f"{label} ({counts[key]})") for key, (label, _condition) in queues.items()]

    def queryset(self, request, queryset):
        queues = _queues(timezone.localdate())
        if self.value() not in queues:
            return queryset
        return queryset.annotate(entered_review_from=_last_entry_into_review()).filter(queues[self.value()][1])


def queue_ordering(queue: str | None) -> list[str] | None:
    """Work queues put the oldest case first; the expiring queue the first to expire."""
    if queue == "expiring":
        return ["valid_to", "pk"]
    if queue in _queues(timezone.localdate()):
        return ["created", "pk"]
    return None


CARD_DIGITS = re.compile(r"^[\d\s.\-]+$")


@admin.register(Permit)
class PermitAdmin(AuditedAdmin, PermitStaffViews, admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "holder", "plate_list", "zone", "channel", "valid_to", "created"]
    list_filter = [WorkQueueFilter, "kind", "status", "zone", "channel"]
    search_fields = ["holder__email", "holder__first_name", "holder__last_name", "street", "house_number",
                     "postal_code", "municipality", "card_number"]
    list_select_related = ["holder", "zone"]
    fields = readonly_fields = [
        "kind", "status", "holder", "zone", "street", "house_number", "box", "postal_code",
        "municipality", "valid_from", "valid_to", "price", "price_explanation", "vehicle_use", "card_number",
        "card_expiry", "recognition_number", "channel", "registered_by", "renewal_of", "reminder_sent_at", "created",
        "updated",
    ]
    inlines = [PermitPlateInline, PermitDocumentInline, PermitEventInline]
    actions = ["export_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("plates")

    def get_ordering(self, request):
        return queue_ordering(request.GET.get(WorkQueueFilter.parameter_name)) or super().get_ordering(request)

    def has_add_permission(self, request):
        return False  # a permit starts as an application (rules.py); staff register disability cards on their own page

    def has_change_permission(self, request, obj=None):
        return False  # decisions go through the action pages, which check permits.change_permit

    def has_delete_permission(self, request, obj=None):
        return False  # a permit is a record; cancel or revoke it instead

    @admin.display(description=_("number plates"))
    def plate_list(self, obj):
        return ", ".join(p.plate_display for p in obj.plates.all())

    def get_search_results(self, request, queryset, search_term):
        """Beside the fields: a plate typed in any notation (1-abc-123), and a card number with spaces or dots."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        plate = plates.normalize(search_term)
        if plate:
            results = results | queryset.filter(plates__plate=plate)
            may_have_duplicates = True
        digits = re.sub(r"\D", "", search_term)
        if CARD_DIGITS.match(search_term) and len(digits) == 10:
            results = results | queryset.filter(card_number=digits)
        return results, may_have_duplicates

    @admin.action(description=_("Export selected to CSV"), permissions=["view"])
    def export_selected(self, request, queryset):
        return csv_response(queryset, request.user)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_register_disability": request.user.has_perm(REGISTER_PERMISSION)}
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["staff_actions"] = allowed_actions(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(VisitorPeriod)
class VisitorPeriodAdmin(AuditedAdmin, admin.ModelAdmin):
    """Read-only: visitor periods are started and stopped by residents (visitors.py)."""

    list_display = ["plate_display", "country", "zone", "starts_at", "ends_at", "stopped_early", "minutes", "year",
                    "permit"]
    list_filter = ["zone", "year", "stopped_early"]
    list_select_related = ["zone", "permit"]
    search_fields = ["plate"]
    fields = readonly_fields = ["plate_display", "country", "zone", "permit", "started_by", "starts_at", "ends_at",
                                "stopped_early", "minutes", "year", "created"]

    @admin.display(description=_("number plate"), ordering="plate")
    def plate_display(self, obj):
        return obj.plate_display

    def get_search_results(self, request, queryset, search_term):
        plate = plates.normalize(search_term)
        if not plate:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(plate=plate), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResidentCardPrice)
class ResidentCardPriceAdmin(admin.ModelAdmin):
    list_display = ["rank", "amount_per_year", "refused", "valid_from", "valid_to"]
    list_filter = ["refused"]
