"""Documents in the admin: read-only; staff may have a document rendered again."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from eloket.audit.admin_mixin import AuditedAdmin

from . import render
from .models import Document


@admin.register(Document)
class DocumentAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["title", "kind", "status", "language", "version", "owner", "created", "rendered_at"]
    list_filter = ["kind", "status", "language"]
    search_fields = ["title", "owner__email", "owner__last_name"]
    list_select_related = ["owner"]
    date_hierarchy = "created"
    actions = ["render_again"]
    fields = ["title", "kind", "status", "version", "language", "owner", "case_link", "download_link", "template",
              "context_builder", "created", "rendered_at", "attempts", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_render_permission(self, request):
        return request.user.has_perm("documents.change_document")

    @admin.display(description=_("case"))
    def case_link(self, obj):
        return f"{obj.content_type.name} #{obj.object_id}"

    @admin.display(description=_("file"))
    def download_link(self, obj):
        if not obj.is_available:
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("documents:download", args=[obj.token]), obj.filename)

    @admin.action(description=_("Render again"), permissions=["render"])
    def render_again(self, request, queryset):
        count = render.render_again(queryset)
        self.message_user(request, ngettext("%(count)d document will be rendered again.",
                                            "%(count)d documents will be rendered again.", count) % {"count": count},
                          messages.SUCCESS)
