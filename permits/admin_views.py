"""The staff screens behind the permit admin: decisions with a reason, document downloads, registering a disability
card on a citizen's behalf and the CSV export. Every decision goes through rules.py or changes.py."""

import csv
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket import audit
from eloket.documents.serving import private_file

from . import changes, rules
from .admin_forms import DisabilityOnBehalfForm, ReasonForm
from .disability import register_disability
from .models import Permit, PermitDocument

logger = logging.getLogger(__name__)

CHANGE_PERMISSION = "permits.change_permit"
REGISTER_PERMISSION = "permits.add_permit"
DOCUMENT_PERMISSION = "permits.view_permitdocument"


@dataclass(frozen=True)
class StaffAction:
    """A decision staff take on one permit: the rules' transition it makes and the words around its form."""

    transition: str
    title: Promise
    note_label: Promise
    note_required: bool
    note_help: Promise
    perform: Callable[[Permit, str, object], str]
    refunds: bool = False  # ending a paid application or card gives money back: the page shows how much


def _approve(permit, note, actor):
    rules.approve(permit, actor=actor, note=note)
    return _("The permit is approved and active.")


def _reject(permit, note, actor):
    rules.reject(permit, note, actor=actor)
    return _("The application is rejected.")


def _request_more_info(permit, note, actor):
    rules.request_more_info(permit, note, actor=actor)
    return _("The question is sent to the citizen.")


def _revoke(permit, note, actor):
    rules.revoke(permit, note, actor=actor)
    return _("The permit is revoked.")


def _cancel(permit, note, actor):
    _permit, refund = changes.cancel_with_refund(permit, actor, note=note)
    if refund:
        return _("The permit is cancelled; € %(amount)s is refunded.") % {"amount": f"{refund:.2f}".replace(".", ",")}
    return _("The permit is cancelled.")


TELLS_CITIZEN = gettext_lazy("The citizen reads this in the email and on the permit's page.")
ACTIONS: dict[str, StaffAction] = {
    "approve": StaffAction("approve", gettext_lazy("Approve"), gettext_lazy("Note for the file (optional)"), False,
                           gettext_lazy("Kept in the permit's history."), _approve),
    "reject": StaffAction("reject", gettext_lazy("Reject"), gettext_lazy("Reason for the rejection"), True,
                          TELLS_CITIZEN, _reject, refunds=True),
    "more-info": StaffAction("request_more_info", gettext_lazy("Ask for more information"),
                             gettext_lazy("Question for the citizen"), True, TELLS_CITIZEN, _request_more_info),
    "revoke": StaffAction("revoke", gettext_lazy("Revoke"), gettext_lazy("Reason for revoking"), True,
                          gettext_lazy("For example: the holder moved out of the zone. ") + TELLS_CITIZEN, _revoke),
    "cancel": StaffAction("cancel", gettext_lazy("Cancel"), gettext_lazy("Reason for cancelling (optional)"), False,
                          TELLS_CITIZEN, _cancel, refunds=True),
}


def action_url_name(slug: str) -> str:
    return f"permits_permit_{slug.replace('-', '_')}"


def allowed_actions(user, permit: Permit) -> list[tuple[StaffAction, str]]:
    """The decisions this user may take on this permit now, with their URLs (none without the change permission)."""
    if not user.has_perm(CHANGE_PERMISSION):
        return []
    return [(action, reverse(f"admin:{action_url_name(slug)}", args=[permit.pk]))
            for slug, action in ACTIONS.items() if rules.may(permit, action.transition)]


