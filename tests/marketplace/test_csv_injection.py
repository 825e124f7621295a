"""CSV exports are opened in Excel: text that users typed must never run there as a formula."""

import csv
import datetime
import io

import pytest

from billing import invoicing
from marketplace.csv_export import safe_cell
from tests.billing_fixtures import engaged
from tests.subsidies_fixtures import make_case, make_hire, programs
from tests.talent_fixtures import make_specialist

# The four forms a probe typed into names (and the two control characters Excel also reads).
FORMULAS = [
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","請求書")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\tﾃﾞｰﾀ",
    "\r=1+1",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_starts_a_formula_is_shown_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["株式会社アリス製作所", "8900000000001", "", "a=b", 60_000, -5, None])
def test_other_cells_are_left_as_they_are(value):
    assert safe_cell(value) == value


def _cells(response) -> list[str]:
    assert response.status_code == 200, response.content
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return [cell for row in rows[1:] for cell in row]


def _assert_neutralised(cells: list[str], company_name: str, display_name: str) -> None:
    assert "'" + company_name in cells
    assert "'" + display_name in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r"))]
    assert not [cell for cell in cells if cell.startswith("-") and not cell.lstrip("-").isdigit()]


@pytest.mark.parametrize(("company_name", "display_name"), [(FORMULAS[0], FORMULAS[1]), (FORMULAS[2], FORMULAS[3])])
def test_both_exports_neutralise_names_an_sme_and_a_specialist_typed(
    settings, client_for, tokyo, admin_carol, sme_alice, alice_company, specialist_bob, company_name, display_name
):
    """Given an SME that renamed its company and a specialist that renamed themselves to formulas,
    when the chamber admin exports invoices and subsidy cases, then every such cell is text."""
    settings.STRIPE_SECRET_KEY = "sk_test_export_only"  # the export calls no Stripe; billing just needs it set
    bob = make_specialist(specialist_bob)
    retainer = engaged(alice_company, sme_alice, bob, fee_jpy=55_000, service_start=datetime.date(2026, 9, 1))
    invoicing.issue_due_invoices(today=datetime.date(2026, 10, 20))
    make_case(make_hire(alice_company, sme_alice, bob), programs(tokyo)["demo-trial-employment"], sme_alice)
    assert retainer.invoices.exists()

    renamed = client_for(sme_alice).patch(f"/api/v1/companies/{alice_company.pk}/", {"name": company_name})
    assert renamed.status_code == 200, renamed.content
    redisplayed = client_for(specialist_bob).patch("/api/v1/specialists/me/", {"display_name": display_name})
    assert redisplayed.status_code == 200, redisplayed.content

    carol = client_for(admin_carol)
    invoices = _cells(carol.get("/api/v1/invoices/export/"))
    cases = _cells(carol.get("/api/v1/subsidy-cases/export/"))

    _assert_neutralised(invoices, company_name, display_name)
    assert "'" + company_name in cases
    assert not [cell for cell in cases if cell.startswith(("=", "+", "@", "\t", "\r"))]
