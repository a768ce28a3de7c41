"""One appointment on the citizen side: its page (also the page after booking), the links from the emails,
confirming a guest's booking, rescheduling, cancelling and the .ics download.

Who may see or change it is access.py's: every view looks the appointment up through access.appointment_for before
it looks at the method, so anybody else gets a 404 whatever the method. The changes are booking.py's; a refusal
(too late, the new time just taken) comes back as a message or a form error.
"""

import datetime

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import access, booking, ics, links, picker, slots
from .forms import SlotForm
from .linkables import describe
from .models import Appointment, AppointmentStatus
from .questions import answer_lines

SAFE_METHODS = ("GET", "HEAD")


def _to_detail(appointment: Appointment):
    return redirect("appointments:detail", pk=appointment.pk)


def _actor(request, appointment: Appointment):
    return request.user if access.is_own(request, appointment) else None


def _when(appointment: Appointment) -> str:
    local = timezone.localtime(appointment.starts_at, slots.brussels())
    return f"{local:%d/%m/%Y %H:%M}"


@never_cache
def detail(request, pk):
    appointment = access.appointment_for(request, pk)
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(SAFE_METHODS)
    zone = slots.brussels()
    may_manage = access.may_manage(request, appointment)
    is_open = appointment.status in booking.OPEN
    can_change = is_open and may_manage and booking.can_change(appointment)
    return render(request, "appointments/detail.html", {
        "appointment": appointment,
        "starts": timezone.localtime(appointment.starts_at, zone),
        "ends": timezone.localtime(appointment.ends_at, zone),
        "answers": answer_lines(appointment.answers),
        "link": describe(appointment.link_kind, appointment.link_id, appointment.citizen) if appointment.citizen_id
        else "",
        "is_own": access.is_own(request, appointment),
        "may_manage": may_manage,
        "can_change": can_change,
        "too_late": is_open and may_manage and not can_change,
        "unconfirmed": appointment.status == AppointmentStatus.UNCONFIRMED,
        "confirm_before": timezone.localtime(appointment.created + booking.confirm_within(), zone),
        "change_until": timezone.localtime(
            appointment.starts_at - datetime.timedelta(minutes=appointment.location.change_until_minutes), zone),
        "is_past": appointment.ends_at <= timezone.now(),
    })


# The links in the emails ------------------------------------------------------------------------------------------

def _open(request, token: str, purpose: str):
    try:
        opened = links.open_link(token, purpose)
    except links.LinkRefused as refused:
        response = render(request, "appointments/link_refused.html", {"expired": refused.expired}, status=400)
    else:
        access.opened_by_link(request, opened.appointment)
        target = "appointments:verify" if purpose == links.CONFIRM else "appointments:detail"
        response = redirect(target, pk=opened.appointment.pk)
    # The token must not travel on in a Referer header, nor be kept by a cache.
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_safe
def confirm_link(request, token):
    return _open(request, token, links.CONFIRM)


@never_cache
@require_safe
def manage_link(request, token):
    return _open(request, token, links.MANAGE)


@never_cache
def verify(request, pk):
    """A guest confirms the booking with a button (a mail scanner that follows the link confirms nothing)."""
    appointment = access.appointment_for(request, pk, manage=True)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if appointment.status == AppointmentStatus.BOOKED:
        messages.info(request, _("Your appointment is confirmed."))
        return _to_detail(appointment)
    if appointment.status != AppointmentStatus.UNCONFIRMED:
        messages.error(request, _("This booking was not confirmed in time, so the time was given to someone else. "
                                  "Please book a new appointment."))
        return _to_detail(appointment)
    if request.method == "POST":
        if booking.confirm(appointment):
            messages.success(request, _("Thank you: your appointment is confirmed. We sent you an email with the "
                                        "details and a calendar file."))
        return _to_detail(appointment)
    zone = slots.brussels()
    return render(request, "appointments/verify.html", {
        "appointment": appointment, "starts": timezone.localtime(appointment.starts_at, zone),
        "ends": timezone.localtime(appointment.ends_at, zone), "answers": answer_lines(appointment.answers)})


# Changing ---------------------------------------------------------------------------------------------------------

def _changeable(request, pk: int):
    """The appointment when this request may still change it online; else a redirect to its page with the reason."""
    appointment = access.appointment_for(request, pk, manage=True)
    if appointment.status not in booking.OPEN:
        messages.info(request, _("This appointment can no longer be changed."))
        return appointment, _to_detail(appointment)
    if not booking.can_change(appointment):
        messages.info(request, _("It is too late to change this appointment online. Please call us."))
        return appointment, _to_detail(appointment)
    return appointment, None


def _reschedule_page(request, appointment: Appointment, form: SlotForm, refusal: str = "", status: int = 200):
    week = picker.build(appointment.location, appointment.topic, start=picker.parse_day(request.GET.get("vanaf")),
                        exclude=appointment.starts_at)
    errors = [("slot-picker", refusal)] if refusal else []
    errors += [("slot-picker", str(error)) for error_list in form.errors.values() for error in error_list]
    context = {"appointment": appointment, "form": form, "picker": week, "errors": errors,
               "starts": timezone.localtime(appointment.starts_at, slots.brussels())}
    if picker.swap_only(request):
        return render(request, "appointments/_slot_days.html", context)
    return render(request, "appointments/reschedule.html", context, status=status)


@never_cache
def reschedule(request, pk):
    appointment, away = _changeable(request, pk)
    if away:
        return away
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    form = SlotForm(request.POST if request.method == "POST" else None)
    if not (form.is_bound and form.is_valid()):
        return _reschedule_page(request, appointment, form)
    try:
        moved = booking.reschedule(appointment, form.cleaned_data["starts_at"], actor=_actor(request, appointment))
    except (slots.NotBookable, booking.BookingError) as refusal:
        return _reschedule_page(request, appointment, SlotForm(), refusal.message,
                                status=409 if refusal.code == "full" else 200)
    messages.success(request, _("Your appointment has moved to %(when)s. We sent you an email with the new time.")
                     % {"when": _when(moved)})
    return _to_detail(moved)


@never_cache
def cancel(request, pk):
    appointment, away = _changeable(request, pk)
    if away:
        return away
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if request.method == "POST":
        try:
            booking.cancel(appointment, actor=_actor(request, appointment))
        except booking.BookingError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Your appointment is cancelled."))
        return _to_detail(appointment)
    zone = slots.brussels()
    return render(request, "appointments/cancel.html", {
        "appointment": appointment, "starts": timezone.localtime(appointment.starts_at, zone),
        "ends": timezone.localtime(appointment.ends_at, zone)})


@never_cache
def calendar_file(request, pk):
    """The .ics of one's own appointment, to add it to a calendar."""
    appointment = access.appointment_for(request, pk)
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(SAFE_METHODS)
    response = HttpResponse(ics.calendar(appointment, ics.PUBLISH), content_type=f"{ics.MIMETYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(appointment)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
