"""Parsers of outside input that had no property test: any text gives the parser's own answer, never an exception;
valid input in every usual notation is accepted; where there is a formatter, its output reads back.

The other parsers have theirs beside their app's tests (docs/security.md lists them all): SMS bodies
(tests/parking_sessions/test_sms.py), the CSV import (tests/fines/test_importing.py), CODA and CAMT.053
(tests/payments/test_bank_parsers.py), notice numbers (tests/fines/test_numbers.py), plates and national numbers
(tests/accounts), disability card and recognition numbers (tests/permits), the operator, SMS, enforcement and
observation APIs (tests/parking_sessions, tests/api) and uploads (tests/test_uploads.py).
"""

import datetime
import string

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eloket.accounts import national_number, phone, plates
from eloket.payments import references
from eloket.payments.bank.common import belgian_iban_from_bban, normalise_iban
from fines import importing

ASCII_DIGITS = set(string.digits)
separators = st.sampled_from(["", " ", "-", ".", "  ", " - "])
# Text that looks like a number: ASCII digits with other scripts' digits (Arabic-Indic, full-width, superscript),
# which Python's str.isdigit() and a str regex's \d accept but int() or a phone gateway may not.
number_like = st.text(st.sampled_from("0123456789+-. /()٠١٢٣٤٥٦٧٨٩０１２³²:"), max_size=24)
any_text = st.text(max_size=40) | number_like
OTHER_DIGITS = ["٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९"]


def in_other_scripts(digits: str):
    """The number with some of its digits written in another script's digits (a phone keyboard, a paste)."""
    return st.lists(st.tuples(st.booleans(), st.sampled_from(OTHER_DIGITS)), min_size=len(digits),
                    max_size=len(digits)).map(lambda swaps: "".join(
                        script[int(char)] if swap and char.isdigit() else char for char, (swap, script) in zip(
                            digits, swaps, strict=True)))


def refused_or(parser, text):
    """The parser's answer, or None when it refused the text with a ValidationError that says something."""
    try:
        return parser(text)
    except ValidationError as error:
        assert error.messages and all(error.messages)
        return None


# --- number plates: what is stored is shown formatted, and the formatted plate reads back ---------------------------

belgian_plates = st.one_of(
    st.builds(lambda digit, letters, number: f"{digit}{letters}{number:03d}", st.integers(1, 9),
              st.text("ABCDEFGHJKLMNPRSTUVWXYZ", min_size=3, max_size=3), st.integers(0, 999)),
    st.builds(lambda letters, number: f"{letters}{number:03d}", st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3,
                                                                         max_size=3), st.integers(0, 999)),
    st.builds(lambda number, letters: f"{number:03d}{letters}", st.integers(0, 999),
              st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)),
)


@given(belgian_plates)
def test_a_belgian_plate_shown_formatted_reads_back_as_stored(plate):
    assert plates.validate(plates.display(plate)) == plate
    assert plates.validate(plates.display(plate).lower()) == plate


@given(st.text())
def test_an_accepted_plate_is_accepted_again_unchanged(text):
    plate = refused_or(plates.validate, text)
    if plate is not None:
        assert plates.validate(plate) == plate and set(plate) <= set(string.ascii_uppercase + string.digits)
        assert plates.normalize(plates.display(plate)) == plate


# --- national register numbers -----------------------------------------------------------------------------------

@st.composite
def national_numbers(draw) -> str:
    born = draw(st.dates(datetime.date(1920, 1, 1), datetime.date(2024, 12, 31)))
    first_nine = f"{born:%y%m%d}{draw(st.integers(1, 997)):03d}"
    base = int(("2" if born.year >= 2000 else "") + first_nine)
    return f"{first_nine}{97 - base % 97:02d}"


@given(national_numbers(), separators, separators)
def test_a_valid_national_number_is_accepted_in_any_notation(number, first, second):
    typed = f"{number[:2]}.{number[2:4]}.{number[4:6]}{first}{number[6:9]}{second}{number[9:]}"
    assert national_number.validate(typed) == number
    assert national_number.mask(number).endswith(number[-2:]) and number[:9] not in national_number.mask(number)


