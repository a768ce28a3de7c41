"""Objections from the citizen side: a retribution's bezwaar, a GAS fine's written defence, the oral hearing request
and the named driver; each within its term, after which the form offers the contact options instead.

`submit_objection` is the one way in: it re-checks the term under the case's row lock, keeps the attachments (checked
by their content, under random names), notes what eloket's own data knew about the plate at the time of the
observation, disputes the case and sends the receipt, all in one transaction.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from eloket.notifications import notify
from eloket.uploads import MAX_BYTES, CheckedUpload, check_upload
from permits.rights import parking_rights

from . import dates, numbers, rules
from .models import Case, CaseStatus, Objection, ObjectionAttachment, ObjectionGround, ObjectionStatus
from .rules import HEARING_ABOVE, refusal

S = CaseStatus
MAX_FILES = 5
MAX_FILE_BYTES = MAX_BYTES
RECEIPT_TEMPLATE = "fines/objection_received"

# The citizen's words for statuses where the online form is over (the rules' refusals are written for staff).
CLOSED_WORDS = {
    S.RECEIVED: gettext_lazy("The notice for this case has not been sent yet. You can react once you have received it."),
    S.PAID: gettext_lazy("This case has been paid, so it is closed."),
    S.HEARING: gettext_lazy("Your objection is being handled. You get the decision by email and on this page."),
    S.REJECTED: gettext_lazy("Your objection was decided on. The decision letter says how you can appeal."),
    S.DRIVER_NAMED: gettext_lazy("You named the driver, so this case is closed for you."),
    S.CANCELLED: gettext_lazy("This case was cancelled: you owe nothing."),
    S.COLLECTION: gettext_lazy("This case was handed over for collection, so it can no longer be changed online."),
    S.COURT: gettext_lazy("This case is before the court, so it can no longer be changed online."),
}


class ObjectionRefused(Exception):
    """The objection cannot be accepted (term over, one pending, a file refused); the message says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _plain(case: Case, reason: str | None) -> str | None:
    """The rules' reason, in the citizen's words where the status explains it."""
    if reason is None:
        return None
    return str(CLOSED_WORDS.get(case.status, reason))


def object_refusal(case: Case, today: datetime.date | None = None) -> str | None:
    """Why the citizen cannot object to this case online now, or None when the form is open."""
    today = today or dates.today()
    if case.objections.filter(status=ObjectionStatus.PENDING).exists():
        return _("Your objection is being handled. You get the decision by email and on this page.")
    if case.status == S.PAID:
        return _("This case has been paid, so it is closed.")
    if case.objection_until and today > case.objection_until:
        return _("The term to object ended on %(date)s.") % {"date": dates.in_words(case.objection_until)}
    return _plain(case, refusal(case, "dispute", today))


def driver_refusal(case: Case, today: datetime.date | None = None) -> str | None:
    """Why the holder cannot name the driver online now, or None when the form is open (GAS fines only)."""
    if not case.is_gas:
        return _("Naming the driver is only possible for a GAS fine.")
    return _plain(case, refusal(case, "name_driver", today or dates.today()))


def may_ask_hearing(case: Case) -> bool:
    """GAS-wet: an oral hearing can be asked only for a GAS fine above € 70."""
    return case.is_gas and case.amount > HEARING_ABOVE


# --- Attachments ---------------------------------------------------------------------------------------------------

def check_attachments(files) -> list[CheckedUpload]:
    """Each file's real type and size (eloket.uploads), at most MAX_FILES; ValidationError with one message per file."""
    files = list(files)
    if len(files) > MAX_FILES:
        raise ValidationError(ngettext("You can add at most %(max)d file; you chose %(count)d.",
                                       "You can add at most %(max)d files; you chose %(count)d.", MAX_FILES) % {
            "max": MAX_FILES, "count": len(files)}, code="too_many")
    checked, problems = [], []
    for upload in files:
        try:
            checked.append(check_upload(upload, max_bytes=MAX_FILE_BYTES))
        except ValidationError as error:
            problems.append(ValidationError(_("%(name)s: %(problem)s") % {
                "name": display_name(upload), "problem": " ".join(error.messages)}, code=error.code))
    if problems:
        raise ValidationError(problems)
    return checked


def display_name(upload) -> str:
    """The citizen's own file name, shortened; shown back to them, never used on disk or in a URL."""
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:100] or _("file")


