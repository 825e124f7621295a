"""The console's engagements: the chamber's companies' work with specialists, filtered and
sorted; one engagement with its terms, notice given, the earliest day it can end, its hours,
invoices and history. Reads only: the parties end an engagement (their own pages)."""

import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from billing import selectors as billing_selectors
from matching import selectors as matching_selectors
from matching import terms as freelance_act
from matching.models import Engagement
from web import facts
from web.access import for_role
from web.console import queue_forms
from web.console.queues import history, paginate_by_key
from web.pages import acting, reach

ADMIN = User.Role.CHAMBER_ADMIN


@for_role(ADMIN)
def engagements(request: HttpRequest) -> HttpResponse:
    filters = queue_forms.EngagementFilters(request.GET)
    chosen = filters.values()
    listed = matching_selectors.engagements_visible_to(acting(request)).prefetch_related(None)
    if chosen.get("status"):
        listed = listed.filter(status=chosen["status"])
    if chosen.get("kind"):
        listed = listed.filter(kind=chosen["kind"])
    if chosen.get("notice"):
        listed = listed.filter(notice_given_on__isnull=False)
    if chosen.get("q"):
        text = chosen["q"]
        listed = listed.filter(
            Q(request__title__icontains=text)
            | Q(company__name__icontains=text)
            | Q(specialist__display_name__icontains=text)
        )
    page_obj = paginate_by_key(request, listed, filters.ordering())
    return render(request, "web/console/engagements.html", {"filters": filters, "page_obj": page_obj})


def earliest_ends(engagement: Engagement, today: datetime.date) -> dict[str, Any]:
    """The earliest day each party could end it if they gave notice today (Freelance Act Art.
    16 for the client: matching.terms.earliest_end, the rule the ending service applies)."""
    if engagement.status != Engagement.Status.ACTIVE:
        return {}
    return {
        "by_client": freelance_act.earliest_end(engagement, by_client=True, exception="", today=today),
        "by_specialist": freelance_act.earliest_end(engagement, by_client=False, exception="", today=today),
    }


@for_role(ADMIN)
def engagement(request: HttpRequest, engagement_id: str) -> HttpResponse:
    user = acting(request)
    found = reach(matching_selectors.access_engagement, request, engagement_id)
    context = {
        "engagement": found,
        "terms": facts.engagement_terms(found),
        "earliest": earliest_ends(found, timezone.localdate()),
        "entries": list(billing_selectors.time_entries_visible_to(user).filter(engagement=found)),
        "invoices": list(billing_selectors.invoices_visible_to(user).filter(engagement=found).prefetch_related(None)),
        "history": history(found),
    }
    return render(request, "web/console/engagement.html", context)
