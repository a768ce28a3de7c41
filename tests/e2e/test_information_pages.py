"""Every information page, in Dutch and English, on a desktop and on a 360 px phone, passes axe."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["/", "/tarieven/", "/boetes/", "/zone-zoeken/", "/veelgestelde-vragen/", "/reglementen/",
         "/contact/", "/privacy/", "/toegankelijkheid/", "/account/login/", "/account/signup/",
         "/account/password/reset/"]


def test_every_information_page_in_dutch(visitor, demo_city):
    for path in PAGES:
        visitor.visit(path)
        assert visitor.page.locator("html").get_attribute("lang") == "nl"
        assert visitor.page.locator("h1").count() == 1, path


def test_every_information_page_in_english(visitor, demo_city):
    for path in PAGES:
        visitor.visit("/en" + path)
        assert visitor.page.locator("html").get_attribute("lang") == "en"


def test_a_regulation_and_the_zone_finder(visitor, demo_city):
    page = visitor.page
    visitor.visit("/reglementen/")
    page.click("main li a >> nth=0")
    visitor.check()
    visitor.visit("/zone-zoeken/")
    page.fill("input[name=street]", "Stadsplein")
    page.fill("input[name=house_number]", "1")
    page.click("main form button[type=submit]")
    visitor.check()
    page.fill("input[name=house_number]", "abc")
    page.click("main form button[type=submit]")
    visitor.check()


def test_every_information_page_fits_a_phone(phone, demo_city):
    for path in PAGES:
        phone.visit(path)
        assert phone.fits_width(), f"{path} scrolls sideways at 360 px"


def test_the_skip_link_moves_focus_to_the_content(visitor, demo_city):
    visitor.visit("/")
    visitor.page.keyboard.press("Tab")
    focused = visitor.page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == "#main"
    visitor.page.keyboard.press("Enter")
    assert visitor.page.evaluate("() => document.activeElement.id") == "main"
