"""Amounts from the schedule in force on the observation day, and when a case cannot be GAS (domain.md 1.2-1.4, 2.3)."""

import datetime
from decimal import Decimal

import pytest

from fines.amounts import NotIssuable, age_on, amount_for, correct_speed, gas_refusal
from fines.models import CaseKind, Offence

from .conftest import brussels

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = brussels(2025, 5, 10, 10, 0)


def offence(code):
    return Offence.objects.get(code=code)


class TestRetribution:
    def test_it_is_twenty_euro_since_march_2021(self, fines_city):
        assert amount_for(offence("RETRIBUTION"), NOW) == Decimal("20.00")

    def test_it_was_twenty_five_euro_until_the_end_of_february_2021(self, fines_city):
        assert amount_for(offence("RETRIBUTION"), brussels(2021, 2, 28, 23, 30)) == Decimal("25.00")

    def test_the_day_is_the_belgian_day(self, fines_city):
        # 00:30 on 1 March in Brussels is still 28 February in UTC.
        first_of_march = brussels(2021, 3, 1, 0, 30).astimezone(datetime.UTC)
        assert first_of_march.day == 28
        assert amount_for(offence("RETRIBUTION"), first_of_march) == Decimal("20.00")

    def test_a_day_without_a_rate_cannot_be_priced(self, fines_city):
        with pytest.raises(NotIssuable) as caught:
            amount_for(offence("RETRIBUTION"), brussels(2017, 6, 1, 12, 0))
        assert "no parking retribution rate in force on" in caught.value.message


class TestGas4:
    @pytest.mark.parametrize(("code", "amount"), [
        ("E1", "58.00"), ("PARKING_DISC", "58.00"), ("C3", "58.00"), ("F103", "58.00"),
        ("PAVEMENT", "116.00"), ("DISABLED_PLACE", "116.00"), ("LEVEL_CROSSING", "330.00"),
    ])
    def test_each_category_has_its_fixed_amount(self, fines_city, code, amount):
        assert amount_for(offence(code), NOW) == Decimal(amount)

    @pytest.mark.parametrize(("code", "until_august", "from_september"), [
        ("E1", "55.00", "58.00"), ("PAVEMENT", "110.00", "116.00"), ("LEVEL_CROSSING", "330.00", "330.00")])
    def test_the_amounts_were_raised_on_1_september_2018(self, fines_city, code, until_august, from_september):
        assert amount_for(offence(code), brussels(2018, 8, 31, 18, 0)) == Decimal(until_august)
        assert amount_for(offence(code), brussels(2018, 9, 1, 8, 0)) == Decimal(from_september)

    def test_camera_offences_are_category_one(self, fines_city):
        assert {offence(code).gas4_category for code in ("C3", "F103")} == {1}
        assert all(offence(code).camera for code in ("C3", "F103"))


class TestGas5:
    @pytest.mark.parametrize(("limit", "corrected", "inside", "amount"), [
        (30, 41, True, "64.00"),   # domain.md 1.3: zone 30, corrected 41 km/h
        (30, 41, False, "59.00"),
        (30, 45, True, "108.00"),  # corrected 45 km/h
        (30, 45, False, "83.00"),
        (50, 55, True, "53.00"),   # up to 10 km/h over: the base amount
        (50, 60, False, "53.00"),
        (50, 70, True, "163.00"),  # the most GAS 5 can be
        (50, 70, False, "113.00"),
    ])
    def test_the_speed_table(self, fines_city, limit, corrected, inside, amount):
        assert amount_for(offence("GAS5"), NOW, speed_limit=limit, corrected_speed=corrected,
                          inside_built_up_area=inside) == Decimal(amount)

    def test_the_corrected_speed_is_the_measured_speed_minus_the_tolerance(self, fines_city):
        assert correct_speed(51, NOW) == 45
        assert correct_speed(4, NOW) == 0

    def test_it_needs_the_speeds_and_the_place(self, fines_city):
        with pytest.raises(NotIssuable) as caught:
            amount_for(offence("GAS5"), NOW, speed_limit=30, inside_built_up_area=True)
        assert "speed limit and the measured speed" in caught.value.message
        with pytest.raises(NotIssuable) as caught:
            amount_for(offence("GAS5"), NOW, speed_limit=30, corrected_speed=45)
        assert "built-up area" in caught.value.message


class TestGasRefusal:
    def refusal(self, kind=CaseKind.GAS5, **facts):
        values = {"holder_is_company": False, "holder_birth_date": datetime.date(1980, 1, 1), "observed_at": NOW,
                  "speed_limit": 30, "measured_speed": 51, "camera": True}
        values.update(facts)
        return gas_refusal(kind, **values)

    def test_an_adult_caught_by_a_camera_at_light_speed_is_a_gas5_case(self, fines_city):
        assert self.refusal() is None

    @pytest.mark.parametrize("kind", [CaseKind.GAS4, CaseKind.GAS5])
    def test_a_minor_cannot_receive_a_gas_fine(self, fines_city, kind):
        seventeen = datetime.date(2007, 5, 11)  # turns 18 the day after the observation
        assert self.refusal(kind, holder_birth_date=seventeen) == ("A minor cannot receive a GAS fine; the report goes "
                                                                  "to the public prosecutor.")
        assert self.refusal(kind, holder_birth_date=datetime.date(2007, 5, 10)) is None  # 18 that very day

    def test_a_legal_person_has_no_age(self, fines_city):
        assert self.refusal(holder_is_company=True, holder_birth_date=None) is None

    def test_a_retribution_is_no_gas_case_and_has_no_gas_conditions(self, fines_city):
        assert self.refusal(CaseKind.RETRIBUTION, holder_birth_date=datetime.date(2010, 1, 1), camera=False) is None

    def test_more_than_twenty_over_after_the_tolerance_goes_to_the_prosecutor(self, fines_city):
        assert self.refusal(measured_speed=56) is None  # 50 corrected: 20 over
        reason = self.refusal(measured_speed=57)
        assert "21 km/h over the limit" in reason and "at most 20 km/h" in reason

    def test_only_limits_of_30_and_50(self, fines_city):
        reason = self.refusal(speed_limit=70, measured_speed=85)
        assert "speed limits of 30 or 50 km/h" in reason and "70 km/h" in reason

    def test_another_offence_at_the_same_time(self, fines_city):
        assert "Another offence was committed at the same time" in self.refusal(other_offence=True)

    def test_only_speeding_recorded_by_a_camera(self, fines_city):
        assert "recorded by an automatic camera" in self.refusal(camera=False)

    def test_within_the_tolerance_there_is_no_offence(self, fines_city):
        assert "not above the limit" in self.refusal(measured_speed=36)

    def test_the_speeds_are_needed(self, fines_city):
        assert "speed limit and the measured speed" in self.refusal(measured_speed=None)

    def test_not_before_gas5_existed(self, fines_city):
        assert "GAS 5 fines were not possible on" in self.refusal(observed_at=brussels(2021, 1, 15, 9, 0))

    def test_a_given_corrected_speed_is_used_as_it_is(self, fines_city):
        assert self.refusal(measured_speed=None, corrected_speed=50) is None
        assert "21 km/h" in self.refusal(measured_speed=None, corrected_speed=51)


@pytest.mark.parametrize(("birth", "on", "age"), [
    (datetime.date(2000, 2, 29), datetime.date(2018, 2, 28), 17),
    (datetime.date(2000, 2, 29), datetime.date(2018, 3, 1), 18),
    (datetime.date(1990, 12, 31), datetime.date(2025, 1, 1), 34),
])
def test_age_on_a_day(birth, on, age):
    assert age_on(birth, on) == age
