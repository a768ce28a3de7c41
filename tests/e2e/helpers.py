"""Steps the browser tests share."""

import re

from tests.factories import PASSWORD


def log_in(visitor, user, *, code=None):
    page = visitor.page
    visitor.visit("/account/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    if code:
        page.wait_for_url(re.compile(r"/account/2fa/authenticate/$"))
        page.fill("input[name=code]", code)
        page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/$"))
    visitor.check()
