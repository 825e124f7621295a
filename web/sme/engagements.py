"""The SME's engagement page: who to contact, the terms and their statement (terms.pdf), the
hours the specialist logged to confirm or dispute, notice with the earliest end it allows, and
a review once the engagement has ended (or each month of an advisor retainer). Objects come
through the selectors (out of reach: 404), actions through matching's and billing's services,
as the API's."""

from typing import Any

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import User
from billing import selectors as billing_selectors
from billing.services import hours
from marketplace.errors import get_or_not_found
from matching import selectors as matching_selectors
from matching import terms as freelance_act
from matching.models import Engagement
from matching.services import engagements
from talent.models import RequestKind
from talent.selectors import ContactScope
from web import facts
from web.access import for_role
from web.action_forms import notice_action
from web.pages import Action, ActionForm, acting, page, reach
from web.sme import forms

SME = User.Role.SME


class ReviewForm(ActionForm):
    """The company rates the specialist's work (matching's review_engagement)."""

    rating = django_forms.TypedChoiceField(
        label=gettext_lazy("Rating"),
        choices=[
            (5, gettext_lazy("5 — excellent")),
            (4, gettext_lazy("4 — good")),
            (3, gettext_lazy("3 — adequate")),
            (2, gettext_lazy("2 — poor")),
            (1, gettext_lazy("1 — very poor")),
        ],
        coerce=int,
        widget=django_forms.RadioSelect,
    )
    comment = django_forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=4000,
        widget=django_forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown to the specialist and to the chamber."),
    )


def contact(user: User, engagement: Engagement) -> dict[str, str]:
    """The specialist's contact details as the API gives them to the company (talent's privacy
    rule decides: a company sees those of the specialists it engages)."""
    specialist = engagement.specialist
    if not ContactScope(user).allows(specialist):
        return {"name": specialist.display_name, "email": "", "phone": ""}
    return {
        "name": specialist.legal_name or specialist.display_name,
        "email": specialist.email,
        "phone": specialist.phone,
    }


def reviewable(engagement: Engagement) -> bool:
    """Whether the review service takes one now: an ended engagement, or an advisor retainer
    that runs (one a month); the service still refuses a second for the same period."""
    return engagement.status != Engagement.Status.ACTIVE or engagement.kind == RequestKind.ADVISOR


@for_role(SME)
def engagement_detail(request: HttpRequest, engagement_id: str) -> HttpResponse:
    """An engagement's facts, contacts and terms, notice, the hours to confirm or dispute, its
    invoices and the reviews the company wrote."""
    user = acting(request)
    engagement = reach(matching_selectors.access_engagement, request, engagement_id)
    entries = list(billing_selectors.time_entries_visible_to(user).filter(engagement=engagement).order_by("work_date"))

    def entry(data: dict[str, Any]) -> Any:
        """One of this engagement's hours (another's, even the company's own: 404)."""
        of_engagement = billing_selectors.time_entries_visible_to(user).filter(engagement=engagement)
        return reach(
            lambda _user, pk: get_or_not_found(of_engagement, pk, _("Time entry not found.")), request, data["target"]
        )

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
        "notice": notice_action(engagement, user, gettext_lazy("Notice is given; the specialist is told.")),
        "review": Action(
            ReviewForm,
            lambda data: engagements.review_engagement(
                engagement=engagement, user=user, rating=data["rating"], comment=data["comment"]
            ),
            gettext_lazy("Thank you: your review is posted and the specialist is told."),
        ),
    }
    today = timezone.localdate()
    context = {
        "engagement": engagement,
        "contact": contact(user, engagement),
        "terms": facts.engagement_terms(engagement),
        "entries": entries,
        "invoices": list(
            billing_selectors.invoices_visible_to(user)
            .filter(engagement=engagement)
            .prefetch_related(None)
            .order_by("-issued_on", "id")
        ),
        "reviews": list(
            matching_selectors.reviews_visible_to(user).filter(engagement=engagement).order_by("-period", "-id")
        ),
        "may_give_notice": engagement.status == Engagement.Status.ACTIVE and not engagement.ends_on,
        "earliest_end": freelance_act.earliest_end(engagement, by_client=True, exception="", today=today),
        "today": today,
        "reviewable": reviewable(engagement),
    }
    logged = [e for e in entries if e.status == e.Status.LOGGED]
    return page(request, "web/sme/engagement.html", context, actions, rows=logged)


@require_GET
@for_role(SME)
def engagement_terms(request: HttpRequest, engagement_id: str) -> HttpResponseBase:
    """The statement of terms (取引条件明示書) as the API serves it."""
    return facts.terms_download(reach(matching_selectors.access_engagement, request, engagement_id))
