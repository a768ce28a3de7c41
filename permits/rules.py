"""The permit rules: eligibility, price and cap, and every status change (one function per transition)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.city.models import CapCode
from eloket.city.reference import cap, city_profile

from . import notices, pricing, uploads
from .models import (
    HOLDING_STATUSES,
    Channel,
    Permit,
    PermitDocument,
    PermitDocumentKind,
    PermitEvent,
    PermitKind,
    PermitPlate,
    PermitStatus,
    VehicleUse,
)

S = PermitStatus


class NotEligible(Exception):
    """The citizen cannot get this permit; the message says why and what to do instead."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(Exception):
    """The permit's status does not allow this step."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# name -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    "mark_paid": (frozenset({S.AWAITING_PAYMENT}), S.IN_REVIEW),
    "approve": (frozenset({S.APPLIED, S.IN_REVIEW}), S.ACTIVE),
    "reject": (frozenset({S.APPLIED, S.IN_REVIEW, S.MORE_INFO_REQUESTED}), S.REJECTED),
    "request_more_info": (frozenset({S.APPLIED, S.IN_REVIEW}), S.MORE_INFO_REQUESTED),
    "answer_more_info": (frozenset({S.MORE_INFO_REQUESTED}), S.IN_REVIEW),
    "cancel": (frozenset({S.APPLIED, S.AWAITING_PAYMENT, S.IN_REVIEW, S.MORE_INFO_REQUESTED, S.ACTIVE}), S.CANCELLED),
    "revoke": (frozenset({S.ACTIVE}), S.REVOKED),
    "expire": (frozenset({S.ACTIVE}), S.EXPIRED),
}

TRANSITION_LABELS = {
    "mark_paid": gettext_lazy("register the payment"),
    "approve": gettext_lazy("approve"),
    "reject": gettext_lazy("reject"),
    "request_more_info": gettext_lazy("ask for more information"),
    "answer_more_info": gettext_lazy("answer the question"),
    "cancel": gettext_lazy("cancel"),
    "revoke": gettext_lazy("revoke"),
    "expire": gettext_lazy("let expire"),
}


def lock_address(key: str) -> None:
    """Serialise applications for one address, also when it has no permit row yet (PostgreSQL advisory lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
    list(Permit.objects.select_for_update().filter(address_key=key).values_list("pk", flat=True))


def _document_label(kind: str) -> str:
    return str(PermitDocumentKind(kind).label)


def attach_documents(permit: Permit, files: list[tuple[str, object]], actor) -> None:
    """Store every given file with the permit; a refused file removes the ones already stored and says which it was."""
    stored = []
    try:
        for kind, upload in files:
            stored.append(uploads.attach(permit, kind, upload, actor=actor))
    except ValidationError as error:
        for document in stored:
            document.file.storage.delete(document.file.name)
        raise NotEligible(_("%(document)s: %(problem)s") % {
            "document": _document_label(kind), "problem": " ".join(error.messages)}) from error


def _carry_over(document: PermitDocument, permit: Permit) -> PermitDocument:
    """A new row for the new permit that points to the same stored file (nothing is copied on disk)."""
    return PermitDocument.objects.create(permit=permit, kind=document.kind, file=document.file.name,
                                         content_type=document.content_type, extension=document.extension,
                                         size=document.size, uploaded_by=document.uploaded_by)


def create_application(kind: str, holder, *, status: str, plates: list[tuple[str, str]], documents: dict | None = None,
                       actor=None, channel: str = Channel.PORTAL, note: str = "", carried_documents=(), **fields) -> Permit:
    """Write a new application with its plates, its documents and its first event, and tell the holder; all or nothing.

    `carried_documents` are PermitDocuments of an earlier permit (a renewal) whose stored files count again.
    """
    documents = {kind_: upload for kind_, upload in (documents or {}).items() if upload}
    present = set(documents) | {document.kind for document in carried_documents}
    missing = [_document_label(needed) for needed in uploads.required_documents(kind, fields.get("vehicle_use", ""))
               if needed not in present]
    if missing:
        raise NotEligible(_("Add these documents to your application: %(documents)s.") % {"documents": ", ".join(missing)})
    actor = actor or holder
    if actor.pk != holder.pk:
        fields.setdefault("registered_by", actor)
    with transaction.atomic():
        permit = Permit.objects.create(kind=kind, status=status, holder=holder, channel=channel, **fields)
        for plate, country in plates:
            PermitPlate.objects.create(permit=permit, plate=plate, country=country)
        PermitEvent.objects.create(permit=permit, actor=actor, from_status="", to_status=status, note=note)
        for document in carried_documents:
            _carry_over(document, permit)
        attach_documents(permit, list(documents.items()), actor)
        notices.application_received(permit)
    return permit


def apply_for_resident_card(user, vehicle, *, street: str, house_number: str, box: str = "", postal_code: str,
                            municipality: str, vehicle_use: str = VehicleUse.OWN, documents: dict | None = None, actor=None,
                            channel: str = Channel.PORTAL) -> Permit:
    """A resident card for one of the user's vehicles at their domicile address, within the cap and priced by rank."""
    if vehicle.owner_id != user.pk:
        raise NotEligible(_("You can only apply for a vehicle in your own account."))
    zone = pricing.resident_zone_for(street, house_number, postal_code)
    if zone is None:
        raise NotEligible(pricing._not_in_zone_message())
    key = pricing.address_key(street, house_number, postal_code, box)
    today = timezone.localdate()
    with transaction.atomic():
        lock_address(key)
        if Permit.objects.filter(kind=PermitKind.RESIDENT, status__in=HOLDING_STATUSES, holder=user,
                                 plates__plate=vehicle.plate, plates__country=vehicle.country).exists():
            raise NotEligible(_("This vehicle already has a resident card or an application in progress."))
        held = pricing.held_at(key)
        if held >= cap(CapCode.RESIDENT_CARDS_PER_ADDRESS, today):
            raise NotEligible(pricing.cap_message(held))
        rank, amount, explanation = pricing.resident_card_price(key, today)
        if amount is None:
            raise NotEligible(pricing.refused_message(rank))
        permit = create_application(
            PermitKind.RESIDENT, user, status=S.AWAITING_PAYMENT if amount > 0 else S.APPLIED,
            plates=[(vehicle.plate, vehicle.country)], documents=documents, actor=actor, channel=channel,
            note=_("Application for a resident card."), zone=zone, street=street.strip(),
            house_number=house_number.strip(), box=box.strip(), postal_code=postal_code.strip(),
            municipality=municipality.strip(), address_key=key, price=amount, price_explanation=explanation,
            vehicle_use=vehicle_use)
        approve_automatically(permit)
    return permit


AUTOMATIC_NOTE = gettext_lazy("Approved automatically under the city's rules.")


def approves_automatically(permit: Permit) -> bool:
    """A renewal always; a resident card for the applicant's own vehicle when the city chose so."""
    if permit.renewal_of_id:
        return True
    profile = city_profile()
    return (permit.kind == PermitKind.RESIDENT and permit.vehicle_use == VehicleUse.OWN
            and profile is not None and profile.auto_approve_resident_cards)


def approve_automatically(permit: Permit) -> Permit:
    """Approve a free or paid application right away when the city's rules allow it; otherwise leave it for staff."""
    if permit.status in (S.APPLIED, S.IN_REVIEW) and approves_automatically(permit):
        return approve(permit, None, str(AUTOMATIC_NOTE))
    return permit


def may(permit: Permit, name: str) -> bool:
    """Whether the transition `name` is allowed from the permit's current status."""
    return name in TRANSITIONS and permit.status in TRANSITIONS[name][0]


def _move(permit: Permit, name: str, actor=None, note: str = "", notice: dict | None = None, **changes) -> Permit:
    """Check and perform one transition under a row lock, write its event and tell the holder."""
    allowed_from, to_status = TRANSITIONS[name]
    with transaction.atomic():
        locked = Permit.objects.select_for_update().get(pk=permit.pk)
        if locked.status not in allowed_from:
            raise TransitionNotAllowed(_("You cannot %(action)s a permit whose status is “%(status)s”.") % {
                "action": TRANSITION_LABELS[name], "status": locked.get_status_display()})
        from_status = locked.status
        locked.status = to_status
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save(update_fields=["status", "updated", *changes])
        PermitEvent.objects.create(permit=locked, actor=actor, from_status=from_status, to_status=to_status, note=note)
        permit.refresh_from_db()
        notices.after_transition(permit, name, note, **(notice or {}))
    return permit


def validity_for(permit: Permit, start: datetime.date) -> tuple[datetime.date, datetime.date | None]:
    """(first, last valid day) of a permit approved to start on `start`; a disability registration ends with its card."""
    if permit.kind == PermitKind.RESIDENT:
        return start, pricing.period_end(start, cap(CapCode.RESIDENT_CARD_MONTHS, start))
    if permit.kind == PermitKind.CARE_PROVIDER:
        return start, pricing.period_end(start, cap(CapCode.CARE_PERMIT_MONTHS, start))
    end = pricing.period_end(start, 12 * cap(CapCode.DISABILITY_VALIDITY_YEARS, start))
    if permit.card_expiry is not None:
        end = min(end, permit.card_expiry)
    return start, end


def _start_day(permit: Permit, today: datetime.date) -> datetime.date:
    """Today, or for a renewal the day after the renewed permit ends when that is still to come."""
    renewed = permit.renewal_of
    if renewed is not None and renewed.valid_to is not None and renewed.valid_to >= today:
        return renewed.valid_to + datetime.timedelta(days=1)
    return today


def mark_paid(permit: Permit, actor=None) -> Permit:
    """The application is paid: on to review, or straight to approval when the city's rules allow it."""
    with transaction.atomic():
        permit = _move(permit, "mark_paid", actor, _("Paid."))
        return approve_automatically(permit)


def approve(permit: Permit, actor=None, note: str = "") -> Permit:
    if not may(permit, "approve"):
        return _move(permit, "approve", actor, note)  # refused there, with the message for the current status
    valid_from, valid_to = validity_for(permit, _start_day(permit, timezone.localdate()))
    if valid_to is not None and valid_to < valid_from:
        raise TransitionNotAllowed(_("The disability parking card has expired, so the registration cannot be approved. "
                                     "Ask the citizen for the new card."))
    return _move(permit, "approve", actor, note, valid_from=valid_from, valid_to=valid_to)


def reject(permit: Permit, reason: str, actor=None) -> Permit:
    if not (reason or "").strip():
        raise TransitionNotAllowed(_("Give the reason for the rejection."))
    return _close_with_refund(permit, "reject", actor, reason.strip())[0]


def request_more_info(permit: Permit, question: str, actor=None) -> Permit:
    if not (question or "").strip():
        raise TransitionNotAllowed(_("Write the question for the citizen."))
    return _move(permit, "request_more_info", actor, question.strip())


def answer_more_info(permit: Permit, answer: str = "", actor=None, documents=None) -> Permit:
    """The citizen's answer: text and/or files (a {document kind: file} dict, or a list of files kept as attachments)."""
    answer = (answer or "").strip()
    if isinstance(documents, dict):
        files = [(kind, upload) for kind, upload in documents.items() if upload]
    else:
        files = [(PermitDocumentKind.ANSWER, upload) for upload in documents or () if upload]
    if not answer and not files:
        raise TransitionNotAllowed(_("Write an answer or add a document."))
    with transaction.atomic():
        permit = _move(permit, "answer_more_info", actor, answer)
        attach_documents(permit, files, actor)
    return permit


def cancel(permit: Permit, actor=None, note: str = "") -> Permit:
    """Cancel an application or an active permit; what was paid and not used goes back (see changes.refund_plan)."""
    return cancel_returning_plan(permit, actor, note)[0]


def cancel_returning_plan(permit: Permit, actor=None, note: str = ""):
    """cancel, also returning the refund plan (or None) for the caller that shows the amount."""
    return _close_with_refund(permit, "cancel", actor, note)


def _close_with_refund(permit: Permit, name: str, actor, note: str):
    """Reject or cancel; the refund is decided under the row lock and started at Mollie after commit."""
    from . import changes

    with transaction.atomic():
        locked = Permit.objects.select_for_update().get(pk=permit.pk)
        plan = changes.refund_plan(locked) if may(locked, name) else None
        event_note = " ".join(part for part in (note, changes.refund_note(plan)) if part)
        permit = _move(permit, name, actor, event_note, notice={"refund": plan, "reason": note})
        changes.pay_back(permit, plan, actor)
    return permit, plan


def revoke(permit: Permit, reason: str, actor=None) -> Permit:
    if not (reason or "").strip():
        raise TransitionNotAllowed(_("Give the reason for revoking the permit."))
    return _move(permit, "revoke", actor, reason.strip())


def expire(permit: Permit, actor=None) -> Permit:
    return _move(permit, "expire", actor, _("The validity period has ended."))
