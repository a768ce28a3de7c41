"""Citizen pages of permits: the list, applying, one permit's page and its actions, visitor hours.

Views check ownership and input and call the permit rules (rules, care, disability, changes, renewal, visitors);
every refusal of a rule becomes a form error or a message in the citizen's language. Views that take an id look
the object up before checking the method, so someone else's id is a 404 whatever the method.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from eloket.city.models import CapCode
from eloket.city.reference import cap
from eloket.city.templatetags.city_format import duration, euro
from eloket.documents.models import Document
from eloket.documents.serving import private_file
from eloket.payments.models import Payment, PaymentMethod
from eloket.payments.sync import UNFINISHED_STATUSES
from eloket.payments.views import start_and_redirect, transfer_context

from . import care, changes, disability, pricing, renewal, rules, visitors
from .forms import (
    AnswerForm,
    CareForm,
    ChangeVehicleForm,
    DisabilityForm,
    DisabilityPlatesForm,
    DocumentsForm,
    ResidentStepOneForm,
    VisitForm,
    read_step_one,
)
from .models import (
    HOLDING_STATUSES,
    Permit,
    PermitDocument,
    PermitDocumentKind,
    PermitKind,
    PermitStatus,
    VehicleUse,
    VisitorPeriod,
)
from .rules import NotEligible, TransitionNotAllowed
from .uploads import required_documents

S = PermitStatus

# What the status means for the citizen and what happens next, in plain words.
NEXT_STEP = {
    S.APPLIED: gettext_lazy("We received your application. The city checks it and lets you know by email."),
    S.AWAITING_PAYMENT: gettext_lazy("Pay to complete your application. After the payment the city checks it."),
    S.IN_REVIEW: gettext_lazy("The city is checking your application. You get an email when it is decided."),
    S.MORE_INFO_REQUESTED: gettext_lazy("The city has a question for you. Answer it so the city can continue."),
    S.ACTIVE: gettext_lazy("Your permit is valid. Scan cars recognise your number plate: you put nothing behind "
                           "the windscreen."),
    S.REJECTED: gettext_lazy("The city refused this application. The reason is in the history below."),
    S.EXPIRED: gettext_lazy("This permit is no longer valid. Apply again if you still need it."),
    S.CANCELLED: gettext_lazy("This permit was cancelled and is no longer valid."),
    S.REVOKED: gettext_lazy("The city withdrew this permit. The reason is in the history below."),
}

# One line of the history for each status a permit moved to.
EVENT_WORDS = {
    S.APPLIED: gettext_lazy("Application received"),
    S.AWAITING_PAYMENT: gettext_lazy("Application received, waiting for the payment"),
    S.IN_REVIEW: gettext_lazy("Being checked by the city"),
    S.MORE_INFO_REQUESTED: gettext_lazy("The city asked a question"),
    S.ACTIVE: gettext_lazy("Approved: the permit is valid"),
    S.REJECTED: gettext_lazy("Refused"),
    S.EXPIRED: gettext_lazy("Expired"),
    S.CANCELLED: gettext_lazy("Cancelled"),
    S.REVOKED: gettext_lazy("Withdrawn by the city"),
}

TAMPERED = gettext_lazy("The details of the first step were changed or are more than two hours old, so we could not "
                        "use them. Please fill in this step again.")


def _own(request, pk, queryset=None) -> Permit:
    """The citizen's own permit; anyone else's gives 404."""
    return get_object_or_404(queryset if queryset is not None else Permit.objects.all(), pk=pk, holder=request.user)


def _to_detail(permit: Permit):
    return redirect("permits:detail", pk=permit.pk)


def _refusal(form, error) -> None:
    """Show a rule's refusal (NotEligible, TransitionNotAllowed, ValidationError) at the top of the form."""
    form.add_error(None, error if isinstance(error, ValidationError) else error.message)


# The list -------------------------------------------------------------------------------------------------------

