"""What the sanctioning official decides on an objection: accept it, reject it, plan the oral hearing, record its
minutes; and the manual steps staff take on a case (reminder, registered reminder, collection, court, cancel).

Each function is one transaction. The objection (or hearing) row is locked and its state checked again under the
lock, so a double click decides once; the case moves only through rules.py, and the letter and email of the step
are requested through notices.after_step inside the same transaction (they go out after commit).
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.payments.gateway import GatewayError
from eloket.payments.models import Payment, PaymentMethod, PaymentStatus
from eloket.payments.start import RefundNotPossible, start_refund
from eloket.payments.sync import refundable

from . import dates, notices, rules
from .models import Case, CaseEvent, CaseStatus, Hearing, Objection, ObjectionStatus
from .objections import may_ask_hearing

logger = logging.getLogger(__name__)

TransitionNotAllowed = rules.TransitionNotAllowed


# --- Paying back what was paid when an objection is accepted ---------------------------------------------------------

@dataclass(frozen=True)
class PayBack:
    """What goes back to the holder; `by_transfer`: paid by bank transfer, so staff transfer it back by hand."""

    amount: Decimal
    payment: Payment
    by_transfer: bool


def paid_payment(case: Case) -> Payment | None:
    """The payment that paid the case (online or by transfer), through the payment's generic link."""
    return (Payment.objects.filter(content_type=ContentType.objects.get_for_model(Case), object_id=case.pk,
                                   status=PaymentStatus.PAID).order_by("-paid_at", "-pk").first())


def pay_back_plan(case: Case) -> PayBack | None:
    """All that is still refundable of the payment of a paid case; None when nothing was paid through eloket."""
    if case.status != CaseStatus.PAID:
        return None
    payment = paid_payment(case)
    if payment is None:
        return None
    amount = refundable(payment)
    if amount <= 0:
        return None
    return PayBack(amount=amount, payment=payment,
                   by_transfer=payment.method != PaymentMethod.ONLINE or not payment.mollie_id)


def _pay_back_note(case: Case, plan: PayBack | None) -> str:
    """A line for the history, in the words permits uses, so staff see what goes back and how."""
    if plan is None:
        if case.status == CaseStatus.PAID:
            return _("No payment of this case is recorded in eloket: check how it was paid and pay it back.")
        return ""
    if plan.by_transfer:
        return _("€ %(amount)s to be transferred back by staff (paid by bank transfer).") % {"amount": f"{plan.amount:.2f}"}
    return _("€ %(amount)s refunded online.") % {"amount": f"{plan.amount:.2f}"}


def _refund_after_commit(case: Case, plan: PayBack | None, actor) -> None:
    """Start the online refund at Mollie once the decision is committed; a transfer is paid back by staff."""
    if plan is None or plan.by_transfer:
        return
    reason = _("Objection accepted: %(case)s is cancelled.") % {"case": case.payment_description()}

    def refund():
        try:
            start_refund(plan.payment, amount=plan.amount, reason=reason, actor=actor)
        except (RefundNotPossible, GatewayError) as error:
            # The payment's history holds the failed attempt; staff refund it from the payment admin.
            logger.warning("Refund for case %s could not be started: %s", case.pk, type(error).__name__)

    transaction.on_commit(refund)


# --- Deciding on an objection --------------------------------------------------------------------------------------

def _required(text: str, message) -> str:
    text = (text or "").strip()
    if not text:
        raise TransitionNotAllowed(message)
    return text


def _decided(objection: Objection) -> str:
    return _("This objection was decided already (%(status)s).") % {"status": objection.get_status_display()}


def _pending(objection: Objection) -> tuple[Objection, Case]:
    """The objection and its case, both locked; refused when the objection was decided already."""
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    if locked.status != ObjectionStatus.PENDING:
        raise TransitionNotAllowed(_decided(locked))
    locked.case = Case.objects.select_for_update().get(pk=locked.case_id)
    return locked, locked.case


