"""The chamber admin's incident pages: the chamber's incident reports by state (the
de-identified projections its companies approved, and those it shared), publishing one (named
recipients for TLP:AMBER), withdrawing; the aggregates and the chamber's k setting; the STIX
2.1 bundle; and an incident-cost case's review, decision and payment.

Admins never read a company's report, only what the company approved to be shared
(incidents.selectors); every step goes through the incidents and subsidies services."""

from typing import Any, cast

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.models import Company, User
from api.incidents.views import STIX_MEDIA_TYPE
from incidents import selectors, services, stix
from incidents.categories import TLP_FOR_RECIPIENTS
from incidents.models import SharedIncident
from marketplace.downloads import private_download
from subsidies import selectors as subsidies_selectors
from subsidies import services as subsidies_services
from subsidies.models import SubsidyCase, SubsidyProgram
from web import incident_facts
from web.access import for_role
from web.action_forms import NoteForm, ReasonForm, date_field, note_field
from web.pages import Action, ActionForm, acting, page, paginate, reach
from web.sme.incidents import with_initial

ADMIN = User.Role.CHAMBER_ADMIN
STATES = (SharedIncident.Status.APPROVED, SharedIncident.Status.SHARED)


class PublishForm(ActionForm):
    """Recipients only for TLP:AMBER (the page offers the field only then)."""

    recipients = forms.ModelMultipleChoiceField(
        label=_("Member organisations that receive it"),
        queryset=Company.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def publish_form(members: Any) -> type[ActionForm]:
    def __init__(self: ActionForm, *args: Any, **kwargs: Any) -> None:
        PublishForm.__init__(self, *args, **kwargs)
        cast("forms.ModelMultipleChoiceField[Company]", self.fields["recipients"]).queryset = members

    return type("PublishForm", (PublishForm,), {"__init__": __init__})


class PlainPublishForm(ActionForm):
    """Publishing a CLEAR, GREEN, AMBER+STRICT or RED report: nothing to fill in."""


class PolicyForm(ActionForm):
    k_threshold = forms.IntegerField(
        label=_("Organisations per published cell (k)"),
        min_value=2,
        max_value=50,
        help_text=_("A cell covering fewer organisations is widened, or not published."),
    )
    dominance_percent = forms.IntegerField(
        label=_("Largest share of a loss total (%)"),
        min_value=50,
        max_value=99,
        help_text=_("A loss total is not published where one organisation is over this share of it."),
    )


@for_role(ADMIN)
def reports(request: HttpRequest) -> HttpResponse:
    """The chamber's incident reports by state: approved by their company (to publish), shared."""
    state = request.GET.get("status", "")
    listed = selectors.shared_incidents_visible_to(acting(request))
    if state in STATES:
        listed = listed.filter(status=state)
    listed = listed.order_by("status", "-approved_at", "-shared_at", "id")
    context = {"page_obj": paginate(request, listed), "state": state, "states": SharedIncident.Status.choices[2:4]}
    return render(request, "web/console/incidents/reports.html", context)


@for_role(ADMIN)
def report(request: HttpRequest, shared_id: str) -> HttpResponse:
    """One report as the company approved it to be shared (de-identified); publish it (a
    TLP:AMBER one to named member organisations), or withdraw it with the reason; its history."""
    admin = acting(request)
    shared: SharedIncident = reach(selectors.access_shared_incident, request, shared_id)
    members = Company.objects.filter(chamber_id=shared.chamber_id, status=Company.Status.VERIFIED).order_by("name")
    names_recipients = shared.tlp in TLP_FOR_RECIPIENTS
    actions = {
        "publish": Action(
            publish_form(members) if names_recipients else PlainPublishForm,
            lambda data: services.share_incident(
                shared=shared, admin=admin, recipients=list(data.get("recipients") or [])
            ),
            _("Shared: members read it as its label allows."),
        ),
        "withdraw": Action(
            ReasonForm,
            lambda data: services.withdraw_shared_incident(shared=shared, user=admin, note=data["note"]),
            _("Withdrawn: it is in no feed, figure or export any more."),
        ),
    }
    context = {
        "shared": shared,
        "recipients": list(shared.recipients.order_by("name")),
        "history": incident_facts.history(shared, SharedIncident.Status),
    }
    return page(request, "web/console/incidents/report.html", context, actions)


@for_role(ADMIN)
def aggregates(request: HttpRequest) -> HttpResponse:
    """The figures members read (every cell covering k organisations), and the chamber's k."""
    admin = acting(request)
    chamber = admin.chamber
    if chamber is None:
        raise Http404("No chamber.")
    policy = selectors.access_policy(admin, chamber.pk)
    table = selectors.incident_aggregates(admin)
    current = {"k_threshold": policy.k_threshold, "dominance_percent": policy.dominance_percent}
    actions = {
        "policy": Action(
            with_initial(PolicyForm, current),
            lambda data: services.set_sharing_policy(chamber=chamber, admin=admin, **data),
            _("Saved: the figures use the new setting."),
        )
    }
    context = {"table": table, "rows": incident_facts.aggregate_rows(table), "policy": policy}
    return page(request, "web/console/incidents/aggregates.html", context, actions)


@require_GET
@for_role(ADMIN)
def stix_bundle(request: HttpRequest) -> HttpResponseBase:
    """The chamber's shared reports as a STIX 2.1 bundle (RED never), as the API serves it."""
    bundle = stix.bundle(selectors.incidents_for_export(acting(request)))
    return private_download(
        bundle.serialize(sort_keys=True).encode("utf-8"),
        filename="shared-incidents.stix.json",
        content_type=f"{STIX_MEDIA_TYPE};version=2.1",
    )


# --- incident-cost cases -----------------------------------------------------------------------


class DecideForm(ActionForm):
    granted_amount_jpy = forms.IntegerField(
        label=_("Amount granted (yen)"),
        min_value=0,
        help_text=_("Up to the computed amount; less needs the reason, 0 means not paid."),
    )
    note = note_field(_("Reasons for the decision"))


class PaymentForm(ActionForm):
    paid_on = date_field(_("Paid on"))
    reference = forms.CharField(label=_("Payment reference (bank transfer)"), max_length=100, required=False)


@for_role(ADMIN)
def case_costs(request: HttpRequest, case_id: str) -> HttpResponse:
    """An incident-cost case of the chamber's program: eligibility and the amount explained
    invoice by invoice; take it into review, ask for a correction, decide the amount granted,
    record the payment to the company (a bank transfer, outside Stripe); its history."""
    admin = acting(request)
    case: SubsidyCase = reach(subsidies_selectors.access_case, request, case_id)
    if case.program.kind != SubsidyProgram.Kind.INCIDENT_COST:
        raise Http404("Only an incident-cost case has an amount computed from invoices.")
    context = incident_facts.case_costs(case)
    actions = {
        "review": Action(
            NoteForm,
            lambda data: subsidies_services.transition_case(
                case=case, user=admin, to=SubsidyCase.Status.UNDER_REVIEW, note=data["note"]
            ),
            _("The case is under review."),
        ),
        "correction": Action(
            ReasonForm,
            lambda data: subsidies_services.transition_case(
                case=case, user=admin, to=SubsidyCase.Status.CORRECTION_REQUESTED, note=data["note"]
            ),
            _("The company is asked to correct the case."),
        ),
        "decide": Action(
            with_initial(DecideForm, {"granted_amount_jpy": context["share"].amount_jpy}),
            lambda data: subsidies_services.decide_case(
                case=case, admin=admin, granted_amount_jpy=data["granted_amount_jpy"], note=data["note"] or ""
            ),
            _("The decision is recorded; the company sees it."),
        ),
        "payment": Action(
            PaymentForm,
            lambda data: subsidies_services.record_case_payment(
                case=case, admin=admin, paid_on=data["paid_on"], reference=data["reference"] or ""
            ),
            _("The payment to the company is recorded."),
        ),
    }
    return page(request, "web/console/incidents/case_costs.html", context, actions)
