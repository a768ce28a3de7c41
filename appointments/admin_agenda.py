"""The counter's pages behind the appointment admin: the day agenda per location, marking an appointment attended or
no-show, cancelling or moving it for the city, a walk-in or phone booking, and blocking or unblocking a slot.

Every page needs `appointments.manage_agenda`; every change goes through booking.py, which checks the move again
and tells the citizen. What changes something for a citizen is confirmed on its own page first.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from . import agenda, booking, slots
from .admin_forms import (
    REASON_LENGTH,
    BlockPickForm,
    DayForm,
    MoveForm,
    PickDayForm,
    ReasonForm,
    TopicDayForm,
    WalkInForm,
)
from .models import Appointment, AppointmentStatus, Location, Slot

AGENDA_PERMISSION = "appointments.manage_agenda"
CLOSING = {"attended": AppointmentStatus.ATTENDED, "no-show": AppointmentStatus.NO_SHOW}


def agenda_url(location_id: int, day: datetime.date | None = None, counter_id: int | None = None) -> str:
    url = reverse("admin:appointments_agenda", args=[location_id])
    params = {key: value for key, value in (("day", day and day.isoformat()), ("counter", counter_id)) if value}
    return f"{url}?{urlencode(params)}" if params else url


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment, slots.brussels())


def appointment_actions(user, appointment: Appointment, now: datetime.datetime | None = None) -> list[tuple[str, str]]:
    """The buttons on an appointment's admin page for this user now (none without the agenda permission)."""
    if not user.has_perm(AGENDA_PERMISSION):
        return []
    actions = []
    if agenda.may_close(appointment, now):
        actions += [(_("Attended"), reverse("admin:appointments_appointment_attended", args=[appointment.pk])),
                    (_("Did not come"), reverse("admin:appointments_appointment_no_show", args=[appointment.pk]))]
    if agenda.may_move(appointment):
        actions.append((_("Move to another time"), reverse("admin:appointments_appointment_move", args=[appointment.pk])))
    if agenda.may_cancel(appointment, now):
        actions.append((_("Cancel for the city"), reverse("admin:appointments_appointment_cancel", args=[appointment.pk])))
    actions.append((_("Day agenda"), agenda_url(appointment.location_id, local_day(appointment.starts_at))))
    return actions


