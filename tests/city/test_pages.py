"""The public information pages: tariffs, fines and the zone finder, read from the reference rows."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from eloket.city.models import (
    Charge,
    Gas4Rate,
    Gas5Rate,
    PublicHoliday,
    RetributionRate,
    Tariff,
    Term,
    Zone,
    ZoneKind,
)

from .helpers import add_range, make_many_zones, make_zone

pytestmark = pytest.mark.django_db
PAGES = ["city:tariffs", "city:fines", "city:zone_finder"]


def url(name: str, language: str = "nl", query: str = "") -> str:
    with translation.override(language):
        return reverse(name) + (f"?{query}" if query else "")


def text_of(response) -> str:
    return response.content.decode().replace("\xa0", " ")  # amounts keep € and figure together


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_page_opens_for_anonymous_visitors(client, demo_city, name, language):
    response = client.get(url(name, language))

    assert response.status_code == 200
    html = text_of(response)
    assert html.count("<h1") == 1
    assert 'style="' not in html and "<script>" not in html


def test_english_pages_live_under_the_en_prefix(demo_city):
    assert url("city:tariffs", "en") == "/en/tarieven/"
    assert url("city:fines") == "/boetes/"
    assert url("city:zone_finder") == "/zone-zoeken/"


@pytest.mark.parametrize("name", PAGES)
def test_pages_without_any_reference_data_say_so_plainly(client, name):
    response = client.get(url(name, "en"))

    assert response.status_code == 200


# --- Tariffs -------------------------------------------------------------------------------------

def test_tariffs_show_each_zone_from_its_tariff_in_force(client, demo_city):
    html = text_of(client.get(url("city:tariffs", "en")))

    assert 'id="zone-C1"' in html and "Centre" in html
    assert "€ 2.00 per hour, charged per half hour (€ 1.00 per half hour)" in html
    assert "€ 1.00 per hour, charged per half hour (€ 0.50 per half hour)" in html
    assert "1 hour free, once per zone per day" in html
    assert "within 15 minutes after you park" in html
    assert "2 hours" in html  # maximum stay in the blue zone
    assert "09:00–18:00" in html
    assert "Monday to Saturday" in html
    assert "Blue zone: how the parking disc works" in html
    assert "11:30" in html


def test_tariffs_are_dutch_first_in_dutch(client, demo_city):
    html = text_of(client.get(url("city:tariffs", "nl")))

    assert "Centrum" in html
    assert "Blauwe zone Winterslag" in html


def test_tariffs_follow_a_changed_row(client, demo_city):
    Tariff.objects.filter(zone__code="C1").update(price_per_hour=Decimal("3.00"))

    html = text_of(client.get(url("city:tariffs", "en")))

    assert "€ 3.00 per hour" in html
    assert "€ 1.50 per half hour" in html


def test_inactive_zones_and_past_tariffs_are_not_shown(client, demo_city):
    Zone.objects.filter(code="C2").update(is_active=False)
    Tariff.objects.filter(zone__code="B1").update(valid_to=datetime.date(2022, 1, 1))

    html = text_of(client.get(url("city:tariffs", "en")))

    assert 'id="zone-C2"' not in html
    assert 'id="zone-B1"' in html
    assert "No tariff has been published for this zone today" in html


def test_upcoming_public_holidays_are_listed(client, demo_city):
    today = datetime.date.today()
    PublicHoliday.objects.create(date=today + datetime.timedelta(days=3), name_nl="Testfeest", name_en="Test Day")

    html = text_of(client.get(url("city:tariffs", "en")))

    assert "Test Day" in html


def test_tariffs_without_zones(client):
    html = text_of(client.get(url("city:tariffs", "en")))

    assert "No parking zones have been published yet" in html
    assert "public holidays of the coming year have not been published" in html


# --- Fines ---------------------------------------------------------------------------------------

def test_fines_show_the_figures_in_force(client, demo_city):
    html = text_of(client.get(url("city:fines", "en")))

    assert "€ 20.00 per day" in html
    assert "€ 25.00" not in html  # the retribution before 1 March 2021
    assert "not a fine" in html and "civil law" in html
    assert "€ 58.00" in html and "€ 116.00" in html and "€ 330.00" in html
    assert "€ 55.00" not in html
    assert "Stopping or parking on a level crossing" in html
    assert "Pay within 30 days" in html
    assert "object in writing within 30 days" in html
    assert "more than € 70.00" in html
    assert "Category 2 (€ 116.00), Category 4 (€ 330.00)" in html


def test_fines_show_gas4_examples_in_dutch(client, demo_city):
    html = text_of(client.get(url("city:fines", "nl")))

    assert "Stilstaan of parkeren op een overweg" in html
    assert "€ 58,00" in html


def test_the_gas5_tables_are_computed_from_the_table_row(client, demo_city):
    html = text_of(client.get(url("city:fines", "en")))

    assert "GAS 5 fines where the limit is 30 km/h" in html
    assert "GAS 5 fines where the limit is 50 km/h" in html
    # zone 30, corrected 41 km/h: €64 inside, €59 outside; 45 km/h: €108 / €83
    assert '<th class="utrecht-table__header-cell utrecht-table__cell--numeric-data" scope="row">41</th>' in html
    row_41 = html.split('scope="row">41</th>')[1].split("</tr>")[0]
    row_45 = html.split('scope="row">45</th>')[1].split("</tr>")[0]
    assert "€ 64.00" in row_41 and "€ 59.00" in row_41
    assert "€ 108.00" in row_45 and "€ 83.00" in row_45
    assert 'scope="row">51</th>' not in html.split("limit is 50 km/h")[0]  # 21 over in zone 30 is not GAS 5
    assert 'scope="row">70</th>' in html


def test_fines_without_any_figures_show_plain_sentences(client):
    response = client.get(url("city:fines", "en"))

    html = text_of(response)
    assert response.status_code == 200
    assert "amount of the parking retribution has not been published yet" in html
    assert "GAS 4 amounts have not been published yet" in html
    assert "GAS 5 amounts have not been published yet" in html
    assert "The term to pay is stated on the notice you received" in html


def test_fines_when_only_some_figures_exist(client):
    Gas4Rate.objects.create(category=1, amount=Decimal("58"), valid_from=datetime.date(2018, 9, 1))

    html = text_of(client.get(url("city:fines", "en")))

    assert "€ 58.00" in html
    assert "No examples published." in html
    assert "GAS 5 amounts have not been published yet" in html


# --- Zone finder ---------------------------------------------------------------------------------

def find(client, language="en", **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    response = client.get(url("city:zone_finder", language, query))
    assert response.status_code == 200
    return text_of(response)


def test_the_finder_offers_the_streets_in_a_datalist(client, demo_city):
    html = find(client)

    assert '<datalist id="street-names">' in html
    assert 'list="street-names"' in html
    assert '<option value="André Dumontlaan">' in html
    assert 'for="id_street"' in html and 'for="id_house_number"' in html and 'for="id_postal_code"' in html
    assert "Result" not in html


def test_the_finder_shows_every_zone_of_an_address(client, demo_city):
    html = find(client, street="molenstraat", house_number="12")

    assert "Molenstraat 12 lies in these parking zones:" in html
    assert 'href="/en/tarieven/#zone-C1"' in html and 'href="/en/tarieven/#zone-R1"' in html
    assert "Paid zone" in html and "Resident zone" in html


def test_the_finder_takes_sides_and_accents_into_account(client, demo_city):
    assert "#zone-C1" in find(client, street="Europalaan", house_number="7")
    assert "#zone-C2" in find(client, street="Europalaan", house_number="8")
    assert "#zone-B1" in find(client, street="andre dumontlaan", house_number="5")


def test_an_address_in_no_zone_gets_a_plain_message(client, demo_city):
    html = find(client, street="Molenstraat", house_number="999")

    assert "Molenstraat 999 lies in no parking zone" in html


def test_an_unknown_street_gets_a_plain_message(client, demo_city):
    html = find(client, street="Nergensstraat", house_number="1")

    assert "We do not know a street called “Nergensstraat”" in html


def test_the_postal_code_narrows_the_search(client, demo_city):
    html = find(client, street="Stadsplein", house_number="1", postal_code="1000")

    assert "lies in no parking zone" in html
    assert "We looked only in postal code 1000" in html


@pytest.mark.parametrize("params, field, message", [
    ({"street": "Stadsplein", "house_number": "abc"}, "house_number", "A house number starts with a number"),
    ({"street": "Stadsplein", "house_number": ""}, "house_number", "Enter a house number."),
    ({"street": "", "house_number": "1"}, "street", "Enter a street name."),
    ({"street": "123", "house_number": "1"}, "street", "A street name has letters"),
    ({"street": "Stadsplein", "house_number": "1", "postal_code": "36OO"}, "postal_code", "4 digits"),
])
def test_bad_input_gets_a_clear_form_error(client, demo_city, params, field, message):
    html = find(client, **params)

    assert message in html
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    assert f'id="id_{field}_error"' in html
    assert "Error:" in html.split("</title>")[0]
    assert "Result" not in html


def test_form_errors_show_on_the_dutch_page_too(client, demo_city):
    html = find(client, language="nl", street="Stadsplein", house_number="abc")

    assert 'id="id_house_number_error"' in html


# --- Query counts --------------------------------------------------------------------------------

def queries_for(client, path: str) -> int:
    """Queries of one request, after a first request warmed the per-process caches (content types)."""
    client.get(path)
    cache.clear()  # the city profile is cached in Redis; start every measurement alike
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def large_data_set():
    zones = make_many_zones(40)
    for zone in zones[:10]:
        add_range("Molenstraat", zone, 1, 200)
    today = datetime.date.today()
    PublicHoliday.objects.bulk_create(
        PublicHoliday(date=today + datetime.timedelta(days=day), name_nl=f"Feest {day}") for day in range(1, 60, 3)
    )
    for code in ["payment", "objection", "reminder", "driver_designation", "appeal"]:
        Term.objects.create(code=code, days=30, valid_from=datetime.date(2000, 1, 1),
                            valid_to=datetime.date(2010, 1, 1))
    RetributionRate.objects.create(amount=Decimal("10"), valid_from=datetime.date(2000, 1, 1),
                                   valid_to=datetime.date(2010, 1, 1))
    Charge.objects.create(code="reminder_cost", amount=Decimal("5"), valid_from=datetime.date(2000, 1, 1),
                          valid_to=datetime.date(2010, 1, 1))
    Gas5Rate.objects.create(valid_from=datetime.date(2000, 1, 1), valid_to=datetime.date(2010, 1, 1),
                            base_amount=Decimal("50"), per_kmh_inside=Decimal("10"), per_kmh_outside=Decimal("5"))


@pytest.mark.parametrize("name, query", [
    ("city:tariffs", ""),
    ("city:fines", ""),
    ("city:zone_finder", ""),
    ("city:zone_finder", "street=Molenstraat&house_number=12"),
    ("city:zone_finder", "street=Molenstraat&house_number=abc"),
])
def test_pages_run_the_same_number_of_queries_whatever_the_data(client, django_assert_num_queries, name, query):
    make_zone("C1")
    make_zone("B1", kind=ZoneKind.BLUE, price="0", max_duration_minutes=120)
    path = url(name, "en", query)
    small = queries_for(client, path)

    large_data_set()
    cache.clear()
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200
    assert small <= 8


@pytest.mark.parametrize("name", PAGES)
def test_the_demo_city_pages_run_as_few_queries_as_an_empty_city(client, name):
    path = url(name, "en")
    empty = queries_for(client, path)

    from django.core.management import call_command
    call_command("seed_demo_city", "--no-accounts", verbosity=0)

    assert queries_for(client, path) == empty
