import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from eloket.accounts import plates

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1-abc-123", "1ABC123"),
        (" 2 XYZ 987 ", "2XYZ987"),
        ("abc.123", "ABC123"),
        ("123-ABC", "123ABC"),
        ("M-ABC-12", "MABC12"),
        ("ANNA 1", "ANNA1"),
        ("HH-AB-1234", "HHAB1234"),
        ("GE-12-AB", "GE12AB"),
        ("1–ABC–123".replace("–", "-"), "1ABC123"),
    ],
)
def test_it_accepts_and_normalises_real_plates(typed, stored):
    assert plates.validate(typed) == stored


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "Enter a number plate."),
        ("1-ABC-12€", "only letters and digits"),
        ("X", "too short"),
        ("ABCDEFGHIJKLMNOP", "too long"),
        ("AAAAAAA", "does not look like a number plate"),
        ("1ABC<script>", "only letters and digits"),
    ],
)
def test_it_refuses_garbage_with_a_clear_reason(typed, reason):
    with pytest.raises(ValidationError) as error:
        plates.validate(typed)
    assert reason in error.value.messages[0]


@pytest.mark.parametrize(
    ("plate", "shown"),
    [("1ABC123", "1-ABC-123"), ("ABC123", "ABC-123"), ("123ABC", "123-ABC"), ("ANNA1", "ANNA1")],
)
def test_it_shows_belgian_plates_as_printed(plate, shown):
    assert plates.display(plate, "BE") == shown


def test_foreign_plates_are_shown_as_stored():
    assert plates.display("GE12AB", "NL") == "GE12AB"


def test_unusual_belgian_plates_are_flagged_not_refused():
    assert plates.is_usual_belgian("1ABC123")
    assert plates.is_usual_belgian("ABC123")
    assert not plates.is_usual_belgian("ANNA1")
    assert plates.validate("ANNA1") == "ANNA1"


@given(st.text())
def test_the_parser_never_raises_anything_but_a_validation_error(text):
    normalised = plates.normalize(text)
    assert normalised == normalised.upper() or not normalised.isascii()
    try:
        result = plates.validate(text)
    except ValidationError as error:
        assert error.messages
    else:
        assert result.isascii() and result.isalnum() and result == result.upper()
        assert plates.MIN_LENGTH <= len(result) <= plates.MAX_LENGTH