@given(any_text | national_numbers().flatmap(in_other_scripts))
def test_a_national_number_is_eleven_ascii_digits_or_refused(text):
    number = refused_or(national_number.validate, text)
    assert number is None or (len(number) == 11 and set(number) <= ASCII_DIGITS)


# --- phone numbers (SMS parking finds the account by the number stored) ----------------------------------------------

@given(any_text | st.integers(400_000_000, 499_999_999).flatmap(lambda digits: in_other_scripts(f"0{digits}")))
def test_a_phone_number_is_stored_in_ascii_international_form_or_refused(text):
    number = refused_or(phone.validate, text)
    if number is not None:
        assert number[0] == "+" and set(number[1:]) <= ASCII_DIGITS and 8 <= len(number) - 1 <= 15


@given(st.integers(400_000_000, 499_999_999), st.sampled_from(["0{}", "+32{}", "0032{}", "+32 (0){}"]), separators)
def test_a_belgian_mobile_number_is_the_same_however_it_is_written(digits, notation, separator):
    local = str(digits)
    spaced = separator.join([local[:3], local[3:5], local[5:7], local[7:]])
    typed = notation.format(spaced).replace("(0)", "") if "(0)" in notation else notation.format(spaced)
    assert phone.validate(typed) == f"+32{local}"


# --- structured communications (OGM) and IBANs, typed by citizens and read from bank files ----------------------------

@given(any_text | st.integers(0, 10**10 - 1).map(lambda base: f"{base:010d}{base % 97 or 97:02d}").flatmap(
    in_other_scripts))
def test_a_structured_communication_is_twelve_digits_with_their_check_or_none(text):
    digits = references.parse(text)
    if digits is not None:
        assert len(digits) == 12 and set(digits) <= ASCII_DIGITS
        assert int(digits[10:]) == (int(digits[:10]) % 97 or 97)


@given(st.integers(0, 10**10 - 1), st.sampled_from(["+++{}+++", "***{}***", "{}"]), st.sampled_from(["", " ", "/", " / "]))
def test_a_printed_structured_communication_reads_back(base, frame, separator):
    digits = f"{base:010d}{base % 97 or 97:02d}"
    assert references.parse(references.display(digits)) == digits
    assert references.parse(frame.format(separator.join([digits[:3], digits[3:7], digits[7:]]))) == digits


@given(st.text(max_size=50))
def test_an_iban_is_a_valid_compact_iban_or_empty(text):
    iban = normalise_iban(text)
    if iban:
        assert iban == iban.upper() and " " not in iban and normalise_iban(iban) == iban


@given(st.sampled_from(["001", "063", "091", "310", "523", "645", "735"]), st.integers(0, 10**7 - 1), st.booleans())
def test_a_belgian_iban_written_in_groups_reads_back(bank, account, lower):
    """Accounts of banks on the register (the check refuses an IBAN whose bank code is unknown)."""
    first_ten = f"{bank}{account:07d}"
    bban = f"{first_ten}{int(first_ten) % 97 or 97:02d}"
    iban = belgian_iban_from_bban(bban)
    written = " ".join(iban[position:position + 4] for position in range(0, len(iban), 4))
    assert normalise_iban(written.lower() if lower else written) == iban


# --- the CSV import's dates, times and yes/no -----------------------------------------------------------------------

@given(any_text)
def test_the_import_reads_a_moment_or_gives_none(text):
    moment = importing.parse_moment(text)
    assert moment is None or (moment.tzinfo is not None and moment.year >= 1900)
    day = importing.parse_day(text)
    assert day is None or day.year >= 1900
    assert importing.parse_yes_no(text) in (True, False, None)


@given(st.datetimes(datetime.datetime(2000, 1, 1), datetime.datetime(2099, 12, 31)).map(
    lambda moment: moment.replace(second=0, microsecond=0)))
def test_a_moment_written_either_way_reads_back_in_brussels_time(moment):
    expected = moment.replace(tzinfo=importing.BRUSSELS)
    assert importing.parse_moment(f"{moment:%Y-%m-%d %H:%M}") == expected
    assert importing.parse_moment(f"{moment.day}/{moment.month}/{moment:%Y %H:%M}") == expected
    assert importing.parse_day(f"{moment:%d/%m/%Y}") == importing.parse_day(f"{moment:%Y-%m-%d}") == moment.date()


