"""Outgoing messages in the admin: read-only; failed ones can be sent again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from eloket.audit.admin_mixin import AuditedAdmin

from . import dispatch
from .models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["created", "channel", "recipient", "template", "language", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status", "language"]
    search_fields = ["recipient"]
    date_hierarchy = "created"
    actions = ["send_again"]
    fields = ["channel", "recipient", "user", "language", "template", "subject", "body_text", "body_html",
              "attachment_names", "status", "attempts", "last_error", "created", "next_attempt_at", "sent_at",
              "content_type", "object_id"]
    readonly_fields = fields

    @admin.display(description=_("attachments"))
    def attachment_names(self, obj):
        return ", ".join(attachment.filename for attachment in obj.attachments.all()) or "-"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("notifications.change_outboundmessage")

    @admin.action(description=_("Send failed messages again"), permissions=["resend"])
    def send_again(self, request, queryset):
        count = dispatch.send_again(queryset)
        skipped = queryset.count() - count
        self.message_user(request, ngettext("%(count)d message will be sent again.",
                                            "%(count)d messages will be sent again.", count) % {"count": count},
                          messages.SUCCESS)
        if skipped:
            self.message_user(request, ngettext("%(count)d message was not failed and was left alone.",
                                                "%(count)d messages were not failed and were left alone.",
                                                skipped) % {"count": skipped}, messages.WARNING)
