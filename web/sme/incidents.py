"""The SME's incident pages: the report of an incident engagement (write, edit, choose its TLP
label, preview exactly what will be shared, approve, withdraw), the members' feed of shared
reports and their aggregates, and the support programs an engagement may open a case on (the
incident-cost case's eligibility and amount explained line by line).

Objects come through the incidents and subsidies selectors (out of reach: 404), every step
through their services (web/pages.py). The preview is the shared row itself, rendered by the
same template as the feed (web/sme/incidents/shared_incident.html)."""

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from incidents import selectors, services
from incidents.categories import CostCategory, IncidentCategory, Tlp
from incidents.models import IncidentReport, SharedIncident
from matching import selectors as matching_selectors
from matching.models import Engagement
from subsidies import selectors as subsidies_selectors
from subsidies import services as subsidies_services
from subsidies.models import SubsidyCase, SubsidyProgram
from talent.models import RequestKind
from web import incident_facts
from web.access import for_role
from web.action_forms import NoteForm, ReasonForm, date_field
from web.pages import Action, ActionForm, RowForm, acting, page, paginate, reach

SME = User.Role.SME


class LinesField(forms.CharField):
    """A list typed one entry per line (the report's indicators and own hosts)."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocapitalize": "off"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 8000)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        return [line.strip() for line in str(text).splitlines() if line.strip()]


class ReportForm(ActionForm):
    """The report; every field named as incidents.services takes it, so a refusal lands beside it."""

    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=IncidentCategory.choices)
    occurred_on = date_field(_("Happened on"))
    discovered_on = date_field(_("Found on"))
    summary = forms.CharField(
        label=_("What happened"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )
    what_worked = forms.CharField(
        label=_("What worked"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    hashes = LinesField(label=_("File hashes (MD5, SHA-1 or SHA-256), one per line"))
    domains = LinesField(label=_("Attacker's domains, one per line"))
    ips = LinesField(label=_("Attacker's IP addresses, one per line"))
    email_senders = LinesField(label=_("Attacker's e-mail senders, one per line"))
    techniques = LinesField(label=_("ATT&CK techniques (e.g. T1566), one per line"))
    victim_domains = LinesField(
        label=_("Our own domains, one per line"),
        help_text=_("Never shared: removed wherever they appear in the text."),
    )
    victim_ips = LinesField(
        label=_("Our own IP addresses and networks, one per line"),
        help_text=_("Never shared: removed wherever they appear in the text."),
    )
    tlp = forms.ChoiceField(
        label=_("Who may read what is shared (TLP 2.0)"),
        choices=Tlp.choices,
        initial=Tlp.AMBER,
        widget=forms.RadioSelect,
        help_text=_(
            "CLEAR and GREEN: the chamber's members. AMBER: the member organisations the chamber names. "
            "AMBER+STRICT and RED: the chamber's admins only, never a member's feed."
        ),
    )
    losses = forms.CharField(
        label=_("What was lost (private)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept private: never shared, and not shown to the specialist."),
    )
    loss_jpy = forms.IntegerField(
        label=_("What it cost, in yen (private)"), required=False, min_value=0, max_value=10**12
    )


def with_initial(form: type[ActionForm], values: dict[str, Any]) -> type[ActionForm]:
    """`form` whose unbound instances start from `values` (page() builds forms itself)."""

    def __init__(self: ActionForm, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = values | (kwargs.get("initial") or {})
        form.__init__(self, *args, **kwargs)

    return type(form.__name__, (form,), {"__init__": __init__})


class ApproveForm(ActionForm):
    digest = forms.CharField(widget=forms.HiddenInput, required=False)


class DeidentifyForm(ActionForm):
    """Nothing to fill in: the projection is computed from the report."""


def _report_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = dict(data)
    for name in ("summary", "what_worked", "losses"):
        fields[name] = fields.get(name) or ""
    return fields


def _changed(report: IncidentReport, data: dict[str, Any]) -> dict[str, Any]:
    """Only what changed: an unchanged field that the projection reads must not send it back to draft."""
    return {name: value for name, value in _report_fields(data).items() if getattr(report, name) != value}


@for_role(SME)
def reports(request: HttpRequest) -> HttpResponse:
    """The company's incident reports with where their sharing stands, and the incident
    engagements still without one (write it)."""
    user = acting(request)
    listed = list(selectors.reports_visible_to(user).order_by("-created_at", "id"))
    engagements = list(
        matching_selectors.engagements_visible_to(user)
        .prefetch_related(None)
        .filter(kind=RequestKind.INCIDENT, incident_report__isnull=True)
        .order_by("-created_at", "id")
    )
    return render(request, "web/sme/incidents/reports.html", {"reports": listed, "engagements": engagements})


@for_role(SME)
def report_new(request: HttpRequest, engagement_id: str) -> HttpResponse:
    """Write the report of an incident engagement (once: afterwards this page leads to it)."""
    user = acting(request)
    engagement: Engagement = reach(matching_selectors.access_engagement, request, engagement_id)
    existing = selectors.reports_visible_to(user).filter(engagement=engagement).first()
    if existing is not None:
        return redirect("sme:incident_report", existing.pk)
    if engagement.kind != RequestKind.INCIDENT:
        raise Http404("Incident reports follow incident engagements.")
    actions = {
        "write": Action(
            ReportForm,
            lambda data: services.create_report(user=user, engagement=engagement, **_report_fields(data)),
            _("The report is saved. Nothing is shared until you approve its de-identified version."),
        )
    }
    return page(request, "web/sme/incidents/report_new.html", {"engagement": engagement}, actions)


@for_role(SME)
def report_detail(request: HttpRequest, report_id: str) -> HttpResponse:
    """The report (edit it; losses stay private), what will be shared of it exactly (the shared
    row, de-identified), approve that, or withdraw it; its history."""
    user = acting(request)
    report: IncidentReport = reach(selectors.access_report, request, report_id)
    shared = report.shared
    initial = {name: getattr(report, name) for name in ReportForm.base_fields if name != "action"}
    actions = {
        "edit": Action(
            with_initial(ReportForm, initial),
            lambda data: services.update_report(report=report, user=user, **_changed(report, data)),
            _("The report is saved."),
        ),
        "deidentify": Action(
            DeidentifyForm,
            lambda data: services.deidentify_report(report=report, user=user),
            _("Below is exactly what would be shared. Read it before approving."),
        ),
        "approve": Action(
            with_initial(ApproveForm, {"digest": shared.digest}),
            lambda data: services.approve_shared_incident(report=report, user=user, digest=data["digest"]),
            _("Approved: the chamber's admin may now share it."),
        ),
        "withdraw": Action(
            ReasonForm,
            lambda data: services.withdraw_shared_incident(shared=shared, user=user, note=data["note"]),
            _("Withdrawn: it is in no feed, aggregate or export any more."),
        ),
    }
    context = {
        "report": report,
        "shared": shared,
        "previewed": shared.status != SharedIncident.Status.DRAFT and bool(shared.digest),
        "may_see_losses": selectors.may_see_losses(user, report),
        "history": incident_facts.history(shared, SharedIncident.Status),
    }
    return page(request, "web/sme/incidents/report.html", context, actions)


@for_role(SME)
def shared_reports(request: HttpRequest) -> HttpResponse:
    """The feed of reports shared in the person's chambers that their TLP lets them read."""
    listed = selectors.feed_for(acting(request)).order_by("-shared_at", "id")
    return render(request, "web/sme/incidents/feed.html", {"page_obj": paginate(request, listed)})


