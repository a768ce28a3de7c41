"""The citizen's case page and its actions: what it shows in plain words, paying, keeping it in Mijn loket, its
evidence and letters; and nobody but the keeping account or the browser that looked it up reaches any of it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from eloket.documents.models import Document, DocumentKind, DocumentStatus
from eloket.payments.models import Payment, PaymentStatus
from fines import access, rules
from fines.models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Evidence,
    EvidenceKind,
    Hearing,
    Objection,
    ObjectionAttachment,
    ObjectionStatus,
)
from fines.numbers import display
from tests.files import PDF, image_bytes, jpeg_upload, pdf_upload, png_upload
from tests.i18n import en
from tests.payments.online import choose_at_checkout, fixture_mollie, path_of  # noqa: F401  fixtures

from .conftest import brussels

pytestmark = pytest.mark.django_db

CASE_URLS = ["fines:detail", "fines:pay", "fines:keep", "fines:object", "fines:name_driver"]


def letter_of(case, title="Notice of the fine", **fields) -> Document:
    """A rendered letter of the case without running WeasyPrint: the view only serves the stored file."""
    values = {"owner": case.citizen, "content_type": ContentType.objects.get_for_model(Case), "object_id": case.pk,
              "kind": DocumentKind.NOTICE, "title": title, "template": "fines/letters/notice.html",
              "context_builder": "fines.letters.notice_context", "language": "nl", "status": DocumentStatus.RENDERED,
              "version": 1}
    values.update(fields)
    document = Document(**values)
    if document.version:
        document.file.save("letter.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


def objection_of(case, status=ObjectionStatus.PENDING, **fields) -> Objection:
    values = {"case": case, "ground": "plate", "explanation": "My plate was read wrongly.\nIt is 1-ABC-128.",
              "contact_name": "Jan Claes", "contact_email": "jan@example.org", "status": status}
    if status != ObjectionStatus.PENDING:
        values.update(decided_at=timezone.now(), decision_reason="The photo shows plate 1-ABC-123 clearly.")
    values.update(fields)
    return Objection.objects.create(**values)


def attachment_of(objection, name="ticket.pdf") -> ObjectionAttachment:
    attachment = ObjectionAttachment(objection=objection, content_type="application/pdf", extension="pdf", size=len(PDF),
                                     name=name)
    attachment.file.save("attachment", ContentFile(PDF), save=False)
    attachment.save()
    return attachment


def look_up(client, case, url=None):
    response = client.post(url or reverse("fines:lookup"),
                           {"notice_number": display(case.notice_number), "plate": case.plate_display})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


@pytest.fixture
def gas5(issue):
    """A GAS 5 fine with two photos and a camera report, as issued through the rules."""
    taken = timezone.now() - datetime.timedelta(days=2)
    return issue("GAS5", place="Molenstraat 12", evidence=[
        (EvidenceKind.PHOTO, jpeg_upload(), taken), (EvidenceKind.PHOTO, png_upload(), taken),
        (EvidenceKind.CAMERA, pdf_upload(), None)])


@pytest.fixture
def alices(gas5, alice):
    """Alice keeps the GAS 5 fine; it has a letter and an objection with an attachment."""
    Case.objects.filter(pk=gas5.pk).update(citizen=alice)
    gas5.refresh_from_db()
    objection = objection_of(gas5, ObjectionStatus.REJECTED)
    return {"case": gas5, "evidence": gas5.evidence.first(), "letter": letter_of(gas5), "objection": objection,
            "attachment": attachment_of(objection)}


def urls_of(objects) -> list[str]:
    case = objects["case"]
    urls = [reverse(name, args=[case.pk]) for name in CASE_URLS]
    urls.append(reverse("fines:evidence", args=[case.pk, objects["evidence"].pk]))
    urls.append(reverse("fines:document", args=[case.pk, objects["letter"].pk]))
    urls.append(reverse("fines:attachment", args=[case.pk, objects["objection"].pk, objects["attachment"].pk]))
    return urls


def snapshot():
    return (list(Case.objects.order_by("pk").values_list("pk", "status", "citizen", "updated")), Payment.objects.count(),
            Objection.objects.count(), CaseEvent.objects.count())


# Nobody else -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["get", "post"])
def test_bob_gets_404_on_every_url_of_alices_case(client, bob, alices, method):
    client.force_login(bob)
    before = snapshot()
    for url in urls_of(alices):
        response = getattr(client, method)(url, {"explanation": "mine", "name": "Bob"} if method == "post" else {})
        assert response.status_code == 404, url
    assert snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_browser_that_did_not_look_it_up_gets_404_everywhere(client, alices, method):
    before = snapshot()
    for url in urls_of(alices):
        assert getattr(client, method)(url).status_code == 404, url
    assert snapshot() == before


def test_bob_cannot_reach_alices_files_through_a_case_he_looked_up(client, bob, alices, case_in):
    bobs = case_in(CaseKind.GAS4, CaseStatus.ISSUED, plate="2XYZ789")
    client.force_login(bob)
    look_up(client, bobs)
    assert client.get(reverse("fines:detail", args=[bobs.pk])).status_code == 200
    for url in (reverse("fines:evidence", args=[bobs.pk, alices["evidence"].pk]),
                reverse("fines:document", args=[bobs.pk, alices["letter"].pk]),
                reverse("fines:detail", args=[alices["case"].pk])):
        assert client.get(url).status_code == 404, url


def test_bob_does_not_see_alices_case_in_his_counter(client, bob, alices):
    client.force_login(bob)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("fines:detail", args=[alices["case"].pk]) not in page
    assert display(alices["case"].notice_number) not in page


def test_a_wrong_method_is_refused_only_after_the_case_is_found(client, alice, alices):
    client.force_login(alice)
    case = alices["case"]
    assert client.post(reverse("fines:detail", args=[case.pk])).status_code == 405
    assert client.get(reverse("fines:pay", args=[case.pk])).status_code == 405
    assert client.get(reverse("fines:keep", args=[case.pk])).status_code == 405
    assert client.post(reverse("fines:evidence", args=[case.pk, alices["evidence"].pk])).status_code == 405
    assert client.post(reverse("fines:document", args=[case.pk, alices["letter"].pk])).status_code == 405


# The page ----------------------------------------------------------------------------------------------------------

class TestWhatThePageShows:
    def test_a_gas5_fine_in_plain_words(self, client, gas5, english):
        look_up(client, gas5)
        page = client.get(en("fines:detail", gas5.pk)).content.decode()
        assert "GAS 5 fine (light speeding)" in page
        assert "municipal administrative fine for light speeding" in page
        assert display(gas5.notice_number) in page and "1-ABC-123" in page
        assert "Light speeding (at most 20 km/h over a 30 or 50 limit)" in page
        assert "Molenstraat 12" in page
        for label, value in (("Speed limit", 30), ("Measured speed", 51), ("Corrected speed", 45)):
            assert re.search(rf"<dt>{label}</dt>\s*<dd>{value} km/h", page), label
        assert "Inside a built-up area" in page
        assert "€\u00a0108.00" in page
        assert "To be paid" in page and "Pay before the date below." in page
        assert gas5.due_date.strftime("%-d %B %Y") in page
        assert "Notice sent" in page  # the history

    def test_a_retribution_is_a_fee_not_a_fine(self, client, case_in, english):
        case = case_in(CaseKind.RETRIBUTION, CaseStatus.REMINDED, costs=Decimal("20.00"))
        look_up(client, case)
        page = client.get(en("fines:detail", case.pk)).content.decode()
        assert "A parking retribution is not a fine: it is a fee under civil law" in page
        assert re.search(r"<dt>Costs</dt>\s*<dd>€\u00a020.00</dd>", page)
        assert re.search(r"<dt>Total</dt>\s*<dd><strong>€\u00a040.00</strong>", page)
        assert "Pay €\u00a040.00 online" in page
        assert "Reminder sent: to be paid" in page

    def test_photos_show_inline_with_a_meaningful_text_and_the_report_is_a_download(self, client, gas5, english):
        look_up(client, gas5)
        page = client.get(en("fines:detail", gas5.pk)).content.decode()
        photo, second, report = gas5.evidence.order_by("pk")
        for item, number in ((photo, 1), (second, 2)):
            assert f'<img src="{en("fines:evidence", gas5.pk, item.pk)}"' in page
            assert f'alt="Photo {number} of the vehicle at Molenstraat 12"' in page
        assert f'href="{en("fines:evidence", gas5.pk, report.pk)}">Camera record 3 (download)</a>' in page

    def test_pay_online_and_by_transfer_while_something_is_due(self, client, gas5, english, fines_city):
        look_up(client, gas5)
        page = client.get(en("fines:detail", gas5.pk)).content.decode()
        assert f'action="{en("fines:pay", gas5.pk)}"' in page
        assert "Pay €\u00a0108.00 online" in page
        assert fines_city.iban in page and "+++" in page  # the structured communication
        assert 'role="img"' in page  # the EPC QR code

    @pytest.mark.parametrize("status", [CaseStatus.PAID, CaseStatus.CANCELLED, CaseStatus.DRIVER_NAMED])
    def test_nothing_to_pay_once_closed(self, client, case_in, english, status):
        case = case_in(CaseKind.GAS4, status)
        look_up(client, case)
        page = client.get(en("fines:detail", case.pk)).content.decode()
        assert "online</button>" not in page and "Structured communication" not in page
        assert ("You have nothing more to pay for this case." in page) == (status == CaseStatus.PAID)

    def test_a_paid_case_says_so_at_once(self, client, case_in, english):
        case = rules.mark_paid(case_in(CaseKind.RETRIBUTION, CaseStatus.ISSUED))
        look_up(client, case)
        page = client.get(en("fines:detail", case.pk)).content.decode()
        assert f"Paid on {timezone.localdate().strftime('%-d %B %Y')}." in page
        assert "You paid this retribution. Nothing else needs to be done." in page

    def test_open_gas_case_links_to_defence_and_driver(self, client, case_in, english):
        case = case_in(CaseKind.GAS4, CaseStatus.ISSUED)
        look_up(client, case)
        page = client.get(en("fines:detail", case.pk)).content.decode()
        assert f'href="{en("fines:object", case.pk)}"' in page and "Send a written defence" in page
        assert f'href="{en("fines:name_driver", case.pk)}"' in page

    def test_a_retribution_has_no_driver_to_name(self, client, case_in, english):
        case = case_in(CaseKind.RETRIBUTION, CaseStatus.ISSUED)
        look_up(client, case)
        page = client.get(en("fines:detail", case.pk)).content.decode()
        assert f'href="{en("fines:object", case.pk)}"' in page and "Object to this retribution" in page
        assert en("fines:name_driver", case.pk) not in page

    def test_after_the_term_the_page_says_why_and_how_to_reach_the_city(self, client, case_in, english, fines_city):
        past = timezone.localdate() - datetime.timedelta(days=3)
        case = case_in(CaseKind.GAS4, CaseStatus.ISSUED, objection_until=past, driver_until=past)
        look_up(client, case)
        page = client.get(en("fines:detail", case.pk)).content.decode()
        assert en("fines:object", case.pk) not in page and en("fines:name_driver", case.pk) not in page
        assert "The term to object ended on" in page
        assert "The term to name the driver ended on" in page
        assert fines_city.phone in page and fines_city.sanctioning_official in page
        assert f'href="{en("content:contact")}"' in page

    def test_the_objection_its_decision_its_attachments_and_how_to_appeal(self, client, alice, alices, english):
        case = alices["case"]
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.REJECTED)
        client.force_login(alice)
        page = client.get(en("fines:detail", case.pk)).content.decode()
        assert "Your defence" in page and "Rejected" in page
        assert "My number plate was read wrongly" not in page  # a GAS defence has no retribution ground
        assert "It is 1-ABC-128." in page
        assert "The photo shows plate 1-ABC-123 clearly." in page
        attachment = alices["attachment"]
        assert f'href="{en("fines:attachment", case.pk, alices["objection"].pk, attachment.pk)}">ticket.pdf</a>' in page
        assert "How to appeal" in page
        assert "appeal to the police court (politierechtbank) within 30 days after you received the decision" in page

    def test_a_pending_objection_is_being_handled(self, client, case_in, english):
        case = case_in(CaseKind.RETRIBUTION, CaseStatus.DISPUTED, disputed=True)
        objection_of(case)
        look_up(client, case)
        page = client.get(en("fines:detail", case.pk)).content.decode()
        assert "Being handled" in page and "Objection being handled" in page
        assert "Your objection is being handled." in page  # why there is no objection form now
        assert "How to appeal" not in page

    def test_a_planned_oral_hearing_says_when_and_where(self, client, case_in, sofie, english):
        case = case_in(CaseKind.GAS4, CaseStatus.HEARING, disputed=True)
        starts = brussels(2031, 3, 4, 10, 30)
        Hearing.objects.create(case=case, objection=objection_of(case, hearing_requested=True), starts_at=starts,
                               place="Stadhuis, zaal 2", planned_by=sofie)
        look_up(client, case)
        page = client.get(en("fines:detail", case.pk)).content.decode()
        assert "Your oral hearing" in page
        assert "Tuesday 4 March 2031, 10:30" in page and "Stadhuis, zaal 2" in page
        assert "You asked to be heard." in page

    def test_the_letters_link_to_the_case_download(self, client, alices, english):
        case = alices["case"]
        letter_of(case, title="Reminder", version=0)  # not made yet: not listed
        look_up(client, case)
        page = client.get(en("fines:detail", case.pk)).content.decode()
        assert f'href="{en("fines:document", case.pk, alices["letter"].pk)}">Notice of the fine' in page
        assert "Reminder<" not in page

    def test_the_history_in_plain_words(self, client, case_in, fines_city, sofie, english):
        case = case_in(CaseKind.GAS4, CaseStatus.ISSUED)
        CaseEvent.objects.create(case=case, from_status="", to_status=CaseStatus.ISSUED, note="Notice sent.")
        rules.dispute(case, "The sign was hidden by a tree.")
        rules.reject_objection(case, "The sign is visible on the photo.", actor=sofie)
        look_up(client, case)
        page = client.get(en("fines:detail", case.pk)).content.decode()
        for words in ("Notice sent", "Objection received", "Objection rejected", "by the city",
                      "The sign is visible on the photo."):
            assert words in page, words
        history = page[page.index('id="history"'):]
        assert history.index("Notice sent") < history.index("Objection received") < history.index("Objection rejected")

    def test_the_page_renders_in_dutch(self, client, gas5):
        look_up(client, gas5)
        page = client.get(reverse("fines:detail", args=[gas5.pk])).content.decode()
        assert '<html lang="nl"' in page
        assert "De toegelaten snelheid licht overschrijden" in page  # the offence in Dutch
        assert "€\u00a0108,00" in page  # Dutch number format


class TestKeeping:
    def test_a_logged_in_citizen_keeps_a_looked_up_case(self, client, alice, gas5, english):
        client.force_login(alice)
        look_up(client, gas5)
        page = client.get(en("fines:detail", gas5.pk)).content.decode()
        assert f'action="{en("fines:keep", gas5.pk)}"' in page and "Keep in My counter" in page
        response = client.post(en("fines:keep", gas5.pk), follow=True)
        gas5.refresh_from_db()
        assert gas5.citizen == alice
        assert "This case is now in My counter." in response.content.decode()
        assert "You keep this case in My counter." in response.content.decode()

    def test_a_kept_case_needs_no_lookup_in_another_browser(self, client, alice, alices):
        client.force_login(alice)
        assert client.get(reverse("fines:detail", args=[alices["case"].pk])).status_code == 200

    def test_another_account_cannot_take_a_kept_case_over(self, client, bob, alices, english):
        client.force_login(bob)
        look_up(client, alices["case"])
        page = client.get(en("fines:detail", alices["case"].pk)).content.decode()
        assert "Another account keeps this case in My counter." in page
        assert en("fines:keep", alices["case"].pk) not in page
        response = client.post(en("fines:keep", alices["case"].pk), follow=True)
        assert "Another account already keeps this case in My counter" in response.content.decode()
        alices["case"].refresh_from_db()
        assert alices["case"].citizen.email == "alice@example.org"

    def test_an_anonymous_browser_is_asked_to_log_in(self, client, gas5, english):
        look_up(client, gas5)
        page = client.get(en("fines:detail", gas5.pk)).content.decode()
        assert "to keep this case in My counter" in page and "Log in</a>" in page
        response = client.post(reverse("fines:keep", args=[gas5.pk]))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
        gas5.refresh_from_db()
        assert gas5.citizen is None

    def test_the_counter_lists_kept_cases_open_first(self, client, alice, case_in, english):
        paid = case_in(CaseKind.GAS4, CaseStatus.PAID, citizen=alice, observed_at=timezone.now())
        due = case_in(CaseKind.RETRIBUTION, CaseStatus.ISSUED, citizen=alice,
                      observed_at=timezone.now() - datetime.timedelta(days=90))
        client.force_login(alice)
        page = client.get(en("accounts:dashboard")).content.decode()
        assert 'id="panel-fines"' in page and "Fines and retributions" in page
        assert page.index(display(due.notice_number)) < page.index(display(paid.notice_number))
        assert "€\u00a020.00 to pay before" in page
        assert f'href="{en("fines:lookup")}"' in page

    def test_the_counter_panel_runs_the_same_queries_for_one_or_many_cases(self, client, alice, case_in):
        case_in(CaseKind.GAS4, CaseStatus.ISSUED, citizen=alice)
        client.force_login(alice)
        client.get(reverse("accounts:dashboard"))  # warm the city cache
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("accounts:dashboard"))
        for status in (CaseStatus.PAID, CaseStatus.REMINDED, CaseStatus.DISPUTED, CaseStatus.CANCELLED):
            case_in(CaseKind.RETRIBUTION, status, citizen=alice)
        with CaptureQueriesContext(connection) as many:
            client.get(reverse("accounts:dashboard"))
        assert len(few) == len(many)


# Files -------------------------------------------------------------------------------------------------------------

class TestFiles:
    def test_a_photo_is_shown_inline_and_a_report_downloaded(self, client, gas5):
        look_up(client, gas5)
        photo, _second, report = gas5.evidence.order_by("pk")
        response = client.get(reverse("fines:evidence", args=[gas5.pk, photo.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("inline")
        assert b"".join(response.streaming_content) == image_bytes("JPEG")
        assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
        download = client.get(reverse("fines:evidence", args=[gas5.pk, report.pk]))
        assert download["Content-Disposition"].startswith("attachment")
        assert download["Content-Type"] == "application/pdf"
        for name in (response["Content-Disposition"], download["Content-Disposition"]):
            assert "1ABC123" not in name and gas5.notice_number not in name

    def test_evidence_of_another_case_is_404_through_this_one(self, client, gas5, case_in):
        other = case_in(CaseKind.GAS4, CaseStatus.ISSUED, plate="2XYZ789")
        item = Evidence.objects.create(case=other, kind=EvidenceKind.PHOTO, file=gas5.evidence.first().file.name,
                                       content_type="image/jpeg", extension="jpg")
        look_up(client, gas5)
        assert client.get(reverse("fines:evidence", args=[gas5.pk, item.pk])).status_code == 404

    def test_a_letter_downloads_without_an_account_after_the_lookup(self, client, gas5):
        letter = letter_of(gas5)
        look_up(client, gas5)
        response = client.get(reverse("fines:document", args=[gas5.pk, letter.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'inline; filename="notice-of-the-fine.pdf"'
        assert "no-store" in response["Cache-Control"]

    def test_a_letter_of_another_case_or_not_made_yet_is_404(self, client, gas5, case_in, alice):
        other_letter = letter_of(case_in(CaseKind.GAS4, CaseStatus.ISSUED, plate="2XYZ789"))
        pending = letter_of(gas5, title="Reminder", version=0)
        foreign_kind = letter_of(gas5, content_type=ContentType.objects.get_for_model(alice), object_id=gas5.pk)
        look_up(client, gas5)
        for letter in (other_letter, pending, foreign_kind):
            assert client.get(reverse("fines:document", args=[gas5.pk, letter.pk])).status_code == 404


# Paying ------------------------------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_pay_through_the_checkout_returns_to_the_case_and_it_is_paid(client, mollie, issue, english):
    case = issue("PAVEMENT")
    look_up(client, case, url=en("fines:lookup"))
    response = client.post(en("fines:pay", case.pk))
    assert response.status_code == 302
    checkout = response["Location"]
    assert checkout.startswith(mollie.url + "/fake-mollie/checkout/tr_")

    back = choose_at_checkout(checkout, "paid")
    payment = Payment.objects.get()
    assert path_of(back) == en("payments:return", payment.token)
    returned = client.get(path_of(back)).content.decode()
    assert f'href="{en("fines:detail", case.pk)}"' in returned

    case.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.owner is None
    assert case.status == CaseStatus.PAID
    page = client.get(en("fines:detail", case.pk)).content.decode()
    assert "You have nothing more to pay for this case." in page
    assert "online</button>" not in page


# Query counts ------------------------------------------------------------------------------------------------------

def test_the_case_page_runs_a_fixed_number_of_queries(client, alice, alices, django_assert_max_num_queries):
    case = alices["case"]
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.REJECTED)
    client.force_login(alice)
    url = reverse("fines:detail", args=[case.pk])
    client.get(url)  # warm the city cache and make the structured communication
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    stored = case.evidence.first()
    for number in range(6):
        Evidence.objects.create(case=case, kind=EvidenceKind.PHOTO, file=stored.file.name, content_type="image/jpeg",
                                extension="jpg", taken_at=brussels(2026, 1, 1, 9, number))
        CaseEvent.objects.create(case=case, from_status=case.status, to_status=case.status, note=f"Note {number}")
        attachment_of(objection_of(case, ObjectionStatus.ACCEPTED if number % 2 else ObjectionStatus.REJECTED))
        letter_of(case, title=f"Letter {number}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many), [query["sql"] for query in many.captured_queries]
    with django_assert_max_num_queries(14):
        client.get(url)


def test_an_anonymous_lookup_keeps_only_ids_in_the_session(client, gas5):
    look_up(client, gas5)
    assert client.session[access.SESSION_KEY] == [gas5.pk]