class AgendaStaffViews:
    """Mixed into AppointmentAdmin: the agenda's URLs and views."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("agenda/", wrap(self.agenda_index_view), name="appointments_agenda_index"),
            path("agenda/<int:location_id>/", wrap(self.agenda_view), name="appointments_agenda"),
            path("agenda/<int:location_id>/book/", wrap(self.book_view), name="appointments_agenda_book"),
            path("agenda/<int:location_id>/block/", wrap(self.block_view), name="appointments_agenda_block"),
            path("agenda/<int:location_id>/unblock/<int:slot_id>/", wrap(self.unblock_view),
                 name="appointments_agenda_unblock"),
            path("<int:object_id>/attended/", wrap(self._close_view("attended")),
                 name="appointments_appointment_attended"),
            path("<int:object_id>/no-show/", wrap(self._close_view("no-show")), name="appointments_appointment_no_show"),
            path("<int:object_id>/cancel/", wrap(self.cancel_view), name="appointments_appointment_cancel"),
            path("<int:object_id>/move/", wrap(self.move_view), name="appointments_appointment_move"),
            *super().get_urls(),
        ]

    # Helpers ----------------------------------------------------------------------------------------------------------

    def _page(self, request, template: str, title: str, **context):
        return TemplateResponse(request, template, {**self.admin_site.each_context(request), "title": title,
                                                    "opts": self.opts, **context})

    def _location(self, request, location_id: int) -> Location:
        if not request.user.has_perm(AGENDA_PERMISSION):
            raise PermissionDenied
        return get_object_or_404(Location, pk=location_id)

    def _appointment(self, request, object_id: int) -> Appointment:
        if not request.user.has_perm(AGENDA_PERMISSION):
            raise PermissionDenied
        return get_object_or_404(Appointment.objects.select_related("location", "topic", "counter", "citizen"),
                                 pk=object_id)

    def _back(self, request, appointment: Appointment) -> str:
        """Where to go after an action: the page it came from (when it is ours), else the agenda of its day."""
        target = request.POST.get("next") or request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                      require_https=request.is_secure()):
            return target
        return agenda_url(appointment.location_id, local_day(appointment.starts_at))

    # The agenda -------------------------------------------------------------------------------------------------------

    def agenda_index_view(self, request):
        """One location goes straight to its agenda; several are listed to choose from."""
        if not request.user.has_perm(AGENDA_PERMISSION):
            raise PermissionDenied
        locations = list(Location.objects.filter(active=True))
        if len(locations) == 1:
            return HttpResponseRedirect(agenda_url(locations[0].pk))
        return self._page(request, "admin/appointments/agenda_index.html", _("Day agenda"),
                          locations=[(location, agenda_url(location.pk)) for location in locations])

    def agenda_view(self, request, location_id: int):
        location = self._location(request, location_id)
        form = DayForm(request.GET or None, location=location)
        day, counter = timezone.localdate(), None
        if form.is_bound and form.is_valid():
            day = form.cleaned_data["day"] or day
            counter = form.cleaned_data["counter"]
        day_agenda = agenda.day_agenda(location, day, counter)
        counter_id = counter.pk if counter else None
        return self._page(
            request, "admin/appointments/agenda.html",
            _("Day agenda: %(location)s") % {"location": location}, location=location, form=form, agenda=day_agenda,
            here=request.get_full_path(), today=timezone.localdate(),
            previous_url=agenda_url(location.pk, day_agenda.previous_day, counter_id),
            next_url=agenda_url(location.pk, day_agenda.next_day, counter_id),
            today_url=agenda_url(location.pk, None, counter_id),
            book_url=reverse("admin:appointments_agenda_book", args=[location.pk]) + f"?day={day.isoformat()}",
            block_url=reverse("admin:appointments_agenda_block", args=[location.pk]) + f"?day={day.isoformat()}")

    # Attended, no-show, cancel, move ----------------------------------------------------------------------------------

    def _close_view(self, slug: str):
        def view(request, object_id):
            return self.close_view(request, object_id, slug)
        return view

    def close_view(self, request, object_id: int, slug: str):
        """Mark attended or no-show: straight from the agenda's button, or after the confirmation page."""
        appointment = self._appointment(request, object_id)
        status = CLOSING[slug]
        back = self._back(request, appointment)
        if not agenda.may_close(appointment):
            self.message_user(request, _("Only a booked appointment can be marked attended or no-show, from its day "
                                         "on."), messages.ERROR)
            return HttpResponseRedirect(back)
        if request.method == "POST":
            try:
                booking.close(appointment, status, actor=request.user)
            except booking.BookingError as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
            else:
                self.log_change(request, appointment, str(status.label))
                self.message_user(request, _("%(reference)s is marked “%(status)s”.") % {
                    "reference": appointment.reference, "status": status.label}, messages.SUCCESS)
            return HttpResponseRedirect(back)
        return self._page(request, "admin/appointments/close.html",
                          _("Mark %(reference)s “%(status)s”") % {"reference": appointment.reference,
                                                                  "status": status.label},
                          appointment=appointment, status=status, back=back)

    def cancel_view(self, request, object_id: int):
        appointment = self._appointment(request, object_id)
        back = self._back(request, appointment)
        if not agenda.may_cancel(appointment):
            self.message_user(request, _("This appointment can no longer be cancelled."), messages.ERROR)
            return HttpResponseRedirect(back)
        form = ReasonForm(request.POST if request.method == "POST" else None, max_length=REASON_LENGTH["cancel"])
        if form.is_valid():
            try:
                booking.cancel(appointment, by_city=True, actor=request.user, reason=form.cleaned_data["reason"])
            except booking.BookingError as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
            else:
                self.log_change(request, appointment, _("Cancelled by the city"))
                self.message_user(request, _("%(reference)s is cancelled; the citizen is told why.") % {
                    "reference": appointment.reference}, messages.SUCCESS)
            return HttpResponseRedirect(back)
        return self._page(request, "admin/appointments/cancel.html",
                          _("Cancel %(reference)s for the city") % {"reference": appointment.reference},
                          appointment=appointment, form=form, back=back)

    def move_view(self, request, object_id: int):
        """Choose a day, then one of its free times (the online booking window does not bind staff)."""
        appointment = self._appointment(request, object_id)
        back = self._back(request, appointment)
        if not agenda.may_move(appointment):
            self.message_user(request, _("This appointment can no longer be moved."), messages.ERROR)
            return HttpResponseRedirect(back)
        day_form = PickDayForm(request.GET or None)
        day = local_day(appointment.starts_at)
        if day_form.is_bound and day_form.is_valid() and day_form.cleaned_data["day"]:
            day = day_form.cleaned_data["day"]

        def free():
            return [slot for slot in slots.free_slots(appointment.location, appointment.topic, day, 1, ignore_window=True)
                    if slot.starts_at != appointment.starts_at]

        form = MoveForm(request.POST if request.method == "POST" else None, free=free())
        if form.is_valid():
            try:
                booking.reschedule(appointment, form.cleaned_data["starts_at"], actor=request.user, staff=True)
            except (booking.BookingError, slots.NotBookable) as refusal:
                form = MoveForm(request.POST, free=free())
                form.is_valid()
                form.add_error(None, refusal.message)
            else:
                when = timezone.localtime(form.cleaned_data["starts_at"], slots.brussels())
                self.log_change(request, appointment, _("Moved"))
                self.message_user(request, _("%(reference)s is moved to %(when)s; the citizen is told.") % {
                    "reference": appointment.reference, "when": f"{when:%d/%m/%Y %H:%M}"}, messages.SUCCESS)
                return HttpResponseRedirect(agenda_url(appointment.location_id, when.date()))
        return self._page(request, "admin/appointments/move.html",
                          _("Move %(reference)s") % {"reference": appointment.reference},
                          appointment=appointment, day_form=day_form, form=form, day=day, back=back,
                          action=f"?{urlencode({'day': day.isoformat()})}")

    # Booking for a citizen ---------------------------------------------------------------------------------------------

    def book_view(self, request, location_id: int):
        """A walk-in or phone booking: the topic and day first (GET), then a free time and the citizen (POST)."""
        location = self._location(request, location_id)
        pick = TopicDayForm(request.GET if "topic" in request.GET else None, location=location,
                            initial={"day": request.GET.get("day") or timezone.localdate()})
        form = None
        if pick.is_bound and pick.is_valid():
            topic, day = pick.cleaned_data["topic"], pick.cleaned_data["day"]

            def free():
                return slots.free_slots(location, topic, day, 1, ignore_window=True)

            form = WalkInForm(request.POST if request.method == "POST" else None, topic=topic, free=free())
            if form.is_valid():
                try:
                    appointment = booking.book(location, topic, form.cleaned_data["starts_at"], form.booker(),
                                               channel=form.cleaned_data["channel"], staff=request.user)
                except (booking.BookingError, slots.NotBookable) as refusal:
                    form = WalkInForm(request.POST, topic=topic, free=free())
                    form.is_valid()
                    form.add_error(None, refusal.message)
                else:
                    self.log_addition(request, appointment, [{"added": {}}])
                    when = timezone.localtime(appointment.starts_at, slots.brussels())
                    self.message_user(request, _("%(name)s is booked at %(when)s (reference %(reference)s).") % {
                        "name": appointment.name, "when": f"{when:%d/%m/%Y %H:%M}",
                        "reference": appointment.reference}, messages.SUCCESS)
                    return HttpResponseRedirect(agenda_url(location.pk, when.date()))
        return self._page(request, "admin/appointments/book.html",
                          _("Book for a citizen: %(location)s") % {"location": location}, location=location,
                          pick=pick, form=form, back=agenda_url(location.pk, _picked_day(pick)),
                          action=f"?{request.GET.urlencode()}")

    # Blocking ---------------------------------------------------------------------------------------------------------

    def block_view(self, request, location_id: int):
        """Topic and day, then a time (GET); the confirmation lists the bookings it cancels; blocking is the POST."""
        location = self._location(request, location_id)
        pick = TopicDayForm(request.GET if "topic" in request.GET else None, location=location,
                            initial={"day": request.GET.get("day") or timezone.localdate()})
        context = {"location": location, "pick": pick, "back": agenda_url(location.pk, _picked_day(pick)),
                   "action": f"?{request.GET.urlencode()}"}
        if pick.is_bound and pick.is_valid():
            topic, day = pick.cleaned_data["topic"], pick.cleaned_data["day"]
            choose = BlockPickForm(request.GET if "starts_at" in request.GET else None,
                                   starts=agenda.blockable_starts(location, topic, day))
            context.update(topic=topic, day=day, choose=choose)
            if choose.is_bound and choose.is_valid():
                starts_at = choose.cleaned_data["starts_at"]
                form = ReasonForm(request.POST if request.method == "POST" else None, max_length=REASON_LENGTH["block"])
                if form.is_valid():
                    cancelled = booking.block(location, topic, starts_at, reason=form.cleaned_data["reason"],
                                              actor=request.user)
                    self.message_user(request, _("The slot is blocked. Appointments cancelled: %(count)d; each citizen "
                                                 "is told why.") % {"count": len(cancelled)}, messages.SUCCESS)
                    return HttpResponseRedirect(agenda_url(location.pk, day))
                context.update(starts_at=starts_at, form=form,
                               affected=agenda.to_be_cancelled(location, topic, starts_at))
        return self._page(request, "admin/appointments/block.html",
                          _("Block a slot: %(location)s") % {"location": location}, **context)

    def unblock_view(self, request, location_id: int, slot_id: int):
        location = self._location(request, location_id)
        slot = get_object_or_404(Slot, pk=slot_id, location=location, blocked=True)
        back = agenda_url(location.pk, local_day(slot.starts_at))
        if request.method == "POST":
            booking.unblock(slot)
            self.message_user(request, _("The slot can be booked again."), messages.SUCCESS)
        return HttpResponseRedirect(back)


def _picked_day(pick: TopicDayForm) -> datetime.date | None:
    if pick.is_bound and pick.is_valid():
        return pick.cleaned_data["day"]
    return None