@for_role(SME)
def shared_aggregates(request: HttpRequest) -> HttpResponse:
    """Counts of shared reports, each cell covering at least k organisations (incidents.aggregates)."""
    table = selectors.incident_aggregates(acting(request))
    context = {"table": table, "rows": incident_facts.aggregate_rows(table)}
    return render(request, "web/sme/incidents/aggregates.html", context)


# --- support programs ------------------------------------------------------------------------


class CollectForm(NoteForm):
    """draft -> collecting documents (an incident-cost case has no plan or period to wait for)."""


def categories_form(case: SubsidyCase, lines: list[Any]) -> type[ActionForm]:
    """One choice per invoice of the engagement: what it paid for (subsidies.costs)."""
    fields: dict[str, Any] = {
        f"invoice_{line.invoice_id}": forms.ChoiceField(
            label=_("Invoice %(number)s paid for") % {"number": line.number},
            choices=CostCategory.choices,
            initial=line.category,
        )
        for line in lines
    }
    return type("CostCategoriesForm", (ActionForm,), fields)


@for_role(SME)
def engagement_support(request: HttpRequest, engagement_id: str) -> HttpResponse:
    """The support programs that cover this engagement (an incident-cost program for an incident,
    a hiring subsidy for a hire), the cases already open on it, and opening one."""
    user = acting(request)
    engagement: Engagement = reach(matching_selectors.access_engagement, request, engagement_id)
    programs = [
        program
        for program in subsidies_selectors.programs_visible_to(user).filter(is_current=True).order_by("code")
        if engagement.kind in program.engagement_kinds
    ]
    by_id = {str(program.pk): program for program in programs}

    def program_of(data: dict[str, Any]) -> SubsidyProgram:
        program = by_id.get(str(data["target"]))
        if program is None:
            raise Http404("Subsidy program not found.")
        return program

    actions = {
        "open": Action(
            RowForm,
            lambda data: subsidies_services.open_case(user=user, engagement=engagement, program=program_of(data)),
            _("The case is open."),
        )
    }
    cases = list(subsidies_selectors.cases_visible_to(user).filter(engagement=engagement).order_by("created_at", "id"))
    opened = {case.program.code for case in cases}
    context = {"engagement": engagement, "programs": programs, "cases": cases, "opened": opened}
    return page(request, "web/sme/incidents/support.html", context, actions, rows=programs)


