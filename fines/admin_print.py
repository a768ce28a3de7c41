"""Printing notices for the post from the admin: the case list's action, and the print batches with their progress
page (refreshed by htmx every second, or by the page itself without JavaScript) and the download when ready.

Only staff who may view cases (fines.view_case) print or see batches: a batch holds the holders' names and addresses.
"""

import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from eloket import audit

from . import printing
from .models import PrintBatch, PrintStatus

logger = logging.getLogger(__name__)

VIEW_PERMISSION = "fines.view_case"
WORKING = (PrintStatus.QUEUED, PrintStatus.RENDERING)


def may_print(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm(VIEW_PERMISSION)


@admin.action(description=gettext_lazy("Print notices for the post"), permissions=["view"])
def print_notices(modeladmin, request, queryset):
    """The chosen cases' notice letters as one PDF, made in the background; staff follow its progress."""
    if not may_print(request.user):
        raise PermissionDenied
    try:
        batch = printing.start_batch(request.user, queryset)
    except printing.TooMany as refusal:
        modeladmin.message_user(request, str(refusal), messages.ERROR)
        return None
    modeladmin.message_user(request, _("The %(count)d notices are being put together in one PDF.") % {
        "count": batch.total}, messages.SUCCESS)
    return HttpResponseRedirect(reverse("admin:fines_printbatch_progress", args=[batch.pk]))


@admin.register(PrintBatch)
class PrintBatchAdmin(admin.ModelAdmin):
    """A read-only list of batches; each opens on its progress page, where the file is downloaded when ready."""

    list_display = ["created", "created_by", "total", "progress", "status", "open_link"]
    list_filter = ["status"]
    list_select_related = ["created_by"]

    @admin.display(description=gettext_lazy("letters made"))
    def progress(self, obj):
        return _("%(done)d of %(total)d") % {"done": obj.done, "total": obj.total}

    @admin.display(description=gettext_lazy("file"))
    def open_link(self, obj):
        if obj.status == PrintStatus.READY:
            return format_html('<a href="{}">{}</a>', reverse("admin:fines_printbatch_download", args=[obj.pk]),
                               _("Download the PDF"))
        return format_html('<a href="{}">{}</a>', reverse("admin:fines_printbatch_progress", args=[obj.pk]),
                           _("Progress"))

    def has_module_permission(self, request):
        return may_print(request.user)

    def has_view_permission(self, request, obj=None):
        return may_print(request.user)

    def has_add_permission(self, request):
        return False  # a batch is made from the case list's action

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/progress/", wrap(self.progress_view), name="fines_printbatch_progress"),
            path("<int:object_id>/download/", wrap(self.download_view), name="fines_printbatch_download"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:fines_printbatch_progress", args=[object_id]))

    def _batch(self, request, object_id) -> PrintBatch:
        if not may_print(request.user):
            raise PermissionDenied
        return get_object_or_404(PrintBatch.objects.select_related("created_by"), pk=object_id)

    def progress_view(self, request, object_id: int):
        batch = self._batch(request, object_id)
        return require_safe(self._progress)(request, batch)

    def _progress(self, request, batch: PrintBatch):
        context = {"batch": batch, "working": batch.status in WORKING,
                   "progress_url": reverse("admin:fines_printbatch_progress", args=[batch.pk]),
                   "download_url": reverse("admin:fines_printbatch_download", args=[batch.pk])}
        if request.htmx:
            return TemplateResponse(request, "admin/fines/printbatch/_progress.html", context)
        return TemplateResponse(request, "admin/fines/printbatch/progress.html", {
            **self.admin_site.each_context(request), "title": _("Notices for the post"), "opts": self.opts, **context})

    def download_view(self, request, object_id: int):
        batch = self._batch(request, object_id)
        return require_safe(self._download)(request, batch)

    def _download(self, request, batch: PrintBatch):
        if batch.status != PrintStatus.READY or not batch.file:
            raise Http404
        logger.info("Staff user %s downloaded print batch %s", request.user.pk, batch.pk)
        try:
            handle = batch.file.open("rb")
        except FileNotFoundError:
            logger.error("The file of print batch %s is missing", batch.pk)
            raise Http404 from None
        audit.record(request, batch, audit.DOWNLOAD)  # every notice in it names a holder
        response = FileResponse(handle, content_type="application/pdf", as_attachment=True,
                                filename=f"notices-{batch.created:%Y%m%d-%H%M}-{batch.pk}.pdf")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
