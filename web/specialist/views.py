"""The specialist's pages: proposals waiting for an answer, engagements and their hours,
credentials, payouts. Objects come through the API's selectors (out of reach: 404), actions
through the domain's services (web/pages.py)."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.models import User
from billing import selectors as billing_selectors
from billing.models import Payment, TimeEntry
from billing.services import connect, hours
from marketplace.errors import DomainError
from matching import selectors as matching_selectors
from matching.models import Proposal
from matching.services import proposals
from talent import selectors as talent_selectors
from talent import services as talent_services
from talent.models import RENEWAL_DUE_DAYS, Certification
from web import facts
from web.access import for_role
from web.action_forms import notice_action
from web.pages import Action, acting, page, reach
from web.specialist import forms

SPECIALIST = User.Role.SPECIALIST


@for_role(SPECIALIST)
def home(request: HttpRequest) -> HttpResponse:
    """Proposals waiting for an answer, then the others that reached the specialist; engagements."""
    user = acting(request)
    reached = matching_selectors.proposals_visible_to(user).prefetch_related(None).order_by("-created_at", "id")
    context = {
        "waiting": list(reached.filter(status=Proposal.Status.APPROVED)),
        "answered": list(reached.exclude(status=Proposal.Status.APPROVED)[:20]),
        "engagements": list(
            matching_selectors.engagements_visible_to(user).prefetch_related(None).order_by("-created_at", "id")
        ),
    }
    return render(request, "web/specialist/home.html", context)


@for_role(SPECIALIST)
def proposal_detail(request: HttpRequest, proposal_id: str) -> HttpResponse:
    """The request as a proposed specialist learns it (the work, not who asks), the time left to
    answer, and accept (with a conflict-of-interest declaration) or decline."""
    user = acting(request)
    proposal = reach(matching_selectors.access_proposal, request, proposal_id)
    actions = {
        "accept": Action(
            forms.AcceptForm,
            lambda data: proposals.accept_proposal(
                proposal=proposal, user=user, declaration=data["declaration"], note=data["note"]
            ),
            _("You accepted. The company is told and may select you."),
        ),
        "decline": Action(
            forms.DeclineForm,
            lambda data: proposals.decline_proposal(proposal=proposal, user=user, note=data["note"]),
            _("You declined this proposal."),
        ),
    }
    language = "en" if (get_language() or "ja").startswith("en") else "ja"
    context = {
        "proposal": proposal,
        "summary": proposal.request,
        "skills": [
            (item.skill.label_en if language == "en" else item.skill.label_ja, item.min_level)
            for item in proposal.request.required_skills.all()
        ],
        "reasons": proposal.reasons.get(language, []),
        "answerable": proposal.status == Proposal.Status.APPROVED
        and (proposal.expires_at is None or proposal.expires_at > timezone.now()),
    }
    return page(request, "web/specialist/proposal.html", context, actions)


@for_role(SPECIALIST)
def engagement_detail(request: HttpRequest, engagement_id: str) -> HttpResponse:
    """An engagement's facts and terms, the hours logged (and logging more), giving notice."""
    user = acting(request)
    engagement = reach(matching_selectors.access_engagement, request, engagement_id)
    actions = {
        "log": Action(
            forms.LogHoursForm,
            lambda data: hours.log_hours(engagement=engagement, user=user, **data),
            _("The hours are logged; the company is asked to confirm them."),
        ),
        "notice": notice_action(engagement, user, _("Notice is given; the company is told.")),
    }
    entries = list(billing_selectors.time_entries_visible_to(user).filter(engagement=engagement))
    totals = {status: Decimal(0) for status in TimeEntry.Status.values}
    for entry in entries:
        totals[entry.status] += entry.hours
    context = {
        "engagement": engagement,
        "terms": facts.engagement_terms(engagement),
        "entries": entries,
        "hour_totals": [(TimeEntry.Status(status).label, hours) for status, hours in totals.items()],
    }
    return page(request, "web/specialist/engagement.html", context, actions)


@require_GET
@for_role(SPECIALIST)
def engagement_terms(request: HttpRequest, engagement_id: str) -> HttpResponseBase:
    """The statement of terms (取引条件明示書) as the API serves it."""
    return facts.terms_download(reach(matching_selectors.access_engagement, request, engagement_id))


@dataclass(frozen=True)
class Held:
    """A credential with today's validity (the daily task may not have marked it yet) and the days
    left to its renewal deadline (RISS; negative once past)."""

    certification: Certification
    validity: str
    days_left: int | None


@for_role(SPECIALIST)
def credentials(request: HttpRequest) -> HttpResponse:
    """The specialist's credentials with their review and renewal deadline; submitting another."""
    user = acting(request)
    actions = {
        "submit": Action(
            forms.CertificationForm,
            lambda data: talent_services.submit_certification(user=user, **data),
            _("The credential is submitted; a chamber reviews it."),
        )
    }
    today = timezone.localdate()
    held = [
        Held(c, c.validity_on(today), (c.renewal_deadline - today).days if c.renewal_deadline else None)
        for c in talent_selectors.certifications_visible_to(user).order_by("-created_at", "id")
    ]
    live = [h for h in held if h.certification.kind == Certification.Kind.RISS and h.certification.status != "rejected"]
    context = {
        "held": held,
        "renewal_due": [h for h in live if h.validity == Certification.Validity.RENEWAL_DUE],
        "lapsed": [h for h in live if h.validity == Certification.Validity.LAPSED],
        "renewal_due_days": RENEWAL_DUE_DAYS,
    }
    return page(request, "web/specialist/credentials.html", context, actions)


def _payouts(request: HttpRequest, *, arrived: str = "") -> HttpResponse:
    """The payouts page; a POST starts (or resumes) Stripe's set-up and offers its link.

    The link is shown rather than redirected to: the Content-Security-Policy's form-action
    'self' would stop a form's redirect to Stripe.
    """
    user = acting(request)
    configured = bool(settings.STRIPE_SECRET_KEY)
    form = forms.OnboardForm(prefix="onboard", initial={"action": "onboard"})
    onboarding_url = ""
    status = 200
    if request.method == "POST" and configured:
        form = forms.OnboardForm(request.POST, prefix="onboard")
        if form.is_valid():
            try:
                onboarding_url = connect.onboard_specialist(user=user)["onboarding_url"]
            except DomainError as exc:
                form.add_error(None, str(exc.message))
                status = 400
            else:
                messages.success(request, _("Your payout account is ready at Stripe: continue there."))
    paid = billing_selectors.payments_visible_to(user).filter(status__in=Payment.CAPTURED).prefetch_related(None)
    context = {
        "account": billing_selectors.own_connected_account(user),
        "payments": list(paid.order_by("-succeeded_at", "-created_at", "id")[:50]),
        "configured": configured,
        "forms": {"onboard": form},
        "form": form if form.errors else None,
        "onboarding_url": onboarding_url,
        "arrived": arrived,
    }
    return render(request, "web/specialist/payouts.html", context, status=status)


@for_role(SPECIALIST)
def payouts(request: HttpRequest) -> HttpResponse:
    return _payouts(request)


@for_role(SPECIALIST)
def payouts_return(request: HttpRequest) -> HttpResponse:
    """Where Stripe sends the specialist back after its set-up: where payouts stand now."""
    return _payouts(request, arrived="return")


@for_role(SPECIALIST)
def payouts_refresh(request: HttpRequest) -> HttpResponse:
    """Where Stripe sends the specialist when its link expired: start again from here."""
    return _payouts(request, arrived="refresh")
