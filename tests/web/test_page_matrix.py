"""Every page × audience: what each persona gets when they open it.

One row per page (its URL name, how to build its kwargs from the personas, and what each
persona gets); a persona the row does not name gets the row's `default`. Outcomes:
OK 200 · LOGIN a redirect to /login/?next=<the page> · HOME a redirect to the persona's home ·
NOT_FOUND 404 (another audience's page, or another tenant's object: never a 403, so nothing can
be probed). `test_every_page_has_a_row` fails for a page added without one.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from notifications.services import create_calendar_token as calendar_token
from talent import import_jobs
from tests.conftest import Cast
from tests.web.world import ALICE_REQUEST, ERIN_REQUEST, World, world

OK, LOGIN, HOME, NOT_FOUND = "200", "login", "home", "404"

# Fixture names of tests/conftest.py; None is the anonymous visitor.
PERSONAS: dict[str, str | None] = {
    "anon": None,
    "sme_alice": "sme_alice",  # owner of the Tokyo company
    "sme_erin": "sme_erin",  # owner of an Osaka company
    "stranger_dave": "stranger_dave",  # SME role, no company
    "specialist_bob": "specialist_bob",
    "specialist_bea": "specialist_bea",
    "admin_carol": "admin_carol",  # chamber admin of Tokyo
    "admin_oscar": "admin_oscar",  # chamber admin of Osaka
    "operator_olga": "operator_olga",  # Django staff, SME role
}
HOMES = {
    "sme_alice": "/sme/",
    "sme_erin": "/sme/",
    "stranger_dave": "/sme/",
    "operator_olga": "/sme/",
    "specialist_bob": "/specialist/",
    "specialist_bea": "/specialist/",
    "admin_carol": "/console/",
    "admin_oscar": "/console/",
}
SME_PEOPLE = ("sme_alice", "sme_erin", "stranger_dave", "operator_olga")
SPECIALISTS = ("specialist_bob", "specialist_bea")
CHAMBER_ADMINS = ("admin_carol", "admin_oscar")


def no_kwargs(cast: Cast) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Row:
    url_name: str
    expect: dict[str, str]
    default: str = NOT_FOUND
    kwargs: Callable[[Cast], dict[str, Any]] = no_kwargs
    note: str = field(default="", compare=False)

    def outcome(self, persona: str) -> str:
        return self.expect.get(persona, self.default)


def audience(url_name: str, people: tuple[str, ...], kwargs: Callable[[Cast], dict[str, Any]] = no_kwargs) -> Row:
    """A page of one audience: each of `people` 200, anonymous the sign-in page, anyone else 404."""
    return Row(url_name, {"anon": LOGIN, **dict.fromkeys(people, OK)}, kwargs=kwargs)


def of(**objects: Callable[[World], Any]) -> Callable[[Cast], dict[str, Any]]:
    """kwargs naming objects of the pages' world (tests/web/world.py) by their ids."""
    return lambda cast: {name: pick(world(cast)).pk for name, pick in objects.items()}


def import_job(cast: Cast) -> str:
    """A CSV import Carol started (its task is sent on commit, so here it stays queued)."""
    return import_jobs.start(text="email,display_name\n", dry_run=True, by=cast.admin_carol)


def alice_diagnosis(cast: Cast) -> dict[str, Any]:
    """A diagnosis of Alice's company, started in the test's savepoint."""
    from diagnosis.services import start_diagnosis

    return {"diagnosis_id": start_diagnosis(user=cast.sme_alice, company=cast.alice_company).pk}


def alice_sheet(cast: Cast) -> dict[str, Any]:
    from diagnosis.models import Diagnosis

    kwargs = alice_diagnosis(cast)
    return kwargs | {"sheet_id": Diagnosis.objects.get(pk=kwargs["diagnosis_id"]).sheets.get().pk}


