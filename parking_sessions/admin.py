"""Parking sessions in the admin: parking-app operators with their API keys (made here, shown once, kept only as a
hash) and the inbox of what SMS gateway and operators sent, read-only, with "process again" for rows set aside."""

from django.contrib import admin, messages
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from eloket.accounts import plates
from eloket.audit.admin_mixin import AuditedAdmin

from . import ingest, operators
from .models import Inbox, Operator, ParkingSession


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "key_prefix", "is_active", "created"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    fields = ["name", "code", "is_active", "key_prefix", "created"]
    readonly_fields = ["key_prefix", "created"]
    actions = ["issue_keys"]

    def get_readonly_fields(self, request, obj=None):
        # The code is part of every inbox row's source: changing it would break idempotent retries.
        return [*self.readonly_fields, "code"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            request._operator_keys = [(obj, operators.make_key(obj))]  # make_key saves the new operator

    def response_add(self, request, obj, post_url_continue=None):
        return self._show_keys(request, request._operator_keys)

    @admin.action(description=_("Issue a new API key (the old key stops working)"), permissions=["change"])
    def issue_keys(self, request, queryset):
        return self._show_keys(request, [(operator, operators.make_key(operator)) for operator in queryset])

    def _show_keys(self, request, keys):
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "keys": keys,
                   "title": ngettext("New API key", "New API keys", len(keys))}
        response = TemplateResponse(request, "admin/parking_sessions/operator/new_keys.html", context)
        response["Cache-Control"] = "no-store"  # the key is shown once: no copy in a browser or proxy cache
        return response


class InboxStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting")), ("done", _("Processed")), ("error", _("Processed with an error")),
                ("failing", _("Failing, will be tried again"))]

    def queryset(self, request, queryset):
        return {
            "waiting": lambda: queryset.filter(processed_at__isnull=True),
            "done": lambda: queryset.filter(processed_at__isnull=False, error=""),
            "error": lambda: queryset.filter(processed_at__isnull=False).exclude(error=""),
            "failing": lambda: queryset.filter(Q(processed_at__isnull=True) & ~Q(error="")),
        }.get(self.value(), lambda: queryset)()


@admin.register(Inbox)
class InboxAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["pk", "kind", "source", "received_at", "processed_at", "attempts", "short_error"]
    list_filter = [InboxStateFilter, "kind", "operator"]
    search_fields = ["=external_id", "=parking_id"]
    date_hierarchy = "received_at"
    list_select_related = ["operator"]
    readonly_fields = fields = ["kind", "source", "external_id", "operator", "parking_id", "payload", "received_at",
                                "processed_at", "claimed_at", "attempts", "error"]
    actions = ["process_again"]

    @admin.display(description=_("error"))
    def short_error(self, obj):
        return obj.error[:80]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_process_permission(self, request):
        return request.user.has_perm("parking_sessions.change_inbox")

    @admin.action(description=_("Process again (rows that made no session)"), permissions=["process"])
    def process_again(self, request, queryset):
        ids = list(queryset.filter(session__isnull=True).values_list("pk", flat=True))
        count = ingest.reopen(Inbox.objects.filter(pk__in=ids))
        ingest.enqueue_many(ids)
        self.message_user(request, ngettext("%(count)d message will be processed again.",
                                            "%(count)d messages will be processed again.", count) % {"count": count},
                          messages.SUCCESS)


@admin.register(ParkingSession)
class ParkingSessionAdmin(AuditedAdmin, admin.ModelAdmin):
    """Read-only: sessions change only through their channel (the citizen's page, an SMS, the operator's API)."""

    list_display = ["starts_at", "ends_at", "zone", "plate_display", "channel", "operator", "status", "price"]
    list_filter = ["status", "channel", "operator", "zone", "is_disc"]
    date_hierarchy = "starts_at"
    list_select_related = ["zone", "operator"]
    search_fields = ["plate"]
    fields = readonly_fields = ["uuid", "plate_display", "country", "zone", "channel", "operator", "citizen",
                                "starts_at", "ends_at", "is_disc", "status", "price", "terminal_number", "inbox",
                                "created", "modified"]

    @admin.display(description=_("number plate"), ordering="plate")
    def plate_display(self, obj):
        return obj.plate_display

    def get_search_results(self, request, queryset, search_term):
        """A plate in any notation (1-abc-123, 1ABC123), matched exactly on the stored form."""
        plate = plates.normalize(search_term)
        if not plate:
            return queryset, False
        return queryset.filter(plate=plate), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from . import admin_enforcement  # noqa: E402, F401  (devices, checks, observations)
