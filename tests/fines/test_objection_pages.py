"""The citizen's pages: object / defend, name the driver, download an objection's file; closed after the terms."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from eloket.notifications.models import OutboundMessage
from fines import access
from fines.models import Case, CaseKind, CaseStatus, DriverDesignation, Objection, ObjectionAttachment, ObjectionGround
from fines.objections import submit_objection
from tests.files import disguised_upload, jpeg_upload, pdf_upload, svg_upload

from .conftest import days_ago

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FORM = {"explanation": "My session ran until 18:00.", "contact_name": "Alice Peeters",
        "contact_email": "alice@example.org", "contact_phone": "0470 12 34 56"}
DRIVER = {"name": "Els Claes", "birth_date": "1990-03-04", "street": "Dorpsstraat 3", "postal_code": "3500",
          "municipality": "Hasselt", "country": "BE", "email": "", "declaration": "on"}


def url(name, case, *more):
    """The English page (the `english` fixture is active)."""
    return reverse(f"fines:{name}", args=[case.pk, *more])


def kept_by(case, user):
    case.citizen = user
    case.save()
    return case


def looked_up(client, case):
    """This browser looked the case up with its notice number and plate."""
    session = client.session
    session[access.SESSION_KEY] = [case.pk]
    session.save()


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file() and "objections" in path.parts]


# --- the objection form --------------------------------------------------------------------------------------------

def test_a_retribution_asks_for_a_ground_with_its_deadline(client, issue, alice):
    case = kept_by(issue("RETRIBUTION"), alice)
    client.force_login(alice)
    page = client.get(url("object", case)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "<legend" in page and "Why do you object?" in page
    assert page.count('type="radio" name="ground"') == len(ObjectionGround.values)
    assert case.objection_until.strftime("%-d %B %Y") in page
    assert 'type="file" name="attachments"' in page and "multiple" in page
    assert 'value="Alice Peeters"' in page and 'value="alice@example.org"' in page  # prefilled from the account
    assert "oral hearing" not in page and reverse("fines:name_driver", args=[case.pk]) not in page


def test_a_gas_fine_above_70_euro_offers_the_hearing_and_the_driver(client, issue, alice):
    case = kept_by(issue("PAVEMENT"), alice)
    client.force_login(alice)
    page = client.get(url("object", case)).content.decode()
    assert 'name="ground"' not in page
    assert "Your defence" in page and 'name="hearing_requested"' in page
    assert "I ask for an oral hearing" in page and "more than €\xa070.00" in page
    assert reverse("fines:name_driver", args=[case.pk]) in page
    assert case.driver_until.strftime("%-d %B %Y") in page


def test_a_gas_fine_of_58_euro_has_no_hearing(client, issue, alice):
    case = kept_by(issue("E1"), alice)
    client.force_login(alice)
    page = client.get(url("object", case)).content.decode()
    assert 'name="hearing_requested"' not in page
    assert "An oral hearing is only possible for a fine of more than" in page
    client.post(url("object", case), FORM | {"hearing_requested": "on"})
    assert Objection.objects.get().hearing_requested is False


def test_sending_the_objection_with_files(client, issue, alice, media):
    case = kept_by(issue("RETRIBUTION"), alice)
    client.force_login(alice)
    response = client.post(url("object", case), FORM | {"ground": ObjectionGround.SESSION,
                                                        "attachments": [pdf_upload(), jpeg_upload()]})
    assert response.status_code == 302
    assert response["Location"] == reverse("fines:detail", args=[case.pk])
    objection = Objection.objects.get()
    assert (objection.ground, objection.contact_phone, objection.language, objection.submitted_by) == (
        ObjectionGround.SESSION, "+32470123456", "en", alice)
    assert objection.attachments.count() == 2 and len(stored_files(media)) == 2
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPUTED
    assert OutboundMessage.objects.filter(template="fines/objection_received", recipient="alice@example.org").exists()
    page = client.get(url("object", case)).content.decode()  # the message waits on the next page
    assert "Your objection was received. We sent a receipt to alice@example.org." in page


def test_a_browser_that_looked_the_case_up_can_object_without_an_account(client, issue):
    case = issue("PAVEMENT")
    looked_up(client, case)
    page = client.get(url("object", case)).content.decode()
    assert 'name="contact_name"' in page and 'value="Alice' not in page
    response = client.post(url("object", case), FORM | {"hearing_requested": "on"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.submitted_by is None and objection.hearing_requested


@pytest.mark.parametrize(("files", "message"), [
    (lambda: [pdf_upload(), disguised_upload("letter.pdf")], "letter.pdf: This file is not a PDF, JPEG or PNG file."),
    (lambda: [svg_upload("proof.svg")], "proof.svg: This file is not a PDF, JPEG or PNG file."),
    (lambda: [jpeg_upload(f"photo{number}.jpg") for number in range(6)], "at most 5 files; you chose 6."),
], ids=["disguised", "svg", "too many"])
def test_a_refused_file_is_named_and_nothing_is_kept(client, issue, alice, media, files, message):
    case = kept_by(issue("RETRIBUTION"), alice)
    client.force_login(alice)
    response = client.post(url("object", case), FORM | {"ground": ObjectionGround.METER, "attachments": files()})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Please correct the following:" in page and 'href="#id_attachments"' in page
    assert "choose them again" in page
    assert not Objection.objects.exists() and stored_files(media) == []
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED and not case.disputed


def test_missing_fields_get_their_own_messages(client, issue, alice):
    case = kept_by(issue("RETRIBUTION"), alice)
    client.force_login(alice)
    page = client.post(url("object", case), {"explanation": " ", "contact_email": "not an address",
                                             "contact_phone": "12"}).content.decode()
    assert "Give your name." in page and "This field is required." not in page
    assert "Choose the reason of your objection." in page and 'href="#id_ground_0"' in page
    assert "Explain your objection." in page
    assert "Enter a valid email address." in page
    assert "Enter a phone number such as 0470 12 34 56" in page
    assert not Objection.objects.exists()


def test_the_dutch_page_works_too(client, issue, alice):
    case = kept_by(issue("PAVEMENT"), alice)
    client.force_login(alice)
    with translation.override("nl"):
        response = client.get(reverse("fines:object", args=[case.pk]))
    assert response.status_code == 200
    assert '<html lang="nl"' in response.content.decode()


# --- closed forms --------------------------------------------------------------------------------------------------

def test_after_the_term_the_form_gives_the_contact_options_and_refuses_a_post(client, case_in, alice, media):
    case = kept_by(case_in(CaseKind.GAS4, objection_until=days_ago(1)), alice)
    client.force_login(alice)
    page = client.get(url("object", case)).content.decode()
    ended = f"The term to object ended on {days_ago(1).strftime('%m/%d/%Y')}."
    assert ended in page
    assert "You can also contact the parking counter:" in page
    assert 'name="explanation"' not in page
    response = client.post(url("object", case), FORM | {"attachments": [pdf_upload()]})
    assert response.status_code == 409
    assert ended in response.content.decode()
    assert not Objection.objects.exists() and stored_files(media) == []
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED


def test_a_pending_objection_closes_the_form(client, issue, alice):
    case = kept_by(issue("RETRIBUTION"), alice)
    submit_objection(case, ground=ObjectionGround.PLATE, explanation="Misread.", contact_name="Alice",
                     contact_email="alice@example.org")
    client.force_login(alice)
    page = client.get(url("object", case)).content.decode()
    assert "Your objection is being handled." in page and 'name="explanation"' not in page
    assert client.post(url("object", case), FORM | {"ground": "other"}).status_code == 409
    assert Objection.objects.count() == 1


# --- naming the driver ---------------------------------------------------------------------------------------------

def test_naming_the_driver_on_the_page(client, issue, alice):
    case = kept_by(issue("PAVEMENT"), alice)
    client.force_login(alice)
    page = client.get(url("name_driver", case)).content.decode()
    assert "<legend" in page and 'type="date"' in page and 'name="declaration"' in page
    assert case.driver_until.strftime("%-d %B %Y") in page
    response = client.post(url("name_driver", case), DRIVER)
    assert response.status_code == 302
    assert response["Location"] == reverse("fines:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == CaseStatus.DRIVER_NAMED
    designation = DriverDesignation.objects.get()
    assert (designation.name, designation.submitted_by) == ("Els Claes", alice)
    assert designation.driver_case.holder_name == "Els Claes"
    assert OutboundMessage.objects.filter(template="fines/driver_named", recipient="alice@example.org").exists()


def test_the_declaration_and_the_postal_code_are_checked(client, issue, alice):
    case = kept_by(issue("PAVEMENT"), alice)
    client.force_login(alice)
    page = client.post(url("name_driver", case), DRIVER | {"declaration": "", "postal_code": "35"}).content.decode()
    assert "Tick the declaration to name the driver." in page
    assert "A Belgian postal code has 4 digits" in page
    assert Case.objects.count() == 1


def test_an_empty_driver_form_says_what_is_missing(client, issue, alice):
    case = kept_by(issue("PAVEMENT"), alice)
    client.force_login(alice)
    page = client.post(url("name_driver", case), {}).content.decode()
    for message in ("Give the driver&#x27;s name.", "Give the driver&#x27;s date of birth.",
                    "Give the driver&#x27;s street and house number.", "Give the driver&#x27;s postal code.",
                    "Give the driver&#x27;s municipality.", "Tick the declaration to name the driver."):
        assert message in page
    assert "This field is required." not in page


def test_a_minor_driver_is_refused_on_the_page(client, issue, alice):
    case = kept_by(issue("PAVEMENT"), alice)
    client.force_login(alice)
    born = datetime.date.today() - datetime.timedelta(days=16 * 365)
    response = client.post(url("name_driver", case), DRIVER | {"birth_date": born.isoformat()})
    assert response.status_code == 200
    assert "A minor cannot receive a GAS fine" in response.content.decode()
    assert Case.objects.count() == 1 and not DriverDesignation.objects.exists()


def test_after_the_driver_term_the_page_is_closed(client, case_in, alice):
    case = kept_by(case_in(CaseKind.GAS4, driver_until=days_ago(1)), alice)
    client.force_login(alice)
    page = client.get(url("name_driver", case)).content.decode()
    assert "The term to name the driver ended on" in page and "You can also contact the parking counter:" in page
    assert 'name="declaration"' not in page
    assert client.post(url("name_driver", case), DRIVER).status_code == 409
    assert Case.objects.count() == 1


def test_a_retribution_has_no_driver_form(client, case_in, alice):
    case = kept_by(case_in(CaseKind.RETRIBUTION), alice)
    client.force_login(alice)
    page = client.get(url("name_driver", case)).content.decode()
    assert "Naming the driver is only possible for a GAS fine." in page and 'name="declaration"' not in page
    assert client.post(url("name_driver", case), DRIVER).status_code == 409
    assert Case.objects.count() == 1


# --- the objection's files -----------------------------------------------------------------------------------------

@pytest.fixture
def with_file(issue, alice, media):
    case = kept_by(issue("RETRIBUTION"), alice)
    objection = submit_objection(case, explanation="See the ticket.", contact_name="Alice",
                                 contact_email="alice@example.org", files=[pdf_upload("ticket alice.pdf")])
    return case, objection, objection.attachments.get()


def test_the_citizen_downloads_a_file_under_a_neutral_name(client, alice, with_file):
    case, objection, item = with_file
    client.force_login(alice)
    response = client.get(url("attachment", case, objection.pk, item.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'attachment; filename="attachment-{item.pk}.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_file_must_belong_to_the_objection_and_the_case(client, alice, issue, with_file):
    case, objection, item = with_file
    other = kept_by(issue("RETRIBUTION", observed_at=case.observed_at - datetime.timedelta(days=1)), alice)
    client.force_login(alice)
    assert client.get(url("attachment", other, objection.pk, item.pk)).status_code == 404
    assert client.get(url("attachment", case, objection.pk + 1, item.pk)).status_code == 404
    assert client.post(url("attachment", case, objection.pk, item.pk)).status_code == 405


# --- nobody else ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("who", ["bob", "anonymous"])
def test_nobody_else_sees_alices_pages(client, alice, bob, issue, with_file, method, who):
    case, objection, item = with_file
    gas = kept_by(issue("PAVEMENT", plate="2XYZ999"), alice)
    if who == "bob":
        client.force_login(bob)
    addresses = [url("object", case), url("object", gas), url("name_driver", gas),
                 url("attachment", case, objection.pk, item.pk)]
    for address in addresses:
        assert getattr(client, method)(address).status_code == 404, address
    assert Objection.objects.count() == 1 and ObjectionAttachment.objects.count() == 1
    assert not DriverDesignation.objects.exists()


def test_another_browsers_lookup_does_not_open_alices_case(client, bob, issue, alice):
    case = kept_by(issue("PAVEMENT"), alice)
    other = issue("PAVEMENT", plate="2XYZ999")
    looked_up(client, other)
    assert client.get(url("object", case)).status_code == 404
    assert client.get(url("name_driver", case)).status_code == 404
    assert client.get(url("object", other)).status_code == 200
