"""Citizen pages of a case: the lookup, the case page, paying, keeping it in Mijn loket, its evidence and letters.

Who may see a case is access.py's: the account that keeps it or the browser that looked it up. Every view that takes
an id looks the case up through access.visible_case first, so anybody else gets a 404 whatever the method. The
number and the plate travel only in the lookup's POST body, never in a URL or a log line.
"""

import datetime
import math

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from eloket.documents.serving import private_file
from eloket.payments.models import Payment, PaymentMethod
from eloket.payments.start import may_see as may_see_payment
from eloket.payments.sync import UNFINISHED_STATUSES
from eloket.payments.views import start_and_redirect, transfer_context

from . import access, notices, numbers, objections, words
from .forms import LookupForm
from .lookup import LookupBlocked, look_up
from .models import OPEN_STATUSES, Case, CaseStatus, Evidence, ObjectionStatus

S = CaseStatus
SAFE_METHODS = ("GET", "HEAD")
# Shown inline on the case page; any other evidence (a PDF report) is downloaded.
INLINE_TYPES = ("image/jpeg", "image/png")


def _to_detail(case: Case):
    return redirect("fines:detail", pk=case.pk)


# The lookup -----------------------------------------------------------------------------------------------------

def _blocked(request, form, seconds: int):
    until = timezone.localtime(timezone.now() + datetime.timedelta(seconds=seconds))
    response = render(request, "fines/lookup.html", {
        "form": form, "blocked": True, "until": until, "minutes": max(1, math.ceil(seconds / 60))}, status=429)
    response["Retry-After"] = str(seconds)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def lookup(request):
    """Find a case with its notice number and plate (POST only); a success lets this browser see the case."""
    form = LookupForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        address = request.META.get("REMOTE_ADDR", "")
        try:
            case = look_up(address, form.cleaned_data["notice_number"], form.cleaned_data["plate"])
        except LookupBlocked as blocked:
            return _blocked(request, form, blocked.seconds)
        if case is not None:
            access.remember(request, case)
            return _to_detail(case)
        # One message for both: never say which of the two was wrong.
        form.add_error(None, _("We found no case with this notice number and number plate. Check both against the "
                               "letter and try again."))
    return render(request, "fines/lookup.html", {"form": form})


# The case page --------------------------------------------------------------------------------------------------

def _history(request, events) -> list[dict]:
    def who(event):
        if event.actor_id is None:
            return ""
        if request.user.is_authenticated and event.actor_id == request.user.pk:
            return _("by you")
        return _("by the city") if event.actor.is_staff else _("online")

    return [{"at": event.at, "what": words.event_words(event), "who": who(event), "note": event.note}
            for event in events]


def _payment_context(request, case: Case, amount) -> dict:
    unfinished = Payment.objects.filter(
        content_type=ContentType.objects.get_for_model(Case), object_id=case.pk, method=PaymentMethod.ONLINE,
        status__in=UNFINISHED_STATUSES).order_by("-created").first()
    in_progress = unfinished if unfinished is not None and may_see_payment(request, unfinished) else None
    return {"amount": amount, "in_progress": in_progress, **transfer_context(case, amount)}


def _appeal(case: Case, objection_list) -> dict | None:
    """After a rejected GAS defence: the appeal to the police court, with the city's term."""
    decided = [objection for objection in objection_list if objection.status == ObjectionStatus.REJECTED]
    if not case.is_gas or not decided or case.status not in (S.REJECTED, S.REMINDED):
        return None
    decided_on = timezone.localdate(decided[-1].decided_at) if decided[-1].decided_at else timezone.localdate()
    return {"decided_on": decided_on, "days": words.appeal_days(decided_on)}


@never_cache  # personal data, and the status must be current when the citizen comes back from paying
def detail(request, pk):
    case = access.visible_case(request, pk)
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(SAFE_METHODS)
    events = list(case.events.select_related("actor"))
    objection_list = list(case.objections.prefetch_related("attachments"))
    object_refusal = objections.object_refusal(case)
    driver_refusal = objections.driver_refusal(case) if case.is_gas else None
    amount = case.payment_amount()
    user = request.user
    context = {
        "case": case,
        "number": numbers.display(case.notice_number),
        "kind_words": words.KIND_WORDS[case.kind],
        "status_words": words.STATUS_WORDS[case.status],
        "next_step": words.next_step(case),
        "evidence": list(case.evidence.all()),
        "objections": objection_list,
        "hearings": list(case.hearings.filter(held_at__isnull=True, cancelled_at__isnull=True,
                                                  starts_at__gte=timezone.now()))
        if case.status == S.HEARING else [],
        "letters": list(notices.letters_of(case)),
        "history": _history(request, events),
        "paid_on": next((event.at for event in reversed(events) if event.to_status == S.PAID
                         and event.from_status != S.PAID), None) if case.status == S.PAID else None,
        "may_object": object_refusal is None,
        "object_refusal": object_refusal if case.status in OPEN_STATUSES else None,
        "may_name_driver": case.is_gas and driver_refusal is None,
        # Said once when both forms are closed for the same reason.
        "driver_refusal": driver_refusal if case.is_gas and case.status in OPEN_STATUSES
        and driver_refusal != object_refusal else None,
        "appeal": _appeal(case, objection_list),
        "may_keep": user.is_authenticated and case.citizen_id is None,
        "kept": user.is_authenticated and case.citizen_id == user.pk,
        "kept_elsewhere": user.is_authenticated and case.citizen_id not in (None, user.pk),
    }
    if amount > 0:
        context.update(_payment_context(request, case, amount))
    return render(request, "fines/detail.html", context)


def pay(request, pk):
    case = access.visible_case(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return start_and_redirect(request, case, back_url=reverse("fines:detail", args=[case.pk]))


def keep(request, pk):
    """Keep a looked-up case in Mijn loket (logged in only): it then shows there and needs no lookup again."""
    case = access.visible_case(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("fines:detail", args=[case.pk]))
    if access.keep(request, case):
        messages.success(request, _("This case is now in My counter. You find it there without looking it up again."))
    else:
        messages.error(request, _("Another account already keeps this case in My counter, so you cannot keep it too. "
                                  "You can still look it up with the notice number and the number plate. If you think "
                                  "this is wrong, contact the city."))
    return _to_detail(case)


# Files of the case ----------------------------------------------------------------------------------------------

def evidence(request, pk, evidence_pk):
    """A photo (inline) or another evidence file (download) of this case only, under a name without personal data."""
    case = access.visible_case(request, pk)
    item = Evidence.objects.filter(pk=evidence_pk, case=case).first()
    if item is None:
        raise Http404
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(SAFE_METHODS)
    return private_file(item.file, content_type=item.content_type, filename=f"evidence-{item.pk}.{item.extension}",
                        inline=item.content_type in INLINE_TYPES, what=f"evidence {item.pk}")


def document(request, pk, document_pk):
    """A letter of this case only (the browser that looked the case up needs no account to read it)."""
    case = access.visible_case(request, pk)
    letter = notices.letters_of(case).filter(pk=document_pk).first()
    if letter is None:
        raise Http404
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(SAFE_METHODS)
    return private_file(letter.file, content_type="application/pdf", filename=letter.filename, inline=True,
                        what=f"document {letter.pk}")
