"""The error pages in Chromium, through axe like every other page: the 404 in the site's look, and the page a database
outage gives, which must look like the site and stay accessible without the database."""

import pytest

from tests.test_error_pages import unreachable_database

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_404_page_passes_axe_and_leads_home(visitor, demo_city):
    response = visitor.page.goto(visitor.base_url + "/bestaat-niet/")

    assert response.status == 404
    visitor.check()
    visitor.page.click("main a[href='/']")
    visitor.page.wait_for_url(visitor.base_url + "/")


def test_the_outage_page_passes_axe_without_the_database(visitor):
    with unreachable_database():
        response = visitor.page.goto(visitor.base_url + "/tarieven/")

        assert response.status == 503
        assert response.headers["retry-after"] == "30"
        visitor.check()
        assert visitor.page.locator("link[rel=stylesheet]").count() == 3  # the site's CSS, served without the database
