"""The chamber admin's console: the queues (companies, credentials, proposals, subsidy documents)
and the chamber's engagements, invoices, subsidy cases and specialists. Objects come through the
API's selectors (out of reach: 404), actions through the domain's services (web/pages.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import selectors as accounts_selectors
from accounts.models import Company, User
from billing import selectors as billing_selectors
from matching import selectors as matching_selectors
from matching.models import Engagement, Proposal
from subsidies import selectors as subsidies_selectors
from subsidies.models import SubsidyDocument
from talent import selectors as talent_selectors
from talent.models import Certification
from web.access import for_role
from web.pages import acting

ADMIN = User.Role.CHAMBER_ADMIN


@for_role(ADMIN)
def home(request: HttpRequest) -> HttpResponse:
    """The chamber's queues, each a count linking to its list."""
    user = acting(request)
    queues = {
        "companies": accounts_selectors.companies_visible_to(user).filter(status=Company.Status.PENDING).count(),
        "certifications": talent_selectors.certifications_visible_to(user)
        .filter(status=Certification.Status.PENDING)
        .count(),
        "proposals": matching_selectors.proposals_visible_to(user)
        .filter(status=Proposal.Status.PENDING_REVIEW)
        .count(),
        "subsidy_cases": subsidies_selectors.cases_visible_to(user)
        .filter(documents__status=SubsidyDocument.Status.UPLOADED)
        .distinct()
        .count(),
        "engagements": matching_selectors.engagements_visible_to(user).filter(status=Engagement.Status.ACTIVE).count(),
        "invoices": billing_selectors.invoices_visible_to(user).filter(status="open").count(),
    }
    return render(request, "web/console/home.html", {"queues": queues})
