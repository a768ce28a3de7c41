"""The case rules: every status change of a case (issuing is in issuing.py).

A retribution (a fee under civil law) and a GAS 4 / GAS 5 fine (an administrative sanction) share one Case
model; TRANSITIONS names the kinds that may take each step, so the procedures stay apart where the law does:
only a retribution gets a registered reminder with costs, a dwangbevel (never when disputed) or the justice of
the peace; only a GAS fine gets an oral hearing (above € 70) and a named driver.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.city.models import ChargeCode, TermCode
from eloket.city.reference import MissingReferenceData, charge

from . import dates, numbers
from .amounts import NotIssuable
from .issuing import GAS_KINDS, copy_evidence, issue_case
from .models import OPEN_STATUSES, Case, CaseEvent, CaseKind, CaseStatus

S = CaseStatus
ALL_KINDS = frozenset(CaseKind.values)
RETRIBUTION = frozenset({CaseKind.RETRIBUTION})
# GAS-wet: an oral hearing can be asked only when the fine is above € 70 (a legal threshold, not a city figure).
HEARING_ABOVE = Decimal("70.00")

# While the case can be paid; a payment during an objection closes the case as paid.
PAYABLE_STATUSES = frozenset({S.ISSUED, S.DISPUTED, S.HEARING, S.REJECTED, S.REMINDED, S.FORMAL_NOTICE, S.COLLECTION})


class TransitionNotAllowed(Exception):
    """The case's kind, status or dates do not allow this step; the message says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# name -> (statuses it may start from, status it leads to, kinds that take this step)
TRANSITIONS: dict[str, tuple[frozenset, str, frozenset]] = {
    "mark_paid": (PAYABLE_STATUSES, S.PAID, ALL_KINDS),
    "dispute": (frozenset({S.ISSUED, S.REMINDED, S.FORMAL_NOTICE}), S.DISPUTED, ALL_KINDS),
    "plan_hearing": (frozenset({S.DISPUTED}), S.HEARING, GAS_KINDS),
    # From PAID only while an objection is pending (paid during the objection): accepting it refunds the payment.
    "accept_objection": (frozenset({S.DISPUTED, S.HEARING, S.PAID}), S.CANCELLED, ALL_KINDS),
    "reject_objection": (frozenset({S.DISPUTED, S.HEARING}), S.REJECTED, ALL_KINDS),
    "remind": (frozenset({S.ISSUED, S.REJECTED}), S.REMINDED, ALL_KINDS),
    "formal_notice": (frozenset({S.REMINDED}), S.FORMAL_NOTICE, RETRIBUTION),
    "to_collection": (frozenset({S.FORMAL_NOTICE, S.REMINDED}), S.COLLECTION, ALL_KINDS),
    "to_court": (frozenset({S.FORMAL_NOTICE, S.REJECTED}), S.COURT, RETRIBUTION),
    "name_driver": (frozenset({S.ISSUED, S.DISPUTED}), S.DRIVER_NAMED, GAS_KINDS),
    "cancel": (frozenset(OPEN_STATUSES), S.CANCELLED, ALL_KINDS),
}
# A retribution is collected (dwangbevel) only after the registered reminder; a GAS fine after its reminder.
FROM_BY_KIND: dict[tuple[str, str], frozenset] = {
    ("to_collection", CaseKind.RETRIBUTION): frozenset({S.FORMAL_NOTICE}),
    ("to_collection", CaseKind.GAS4): frozenset({S.REMINDED}),
    ("to_collection", CaseKind.GAS5): frozenset({S.REMINDED}),
}

TRANSITION_LABELS = {
    "mark_paid": gettext_lazy("register the payment"),
    "dispute": gettext_lazy("register an objection"),
    "plan_hearing": gettext_lazy("plan an oral hearing"),
    "accept_objection": gettext_lazy("accept the objection"),
    "reject_objection": gettext_lazy("reject the objection"),
    "remind": gettext_lazy("send a reminder"),
    "formal_notice": gettext_lazy("send a registered reminder"),
    "to_collection": gettext_lazy("hand the case over for collection"),
    "to_court": gettext_lazy("take the case to court"),
    "name_driver": gettext_lazy("register the driver"),
    "cancel": gettext_lazy("cancel the case"),
}


def _charge(code: str, on: datetime.date) -> Decimal:
    try:
        return charge(code, on)
    except MissingReferenceData:
        raise TransitionNotAllowed(_("The charge “%(charge)s” is not set for %(date)s. Add it to the city's reference "
                                     "data first.") % {"charge": ChargeCode(code).label, "date": dates.in_words(on)}) from None




# --- Transitions ----------------------------------------------------------------------------------------------------

def allowed_from(name: str, kind: str) -> frozenset:
    """The statuses a case of this kind may take the step `name` from (empty when the kind never takes it)."""
    from_statuses, _to, kinds = TRANSITIONS[name]
    if kind not in kinds:
        return frozenset()
    return FROM_BY_KIND.get((name, kind), from_statuses)