def accepted_candidate(cast: Cast) -> dict[str, Any]:
    """A specialist who accepted Alice's request (Bob's proposal is still waiting for him)."""
    from matching.models import Proposal
    from tests.talent_fixtures import make_specialist

    w = world(cast)
    proposal = Proposal.objects.create(
        run=w.run,
        request=w.request,
        specialist=make_specialist(cast.specialist_bea),
        score=600,
        breakdown={},
        facts={},
        rank=2,
        status="accepted",
    )
    return {"request_id": w.request.pk, "proposal_id": proposal.pk}


# Alice's objects: Alice (the company's owner) and the operator (staff see every company's).
ALICE_SIDE = ("sme_alice", "operator_olga")
REQUEST = of(request_id=lambda w: w.request)
ENGAGEMENT = of(engagement_id=lambda w: w.engagement)
INVOICE = of(invoice_id=lambda w: w.invoice)
CASE = of(case_id=lambda w: w.case)
DOCUMENT = of(case_id=lambda w: w.case, document_id=lambda w: w.document)


def receipt(cast: Cast) -> dict[str, Any]:
    """A card payment of Alice's invoice that took the money (the receipt exists only then)."""
    from billing.models import Payment

    invoice = world(cast).invoice
    payment = Payment.objects.create(
        invoice=invoice,
        method="card",
        amount_jpy=invoice.amount_due_jpy,
        application_fee_jpy=invoice.platform_fee_jpy,
        specialist_share_jpy=invoice.payout_jpy,
        status="succeeded",
    )
    return {"invoice_id": invoice.pk, "payment_id": payment.pk}


def incidents(w: World) -> Any:
    """The incident pages' objects (tests/web/incident_world.py)."""
    assert w.incidents is not None
    return w.incidents


INCIDENT_REPORT = of(report_id=lambda w: incidents(w).report)
INCIDENT_ENGAGEMENT = of(engagement_id=lambda w: incidents(w).engagement)
FORENSICS_CASE = of(case_id=lambda w: incidents(w).case)


