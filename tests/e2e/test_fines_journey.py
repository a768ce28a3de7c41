"""Fines from the citizen's letter to the official's decision: looking a case up, paying it through the (fake) Mollie
checkout, objecting with an attachment, the sanctioning official's decision in the admin, the GAS forms, a phone and a
browser without JavaScript, and every staff page new with objections, hearings, manual steps and printing.

Every page a browser shows passes visitor.check() (axe-core, WCAG 2.1 A/AA, and no CSP violation), except in the
run without JavaScript, which only proves the lookup works (axe needs JavaScript).
"""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from eloket.documents.models import Document, DocumentKind
from fines import decisions, issuing, numbers, objections
from fines.demo import seed_offences
from fines.models import (
    Case,
    CaseStatus,
    DriverDesignation,
    Hearing,
    Objection,
    ObjectionGround,
    ObjectionStatus,
    PrintBatch,
    PrintStatus,
)
from tests.accounts.helpers import totp_code
from tests.e2e.conftest import _visitor
from tests.e2e.helpers import log_in
from tests.files import PDF, pdf_upload
from tests.personas import sanctioning_official

pytestmark = pytest.mark.django_db(transaction=True)

HOLDER = {"name": "Jan Claes", "is_company": False, "birth_date": datetime.date(1980, 5, 1), "street": "Stadsplein 1",
          "postal_code": "3600", "municipality": "Genk", "country": "BE"}
REASONS = "De parkeerautomaat in de Molenstraat werkte op dat moment volgens onze controle wel."


@pytest.fixture
def city(demo_city, settings, live_server, media):
    """The demo city with the offence catalogue; payments go through the fake Mollie on the live server."""
    settings.SITE_URL = live_server.url
    settings.MOLLIE_API_ENDPOINT = live_server.url + "/fake-mollie"
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    seed_offences()
    return demo_city


@pytest.fixture
def issue(city):
    """Issue a case through the rules (its notice letter is made after commit), observed two days ago."""
    def make(offence="PAVEMENT", plate="1ABC123", **fields) -> Case:
        return issuing.issue_case(offence=offence, plate=plate, holder=HOLDER, place="Molenstraat 40",
                                  observed_at=timezone.now() - datetime.timedelta(days=2), **fields)

    return make


@pytest.fixture
def staff_browser(browser, live_server):
    """A second browser (its own cookies) for the sanctioning official, while the citizen's stays open."""
    contexts = []

    def open_as(user):
        context, staff = _visitor(browser, live_server, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        log_in(staff, user, code=totp_code(user.totp_secret))
        return staff

    yield open_as
    for context in contexts:
        context.close()


# Steps ---------------------------------------------------------------------------------------------------------------

def look_up(visitor, case: Case, plate: str = "1-abc-123"):
    """Type the notice number and the plate from the letter; the case page opens."""
    page = visitor.page
    visitor.visit("/boetes/opzoeken/")
    page.fill("input[name=notice_number]", numbers.display(case.notice_number))
    page.fill("input[name=plate]", plate)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"/boetes/{case.pk}/$"))
    visitor.check()


def pay_online(visitor, case: Case):
    """From the case page through the fake checkout and back to the case page."""
    page = visitor.page
    page.click(f"main form[action='/boetes/{case.pk}/betalen/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/fake-mollie/checkout/"))
    visitor.check()
    page.check("input[type=radio][value=paid]")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/betalen/[0-9a-f-]{36}/$"))
    visitor.check()
    page.click(f"main a[href='/boetes/{case.pk}/']")  # "Continue": back to the case
    page.wait_for_url(re.compile(rf"/boetes/{case.pk}/$"))
    visitor.check()


def assert_paid(visitor, case: Case):
    case.refresh_from_db()
    assert case.status == CaseStatus.PAID
    main = visitor.page.locator("main")
    assert gettext("You have nothing more to pay for this case.") in main.locator("[role=status]").inner_text()
    assert main.locator(f"form[action='/boetes/{case.pk}/betalen/']").count() == 0  # nothing left to pay