@login_required
@require_GET
def permit_list(request):
    permits = list(Permit.objects.filter(holder=request.user).select_related("zone").prefetch_related("plates"))
    return render(request, "permits/list.html", {"permits": permits})


# One permit -----------------------------------------------------------------------------------------------------

def _history(permit: Permit, events) -> list[dict]:
    def who(event):
        if event.actor_id is None:
            return _("automatic")
        return _("by you") if event.actor_id == permit.holder_id else _("by the city")

    return [{"at": event.at, "who": who(event), "note": event.note,
             "what": EVENT_WORDS[event.to_status] if event.from_status != event.to_status else _("Changed")}
            for event in events]


def _payment_context(request, permit: Permit) -> dict:
    amount = permit.payment_amount()
    in_progress = Payment.objects.filter(
        content_type=ContentType.objects.get_for_model(Permit), object_id=permit.pk, owner=request.user,
        method=PaymentMethod.ONLINE, status__in=UNFINISHED_STATUSES).order_by("-created").first()
    return {"amount": amount, "in_progress": in_progress, **transfer_context(permit, amount)}


@login_required
def detail(request, pk):
    permit = _own(request, pk, Permit.objects.select_related("zone"))
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    events = list(permit.events.all())
    questions = [event.note for event in events if event.to_status == S.MORE_INFO_REQUESTED]
    context = {
        "permit": permit,
        "plates": list(permit.plates.all()),
        "documents": list(permit.documents.all()),
        "letters": list(Document.objects.for_case(permit).available().filter(owner=request.user).order_by("-created")),
        "history": _history(permit, events),
        "next_step": NEXT_STEP[permit.status],
        "question": questions[-1] if questions and permit.status == S.MORE_INFO_REQUESTED else "",
        "may_pay": permit.status == S.AWAITING_PAYMENT,
        "may_answer": permit.status == S.MORE_INFO_REQUESTED,
        "may_renew": renewal.may_renew(permit),
        "may_change_plate": permit.status in HOLDING_STATUSES,
        "may_cancel": rules.may(permit, "cancel"),
    }
    if context["may_pay"]:
        context.update(_payment_context(request, permit))
    return render(request, "permits/detail.html", context)