class PermitStaffViews:
    """Mixed into PermitAdmin: the extra admin URLs and their views."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        actions = [path(f"<int:object_id>/{slug}/", wrap(self._action_view(slug)), name=action_url_name(slug))
                   for slug in ACTIONS]
        return [
            *actions,
            path("<int:object_id>/documents/<int:document_id>/", wrap(self.document_view), name="permits_permit_document"),
            path("register-disability/", wrap(self.register_disability_view), name="permits_permit_register_disability"),
            path("export/", wrap(self.export_view), name="permits_permit_export"),
            *super().get_urls(),
        ]

    def _action_view(self, slug: str):
        def view(request, object_id):
            return self.staff_action_view(request, object_id, slug)
        return view

    def _page(self, request, template: str, title: str, **context):
        return TemplateResponse(request, template, {**self.admin_site.each_context(request), "title": title,
                                                    "opts": self.opts, **context})

    def staff_action_view(self, request, object_id: int, slug: str):
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        action = ACTIONS[slug]
        permit = get_object_or_404(Permit.objects.select_related("holder", "zone").prefetch_related("plates"), pk=object_id)
        change_url = reverse("admin:permits_permit_change", args=[permit.pk])
        if not rules.may(permit, action.transition):
            self.message_user(request, _("This step is not possible for a permit whose status is “%(status)s”.")
                              % {"status": permit.get_status_display()}, messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = ReasonForm(request.POST if request.method == "POST" else None, label=action.note_label,
                          required=action.note_required, help_text=action.note_help)
        if form.is_valid():
            try:
                done = action.perform(permit, form.cleaned_data["note"], request.user)
            except (rules.TransitionNotAllowed, rules.NotEligible) as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
            else:
                self.log_change(request, permit, str(action.title))
                self.message_user(request, done, messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        refund = changes.refund_preview(permit) if action.refunds else None
        return self._page(request, "admin/permits/permit_action.html", f"{action.title}: {permit}",
                          permit=permit, form=form, action=action, change_url=change_url, refund=refund)

    def document_view(self, request, object_id: int, document_id: int):
        if not request.user.has_perm(DOCUMENT_PERMISSION):
            raise PermissionDenied
        document = get_object_or_404(PermitDocument, pk=document_id, permit_id=object_id)
        logger.info("Staff user %s opened permit document %s", request.user.pk, document.pk)
        return private_file(document.file, content_type=document.content_type, filename=document.download_name,
                            what=f"permit document {document.pk}", request=request)

    def register_disability_view(self, request):
        if not request.user.has_perm(REGISTER_PERMISSION):
            raise PermissionDenied
        form = DisabilityOnBehalfForm(request.POST or None, request.FILES or None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                permit = register_disability(
                    data["holder"], card_number=data["card_number"], card_expiry=data["card_expiry"],
                    plates=data["plates"], front=data["front"], back=data["back"], actor=request.user,
                    channel=data["channel"])
            except rules.NotEligible as refusal:
                form.add_error(None, refusal.message)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_addition(request, permit, [{"added": {}}])
                self.message_user(request, _("The disability parking card is registered for %(holder)s and waits for "
                                             "verification.") % {"holder": permit.holder}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:permits_permit_change", args=[permit.pk]))
        return self._page(request, "admin/permits/register_disability.html",
                          _("Register a disability card for a citizen"), form=form,
                          add_user_url=_admin_url("admin:accounts_user_add") if request.user.has_perm("accounts.add_user")
                          else None)

    def export_view(self, request):
        """The current changelist (its filters and search) as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:permits_permit_changelist"))
        audit.record(request, Permit, audit.EXPORT, "CSV")
        return csv_response(changelist.queryset, request.user)


def _admin_url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # the user admin is not registered: no link
        return None


# CSV export -----------------------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_CHUNK = 500


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: a leading apostrophe defuses formulas (=, +, -, @)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _day(value) -> str:
    return value.isoformat() if value else ""


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_header() -> list[str]:
    return [_("id"), _("kind"), _("status"), _("holder"), _("email"), _("number plates"), _("zone"), _("address"),
            _("valid from"), _("valid until"), _("price (EUR)"), _("applied"), _("created"), _("last change")]


def export_row(permit: Permit) -> list[str]:
    holder = permit.holder  # None once the holder deleted their account or the permit was anonymised
    return [permit.pk, permit.get_kind_display(), permit.get_status_display(), holder.get_full_name() if holder else "",
            holder.email if holder else "", ", ".join(p.plate_display for p in permit.plates.all()),
            permit.zone.code if permit.zone else "", ", ".join(permit.address_lines), _day(permit.valid_from),
            _day(permit.valid_to), f"{permit.price:.2f}", permit.get_channel_display(), _moment(permit.created),
            _moment(permit.updated)]


class _Echo:
    """The csv writer writes one line at a time into this, and the line is handed to the response."""

    def write(self, value):
        return value


def csv_lines(queryset) -> Iterator[str]:
    """The permits as CSV lines; a fixed number of queries per chunk of rows, plates prefetched."""
    writer = csv.writer(_Echo(), delimiter=";")  # the list separator of Belgian spreadsheet settings
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    yield writer.writerow([csv_cell(cell) for cell in export_header()])
    rows = queryset.select_related("holder", "zone").prefetch_related("plates").iterator(chunk_size=EXPORT_CHUNK)
    for permit in rows:
        yield writer.writerow([csv_cell(cell) for cell in export_row(permit)])


def csv_response(queryset: Iterable[Permit], user) -> StreamingHttpResponse:
    logger.info("Staff user %s exported permits to CSV", user.pk)
    response = StreamingHttpResponse(csv_lines(queryset), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="permits-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
