"""The city profile refuses colours without enough contrast and invalid bank details."""

import pytest
from django.core.exceptions import ValidationError

from eloket.city.theme import contrast_ratio

pytestmark = pytest.mark.django_db


def errors_of(profile) -> dict:
    try:
        profile.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def test_the_demo_city_passes_its_own_checks(demo_city):
    assert errors_of(demo_city) == {}
    assert contrast_ratio(demo_city.colour_primary, demo_city.colour_primary_text) >= 4.5
    assert demo_city.iban_display == "BE71 0961 2345 6769"


def test_a_light_primary_colour_is_refused(demo_city):
    demo_city.colour_primary = "#66CCFF"

    errors = errors_of(demo_city)

    assert "colour_primary" in errors  # too light for links on white
    assert "colour_primary_text" in errors  # and for white text on it


def test_text_colour_too_close_to_the_primary_colour_is_refused(demo_city):
    demo_city.colour_primary_text = "#336699"

    assert list(errors_of(demo_city)) == ["colour_primary_text"]


def test_a_malformed_colour_is_reported_once(demo_city):
    demo_city.colour_primary = "blue"

    assert "colour_primary" in errors_of(demo_city)


def test_invalid_iban_and_bic_are_refused(demo_city):
    demo_city.iban = "BE71096123456760"
    demo_city.bic = "NOTABIC"

    errors = errors_of(demo_city)

    assert {"iban", "bic"} <= set(errors)


def test_contrast_ratio_bounds():
    assert round(contrast_ratio("#000000", "#FFFFFF"), 1) == 21.0
    assert contrast_ratio("#777777", "#777777") == 1.0
