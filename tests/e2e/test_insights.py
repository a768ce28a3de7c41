"""The data report and the decision support in Chromium: every page passes the accessibility scan, the questionnaire
works with and without JavaScript, and the report fits a phone."""

import importlib
import re

import pytest
from django.apps import apps

from tests.accounts.helpers import totp_code
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD
from tests.insights.data import write_week
from tests.personas import city_admin

pytestmark = pytest.mark.django_db(transaction=True)
WEEK = "start=2026-03-02&end=2026-03-08"


@pytest.fixture
def week(demo_city):
    write_week()
    # The decision support's data migration; the browser tests' database is emptied between tests.
    importlib.import_module("insights.migrations.0002_seed_decision_support").seed(apps, None)


@pytest.fixture
def ida(db):
    return city_admin()


def logged_in(visitor, user, offset=0):
    """Log in with two-factor login; a second browser uses the next code (a code is accepted only once)."""
    log_in(visitor, user, code=totp_code(user.totp_secret, offset))
    return visitor


def test_the_report_passes_the_scan_and_fits_a_phone(visitor, phone, week, ida):
    logged_in(visitor, ida)
    visitor.visit(f"/admin/insights/report/?{WEEK}")
    page = visitor.page
    assert page.locator("svg[role=img]").count() == 12
    assert page.locator("section.insights-figure table caption").count() == 12
    visitor.visit(f"/admin/insights/report/?{WEEK}&zones={page.locator('input[name=zones]').first.get_attribute('value')}")
    visitor.visit("/admin/insights/report/?start=2026-03-08&end=2026-03-02")  # a form with errors
    assert page.locator(".errorlist").count() >= 1

    logged_in(phone, ida, offset=1)
    phone.visit(f"/admin/insights/report/?{WEEK}")
    # The charts scale down and wide tables scroll in their own region, so the page itself does not scroll sideways.
    widths = phone.page.evaluate(
        "() => [...document.querySelectorAll('.insights-figure')].map(e => e.getBoundingClientRect().right)")
    assert max(widths) <= 360


def answer(visitor, *labels):
    page = visitor.page
    for label in labels:
        page.get_by_label(label, exact=True).check()
    page.click("input[type=submit]")
    page.wait_for_load_state("load")
    visitor.check()


def walk_the_questionnaire(visitor):
    page = visitor.page
    visitor.visit("/en/admin/insights/questionnaire/")
    page.click("text=Start")
    visitor.check()
    answer(visitor, "A concession to a private parking operator")
    answer(visitor, "A parking tax")
    page.click("a.closelink")  # back to the previous question, with its answer kept, to change it
    visitor.check()
    assert page.get_by_label("A parking tax", exact=True).is_checked()
    answer(visitor, "A parking retribution (a fee for a service)")
    answer(visitor, "Scan cars that read number plates", "Wardens with handhelds")
    answer(visitor, "On the city's website", "In parking apps of private providers")
    answer(visitor, "Yes")
    answer(visitor, "GAS 5 for light speeding with cameras")
    answer(visitor, "An intermunicipal sanctioning official")
    assert "/outcome/" in page.url
    assert page.locator("text=Five conditions for GAS 5").count() == 1


def test_the_questionnaire_passes_the_scan(visitor, week, ida):
    logged_in(visitor, ida)
    walk_the_questionnaire(visitor)
    visitor.visit(f"/en/admin/insights/questionnaire/outcome/?{WEEK}")
    with visitor.page.expect_download() as download:
        visitor.page.click("text=Download as PDF")
    assert download.value.suggested_filename.startswith("decision-support-")


def test_the_questionnaire_works_without_javascript(no_js, week, ida):
    """Plain links and forms only (no axe here: it needs JavaScript; the test above scans the same pages)."""
    page = no_js.page
    page.goto(no_js.base_url + "/account/login/")
    page.fill("input[name=login]", ida.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/account/2fa/authenticate/$"))
    page.fill("input[name=code]", totp_code(ida.totp_secret))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/$"))

    page.goto(no_js.base_url + "/en/admin/insights/questionnaire/")
    with page.expect_navigation():
        page.click("text=Start")
    for labels in (["An autonomous municipal company (AGB)"], ["A parking retribution (a fee for a service)"],
                   ["Scan cars that read number plates"], ["On the city's website"], ["No, only retributions"]):
        for label in labels:
            page.get_by_label(label, exact=True).check()
        with page.expect_navigation():
            page.click("input[type=submit]")
    assert page.url.endswith("/outcome/")
    assert page.locator("text=The autonomous municipal company may ask for the plate holder").count() == 1
    with page.expect_navigation():
        page.click("text=Back to the last question")
    assert page.get_by_label("No, only retributions", exact=True).is_checked()
    page.goto(no_js.base_url + "/en/admin/insights/questionnaire/question/technology/")
    page.get_by_label("Scan cars that read number plates", exact=True).uncheck()
    with page.expect_navigation():
        page.click("input[type=submit]")  # nothing chosen is refused with a message
    assert page.locator(".errornote").inner_text() == "Choose at least one answer."
