"""The chamber admin's console: the queues (companies, credentials, proposals, subsidy documents)
and the chamber's engagements, invoices, subsidy cases and specialists. Objects come through the
API's selectors (out of reach: 404), actions through the domain's services (web/pages.py)."""

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts import selectors as accounts_selectors
from accounts.models import Company, User
from billing import selectors as billing_selectors
from matching import selectors as matching_selectors
from matching.models import Engagement, Proposal
from matching.services import proposals as proposal_services
from subsidies import selectors as subsidies_selectors
from subsidies import services as subsidies_services
from subsidies.models import SubsidyDocument
from talent import selectors as talent_selectors
from talent.models import Certification
from web import facts
from web.access import for_role
from web.action_forms import CommentForm, RowNoteForm, RowReasonForm
from web.console import forms
from web.pages import Action, acting, page, paginate, reach

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


# --- proposals, runs and requests --------------------------------------------


def _proposal_actions(request: HttpRequest) -> dict[str, Action]:
    admin = acting(request)

    def proposal(data: dict[str, Any]) -> Proposal:
        return reach(matching_selectors.access_proposal, request, data["target"])

    return {
        "approve": Action(
            RowNoteForm,
            lambda data: proposal_services.approve_proposal(proposal=proposal(data), admin=admin, note=data["note"]),
            gettext_lazy("The proposal is approved; the specialist is asked to answer."),
        ),
        "reject": Action(
            RowReasonForm,
            lambda data: proposal_services.reject_proposal(proposal=proposal(data), admin=admin, note=data["note"]),
            gettext_lazy("The proposal is rejected."),
        ),
    }


def _proposals_of(request: HttpRequest) -> Any:
    """The chamber's proposals with what their rows show: the request and the specialist's name."""
    return (
        matching_selectors.proposals_visible_to(acting(request))
        .prefetch_related(None)
        .select_related("specialist", "request__company")
    )


@for_role(ADMIN)
def proposals(request: HttpRequest) -> HttpResponse:
    """Proposals waiting for review, grouped by request; approve, or reject with the reason."""
    pending = list(
        _proposals_of(request)
        .filter(status=Proposal.Status.PENDING_REVIEW)
        .order_by("request__created_at", "request_id", "rank")
    )
    return page(request, "web/console/proposals.html", {"proposals": pending}, _proposal_actions(request), pending)


@for_role(ADMIN)
def run(request: HttpRequest, run_id: str) -> HttpResponse:
    """A match run: its progress and outcome, its proposals; approve every pending one at once."""
    admin = acting(request)
    found = reach(matching_selectors.access_run, request, run_id)
    listed = list(_proposals_of(request).filter(run=found).order_by("request_id", "rank"))

    def approved(results: list[dict[str, str]]) -> str:
        done = sum(1 for result in results if result["result"] == "approved")
        return _("%(done)s approved, %(refused)s not.") % {"done": done, "refused": len(results) - done}

    actions = {
        "approve_all": Action(
            forms.ApproveAllForm,
            lambda data: proposal_services.approve_run_proposals(run=found, admin=admin),
            approved,
        ),
        **_proposal_actions(request),
    }
    rows = [p for p in listed if p.status == Proposal.Status.PENDING_REVIEW]
    context = {"run": found, "proposals": listed, "pending": len(rows)}
    return page(request, "web/console/run.html", context, actions, rows)


@for_role(ADMIN)
def request_detail(request: HttpRequest, request_id: str) -> HttpResponse:
    """A request of the chamber's companies: its facts, pipeline and every proposal (with names)."""
    found = reach(matching_selectors.access_request, request, request_id)
    listed = list(_proposals_of(request).filter(request=found).order_by("rank", "id"))
    rows = [p for p in listed if p.status == Proposal.Status.PENDING_REVIEW]
    context = {"advisor_request": found, "pipeline": matching_selectors.pipeline_of(found), "proposals": listed}
    return page(request, "web/console/request.html", context, _proposal_actions(request), rows)


# --- engagements, invoices ---------------------------------------------------


@for_role(ADMIN)
def engagements(request: HttpRequest) -> HttpResponse:
    listed = (
        matching_selectors.engagements_visible_to(acting(request)).prefetch_related(None).order_by("-created_at", "id")
    )
    return render(request, "web/console/engagements.html", {"page_obj": paginate(request, listed)})


@for_role(ADMIN)
def engagement(request: HttpRequest, engagement_id: str) -> HttpResponse:
    user = acting(request)
    found = reach(matching_selectors.access_engagement, request, engagement_id)
    context = {
        "engagement": found,
        "terms": facts.engagement_terms(found),
        "entries": list(billing_selectors.time_entries_visible_to(user).filter(engagement=found)),
        "invoices": list(billing_selectors.invoices_visible_to(user).filter(engagement=found).prefetch_related(None)),
    }
    return render(request, "web/console/engagement.html", context)


@for_role(ADMIN)
def invoices(request: HttpRequest) -> HttpResponse:
    listed = billing_selectors.invoices_visible_to(acting(request)).prefetch_related(None)
    return render(request, "web/console/invoices.html", {"page_obj": paginate(request, listed)})


# --- subsidy cases -----------------------------------------------------------


@for_role(ADMIN)
def subsidy_cases(request: HttpRequest) -> HttpResponse:
    """The chamber's companies' cases, those with documents to review first."""
    to_review = Count("documents", filter=Q(documents__status=SubsidyDocument.Status.UPLOADED))
    listed = (
        subsidies_selectors.cases_visible_to(acting(request))
        .annotate(to_review=to_review)
        .order_by("-to_review", "-created_at", "id")
    )
    return render(request, "web/console/subsidy_cases.html", {"page_obj": paginate(request, listed)})


@for_role(ADMIN)
def subsidy_case(request: HttpRequest, case_id: str) -> HttpResponse:
    """A case: deadlines, documents to accept or send back with what to fix, comments. The
    company files its own claim: there is no submit here."""
    admin = acting(request)
    case = reach(subsidies_selectors.access_case, request, case_id)
    context = facts.subsidy_case(case)

    def document(data: dict[str, Any]) -> SubsidyDocument:
        return reach(lambda user, pk: subsidies_selectors.access_document(user, case.pk, pk), request, data["target"])

    actions = {
        "accept": Action(
            forms.AcceptDocumentForm,
            lambda data: subsidies_services.review_document(
                document=document(data), admin=admin, status=SubsidyDocument.Status.ACCEPTED, comment=data["comment"]
            ),
            gettext_lazy("The document is accepted."),
        ),
        "fix": Action(
            forms.FixDocumentForm,
            lambda data: subsidies_services.review_document(
                document=document(data), admin=admin, status=SubsidyDocument.Status.NEEDS_FIX, comment=data["comment"]
            ),
            gettext_lazy("The company is asked to fix the document."),
        ),
        "comment": Action(
            CommentForm,
            lambda data: subsidies_services.comment_on_case(case=case, user=admin, body=data["body"]),
            gettext_lazy("Your comment is posted; the company is told."),
        ),
    }
    rows = [d for d in context["documents"] if d.status == SubsidyDocument.Status.UPLOADED]
    return page(request, "web/console/subsidy_case.html", context, actions, rows)


@require_GET
@for_role(ADMIN)
def subsidy_document(request: HttpRequest, case_id: str, document_id: str) -> HttpResponseBase:
    document = reach(lambda user, pk: subsidies_selectors.access_document(user, case_id, pk), request, document_id)
    return facts.document_download(document)
