"""A citizen's permits for the data export, and what deleting the account does with them.

Deleting the account ends every running permit or application the way the citizen would cancel it (with the refund of
unused months where the city gives one), then anonymises all their permits at once (retention.anonymise): the city
keeps only the anonymous record for its statistics and accounts.
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.privacy.registry import Plan, Provider, Section, register

from . import changes, retention
from .models import HOLDING_STATUSES, Permit, VisitorPeriod


def _permit(permit: Permit) -> dict:
    return {
        "id": permit.pk,
        "kind": permit.get_kind_display(),
        "status": permit.get_status_display(),
        "number_plates": [{"plate": plate.plate_display, "country": plate.country} for plate in permit.plates.all()],
        "zone": permit.zone.code if permit.zone else None,
        "address": permit.address_lines,
        "valid_from": permit.valid_from,
        "valid_until": permit.valid_to,
        "price_eur": permit.price,
        "how_the_price_was_computed": permit.price_explanation,
        "use_of_the_vehicle": permit.get_vehicle_use_display(),
        "disability_card_number": permit.card_number,
        "disability_card_valid_until": permit.card_expiry,
        "recognition_number": permit.recognition_number,
        "applied": permit.get_channel_display(),
        "created": permit.created,
        "history": [{"at": event.at, "from": event.get_from_status_display(), "to": event.get_to_status_display(),
                     "note": event.note} for event in permit.events.all()],
        "documents": [{"kind": document.get_kind_display(), "uploaded": document.uploaded_at,
                       "file": _document_path(document)} for document in permit.documents.all()],
    }


def _document_path(document) -> str:
    return f"permits/{document.permit_id}/{document.download_name}"


def export_permits(user) -> Section:
    """Five queries: permits with zones, plates, events, documents, and the visitor periods."""
    permits = list(Permit.objects.filter(holder=user).select_related("zone")
                   .prefetch_related("plates", "events", "documents").order_by("created", "pk"))
    periods = (VisitorPeriod.objects.filter(Q(started_by=user) | Q(permit__holder=user)).select_related("zone")
               .order_by("starts_at", "pk"))
    return Section(
        {"permits": [_permit(permit) for permit in permits],
         "visitor_parking": [{"number_plate": period.plate_display, "country": period.country, "zone": period.zone.code,
                              "starts": period.starts_at, "ends": period.ends_at, "minutes": period.minutes,
                              "permit": period.permit_id} for period in periods]},
        files=[(_document_path(document), document.file) for permit in permits for document in permit.documents.all()])


def plan_permits(user) -> Plan:
    permits = Permit.objects.filter(holder=user)
    running = permits.filter(status__in=HOLDING_STATUSES).count()
    total = permits.count()
    plan = Plan()
    if running:
        plan.deleted.append(_("Your permits and applications that still run (%(count)d) end now. Where you paid for "
                              "months you no longer use, you get that part back, as when you cancel a permit "
                              "yourself.") % {"count": running})
    if total:
        plan.kept.append(_("Your permits (%(count)d) are kept without your name, address, number plates or documents: "
                           "only the kind, zone, dates and price remain, for the city's statistics and accounts.") % {
            "count": total})
    return plan


def erase_permits(user) -> dict:
    """End what still runs (through the rules, with refunds), then anonymise every permit of the user."""
    ended = 0
    for permit in Permit.objects.filter(holder=user, status__in=HOLDING_STATUSES).order_by("pk"):
        changes.cancel_with_refund(permit, actor=user, note=_("The holder deleted their account."))
        ended += 1
    ids = list(Permit.objects.filter(holder=user).values_list("pk", flat=True))
    VisitorPeriod.objects.filter(started_by=user).update(started_by=None)
    counts = retention.anonymise(ids, files_after_commit=True) if ids else {}
    return {"ended": ended, **counts}


register(Provider("permits", gettext_lazy("Permits"), export=export_permits, erase=erase_permits, plan=plan_permits,
                  order=30))
