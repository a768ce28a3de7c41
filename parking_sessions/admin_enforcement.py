"""Enforcement in the admin: the scan cars and handhelds with their tokens (shown once, when issued), the logged checks
(read-only, deleted after the retention period) and the observations with their photos (read-only; photos are served
through a view that checks the permission and logs who opened them).
"""

import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.accounts import plates
from eloket.audit.admin_mixin import AuditedAdmin
from eloket.documents.serving import private_file

from . import devices
from .models import Check, Device, Observation, ObservationPhoto

logger = logging.getLogger(__name__)

PHOTO_PERMISSION = "parking_sessions.view_observationphoto"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _token_page(model_admin, request, device: Device, token: str):
    """The new token, once: the page is never cached and the token is stored nowhere but as its hash."""
    response = TemplateResponse(request, "admin/parking_sessions/device/token.html", {
        **model_admin.admin_site.each_context(request), "opts": model_admin.opts, "device": device, "token": token,
        "title": _("New token for %(device)s") % {"device": device.name},
        "change_url": reverse("admin:parking_sessions_device_change", args=[device.pk])})
    response["Cache-Control"] = "no-store"
    return response


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["name", "token_prefix", "is_active", "created"]
    list_filter = ["is_active"]
    search_fields = ["name", "token_prefix"]
    fields = ["name", "is_active", "token_prefix", "created"]
    readonly_fields = ["token_prefix", "created"]
    actions = ["issue_token"]

    def has_delete_permission(self, request, obj=None):
        return False  # its checks and observations point to it; switch it off instead

    def save_model(self, request, obj, form, change):
        if not obj.token_hash:
            request._issued_token = devices.make_token(obj)  # saves the device; shown by response_add
        else:
            super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        token = getattr(request, "_issued_token", None)
        if token:
            return _token_page(self, request, obj, token)
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=gettext_lazy("Issue a new token (the old one stops working)"), permissions=["change"])
    def issue_token(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select one device: its new token is shown once."), messages.ERROR)
            return None
        device = queryset.get()
        token = devices.make_token(device)
        self.log_change(request, device, _("New token issued."))
        return _token_page(self, request, device, token)


@admin.register(Check)
class CheckAdmin(AuditedAdmin, ReadOnlyAdmin):
    """Every check a device made, kept for ENFORCEMENT_CHECK_RETENTION_DAYS and then deleted by a beat task."""

    list_display = ["created", "device", "plate_display", "zone", "checked_for", "allowed", "right"]
    list_filter = ["allowed", "right", "device", "zone"]
    list_select_related = ["device", "zone"]
    search_fields = ["plate"]
    fields = readonly_fields = ["device", "plate", "zone", "checked_for", "allowed", "right", "created"]
    show_full_result_count = False  # the log is large; counting it twice per page is waste

    @admin.display(description=gettext_lazy("number plate"), ordering="plate")
    def plate_display(self, obj):
        return plates.display(obj.plate)

    def get_search_results(self, request, queryset, search_term):
        plate = plates.normalize(search_term)
        if plate:
            return queryset.filter(plate=plate), False
        return super().get_search_results(request, queryset, search_term)


class ObservationPhotoInline(admin.TabularInline):
    model = ObservationPhoto
    extra = 0
    can_delete = False
    fields = readonly_fields = ["taken_at", "content_type", "download"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("file"))
    def download(self, obj):
        url = reverse("admin:parking_sessions_observation_photo", args=[obj.observation_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


@admin.register(Observation)
class ObservationAdmin(AuditedAdmin, ReadOnlyAdmin):
    list_display = ["observed_at", "device", "plate_display", "zone", "result", "case"]
    list_filter = ["result", "device", "zone"]
    list_select_related = ["device", "zone", "case"]
    search_fields = ["plate", "external_id"]
    fields = readonly_fields = ["device", "external_id", "plate", "country", "zone", "observed_at", "place", "result",
                                "reason", "case_link", "created"]
    inlines = [ObservationPhotoInline]

    @admin.display(description=gettext_lazy("number plate"), ordering="plate")
    def plate_display(self, obj):
        return plates.display(obj.plate, obj.country)

    @admin.display(description=gettext_lazy("case"))
    def case_link(self, obj):
        if obj.case_id is None:
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("admin:fines_case_change", args=[obj.case_id]), obj.case)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        plate = plates.normalize(search_term)
        if plate:
            results = results | queryset.filter(plate=plate)
        return results, may_have_duplicates

    def get_urls(self):
        return [
            path("<int:object_id>/photos/<int:photo_id>/", self.admin_site.admin_view(self.photo_view),
                 name="parking_sessions_observation_photo"),
            *super().get_urls(),
        ]

    def photo_view(self, request, object_id: int, photo_id: int):
        if not request.user.has_perm(PHOTO_PERMISSION):
            raise PermissionDenied
        photo = get_object_or_404(ObservationPhoto, pk=photo_id, observation_id=object_id)
        logger.info("Staff user %s opened observation photo %s", request.user.pk, photo.pk)
        return private_file(photo.file, content_type=photo.content_type,
                            filename=f"observation-{object_id}-{photo.pk}.{photo.extension}",
                            what=f"observation photo {photo.pk}", request=request)
