"""Staff maintain the reference data in the admin; citizens never get in."""

import datetime

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eloket.accounts import roles
from eloket.city.models import CityProfile, Street, Tariff, Term, TermCode, Zone
from tests.i18n import en

from .helpers import add_range, make_many_zones, make_zone

pytestmark = pytest.mark.django_db
CITY_MODELS = [model._meta.model_name for model in apps.get_app_config("city").get_models()]
REGISTERED = [name for name in CITY_MODELS if name not in {"streetrange", "tariffhours"}]  # edited inline


def admin_url(name: str, action: str = "changelist", *args) -> str:
    """English admin URLs: the tests assert on the source strings."""
    return en(f"admin:city_{name}_{action}", *args)


@pytest.fixture
def as_ida(client, ida):
    client.force_login(ida)
    return client


def test_city_admins_may_edit_everything_but_add_or_delete_the_city_profile():
    granted = roles.permissions_of(roles.CITY_ADMIN)

    for name in CITY_MODELS:
        assert {f"city.view_{name}", f"city.change_{name}"} <= granted
        if name == "cityprofile":
            assert not {"city.add_cityprofile", "city.delete_cityprofile"} & granted
        else:
            assert {f"city.add_{name}", f"city.delete_{name}"} <= granted


@pytest.mark.parametrize("role", [roles.COUNTER, roles.ENFORCEMENT, roles.SANCTIONING])
def test_other_staff_roles_may_only_view_city_data(role):
    city = {perm for perm in roles.permissions_of(role) if perm.startswith("city.")}

    assert city == {f"city.view_{name}" for name in CITY_MODELS}


@pytest.mark.parametrize("name", REGISTERED)
def test_every_city_changelist_loads_for_the_city_admin(as_ida, demo_city, name):
    response = as_ida.get(admin_url(name), follow=True)

    assert response.status_code == 200


@pytest.mark.parametrize("name", [name for name in REGISTERED if name != "cityprofile"])
def test_every_add_form_and_a_change_form_load_for_the_city_admin(as_ida, demo_city, name):
    model = apps.get_model("city", name)

    assert as_ida.get(admin_url(name, "add")).status_code == 200
    assert as_ida.get(admin_url(name, "change", model.objects.order_by("pk").first().pk)).status_code == 200


def test_the_city_index_lists_the_reference_data(as_ida, demo_city):
    response = as_ida.get(en("admin:app_list", "city"))

    assert response.status_code == 200
    assert admin_url("tariff") in response.content.decode()


@pytest.mark.parametrize("name", ["tariff", "zone", "cityprofile"])
def test_citizens_are_sent_to_the_admin_login(client, alice, demo_city, name):
    client.force_login(alice)

    response = client.get(admin_url(name))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_counter_staff_can_look_but_not_change(client, carla, demo_city):
    client.force_login(carla)
    tariff = Tariff.objects.first()

    assert client.get(admin_url("tariff")).status_code == 200
    assert client.get(admin_url("tariff", "change", tariff.pk)).status_code == 200
    assert client.get(admin_url("tariff", "add")).status_code == 403
    assert client.post(admin_url("tariff", "delete", tariff.pk), {"post": "yes"}).status_code == 403
    assert Tariff.objects.filter(pk=tariff.pk).exists()


# --- The city profile is a singleton -------------------------------------------------------------

def test_the_city_profile_list_opens_the_one_profile(as_ida, demo_city):
    response = as_ida.get(admin_url("cityprofile"))

    assert response.status_code == 302
    assert response["Location"] == admin_url("cityprofile", "change", demo_city.pk)


def test_the_city_profile_cannot_be_added_twice_or_deleted(client, demo_city, django_user_model):
    root = django_user_model.objects.create_superuser("root@stad.example", "a-long-password-1")
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    TOTP.activate(root, generate_totp_secret())
    client.force_login(root)

    assert client.get(admin_url("cityprofile", "add")).status_code == 403
    assert client.get(admin_url("cityprofile", "delete", demo_city.pk)).status_code == 403


def test_the_city_profile_change_form_refuses_poor_contrast(as_ida, demo_city):
    response = as_ida.get(admin_url("cityprofile", "change", demo_city.pk))
    data = {**response.context["adminform"].form.initial}
    data = {key: ("" if value is None else value) for key, value in data.items() if key != "logo"}
    data["colour_primary"] = "#99CCFF"

    response = as_ida.post(admin_url("cityprofile", "change", demo_city.pk), data)

    assert response.status_code == 200
    assert "WCAG needs 4.5:1" in response.content.decode()
    assert CityProfile.objects.get().colour_primary == demo_city.colour_primary


# --- Validity rows in the admin ------------------------------------------------------------------

