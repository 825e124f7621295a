"""The console's matching queues: proposals grouped by run and request (the request's facts, each
candidate's score breakdown and reasons, capacity left, conflict-of-interest declaration),
approved or rejected one by one or a run's at once; match runs, their progress live while they
work; a request's page, matched again on demand. The services are the API's
(matching.services.proposals, matching.services.runs); objects come through its selectors."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from matching import selectors as matching_selectors
from matching.models import AdvisorRequest, MatchRun, Proposal, RequiredSkill
from matching.parameters import DEFAULT_WEIGHTS
from matching.services import proposals as proposal_services
from matching.services import runs as run_services
from web.access import for_role
from web.action_forms import RowNoteForm, RowReasonForm
from web.console import forms, queue_forms
from web.console.queues import history, paginate_by_key, queue_page
from web.pages import Action, acting, paginate, reach

ADMIN = User.Role.CHAMBER_ADMIN

COMPONENT_LABELS = {
    "skills": gettext_lazy("Skills"),
    "certification": gettext_lazy("Credential"),
    "industry": gettext_lazy("Industry"),
    "proximity": gettext_lazy("Location"),
    "rate_fit": gettext_lazy("Rate fit"),
    "rating": gettext_lazy("Rating"),
    "workload": gettext_lazy("Free capacity"),
    "incident_history": gettext_lazy("Incident history"),
}


def _proposals(request: HttpRequest) -> "QuerySet[Proposal]":
    """The chamber's proposals with what a row shows: run, request (its company and required
    skills) and specialist; the selector's heavier profile prefetches dropped."""
    return (
        matching_selectors.proposals_visible_to(acting(request))
        .prefetch_related(None)
        .select_related("run", "specialist", "request__company")
        .prefetch_related(
            Prefetch("request__required_skills", queryset=RequiredSkill.objects.select_related("skill").order_by("id"))
        )
    )


def _shown(proposals: Iterable[Proposal]) -> list[Proposal]:
    """Each proposal with its score broken down, its reasons in the reader's language and the
    specialist's capacity left (matching.capacity's rule: two queries for the whole page)."""
    from matching import capacity  # numpy: loaded on the first page that shows proposals

    listed: list[Any] = list(proposals)
    left = capacity.remaining({p.specialist_id for p in listed}) if listed else {}
    language = "ja" if (translation.get_language() or "ja").startswith("ja") else "en"
    for proposal in listed:
        weights = {**DEFAULT_WEIGHTS, **(proposal.run.parameters.get("weights") or {})}
        proposal.breakdown_rows = [
            (COMPONENT_LABELS.get(name, name), points, weights.get(name))
            for name, points in (proposal.breakdown or {}).items()
        ]
        proposal.reason_lines = proposal.reasons.get(language, [])
        proposal.capacity_left = left.get(proposal.specialist_id, 0)
        proposal.row_id, proposal.name_id = f"proposal-{proposal.pk}", f"name-{proposal.pk}"
        # The run's bulk buttons and the queue's count say what is pending.
        proposal.oob = f"#bulk-{proposal.run_id},#queue-count"
    return listed


def _grouped(proposals: list[Proposal]) -> list[dict[str, Any]]:
    """[{run, requests: [{request, proposals, pending}], pending}] in the order given."""
    runs: dict[Any, dict[str, Any]] = {}
    for proposal in proposals:
        group = runs.setdefault(proposal.run_id, {"run": proposal.run, "requests": {}, "pending": 0})
        by_request = group["requests"].setdefault(
            proposal.request_id, {"request": proposal.request, "proposals": [], "pending": 0}
        )
        by_request["proposals"].append(proposal)
        if proposal.status == Proposal.Status.PENDING_REVIEW:
            by_request["pending"] += 1
            group["pending"] += 1
    return [{**group, "requests": list(group["requests"].values())} for group in runs.values()]


def _actions(request: HttpRequest) -> dict[str, Action]:
    """Approve or reject one proposal, approve a run's at once, match a request again."""
    admin = acting(request)

    def proposal(data: dict[str, Any]) -> Proposal:
        return reach(matching_selectors.access_proposal, request, data["target"])

    def approved(results: list[dict[str, str]]) -> str:
        done = sum(1 for result in results if result["result"] == "approved")
        message = _("%(done)s approved, %(refused)s not.") % {"done": done, "refused": len(results) - done}
        refusals = sorted({result["detail"] for result in results if result["result"] != "approved"})
        return " ".join([message, *refusals])

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
        "approve_selected": Action(
            queue_forms.ApproveSelectedForm,
            lambda data: proposal_services.approve_run_proposals(
                run=reach(matching_selectors.access_run, request, data["run"]),
                admin=admin,
                proposal_ids=None if data["every"] else data["proposals"],
            ),
            approved,
        ),
        "rerun": Action(
            queue_forms.RerunForm,
            lambda data: run_services.start_match_run_for(
                admin=admin,
                request_id=reach(matching_selectors.access_request, request, data["request"]).pk,
                parameters=None,
            ),
            gettext_lazy("A new match run is queued for this request; follow it under runs in progress."),
        ),
    }


