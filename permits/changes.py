"""Changes to a permit during its life: another number plate, and cancellation with a refund of what is unused."""

import logging
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.city.reference import city_profile
from eloket.payments.gateway import GatewayError
from eloket.payments.models import CENT, Payment, PaymentMethod, PaymentStatus
from eloket.payments.start import RefundNotPossible, start_refund

from . import notices, pricing, rules, uploads
from .models import HOLDING_STATUSES, PENDING_STATUSES, Permit, PermitDocumentKind, PermitEvent, PermitKind, PermitPlate

logger = logging.getLogger(__name__)

# The documents about the vehicle itself; a plate change asks for these again, not for the holder's recognition.
VEHICLE_DOCUMENTS = {PermitDocumentKind.REGISTRATION_CERTIFICATE, PermitDocumentKind.PERMANENT_USE,
                     PermitDocumentKind.AUTHORISATION}


@dataclass(frozen=True)
class RefundPlan:
    """What goes back to the holder when a paid permit ends early; `by_transfer`: staff pay it back by bank transfer."""

    amount: Decimal
    payment: Payment
    by_transfer: bool
    pro_rata: bool


def change_plate(permit: Permit, vehicle, actor, documents: dict | None = None) -> Permit:
    """Put the permit on another of the holder's vehicles; the validity and the price stay as they are."""
    if permit.kind not in (PermitKind.RESIDENT, PermitKind.CARE_PROVIDER):
        raise rules.NotEligible(_("The plates of this permit are changed on the permit itself, not here."))
    if vehicle.owner_id != permit.holder_id:
        raise rules.NotEligible(_("You can only choose a vehicle in your own account."))
    documents = {kind: upload for kind, upload in (documents or {}).items() if upload}
    needed = [kind for kind in uploads.required_documents(permit.kind, permit.vehicle_use) if kind in VEHICLE_DOCUMENTS]
    missing = [str(PermitDocumentKind(kind).label) for kind in needed if kind not in documents]
    if missing:
        raise rules.NotEligible(_("Add these documents for the new vehicle: %(documents)s.") % {
            "documents": ", ".join(missing)})
    with transaction.atomic():
        locked = Permit.objects.select_for_update().get(pk=permit.pk)
        if locked.status not in HOLDING_STATUSES:
            raise rules.NotEligible(_("Only an active permit or an application in progress can move to another vehicle."))
        current = list(locked.plates.all())
        if any((plate.plate, plate.country) == (vehicle.plate, vehicle.country) for plate in current):
            raise rules.NotEligible(_("This permit is already on that vehicle."))
        if Permit.objects.filter(kind=locked.kind, status__in=HOLDING_STATUSES, plates__plate=vehicle.plate,
                                 plates__country=vehicle.country).exclude(pk=locked.pk).exists():
            raise rules.NotEligible(_("That vehicle already has a permit of this kind or an application in progress."))
        old_plates = [plate.plate_display for plate in current]
        locked.plates.all().delete()
        new = PermitPlate.objects.create(permit=locked, plate=vehicle.plate, country=vehicle.country)
        PermitEvent.objects.create(permit=locked, actor=actor, from_status=locked.status, to_status=locked.status,
                                   note=_("Number plate changed from %(old)s to %(new)s.") % {
                                       "old": ", ".join(old_plates), "new": new.plate_display})
        rules.attach_documents(locked, list(documents.items()), actor)
        locked.save(update_fields=["updated"])
        notices.plate_changed(locked, old_plates)
    permit.refresh_from_db()
    return permit


def paid_payment(permit: Permit) -> Payment | None:
    """The payment that paid for the permit (online or by transfer), through the payment's generic link."""
    return (Payment.objects.filter(content_type=ContentType.objects.get_for_model(Permit), object_id=permit.pk,
                                   status=PaymentStatus.PAID).order_by("-paid_at", "-pk").first())


def unused_share(permit: Permit, today) -> tuple[int, int]:
    """(unused whole months from today, whole months of the validity) of an active permit."""
    if permit.valid_from is None or permit.valid_to is None:
        return 0, 0
    start = max(today, permit.valid_from)
    return pricing.whole_months(start, permit.valid_to), pricing.whole_months(permit.valid_from, permit.valid_to)


def _refundable(payment: Payment) -> Decimal:
    from eloket.payments.sync import refundable

    return refundable(payment)


def refund_plan(permit: Permit, today=None) -> RefundPlan | None:
    """What ending the permit now gives back: all of a paid application that never became active; of an active paid
    resident card the unused whole months when the city refunds pro rata. None when nothing goes back."""
    payment = paid_payment(permit)
    if payment is None:
        return None
    today = today or timezone.localdate()
    available = _refundable(payment)
    pro_rata = False
    if permit.status in PENDING_STATUSES:
        amount = available
    elif permit.status == rules.S.ACTIVE and permit.kind == PermitKind.RESIDENT and _refunds_pro_rata():
        unused, months = unused_share(permit, today)
        amount = (permit.price * unused / months).quantize(CENT, rounding=ROUND_DOWN) if months else Decimal("0.00")
        amount, pro_rata = min(amount, available), True
    else:
        return None
    if amount <= 0:
        return None
    by_transfer = payment.method != PaymentMethod.ONLINE or not payment.mollie_id
    return RefundPlan(amount=amount, payment=payment, by_transfer=by_transfer, pro_rata=pro_rata)


def _refunds_pro_rata() -> bool:
    profile = city_profile()
    return profile is not None and profile.resident_card_refund_pro_rata


def refund_note(plan: RefundPlan | None) -> str:
    """A line for the event history, so staff see what goes back and how."""
    if plan is None:
        return ""
    if plan.by_transfer:
        return _("€ %(amount)s to be transferred back by staff (paid by bank transfer).") % {"amount": f"{plan.amount:.2f}"}
    return _("€ %(amount)s refunded online.") % {"amount": f"{plan.amount:.2f}"}


def refund_preview(permit: Permit, today=None) -> Decimal:
    """What cancelling the permit today would give back (0.00 when nothing)."""
    plan = refund_plan(permit, today)
    return plan.amount if plan is not None else Decimal("0.00")


def pay_back(permit: Permit, plan: RefundPlan | None, actor) -> None:
    """After the ending commits, start the online refund at Mollie; a transfer payment is paid back by staff."""
    if plan is None or plan.by_transfer:
        return
    reason = _("%(kind)s #%(pk)d ended: refund of the unused part.") % {"kind": permit.get_kind_display(), "pk": permit.pk}

    def refund():
        try:
            start_refund(plan.payment, amount=plan.amount, reason=reason, actor=actor)
        except (RefundNotPossible, GatewayError) as error:
            # The payment's history holds the failed attempt; staff refund it from the payment admin.
            logger.warning("Refund for permit %s could not be started: %s", permit.pk, type(error).__name__)

    transaction.on_commit(refund)


def cancel_with_refund(permit: Permit, actor, note: str = "") -> tuple[Permit, Decimal]:
    """Cancel the permit or application; returns it with the amount that goes back to the holder."""
    permit, plan = rules.cancel_returning_plan(permit, actor, note)
    return permit, plan.amount if plan is not None else Decimal("0.00")
