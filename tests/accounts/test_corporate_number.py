import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.corporate_number import InvalidCorporateNumber, check_digit, display, normalize


def test_worked_example_from_the_ordinance():
    """Base 123456789012: sum 74, 74 mod 9 = 2, check digit 7."""
    assert check_digit("123456789012") == 7
    assert normalize("7123456789012") == "7123456789012"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7000012050002", "7000012050002"),  # 国税庁
        ("1180301018771", "1180301018771"),  # トヨタ自動車
        ("7-0000-1205-0002", "7000012050002"),
        ("7 0000 1205 0002", "7000012050002"),
        ("７０００－０１２０－５０００２", "7000012050002"),
        ("７０００‐０１２０‐５０００２", "7000012050002"),
    ],
)
def test_accepts_real_numbers_with_any_separators_and_full_width_digits(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("7000012050003", "check_digit"),
        ("0000012050002", "check_digit"),  # a check digit is 1-9, never 0
        ("700001205000", "length"),
        ("70000120500021", "length"),
        ("7000O12050002", "format"),
        ("", "length"),
        ("٧000012050002", "format"),  # Arabic-Indic digit: a digit, but not ours
    ],
)
def test_rejects_corporate_number_with_bad_check_digit_length_or_characters(raw, reason):
    with pytest.raises(InvalidCorporateNumber) as error:
        normalize(raw)

    assert error.value.reason == reason


def test_displays_grouped_one_four_four_four():
    assert display("7000012050002") == "7-0000-1205-0002"


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_every_base_with_its_check_digit_passes_and_never_starts_with_zero(base):
    number = f"{check_digit(base)}{base}"

    assert normalize(number) == number
    assert number[0] != "0"


@given(
    st.text(alphabet="0123456789", min_size=12, max_size=12),
    st.integers(min_value=0, max_value=11),
    st.integers(min_value=1, max_value=9),
)
def test_a_single_changed_digit_is_caught_unless_it_is_a_zero_nine_swap(base, position, shift):
    number = f"{check_digit(base)}{base}"
    digits = list(number)
    original = int(digits[position + 1])
    changed = (original + shift) % 10
    digits[position + 1] = str(changed)
    tampered = "".join(digits)

    if {original, changed} == {0, 9}:
        assert normalize(tampered) == tampered  # the documented blind spot
    else:
        with pytest.raises(InvalidCorporateNumber):
            normalize(tampered)
