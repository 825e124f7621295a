"""The incident pages (web/sme/incidents.py, web/console/incidents.py): what a person notices.

- The SME's preview is the very text members read (the same row, the same template), and it
  holds none of the name, e-mail address, phone number, corporate number or own hosts typed.
- A RED report is never in a member's feed, figures, or the STIX download; withdrawal takes a
  shared report out of all three.
- Another company's report and another chamber's are 404, whatever is posted to them.
- A forensics-program case walks from the incident engagement's paid invoices to a granted and
  paid amount, explained invoice by invoice; a hiring subsidy still opens and reads as before.
- Lists run a fixed number of queries, for 1 row as for many.
"""

import datetime
import json
import re

import pytest
import stix2
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import IncidentReport, SharedIncident, SharingPolicy
from subsidies import services as subsidies_services
from subsidies.models import SubsidyCase
from tests import factories
from tests.incidents_fixtures import REPORT, incident_engagement, make_report, member_company, share
from tests.subsidies_fixtures import make_hire, programs
from tests.talent_fixtures import make_specialist, pdf
from tests.web.incident_world import paid_invoice
from workflow.models import StatusChange

pytestmark = pytest.mark.usefixtures("english", "english_pages")

# What the SME types into its report that must never be shared.
PERSON, EMAIL, PHONE, CORPORATE_NUMBER = "山田 花子", "yamada@alice-works.example.jp", "03-1234-5678", "7010401012345"
OWN_HOST, OWN_IP = "files.alice-works.example.jp", "203.0.113.7"
SECRETS = (PERSON, "山田", "花子", EMAIL, PHONE, CORPORATE_NUMBER, OWN_HOST, "alice-works", OWN_IP)
SUMMARY = (
    f"経理の{PERSON}が {EMAIL} 宛ての請求書メールを開いた。電話 {PHONE} に脅迫があった。"
    f"法人番号 {CORPORATE_NUMBER} を名乗る偽サイトに誘導され、社内の {OWN_HOST} ({OWN_IP}) が暗号化された。"
)
ARTICLE = re.compile(r'<article class="item shared-incident" data-shared-incident="[^"]+">.*?</article>', re.S)


