"""The console's subsidy cases: the chamber's companies' cases, those with documents to review
first; a case with its eligibility, deadlines and the basis of each (Civil Code Art. 143
counting, subsidies.deadlines), its documents viewed inline beside accept or ask-for-a-fix,
comments, and an expired case reopened with the reason.

No submit, ever: the company (or the 社労士 it named) files its own claim. Preparing and filing
a claim for others is 社会保険労務士 work (社労士法 27条), so the chamber reviews and advises only.
"""

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from accounts.models import User
from subsidies import eligibility
from subsidies import selectors as subsidies_selectors
from subsidies import services as subsidies_services
from subsidies.models import SubsidyCase, SubsidyDocument
from web import facts
from web.access import for_role
from web.action_forms import CommentForm
from web.console import forms, queue_forms
from web.console.queues import history, queue_page
from web.pages import Action, acting, paginate, reach

ADMIN = User.Role.CHAMBER_ADMIN

# What a browser shows inside the page rather than downloading; anything else stays a download.
INLINE_TYPES = {"application/pdf": "pdf", "image/png": "image", "image/jpeg": "image", "image/webp": "image"}


@for_role(ADMIN)
def subsidy_cases(request: HttpRequest) -> HttpResponse:
    """The chamber's companies' cases, those with documents to review first (by default)."""
    filters = queue_forms.CaseFilters(request.GET)
    chosen = filters.values()
    to_review = Count("documents", filter=Q(documents__status=SubsidyDocument.Status.UPLOADED))
    listed = subsidies_selectors.cases_visible_to(acting(request)).annotate(to_review=to_review)
    if chosen.get("status"):
        listed = listed.filter(status=chosen["status"])
    if chosen.get("to_review"):
        listed = listed.filter(to_review__gt=0)
    if chosen.get("q"):
        text = chosen["q"]
        listed = listed.filter(
            Q(company__name__icontains=text) | Q(program__name_ja__icontains=text) | Q(program__name_en__icontains=text)
        )
    page_obj = paginate(request, listed.order_by(*filters.ordering()))
    return queue_page(request, "web/console/subsidy_cases.html", {"filters": filters, "page_obj": page_obj})


@for_role(ADMIN)
def subsidy_case(request: HttpRequest, case_id: str) -> HttpResponse:
    """A case: eligibility, deadlines with their basis, documents shown inline to accept or send
    back with what to fix, comments; an expired case reopened with the reason. No submit here."""
    admin = acting(request)
    case = reach(subsidies_selectors.access_case, request, case_id)
    context = facts.subsidy_case(case)
    language = translation.get_language() or "ja"
    for shown in context["documents"]:
        shown.row_id = f"document-{shown.pk}"
        shown.inline = INLINE_TYPES.get(shown.content_type, "")
    context |= {
        "eligibility": [(result, result.reason(language)) for result in eligibility.check(case)],
        "history": history(case),
        "expired": case.status == SubsidyCase.Status.EXPIRED,
    }

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
        "reopen": Action(
            queue_forms.ReopenForm,
            lambda data: subsidies_services.transition_case(
                case=case, user=admin, to=SubsidyCase.Status.COLLECTING_DOCUMENTS, note=data["note"]
            ),
            gettext_lazy("The case is open again: the company can collect its documents."),
        ),
    }
    rows = [d for d in context["documents"] if d.status == SubsidyDocument.Status.UPLOADED]
    return queue_page(request, "web/console/subsidy_case.html", context, actions, rows)


@require_GET
@for_role(ADMIN)
def subsidy_document(request: HttpRequest, case_id: str, document_id: str) -> HttpResponseBase:
    """A document, as the API serves it (an attachment, never cached, never sniffed)."""
    document = reach(lambda user, pk: subsidies_selectors.access_document(user, case_id, pk), request, document_id)
    return facts.document_download(document)


@require_GET
@for_role(ADMIN)
@xframe_options_sameorigin
def subsidy_document_inline(request: HttpRequest, case_id: str, document_id: str) -> HttpResponseBase:
    """The same document shown inside the case page (a PDF or an image; anything else stays an
    attachment): the same selector, the same private response, framed only by this site."""
    document = reach(lambda user, pk: subsidies_selectors.access_document(user, case_id, pk), request, document_id)
    response = facts.document_download(document)
    if document.content_type in INLINE_TYPES:
        response["Content-Disposition"] = (
            content_disposition_header(as_attachment=False, filename=document.name or "document") or "inline"
        )
        # The site's policy forbids framing (frame-ancestors 'none'); this one response may be
        # framed by the site's own pages (the policy is otherwise the site's own).
        response["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'self'"
    return response
