"""The citizen's parking pages: start a session (price first), its page (running cost, extend, stop, pay), and all
sessions on their plates.

Views check ownership and input and call the rules in web.py; a refusal becomes a form error or a message. Views that
take a session's uuid look it up among the citizen's sessions before checking the method, so anyone else's uuid is a
404 whatever the method. Paying goes through the payments app: a POST that made a session to pay is sent on (307,
the same POST) to the session's pay URL, so a "Try again" after a payment-service outage pays that same session.
"""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.city.templatetags.city_format import euro
from eloket.city.views import zone_tariffs
from eloket.payments.models import PaymentMethod
from eloket.payments.start import unfinished_payment
from eloket.payments.views import start_and_redirect

from . import panels, web
from .forms import ExtendForm, StartForm, error_links
from .models import Channel, ParkingSession, SessionStatus
from .refusals import SessionRefused

PER_PAGE = 20


def _to_pay(session: ParkingSession):
    """Send the citizen's POST on to the session's pay URL (307 keeps it a POST)."""
    response = redirect("parking:pay", uuid=session.uuid)
    response.status_code = 307
    return response


def _to_detail(session: ParkingSession):
    return redirect("parking:detail", uuid=session.uuid)


def _refusal(form, refusal: SessionRefused) -> dict:
    """Show a rule's refusal at the top of the form; a refusal because of another session links to it."""
    form.add_error(None, refusal.message)
    blocking = getattr(refusal, "session", None)
    return {"blocking": blocking}


def _own(request, uuid) -> ParkingSession:
    return get_object_or_404(web.own_web_sessions(request.user).select_related("zone"), uuid=uuid)


# Starting -------------------------------------------------------------------------------------------------------

def _zones():
    kinds = set(web.WEB_ZONE_KINDS)
    return [item for item in zone_tariffs(timezone.localdate()) if item.zone.kind in kinds]


def _start_page(request, form, extra=None, status=200):
    context = {"form": form, "errors": error_links(form) if form.is_bound else [],
               "has_vehicles": form.fields["vehicle"].queryset.exists(), **(extra or {})}
    return render(request, "parking_sessions/start.html", context, status=status)


def _previewed_amount(request) -> Decimal | None:
    try:
        amount = Decimal(request.POST.get("amount", ""))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


@login_required
def start(request):
    """Choose zone, vehicle and time → see the price → confirm: pay online, or active at once when nothing is due."""
    zones = _zones()
    if request.method != "POST":
        initial = {"zone": request.GET.get("zone", "").upper()}
        vehicles = list(request.user.vehicles.all()[:2])
        if len(vehicles) == 1:
            initial["vehicle"] = vehicles[0].pk
        return _start_page(request, StartForm(user=request.user, zones=zones, initial=initial))
    form = StartForm(request.POST, user=request.user, zones=zones)
    if not form.is_valid() or "change" in request.POST:
        return _start_page(request, form if not form.is_valid() else StartForm(user=request.user, zones=zones,
                                                                                initial=form.cleaned_data))
    now = web.at_the_minute()
    zone, vehicle, end = form.cleaned_data["zone_obj"], form.cleaned_data["vehicle"], form.end(now)
    if form.errors:
        return _start_page(request, form)
    try:
        planned = web.preview(request.user, zone, vehicle, end, now)
    except SessionRefused as refusal:
        return _start_page(request, form, _refusal(form, refusal))
    previewed = _previewed_amount(request)
    if "confirm" not in request.POST or previewed != planned.amount:
        changed = "confirm" in request.POST
        return render(request, "parking_sessions/confirm.html", {"form": form, "preview": planned,
                                                                   "price_changed": changed})
    try:
        session = web.start(request.user, zone, vehicle, end, now)
    except SessionRefused as refusal:
        return _start_page(request, form, _refusal(form, refusal))
    if session.status == SessionStatus.AWAITING_PAYMENT:
        return _to_pay(session)
    if session.is_disc:
        messages.success(request, _("Your digital parking disc is set. You put nothing behind the windscreen."))
    else:
        messages.success(request, _("Your parking session has started. There is nothing to pay."))
    return _to_detail(session)


# One session ----------------------------------------------------------------------------------------------------

def _parts(request, stay: web.Stay, now) -> list[dict]:
    """Each session of the stay with what was paid for it and what it costs so far."""
    result = []
    for session in stay.sessions:
        payment = web.paid_payment(session) if session.channel == Channel.WEB and session.price else None
        result.append({"session": session, "row": panels.rows(request.user, [session], now)[0], "payment": payment,
                       "refunds": list(payment.refunds.all()) if payment else [],
                       "cost_so_far": web.cost_so_far(session, now)})
    return result


