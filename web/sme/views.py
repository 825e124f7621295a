"""The SME's pages: its requests and where each stands, engagements, invoices, subsidy cases, its
company and its people. Objects come through the API's selectors (out of reach: 404), actions through the
domain's services (web/pages.py)."""

import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts import lifecycle
from accounts import selectors as accounts_selectors
from accounts.models import CompanyMembership, Invitation, User
from billing import selectors as billing_selectors
from billing.models import Invoice
from billing.services import hours, payments
from marketplace.downloads import private_download
from marketplace.errors import get_or_not_found
from matching import selectors as matching_selectors
from matching.services import engagements
from subsidies import selectors as subsidies_selectors
from subsidies import services as subsidies_services
from web import facts
from web.access import for_role
from web.action_forms import CommentForm, NoteForm, NoticeForm, RowReasonForm
from web.pages import Action, RowForm, acting, page, reach
from web.sme import forms

SME = User.Role.SME
OWNER = CompanyMembership.Role.OWNER


@for_role(SME)
def home(request: HttpRequest) -> HttpResponse:
    """The company's requests with their pipeline, its engagements, invoices and subsidy cases."""
    user = acting(request)
    requests = matching_selectors.with_pipeline(matching_selectors.requests_visible_to(user).prefetch_related(None))
    context = {
        "requests": list(requests.order_by("-created_at", "id")),
        "engagements": list(
            matching_selectors.engagements_visible_to(user).prefetch_related(None).order_by("-created_at", "id")
        ),
        "invoices": list(billing_selectors.invoices_visible_to(user).prefetch_related(None)),
        "cases": list(subsidies_selectors.cases_visible_to(user)),
    }
    return render(request, "web/sme/home.html", context)


@for_role(SME)
def engagement_detail(request: HttpRequest, engagement_id: str) -> HttpResponse:
    """An engagement's facts and terms, notice given, the hours to confirm or dispute, its invoices."""
    user = acting(request)
    engagement = reach(matching_selectors.access_engagement, request, engagement_id)
    entries = list(billing_selectors.time_entries_visible_to(user).filter(engagement=engagement))

    def entry(data: dict[str, Any]) -> Any:
        return reach(billing_selectors.access_time_entry, request, data["target"])

    actions = {
        "confirm": Action(
            forms.ConfirmHoursForm,
            lambda data: hours.confirm_hours(entry=entry(data), user=user, note=data["note"]),
            gettext_lazy("The hours are confirmed: they go on the next invoice."),
        ),
        "dispute": Action(
            forms.DisputeHoursForm,
            lambda data: hours.dispute_hours(entry=entry(data), user=user, note=data["note"]),
            gettext_lazy("The hours are disputed; the specialist is told why."),
        ),
        "notice": Action(
            NoticeForm,
            lambda data: engagements.terminate_engagement(
                engagement=engagement,
                user=user,
                note=data["note"],
                ends_on=data["ends_on"],
                exception=data["exception"],
            ),
            gettext_lazy("Notice is given; the specialist is told."),
        ),
    }
    context = {
        "engagement": engagement,
        "terms": facts.engagement_terms(engagement),
        "entries": entries,
        "invoices": list(
            billing_selectors.invoices_visible_to(user).filter(engagement=engagement).prefetch_related(None)
        ),
    }
    logged = [e for e in entries if e.status == e.Status.LOGGED]
    return page(request, "web/sme/engagement.html", context, actions, rows=logged)


@require_GET
@for_role(SME)
def engagement_terms(request: HttpRequest, engagement_id: str) -> HttpResponseBase:
    """The statement of terms (取引条件明示書) as the API serves it."""
    return facts.terms_download(reach(matching_selectors.access_engagement, request, engagement_id))


def _paid_message(started: payments.PaymentStart) -> str:
    if started.intent_status == "succeeded":
        return _("The payment went through: the invoice is paid.")
    if started.intent_status == "processing":
        return _("Stripe is processing the payment; this page shows the invoice as paid when it is done.")
    return _(
        "The payment is started at Stripe (%(status)s): it is complete once the card is confirmed, and this "
        "page then shows the invoice as paid."
    ) % {"status": started.intent_status}


@for_role(SME)
def invoice_detail(request: HttpRequest, invoice_id: str) -> HttpResponse:
    """An invoice's facts, its PDF, its payments, and paying it by card where Stripe is set up."""
    user = acting(request)
    invoice = reach(billing_selectors.access_invoice, request, invoice_id)
    payable = (
        bool(settings.STRIPE_SECRET_KEY)
        and invoice.status == Invoice.Status.OPEN
        and invoice.payment_method in ("", "card")
    )
    actions = {}
    if payable:
        actions["pay"] = Action(
            forms.PayForm, lambda data: payments.pay_invoice(invoice=invoice, user=user), _paid_message
        )
    context = {"invoice": invoice, "payments": list(invoice.payments.all()), "payable": payable}
    return page(request, "web/sme/invoice.html", context, actions)