@for_role(SME)
def case_costs(request: HttpRequest, case_id: str) -> HttpResponse:
    """An incident-cost case: its eligibility explained rule by rule, the amount invoice by
    invoice (what each paid for, whether it counts, its contribution), the steps to the amount;
    state what each invoice paid for, start collecting documents, send a corrected case back."""
    user = acting(request)
    case: SubsidyCase = reach(subsidies_selectors.access_case, request, case_id)
    if case.program.kind != SubsidyProgram.Kind.INCIDENT_COST:
        raise Http404("Only an incident-cost case has an amount computed from invoices.")
    context = incident_facts.case_costs(case)
    form = categories_form(case, context["share"].lines)

    def categories(data: dict[str, Any]) -> Any:
        stated = {name.removeprefix("invoice_"): value for name, value in data.items() if name.startswith("invoice_")}
        return subsidies_services.update_case(case=case, user=user, cost_categories=stated)

    actions = {
        "categories": Action(form, categories, _("Saved: the amount below is computed again.")),
        "collect": Action(
            CollectForm,
            lambda data: subsidies_services.transition_case(
                case=case, user=user, to=SubsidyCase.Status.COLLECTING_DOCUMENTS, note=data["note"]
            ),
            _("Gather the documents the program asks for, then submit the case."),
        ),
        "corrected": Action(
            NoteForm,
            lambda data: subsidies_services.transition_case(
                case=case, user=user, to=SubsidyCase.Status.UNDER_REVIEW, note=data["note"]
            ),
            _("The corrected case is back with the chamber."),
        ),
    }
    return page(request, "web/sme/incidents/case_costs.html", context, actions)
