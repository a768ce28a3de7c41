"""The citizen's own data: ask for a copy (a ZIP made in the background), download it, delete the account."""

import logging

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from eloket.documents.serving import private_file
from eloket.notifications.dispatch import notify

from . import erasure
from .export import ExportRefused, request_export
from .forms import DeleteAccountForm
from .models import DataExport, ExportStatus

logger = logging.getLogger(__name__)

SHOWN = 5
DELETED_KEY = "privacy_deleted"


def _exports_context(user) -> dict:
    exports = list(DataExport.objects.filter(owner=user)[:SHOWN])
    return {"exports": exports, "preparing": any(export.status == ExportStatus.PENDING for export in exports),
            "keep_days": settings.RETENTION_EXPORT_DAYS}


@login_required
@require_safe
def index(request):
    return render(request, "privacy/index.html", _exports_context(request.user))


@login_required
@require_safe
def exports(request):
    """The list of exports alone, which htmx refreshes while one is being prepared."""
    return render(request, "privacy/_exports.html", _exports_context(request.user))


@login_required
@require_POST
@reauthentication_required
def export(request):
    try:
        request_export(request.user)
    except ExportRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("We are putting your data together. This takes a few minutes; we send you an email "
                                    "when it is ready to download."))
    return redirect("privacy:index")


@login_required
@require_safe
def download(request, token):
    data_export = get_object_or_404(DataExport, token=token, owner=request.user, status=ExportStatus.READY)
    stamp = timezone.localtime(data_export.created).strftime("%Y%m%d")
    return private_file(data_export.file, content_type="application/zip", filename=f"eloket-data-{stamp}.zip",
                        what=f"data export {data_export.pk}")


def _needs_login_again(request) -> bool:
    # With a password the form asks for it; a login through the city's eID/itsme proves itself through allauth.
    return not request.user.has_usable_password()


@login_required
@reauthentication_required(enabled=_needs_login_again)
def delete_account(request):
    user = request.user
    plan = erasure.plan(user)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_bound and not plan.blockers and form.is_valid():
        email, language = user.email, user.preferred_language
        try:
            with transaction.atomic():
                erasure.erase_account(user)
                notify(email=email, language=language, template="privacy/account_deleted",
                       context={"kept": plan.kept, "deleted": plan.deleted})
        except erasure.ErasureRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            logout(request)
            request.session[DELETED_KEY] = {"kept": plan.kept, "deleted": plan.deleted}
            return redirect("privacy:deleted")
    status = 403 if form.is_bound and plan.blockers else 200
    return render(request, "privacy/delete.html", {"plan": plan, "form": form}, status=status)


@require_safe
def deleted(request):
    """The result page, after logging out: what was deleted and what the city keeps."""
    summary = request.session.pop(DELETED_KEY, None)
    if summary is None:
        return redirect("home")
    return render(request, "privacy/deleted.html", summary)
