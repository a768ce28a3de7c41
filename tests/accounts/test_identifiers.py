import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from eloket.accounts import national_number, phone
from eloket.logging import redact

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize("number", ["93051822361", "93.05.18-223.61", "00012556777"])
def test_valid_national_numbers_are_accepted(number):
    assert national_number.validate(number).isdigit()


@pytest.mark.parametrize("number", ["93051822362", "1234", "abcdefghijk", ""])
def test_invalid_national_numbers_are_refused_clearly(number):
    with pytest.raises(ValidationError) as error:
        national_number.validate(number)
    assert "11 digits" in error.value.messages[0]


@given(st.text(max_size=30))
def test_national_number_validation_never_crashes(text):
    try:
        national_number.validate(text)
    except ValidationError:
        pass


def test_national_number_is_masked_to_the_last_two_digits():
    assert national_number.mask("93051822361") == "••.••.••-•••.61"
    assert "930518" not in national_number.mask("93051822361")


def test_national_number_survives_encryption_and_is_not_stored_in_clear(settings):
    token = national_number.encrypt("93051822361")
    assert "93051822361" not in token
    assert national_number.decrypt(token) == "93051822361"
    assert national_number.decrypt("not-a-token") == ""


def test_log_lines_never_carry_a_national_number():
    assert redact("user 93.05.18-223.61 logged in") == "user [national number] logged in"
    assert redact("nn=93051822361") == "nn=[national number]"


def test_log_lines_never_carry_a_query_string():
    # An access log line of the enforcement check, whose contract puts the plate in the query.
    line = '127.0.0.1:5000 - "GET /api/v1/enforcement/check?plate=1ABC123&zone=C1 HTTP/1.1" 200'
    assert redact(line) == '127.0.0.1:5000 - "GET /api/v1/enforcement/check?[query] HTTP/1.1" 200'
    assert redact("Not Found: /boetes/12/") == "Not Found: /boetes/12/"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("0470 12 34 56", "+32470123456"), ("0032 470 12 34 56", "+32470123456"), ("+31 6 12345678", "+31612345678")],
)
def test_phone_numbers_are_stored_internationally(typed, stored):
    assert phone.validate(typed) == stored


def test_a_wrong_phone_number_gets_an_example():
    with pytest.raises(ValidationError) as error:
        phone.validate("12")
    assert "0470 12 34 56" in error.value.messages[0]
