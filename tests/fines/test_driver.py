"""The holder of a GAS case names the driver: the holder's case closes, the driver's opens; refused when it may not."""

import datetime

import pytest

from eloket.notifications.models import OutboundMessage
from fines import objections
from fines.driver import designate_driver
from fines.models import Case, CaseEvent, CaseKind, CaseStatus, DriverDesignation, Evidence, EvidenceKind
from fines.rules import TransitionNotAllowed
from tests.files import jpeg_upload

from .conftest import days_ago

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DRIVER = {"name": "Els Claes", "birth_date": datetime.date(1990, 3, 4), "street": "Dorpsstraat 3",
          "postal_code": "3500", "municipality": "Hasselt", "country": "BE", "email": "els@example.org"}


def name(case, **fields):
    return designate_driver(case, **{**DRIVER, **fields})


def test_naming_the_driver_closes_the_holders_case_and_opens_the_drivers(issue, alice):
    case = issue("PAVEMENT", evidence=[(EvidenceKind.PHOTO, jpeg_upload(), None)])
    driver_case = name(case, user=alice)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRIVER_NAMED
    assert (driver_case.status, driver_case.kind, driver_case.driver_case_of) == (CaseStatus.ISSUED, CaseKind.GAS4, case)
    assert (driver_case.holder_name, driver_case.holder_birth_date, driver_case.holder_street) == (
        "Els Claes", datetime.date(1990, 3, 4), "Dorpsstraat 3")
    assert (driver_case.holder_email, driver_case.plate, driver_case.amount) == ("els@example.org", case.plate, case.amount)
    assert driver_case.notice_number != case.notice_number
    # The same photos: new rows pointing to the same stored files.
    assert list(driver_case.evidence.values_list("file", flat=True)) == list(case.evidence.values_list("file", flat=True))
    assert Evidence.objects.count() == 2
    designation = DriverDesignation.objects.get()
    assert (designation.case, designation.driver_case, designation.submitted_by) == (case, driver_case, alice)
    assert (designation.name, designation.postal_code, designation.email) == ("Els Claes", "3500", "els@example.org")
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert (event.to_status, event.actor) == (CaseStatus.DRIVER_NAMED, alice)


def test_a_gas5_case_keeps_its_speeds_for_the_driver(issue):
    case = issue("GAS5")
    driver_case = name(case)
    assert (driver_case.speed_limit, driver_case.measured_speed, driver_case.corrected_speed) == (
        case.speed_limit, case.measured_speed, case.corrected_speed)
    assert driver_case.amount == case.amount


def test_the_driver_may_be_named_while_a_defence_is_pending(issue):
    case = issue("PAVEMENT")
    objections.submit_objection(case, explanation="Not me.", contact_name="Jan", contact_email="jan@example.org")
    name(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRIVER_NAMED


def test_a_minor_driver_is_refused_with_the_reason(issue):
    case = issue("PAVEMENT")
    sixteen = datetime.date.today().replace(year=datetime.date.today().year - 16)
    with pytest.raises(TransitionNotAllowed, match="A minor cannot receive a GAS fine"):
        name(case, birth_date=sixteen)
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED
    assert Case.objects.count() == 1 and not DriverDesignation.objects.exists()
    assert not OutboundMessage.objects.filter(template="fines/driver_named").exists()


def test_after_the_term_the_driver_cannot_be_named(case_in):
    case = case_in(CaseKind.GAS4, driver_until=days_ago(1))
    assert "The term to name the driver ended on" in objections.driver_refusal(case)
    with pytest.raises(TransitionNotAllowed, match="The term to name the driver ended on"):
        name(case)
    assert Case.objects.count() == 1 and not DriverDesignation.objects.exists()


def test_a_retribution_has_no_driver_to_name(case_in):
    case = case_in(CaseKind.RETRIBUTION)
    assert objections.driver_refusal(case) == "Naming the driver is only possible for a GAS fine."
    with pytest.raises(TransitionNotAllowed):
        name(case)


def test_a_named_driver_cannot_be_named_twice(issue):
    case = issue("PAVEMENT")
    name(case)
    case.refresh_from_db()
    assert objections.driver_refusal(case) == "You named the driver, so this case is closed for you."
    with pytest.raises(TransitionNotAllowed):
        name(case, name="Someone Else")
    assert DriverDesignation.objects.count() == 1


# --- the holder's receipt ------------------------------------------------------------------------------------------

def test_the_holder_with_an_account_gets_the_receipt_in_their_language(issue, alice):
    alice.preferred_language = "en"
    alice.save()
    case = issue("PAVEMENT", holder_email="old@example.org")
    case.citizen = alice
    case.save()
    name(case, user=alice)
    message = OutboundMessage.objects.get(template="fines/driver_named")
    assert (message.recipient, message.user, message.language, message.related) == ("alice@example.org", alice, "en", case)
    assert "Els Claes" in message.body_text and "Dear Alice" in message.body_text
    assert case.plate not in message.body_text


def test_the_holder_without_an_account_gets_it_at_the_email_on_the_notice(issue):
    case = issue("PAVEMENT", holder_email="jan@example.org")
    name(case)
    message = OutboundMessage.objects.get(template="fines/driver_named")
    assert (message.recipient, message.language) == ("jan@example.org", "nl")


def test_without_a_known_address_no_receipt_is_sent(issue):
    name(issue("PAVEMENT"))
    assert not OutboundMessage.objects.filter(template="fines/driver_named").exists()
