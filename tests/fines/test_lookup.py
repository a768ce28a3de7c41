"""Looking a case up without an account: any notation, one message for a wrong answer, and the limits per address
and per notice number that keep anybody from trying out numbers and plates."""

import logging

import pytest
import redis
from django.conf import settings as django_settings
from django.urls import reverse

from fines import access, lookup
from fines.forms import LookupForm
from fines.models import CaseKind, CaseStatus
from fines.numbers import display
from tests.i18n import en
from tests.payments.online import closed_port

pytestmark = pytest.mark.django_db

NOT_FOUND = "We found no case with this notice number and number plate."


@pytest.fixture
def case(case_in):
    return case_in(CaseKind.GAS4, CaseStatus.ISSUED, plate="1ABC123")


def notations(number: str) -> list[str]:
    """The same notice number as people type it."""
    printed = display(number)
    return [number, printed, printed.replace("-", " "), printed.replace("-", "."), f"  {printed.replace('-', '/')} ",
            f"{number[:4]} {number[4:10]}-{number[10:]}"]


def look_up(client, number: str, plate: str, address: str = "198.51.100.7", url: str | None = None):
    return client.post(url or reverse("fines:lookup"), {"notice_number": number, "plate": plate}, REMOTE_ADDR=address)


def wrong_number(case, offset: int = 1) -> str:
    """A well-formed notice number (right check digits) that belongs to no case."""
    from fines.numbers import make

    return make(int(case.notice_number[:4]), int(case.notice_number[4:10]) + 500 + offset)


class TestFindCase:
    def test_it_finds_the_case_in_every_notation_of_number_and_plate(self, case):
        for number in notations(case.notice_number):
            for plate in ("1-ABC-123", "1abc123", "1 abc 123", "1.ABC.123", " 1-abc-123 "):
                assert lookup.find_case(number, plate) == case, (number, plate)

    def test_a_wrong_plate_or_number_finds_nothing(self, case):
        assert lookup.find_case(case.notice_number, "1ABC124") is None
        assert lookup.find_case(wrong_number(case), "1ABC123") is None
        assert lookup.find_case("not a number", "1ABC123") is None
        assert lookup.find_case(case.notice_number, "") is None


class TestTheForm:
    def test_malformed_input_gets_a_clear_message(self, english):
        form = LookupForm({"notice_number": "2025-0001", "plate": "!!"})
        assert not form.is_valid()
        assert "A notice number has 12 digits, for example 2026-000123-45." in form.errors["notice_number"][0]
        assert "only letters and digits" in form.errors["plate"][0]

    def test_a_mistyped_digit_is_caught_by_the_check_digits(self, case, english):
        typo = case.notice_number[:5] + str((int(case.notice_number[5]) + 1) % 10) + case.notice_number[6:]
        form = LookupForm({"notice_number": typo, "plate": "1ABC123"})
        assert not form.is_valid()
        assert "one of the digits is probably mistyped" in form.errors["notice_number"][0]

    def test_empty_fields_say_what_to_enter(self, english):
        form = LookupForm({"notice_number": "", "plate": ""})
        assert form.errors["notice_number"] == ["Enter the notice number from the letter."]
        assert form.errors["plate"] == ["Enter the number plate of the vehicle."]


class TestThePage:
    def test_the_form_posts_and_never_puts_number_or_plate_in_a_url(self, client, case, english):
        page = client.get(en("fines:lookup")).content.decode()
        assert f'method="post" action="{en("fines:lookup")}"' in page
        response = look_up(client, display(case.notice_number), "1-abc-123", url=en("fines:lookup"))
        assert response.status_code == 302
        assert response["Location"] == en("fines:detail", case.pk)
        assert case.notice_number not in response["Location"] and "1ABC123" not in response["Location"]
        assert case.pk in client.session[access.SESSION_KEY]
        assert client.get(response["Location"]).status_code == 200

    def test_a_wrong_plate_and_an_unknown_number_get_the_same_message(self, client, case, english):
        wrong_plate = look_up(client, case.notice_number, "9ZZZ999", url=en("fines:lookup"))
        unknown = look_up(client, wrong_number(case), "1ABC123", url=en("fines:lookup"))
        for response in (wrong_plate, unknown):
            text = response.content.decode()
            assert response.status_code == 200
            assert NOT_FOUND in text
            assert "plate is wrong" not in text and "number is wrong" not in text
        assert access.SESSION_KEY not in client.session
        assert client.get(reverse("fines:detail", args=[case.pk])).status_code == 404

    def test_the_page_renders_in_dutch(self, client, case):
        page = client.get(reverse("fines:lookup")).content.decode()
        assert '<html lang="nl"' in page
        assert 'name="notice_number"' in page and 'name="plate"' in page

    def test_the_home_page_and_the_fines_information_link_to_the_lookup(self, client, fines_city, english):
        home = client.get(en("home")).content.decode()
        assert f'href="{en("fines:lookup")}">Look up a retribution or fine</a>' in home
        assert en("city:fines") != en("fines:lookup")
        information = client.get(en("city:fines")).content.decode()
        assert f'href="{en("fines:lookup")}">Look up your retribution or fine</a>' in information


