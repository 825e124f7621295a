"""Each figure of figures.selectors against the hand-computed values of tests/figures/world.py."""

import datetime

import pytest
from rest_framework.exceptions import NotFound

from figures import fiscal
from figures.fiscal import FiscalYear
from figures.selectors import chamber_figures

FY2025, FY2026 = FiscalYear(2025), FiscalYear(2026)


@pytest.fixture
def fy2025(figures_world, db):
    return chamber_figures(figures_world.cast.admin_carol, figures_world.cast.tokyo.pk, FY2025)


@pytest.fixture
def fy2026(figures_world, db):
    return chamber_figures(figures_world.cast.admin_carol, figures_world.cast.tokyo.pk, FY2026)


def test_smes_served_counts_each_company_once_and_the_year_ends_at_midnight_in_tokyo(fy2025, fy2026):
    # Alice (twice), B, and C at 23:59 JST on 31 March; D at 00:00 JST on 1 April is the next year's
    assert fy2025.smes_served == 3
    assert fy2026.smes_served == 1


def test_requests_by_kind_count_those_published_in_the_year(fy2025):
    rows = {row.kind: (row.published, row.filled) for row in fy2025.requests_by_kind}
    assert rows == {"advisor": (1, 1), "spot": (2, 1), "incident": (1, 0), "hire": (0, 0)}
    assert (fy2025.requests_published, fy2025.requests_filled) == (4, 2)


def test_share_of_requests_filled(fy2025, fy2026):
    assert fy2025.filled_percent == 50.0
    assert fy2026.filled_percent is None  # nothing published that year


def test_median_time_to_the_first_approved_proposal(fy2025):
    # 2, 4 and 6 days (R1's second, later approval does not count)
    assert fy2025.to_first_approval.count == 3
    assert fy2025.to_first_approval.value == datetime.timedelta(days=4)
    assert fy2025.to_first_approval.days == 4.0


def test_median_time_to_an_engagement(fy2025, fy2026):
    assert fy2025.to_engagement.count == 2
    assert fy2025.to_engagement.days == 15.0  # 10 and 20 days
    assert fy2026.to_engagement.value is None


def test_engagements_active_and_ended(fy2025, fy2026):
    assert (fy2025.engagements_active, fy2025.engagements_ended) == (2, 2)
    assert (fy2026.engagements_active, fy2026.engagements_ended) == (1, 0)


def test_fees_collected_and_refunded(fy2025, fy2026):
    # 23:59 JST on 31 March counts in FY2025, 00:00 on 1 April in FY2026; pending: never
    assert (fy2025.collected_jpy, fy2025.collected_fee_jpy, fy2025.payments) == (150_000, 15_000, 2)
    assert (fy2025.refunded_jpy, fy2025.refunded_fee_jpy, fy2025.refunds) == (30_000, 3_000, 1)
    assert (fy2026.collected_jpy, fy2026.collected_fee_jpy, fy2026.refunded_jpy) == (40_000, 4_000, 0)


def test_subsidy_cases_by_stage_with_amounts_claimed_and_decided(fy2025, fy2026):
    stages = {row.status: (row.cases, row.claimed_jpy, row.decided_jpy) for row in fy2025.subsidy_stages}
    assert stages == {
        "draft": (1, 0, 0),
        "submitted": (1, 600_000, 0),
        "granted": (1, 1_000_000, 400_000),
        "paid": (1, 600_000, 550_000),
    }
    assert {row.status: row.cases for row in fy2026.subsidy_stages} == {"under_review": 1}


def test_diagnosis_bands_hide_cells_under_five(fy2025):
    cells = {cell.band: cell.count for cell in fy2025.bands.cells}
    assert cells["achieved"] == 6
    assert cells["mostly"] is None  # 2 companies: hidden
    assert [band for band, count in cells.items() if count is not None] == ["achieved"]
    assert fy2025.bands.companies == 8


def test_osaka_sees_only_its_own(figures_world, db):
    osaka = chamber_figures(figures_world.cast.admin_oscar, figures_world.cast.osaka.pk, FY2025)
    assert (osaka.smes_served, osaka.requests_published, osaka.collected_jpy) == (1, 1, 70_000)
    assert [(row.status, row.cases, row.claimed_jpy) for row in osaka.subsidy_stages] == [("submitted", 1, 600_000)]


@pytest.mark.parametrize("persona", ["admin_oscar", "sme_alice", "specialist_bob"])
def test_another_chamber_and_other_roles_get_not_found(figures_world, db, persona):
    with pytest.raises(NotFound):
        chamber_figures(getattr(figures_world.cast, persona), figures_world.cast.tokyo.pk, FY2025)


def test_an_operator_reads_any_chamber(figures_world, db):
    found = chamber_figures(figures_world.cast.operator_olga, figures_world.cast.tokyo.pk, FY2025)
    assert found.smes_served == 3


def test_fiscal_years_in_tokyo():
    assert fiscal.of_date(datetime.date(2026, 3, 31)) == FY2025
    assert fiscal.of_date(datetime.date(2026, 4, 1)) == FY2026
    assert FY2025.starts_at.isoformat() == "2025-04-01T00:00:00+09:00"
    assert FY2025.ends_at.isoformat() == "2026-04-01T00:00:00+09:00"
    assert fiscal.parse("2024") == FiscalYear(2024)
    assert fiscal.parse("nonsense") == fiscal.current()
    assert fiscal.parse("1999") == fiscal.current()
