"""What the holder is told at each step of a permit, and the PDF confirmation of an active permit.

Every message is queued in the caller's transaction through `eloket.notifications.notify` (sent after
commit) with the permit as its related object; templates are in notifications/permits/<name>/.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eloket.city.reference import city_profile
from eloket.documents.models import Document, DocumentKind
from eloket.documents.render import regenerate_for, request_document
from eloket.notifications import notify

from .models import Permit, PermitKind, PermitStatus

CONFIRMATION_TEMPLATE = "permits/letters/confirmation.html"

CONFIRMATION_TITLES = {
    PermitKind.RESIDENT: _("Confirmation of your resident card"),
    PermitKind.DISABILITY: _("Confirmation of your disability parking registration"),
    PermitKind.CARE_PROVIDER: _("Confirmation of your care-provider permit"),
}

# transition name -> message template (a transition the holder did themselves is not announced)
TRANSITION_NOTICES = {
    "mark_paid": "paid",
    "approve": "approved",
    "reject": "rejected",
    "request_more_info": "more_info",
    "cancel": "cancelled",
    "revoke": "revoked",
    "expire": "expired",
}

ENDINGS = {"cancel", "revoke", "expire"}

# Messages that ask the holder to act also go by SMS when the holder gave a phone number.
SMS_NOTICES = {"more_info", "renewal_reminder"}


def detail_url(permit: Permit) -> str:
    return settings.SITE_URL + reverse("permits:detail", args=[permit.pk])


def _send(permit: Permit, name: str, **context) -> None:
    holder = permit.holder
    channels = ("email", "sms") if name in SMS_NOTICES and holder.phone else ("email",)
    notify(holder, template=f"permits/{name}", related=permit, channels=channels,
           context={"permit": permit, "plates": _plates(permit), "detail_url": detail_url(permit), **context})


def _plates(permit: Permit) -> list[str]:
    return [plate.plate_display for plate in permit.plates.all()]


def application_received(permit: Permit) -> None:
    """The application is in: what it costs and whether it must be paid first."""
    _send(permit, "received", must_pay=permit.status == PermitStatus.AWAITING_PAYMENT)


def after_transition(permit: Permit, name: str, note: str = "", refund=None, reason: str | None = None) -> None:
    """Tell the holder about a status change; an approval also makes the PDF confirmation.

    `reason` is the holder-facing part of the note when the event note also carries staff details.
    """
    template = TRANSITION_NOTICES.get(name)
    if template is None:
        return
    context = {"note": note if reason is None else reason, "refund": refund}
    if name == "mark_paid":
        from .rules import approves_automatically

        context["reviewed"] = not approves_automatically(permit)
    if name == "approve":
        context["document_url"] = _download_url(confirmation_document(permit))
    elif name in ENDINGS:
        regenerate_for(permit)  # the confirmation letter then says the permit is no longer valid
    _send(permit, template, **context)


def renewal_reminder(permit: Permit) -> None:
    _send(permit, "renewal_reminder")


def plate_changed(permit: Permit, old_plates: list[str]) -> None:
    """The permit now covers another plate: a new confirmation, and a message with the link to it."""
    regenerate_for(permit)
    document = permit_confirmation(permit)
    _send(permit, "plate_changed", old_plates=old_plates,
          document_url=_download_url(document) if document is not None else "")


def permit_confirmation(permit: Permit):
    """The permit's latest confirmation letter, or None."""
    return Document.objects.for_case(permit).filter(kind=DocumentKind.CONFIRMATION).order_by("-pk").first()


def _download_url(document) -> str:
    return settings.SITE_URL + reverse("documents:download", args=[document.token])


def confirmation_document(permit: Permit):
    """Ask for the PDF confirmation of an active permit; it is rendered after the transaction commits."""
    return request_document(owner=permit.holder, case=permit, kind=DocumentKind.CONFIRMATION,
                            template=CONFIRMATION_TEMPLATE, context_builder=confirmation_context,
                            title=CONFIRMATION_TITLES[permit.kind])


def covers(permit: Permit) -> list[str]:
    """Where and how the permit lets the plate park, in the holder's words (domain.md 3 and 4)."""
    if permit.kind == PermitKind.RESIDENT:
        return [str(_("Parking in your resident zone without a time limit and without paying."))]
    if permit.kind == PermitKind.CARE_PROVIDER:
        return [str(_("Parking in paid zones and blue zones anywhere in the city during your home visits.")),
                str(_("It does not allow parking on places reserved for people with a disability."))]
    profile = city_profile()
    lines = [str(_("Parking in blue zones anywhere in the city without a time limit."))]
    if profile is None or profile.disability_free_in_paid_zones:
        lines.append(str(_("Parking in paid zones anywhere in the city without paying.")))
    else:
        lines.append(str(_("In paid zones you pay the normal rate.")))
    lines.append(str(_("Parking on places reserved for people with a disability.")))
    return lines


def confirmation_context(document) -> dict:
    """The data of the confirmation letter (permits/letters/confirmation.html)."""
    permit = Permit.objects.select_related("zone", "holder").get(pk=document.object_id)
    return {
        "permit": permit,
        "holder_name": permit.holder.get_full_name() or permit.holder.email,
        "plates": _plates(permit),
        "covers": covers(permit),
        "is_disability": permit.kind == PermitKind.DISABILITY,
        "detail_url": detail_url(permit),
    }
