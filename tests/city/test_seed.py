"""`manage.py seed_demo_city` seeds the Genk-like demo city, and running it again changes nothing."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command

from eloket.accounts import roles
from eloket.accounts.models import User, Vehicle
from eloket.city import demo
from eloket.city.models import PublicHoliday, Tariff, Zone, ZoneKind
from eloket.city.zones import zones_for_address

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings, media):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts() -> dict[str, int]:
    models = (list(apps.get_app_config("city").get_models()) + list(apps.get_app_config("permits").get_models())
              + [User, Vehicle, EmailAddress, Authenticator, Group])
    return {model._meta.label: model.objects.count() for model in models}


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo_city", *args, stdout=out)
    return out.getvalue()


def test_seeding_twice_changes_nothing():
    seed()
    first = counts()
    updated = {model: list(model.objects.order_by("pk").values()) for model in (Zone, Tariff, User)}

    seed()

    assert counts() == first
    assert {model: list(model.objects.order_by("pk").values()) for model in (Zone, Tariff, User)} == updated


def test_without_accounts_no_users_are_made(demo_city):
    assert User.objects.count() == 0
    assert Zone.objects.count() == len(demo.ZONES)


def test_the_demo_city_has_the_figures_of_the_domain_notes(demo_city):
    assert demo_city.name == "Genk"
    c1, c2, blue = (Tariff.objects.in_force().get(zone__code=code) for code in ("C1", "C2", "B1"))
    assert (c1.price_per_hour, c1.price_per_unit) == (Decimal("2.00"), Decimal("1.00"))
    assert (c2.price_per_hour, c2.price_per_unit) == (Decimal("1.00"), Decimal("0.50"))
    assert (c1.free_minutes, c1.free_once_per_day, c1.grace_minutes) == (60, True, 15)
    assert blue.max_duration_minutes == 120
    assert [(h.weekday, h.start, h.end) for h in c1.hours.all()] == [
        (day, datetime.time(9), datetime.time(18)) for day in range(6)]  # Monday to Saturday
    assert Zone.objects.filter(kind=ZoneKind.RESIDENT).count() == 2
    assert PublicHoliday.objects.filter(date=datetime.date(2026, 4, 6)).exists()  # Easter Monday 2026
    assert PublicHoliday.objects.filter(date=datetime.date(2027, 5, 17)).exists()  # Whit Monday 2027
    assert PublicHoliday.objects.filter(date__year=2027).count() == 10


def test_easter_dates():
    assert demo.easter_sunday(2026) == datetime.date(2026, 4, 5)
    assert demo.easter_sunday(2027) == datetime.date(2027, 3, 28)
    assert demo.easter_sunday(2024) == datetime.date(2024, 3, 31)


def test_demo_accounts_are_printed_and_ready_to_log_in():
    output = seed()

    for email in ["alice@example.org", "bob@example.org", "carla@stad.example", "erik@stad.example",
                  "sofie@stad.example", "ida@stad.example"]:
        assert email in output
        user = User.objects.get(email=email)
        assert user.check_password(demo.DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=user).verified
    assert "demo-eloket-2026" in output
    assert "DEMO_TOTP_CODE" in output


def test_citizens_have_a_vehicle_and_live_in_a_resident_zone():
    seed()

    for email in ["alice@example.org", "bob@example.org"]:
        citizen = User.objects.get(email=email)
        assert not citizen.is_staff
        assert citizen.vehicles.count() == 1
        zones = zones_for_address(citizen.street, citizen.house_number, citizen.postal_code)
        assert ZoneKind.RESIDENT in {zone.kind for zone in zones}


def test_staff_have_their_role_and_two_factor_login():
    seed()
    groups = roles.sync_roles()

    expected = {"carla@stad.example": roles.COUNTER, "erik@stad.example": roles.ENFORCEMENT,
                "sofie@stad.example": roles.SANCTIONING, "ida@stad.example": roles.CITY_ADMIN}
    for email, role in expected.items():
        member = User.objects.get(email=email)
        assert member.is_staff
        assert list(member.groups.all()) == [groups[role]]
        assert is_mfa_enabled(member)
    assert User.objects.get(email="ida@stad.example").is_superuser
    assert not User.objects.get(email="carla@stad.example").is_superuser


def test_seeding_restores_a_changed_demo_figure(demo_city):
    Zone.objects.filter(code="C1").update(name_en="Somewhere else")

    seed("--no-accounts")

    assert Zone.objects.get(code="C1").name_en == "Centre"
