"""The console's dashboard (/console/) and its CSV (/console/figures.csv): the queues, the year's
figures as the selectors compute them (tests/figures/world.py), the year selector, the CSV's
form, a constant number of queries, and nothing of Tokyo for anyone else."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Company
from billing.models import Invoice
from figures import fiscal
from figures.fiscal import FiscalYear
from figures.selectors import chamber_figures
from matching.models import MatchRun
from subsidies.models import SubsidyCase, SubsidyDocument, SubsidyProgram
from tests import factories
from tests.figures import world
from tests.figures.world import (
    case,
    jst,
    proposal,
)

# The module-scoped fixture world (tests/figures/world.py), built once for this module.
figures_world = world.figures_world

HOME = reverse("console:home")
CSV_URL = reverse("console:figures_csv")


def page(client, user, **params):
    client.force_login(user)
    response = client.get(HOME, params)
    assert response.status_code == 200
    return response.content.decode()


def csv_rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


# --- the queues ------------------------------------------------------------------


def queue(body: str, key: str) -> str:
    start = body.index(f'data-queue="{key}"')
    return body[start : body.index("</a>", start)]


def count_of(body: str, key: str) -> int:
    part = queue(body, key)
    start = part.index('queue__count">') + len('queue__count">')
    return int(part[start : part.index("<", start)])


def test_every_queue_shows_its_count_and_links_to_its_list(client, figures_world, db):
    tokyo = figures_world.cast.tokyo
    old = factories.CompanyFactory(chamber=tokyo, status=Company.Status.PENDING)
    Company.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=3, hours=1))
    factories.CompanyFactory(chamber=tokyo, status=Company.Status.PENDING)
    factories.CompanyFactory(chamber=figures_world.cast.osaka, status=Company.Status.PENDING)
    pending = proposal(figures_world, figures_world.requests["r3"], status="pending_review")
    run = MatchRun.objects.create(chamber=tokyo, status="running")
    Invoice.objects.filter(engagement=figures_world.engagements["e1"]).update(status="open")

    body = page(client, figures_world.cast.admin_carol)

    assert count_of(body, "companies") == 2
    assert "3日" in queue(body, "companies") or "3 days" in queue(body, "companies")
    assert 'href="/console/companies/"' in queue(body, "companies")
    assert count_of(body, "proposals") == 1
    assert 'href="/console/proposals/"' in queue(body, "proposals")
    assert count_of(body, "runs") == 1
    assert f'href="/console/runs/{run.pk}/"' in queue(body, "runs")
    assert count_of(body, "incidents") == 1  # R3, open since 2025-07-01
    assert count_of(body, "invoices") == 2  # E1's two, due 2025-05-31
    assert 'href="/console/invoices/"' in queue(body, "invoices")
    assert count_of(body, "refunds") == 1  # the pending 10,000 yen
    assert count_of(body, "certifications") == 0
    assert count_of(body, "documents") == 0
    assert pending.status == "pending_review"


def test_subsidy_documents_and_cases_near_a_deadline(client, figures_world, db):
    today = timezone.localdate()
    program = SubsidyProgram.objects.create(
        kind="hire", code="figures-deadline", name_ja="期限", name_en="Deadline", authority="労働局",
        fiscal_year=2026, amount_kind="per_period", amount_jpy=100_000,
        deadline_rules=[{"milestone": "claim", "after": "period_end", "days": 5, "reach": "submitted"}],
    )  # fmt: skip
    e1, e3 = figures_world.engagements["e1"], figures_world.engagements["e3"]
    near = case(e1, program, jst(2026, 5, 1), "collecting_documents")
    SubsidyCase.objects.filter(pk=near.pk).update(milestones={"period_end": str(today - datetime.timedelta(days=1))})
    far = case(e3, program, jst(2026, 5, 1), "in_progress")
    SubsidyCase.objects.filter(pk=far.pk).update(milestones={"period_end": str(today + datetime.timedelta(days=60))})
    SubsidyDocument.objects.create(
        case=near, document_type="plan", content_type="application/pdf", uploaded_by=figures_world.cast.sme_alice
    )

    body = page(client, figures_world.cast.admin_carol)

    assert count_of(body, "deadlines") == 1
    assert 'href="/console/subsidy-cases/"' in queue(body, "deadlines")
    assert count_of(body, "documents") == 1


# --- the figures -----------------------------------------------------------------


def test_the_years_figures_are_the_selectors_beside_their_charts(client, figures_world, db):
    body = page(client, figures_world.cast.admin_carol, year="2025")

    assert 'id="figures-year"' in body
    assert '<option value="2025" selected>' in body
    for key in ("requests", "engagements", "money", "subsidies", "bands"):
        start = body.index(f'id="figure-{key}"')
        section = body[start : body.index("</section>", start)]
        assert '<svg class="chart" role="img"' in section
        assert "<title" in section
        assert f'id="table-{key}"' in section
    assert "150,000円" in body
    assert "30,000円" in body
    assert "1,000,000円" in body
    assert "550,000円" in body
    headline = body[body.index('id="table-headline"') :]
    headline = headline[: headline.index("</table>")]
    assert ">3社<" in headline or ">3 companies<" in headline  # SMEs served
    assert "50.0%" in headline
    assert "4.0日" in headline
    assert "15.0日" in headline


def test_the_selector_chooses_the_year_and_defaults_to_the_current_one(client, figures_world, db):
    fy2026 = page(client, figures_world.cast.admin_carol, year="2026")
    assert "40,000円" in fy2026
    assert "150,000円" not in fy2026
    current = fiscal.current().year
    default = page(client, figures_world.cast.admin_carol)
    assert f'<option value="{current}" selected>' in default
    if current == 2026:  # the fixture world's FY2026 is the current year until April 2027
        assert "40,000円" in default


def test_the_csv_has_a_bom_japanese_headers_and_the_same_numbers(client, figures_world, db):
    carol = figures_world.cast.admin_carol
    client.force_login(carol)
    response = client.get(CSV_URL, {"year": "2025"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="figures-FY2025.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["年度", "指標", "区分", "値", "単位"]
    values = {(row[1], row[2]): (row[3], row[4]) for row in rows[1:]}
    assert all(row[0] == "2025年度" for row in rows[1:])
    figures = chamber_figures(carol, figures_world.cast.tokyo.pk, FiscalYear(2025))
    assert values[("支援した中小企業数", "全体")] == (str(figures.smes_served), "社") == ("3", "社")
    assert values[("公開された依頼", "全体")] == ("4", "件")
    assert values[("充足した依頼の割合", "全体")] == ("50.0", "%")
    assert values[("公開から最初の承認済み提案までの日数（中央値）", "全体")] == ("4.0", "日")
    assert values[("公開から契約までの日数（中央値）", "全体")] == ("15.0", "日")
    assert values[("公開された依頼", "対面相談")] == ("2", "件")
    assert values[("年度内に始まった契約", "継続中")] == ("2", "件")
    assert values[("年度内に始まった契約", "終了")] == ("2", "件")
    assert values[("回収した支払い", "金額")] == ("150000", "円")
    assert values[("回収した支払い", "プラットフォーム手数料")] == ("15000", "円")
    assert values[("返金", "金額")] == ("30000", "円")
    assert values[("申請額", "交付決定")] == ("1000000", "円")
    assert values[("決定額", "支給")] == ("550000", "円")
    assert values[("診断結果の区分別の企業数", "入門レベルの対策を達成")] == ("6", "社")
    hidden = [key for key, (value, _unit) in values.items() if key[0] == "診断結果の区分別の企業数" and value == ""]
    assert len(hidden) == 3  # every other band: under 5, not shown


def test_the_csv_follows_the_year(client, figures_world, db):
    client.force_login(figures_world.cast.admin_carol)
    rows = csv_rows(client.get(CSV_URL, {"year": "2026"}))
    values = {(row[1], row[2]): row[3] for row in rows[1:]}
    assert values[("支援した中小企業数", "全体")] == "1"
    assert values[("回収した支払い", "金額")] == "40000"


# --- who sees what ---------------------------------------------------------------


def test_another_chambers_admin_sees_their_own_figures_only(client, figures_world, db):
    body = page(client, figures_world.cast.admin_oscar, year="2025")
    assert "70,000円" in body
    assert "150,000円" not in body
    assert "株式会社アリス製作所" not in body
    client.force_login(figures_world.cast.admin_oscar)
    values = {(row[1], row[2]): row[3] for row in csv_rows(client.get(CSV_URL, {"year": "2025"}))[1:]}
    assert values[("回収した支払い", "金額")] == "70000"


@pytest.mark.parametrize("url", [HOME, CSV_URL])
@pytest.mark.parametrize("persona", ["sme_alice", "specialist_bob", "operator_olga"])
def test_smes_specialists_and_operators_get_not_found(client, figures_world, db, url, persona):
    client.force_login(getattr(figures_world.cast, persona))
    response = client.get(url, {"year": "2025"})
    assert response.status_code == 404
    assert "150,000" not in response.content.decode()


@pytest.mark.parametrize("url", [HOME, CSV_URL])
def test_anonymous_visitors_are_sent_to_sign_in(client, figures_world, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