def _condition(case: Case, name: str, today: datetime.date) -> str | None:
    """What the dates, the amount or the dispute forbid, once kind and status allow the step."""
    if name == "accept_objection" and case.status == S.PAID and not case.disputed:
        return _("This case has been paid and has no objection pending, so no objection can be accepted here. To give "
                 "the money back, refund the payment.")
    if name == "dispute" and case.is_gas and case.objection_until and today > case.objection_until:
        return _("The term to object ended on %(date)s.") % {"date": dates.in_words(case.objection_until)}
    if name == "plan_hearing" and case.amount <= HEARING_ABOVE:
        return _("An oral hearing is only possible for a fine above € %(limit)s; this one is € %(amount)s.") % {
            "limit": HEARING_ABOVE, "amount": case.amount}
    if name == "name_driver" and case.driver_until and today > case.driver_until:
        return _("The term to name the driver ended on %(date)s.") % {"date": dates.in_words(case.driver_until)}
    if name == "formal_notice":
        earliest = case.issued_on + datetime.timedelta(days=dates.term(
            TermCode.REGISTERED_NOTICE, case.issued_on, TransitionNotAllowed))
        if today < earliest:
            return _("A registered reminder can be sent from %(date)s on, not earlier.") % {"date": dates.in_words(earliest)}
    if name == "to_collection" and case.kind == CaseKind.RETRIBUTION and case.disputed:
        return _("This retribution is disputed, so it cannot be collected by a dwangbevel (Decreet Lokaal Bestuur art. "
                 "177, 2°: undisputed claims only). Take it to the justice of the peace instead.")
    if name == "to_court" and not case.disputed:
        return _("This retribution is not disputed: it is collected by a dwangbevel, not through the court.")
    if name in ("remind", "to_collection", "to_court") and case.due_date and today <= case.due_date:
        return _("The payment term runs until %(date)s; this step is only possible after it.") % {
            "date": dates.in_words(case.due_date)}
    return None


def refusal(case: Case, name: str, today: datetime.date | None = None) -> str | None:
    """Why the step `name` is not possible for the case now, or None when it is."""
    action = TRANSITION_LABELS[name]
    if case.kind not in TRANSITIONS[name][2]:
        return _("%(kind)s: you cannot %(action)s for this kind of case.") % {
            "kind": case.get_kind_display(), "action": action}
    if case.status not in allowed_from(name, case.kind):
        return _("You cannot %(action)s for a case whose status is “%(status)s”.") % {
            "action": action, "status": case.get_status_display()}
    return _condition(case, name, today or dates.today())


def may(case: Case, name: str) -> bool:
    """Whether the step `name` is possible for the case now (kind, status, dates and dispute)."""
    return name in TRANSITIONS and refusal(case, name) is None


def _move(case: Case, name: str, actor=None, note="", update=None) -> Case:
    """Check and take one step under a row lock and write its event.

    `note` is text or a function of the locked case; `update(locked, today)` returns the other fields to change.
    """
    today = dates.today()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        reason = refusal(locked, name, today)
        if reason:
            raise TransitionNotAllowed(reason)
        from_status = locked.status
        changes = update(locked, today) if update else {}
        event_note = note(locked) if callable(note) else note
        locked.status = TRANSITIONS[name][1]
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save(update_fields=["status", "updated", *changes])
        CaseEvent.objects.create(case=locked, actor=actor, from_status=from_status, to_status=locked.status,
                                 note=event_note)
    case.refresh_from_db()
    return case


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise TransitionNotAllowed(message)
    return text


def mark_paid(case: Case, actor=None, note: str = "") -> Case:
    def paid_note(locked):
        if locked.status in (S.DISPUTED, S.HEARING):
            return " ".join(filter(None, [note, _("Paid while the objection was being handled: the case is closed as "
                                                  "paid and stays paid.")]))
        return note or _("Paid.")

    return _move(case, "mark_paid", actor, paid_note)


def record_payment(case: Case, payment) -> Case:
    """A payment of the case was paid (Payable.on_payment_paid): the case becomes paid exactly once.

    Re-checked under the row lock, so a second call changes nothing. A payment that arrives when the case can no
    longer be paid, or that is short of what is due, is written in the history for staff instead of being lost.
    """
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status == S.PAID:
            return locked
        paid = getattr(payment, "amount", None)
        if not may(locked, "mark_paid"):
            return _history(locked, _("A payment of € %(paid)s was received while the case is “%(status)s”. Check "
                                      "whether it must be refunded.") % {
                "paid": paid, "status": locked.get_status_display()})
        if paid is not None and paid < locked.total:
            return _history(locked, _("A payment of € %(paid)s was received; € %(due)s is due, so the case stays "
                                      "open.") % {"paid": paid, "due": locked.total})
        note = _("Payment of € %(paid)s received.") % {"paid": paid} if paid is not None else ""
        return mark_paid(locked, note=note)


