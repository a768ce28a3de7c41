"""The booking journey: topic → location → questions → time → contact details → confirm.

Works without JavaScript: every step is a form that POSTs and redirects to the next step (htmx only swaps the week
of the slot picker). The draft lives in the session (journey.py), so answers (a plate, a notice number) never reach
a URL. Every refusal (a time just taken, in the past, on a closed day, a tampered choice) shows the form again with
the reason; booking itself is booking.book's, in one transaction.
"""

import datetime

from django.contrib import messages
from django.db.models import F, Q
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from eloket.ratelimit import Limit

from . import access, booking, journey, picker, slots
from .forms import ContactForm, LocationForm, QuestionsForm, SlotForm, TopicForm, error_links
from .linkables import describe, linkables
from .models import Slot
from .questions import answer_lines

# Guests book without an account: enough for a family, too few to fill the agenda or flood mailboxes.
GUEST_BOOKINGS = Limit("appointments-guest-bookings", max=5, seconds=60 * 60)
STEP_TITLES = {
    "book": gettext_lazy("Topic"), "location": gettext_lazy("Place"), "questions": gettext_lazy("Questions"),
    "slot": gettext_lazy("Day and time"), "contact": gettext_lazy("Your details"),
    "confirm": gettext_lazy("Check and book"),
}
METHODS = ["GET", "HEAD", "POST"]


def _go(step: str):
    return redirect(f"appointments:{step}")


def _progress(ctx: journey.Context, user, step: str) -> dict:
    shown = ["book"]
    if len(ctx.locations) > 1:
        shown.append("location")
    if journey.asks_questions(ctx, user):
        shown.append("questions")
    shown += ["slot", "contact", "confirm"]
    steps = [{"key": key, "title": str(STEP_TITLES[key])} for key in shown]
    return {"steps": steps, "step": step, "step_number": shown.index(step) + 1 if step in shown else 1,
            "step_count": len(shown), "asks_questions": "questions" in shown}


def _guard(request, step: str):
    """The draft, or a redirect to the first step still to do when `step` cannot be shown yet."""
    ctx = journey.context(request)
    missing = journey.missing_step(ctx, request.user)
    if journey.before(step, missing):
        if missing == "book" and step != "book":
            messages.info(request, _("Choose what your appointment is about to start booking."))
        return ctx, _go(missing)
    return ctx, None


def _next(request, draft: journey.Draft):
    """Fill in the steps there is nothing to choose in, save, and go to the first step still to do."""
    ctx = journey.context_for(draft)
    if ctx.topic is not None and ctx.location is None and len(ctx.locations) == 1:
        draft.location = ctx.locations[0].pk
        ctx = journey.context_for(draft)
    if ctx.topic is not None and not draft.answered and not journey.asks_questions(ctx, request.user):
        draft.answered, draft.answers = True, {}
    journey.save(request, draft)
    return _go(journey.missing_step(ctx, request.user) or "confirm")


def _page(request, template: str, ctx: journey.Context, step: str, context: dict, status: int = 200):
    return render(request, template, {"ctx": ctx, **_progress(ctx, request.user, step), **context}, status=status)


@never_cache
@require_http_methods(METHODS)
def book(request):
    """Step 1: the topic. Choosing (again) starts a new draft."""
    topics = journey.bookable_topics()
    ctx = journey.context(request)
    form = TopicForm(request.POST if request.method == "POST" else None, topics=topics,
                     initial={"topic": ctx.topic.pk if ctx.topic else None})
    if form.is_bound and form.is_valid():
        topic = form.cleaned_data["topic"]
        if ctx.topic is not None and ctx.topic.pk == topic.pk:
            return _next(request, ctx.draft)
        return _next(request, journey.Draft(topic=topic.pk))
    return _page(request, "appointments/book.html", ctx, "book", {
        "form": form, "errors": error_links(form) if form.is_bound else [], "has_topics": topics.exists()})


@never_cache
@require_http_methods(METHODS)
def location(request):
    ctx, away = _guard(request, "location")
    if away:
        return away
    form = LocationForm(request.POST if request.method == "POST" else None, locations=journey.locations_of(ctx.topic),
                        initial={"location": ctx.draft.location})
    if form.is_bound and form.is_valid():
        draft = ctx.draft
        if draft.location != form.cleaned_data["location"].pk:
            draft.location, draft.starts_at = form.cleaned_data["location"].pk, ""
        return _next(request, draft)
    return _page(request, "appointments/location.html", ctx, "location", {
        "form": form, "errors": error_links(form) if form.is_bound else []})


@never_cache
@require_http_methods(METHODS)
def questions(request):
    ctx, away = _guard(request, "questions")
    if away:
        return away
    draft = ctx.draft
    initial = {QuestionsForm.name(question): draft.answers.get(str(question.pk), {}).get("value", "")
               for question in ctx.question_list}
    initial["link"] = f"{draft.link_kind}:{draft.link_id}" if draft.link_kind else ""
    form = QuestionsForm(request.POST if request.method == "POST" else None, question_list=ctx.question_list,
                         linkables=linkables(request.user, ctx.topic), initial=initial)
    if form.is_bound and form.is_valid():
        link = form.link()
        draft.answers, draft.answered = form.answers(), True
        draft.link_kind, draft.link_id = (link.kind, link.pk) if link else ("", None)
        return _next(request, draft)
    return _page(request, "appointments/questions.html", ctx, "questions", {
        "form": form, "errors": error_links(form) if form.is_bound else []})