def assert_pdf(visitor, href: str):
    response = visitor.page.request.get(visitor.base_url + href)
    assert response.status == 200, href
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def letter_link(visitor, case: Case, kind: str) -> str:
    """The link on the case page to the case's letter of this kind (made when the step was taken)."""
    document = Document.objects.for_case(case).get(kind=kind)
    href = f"/boetes/{case.pk}/brieven/{document.pk}/"
    assert visitor.page.locator(f"main a[href='{href}']").count() == 1, f"no link to the {kind} letter"
    return href


# 1. Pay ----------------------------------------------------------------------------------------------------------------

def test_look_up_pay_online_and_download_the_notice(visitor, issue):
    case = issue("PAVEMENT")
    look_up(visitor, case)
    main = visitor.page.locator("main")
    assert "1-ABC-123" in main.inner_text()
    assert main.get_by_text("+++").count() >= 1  # the structured communication for a transfer

    pay_online(visitor, case)
    assert_paid(visitor, case)
    assert_pdf(visitor, letter_link(visitor, case, DocumentKind.NOTICE))


# 2. Object, the official rejects, pay ------------------------------------------------------------------------------

def test_object_with_an_attachment_the_official_rejects_then_pay(visitor, staff_browser, issue, tmp_path):
    case = issue("RETRIBUTION")
    page = visitor.page
    look_up(visitor, case)

    page.click(f"main a[href='/boetes/{case.pk}/bezwaar/']")
    page.wait_for_url(re.compile(rf"/boetes/{case.pk}/bezwaar/$"))
    visitor.check()
    ticket = tmp_path / "ticket-parkeerautomaat.pdf"
    ticket.write_bytes(PDF)
    page.check(f"input[name=ground][value={ObjectionGround.METER}]")
    page.fill("textarea[name=explanation]", "De parkeerautomaat gaf geen ticket; zie de foto van het scherm.")
    page.set_input_files("input[name=attachments]", str(ticket))
    page.fill("input[name=contact_name]", "Jan Claes")
    page.fill("input[name=contact_email]", "jan@example.org")
    page.click("main form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/boetes/{case.pk}/$"))
    visitor.check()

    objection = Objection.objects.get(case=case)
    assert objection.status == ObjectionStatus.PENDING and objection.ground == ObjectionGround.METER
    attachment = objection.attachments.get()
    assert attachment.content_type == "application/pdf"
    attachment_href = f"/boetes/{case.pk}/bezwaar/{objection.pk}/bijlagen/{attachment.pk}/"
    assert page.locator(f"main a[href='{attachment_href}']").inner_text() == "ticket-parkeerautomaat.pdf"
    download = page.request.get(visitor.base_url + attachment_href)
    assert download.status == 200 and download.body() == PDF

    # The sanctioning official decides in the admin, in a browser of her own.
    staff = staff_browser(sanctioning_official())
    staff.visit("/admin/fines/objection/?queue=decisions")
    staff.page.click(f"#result_list a[href*='/admin/fines/objection/{objection.pk}/change/']")
    staff.page.wait_for_url(re.compile(rf"/admin/fines/objection/{objection.pk}/change/(\?.*)?$"))  # the queue kept
    staff.check()
    staff_attachment = staff.page.locator(f"#content a[href*='/admin/fines/objection/{objection.pk}/attachments/']")
    assert staff.page.request.get(staff.base_url + staff_attachment.get_attribute("href")).body() == PDF
    staff.page.click(f"a[href*='/admin/fines/objection/{objection.pk}/reject/']")
    staff.page.wait_for_url(re.compile(rf"/objection/{objection.pk}/reject/$"))
    staff.check()
    staff.page.fill("textarea[name=reason]", REASONS)
    staff.page.click("#content form [type=submit]")
    staff.page.wait_for_url(re.compile(rf"/admin/fines/objection/{objection.pk}/change/$"))
    staff.check()
    objection.refresh_from_db()
    case.refresh_from_db()
    assert objection.status == ObjectionStatus.REJECTED
    assert case.status == CaseStatus.REJECTED

    # Back on the citizen's case page: the decision with its reasons, the decision letter, and a new term to pay.
    visitor.visit(f"/boetes/{case.pk}/")
    decided = page.locator(f"main article[aria-labelledby='objection-{objection.pk}']")
    assert decided.locator(".eloket-status--objection-rejected").count() == 1
    assert REASONS in decided.inner_text()
    assert_pdf(visitor, letter_link(visitor, case, DocumentKind.DECISION))

    pay_online(visitor, case)
    assert_paid(visitor, case)