def _history(case: Case, note: str) -> Case:
    """An event that changes no status: something staff must see on the case."""
    CaseEvent.objects.create(case=case, from_status=case.status, to_status=case.status, note=note)
    return case


def dispute(case: Case, note: str, actor=None) -> Case:
    """The holder objects (bezwaar or verweer); a disputed retribution can never go to a dwangbevel."""
    note = _required(note, _("Write the objection or a summary of it."))
    return _move(case, "dispute", actor, note, lambda locked, today: {"disputed": True})


def plan_hearing(case: Case, note: str, actor=None) -> Case:
    note = _required(note, _("Write when and where the oral hearing takes place."))
    return _move(case, "plan_hearing", actor, note)


def accept_objection(case: Case, reason: str, actor=None) -> Case:
    reason = _required(reason, _("Give the reasons for accepting the objection."))
    return _move(case, "accept_objection", actor, reason)


def reject_objection(case: Case, reason: str, actor=None) -> Case:
    """A new payment term from today; a retribution stays disputed, so it still cannot go to a dwangbevel."""
    reason = _required(reason, _("Give the reasons for rejecting the objection."))

    def update(locked, today):
        changes = {"due_date": today + datetime.timedelta(days=dates.term(TermCode.PAYMENT, today, TransitionNotAllowed))}
        if locked.is_gas:
            changes["disputed"] = False  # the decision is taken; what remains is an appeal to the police court
        return changes

    return _move(case, "reject_objection", actor, reason, update)


def remind(case: Case, actor=None) -> Case:
    """After the payment term: a new term; a retribution also gets the city's reminder cost (GAS amounts are fixed)."""
    def update(locked, today):
        changes = {"due_date": today + datetime.timedelta(days=dates.term(TermCode.REMINDER, today, TransitionNotAllowed))}
        if locked.kind == CaseKind.RETRIBUTION:
            changes["costs"] = locked.costs + _charge(ChargeCode.REMINDER_COST, today)
        return changes

    return _move(case, "remind", actor, _("Reminder sent."), update)


def formal_notice(case: Case, actor=None) -> Case:
    """Retribution only: the registered reminder (aanmaning) with its administrative cost and a new term."""
    added = []

    def update(locked, today):
        added.append(_charge(ChargeCode.REGISTERED_NOTICE_COST, today))
        return {"costs": locked.costs + added[0],
                "due_date": today + datetime.timedelta(days=dates.term(TermCode.REMINDER, today, TransitionNotAllowed))}

    def note(locked):
        return _("Registered reminder sent; € %(cost)s administrative costs added.") % {"cost": added[0]}

    return _move(case, "formal_notice", actor, note, update)


def to_collection(case: Case, actor=None) -> Case:
    """A retribution by dwangbevel (only undisputed); a GAS fine by the bailiff after its reminder."""
    if case.kind == CaseKind.RETRIBUTION:
        note = _("Handed over for collection by dwangbevel (undisputed and due).")
    else:
        note = _("Handed over for collection after the reminder term.")
    return _move(case, "to_collection", actor, note)


def to_court(case: Case, actor=None) -> Case:
    """A disputed retribution that stays unpaid goes to the justice of the peace."""
    return _move(case, "to_court", actor, _("Disputed and unpaid: taken to the justice of the peace."))


def name_driver(case: Case, driver: dict, actor=None) -> Case:
    """The holder names the driver in time: this case closes and a case for the driver opens (returned)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("offence").get(pk=case.pk)
        reason = refusal(locked, "name_driver")
        if reason:
            raise TransitionNotAllowed(reason)
        try:
            driver_case = issue_case(
                offence=locked.offence, plate=locked.plate, country=locked.country, holder=driver, place=locked.place,
                observed_at=locked.observed_at, zone=locked.zone, source=locked.source, actor=actor,
                observed_by=locked.observed_by, report_reference=locked.report_reference,
                report_received_on=locked.report_received_on, speed_limit=locked.speed_limit,
                measured_speed=locked.measured_speed, inside_built_up_area=locked.inside_built_up_area,
                holder_email=driver.get("email", ""), driver_case_of=locked)
        except NotIssuable as error:
            raise TransitionNotAllowed(_("No case can be opened for this driver: %(reason)s") % {
                "reason": error.message}) from error
        copy_evidence(locked, driver_case)
        _move(case, "name_driver", actor, _("The holder named the driver; case %(number)s was opened for the driver.") % {
            "number": numbers.display(driver_case.notice_number)})
    return driver_case


def cancel(case: Case, reason: str, actor=None) -> Case:
    reason = _required(reason, _("Give the reason for cancelling the case."))
    return _move(case, "cancel", actor, reason)