@require_GET
@for_role(SME)
def invoice_paid(request: HttpRequest, invoice_id: str) -> HttpResponse:
    """Where Stripe sends the payer back: what happened to the payment, as our records say (a
    webhook may still be on its way, so "in progress" says so)."""
    invoice = reach(billing_selectors.access_invoice, request, invoice_id)
    attempts = list(invoice.payments.all())
    context = {
        "invoice": invoice,
        "latest": attempts[-1] if attempts else None,
        "stripe_says": request.GET.get("redirect_status", ""),
    }
    return render(request, "web/sme/invoice_paid.html", context)


@require_GET
@for_role(SME)
def invoice_pdf(request: HttpRequest, invoice_id: str) -> HttpResponseBase:
    """The invoice (請求書) as the API renders it."""
    from billing import documents  # reportlab loads on the first PDF only

    invoice = reach(billing_selectors.access_invoice, request, invoice_id)
    return private_download(
        documents.render_invoice(invoice), filename=f"invoice-{invoice.number}.pdf", content_type="application/pdf"
    )


@for_role(SME)
def subsidy_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    """A subsidy case: its deadlines with their basis, documents with their review, comments;
    upload a new version, comment, submit."""
    user = acting(request)
    case = reach(subsidies_selectors.access_case, request, case_id)
    actions = {
        "upload": Action(
            forms.UploadDocumentForm,
            lambda data: subsidies_services.upload_document(
                case=case, user=user, document_type=data["document_type"], file=data["file"]
            ),
            gettext_lazy("The document is uploaded; the chamber is told."),
        ),
        "comment": Action(
            CommentForm,
            lambda data: subsidies_services.comment_on_case(case=case, user=user, body=data["body"]),
            gettext_lazy("Your comment is posted."),
        ),
        "submit": Action(
            NoteForm,
            lambda data: subsidies_services.submit_case(case=case, user=user, note=data["note"]),
            gettext_lazy("The case is submitted."),
        ),
    }
    return page(request, "web/sme/subsidy.html", facts.subsidy_case(case), actions)


@require_GET
@for_role(SME)
def subsidy_document(request: HttpRequest, case_id: str, document_id: str) -> HttpResponseBase:
    document = reach(lambda user, pk: subsidies_selectors.access_document(user, case_id, pk), request, document_id)
    return facts.document_download(document)


@for_role(SME)
def members(request: HttpRequest) -> HttpResponse:
    """The people of the person's companies and the invitations still open. An owner invites a
    colleague or the company's 社労士, sends an invitation again or withdraws it, and deactivates
    a colleague's account with the reason."""
    user = acting(request)
    memberships = list(accounts_selectors.memberships_visible_to(user).order_by("company__name", "role", "user__email"))
    owned = {m.company_id: m.company for m in memberships if m.user_id == user.pk and m.role == OWNER}
    of_owned = lifecycle.invitations_visible_to(user).filter(company_id__in=owned)
    invitations = list(
        of_owned.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by("company__name", "email")
    )
    actions: dict[str, Action] = {}
    if owned:

        def invitation(data: dict[str, Any]) -> Invitation:
            return reach(
                lambda _user, pk: get_or_not_found(of_owned, pk, _("Invitation not found.")), request, data["target"]
            )

        def colleague(data: dict[str, Any]) -> User:
            of_colleagues = accounts_selectors.memberships_visible_to(user).filter(company_id__in=owned)
            membership = reach(
                lambda _user, pk: get_or_not_found(of_colleagues, pk, _("User not found.")), request, data["target"]
            )
            return membership.user

        actions = {
            "invite": Action(
                forms.invite_form([(str(pk), company.name) for pk, company in owned.items()]),
                lambda data: lifecycle.invite(
                    by=user,
                    email=data["email"],
                    role=User.Role.SME,
                    company=owned[uuid.UUID(data["company"])],
                    company_role=data["company_role"],
                ),
                lambda sent: _("The invitation is sent to %(email)s.") % {"email": sent[0].email},
            ),
            "resend": Action(
                RowForm,
                lambda data: lifecycle.resend_invitation(invitation=invitation(data), by=user),
                lambda sent: (
                    _("The invitation is sent again to %(email)s, with a new link.") % {"email": sent[0].email}
                ),
            ),
            "revoke": Action(
                RowForm,
                lambda data: lifecycle.revoke_invitation(invitation=invitation(data), by=user),
                lambda revoked: _("The invitation to %(email)s is withdrawn.") % {"email": revoked.email},
            ),
            "deactivate": Action(
                RowReasonForm,
                lambda data: lifecycle.deactivate_user(user=colleague(data), by=user, note=data["note"]),
                lambda gone: _("%(name)s can no longer sign in.") % {"name": gone.name or gone.email},
            ),
        }
    colleagues = [m for m in memberships if m.company_id in owned and m.user_id != user.pk and m.user.is_active]
    context = {"memberships": memberships, "invitations": invitations, "owned": owned}
    return page(request, "web/sme/members.html", context, actions, rows=[*invitations, *colleagues])