def _store_attachments(objection: Objection, files, checked, stored: list[str]) -> None:
    """Keep each checked file under a random name; `stored` collects the names written to disk."""
    for upload, check in zip(files, checked, strict=True):
        item = ObjectionAttachment(objection=objection, content_type=check.content_type, extension=check.extension,
                                   size=check.size, name=display_name(upload))
        item.file.save("attachment", upload, save=False)
        stored.append(item.file.name)
        item.save()


# --- What eloket knew -----------------------------------------------------------------------------------------------

def _permit_rights(case: Case) -> list[dict]:
    """Resident cards, disability registrations, care-provider permits and visitor periods in the case's zone."""
    if case.zone is None:
        return []
    return [{"kind": right.kind, "label": str(right.label),
             "until": right.valid_until.isoformat() if right.valid_until else None}
            for right in parking_rights(case.plate, case.zone, case.observed_at)]


# Each source answers for the case's plate, zone and time of observation; another source (parking sessions) is
# one more function in this tuple.
RIGHT_SOURCES = (_permit_rights,)


def rights_at_observation(case: Case) -> list[dict]:
    """The parking rights eloket's own data held for the plate when the offence was observed, as plain JSON.

    The labels are in the city's language, for the official who reads them.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return [right for source in RIGHT_SOURCES for right in source(case)]


# --- Submitting -----------------------------------------------------------------------------------------------------

def _note(case: Case, ground: str, hearing: bool) -> str:
    """The event line: the ground and the hearing request; the text itself stays with the objection."""
    if case.is_gas:
        note = _("Written defence received.")
    else:
        note = _("Objection received: %(ground)s.") % {"ground": ObjectionGround(ground).label}
    if hearing:
        note += " " + _("An oral hearing was requested.")
    return note


def submit_objection(case: Case, *, ground: str = ObjectionGround.OTHER, explanation: str, hearing_requested=False,
                     contact_name: str, contact_email: str, contact_phone: str = "", files=(), user=None,
                     language: str | None = None) -> Objection:
    """Record the citizen's objection and dispute the case; all or nothing. Raises ObjectionRefused with the reason.

    A GAS defence has no retribution ground; a hearing request counts only when the fine allows one.
    """
    files = list(files)
    explanation = (explanation or "").strip()
    contact_name, contact_email = (contact_name or "").strip(), (contact_email or "").strip()
    if ground not in ObjectionGround.values:
        raise ObjectionRefused(_("Choose the reason of your objection."))
    if case.is_gas and ground != ObjectionGround.OTHER:
        raise ObjectionRefused(_("A written defence against a GAS fine has no ground to choose: explain it in your "
                                 "own words."))
    if not explanation:
        raise ObjectionRefused(_("Explain your objection."))
    if not (contact_name and contact_email):
        raise ObjectionRefused(_("Give your name and email address, so we can send you the decision."))
    try:
        checked = check_attachments(files)
    except ValidationError as error:
        raise ObjectionRefused(" ".join(error.messages)) from error
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    actor = user if user is not None and user.is_authenticated else None
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update(of=("self",)).select_related("zone").get(pk=case.pk)
            reason = object_refusal(locked)
            if reason:
                raise ObjectionRefused(reason)
            hearing = bool(hearing_requested) and may_ask_hearing(locked)
            objection = Objection.objects.create(
                case=locked, ground=ground, explanation=explanation, hearing_requested=hearing,
                contact_name=contact_name, contact_email=contact_email, contact_phone=(contact_phone or "").strip(),
                language=language, submitted_by=actor, rights_found=rights_at_observation(locked))
            _store_attachments(objection, files, checked, stored)
            try:
                rules.dispute(locked, _note(locked, ground, hearing), actor=actor)
            except rules.TransitionNotAllowed as error:
                raise ObjectionRefused(_plain(locked, error.message)) from error
            _send_receipt(locked, objection, actor)
    except BaseException:
        for name in stored:
            ObjectionAttachment.file.field.storage.delete(name)  # no file without its row
        raise
    case.refresh_from_db()
    return objection


def detail_url(case: Case, language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse("fines:detail", args=[case.pk])


def _send_receipt(case: Case, objection: Objection, actor) -> None:
    """The receipt, in the language the citizen wrote in, to the address they gave (sent after commit)."""
    notify(actor, template=RECEIPT_TEMPLATE, email=objection.contact_email, language=objection.language, related=case,
           context={"case": case, "objection": objection, "notice_number": numbers.display(case.notice_number),
                    "detail_url": detail_url(case, objection.language),
                    "attachments": len(objection.attachments.all()), "received_on": dates.today()})