class TestTheLimits:
    def test_ten_failures_from_one_address_block_it_even_for_the_right_answer(self, client, case, english):
        for attempt in range(lookup.ADDRESS_LIMIT.max):
            assert look_up(client, wrong_number(case, attempt), "1ABC123", url=en("fines:lookup")).status_code == 200
        response = look_up(client, case.notice_number, "1ABC123", url=en("fines:lookup"))
        assert response.status_code == 429
        assert access.SESSION_KEY not in client.session
        assert client.get(reverse("fines:detail", args=[case.pk])).status_code == 404

    def test_another_address_is_not_blocked(self, client, case):
        for attempt in range(lookup.ADDRESS_LIMIT.max):
            look_up(client, wrong_number(case, attempt), "1ABC123", address="198.51.100.7")
        assert look_up(client, case.notice_number, "1ABC123", address="198.51.100.8").status_code == 302

    def test_five_wrong_plates_for_one_number_block_that_number_from_every_address(self, client, case, english):
        for attempt in range(lookup.NUMBER_LIMIT.max):
            look_up(client, case.notice_number, f"9ZZZ{attempt:03d}", address=f"203.0.113.{attempt}")
        response = look_up(client, case.notice_number, "1ABC123", address="192.0.2.99", url=en("fines:lookup"))
        assert response.status_code == 429
        assert access.SESSION_KEY not in client.session
        # Other numbers are not blocked for that address.
        other = look_up(client, wrong_number(case), "1ABC123", address="192.0.2.99", url=en("fines:lookup"))
        assert other.status_code == 200

    def test_the_blocked_page_says_when_to_try_again_and_how_to_get_help(self, client, case, english, fines_city):
        for attempt in range(lookup.ADDRESS_LIMIT.max):
            look_up(client, wrong_number(case, attempt), "1ABC123")
        response = look_up(client, case.notice_number, "1ABC123", url=en("fines:lookup"))
        text = response.content.decode()
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= lookup.ADDRESS_LIMIT.seconds
        assert "Too many attempts" in text
        assert "You can try again from " in text and "minute" in text
        assert fines_city.phone in text and fines_city.email in text and fines_city.street_address in text
        assert f'href="{en("content:contact")}"' in text
        assert 'name="notice_number"' not in text  # nothing to try while blocked

    def test_the_block_ends_with_its_window(self, client, case):
        address = "198.51.100.7"
        for attempt in range(lookup.ADDRESS_LIMIT.max):
            look_up(client, wrong_number(case, attempt), "1ABC123", address=address)
        assert look_up(client, case.notice_number, "1ABC123", address=address).status_code == 429
        lookup.ADDRESS_LIMIT.clear(address)  # what the end of the window does
        assert look_up(client, case.notice_number, "1ABC123", address=address).status_code == 302

    def test_typos_caught_by_the_form_cost_no_attempt(self, client, case):
        for _attempt in range(lookup.ADDRESS_LIMIT.max * 2):
            assert look_up(client, "2025-12", "1ABC123").status_code == 200
        assert look_up(client, case.notice_number, "1ABC123").status_code == 302

    def test_a_lookup_still_works_when_redis_is_down(self, client, case, settings, caplog):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
        with caplog.at_level(logging.WARNING, logger="eloket.ratelimit"):
            assert look_up(client, case.notice_number, "1ABC123").status_code == 302
        assert "not applied: the cache is unavailable" in caplog.text
        assert case.notice_number not in caplog.text and "1ABC123" not in caplog.text

    def test_nothing_typed_reaches_redis(self, client, case):
        for attempt in range(3):
            look_up(client, wrong_number(case, attempt), "7QQQ777", address="203.0.113.55")
        client_ = redis.Redis.from_url(django_settings.REDIS_URL)
        stored = b"".join(key + (client_.get(key) or b"") for key in client_.keys("*"))
        for secret in (b"203.0.113.55", b"7QQQ777", wrong_number(case, 0).encode(), wrong_number(case, 0)[:10].encode()):
            assert secret not in stored
