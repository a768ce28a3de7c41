"""The staff screens behind the fines admin: registering a case from a report, evidence downloads, cancelling with a
reason and uploading a CSV import. Cases are issued and moved only through rules.py."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from . import issuing, numbers, rules
from .admin_forms import ImportForm, ReasonForm, RegisterCaseForm
from .amounts import NotIssuable
from .importing import COLUMNS, import_csv
from .models import Case, Evidence, EvidenceKind, Source

logger = logging.getLogger(__name__)

CHANGE_PERMISSION = "fines.change_case"
EVIDENCE_PERMISSION = "fines.view_evidence"


def may_cancel(user, case: Case) -> bool:
    return user.has_perm(CHANGE_PERMISSION) and rules.may(case, "cancel")


class StaffPage:
    """An admin page of our own, with the admin's frame around it."""

    def _page(self, request, template: str, title: str, **context):
        return TemplateResponse(request, template, {**self.admin_site.each_context(request), "title": title,
                                                    "opts": self.opts, **context})


class CaseStaffViews(StaffPage):
    """Mixed into CaseAdmin: registering replaces the add form; evidence downloads and cancelling get their URLs."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/evidence/<int:evidence_id>/", wrap(self.evidence_view), name="fines_case_evidence"),
            path("<int:object_id>/cancel/", wrap(self.cancel_view), name="fines_case_cancel"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RegisterCaseForm(request.POST if request.method == "POST" else None,
                                request.FILES if request.method == "POST" else None)
        if form.is_valid():
            case = self._issue(request, form)
            if case is not None:
                self.log_addition(request, case, [{"added": {}}])
                self.message_user(request, _("Case %(number)s is registered.") % {
                    "number": numbers.display(case.notice_number)}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:fines_case_change", args=[case.pk]))
        return self._page(request, "admin/fines/case/register.html", _("Register a case"), form=form)

    def _issue(self, request, form) -> Case | None:
        data = form.cleaned_data
        try:
            return issuing.issue_case(
                offence=data["offence"], plate=data["plate"], country=data["country"], holder=form.holder(),
                holder_email=data["holder_email"], place=data["place"], zone=data["zone"],
                observed_at=data["observed_at"], observed_by=data["observed_by"],
                report_reference=data["report_reference"], report_received_on=data["report_received_on"],
                speed_limit=data["speed_limit"], measured_speed=data["measured_speed"],
                inside_built_up_area=data["inside_built_up_area"], other_offence=data["other_offence"],
                evidence=[(EvidenceKind.PHOTO, photo, None) for photo in data["photos"]],
                source=Source.STAFF, actor=request.user)
        except NotIssuable as refusal:
            form.add_error(None, refusal.message)
            return None

    def evidence_view(self, request, object_id: int, evidence_id: int):
        if not request.user.has_perm(EVIDENCE_PERMISSION):
            raise PermissionDenied
        evidence = get_object_or_404(Evidence, pk=evidence_id, case_id=object_id)
        logger.info("Staff user %s opened evidence %s", request.user.pk, evidence.pk)
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            logger.error("The file of evidence %s is missing", evidence.pk)
            raise Http404 from None
        response = FileResponse(handle, content_type=evidence.content_type, as_attachment=True,
                                filename=f"evidence-{evidence.pk}.{evidence.extension}")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def cancel_view(self, request, object_id: int):
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        case = get_object_or_404(Case, pk=object_id)
        change_url = reverse("admin:fines_case_change", args=[case.pk])
        if not rules.may(case, "cancel"):
            self.message_user(request, _("A case whose status is “%(status)s” cannot be cancelled.")
                              % {"status": case.get_status_display()}, messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = ReasonForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                rules.cancel(case, form.cleaned_data["reason"], actor=request.user)
            except rules.TransitionNotAllowed as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
            else:
                self.log_change(request, case, _("Cancelled"))
                self.message_user(request, _("The case is cancelled."), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        return self._page(request, "admin/fines/case/cancel.html", _("Cancel %(case)s") % {"case": case},
                          case=case, form=form, change_url=change_url)


class ImportStaffViews(StaffPage):
    """Mixed into ImportBatchAdmin: adding a batch is uploading a file, which import_csv checks and imports."""

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST if request.method == "POST" else None,
                          request.FILES if request.method == "POST" else None)
        if form.is_valid():
            batch = import_csv(form.cleaned_data["file"], request.user)
            self.log_addition(request, batch, [{"added": {}}])
            if batch.imported:
                self.message_user(request, _("All %(rows)d rows are imported as cases.") % {"rows": batch.rows},
                                  messages.SUCCESS)
            else:
                self.message_user(request, _("Nothing is imported: the file has errors. Correct them and upload the "
                                             "whole file again."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:fines_importbatch_change", args=[batch.pk]))
        return self._page(request, "admin/fines/importbatch/upload.html", _("Import cases from a CSV file"), form=form,
                          columns=COLUMNS)