ROWS = [
    Row("web:home", {"anon": OK}, default=HOME, note="signed in: your home"),
    Row("web:login", {"anon": OK}, default=HOME, note="signed in: your home"),
    Row("web:signup", {"anon": OK}, default=HOME, note="signed in: your home"),
    # Every signed-in person's own pages.
    audience("web:settings", tuple(HOMES)),
    audience("web:confirm_email_sent", tuple(HOMES)),
    # Links from mails: a link that names nothing says so (200), whoever opens it.
    Row("web:confirm_email", {}, default=OK, kwargs=lambda cast: {"token": "Mg.not-a-token"}),
    Row("web:password_reset", {}, default=OK),
    Row("web:password_reset_sent", {}, default=OK),
    Row("web:password_reset_confirm", {}, default=OK, kwargs=lambda cast: {"uidb64": "Mg", "token": "abc-def"}),
    Row("web:invite", {}, default=OK, kwargs=lambda cast: {"token": "not-a-token"}),
    # A calendar app subscribes without signing in: the secret URL is the key (Alice's here), so it
    # answers whoever holds it; an unknown, rotated or revoked one is a 404 (tests/notifications/test_calendar.py).
    Row("web:calendar_feed", {}, default=OK, kwargs=lambda cast: {"token": calendar_token(user=cast.sme_alice)}),
    Row("web:calendar_feed", {}, default=NOT_FOUND, kwargs=lambda cast: {"token": "not-a-token"}),
    audience("console:home", CHAMBER_ADMINS),
    audience("console:figures_csv", CHAMBER_ADMINS),
    audience("console:companies", CHAMBER_ADMINS),
    audience("console:company", ("admin_carol",), of(company_id=lambda w: w.pending_company)),
    audience("console:certifications", CHAMBER_ADMINS),
    # The talent bank is shared: every chamber's admins review every credential.
    audience("console:certification", CHAMBER_ADMINS, of(certification_id=lambda w: w.certification)),
    audience("console:certification_evidence", CHAMBER_ADMINS, of(certification_id=lambda w: w.certification)),
    audience("console:certification_evidence_inline", CHAMBER_ADMINS, of(certification_id=lambda w: w.certification)),
    audience("console:proposals", CHAMBER_ADMINS),
    audience("console:run", ("admin_carol",), of(run_id=lambda w: w.run)),
    audience("console:runs", CHAMBER_ADMINS),
    audience("console:requests", ("admin_carol",), REQUEST),
    audience("console:engagements", CHAMBER_ADMINS),
    audience("console:engagement", ("admin_carol",), ENGAGEMENT),
    audience("console:subsidy_cases", CHAMBER_ADMINS),
    audience("console:subsidy_case", ("admin_carol",), CASE),
    audience("console:subsidy_document", ("admin_carol",), DOCUMENT),
    audience("console:subsidy_document_inline", ("admin_carol",), DOCUMENT),
    audience("console:invoices", CHAMBER_ADMINS),
    audience("console:invoice", ("admin_carol",), INVOICE),
    audience("console:specialists", CHAMBER_ADMINS),
    # The talent bank is shared: every chamber's admins open every specialist.
    audience("console:specialist", CHAMBER_ADMINS, of(specialist_id=lambda w: w.bob)),
    audience("console:specialist_import", CHAMBER_ADMINS),
    # An import's progress and report: only the admin who started it (Carol here).
    audience("console:specialist_import_job", ("admin_carol",), lambda cast: {"job_id": import_job(cast)}),
    audience("sme:home", SME_PEOPLE),
    audience("sme:company", SME_PEOPLE),
    audience("sme:company_number_check", SME_PEOPLE),
    audience("sme:company_size_check", SME_PEOPLE),
    # A diagnosis is the company's own: its full members only, not the operator (DOMAIN.md).
    audience("sme:diagnosis", SME_PEOPLE),
    audience("sme:diagnosis_detail", ("sme_alice",), alice_diagnosis),
    audience("sme:diagnosis_sheet", ("sme_alice",), alice_sheet),
    audience("sme:request_new", SME_PEOPLE),
    audience("sme:request_appi_clocks", SME_PEOPLE),
    audience("sme:request_edit", ALICE_SIDE, REQUEST),
    audience("sme:request_compare", ALICE_SIDE, REQUEST),
    audience("sme:request_select", ALICE_SIDE, accepted_candidate),
    audience("sme:request", ALICE_SIDE, REQUEST),
    audience("sme:engagement", ALICE_SIDE, ENGAGEMENT),
    audience("sme:engagement_terms", ALICE_SIDE, ENGAGEMENT),
    audience("sme:invoice", ALICE_SIDE, INVOICE),
    audience("sme:invoice_paid", ALICE_SIDE, INVOICE),
    audience("sme:invoice_pdf", ALICE_SIDE, INVOICE),
    audience("sme:subsidy", ALICE_SIDE, CASE),
    audience("sme:subsidy_document", ALICE_SIDE, DOCUMENT),
    audience("sme:receipt", ALICE_SIDE, receipt),
    audience("sme:subsidy_calendar", ALICE_SIDE, CASE),
    audience("sme:members", SME_PEOPLE),
    # Incident reports (web/sme/incidents.py): Alice's own; the feed and figures of every SME person
    # (what each reads is the selectors' business: tests/web/test_incident_pages.py).
    audience("sme:incident_reports", SME_PEOPLE),
    audience("sme:incident_report", ALICE_SIDE, INCIDENT_REPORT),
    audience("sme:incident_report_new", ALICE_SIDE, INCIDENT_ENGAGEMENT),
    audience("sme:engagement_support", ALICE_SIDE, INCIDENT_ENGAGEMENT),
    audience("sme:subsidy_costs", ALICE_SIDE, FORENSICS_CASE),
    audience("sme:shared_reports", SME_PEOPLE),
    audience("sme:shared_aggregates", SME_PEOPLE),
    # The console's (web/console/incidents.py): a shared report and a case of Tokyo's are Carol's only.
    audience("console:reports", CHAMBER_ADMINS),
    audience("console:report", ("admin_carol",), of(shared_id=lambda w: incidents(w).shared)),
    audience("console:report_aggregates", CHAMBER_ADMINS),
    audience("console:reports_stix", CHAMBER_ADMINS),
    audience("console:subsidy_costs", ("admin_carol",), FORENSICS_CASE),
    audience("specialist:home", SPECIALISTS),
    audience("specialist:profile", SPECIALISTS),
    audience("specialist:reviews", SPECIALISTS),
    audience("specialist:proposal", ("specialist_bob",), of(proposal_id=lambda w: w.proposal)),
    audience("specialist:engagement", ("specialist_bob",), ENGAGEMENT),
    audience("specialist:engagement_terms", ("specialist_bob",), ENGAGEMENT),
    audience("specialist:credentials", SPECIALISTS),
    audience("specialist:payouts", SPECIALISTS),
    audience("specialist:payouts_return", SPECIALISTS),
    audience("specialist:payouts_refresh", SPECIALISTS),
]

