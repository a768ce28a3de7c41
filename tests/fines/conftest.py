import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from fines import issuing
from fines.amounts import BRUSSELS
from fines.demo import seed_offences
from fines.models import Case, CaseKind, CaseStatus, Offence

HOLDER = {"name": "Jan Claes", "is_company": False, "birth_date": datetime.date(1980, 5, 1), "street": "Stadsplein 1",
          "postal_code": "3600", "municipality": "Genk", "country": "BE"}
COMPANY = {"name": "Transport Claes NV", "is_company": True, "birth_date": None, "street": "Industrieweg 7",
           "postal_code": "3600", "municipality": "Genk", "country": "BE"}
CODE_OF_KIND = {CaseKind.RETRIBUTION: "RETRIBUTION", CaseKind.GAS4: "PAVEMENT", CaseKind.GAS5: "GAS5"}
AMOUNT_OF_KIND = {CaseKind.RETRIBUTION: "20.00", CaseKind.GAS4: "116.00", CaseKind.GAS5: "108.00"}
SPEEDS = {"speed_limit": 30, "measured_speed": 51, "corrected_speed": 45, "inside_built_up_area": True}


def brussels(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def catalogue(db):
    """The offence catalogue alone (retribution, GAS 4 categories 1, 2 and 4, C3/F103, GAS 5): enough for refusals."""
    seed_offences()


@pytest.fixture
def fines_city(demo_city, catalogue):
    """The demo city's reference data (amounts, terms, charges) with the offence catalogue."""
    return demo_city


@pytest.fixture
def issue(fines_city, media):
    """Issue a case of an offence code through the rules, with a plausible observation two days ago."""
    def make(code="PAVEMENT", **fields):
        values = {"offence": Offence.objects.get(code=code), "plate": "1-abc-123", "holder": HOLDER,
                  "place": "Stadsplein 4", "observed_at": timezone.now() - datetime.timedelta(days=2)}
        if code == "GAS5":
            values.update(speed_limit=30, measured_speed=51, inside_built_up_area=True)
        values.update(fields)
        return issuing.issue_case(**values)

    return make


@pytest.fixture
def case_in(catalogue):
    """A case row written directly in a given kind and status, with terms that let every dated step through."""
    numbers = iter(range(1, 10_000))

    def make(kind=CaseKind.GAS4, status=CaseStatus.ISSUED, **fields):
        from fines.numbers import make as make_number

        values = {
            "kind": kind, "status": status, "notice_number": make_number(2025, next(numbers)), "plate": "1ABC123",
            "holder_name": HOLDER["name"], "holder_street": HOLDER["street"], "holder_postal_code": "3600",
            "holder_municipality": "Genk", "offence": Offence.objects.get(code=CODE_OF_KIND[kind]), "place": "Markt 1",
            "observed_at": timezone.now() - datetime.timedelta(days=70), "amount": AMOUNT_OF_KIND[kind],
            "issued_on": days_ago(60),
            "due_date": days_ago(1), "objection_until": days_ago(-5), "driver_until": days_ago(-5),
        }
        if kind == CaseKind.GAS5:
            values.update(SPEEDS)
        values.update(fields)
        values["amount"] = Decimal(values["amount"])
        return Case.objects.create(**values)

    return make