def _taken(ctx: journey.Context, moment) -> bool:
    return Slot.objects.filter(location=ctx.location, topic=ctx.topic, starts_at=moment).filter(
        Q(blocked=True) | Q(booked__gte=F("capacity"))).exists()


def slot_page(request, ctx: journey.Context, form: SlotForm, *, refusal: str = "", status: int = 200):
    """The picker for the draft's topic and location; a refusal (from this step or from booking) on top."""
    chosen = ctx.draft.start
    start = picker.parse_day(request.GET.get("vanaf"))
    if start is None and chosen is not None and not refusal:
        start = timezone.localdate(chosen, slots.brussels())
    week = picker.build(ctx.location, ctx.topic, start=start)
    errors = [("slot-picker", refusal)] if refusal else []
    errors += [("slot-picker", str(error)) for error_list in form.errors.values() for error in error_list]
    context = {"form": form, "picker": week, "errors": errors, "chosen": None if refusal else ctx.draft.starts_at}
    if picker.swap_only(request):
        return render(request, "appointments/_slot_days.html", {"ctx": ctx, **context})
    return _page(request, "appointments/slot.html", ctx, "slot", context, status=status)


@never_cache
@require_http_methods(METHODS)
def slot(request):
    ctx, away = _guard(request, "slot")
    if away:
        return away
    form = SlotForm(request.POST if request.method == "POST" else None)
    if not (form.is_bound and form.is_valid()):
        return slot_page(request, ctx, form)
    moment = form.cleaned_data["starts_at"]
    try:
        slots.check_start(ctx.location, ctx.topic, moment)
    except slots.NotBookable as refusal:
        return slot_page(request, ctx, SlotForm(), refusal=refusal.message)
    if _taken(ctx, moment):
        return slot_page(request, ctx, SlotForm(), refusal=_("Sorry, this time has just been taken. Choose another "
                                                             "time."))
    draft = ctx.draft
    draft.starts_at = moment.isoformat()
    return _next(request, draft)


@never_cache
@require_http_methods(METHODS)
def contact(request):
    ctx, away = _guard(request, "contact")
    if away:
        return away
    account = request.user if request.user.is_authenticated else None
    initial = dict(ctx.draft.contact) or (
        {"name": account.get_full_name(), "phone": account.phone} if account is not None else {})
    form = ContactForm(request.POST if request.method == "POST" else None, account=account, initial=initial)
    if form.is_bound and form.is_valid():
        draft = ctx.draft
        draft.contact = form.contact()
        return _next(request, draft)
    return _page(request, "appointments/contact.html", ctx, "contact", {
        "form": form, "errors": error_links(form) if form.is_bound else [], "account": account})


def _booker(request, draft: journey.Draft) -> booking.Booker:
    citizen = request.user if request.user.is_authenticated else None
    # Logged in after giving the details as a guest: the confirmation goes to the account's (verified) address.
    email = citizen.email if citizen is not None else draft.contact["email"]
    return booking.Booker(
        citizen=citizen, name=draft.contact["name"], email=email, phone=draft.contact["phone"],
        language=translation.get_language() or "nl", remind_by_sms=draft.contact["remind_by_sms"],
        answers=draft.answers, link_kind=draft.link_kind if citizen else "", link_id=draft.link_id if citizen else None)


@never_cache
@require_http_methods(METHODS)
def confirm(request):
    """The summary, and the button that books. A guest's booking waits for the email link (UNCONFIRMED)."""
    ctx, away = _guard(request, "confirm")
    if away:
        return away
    draft = ctx.draft
    guest = not request.user.is_authenticated
    starts = timezone.localtime(draft.start, slots.brussels())
    context = {"draft": draft, "starts": starts, "ends": starts + datetime.timedelta(minutes=ctx.topic.duration_minutes),
               "answers": answer_lines(draft.answers),
               "guest": guest, "link": _link_label(request, draft)}
    if request.method != "POST":
        return _page(request, "appointments/confirm.html", ctx, "confirm", context)
    address = request.META.get("REMOTE_ADDR", "")
    if guest and GUEST_BOOKINGS.blocked(address):
        messages.error(request, _("Too many appointments were booked from this connection. Please try again later "
                                  "or call us."))
        return _page(request, "appointments/confirm.html", ctx, "confirm", context, status=429)
    try:
        appointment = booking.book(ctx.location, ctx.topic, draft.start, _booker(request, draft),
                                   needs_confirmation=guest)
    except (slots.NotBookable, booking.BookingError) as refusal:
        draft.starts_at = ""
        journey.save(request, draft)
        return slot_page(request, journey.context_for(draft), SlotForm(), refusal=refusal.message,
                         status=409 if refusal.code == "full" else 200)
    journey.clear(request)
    if guest:
        GUEST_BOOKINGS.hit(address)
        access.booked_here(request, appointment)
    else:
        messages.success(request, _("Your appointment is booked. We sent you an email with the details and a calendar "
                                    "file."))
    return redirect("appointments:detail", pk=appointment.pk)


def _link_label(request, draft: journey.Draft) -> str:
    return describe(draft.link_kind, draft.link_id, request.user) if request.user.is_authenticated else ""
