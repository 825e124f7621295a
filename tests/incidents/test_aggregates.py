"""k-anonymity of the published counts, and the dominance rule for loss totals."""

import datetime

import pytest

from incidents.aggregates import Row, loss_total, tabulate

MAY = datetime.date(2026, 5, 1)


def rows(n, *, prefecture="13", industry="manufacturing", month=MAY, start=0, loss=None, size="sme"):
    return [
        Row(
            organisation=f"org{start + i}",
            category="ransomware",
            industry=industry,
            size_class=size,
            prefecture=prefecture,
            month=month,
            loss_jpy=loss,
        )
        for i in range(n)
    ]


def test_four_organisations_in_a_tokyo_construction_month_cell_are_generalised_not_shown():
    # Four in Tokyo and one in Kanagawa, the same month: no Tokyo cell; one Kanto cell of five.
    table = tabulate(rows(4) + rows(1, prefecture="14", start=10), k=5)

    assert [cell.as_dict() for cell in table.cells] == [
        {
            "level": "region_month",
            "category": "ransomware",
            "industry": "manufacturing",
            "size_class": None,
            "prefecture": None,
            "region": "kanto",
            "month": "2026-05",
            "quarter": None,
            "incidents": 5,
            "loss_total_jpy": None,
        }
    ]
    assert table.suppressed_incidents == 0


def test_five_organisations_in_that_cell_are_shown_as_that_cell():
    table = tabulate(rows(5), k=5)

    assert [(c.level, c.key, c.incidents) for c in table.cells] == [
        (
            "prefecture_month",
            {
                "category": "ransomware",
                "industry": "manufacturing",
                "size_class": "sme",
                "prefecture": "13",
                "month": "2026-05",
            },
            5,
        )
    ]
    assert table.cells[0].as_dict()["region"] == "kanto"


def test_four_alone_are_suppressed_and_five_incidents_of_four_organisations_are_four():
    assert tabulate(rows(4), k=5).cells == []
    assert tabulate(rows(4), k=5).suppressed_incidents == 4
    twice = rows(4) + rows(1)  # org0 twice
    assert tabulate(twice, k=5).suppressed_incidents == 5


def test_generalisation_widens_in_order_size_region_quarter_industry_region_period():
    levels = [
        (rows(3, size="sme") + rows(2, size="small_scale", start=3), "prefecture_month_any_size"),
        (rows(3) + rows(2, prefecture="11", start=3), "region_month"),
        (rows(3) + rows(2, month=datetime.date(2026, 6, 1), start=3), "region_quarter"),
        (rows(3) + rows(2, industry="retail", start=3), "region_quarter_any_industry"),
        (rows(3) + rows(2, prefecture="27", start=3), "quarter"),
        (rows(3) + rows(2, month=datetime.date(2026, 10, 1), start=3), "category"),
    ]
    for given, level in levels:
        assert [cell.level for cell in tabulate(given, k=5).cells] == [level]


def test_cells_never_overlap_every_incident_is_counted_once():
    given = rows(5) + rows(3, prefecture="14", start=20) + rows(2, prefecture="12", start=30)
    table = tabulate(given, k=5)

    assert sum(cell.incidents for cell in table.cells) + table.suppressed_incidents == len(given)
    assert [(c.level, c.incidents) for c in table.cells] == [("prefecture_month", 5), ("region_month", 5)]


@pytest.mark.parametrize(
    ("losses", "published"),
    [
        ([810_000, 50_000, 50_000, 50_000, 40_000], None),  # one organisation pays 81 %
        ([800_000, 50_000, 50_000, 50_000, 50_000], 1_000_000),  # 80 % is not over 80 %
        ([100, 100, None, None, None], None),  # two contributors could each subtract their own
        ([None] * 5, None),
    ],
)
def test_a_loss_total_dominated_by_one_organisation_is_suppressed(losses, published):
    given = [Row(f"org{i}", "ransomware", "manufacturing", "sme", "13", MAY, loss) for i, loss in enumerate(losses)]

    assert loss_total(given, 80) == published
    assert tabulate(given, k=5).cells[0].loss_total_jpy == published


def test_the_api_publishes_no_small_cell(world, client_for):
    from incidents.models import SharingPolicy
    from tests import factories
    from tests.incidents_fixtures import incident_engagement, make_report, member_company, share

    for i in range(4):
        owner = factories.UserFactory(role="sme")
        company = member_company(world.tokyo, owner, name=f"建設{i}", industry="manufacturing")
        share(make_report(incident_engagement(company, owner, world.bob), owner, tlp="green"), owner, world.admin)
    table = client_for(world.rita).get("/api/v1/shared-incidents/aggregates/").json()

    assert table == {"k": 5, "dominance_percent": 80, "cells": [], "suppressed_incidents": 4}
    SharingPolicy.objects.create(chamber=world.tokyo, k_threshold=4)
    cells = client_for(world.rita).get("/api/v1/shared-incidents/aggregates/").json()["cells"]
    assert [(c["level"], c["prefecture"], c["incidents"]) for c in cells] == [("prefecture_month", "13", 4)]
