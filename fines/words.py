"""A case in plain words for the citizen: what its status means, what happens next, and each step of its history.

A retribution is a fee under civil law, a GAS fine an administrative sanction: where the procedures differ, so do
the words (NEXT_STEP by procedure). The status labels of models.py are for staff; these are for the citizen.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from eloket.city.models import TermCode
from eloket.city.reference import MissingReferenceData, term_days

from .models import Case, CaseEvent, CaseKind, CaseStatus

S = CaseStatus
RETRIBUTION, GAS = "retribution", "gas"

# What the case is, in one sentence per kind.
KIND_WORDS = {
    CaseKind.RETRIBUTION: _("A parking retribution is not a fine: it is a fee under civil law for using a parking "
                            "place without paying, set in the city's retribution regulation. The holder of the number "
                            "plate owes it."),
    CaseKind.GAS4: _("A GAS 4 fine is a municipal administrative fine for a stopping or parking offence, or for "
                     "ignoring a C3 or F103 sign recorded by a camera. The sanctioning official of the city handles "
                     "it; the amount is fixed by law."),
    CaseKind.GAS5: _("A GAS 5 fine is a municipal administrative fine for light speeding recorded by a camera of the "
                     "city. The sanctioning official of the city handles it; the amount follows from the speed."),
}

# The status in a few words, for the badge on the case page and in Mijn loket.
STATUS_WORDS = {
    S.RECEIVED: _("Report received"),
    S.ISSUED: _("To be paid"),
    S.PAID: _("Paid"),
    S.DISPUTED: _("Objection being handled"),
    S.HEARING: _("Oral hearing planned"),
    S.REJECTED: _("Objection rejected: to be paid"),
    S.REMINDED: _("Reminder sent: to be paid"),
    S.FORMAL_NOTICE: _("Registered reminder sent: to be paid"),
    S.COLLECTION: _("Handed over for collection"),
    S.COURT: _("Before the justice of the peace"),
    S.DRIVER_NAMED: _("Driver named: closed for you"),
    S.CANCELLED: _("Cancelled: nothing to pay"),
}

# What the status means and what happens next, per procedure; a status a procedure never takes has no entry there.
NEXT_STEP = {
    RETRIBUTION: {
        S.ISSUED: _("Pay before the date below. If you think the retribution is wrong, you can object. If you do not "
                    "pay in time, you receive a reminder."),
        S.PAID: _("You paid this retribution. Nothing else needs to be done."),
        S.DISPUTED: _("The city is handling your objection. While it does, the retribution is not collected. You get "
                      "the decision by email and on this page."),
        S.REJECTED: _("The city rejected your objection; the reasons are below. Pay before the date below. If you do "
                      "not pay, the city can take the case to the justice of the peace."),
        S.REMINDED: _("You did not pay in time, so you received a reminder. Pay before the date below to avoid a "
                      "registered reminder with extra costs."),
        S.FORMAL_NOTICE: _("You received a registered reminder with administrative costs. If you do not pay before the "
                           "date below, the retribution is collected by a bailiff."),
        S.COLLECTION: _("The retribution was handed over for collection by a bailiff. Pay now to avoid more costs, or "
                        "contact the city."),
        S.COURT: _("The city took the case to the justice of the peace. A bailiff brings you the summons. Contact the "
                   "city if you have questions."),
        S.CANCELLED: _("The retribution was cancelled: you pay nothing. If you already paid, the money is refunded."),
    },
    GAS: {
        S.RECEIVED: _("The sanctioning official received the report. You receive the notice by post."),
        S.ISSUED: _("Pay before the date below. If you do not agree, you can send a written defence. If you were not "
                    "driving, you can name the driver."),
        S.PAID: _("You paid this fine. The case is closed."),
        S.DISPUTED: _("The sanctioning official is handling your defence. You get the decision by email and on this "
                      "page."),
        S.HEARING: _("The sanctioning official invites you to explain your defence in person at the oral hearing "
                     "below."),
        S.REJECTED: _("The sanctioning official rejected your defence; the reasons are below. Pay before the date "
                      "below, or appeal to the police court."),
        S.REMINDED: _("You did not pay in time, so you received a reminder with a new term. If you do not pay before "
                      "the date below, the fine is collected by a bailiff."),
        S.COLLECTION: _("The fine was handed over for collection by a bailiff. Pay now to avoid more costs, or "
                        "contact the city."),
        S.DRIVER_NAMED: _("You named the driver. This case is closed for you; the driver receives a notice of their "
                          "own."),
        S.CANCELLED: _("The fine was cancelled: you pay nothing. If you already paid, the money is refunded."),
    },
}

# One line of the history for each status a case moved to.
EVENT_WORDS = {
    S.RECEIVED: _("Report received by the sanctioning official"),
    S.ISSUED: _("Notice sent"),
    S.PAID: _("Paid"),
    S.DISPUTED: _("Objection received"),
    S.HEARING: _("Oral hearing planned"),
    S.REJECTED: _("Objection rejected"),
    S.REMINDED: _("Reminder sent"),
    S.FORMAL_NOTICE: _("Registered reminder sent"),
    S.COLLECTION: _("Handed over for collection"),
    S.COURT: _("Taken to the justice of the peace"),
    S.DRIVER_NAMED: _("Driver named"),
    S.CANCELLED: _("Cancelled"),
}
OBJECTION_ACCEPTED = _("Objection accepted: cancelled")
NOTE_ADDED = _("Note")


def procedure(case: Case) -> str:
    return GAS if case.is_gas else RETRIBUTION


def next_step(case: Case) -> str:
    return NEXT_STEP[procedure(case)].get(case.status, "")


def event_words(event: CaseEvent) -> str:
    """One history line: the step the case took (an accepted objection says so), or "Note" when nothing moved."""
    if event.from_status == event.to_status:
        return NOTE_ADDED
    if event.to_status == S.CANCELLED and event.from_status in (S.DISPUTED, S.HEARING, S.PAID):
        return OBJECTION_ACCEPTED
    return EVENT_WORDS[event.to_status]


def appeal_days(decided_on: datetime.date) -> int | None:
    """GAS-wet: the appeal to the police court runs one month from the decision; the city's term in days, or None."""
    try:
        return term_days(TermCode.APPEAL, decided_on)
    except MissingReferenceData:
        return None