# 3. The GAS forms ------------------------------------------------------------------------------------------------------

def test_the_gas_driver_and_defence_forms_and_a_closed_form(visitor, issue):
    case = issue("PAVEMENT")  # GAS 4, € 116: above € 70, so the holder may ask for an oral hearing
    assert case.is_gas and case.amount > 70
    page = visitor.page
    look_up(visitor, case)

    page.click(f"main a[href='/boetes/{case.pk}/bestuurder/']")
    page.wait_for_url(re.compile(rf"/boetes/{case.pk}/bestuurder/$"))
    visitor.check()
    assert page.locator("main input[name=declaration][type=checkbox]").count() == 1
    with page.expect_navigation():
        page.click("main form button[type=submit]")  # nothing filled in: the errors must pass the scan too
    visitor.check()
    assert page.locator("main .utrecht-alert--error").count() == 1
    assert not DriverDesignation.objects.filter(case=case).exists()

    visitor.visit(f"/boetes/{case.pk}/bezwaar/")
    assert page.locator("main input[name=hearing_requested][type=checkbox]").count() == 1
    assert page.locator("main input[name=ground]").count() == 0  # a GAS defence has no retribution ground
    with page.expect_navigation():
        page.click("main form[enctype='multipart/form-data'] button[type=submit]")
    visitor.check()
    assert page.locator("main .utrecht-alert--error").count() == 1

    # Past the terms: the forms say so and offer the contact options instead.
    closed = issue("PAVEMENT", plate="2XYZ789")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Case.objects.filter(pk=closed.pk).update(objection_until=yesterday, driver_until=yesterday)
    look_up(visitor, closed, plate="2-XYZ-789")
    for path in (f"/boetes/{closed.pk}/bezwaar/", f"/boetes/{closed.pk}/bestuurder/", f"/boetes/{closed.pk}/"):
        visitor.visit(path)
        options = page.locator("main .eloket-contact-options")
        assert options.count() == 1, path
        assert options.locator("a[href^='tel:']").count() == 1 and options.locator("a[href^='mailto:']").count() == 1
        assert page.locator("main form[enctype='multipart/form-data']").count() == 0, path
    assert page.locator(f"main a[href='/boetes/{closed.pk}/bezwaar/']").count() == 0


# 4. A phone, and no JavaScript ---------------------------------------------------------------------------------------

def test_the_lookup_and_the_case_page_fit_a_phone(phone, issue):
    case = issue("PAVEMENT")
    phone.visit("/boetes/opzoeken/")
    assert phone.fits_width()
    look_up(phone, case)
    assert phone.fits_width()


def test_the_lookup_works_without_javascript(no_js, issue):
    """axe needs JavaScript, so this run only proves the form works; the scans run in the tests above."""
    case = issue("PAVEMENT")
    page = no_js.page
    page.goto(no_js.base_url + "/boetes/opzoeken/")
    page.fill("input[name=notice_number]", numbers.display(case.notice_number))
    page.fill("input[name=plate]", "1-XYZ-999")  # the wrong plate: the form says so, and never which one is wrong
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == no_js.base_url + "/boetes/opzoeken/"
    assert page.locator("main .utrecht-alert--error").count() == 1

    page.fill("input[name=notice_number]", case.notice_number)  # digits only: any notation is fine
    page.fill("input[name=plate]", "1abc123")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"/boetes/{case.pk}/$"))
    text = page.locator("main").inner_text()
    assert numbers.display(case.notice_number) in text and "1-ABC-123" in text
    assert page.locator(f"main form[action='/boetes/{case.pk}/betalen/']").count() == 1


# 5. The staff pages ------------------------------------------------------------------------------------------------

