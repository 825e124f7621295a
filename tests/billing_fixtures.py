"""Engagements, connected accounts and invoices for billing tests."""

import datetime

from billing import invoicing
from billing.models import ConnectedAccount, Invoice
from matching.models import MatchRun, Proposal
from tests.matching_fixtures import make_engagement, make_request


def engaged(company, owner, specialist, *, kind="advisor", title="セキュリティ顧問", **terms):
    """An active engagement of `company` with `specialist` (selected through a real proposal row)."""
    request = make_request(company, owner, kind=kind, title=title, status="filled")
    run = MatchRun.objects.create(chamber=company.chamber, status="succeeded")
    proposal = Proposal.objects.create(
        run=run, request=request, specialist=specialist, score=700, breakdown={}, facts={}, rank=1, status="selected"
    )
    if "service_start" in terms:
        terms.setdefault("started_on", terms["service_start"])
    # The billing tests written before ADR 0010 pay by card and bill retainers by periods from the
    # start: their terms say so. Tests of month-end closing and bank transfers state their own.
    terms.setdefault("payment_method", "card")
    if kind == "advisor":
        terms.setdefault("closing", "anniversary")
    return make_engagement(proposal, kind=kind, **terms)


def connected(specialist, *, payouts=True, account_id=None):
    return ConnectedAccount.objects.create(
        specialist=specialist,
        account_id=account_id or f"acct_{specialist.pk.hex[:12]}",
        charges_enabled=payouts,
        payouts_enabled=payouts,
        details_submitted=payouts,
    )


def invoice_for(engagement, *, start=datetime.date(2026, 9, 15), today=datetime.date(2026, 10, 20)) -> Invoice:
    """The retainer's first monthly invoice (service from `start`, issued on `today`)."""
    engagement.service_start = start
    engagement.started_on = start
    engagement.save(update_fields=["service_start", "started_on"])
    invoicing.issue_due_invoices(today=today)
    return Invoice.objects.filter(engagement=engagement).order_by("period_start")[0]
