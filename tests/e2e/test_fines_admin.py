"""The staff pages of fines pass the accessibility scan: the case list, registering, a case, cancelling, imports."""

import datetime

import pytest
from django.utils import timezone

from fines import issuing
from fines.demo import seed_offences
from tests.accounts.helpers import totp_code
from tests.e2e.helpers import log_in
from tests.personas import enforcement, sanctioning_official

pytestmark = pytest.mark.django_db(transaction=True)

HOLDER = {"name": "Jan Claes", "is_company": False, "birth_date": datetime.date(1980, 5, 1), "street": "Stadsplein 1",
          "postal_code": "3600", "municipality": "Genk", "country": "BE"}


@pytest.fixture
def case(demo_city, media):
    seed_offences()
    return issuing.issue_case(offence="PAVEMENT", plate="1ABC123", holder=HOLDER, place="Molenstraat 40",
                              observed_at=timezone.now() - datetime.timedelta(days=2))


def test_the_sanctioning_official_pages_pass_the_scan(visitor, case):
    sofie = sanctioning_official()
    log_in(visitor, sofie, code=totp_code(sofie.totp_secret))
    for path in ("/admin/fines/case/", f"/admin/fines/case/{case.pk}/change/", f"/admin/fines/case/{case.pk}/cancel/",
                 "/admin/fines/importbatch/"):
        visitor.visit(path)


def test_enforcement_registers_and_imports_pages_pass_the_scan(visitor, case):
    erik = enforcement()
    log_in(visitor, erik, code=totp_code(erik.totp_secret))
    for path in ("/admin/fines/case/add/", "/admin/fines/importbatch/add/", "/admin/fines/importbatch/"):
        visitor.visit(path)