def test_the_new_staff_pages_pass_the_scan(visitor, issue):
    def contest(case, **fields):
        return objections.submit_objection(case, explanation="Ik stond er niet.", contact_name="Jan Claes",
                                           contact_email="jan@example.org", files=[pdf_upload("bewijs.pdf")], **fields)

    sofie = sanctioning_official()
    to_plan = contest(issue("PAVEMENT", plate="1AAA001"), hearing_requested=True)  # a GAS defence asking to be heard
    written = contest(issue("RETRIBUTION", plate="1AAA002"), ground=ObjectionGround.METER)
    heard = contest(issue("PAVEMENT", plate="1AAA003"), hearing_requested=True)
    hearing = decisions.plan_hearing(heard, timezone.now() + datetime.timedelta(days=3), "Stadhuis, zaal 2", sofie)
    Hearing.objects.filter(pk=hearing.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))  # it took place
    open_case = issue("PAVEMENT", plate="1AAA004")
    Case.objects.filter(pk=open_case.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))  # unpaid: remind

    log_in(visitor, sofie, code=totp_code(sofie.totp_secret))
    for path in (
        "/admin/fines/objection/", "/admin/fines/objection/?queue=new", "/admin/fines/objection/?queue=hearings",
        "/admin/fines/objection/?queue=decisions",
        f"/admin/fines/objection/{to_plan.pk}/change/", f"/admin/fines/objection/{to_plan.pk}/accept/",
        f"/admin/fines/objection/{to_plan.pk}/plan-hearing/",
        f"/admin/fines/objection/{written.pk}/change/", f"/admin/fines/objection/{written.pk}/reject/",
        f"/admin/fines/objection/{heard.pk}/change/",
        "/admin/fines/hearing/", "/admin/fines/hearing/?when=minutes", "/admin/fines/hearing/?when=upcoming",
        f"/admin/fines/hearing/{hearing.pk}/change/", f"/admin/fines/hearing/{hearing.pk}/minutes/",
        f"/admin/fines/case/{open_case.pk}/change/", f"/admin/fines/case/{open_case.pk}/remind/",
        f"/admin/fines/case/{open_case.pk}/cancel/",
    ):
        visitor.visit(path)
        assert visitor.page.url == visitor.base_url + path, f"{path} was refused: it sent us to {visitor.page.url}"

    page = visitor.page
    # The pages offer exactly the steps that are possible now.
    visitor.visit(f"/admin/fines/objection/{to_plan.pk}/change/")
    tools = page.locator(".object-tools")
    assert tools.locator(f"a[href$='/objection/{to_plan.pk}/plan-hearing/']").count() == 1
    assert tools.locator(f"a[href$='/objection/{to_plan.pk}/reject/']").count() == 0  # heard first
    visitor.visit(f"/admin/fines/case/{open_case.pk}/change/")
    assert page.locator(f".object-tools a[href$='/case/{open_case.pk}/remind/']").count() == 1

    # A form sent without its reasons shows its errors, which pass the scan as well.
    for path in (f"/admin/fines/objection/{written.pk}/reject/", f"/admin/fines/objection/{to_plan.pk}/plan-hearing/",
                 f"/admin/fines/hearing/{hearing.pk}/minutes/"):
        visitor.visit(path)
        with page.expect_navigation():
            page.click("#content form [type=submit]")
        visitor.check()
        assert page.locator("#content .errorlist").count() >= 1, path

    # The print action on the case list, then its progress page with the PDF.
    visitor.visit("/admin/fines/case/")
    page.check(f"#result_list input[name=_selected_action][value='{open_case.pk}']")
    page.select_option("select[name=action]", "print_notices")
    page.click("#changelist-form button[name=index]")
    page.wait_for_url(re.compile(r"/admin/fines/printbatch/\d+/progress/$"))
    visitor.check()
    batch = PrintBatch.objects.get()
    assert batch.status == PrintStatus.READY and batch.total == 1
    assert page.locator(f"#print-progress a[href='/admin/fines/printbatch/{batch.pk}/download/']").count() == 1
    assert_pdf(visitor, f"/admin/fines/printbatch/{batch.pk}/download/")
    visitor.visit("/admin/fines/printbatch/")
