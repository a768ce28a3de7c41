"""Notice numbers: check digits, reading what people type, display, and a counter that never hands out a number twice."""

import threading

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from fines import numbers
from fines.models import NoticeCounter


def test_the_check_digits_are_the_first_ten_digits_modulo_97():
    assert numbers.make(2026, 123) == "202600012320"
    assert int("2026000123") % 97 == 20


def test_a_remainder_of_zero_gives_97():
    assert numbers.make(2026, 6) == "202600000697"


@pytest.mark.parametrize("sequence", [0, 1_000_000, -1])
def test_a_sequence_outside_six_digits_is_refused(sequence):
    with pytest.raises(ValueError):
        numbers.make(2026, sequence)


def test_it_is_printed_in_three_groups():
    assert numbers.display("202600012320") == "2026-000123-20"


@pytest.mark.parametrize("typed", ["2026-000123-20", "2026 000123 20", "2026.000123.20", " 202600012320 ", "2026/000123/20"])
def test_it_reads_the_number_typed_in_any_form(typed):
    assert numbers.parse(typed) == "202600012320"


@pytest.mark.parametrize("typed", ["2026-000123-21", "2026-000123", "2026-000123-200", "2026-00O123-20", "", None,
                                   "٢٠٢٦٠٠٠١٢٣٢٠"])
def test_a_typo_or_a_foreign_script_is_not_a_notice_number(typed):
    assert numbers.parse(typed) is None


@given(st.text())
def test_reading_any_text_never_raises_and_only_accepts_valid_numbers(text):
    digits = numbers.parse(text)
    assert digits is None or (len(digits) == 12 and digits.isascii() and numbers.check_digits(digits[:10]) == digits[10:])


@given(st.integers(min_value=2014, max_value=2099), st.integers(min_value=1, max_value=999_999))
def test_every_printed_number_reads_back(year, sequence):
    number = numbers.make(year, sequence)
    assert numbers.parse(numbers.display(number)) == number


@pytest.mark.django_db
def test_each_year_counts_from_one():
    assert [numbers.next_number(2026) for _ in range(3)] == [numbers.make(2026, n) for n in (1, 2, 3)]
    assert numbers.next_number(2027) == numbers.make(2027, 1)
    assert numbers.next_number(2026) == numbers.make(2026, 4)
    assert dict(NoticeCounter.objects.values_list("year", "last")) == {2026: 4, 2027: 1}


@pytest.mark.django_db(transaction=True)
def test_two_transactions_starting_a_new_year_at_once_get_different_numbers():
    threads_count, per_thread = 4, 5
    barrier = threading.Barrier(threads_count)
    taken, errors = [], []
    lock = threading.Lock()

    def issuer():
        try:
            barrier.wait(timeout=10)
            for _ in range(per_thread):
                number = numbers.next_number(2031)
                with lock:
                    taken.append(number)
        except Exception as error:  # a failure in a thread must fail the test, not vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issuer) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(taken) == [numbers.make(2031, n) for n in range(1, threads_count * per_thread + 1)]
    assert NoticeCounter.objects.get(year=2031).last == threads_count * per_thread