@login_required
def pay(request, pk):
    permit = _own(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return start_and_redirect(request, permit, back_url=reverse("permits:detail", args=[permit.pk]))


@login_required
def answer(request, pk):
    permit = _own(request, pk)
    if permit.status != S.MORE_INFO_REQUESTED:
        messages.info(request, _("There is no open question about this permit."))
        return _to_detail(permit)
    question = permit.events.filter(to_status=S.MORE_INFO_REQUESTED).order_by("-at", "-pk").first()
    form = AnswerForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if form.is_bound and form.is_valid():
        attachment = form.cleaned_data["attachment"]
        try:
            rules.answer_more_info(permit, form.cleaned_data["answer"], actor=request.user,
                                   documents={PermitDocumentKind.ANSWER: attachment} if attachment else None)
        except (NotEligible, TransitionNotAllowed, ValidationError) as error:
            _refusal(form, error)
        else:
            messages.success(request, _("Thank you. The city received your answer and continues checking."))
            return _to_detail(permit)
    return render(request, "permits/answer.html", {"permit": permit, "form": form, "question": question})


@login_required
def renew(request, pk):
    permit = _own(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        renewed = renewal.renew(permit, request.user)
    except (NotEligible, TransitionNotAllowed) as error:
        messages.error(request, error.message)
        return _to_detail(permit)
    messages.success(request, _("Your renewal was received. It continues from the end of your current permit."))
    return _to_detail(renewed)


@login_required
def change_plate(request, pk):
    permit = _own(request, pk)
    if permit.status not in HOLDING_STATUSES:
        messages.info(request, _("The number plate of this permit can no longer be changed."))
        return _to_detail(permit)
    current = list(permit.plates.values_list("plate", "country"))
    data = request.POST if request.method == "POST" else None
    if permit.kind == PermitKind.DISABILITY:
        form = DisabilityPlatesForm(data, user=request.user, maximum=cap(CapCode.DISABILITY_PLATES), current=current)
    else:
        form = ChangeVehicleForm(data, request.FILES or None, user=request.user, current=current,
                                 vehicle_use=permit.vehicle_use)
    if form.is_bound and form.is_valid():
        try:
            if permit.kind == PermitKind.DISABILITY:
                disability.set_plates(permit, form.cleaned_data["plates"], request.user)
            else:
                changes.change_plate(permit, form.cleaned_data["vehicle"], request.user, documents=form.documents())
        except (NotEligible, TransitionNotAllowed, ValidationError) as error:
            _refusal(form, error)
        else:
            messages.success(request, _("The number plate was changed. The validity of your permit stays the same."))
            return _to_detail(permit)
    return render(request, "permits/change_plate.html", {"permit": permit, "form": form, "current": current})


@login_required
def cancel(request, pk):
    permit = _own(request, pk)
    if not rules.may(permit, "cancel"):
        messages.info(request, _("This permit can no longer be cancelled."))
        return _to_detail(permit)
    if request.method == "POST":
        try:
            permit, refund = changes.cancel_with_refund(permit, request.user)
        except (NotEligible, TransitionNotAllowed) as error:
            messages.error(request, error.message)
        else:
            if refund > 0:
                messages.success(request, _("Your permit is cancelled. We refund %(amount)s to the account you paid "
                                            "from.") % {"amount": euro(refund)})
            else:
                messages.success(request, _("Your permit is cancelled."))
        return _to_detail(permit)
    return render(request, "permits/cancel.html", {"permit": permit, "refund": changes.refund_preview(permit)})


@login_required
def document(request, pk, document_pk):
    """One uploaded file of the citizen's own permit, always as a download under a name without personal data."""
    upload = get_object_or_404(PermitDocument, pk=document_pk, permit_id=pk, permit__holder=request.user)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return private_file(upload.file, content_type=upload.content_type, filename=upload.download_name,
                        what=f"permit document {upload.pk}")


# Applying -------------------------------------------------------------------------------------------------------

def _resident_step_one(request, form, *, error="", status=200):
    return render(request, "permits/apply_resident.html", {"form": form, "step_error": error}, status=status)


def _resident_preview(form: ResidentStepOneForm) -> dict | None:
    """Zone, rank and price of the card step 1 describes, or None after adding the refusal to the form."""
    address = form.address()
    zone, rank, amount, explanation = pricing.price_preview(address["street"], address["house_number"], address["box"],
                                                          address["postal_code"])
    if zone is None or amount is None:
        form.add_error(None, explanation)  # outside every resident zone, or no card of this rank: says what to do
        return None
    use = form.cleaned_data["vehicle_use"]
    return {"zone": zone, "rank": rank, "amount": amount, "explanation": explanation, "address": address,
            "vehicle": form.cleaned_data["vehicle"], "use": VehicleUse(use), "token": form.signed(),
            "kinds": required_documents(PermitKind.RESIDENT, use)}


@login_required
def apply_resident(request):
    """Step 1 (address, vehicle, use) → preview of zone and price → step 2 (documents) creates the application."""
    user = request.user
    if request.method != "POST":
        return _resident_step_one(request, ResidentStepOneForm(user=user))
    token = request.POST.get("step1")
    data = request.POST if token is None else read_step_one(token, user)
    if data is None:
        return _resident_step_one(request, ResidentStepOneForm(user=user), error=TAMPERED, status=400)
    form = ResidentStepOneForm(data, user=user)
    if not form.is_valid() or "back" in request.POST:
        return _resident_step_one(request, form)
    preview = _resident_preview(form)
    if preview is None:
        return _resident_step_one(request, form)
    documents = DocumentsForm(request.POST if token else None, request.FILES or None, kinds=preview["kinds"])
    if documents.is_bound and documents.is_valid():
        try:
            permit = rules.apply_for_resident_card(user, preview["vehicle"], **preview["address"],
                                                   vehicle_use=preview["use"], documents=documents.documents(),
                                                   actor=user)
        except (NotEligible, ValidationError) as error:
            _refusal(documents, error)
        else:
            messages.success(request, _("Your application for a resident card was received."))
            return _to_detail(permit)
    return render(request, "permits/apply_resident_confirm.html", {**preview, "form": documents})


@login_required
def apply_disability(request):
    data = request.POST if request.method == "POST" else None
    form = DisabilityForm(data, request.FILES or None, user=request.user, maximum=cap(CapCode.DISABILITY_PLATES))
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        try:
            permit = disability.register_disability(
                request.user, card_number=cleaned["card_number"], card_expiry=cleaned["card_expiry"],
                plates=cleaned["plates"], front=cleaned["front"], back=cleaned["back"], actor=request.user)
        except (NotEligible, ValidationError) as error:
            _refusal(form, error)
        else:
            messages.success(request, _("Your disability parking card was registered. The city checks it."))
            return _to_detail(permit)
    return render(request, "permits/apply_disability.html", {"form": form, "maximum": form.maximum})


@login_required
def apply_care(request):
    data = request.POST if request.method == "POST" else None
    form = CareForm(data, request.FILES or None, user=request.user)
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        try:
            permit = care.apply_for_care_permit(
                request.user, cleaned["vehicle"], recognition_number=cleaned["recognition_number"],
                documents=form.documents(), vehicle_use=cleaned["vehicle_use"], actor=request.user)
        except (NotEligible, ValidationError) as error:
            _refusal(form, error)
        else:
            messages.success(request, _("Your application for a care-provider permit was received."))
            return _to_detail(permit)
    return render(request, "permits/apply_care.html", {"form": form})


# Visitor hours --------------------------------------------------------------------------------------------------

def _own_periods(request):
    """Visitor periods the citizen started, or that run on their own resident card."""
    return VisitorPeriod.objects.filter(Q(started_by=request.user) | Q(permit__holder=request.user))


@login_required
def visitors_page(request):
    card = visitors.visitor_card(request.user)
    if card is None:
        return render(request, "permits/visitors.html", {"card": None})
    form = VisitForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        try:
            period = visitors.start_visit(request.user, plate=cleaned["plate"], country=cleaned["country"],
                                          minutes=cleaned["minutes"], starts_at=cleaned["starts_at"])
        except visitors.VisitorError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Visitor parking for %(plate)s runs until %(end)s.") % {
                "plate": period.plate_display, "end": timezone.localtime(period.ends_at).strftime("%d/%m/%Y %H:%M")})
            return redirect("permits:visitors")
    now, year = timezone.now(), timezone.localdate().year
    periods = list(_own_periods(request).filter(year=year).order_by("starts_at"))
    return render(request, "permits/visitors.html", {
        "card": card,
        "form": form,
        "balance": visitors.balance_minutes(card.address_key, year),
        "quota": visitors.quota_minutes(),
        "running": [period for period in periods if period.starts_at <= now < period.ends_at],
        "planned": [period for period in periods if period.starts_at > now],
        "past": [period for period in reversed(periods) if period.ends_at <= now],
    })


@login_required
def visit_stop(request, pk):
    period = get_object_or_404(_own_periods(request), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        stopped = visitors.stop_visit(period, request.user)
    except visitors.VisitorError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Visitor parking for %(plate)s is stopped. Your balance is now %(balance)s.") % {
            "plate": stopped.plate_display,
            "balance": duration(visitors.balance_minutes(stopped.address_key, stopped.year))})
    return redirect("permits:visitors")
