"""Citizen pages to object to a case (or defend against a GAS fine) and to name the driver, and the objection's files.

The case is found through access.visible_case (404 for anyone who did not look it up or keep it) before the method
is checked. Once a term has passed or another refusal applies, the page says why and shows the contact options,
and a POST is refused with the same words: nothing is accepted late.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import access, driver, objections, rules
from .models import ObjectionAttachment
from .objection_forms import DriverForm, ObjectionForm
from .objections import ObjectionRefused

FORM_METHODS = ("GET", "HEAD", "POST")


def _closed(request, template: str, case, reason: str):
    """The form is not open: say why, offer the contact options; a refused POST gets the same page with 409."""
    status = 409 if request.method == "POST" else 200
    return render(request, template, {"case": case, "refusal": reason}, status=status)


def object_to_case(request, pk):
    case = access.visible_case(request, pk)
    if request.method not in FORM_METHODS:
        return HttpResponseNotAllowed(FORM_METHODS)
    reason = objections.object_refusal(case)
    if reason:
        return _closed(request, "fines/object.html", case, reason)
    form = ObjectionForm(request.POST if request.method == "POST" else None, request.FILES or None, case=case,
                         user=request.user)
    if form.is_bound and form.is_valid():
        try:
            objections.submit_objection(case, **form.submission(), user=request.user, language=get_language())
        except ObjectionRefused as error:
            case.refresh_from_db()
            reason = objections.object_refusal(case)
            if reason:  # the term ended or another objection came in meanwhile
                return _closed(request, "fines/object.html", case, reason)
            form.add_error(None, error.message)
        else:
            if case.is_gas:
                messages.success(request, _("Your defence was received. We sent a receipt to %(email)s.") % {
                    "email": form.cleaned_data["contact_email"]})
            else:
                messages.success(request, _("Your objection was received. We sent a receipt to %(email)s.") % {
                    "email": form.cleaned_data["contact_email"]})
            return redirect("fines:detail", pk=case.pk)
    return render(request, "fines/object.html", {
        "case": case, "form": form, "may_ask_hearing": objections.may_ask_hearing(case),
        "hearing_above": rules.HEARING_ABOVE, "may_name_driver": case.is_gas and objections.driver_refusal(case) is None,
    })


def name_driver(request, pk):
    case = access.visible_case(request, pk)
    if request.method not in FORM_METHODS:
        return HttpResponseNotAllowed(FORM_METHODS)
    reason = objections.driver_refusal(case)
    if reason:
        return _closed(request, "fines/name_driver.html", case, reason)
    form = DriverForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            driver.designate_driver(case, **form.designation(), user=request.user)
        except rules.TransitionNotAllowed as error:
            case.refresh_from_db()
            reason = objections.driver_refusal(case)
            if reason:  # the term ended or the driver was named meanwhile
                return _closed(request, "fines/name_driver.html", case, reason)
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. The driver was named: this case is closed for you, and the driver "
                                        "gets a notice of their own."))
            return redirect("fines:detail", pk=case.pk)
    return render(request, "fines/name_driver.html", {"case": case, "form": form})


def attachment(request, pk, objection_pk, attachment_pk):
    """One file of an objection to a case this browser may see, always as a download under a neutral name."""
    case = access.visible_case(request, pk)
    item = get_object_or_404(ObjectionAttachment, pk=attachment_pk, objection_id=objection_pk, objection__case=case)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=item.content_type, as_attachment=True,
                            filename=f"{_('attachment')}-{item.pk}.{item.extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