@login_required
def detail(request, uuid):
    session = get_object_or_404(panels.visible_sessions(request.user).select_related("zone", "operator"), uuid=uuid)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    now = timezone.now()
    own = session.channel == Channel.WEB and session.citizen_id == request.user.pk
    stay = web.stay_of(session) if own else web.Stay([session])
    parts = _parts(request, stay, now)
    running = stay.is_running(now)
    unpaid = stay.unpaid
    context = {
        "session": session,
        "stay": stay,
        "parts": parts,
        "row": next(part["row"] for part in parts if part["session"].pk == session.pk),
        "own": own,
        "running": running,
        "now": now,
        "cost_so_far": sum((part["cost_so_far"] for part in parts), Decimal("0.00")),
        "paid": sum((part["payment"].amount - part["payment"].amount_refunded for part in parts if part["payment"]),
                    Decimal("0.00")),
        "refund_now": web.refund_if_stopped(stay, now) if own and running else Decimal("0.00"),
        "may_extend": own and running and web.can_extend(stay, now),
        "may_stop": own and running,
        "unpaid": unpaid if own else None,
    }
    if context["unpaid"] is not None:
        context["amount"] = web.amount_due(unpaid, now)
        context["pay_url"] = reverse("parking:pay", args=[unpaid.uuid])
        context["in_progress"] = unfinished_payment(unpaid) if context["amount"] else None
        if context["in_progress"] is not None and context["in_progress"].method != PaymentMethod.ONLINE:
            context["in_progress"] = None
    template = "parking_sessions/_running.html" if request.htmx else "parking_sessions/detail.html"
    return render(request, template, context)


@login_required
def pay(request, uuid):
    session = _own(request, uuid)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return start_and_redirect(request, session, back_url=reverse("parking:detail", args=[session.uuid]))


@login_required
def cancel(request, uuid):
    session = _own(request, uuid)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if web.cancel_unpaid(request.user, session):
        messages.success(request, _("The unpaid session is cancelled. Should the payment still go through, we refund "
                                    "it in full."))
    else:
        messages.info(request, _("This session is not waiting for a payment, so there is nothing to cancel."))
    return _to_detail(session)


@login_required
def extend(request, uuid):
    session = _own(request, uuid)
    now = timezone.now()
    stay = web.stay_of(session)
    choices = web.extension_choices(stay, now)
    if not choices:
        try:
            web.extension_preview(stay, web.EXTENSIONS[0], now)
        except web.Blocked as refusal:
            messages.info(request, refusal.message)
            return _to_detail(refusal.session)
        except SessionRefused as refusal:
            messages.info(request, refusal.message)
        return _to_detail(session)
    form = ExtendForm(request.POST if request.method == "POST" else None, choices=choices)
    extra = {}
    if form.is_bound and form.is_valid():
        try:
            follow_on = web.extend(request.user, session, form.cleaned_data["minutes"], now)
        except SessionRefused as refusal:
            extra = _refusal(form, refusal)
        else:
            if follow_on.status == SessionStatus.AWAITING_PAYMENT:
                return _to_pay(follow_on)
            messages.success(request, _("Your session is extended until %(end)s. There is nothing to pay.") % {
                "end": timezone.localtime(follow_on.ends_at).strftime("%H:%M")})
            return _to_detail(follow_on)
    return render(request, "parking_sessions/extend.html", {
        "session": session, "stay": stay, "form": form, "errors": error_links(form) if form.is_bound else [],
        "latest": web.latest_end(stay), **extra})


@login_required
def stop(request, uuid):
    session = _own(request, uuid)
    now = timezone.now()
    stay = web.stay_of(session)
    if not stay.is_running(now):
        messages.info(request, _("This session has already ended."))
        return _to_detail(session)
    if request.method == "POST":
        try:
            refund = web.stop(request.user, session, now)
        except SessionRefused as refusal:
            messages.info(request, refusal.message)
        else:
            if refund > 0:
                messages.success(request, _("Your session is stopped. We refund %(amount)s for the time you did not "
                                            "park to the account you paid from.") % {"amount": euro(refund)})
            else:
                messages.success(request, _("Your session is stopped."))
        return _to_detail(session)
    return render(request, "parking_sessions/stop.html", {
        "session": session, "stay": stay, "refund": web.refund_if_stopped(stay, now), "now": now})


# All sessions ---------------------------------------------------------------------------------------------------

@login_required
def session_list(request):
    """Every session on the citizen's plates, from every channel, newest first; a fixed number of queries per page."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    vehicles = list(request.user.vehicles.all())
    sessions = (panels.visible_sessions(request.user, vehicles).select_related("zone", "operator")
                .order_by("-starts_at", "-pk"))
    page = Paginator(sessions, PER_PAGE).get_page(request.GET.get("pagina"))
    return render(request, "parking_sessions/list.html", {
        "page": page, "rows": panels.rows(request.user, list(page.object_list)), "has_vehicles": bool(vehicles)})
