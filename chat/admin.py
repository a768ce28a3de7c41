"""The chat in the admin: topics, office hours and saved answers the city edits; conversations read-only with their
messages and history; and the console (console.py), reachable from the admin index through its own entry."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import access, links
from .console import ConsoleViews
from .models import Console, Conversation, ConversationEvent, Message, OfficeHours, SavedAnswer, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]

    def has_delete_permission(self, request, obj=None):
        return False  # conversations keep their topic; switch it off instead


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    list_display = ["weekday", "opens", "closes"]
    list_filter = ["weekday"]


@admin.register(SavedAnswer)
class SavedAnswerAdmin(admin.ModelAdmin):
    list_display = ["title", "order"]
    search_fields = ["title", "body"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MessageInline(ReadOnlyInline):
    model = Message
    fields = readonly_fields = ["created", "by_staff", "author", "body", "files"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author").prefetch_related("attachments")

    @admin.display(description=_("attachments"))
    def files(self, obj):
        items = list(obj.attachments.all())
        if not items:
            return "-"
        return format_html_join(", ", '<a href="{}">{}</a>', [
            (reverse("admin:chat_console_attachment", args=[obj.conversation_id, item.pk]), item.name or item.pk)
            for item in items])


class ConversationEventInline(ReadOnlyInline):
    model = ConversationEvent
    fields = readonly_fields = ["at", "action", "actor", "from_status", "to_status", "assigned_to", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "assigned_to")


@admin.register(Conversation)
class ConversationAdmin(ConsoleViews, admin.ModelAdmin):
    """A record of what was said: read-only here; staff answer in the console."""

    list_display = ["__str__", "topic", "status", "mode", "contact", "assigned_to", "created"]
    list_filter = ["status", "mode", "topic"]
    list_select_related = ["topic", "citizen", "assigned_to"]
    search_fields = ["guest_name", "guest_email", "citizen__email", "citizen__last_name"]
    fields = readonly_fields = ["topic", "status", "mode", "contact", "language", "assigned_to", "created", "taken_at",
                                "closed_at", "last_activity", "alerted_at", "transcript_sent_at", "about",
                                "console_link"]
    inlines = [MessageInline, ConversationEventInline]

    @admin.display(description=_("citizen"))
    def contact(self, obj):
        if obj.citizen_id:
            return obj.contact_name
        return _("%(name)s (guest)") % {"name": obj.guest_name}

    @admin.display(description=_("about"))
    def about(self, obj):
        if not obj.link_kind:
            return "-"
        url = links.admin_url(obj.link_kind, obj.link_id)
        text = f"{links.label(obj.link_kind)}: {links.describe(obj.link_kind, obj.link_id)}"
        return format_html('<a href="{}">{}</a>', url, text) if url else text

    @admin.display(description=_("console"))
    def console_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:chat_console_conversation", args=[obj.pk]),
                           _("Open in the live chat console"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Console)
class ConsoleAdmin(admin.ModelAdmin):
    """The console's entry on the admin index: it leads to the console, for staff who answer chats."""

    def _answers(self, request) -> bool:
        return access.may_answer(request.user)

    def has_module_permission(self, request):
        return self._answers(request)

    def has_view_permission(self, request, obj=None):
        return self._answers(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:chat_console")

    def get_urls(self):
        return [path("", self.admin_site.admin_view(self.changelist_view), name="chat_console_changelist")]