# What a persona's pages never show: another tenant's data (tests/web/world.py). The operator
# and the admins of the shared talent bank see across companies by design.
NEVER_SHOWN = {
    "sme_alice": ("株式会社エリン商事", ERIN_REQUEST),
    "sme_erin": ("株式会社アリス製作所", ALICE_REQUEST),
    "stranger_dave": ("株式会社アリス製作所", ALICE_REQUEST, "株式会社エリン商事", ERIN_REQUEST),
    "specialist_bea": ("株式会社アリス製作所", ALICE_REQUEST, "坂本 ボブ"),
    "admin_carol": ("株式会社エリン商事", ERIN_REQUEST),
    "admin_oscar": ("株式会社アリス製作所", ALICE_REQUEST, "株式会社審査待ち"),
}

# Pages that are not opened with a GET; their own tests cover them.
NOT_PAGES = {
    "web:logout": "POST only (tests/web/test_account.py)",
    "web:set_language": "POST only (tests/web/test_account.py)",
    "web:settings_notifications": "POST only, from /settings/ (tests/notifications/test_preferences.py)",
    "web:settings_calendar": "POST only, from /settings/ (tests/notifications/test_calendar.py)",
    "specialist:profile_preview": "POST only, from /specialist/profile/ (tests/web/test_specialist_portal.py)",
}
NAMESPACES = ("web", "console", "sme", "specialist")


def page_url_names() -> set[str]:
    """Every URL name in the pages' namespaces."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace in NAMESPACES:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_page_has_a_row():
    assert page_url_names() - set(NOT_PAGES) == {row.url_name for row in ROWS}


CASES = [pytest.param(row, persona, id=f"{row.url_name}-{persona}") for row in ROWS for persona in PERSONAS]


@pytest.fixture(scope="module")
def built_cast(django_db_setup, django_db_blocker):
    """The personas and the pages' world (tests/web/world.py), built once for the module in a
    transaction rolled back after its last test; each test runs in a savepoint of it (`db`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        cast = Cast()
        for fixture in PERSONAS.values():
            if fixture is not None:
                getattr(cast, fixture)
        world(cast)  # every persona's pages have the other tenants' data around them
        yield cast
        transaction.set_rollback(True)


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_page_answers_each_persona(client, built_cast, db, row, persona):
    cast = built_cast
    url = reverse(row.url_name, kwargs=row.kwargs(cast))
    fixture = PERSONAS[persona]
    if fixture is not None:
        client.force_login(getattr(cast, fixture))

    response = client.get(url)

    expected = row.outcome(persona)
    if expected == OK:
        assert response.status_code == 200
        if response["Content-Type"].startswith("text/html"):
            body = response.content.decode()
            assert [text for text in NEVER_SHOWN.get(persona, ()) if text in body] == []
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={quote(url)}"
    elif expected == HOME:
        assert response.status_code == 302
        assert response["Location"] == HOMES[persona]
    else:
        assert response.status_code == 404
