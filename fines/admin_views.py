"""The staff screens behind the fines admin: registering a case from a report, evidence downloads, the manual steps on a
case (reminder, registered reminder, collection, court, cancel), uploading a CSV import, and the sanctioning official's
work on objections: attachments, accepting or rejecting with reasons, planning the oral hearing and its minutes.
Cases are issued and moved only through rules.py and decisions.py."""

import logging
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.documents.serving import private_file

from . import decisions, issuing, numbers, rules
from .admin_forms import DecisionForm, HearingForm, ImportForm, MinutesForm, ReasonForm, RegisterCaseForm, StepForm
from .amounts import NotIssuable
from .importing import COLUMNS, import_csv
from .models import Case, Evidence, EvidenceKind, Hearing, Objection, ObjectionAttachment, Source

logger = logging.getLogger(__name__)

# The sanctioning official decides; counter staff only see (they have the view permissions, not this one).
CHANGE_PERMISSION = "fines.change_case"
EVIDENCE_PERMISSION = "fines.view_evidence"
ATTACHMENT_PERMISSION = "fines.view_objectionattachment"


@dataclass(frozen=True)
class CaseStep:
    """A manual step on a case: the decisions.STEPS key, the button and what the page tells staff before they confirm."""

    name: str
    title: Promise
    explanation: Promise


CASE_STEPS: dict[str, CaseStep] = {
    "remind": CaseStep("remind", gettext_lazy("Send a reminder"), gettext_lazy(
        "The holder gets a reminder with a new payment term; a retribution also gets the city's reminder cost.")),
    "formal-notice": CaseStep("formal_notice", gettext_lazy("Send a registered reminder"), gettext_lazy(
        "The holder gets a registered reminder with a new payment term; the administrative cost is added.")),
    "collection": CaseStep("to_collection", gettext_lazy("Hand over for collection"), gettext_lazy(
        "The case goes to collection: a dwangbevel for an undisputed retribution, the bailiff for a GAS fine. The holder "
        "gets a letter.")),
    "court": CaseStep("to_court", gettext_lazy("Take to court"), gettext_lazy(
        "The disputed, unpaid retribution goes to the justice of the peace. The holder gets a letter.")),
    "cancel": CaseStep("cancel", gettext_lazy("Cancel with a reason"), gettext_lazy(
        "A cancelled case is closed for good: the holder owes nothing. The holder gets a letter with the reason.")),
}


def step_url_name(slug: str) -> str:
    return f"fines_case_{slug.replace('-', '_')}"


def allowed_steps(user, case: Case) -> list[tuple[CaseStep, str]]:
    """The manual steps this user may take on this case now, with their URLs (none without the change permission)."""
    if not user.has_perm(CHANGE_PERMISSION):
        return []
    return [(step, reverse(f"admin:{step_url_name(slug)}", args=[case.pk]))
            for slug, step in CASE_STEPS.items() if decisions.step_refusal(case, step.name) is None]


def objection_actions(user, objection: Objection) -> list[tuple[str, str]]:
    """The buttons on an objection for this user now: accept, reject, plan the hearing, record its minutes."""
    if not user.has_perm(CHANGE_PERMISSION):
        return []
    actions = []
    if decisions.accept_refusal(objection) is None:
        actions.append((_("Accept"), reverse("admin:fines_objection_accept", args=[objection.pk])))
    if decisions.reject_refusal(objection) is None:
        actions.append((_("Reject"), reverse("admin:fines_objection_reject", args=[objection.pk])))
    if decisions.hearing_refusal(objection) is None:
        actions.append((_("Plan the oral hearing"), reverse("admin:fines_objection_plan_hearing", args=[objection.pk])))
    actions += [(_("Record the minutes"), reverse("admin:fines_hearing_minutes", args=[hearing.pk]))
                for hearing in objection.hearings.all() if decisions.minutes_refusal(hearing) is None]
    return actions


def case_summary(case: Case) -> dict:
    """What admin/fines/_case_summary.html shows: the case, its printed number and the link to its admin page."""
    return {"case": case, "notice": numbers.display(case.notice_number),
            "case_url": reverse("admin:fines_case_change", args=[case.pk])}


class StaffPage:
    """An admin page of our own, with the admin's frame around it."""

    def _page(self, request, template: str, title: str, **context):
        return TemplateResponse(request, template, {**self.admin_site.each_context(request), "title": title,
                                                    "opts": self.opts, **context})