@pytest.fixture
def english_pages(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def bob(specialist_bob):
    return make_specialist(specialist_bob, display_name="Bob Security")


@pytest.fixture
def rita(tokyo):
    """Reads for another Tokyo member company."""
    rita = factories.UserFactory(email="rita@reader.test", role="sme")
    member_company(tokyo, rita, name="株式会社リーダー")
    return rita


def post(client, url, action, **fields):
    data = {f"{action}-action": action} | {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(url, data)


def article(response) -> str:
    found = ARTICLE.findall(response.content.decode())
    assert len(found) == 1, found
    return found[0]


def report_fields(**overrides):
    fields = {
        "title": "請求書を装うメールからのランサムウェア",
        "category": "ransomware",
        "occurred_on": "2026-05-12",
        "discovered_on": "2026-05-14",
        "summary": SUMMARY,
        "what_worked": "オフラインのバックアップから復旧できた。",
        "hashes": "d41d8cd98f00b204e9800998ecf8427e",
        "domains": "c2.evil-example.net",
        "ips": "45.67.89.10",
        "email_senders": "billing@evil-example.net",
        "techniques": "T1566\nT1486",
        "victim_domains": "alice-works.example.jp",
        "victim_ips": OWN_IP,
        "tlp": "green",
        "losses": "3日間の操業停止",
        "loss_jpy": "2000000",
    }
    return fields | overrides


def test_the_sme_previews_exactly_what_members_read_and_it_names_nobody(
    client, sme_alice, alice_company, bob, admin_carol, rita
):
    sme_alice.name = PERSON
    sme_alice.save()
    engagement = incident_engagement(alice_company, sme_alice, bob)
    client.force_login(sme_alice)
    new = reverse("sme:incident_report_new", args=[engagement.pk])

    written = post(client, new, "write", **report_fields())

    report = IncidentReport.objects.get(engagement=engagement)
    assert written.status_code == 302
    assert client.get(new)["Location"] == reverse("sme:incident_report", args=[report.pk])
    url = reverse("sme:incident_report", args=[report.pk])
    assert "Nothing is computed yet" in client.get(url).content.decode()
    assert post(client, url, "deidentify").status_code == 302
    preview = article(client.get(url))
    assert [secret for secret in SECRETS if secret in preview] == []
    assert "c2.evil-example.net" in preview
    assert "T1486" in preview
    assert "オフラインのバックアップ" in preview
    assert "操業停止" not in preview
    assert "2,000,000" not in preview

    page = client.get(url).content.decode()
    found = re.search(r'name="approve-digest" value="([0-9a-f]{64})"', page)
    assert found is not None
    digest = found.group(1)
    assert post(client, url, "approve", digest=digest).status_code == 302
    assert SharedIncident.objects.get(report=report).status == "approved"
    client.force_login(admin_carol)
    console_url = reverse("console:report", args=[report.shared.pk])
    assert article(client.get(console_url)) == preview
    assert post(client, console_url, "publish").status_code == 302

    client.force_login(rita)
    feed = client.get(reverse("sme:shared_reports"))

    assert article(feed) == preview
    client.force_login(sme_alice)
    history = client.get(url).content.decode()
    assert [row for row in ("Draft", "De-identified", "Approved by the company", "Shared") if row not in history] == []
    assert admin_carol.email in history or admin_carol.name in history


def test_a_refused_step_shows_the_services_message_keeps_what_was_typed_and_changes_nothing(
    client, sme_alice, alice_company, bob
):
    engagement = incident_engagement(alice_company, sme_alice, bob)
    client.force_login(sme_alice)
    new = reverse("sme:incident_report_new", args=[engagement.pk])

    refused = post(client, new, "write", **report_fields(ips="45.67.89.10\nnot-an-address"))

    assert refused.status_code == 400
    body = refused.content.decode()
    assert re.search(r'id="id_write-ips_error">Not a valid entry: not-an-address<', body)
    assert "請求書を装うメールからのランサムウェア" in body  # kept
    assert not IncidentReport.objects.exists()

    report = make_report(engagement, sme_alice)
    services.deidentify_report(report=report, user=sme_alice)
    before = StatusChange.objects.count()
    stale = post(client, reverse("sme:incident_report", args=[report.pk]), "approve", digest="0" * 64)
    assert stale.status_code == 400
    assert "What would be shared changed since this preview" in stale.content.decode()
    assert (SharedIncident.objects.get(report=report).status, StatusChange.objects.count()) == ("deidentified", before)


def test_editing_only_what_stays_private_keeps_a_shared_report_shared(
    client, sme_alice, alice_company, bob, admin_carol
):
    report = make_report(incident_engagement(alice_company, sme_alice, bob), sme_alice, tlp="green")
    share(report, sme_alice, admin_carol)
    client.force_login(sme_alice)
    url = reverse("sme:incident_report", args=[report.pk])
    fields = {
        name: "\n".join(value) if isinstance(value, list) else value
        for name, value in (REPORT | {"tlp": "green", "victim_domains": [], "victim_ips": []}).items()
    }

    saved = post(client, url, "edit", **(fields | {"loss_jpy": "3000000"}))
    changed = post(client, url, "edit", **(fields | {"summary": "書き換え"}))

    assert saved.status_code == 302
    assert IncidentReport.objects.get(pk=report.pk).loss_jpy == 3_000_000
    assert changed.status_code == 400
    assert "withdraw it before changing what it shares" in changed.content.decode()
    assert SharedIncident.objects.get(report=report).status == "shared"


# --- RED, withdrawal: the feed, the figures and the STIX download ----------------------------------


def victim(tokyo, bob, admin, tlp, name):
    owner = factories.UserFactory(role="sme")
    company = member_company(tokyo, owner, name=name)
    return share(make_report(incident_engagement(company, owner, bob), owner, tlp=tlp), owner, admin)


def stix_id(shared):
    from incidents.stix import _id

    return _id("incident", shared.pk)


def seen(client, admin_client):
    """Ids in the member's feed page, incidents counted on the member's figures page, incident
    ids in the console's STIX download."""
    feed = set(
        re.findall(r'data-shared-incident="([^"]+)"', client.get(reverse("sme:shared_reports")).content.decode())
    )
    figures = client.get(reverse("sme:shared_aggregates")).content.decode()
    counted = sum(map(int, re.findall(r'data-incidents="(\d+)"', figures)))
    suppressed = re.search(r'data-suppressed="(\d+)"', figures)
    assert suppressed is not None
    counted += int(suppressed.group(1))
    download = admin_client.get(reverse("console:reports_stix"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/stix+json;version=2.1"
    assert download["Content-Disposition"].startswith("attachment")
    bundle = stix2.parse(download.content.decode(), allow_custom=False)
    exported = {obj.id for obj in bundle.objects if obj.type == "incident"}
    return feed, counted, exported, download.content.decode()


def test_red_never_reaches_a_members_feed_figures_or_the_download_and_withdrawal_removes_a_report(
    client, tokyo, bob, admin_carol, rita
):
    SharingPolicy.objects.create(chamber=tokyo, k_threshold=2)
    green_a = victim(tokyo, bob, admin_carol, "green", "株式会社A")
    green_b = victim(tokyo, bob, admin_carol, "green", "株式会社B")
    red = victim(tokyo, bob, admin_carol, "red", "株式会社C")
    client.force_login(rita)
    admin = Client()
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    admin.force_login(admin_carol)

    feed, counted, exported, raw = seen(client, admin)

    assert feed == {str(green_a.pk), str(green_b.pk)}
    assert counted == 2
    assert exported == {stix_id(green_a), stix_id(green_b)}
    assert "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1" not in raw  # TLP:RED's
    assert str(red.pk) not in raw
    # The console lists it for its admins, and no member may open it.
    assert str(red.pk) in admin.get(reverse("console:reports")).content.decode()

    before_withdrawal = json.loads(raw)
    withdrawn = post(admin, reverse("console:report", args=[green_a.pk]), "withdraw", note="被害企業の特定につながる")
    assert withdrawn.status_code == 302

    feed, counted, exported, raw = seen(client, admin)
    assert feed == {str(green_b.pk)}
    assert counted == 1
    assert exported == {stix_id(green_b)}
    assert len(json.loads(raw)["objects"]) < len(before_withdrawal["objects"])
    assert SharedIncident.objects.get(pk=green_a.pk).status == "withdrawn"
    assert admin.get(reverse("console:report", args=[green_a.pk])).status_code == 404


def test_the_sme_withdraws_its_shared_report_from_the_feed(client, sme_alice, alice_company, bob, admin_carol, rita):
    shared = share(
        make_report(incident_engagement(alice_company, sme_alice, bob), sme_alice, tlp="green"), sme_alice, admin_carol
    )
    client.force_login(sme_alice)
    url = reverse("sme:incident_report", args=[shared.report_id])

    assert post(client, url, "withdraw", note="").status_code == 400  # the reason is needed
    assert post(client, url, "withdraw", note="取引先の要望").status_code == 302

    client.force_login(rita)
    assert "data-shared-incident" not in client.get(reverse("sme:shared_reports")).content.decode()


# --- out of reach ----------------------------------------------------------------------------------


def test_another_companys_report_and_another_chambers_are_not_found(
    client, sme_alice, alice_company, sme_erin, bob, admin_carol, admin_oscar
):
    report = make_report(incident_engagement(alice_company, sme_alice, bob), sme_alice, tlp="amber")
    shared = services.deidentify_report(report=report, user=sme_alice)
    services.approve_shared_incident(report=report, user=sme_alice, digest=shared.digest)
    before = (list(SharedIncident.objects.values()), StatusChange.objects.count())

    client.force_login(sme_erin)
    report_url = reverse("sme:incident_report", args=[report.pk])
    assert client.get(report_url).status_code == 404
    assert post(client, report_url, "withdraw", note="x").status_code == 404
    assert client.get(reverse("sme:incident_report_new", args=[report.engagement_id])).status_code == 404
    assert client.get(reverse("sme:engagement_support", args=[report.engagement_id])).status_code == 404
    client.force_login(admin_oscar)
    console_url = reverse("console:report", args=[shared.pk])
    assert client.get(console_url).status_code == 404
    assert post(client, console_url, "publish").status_code == 404
    assert post(client, console_url, "withdraw", note="x").status_code == 404
    assert str(shared.pk) not in client.get(reverse("console:reports")).content.decode()

    assert (list(SharedIncident.objects.values()), StatusChange.objects.count()) == before


def test_an_amber_report_is_published_to_the_members_the_admin_names(
    client, sme_alice, alice_company, bob, admin_carol, rita, tokyo
):
    report = make_report(incident_engagement(alice_company, sme_alice, bob), sme_alice, tlp="amber")
    shared = services.deidentify_report(report=report, user=sme_alice)
    services.approve_shared_incident(report=report, user=sme_alice, digest=shared.digest)
    reader = rita.memberships.get().company
    reader.status = "verified"
    reader.save()
    client.force_login(admin_carol)
    url = reverse("console:report", args=[shared.pk])

    unnamed = post(client, url, "publish")
    named = client.post(url, {"publish-action": "publish", "publish-recipients": [str(reader.pk)]})

    assert unnamed.status_code == 400
    assert "Name the member organisations" in unnamed.content.decode()
    assert named.status_code == 302
    client.force_login(rita)
    assert str(shared.pk) in client.get(reverse("sme:shared_reports")).content.decode()


def test_the_chamber_sets_its_k_and_the_figures_follow_it(client, tokyo, bob, admin_carol, rita):
    for name in ("株式会社A", "株式会社B", "株式会社C"):
        victim(tokyo, bob, admin_carol, "green", name)
    client.force_login(admin_carol)
    url = reverse("console:report_aggregates")
    assert 'data-suppressed="3"' in client.get(url).content.decode()  # k = 5 by default

    assert post(client, url, "policy", k_threshold="1", dominance_percent="80").status_code == 400
    assert post(client, url, "policy", k_threshold="3", dominance_percent="80").status_code == 302

    assert SharingPolicy.objects.get(chamber=tokyo).k_threshold == 3
    client.force_login(rita)
    figures = client.get(reverse("sme:shared_aggregates")).content.decode()
    assert 'data-incidents="3"' in figures
    assert 'data-suppressed="0"' in figures


# --- support programs --------------------------------------------------------------------------------


def test_a_forensics_case_walks_from_paid_invoices_to_a_granted_and_paid_amount(
    client, sme_alice, alice_company, bob, admin_carol, tokyo
):
    alice_company.security_action = "one_star"
    alice_company.save()
    forensics = programs(tokyo)["demo-chamber-forensics"]
    engagement = incident_engagement(alice_company, sme_alice, bob)
    first, second = paid_invoice(engagement, 600_000), paid_invoice(engagement, 500_000)
    recovery, unpaid = paid_invoice(engagement, 200_000), paid_invoice(engagement, 100_000, paid=False)
    client.force_login(sme_alice)
    support = reverse("sme:engagement_support", args=[engagement.pk])
    assert "Incident forensics cost support" in client.get(support).content.decode()

    opened = client.post(support, {"open-action": "open", "open-target": str(forensics.pk)})

    case = SubsidyCase.objects.get(engagement=engagement)
    assert opened.status_code == 302
    costs = reverse("sme:subsidy_costs", args=[case.pk])
    assert costs in client.get(reverse("sme:subsidy", args=[case.pk])).content.decode()
    categories = {f"invoice_{invoice.pk}": "forensics" for invoice in (first, second, unpaid)}
    assert post(client, costs, "categories", **categories, **{f"invoice_{recovery.pk}": "recovery"}).status_code == 302
    page = client.get(costs).content.decode()
    for line in (
        f"{first.number}",
        "Investigation and forensics, paid: 600,000 yen less 0 yen refunded.",
        "Recovery is not a cost this program covers.",
        "Not paid (open): not counted.",
        "Eligible cost 1,100,000 yen x 50 % = 550,000 yen (rounded down once).",
        "Capped at 500,000 yen.",
        "Declared level: SECURITY ACTION one star; the program asks for SECURITY ACTION one star or above.",
    ):
        assert line in page
    assert re.search(r'class="cost-amount">[^<]*500,000', page)
    assert post(client, costs, "collect", note="").status_code == 302

    # The documents and the submission are the case page's (web/sme/subsidies); here through the service.
    for kind in ("application_form", "invoice_copy", "incident_report"):
        subsidies_services.upload_document(case=case, user=sme_alice, document_type=kind, file=pdf(f"{kind}.pdf"))
    subsidies_services.submit_case(case=case, user=sme_alice)

    client.force_login(admin_carol)
    console = reverse("console:subsidy_costs", args=[case.pk])
    assert costs.replace("/sme/subsidies/", "/console/subsidy-cases/") == console
    assert post(client, console, "review", note="").status_code == 302
    too_much = post(client, console, "decide", granted_amount_jpy="500001", note="")
    assert too_much.status_code == 400
    assert "Grant from 0 to the computed 500,000 yen." in too_much.content.decode()
    assert 'value="500001"' in too_much.content.decode()
    assert post(client, console, "decide", granted_amount_jpy="500000", note="全額").status_code == 302
    paid_on = timezone.localdate().isoformat()
    assert post(client, console, "payment", paid_on=paid_on, reference="振込 0001").status_code == 302

    case.refresh_from_db()
    assert (case.status, case.decided_amount_jpy, case.paid_amount_jpy, case.payment_reference) == (
        "paid",
        500_000,
        500_000,
        "振込 0001",
    )
    client.force_login(sme_alice)
    page = client.get(costs).content.decode()
    assert "振込 0001" in page
    moves = [("Draft", "Collecting documents"), ("Under review", "Granted"), ("Granted", "Paid")]
    assert all(re.search(rf"<td>{a}</td><td>{b}</td>", page) for a, b in moves)


def test_a_hire_program_still_opens_and_reads_as_before(client, sme_alice, alice_company, bob, tokyo):
    trial = programs(tokyo)["demo-trial-employment"]
    hire = make_hire(alice_company, sme_alice, bob)
    client.force_login(sme_alice)
    support = reverse("sme:engagement_support", args=[hire.pk])
    body = client.get(support).content.decode()
    assert "demo-chamber-forensics" not in body
    assert "Incident forensics cost support" not in body

    opened = client.post(support, {"open-action": "open", "open-target": str(trial.pk)})

    case = SubsidyCase.objects.get(engagement=hire)
    assert opened.status_code == 302
    assert case.program == trial
    assert case.status == "draft"
    page = client.get(reverse("sme:subsidy", args=[case.pk]))
    assert page.status_code == 200
    assert "/costs/" not in page.content.decode()
    assert client.get(reverse("sme:subsidy_costs", args=[case.pk])).status_code == 404
    # An incident-cost program is not offered on a hire, nor opened there by a forged post.
    forensics = programs(tokyo)["demo-chamber-forensics"]
    assert client.post(support, {"open-action": "open", "open-target": str(forensics.pk)}).status_code == 404


# --- constant queries ----------------------------------------------------------------------------------


def many_reports(cast, n):
    """n reports of Alice's company, each shared at TLP:GREEN (with k = 2, so the figures show them)."""
    bob = make_specialist(cast.specialist_bob)
    SharingPolicy.objects.get_or_create(chamber=cast.tokyo, defaults={"k_threshold": 2})
    for i in range(n):
        report = make_report(incident_engagement(cast.alice_company, cast.sme_alice, bob), cast.sme_alice, tlp="green")
        share(report, cast.sme_alice, cast.admin_carol)
        report.title = f"報告{i}"


PAGES = [
    # the session and the user (2), the reports with their company, engagement and shared row (1),
    # the incident engagements without a report (1)
    ("sme:incident_reports", "sme_alice", 4, 'href="/sme/incidents/', lambda n: n),
    # the session and the user (2); the companies' chambers (subquery) and the page: count, rows (2)
    ("sme:shared_reports", "sme_alice", 4, "data-shared-incident=", lambda n: n),
    # the session and the user (2); the rows with their company (1), the chamber's policy (1)
    ("sme:shared_aggregates", "sme_alice", 4, "data-suppressed=", lambda n: 1),
    # the session and the user (2); the page: count, rows (2)
    ("console:reports", "admin_carol", 4, '<tr><td><a href="/console/reports/', lambda n: n),
]


@pytest.mark.parametrize("n", [1, 8])
@pytest.mark.parametrize(("url_name", "persona", "queries", "marker", "count"), PAGES, ids=[p[0] for p in PAGES])
def test_incident_lists_run_a_constant_number_of_queries(
    client, cast, django_assert_num_queries, n, url_name, persona, queries, marker, count
):
    many_reports(cast, n)
    client.force_login(getattr(cast, persona))
    with django_assert_num_queries(queries):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.content.decode().count(marker) == count(n)


def test_the_stix_download_is_the_chamber_admins_only(client, sme_alice, admin_oscar, specialist_bob):
    for user in (sme_alice, specialist_bob):
        client.force_login(user)
        assert client.get(reverse("console:reports_stix")).status_code == 404
    client.logout()
    assert client.get(reverse("console:reports_stix")).status_code == 302
    client.force_login(admin_oscar)
    bundle = json.loads(client.get(reverse("console:reports_stix")).content)
    assert [obj for obj in bundle["objects"] if obj["type"] == "incident"] == []


def test_dates_are_coarse_in_what_is_shared(client, sme_alice, alice_company, bob):
    report = make_report(incident_engagement(alice_company, sme_alice, bob), sme_alice)
    services.deidentify_report(report=report, user=sme_alice)
    client.force_login(sme_alice)
    preview = article(client.get(reverse("sme:incident_report", args=[report.pk])))
    assert "2026-05" in preview
    assert datetime.date(2026, 5, 12).isoformat() not in preview
    assert "2026年5月12日" not in preview
    assert "2026/05/12" not in preview
