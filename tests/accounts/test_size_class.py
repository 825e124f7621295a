import pytest

from accounts.size_class import LARGE, SMALL_SCALE, SME, classify


@pytest.mark.parametrize(
    ("industry", "capital", "employees", "expected", "capital_test", "employee_test"),
    [
        # The examples of DOMAIN.md
        ("manufacturing", 500_000_000, 300, SME, False, True),
        ("retail", 100_000_000, 51, LARGE, False, False),
        ("services", 50_000_000, 101, SME, True, False),
        ("manufacturing", 500_000_000, 20, SMALL_SCALE, False, True),
        ("services", 500_000_000, 6, SME, False, True),
        # Boundaries: every threshold is inclusive (以下)
        ("manufacturing", 300_000_000, 301, SME, True, False),
        ("manufacturing", 300_000_001, 301, LARGE, False, False),
        ("manufacturing", 300_000_001, 300, SME, False, True),
        ("other", 300_000_000, 1000, SME, True, False),
        ("other", 300_000_001, 301, LARGE, False, False),
        ("wholesale", 100_000_000, 101, SME, True, False),
        ("wholesale", 100_000_001, 101, LARGE, False, False),
        ("wholesale", 100_000_001, 100, SME, False, True),
        ("services", 50_000_000, 1000, SME, True, False),
        ("services", 50_000_001, 101, LARGE, False, False),
        ("services", 50_000_001, 100, SME, False, True),
        ("retail", 50_000_000, 51, SME, True, False),
        ("retail", 50_000_001, 51, LARGE, False, False),
        ("retail", 50_000_001, 50, SME, False, True),
        # Small-scale: employees only, 20 (manufacturing and other) or 5 (commerce, services)
        ("manufacturing", 10**12, 20, SMALL_SCALE, False, True),
        ("manufacturing", 10_000_000, 21, SME, True, True),
        ("other", 10**12, 20, SMALL_SCALE, False, True),
        ("wholesale", 10**12, 5, SMALL_SCALE, False, True),
        ("wholesale", 10_000_000, 6, SME, True, True),
        ("retail", 10**12, 5, SMALL_SCALE, False, True),
        ("retail", 10_000_000, 6, SME, True, True),
        ("services", 10**12, 5, SMALL_SCALE, False, True),
    ],
)
def test_size_class_follows_the_sme_basic_act(industry, capital, employees, expected, capital_test, employee_test):
    result = classify(industry=industry, employees=employees, capital_jpy=capital)

    assert (result.size_class, result.capital_test, result.employee_test) == (
        expected,
        capital_test,
        employee_test,
    )


def test_sole_proprietor_has_no_capital_test():
    result = classify(industry="retail", employees=51, capital_jpy=None)

    assert result.size_class == LARGE
    assert result.capital_test is None


def test_sole_proprietor_within_the_employee_test_is_an_sme():
    assert classify(industry="retail", employees=50, capital_jpy=None).size_class == SME


@pytest.mark.parametrize(
    ("language", "capital", "employees", "basis"),
    [
        ("en", 500_000_000, 100, "SME by the employee test."),
        ("en", 50_000_000, 101, "SME by the capital test."),
        ("en", 10_000_000, 50, "SME by the capital test and the employee test."),
        ("en", 900_000_000, 500, "Large: neither the capital test nor the employee test is met."),
        ("ja", 500_000_000, 100, "従業員基準により中小企業者"),
        ("ja", 10**12, 3, "従業員基準により小規模企業者"),
    ],
)
def test_basis_explains_the_class_in_the_callers_language(language, capital, employees, basis):
    from django.utils import translation

    with translation.override(language):
        text = classify(industry="services", employees=employees, capital_jpy=capital).basis

    assert text.startswith(basis)


def test_prefecture_table_has_all_47_jis_codes_in_order_with_two_names():
    from accounts.prefectures import PREFECTURES, prefecture_name

    assert list(PREFECTURES) == [f"{n:02d}" for n in range(1, 48)]
    assert (prefecture_name("01", "ja"), prefecture_name("13", "en"), prefecture_name("47", "ja")) == (
        "北海道",
        "Tokyo",
        "沖縄県",
    )
    assert len({ja for ja, _ in PREFECTURES.values()}) == 47