class CaseStaffViews(StaffPage):
    """Mixed into CaseAdmin: registering replaces the add form; evidence downloads and the manual steps get their URLs."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/evidence/<int:evidence_id>/", wrap(self.evidence_view), name="fines_case_evidence"),
            *[path(f"<int:object_id>/{slug}/", wrap(self._step_view(slug)), name=step_url_name(slug)) for slug in CASE_STEPS],
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
        return private_file(evidence.file, content_type=evidence.content_type,
                            filename=f"evidence-{evidence.pk}.{evidence.extension}", what=f"evidence {evidence.pk}",
                            request=request)

    def _step_view(self, slug: str):
        def view(request, object_id):
            return self.step_view(request, object_id, slug)
        return view

    def step_view(self, request, object_id: int, slug: str):
        """Confirm one manual step; the rules check it again and notices send its letter."""
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        step = CASE_STEPS[slug]
        case = get_object_or_404(Case.objects.select_related("offence"), pk=object_id)
        change_url = reverse("admin:fines_case_change", args=[case.pk])
        refusal = decisions.step_refusal(case, step.name)
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return HttpResponseRedirect(change_url)
        needs_reason = decisions.STEPS[step.name].needs_reason
        form = (ReasonForm if needs_reason else StepForm)(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                decisions.take_step(case, step.name, request.user, reason=form.cleaned_data.get("reason", ""))
            except rules.TransitionNotAllowed as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.log_change(request, case, " ".join(filter(None, [str(step.title), form.cleaned_data.get("note")])))
                case.refresh_from_db()
                self.message_user(request, _("Done: the case is now “%(status)s”.") % {
                    "status": case.get_status_display()}, messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        return self._page(request, "admin/fines/case/step.html", f"{step.title}: {case}", form=form, step=step,
                          change_url=change_url, **case_summary(case))


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


class ObjectionStaffViews(StaffPage):
    """Mixed into ObjectionAdmin: the attachments, and the official's decision and hearing pages."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/attachments/<int:attachment_id>/", wrap(self.attachment_view),
                 name="fines_objection_attachment"),
            path("<int:object_id>/accept/", wrap(self.accept_view), name="fines_objection_accept"),
            path("<int:object_id>/reject/", wrap(self.reject_view), name="fines_objection_reject"),
            path("<int:object_id>/plan-hearing/", wrap(self.plan_hearing_view), name="fines_objection_plan_hearing"),
            *super().get_urls(),
        ]

    def attachment_view(self, request, object_id: int, attachment_id: int):
        if not request.user.has_perm(ATTACHMENT_PERMISSION):
            raise PermissionDenied
        attachment = get_object_or_404(ObjectionAttachment, pk=attachment_id, objection_id=object_id)
        logger.info("Staff user %s opened objection attachment %s", request.user.pk, attachment.pk)
        # A name of our own: the citizen's file name may hold personal data.
        return private_file(attachment.file, content_type=attachment.content_type,
                            filename=f"attachment-{attachment.pk}.{attachment.extension}",
                            what=f"objection attachment {attachment.pk}", request=request)

    def _objection(self, request, object_id: int) -> Objection:
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        return get_object_or_404(Objection.objects.select_related("case__offence").prefetch_related("hearings"),
                                 pk=object_id)

    def accept_view(self, request, object_id: int):
        return self._decision_view(request, object_id, accepted=True)

    def reject_view(self, request, object_id: int):
        return self._decision_view(request, object_id, accepted=False)

    def _decision_view(self, request, object_id: int, *, accepted: bool):
        objection = self._objection(request, object_id)
        change_url = reverse("admin:fines_objection_change", args=[objection.pk])
        refusal = (decisions.accept_refusal if accepted else decisions.reject_refusal)(objection)
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = DecisionForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            decide = decisions.accept if accepted else decisions.reject
            try:
                decide(objection, form.cleaned_data["reason"], request.user)
            except rules.TransitionNotAllowed as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.log_change(request, objection, _("Accepted") if accepted else _("Rejected"))
                objection.case.refresh_from_db()
                self.message_user(request, _("The decision is recorded; the case is now “%(status)s”. The decision "
                                             "letter is being made and the holder is told.") % {
                    "status": objection.case.get_status_display()}, messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        title = _("Accept %(objection)s") if accepted else _("Reject %(objection)s")
        return self._page(request, "admin/fines/objection/decide.html", title % {"objection": objection},
                          objection=objection, form=form, accepted=accepted, change_url=change_url,
                          pay_back=decisions.pay_back_plan(objection.case) if accepted else None,
                          **case_summary(objection.case))

    def plan_hearing_view(self, request, object_id: int):
        objection = self._objection(request, object_id)
        change_url = reverse("admin:fines_objection_change", args=[objection.pk])
        refusal = decisions.hearing_refusal(objection)
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = HearingForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                decisions.plan_hearing(objection, form.cleaned_data["starts_at"], form.cleaned_data["place"], request.user)
            except rules.TransitionNotAllowed as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.log_change(request, objection, _("Oral hearing planned"))
                self.message_user(request, _("The oral hearing is planned; the holder gets the invitation."),
                                  messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        return self._page(request, "admin/fines/objection/plan_hearing.html",
                          _("Plan the oral hearing of %(objection)s") % {"objection": objection},
                          objection=objection, form=form, change_url=change_url, **case_summary(objection.case))


class HearingStaffViews(StaffPage):
    """Mixed into HearingAdmin: recording the minutes of a hearing that took place."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/minutes/", wrap(self.minutes_view), name="fines_hearing_minutes"),
            *super().get_urls(),
        ]

    def minutes_view(self, request, object_id: int):
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        hearing = get_object_or_404(Hearing.objects.select_related("case__offence", "objection"), pk=object_id)
        change_url = reverse("admin:fines_objection_change", args=[hearing.objection_id])
        refusal = decisions.minutes_refusal(hearing)
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = MinutesForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                decisions.record_minutes(hearing, form.cleaned_data["minutes"], request.user)
            except rules.TransitionNotAllowed as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.log_change(request, hearing, _("Minutes recorded"))
                self.message_user(request, _("The minutes are recorded. The objection can now be decided."),
                                  messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        return self._page(request, "admin/fines/hearing/minutes.html",
                          _("Minutes of the oral hearing of %(case)s") % {"case": hearing.case},
                          hearing=hearing, objection=hearing.objection, form=form, change_url=change_url,
                          **case_summary(hearing.case))
