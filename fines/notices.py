"""What the holder is told at each step of a case: the letter (a PDF made after commit) and an email.

`after_step` is called inside the transaction of the step itself (issuing, a reminder, a decision ...), so the letter
and the message exist exactly when the step does; both go out after commit. The email goes to the account that keeps
the case, else to the holder's email address when one is known; a decision also goes to the objection's contact.
"""

from django.utils import translation

from eloket.documents.models import Document
from eloket.documents.render import request_document
from eloket.notifications import notify

from . import letters, numbers
from .models import Case, Hearing, Objection

STEPS = letters.STEPS


def after_step(case: Case, step: str, *, objection: Objection | None = None, hearing: Hearing | None = None
               ) -> Document | None:
    """Make the letter of `step` and email the holder; returns the letter's Document.

    Steps: notice, reminder, formal_notice, collection, court, decision (with the decided `objection`), hearing (with
    the planned `hearing`), cancelled.
    """
    if step not in STEPS:
        raise ValueError(f"Unknown step: {step}")
    if step == "decision" and objection is None:
        raise ValueError("A decision letter needs the objection")
    if step == "hearing" and hearing is None:
        raise ValueError("A hearing letter needs the hearing")
    language = letters.language_of(case, objection if step == "decision" else None)
    document = request_document(
        owner=case.citizen, case=case, kind=letters.kind_of(step), template=letters.template_of(step),
        context_builder=letters.BUILDERS[step], title=letters.title_of(case, step, objection), language=language)
    _email(case, step, objection=objection, hearing=hearing, language=language)
    return document


def _email(case: Case, step: str, *, objection, hearing, language: str) -> None:
    context = {"case": case, "notice_number": numbers.display(case.notice_number), "step": step,
               "objection": objection, "hearing": hearing, "name": case.holder_name}
    sent_to = set()
    if case.citizen is not None and case.citizen.email:
        notify(case.citizen, template=f"fines/{step}", related=case,
               context={**context, "case_url": _url(case, case.citizen, case.citizen.preferred_language)})
        sent_to.add(case.citizen.email.lower())
    elif case.holder_email:
        notify(email=case.holder_email, language=language, template=f"fines/{step}", related=case,
               context={**context, "case_url": _url(case, None, language)})
        sent_to.add(case.holder_email.lower())
    if step == "decision" and objection.contact_email and objection.contact_email.lower() not in sent_to:
        notify(email=objection.contact_email, language=objection.language, template=f"fines/{step}", related=case,
               context={**context, "name": objection.contact_name, "case_url": _url(case, None, objection.language)})


def _url(case: Case, user, language: str) -> str:
    with translation.override(language or "nl"):
        return letters.case_url(case, user)


def letters_of(case: Case):
    """The case's letters that can be downloaded, newest first (for the case page)."""
    return Document.objects.for_case(case).available().order_by("-created", "-pk")