def _context(request: HttpRequest, listed: list[Proposal]) -> dict[str, Any]:
    # Which run's bulk form was refused, so its message shows beside that run's buttons.
    return {"groups": _grouped(listed), "bulk_run": request.POST.get("approve_selected-run", "")}


def _pending(listed: list[Proposal]) -> list[Proposal]:
    return [p for p in listed if p.status == Proposal.Status.PENDING_REVIEW]


@for_role(ADMIN)
def proposals(request: HttpRequest) -> HttpResponse:
    """The proposals of the chamber's runs, waiting for review unless filtered otherwise."""
    admin = acting(request)
    filters = queue_forms.ProposalFilters(request.GET)
    chosen = filters.values()
    listed_qs = _proposals(request)
    if chosen.get("status"):
        listed_qs = listed_qs.filter(status=chosen["status"])
    if chosen.get("kind"):
        listed_qs = listed_qs.filter(request__kind=chosen["kind"])
    if chosen.get("q"):
        text = chosen["q"]
        listed_qs = listed_qs.filter(
            Q(request__title__icontains=text)
            | Q(request__company__name__icontains=text)
            | Q(specialist__display_name__icontains=text)
        )
    page_obj = paginate_by_key(request, listed_qs, (*filters.ordering(), "id"))
    listed = _shown(page_obj.object_list)
    live = list(matching_selectors.runs_visible_to(admin).filter(status__in=MatchRun.LIVE).order_by("created_at", "id"))
    context = {**_context(request, listed), "filters": filters, "page_obj": page_obj, "live_runs": live}
    return queue_page(request, "web/console/proposals.html", context, _actions(request), _pending(listed))


@for_role(ADMIN)
def runs(request: HttpRequest) -> HttpResponse:
    """The chamber's match runs, newest first: status, progress and what each proposed."""
    filters = queue_forms.RunFilters(request.GET)
    chosen = filters.values()
    listed = matching_selectors.runs_visible_to(acting(request)).select_related("request", "created_by")
    if chosen.get("status"):
        listed = listed.filter(status=chosen["status"])
    page_obj = paginate(request, listed.order_by(*filters.ordering()))
    return render(request, "web/console/runs.html", {"filters": filters, "page_obj": page_obj})


def _live_context(found: MatchRun) -> dict[str, Any]:
    return {"run": found, "live": found.status in MatchRun.LIVE, "stats": found.stats or {}}


@for_role(ADMIN)
def run(request: HttpRequest, run_id: str) -> HttpResponse:
    """A match run: its status, progress and stats (htmx polls the live part every second while
    it works, `web/console/run_live.html`), and its proposals to approve, all at once or not."""
    found = reach(matching_selectors.access_run, request, run_id)
    if request.method == "GET" and getattr(request, "htmx", False) and request.headers.get("HX-Target") == "run-live":
        return render(request, "web/console/run_live.html", _live_context(found))
    admin = acting(request)
    listed = _shown(_proposals(request).filter(run=found).order_by("request__created_at", "request_id", "rank", "id"))

    def approved(results: list[dict[str, str]]) -> str:
        done = sum(1 for result in results if result["result"] == "approved")
        return _("%(done)s approved, %(refused)s not.") % {"done": done, "refused": len(results) - done}

    actions = {
        "approve_all": Action(
            forms.ApproveAllForm,
            lambda data: proposal_services.approve_run_proposals(run=found, admin=admin),
            approved,
        ),
        **_actions(request),
    }
    context = {
        **_context(request, listed),
        **_live_context(found),
        "pending": len(_pending(listed)),
        "history": history(found),
    }
    return queue_page(request, "web/console/run.html", context, actions, _pending(listed))


@for_role(ADMIN)
def request_detail(request: HttpRequest, request_id: str) -> HttpResponse:
    """A request of the chamber's companies: its facts, pipeline, history, runs and every
    proposal (with names); match it again."""
    admin = acting(request)
    found: AdvisorRequest = reach(matching_selectors.access_request, request, request_id)
    listed = _shown(_proposals(request).filter(request=found).order_by("-run__created_at", "run_id", "rank", "id"))
    context = {
        **_context(request, listed),
        "advisor_request": found,
        "pipeline": matching_selectors.pipeline_of(found),
        "history": history(found),
        "runs": list(matching_selectors.runs_visible_to(admin).filter(request=found).order_by("-created_at", "id")),
    }
    return queue_page(request, "web/console/request.html", context, _actions(request), _pending(listed))