def _decide(objection: Objection, status: str, reason: str, actor) -> None:
    objection.status = status
    objection.decided_at = timezone.now()
    objection.decided_by = actor
    objection.decision_reason = reason
    objection.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])


def accept(objection: Objection, reason: str, actor) -> Objection:
    """The case is cancelled; what was paid for it (also during the objection) goes back to the holder."""
    reason = _required(reason, _("Give the reasons for accepting the objection."))
    with transaction.atomic():
        locked, case = _pending(objection)
        plan = pay_back_plan(case)
        called_off = _call_off_hearings(locked)
        note = " ".join(part for part in (reason, _pay_back_note(case, plan), called_off) if part)
        case = rules.accept_objection(case, note, actor=actor)
        _decide(locked, ObjectionStatus.ACCEPTED, reason, actor)
        _refund_after_commit(case, plan, actor)
        notices.after_step(case, "decision", objection=locked)
    return locked


def _call_off_hearings(objection: Objection) -> str:
    """Hearings of the objection not held yet are called off; a line for the history naming them, or ''."""
    planned = list(objection.hearings.select_for_update().filter(held_at__isnull=True, cancelled_at__isnull=True))
    if not planned:
        return ""
    Hearing.objects.filter(pk__in=[hearing.pk for hearing in planned]).update(cancelled_at=timezone.now())
    days = ", ".join(dates.in_words(timezone.localtime(hearing.starts_at).date()) for hearing in planned)
    return _("The oral hearing of %(days)s is called off.") % {"days": days}


def accept_refusal(objection: Objection) -> str | None:
    """Why the objection cannot be accepted now, or None when it can (the case as loaded on the objection)."""
    if objection.status != ObjectionStatus.PENDING:
        return _decided(objection)
    return rules.refusal(objection.case, "accept_objection")


def reject_refusal(objection: Objection) -> str | None:
    """Why the objection cannot be rejected now, or None: a holder who asked for a hearing is heard first."""
    case = objection.case
    if objection.status != ObjectionStatus.PENDING:
        return _decided(objection)
    if case.status == CaseStatus.PAID and case.disputed:
        return None  # paid during the objection: the rejection is written down, the case stays paid
    if objection.hearing_requested and may_ask_hearing(case):
        hearings = list(objection.hearings.all())
        if not hearings:
            return _("The holder asked for an oral hearing: plan it and record its minutes before rejecting.")
        if any(hearing.held_at is None for hearing in hearings):
            return _("Record the minutes of the oral hearing before rejecting.")
    return rules.refusal(case, "reject_objection")


def reject(objection: Objection, reason: str, actor) -> Objection:
    """A new payment term from today (a retribution stays disputed); a case paid meanwhile stays paid."""
    reason = _required(reason, _("Give the reasons for rejecting the objection."))
    with transaction.atomic():
        locked, case = _pending(objection)
        refusal = reject_refusal(locked)
        if refusal:
            raise TransitionNotAllowed(refusal)
        if case.status == CaseStatus.PAID:
            # Nothing is due any more: the decision is written in the history and the case stays as it is.
            CaseEvent.objects.create(case=case, actor=actor, from_status=case.status, to_status=case.status,
                                     note=" ".join([reason, _("The objection is rejected; the case was paid and stays "
                                                              "paid.")]))
        else:
            case = rules.reject_objection(case, reason, actor=actor)
        _decide(locked, ObjectionStatus.REJECTED, reason, actor)
        notices.after_step(case, "decision", objection=locked)
    return locked


# --- The oral hearing (GAS only) -----------------------------------------------------------------------------------

def hearing_refusal(objection: Objection) -> str | None:
    """Why no oral hearing can be planned for this objection now, or None when it can."""
    case = objection.case
    if objection.status != ObjectionStatus.PENDING:
        return _decided(objection)
    if not may_ask_hearing(case):
        return _("An oral hearing is only possible for a GAS fine above € %(limit)s.") % {"limit": rules.HEARING_ABOVE}
    if not objection.hearing_requested:
        return _("The holder did not ask for an oral hearing.")
    return rules.refusal(case, "plan_hearing")