def tariff_form(zone_pk, valid_from, valid_to="", hours=()):
    data = {
        "zone": zone_pk, "valid_from": valid_from, "valid_to": valid_to, "price_per_hour": "2.00",
        "billing_unit_minutes": "30", "max_duration_minutes": "", "free_minutes": "0", "grace_minutes": "0",
        "free_on_public_holidays": "on",
        "hours-TOTAL_FORMS": str(len(hours)), "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0", "hours-MAX_NUM_FORMS": "1000",
    }
    for number, (weekday, start, end) in enumerate(hours):
        data.update({f"hours-{number}-weekday": weekday, f"hours-{number}-start": start, f"hours-{number}-end": end})
    return data


def test_an_overlapping_tariff_is_refused_with_a_form_error(as_ida):
    zone = make_zone("C1")  # a tariff from 2021-03-01, open-ended

    response = as_ida.post(admin_url("tariff", "add"), tariff_form(zone.pk, "2025-01-01"))

    assert response.status_code == 200
    assert "already valid in (part of) this period" in response.content.decode()
    assert Tariff.objects.count() == 1


def test_a_tariff_without_a_zone_gets_a_field_error_not_a_crash(as_ida):
    response = as_ida.post(admin_url("tariff", "add"), tariff_form("", "2025-01-01"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["zone"]


def test_a_following_tariff_with_hours_is_saved(as_ida):
    zone = make_zone("C1")
    Tariff.objects.filter(zone=zone).update(valid_to=datetime.date(2025, 12, 31))

    response = as_ida.post(admin_url("tariff", "add"),
                           tariff_form(zone.pk, "2026-01-01", hours=[("0", "09:00", "12:00"), ("0", "13:00", "18:00")]))

    assert response.status_code == 302
    assert Tariff.objects.get(valid_from=datetime.date(2026, 1, 1)).hours.count() == 2


def test_overlapping_paid_hours_on_one_day_are_refused(as_ida):
    zone = make_zone("C1")
    Tariff.objects.filter(zone=zone).update(valid_to=datetime.date(2025, 12, 31))

    response = as_ida.post(admin_url("tariff", "add"),
                           tariff_form(zone.pk, "2026-01-01", hours=[("0", "09:00", "14:00"), ("0", "13:00", "18:00")]))

    assert response.status_code == 200
    assert "overlap" in response.content.decode()


def test_an_overlapping_term_is_refused(as_ida):
    Term.objects.create(code=TermCode.PAYMENT, days=30, valid_from=datetime.date(2014, 7, 1))

    response = as_ida.post(admin_url("term", "add"), {"code": "payment", "days": "15", "valid_from": "2020-01-01"})

    assert response.status_code == 200
    assert "already valid" in response.content.decode()


def test_the_validity_filter_splits_past_current_and_future(as_ida):
    Term.objects.create(code=TermCode.APPEAL, days=10, valid_from=datetime.date(2000, 1, 1),
                        valid_to=datetime.date(2000, 12, 31))
    Term.objects.create(code=TermCode.APPEAL, days=20, valid_from=datetime.date(2001, 1, 1),
                        valid_to=datetime.date(2998, 12, 31))
    Term.objects.create(code=TermCode.APPEAL, days=30, valid_from=datetime.date(2999, 1, 1))

    def days_listed(validity):
        response = as_ida.get(admin_url("term"), {"validity": validity})
        return sorted(row.days for row in response.context["cl"].result_list)

    assert days_listed("past") == [10]
    assert days_listed("current") == [20]
    assert days_listed("future") == [30]


def test_the_zone_list_filters_and_searches(as_ida, demo_city):
    response = as_ida.get(admin_url("zone"), {"kind__exact": "resident", "q": "R"})

    assert sorted(zone.code for zone in response.context["cl"].result_list) == ["R1", "R2"]


# --- Query counts --------------------------------------------------------------------------------

def queries_for(client, path: str) -> int:
    """Queries of one request, after a first request warmed the per-process caches (content types)."""
    client.get(path)
    cache.clear()  # the city profile is cached in Redis; start every measurement alike
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["tariff", "street", "zone", "term", "gas4rate", "publicholiday"])
def test_changelists_do_not_run_a_query_per_row(as_ida, name, django_assert_num_queries):
    make_zone("A1")
    add_range("Teststraat", Zone.objects.get(code="A1"))
    path = admin_url(name)
    small = queries_for(as_ida, path)

    make_many_zones(30)
    cache.clear()
    with django_assert_num_queries(small):
        as_ida.get(path)


def test_a_street_with_many_ranges_loads_its_zone_choices_once(as_ida):
    zones = make_many_zones(3)
    for zone in zones:
        add_range("Lange straat", zone, 1, 9)
    street = Street.objects.get(name="Lange straat")
    path = admin_url("street", "change", street.pk)
    few = queries_for(as_ida, path)

    for number in range(10, 400, 20):
        add_range("Lange straat", zones[0], number, number + 9)

    assert queries_for(as_ida, path) == few