# --- appointments: a notice number typed as an answer, a day in the slot picker's link ------------------------------

@given(any_text | st.integers(0, 10**10 - 1).map(lambda base: f"{base:010d}{base % 97 or 97:02d}").flatmap(
    in_other_scripts))
def test_an_appointments_notice_number_is_twelve_ascii_digits_or_refused(text):
    from appointments.questions import clean_notice_number

    number = refused_or(clean_notice_number, text)
    assert number is None or (len(number) == 12 and set(number) <= ASCII_DIGITS)


@given(st.text(max_size=30))
def test_the_slot_pickers_day_is_a_date_or_none(text):
    from appointments.picker import parse_day

    assert parse_day(text) is None or isinstance(parse_day(text), datetime.date)


# --- the chat: what a conversation is about, and the poll's ?after= ---------------------------------------------------

@given(st.text(max_size=30) | st.sampled_from(["permit:", "case:"]).flatmap(
    lambda kind: number_like.map(lambda number: kind + number)))
def test_a_chat_link_is_a_known_kind_and_a_number_or_none(text):
    from chat import links

    found = links.parse(text)
    if found is not None:
        kind, number = found
        assert kind in {provider.key for provider in links.providers()} and number >= 0
        assert links.parse(links.value(kind, number)) == found


@given(st.sampled_from(["permit", "case"]), st.integers(0, 10**12))
def test_a_chat_link_reads_back(kind, number):
    from chat import links

    if kind in {provider.key for provider in links.providers()}:
        assert links.parse(links.value(kind, number)) == (kind, number)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(after=st.text(max_size=12) | st.sampled_from(["²", "١٢", "99999999999999999999", "-1", " 3"]))
def test_the_chats_poll_answers_any_after_with_the_messages(client, alice, alices_conversation, after):
    client.force_login(alice)
    response = client.get(reverse("chat:messages", args=[alices_conversation.pk]), {"after": after})
    assert response.status_code == 200


# --- Belgian postal codes on every form that asks for one ------------------------------------------------------------

def _postal_code_forms(user):
    from eloket.accounts.forms import ProfileForm
    from eloket.city.forms import ZoneFinderForm
    from fines.objection_forms import DriverForm
    from permits.forms import ResidentStepOneForm

    return {
        "profile": lambda code: ProfileForm(data={"postal_code": code, "preferred_language": "nl"}, instance=user),
        "zone finder": lambda code: ZoneFinderForm(data={"street": "Molenstraat", "house_number": "12", "postal_code": code}),
        "resident card": lambda code: ResidentStepOneForm(data={"postal_code": code}, user=user),
        "named driver": lambda code: DriverForm(data={"postal_code": code, "country": "BE"}),
    }


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=number_like | st.integers(1000, 9999).map(str).flatmap(in_other_scripts))
def test_a_postal_code_is_four_ascii_digits_or_refused_on_every_form(alice, code):
    for name, form_for in _postal_code_forms(alice).items():
        form = form_for(code)
        form.is_valid()
        if "postal_code" not in form.errors:
            kept = form.cleaned_data.get("postal_code", "")
            assert kept == "" or (len(kept) == 4 and set(kept) <= ASCII_DIGITS), (name, kept)


@pytest.mark.django_db
@pytest.mark.parametrize(("after", "from_the_start"), [("²", True), ("١٢", True), ("-1", True), ("x", True),
                                                      ("99999999999999999999", False)])
def test_the_staff_consoles_poll_answers_any_after_with_the_messages(client, carla, alices_conversation, after,
                                                                     from_the_start):
    """What is not a plain number reads as "from the start"; a number past the last message gives none."""
    client.force_login(carla)
    response = client.get(reverse("admin:chat_console_messages", args=[alices_conversation.pk]), {"after": after})
    assert response.status_code == 200
    assert ("Hoe vraag ik een bewonerskaart aan?" in response.content.decode()) is from_the_start