def plan_hearing(objection: Objection, starts_at: datetime.datetime, place: str, actor) -> Hearing:
    """A GAS defence that asked for it gets its hearing: the date and place are sent to the holder."""
    place = _required(place, _("Give the place of the oral hearing."))
    if starts_at is None or starts_at <= timezone.now():
        raise TransitionNotAllowed(_("Choose a moment in the future for the oral hearing."))
    with transaction.atomic():
        locked, case = _pending(objection)
        reason = hearing_refusal(locked)
        if reason:
            raise TransitionNotAllowed(reason)
        when = timezone.localtime(starts_at)
        rules.plan_hearing(case, _("Oral hearing on %(day)s at %(time)s, %(place)s.") % {
            "day": dates.in_words(when.date()), "time": f"{when:%H:%M}", "place": place}, actor=actor)
        hearing = Hearing.objects.create(case=case, objection=locked, starts_at=starts_at, place=place, planned_by=actor)
        case.refresh_from_db()
        notices.after_step(case, "hearing", hearing=hearing)
    return hearing


def minutes_refusal(hearing: Hearing) -> str | None:
    """Why no minutes can be recorded for the hearing now, or None when they can (once, after it took place)."""
    if hearing.held_at is not None:
        return _("The minutes of this oral hearing were recorded already.")
    if hearing.cancelled_at is not None:
        return _("This oral hearing was called off: the objection was accepted.")
    if hearing.starts_at > timezone.now():
        return _("This oral hearing has not taken place yet.")
    return None


def record_minutes(hearing: Hearing, minutes: str, actor) -> Hearing:
    """The minutes of a hearing that took place; the history says it was held (the minutes stay in the file)."""
    minutes = _required(minutes, _("Write the minutes of the oral hearing."))
    with transaction.atomic():
        locked = Hearing.objects.select_for_update().select_related("case").get(pk=hearing.pk)
        refusal = minutes_refusal(locked)
        if refusal:
            raise TransitionNotAllowed(refusal)
        locked.minutes = minutes
        locked.held_at = timezone.now()
        locked.save(update_fields=["minutes", "held_at"])
        case = locked.case
        CaseEvent.objects.create(case=case, actor=actor, from_status=case.status, to_status=case.status,
                                 note=_("The oral hearing was held; its minutes are in the file."))
    return locked


# --- Manual steps on a case ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """A step staff take by hand on a case: the rules' transition and the letter it sends (notices.after_step)."""

    transition: str
    notice: str
    needs_reason: bool = False


STEPS: dict[str, Step] = {
    "remind": Step("remind", "reminder"),
    "formal_notice": Step("formal_notice", "formal_notice"),
    "to_collection": Step("to_collection", "collection"),
    "to_court": Step("to_court", "court"),
    "cancel": Step("cancel", "cancelled", needs_reason=True),
}


def step_refusal(case: Case, name: str) -> str | None:
    """Why staff cannot take the manual step `name` now, or None; an objection being handled is decided, not bypassed."""
    if name == "cancel" and case.objections.filter(status=ObjectionStatus.PENDING).exists():
        return _("This case has an objection being handled: decide on the objection instead (accepting it cancels the "
                 "case and tells the holder why).")
    return rules.refusal(case, STEPS[name].transition)


def take_step(case: Case, name: str, actor, reason: str = "") -> Case:
    """Take the manual step `name` (a key of STEPS) and send its letter, in one transaction."""
    step = STEPS[name]
    with transaction.atomic():
        refusal = step_refusal(Case.objects.select_for_update().get(pk=case.pk), name)
        if refusal:
            raise TransitionNotAllowed(refusal)
        if step.needs_reason:
            case = getattr(rules, step.transition)(case, reason, actor=actor)
        else:
            case = getattr(rules, step.transition)(case, actor=actor)
        notices.after_step(case, step.notice)
    logger.info("Case %s: %s by staff user %s", case.pk, name, getattr(actor, "pk", None))
    return case
