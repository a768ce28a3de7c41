"""The audit trail in the admin: the city administrator reads it, filters it by staff member and date, searches it by
kind of data and id. Nobody adds, changes or deletes an entry here."""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "content_type", "object_link", "label"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter), "content_type", "at"]
    date_hierarchy = "at"
    search_fields = ["object_id", "label", "content_type__model", "actor__email", "actor__last_name"]
    list_select_related = ["actor", "content_type"]
    fields = readonly_fields = ["at", "actor", "action", "content_type", "object_link", "label"]
    show_full_result_count = False  # counting a long trail on every page costs more than it tells

    @admin.display(description=_("row"))
    def object_link(self, obj):
        if not obj.content_type_id or not obj.object_id:
            return "—"
        name = f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change"
        try:
            url = reverse(name, args=[obj.object_id])
        except NoReverseMatch:
            return obj.object_id
        return format_html('<a href="{}">{}</a>', url, obj.object_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
