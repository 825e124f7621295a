"""The SME's requests up to selection: a form per kind (an incident first and fast), editing a
draft, publishing it, following its pipeline, comparing the specialists who accepted side by side
and selecting one with the Freelance Act's terms. Reads through matching.selectors (out of reach:
404), writes through matching's services; the terms' rules are matching.terms."""

import datetime
import uuid
from typing import Any, ClassVar

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts import selectors as accounts_selectors
from accounts.models import User
from diagnosis.selectors import companies_diagnosed_by
from incidents.categories import IncidentCategory
from matching import models as matching_models
from matching import selectors as matching_selectors
from matching import terms as freelance_act
from matching.models import AdvisorRequest, Engagement, Proposal
from matching.services import engagements
from matching.services import requests as request_services
from talent.models import RequestKind, Skill
from web.access import for_role
from web.action_forms import note_field
from web.pages import ActionForm, acting, reach
from web.sme.steps import Step, page

SME = User.Role.SME
# The incident form asks for these skills at this level: the SME in an incident has no time to
# choose, and every incident needs someone who handles incidents.
INCIDENT_SKILLS = [{"skill": "incident_response", "min_level": 3}]
# A new non-incident request starts this far out: time to publish and be matched.
START_AFTER_DAYS = 14


def _language() -> str:
    return translation.get_language() or "ja"


# --- the request form, per kind ----------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


# What a retainer and a consultation ask for.
SERVICE_FIELDS = (
    "company",
    "title",
    "description",
    "required_skills",
    "min_level",
    "required_certification",
    "budget_jpy",
    "hours_per_month",
    "start_date",
    "remote_ok",
    "onsite_required",
    "slots",
)


class RequestForm(ActionForm):
    """Every field a request may have; `KIND_FIELDS` keeps those its kind asks for."""

    KIND_FIELDS: ClassVar[dict[str, tuple[str, ...]]] = {
        RequestKind.INCIDENT: (
            "company",
            "title",
            "description",
            "incident_category",
            "personal_data_leak",
            "aware_at",
            "leak_deliberate",
            "budget_jpy",
            "remote_ok",
            "onsite_required",
        ),
        RequestKind.ADVISOR: SERVICE_FIELDS,
        RequestKind.SPOT: SERVICE_FIELDS,  # the same fields as a retainer; only the budget's label differs
        RequestKind.HIRE: (
            "company",
            "title",
            "description",
            "required_skills",
            "min_level",
            "employment_type",
            "budget_jpy",
            "start_date",
            "remote_ok",
            "onsite_required",
            "slots",
        ),
    }
    BUDGET_LABELS: ClassVar[dict[str, Any]] = {
        RequestKind.ADVISOR: gettext_lazy("Monthly budget (yen)"),
        RequestKind.SPOT: gettext_lazy("Budget (yen)"),
        RequestKind.INCIDENT: gettext_lazy("Budget (yen)"),
        RequestKind.HIRE: gettext_lazy("Annual salary (yen)"),
    }
    kind: ClassVar[str] = RequestKind.ADVISOR
    companies: ClassVar[list[tuple[str, str]]] = []

    company = forms.ChoiceField(label=gettext_lazy("Company"), choices=())
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("What you need"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    incident_category = forms.ChoiceField(
        label=gettext_lazy("What happened"),
        choices=[("", gettext_lazy("Not sure yet")), *IncidentCategory.choices],
        required=False,
    )
    personal_data_leak = forms.BooleanField(
        label=gettext_lazy("Personal data may have leaked"),
        help_text=gettext_lazy("Then the APPI reporting clocks run from when you became aware."),
        required=False,
    )
    aware_at = forms.DateTimeField(
        label=gettext_lazy("When you became aware of it"),
        required=False,
        widget=DateTimeInput(),
    )
    leak_deliberate = forms.BooleanField(
        label=gettext_lazy("The leak was caused deliberately (an attack, a theft)"),
        help_text=gettext_lazy("The final report is then due in 60 days instead of 30."),
        required=False,
    )
    required_skills = forms.MultipleChoiceField(
        label=gettext_lazy("Skills needed"), choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )
    min_level = forms.TypedChoiceField(
        label=gettext_lazy("Level needed in those skills"),
        help_text=gettext_lazy("1: basics · 3: independent practitioner · 5: leading expert"),
        choices=[(level, str(level)) for level in range(1, 6)],
        coerce=int,
        initial=3,
    )
    required_certification = forms.ChoiceField(
        label=gettext_lazy("Required certification"),
        choices=AdvisorRequest.CertificationRequirement.choices,
        initial=AdvisorRequest.CertificationRequirement.NONE,
    )
    employment_type = forms.ChoiceField(
        label=gettext_lazy("Employment type"),
        choices=AdvisorRequest.EmploymentType.choices,
        widget=forms.RadioSelect,
        initial=AdvisorRequest.EmploymentType.FULL_TIME,
    )
    budget_jpy = forms.IntegerField(
        label=gettext_lazy("Budget (yen)"),
        min_value=1,
        max_value=1_000_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    hours_per_month = forms.IntegerField(
        label=gettext_lazy("Hours per month"),
        required=False,
        min_value=0,
        max_value=744,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=DateInput())
    remote_ok = forms.BooleanField(label=gettext_lazy("Remote work is fine"), required=False, initial=True)
    onsite_required = forms.BooleanField(label=gettext_lazy("Onsite work is required"), required=False)
    slots = forms.IntegerField(
        label=gettext_lazy("Candidates to propose"),
        min_value=1,
        max_value=10,
        initial=3,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = {"action", *self.KIND_FIELDS[self.kind]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "company" in self.fields:
            company = self.fields["company"]
            assert isinstance(company, forms.ChoiceField)  # noqa: S101 (declared above)
            company.choices = self.companies
            if len(self.companies) == 1:  # nothing to choose: the one company, without a question
                company.widget = forms.HiddenInput()
                company.initial = self.companies[0][0]
        if "required_skills" in self.fields:
            skills = self.fields["required_skills"]
            assert isinstance(skills, forms.MultipleChoiceField)  # noqa: S101
            language = _language()
            skills.choices = [(s.slug, s.label(language)) for s in Skill.objects.order_by("position", "slug")]
        self.fields["budget_jpy"].label = self.BUDGET_LABELS[self.kind]
        if self.kind == RequestKind.INCIDENT:
            # The APPI clocks, shown as the time of awareness is given (appi_clocks below).
            live = {
                "hx-get": reverse("sme:request_appi_clocks"),
                "hx-trigger": "input changed delay:300ms, change",
                "hx-target": "#appi-clocks",
                "hx-include": ",".join(f"[name='{self.add_prefix(name)}']" for name in CLOCK_FIELDS),
            }
            for name in CLOCK_FIELDS:
                self.fields[name].widget.attrs.update(live)


CLOCK_FIELDS = ("personal_data_leak", "aware_at", "leak_deliberate")


class ClocksForm(forms.Form):
    personal_data_leak = forms.BooleanField(required=False)
    aware_at = forms.DateTimeField(required=False)
    leak_deliberate = forms.BooleanField(required=False)


@require_GET
@for_role(SME)
def appi_clocks(request: HttpRequest) -> HttpResponse:
    """The APPI reporting dates of a leak known since the time typed on the incident form (htmx);
    AdvisorRequest.appi_deadlines computes them, as on the request's page."""
    form = ClocksForm(request.GET, prefix="request")
    deadlines = None
    if form.is_valid() and form.cleaned_data["personal_data_leak"] and form.cleaned_data["aware_at"]:
        deadlines = AdvisorRequest(
            kind=RequestKind.INCIDENT,
            personal_data_leak=True,
            aware_at=form.cleaned_data["aware_at"],
            leak_deliberate=form.cleaned_data["leak_deliberate"],
        ).appi_deadlines()
    context = {"appi": deadlines, "deliberate": form.is_valid() and form.cleaned_data["leak_deliberate"]}
    return render(request, "web/sme/partials/appi_clocks.html", context)


def request_form(kind: str, companies: list[tuple[str, str]]) -> type[RequestForm]:
    return type("RequestForm", (RequestForm,), {"kind": kind, "companies": companies})


def _fields(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The service's keyword arguments from the form's cleaned data."""
    fields = {k: v for k, v in data.items() if k not in ("company", "required_skills", "min_level")}
    if "hours_per_month" in fields:
        fields["hours_per_month"] = fields["hours_per_month"] or 0
    if "required_skills" in data:
        fields["required_skills"] = [
            {"skill": slug, "min_level": data["min_level"]} for slug in data["required_skills"]
        ]
    return fields


def _create(user: User, kind: str, data: dict[str, Any]) -> AdvisorRequest:
    company = reach_company(user, data["company"])
    fields = _fields(kind, data)
    required = fields.pop("required_skills", INCIDENT_SKILLS if kind == RequestKind.INCIDENT else [])
    if kind == RequestKind.INCIDENT:
        # An incident is urgent and starts today: two questions the SME need not answer.
        fields |= {"urgency": AdvisorRequest.Urgency.URGENT, "start_date": timezone.localdate()}
    return request_services.create_request(user=user, company=company, required_skills=required, kind=kind, **fields)


def reach_company(user: User, company_id: str) -> Any:
    return accounts_selectors.access_company(user, uuid.UUID(company_id))


def _companies(user: User) -> list[tuple[str, str]]:
    """The companies the person may draft a request for: those they are a full member of (owner or
    member), the rule create_request checks (accounts.access.ensure_member)."""
    return [(str(c.pk), c.name) for c in companies_diagnosed_by(user).order_by("name", "id")]


KINDS_IN_ORDER = (RequestKind.INCIDENT, RequestKind.ADVISOR, RequestKind.SPOT, RequestKind.HIRE)


def _appi_rules() -> dict[str, int]:
    return {
        "preliminary": matching_models.APPI_PRELIMINARY_DAYS,
        "final": matching_models.APPI_FINAL_DAYS,
        "final_deliberate": matching_models.APPI_FINAL_DAYS_DELIBERATE,
    }


# --- pages -------------------------------------------------------------------------------------


@for_role(SME)
def new(request: HttpRequest) -> HttpResponse:
    """Which kind of help (an incident first), then that kind's form; saved as a draft."""
    user = acting(request)
    companies = _companies(user)
    kind = request.GET.get("kind", "")
    if kind not in KINDS_IN_ORDER or not companies:
        kinds = [(value, RequestKind(value).label) for value in KINDS_IN_ORDER]
        return render(request, "web/sme/request_kinds.html", {"kinds": kinds, "companies": companies})
    initial: dict[str, Any] = {"remote_ok": True}
    if kind != RequestKind.INCIDENT:
        initial["start_date"] = timezone.localdate() + datetime.timedelta(days=START_AFTER_DAYS)
    steps = {
        "request": Step(
            request_form(kind, companies),
            lambda data: _create(user, kind, data),
            gettext_lazy("The request is saved as a draft: check it and publish it."),
            to=lambda made: reverse("sme:request", kwargs={"request_id": made.pk}),
            initial=initial,
        )
    }
    context = {"kind": kind, "kind_label": RequestKind(kind).label, "appi": _appi_rules()}
    return page(request, "web/sme/request_form.html", context, steps)


def _initial(advisor_request: AdvisorRequest) -> dict[str, Any]:
    required = list(advisor_request.required_skills.all())
    return {
        **{name: getattr(advisor_request, name) for name in request_services.REQUEST_FIELDS},
        "aware_at": timezone.localtime(advisor_request.aware_at) if advisor_request.aware_at else None,
        "company": str(advisor_request.company_id),
        "required_skills": [item.skill.slug for item in required],
        "min_level": max((item.min_level for item in required), default=3),
    }


@for_role(SME)
def edit(request: HttpRequest, request_id: str) -> HttpResponse:
    """A draft's fields, as its kind asks for them; saving keeps it a draft."""
    user = acting(request)
    advisor_request = reach(matching_selectors.access_request, request, request_id)
    kind = advisor_request.kind
    companies = [(str(advisor_request.company_id), advisor_request.company.name)]
    steps = {
        "request": Step(
            request_form(kind, companies),
            lambda data: request_services.update_request(request=advisor_request, user=user, **_fields(kind, data)),
            gettext_lazy("The draft is saved."),
            to=lambda saved: reverse("sme:request", kwargs={"request_id": saved.pk}),
            initial=_initial(advisor_request),
        )
    }
    context = {
        "advisor_request": advisor_request,
        "kind": kind,
        "kind_label": advisor_request.get_kind_display(),
        "appi": _appi_rules(),
    }
    return page(request, "web/sme/request_form.html", context, steps)


class PublishForm(ActionForm):
    """Publishing: nothing to fill in."""


class CancelForm(ActionForm):
    note = note_field()


@for_role(SME)
def detail(request: HttpRequest, request_id: str) -> HttpResponse:
    """A request's facts, the APPI clocks of a leak, and its pipeline: how many proposals wait for
    the chamber's review and for specialists' answers (counts, never who), and who accepted."""
    user = acting(request)
    advisor_request = reach(matching_selectors.access_request, request, request_id)
    accepted = list(
        matching_selectors.proposals_visible_to(user)
        .filter(request=advisor_request)
        .prefetch_related(None)
        .select_related("specialist")
        .order_by("rank", "id")
    )
    steps: dict[str, Step] = {}
    if advisor_request.status == AdvisorRequest.Status.DRAFT:
        steps["publish"] = Step(
            PublishForm,
            lambda data: request_services.publish_request(request=advisor_request, user=user),
            gettext_lazy("The request is published: the chamber proposes specialists, and this page follows them."),
        )
    if advisor_request.status in (AdvisorRequest.Status.DRAFT, AdvisorRequest.Status.OPEN):
        steps["cancel"] = Step(
            CancelForm,
            lambda data: request_services.cancel_request(request=advisor_request, user=user, note=data["note"]),
            gettext_lazy("The request is cancelled."),
        )
    pipeline = matching_selectors.pipeline_of(advisor_request)
    context = {
        "advisor_request": advisor_request,
        "pipeline": pipeline,
        "stage": _stage(advisor_request, pipeline),
        "accepted": accepted,
        "choosable": [p for p in accepted if p.status == Proposal.Status.ACCEPTED],
        "appi": advisor_request.appi_deadlines(),
        "language": _language(),
    }
    return page(request, "web/sme/request.html", context, steps)


def _stage(advisor_request: AdvisorRequest, pipeline: dict[str, int]) -> str:
    """Where the request stands, as one word for the steps shown."""
    if advisor_request.status == AdvisorRequest.Status.DRAFT:
        return "draft"
    if advisor_request.status != AdvisorRequest.Status.OPEN:
        return advisor_request.status
    if pipeline["accepted"]:
        return "accepted"
    if pipeline["waiting_for_specialists"]:
        return "waiting_for_specialists"
    return "waiting_for_review"


def _candidates(user: User, advisor_request: AdvisorRequest) -> list[Proposal]:
    """The specialists who accepted (or were chosen), with their profiles (a fixed number of queries)."""
    return list(matching_selectors.proposals_visible_to(user).filter(request=advisor_request).order_by("rank", "id"))


@for_role(SME)
def compare(request: HttpRequest, request_id: str) -> HttpResponse:
    """The accepted candidates side by side: profile, why they were proposed, their declaration, reviews."""
    user = acting(request)
    advisor_request = reach(matching_selectors.access_request, request, request_id)
    language = "en" if _language().startswith("en") else "ja"
    skill_labels = {s.slug: s.label(language) for s in Skill.objects.all()}
    rows = []
    for proposal in _candidates(user, advisor_request):
        specialist = proposal.specialist
        rows.append(
            {
                "proposal": proposal,
                "specialist": specialist,
                # skill_slug and counting_certifications: annotated and prefetched by
                # talent.selectors.with_profile_relations (through proposals_visible_to).
                "skills": [
                    (skill_labels.get(slug, slug), level.level)
                    for level in specialist.skill_levels.all()
                    if (slug := getattr(level, "skill_slug", ""))
                ],
                "certifications": sorted(
                    {c.get_kind_display() for c in getattr(specialist, "counting_certifications", [])}
                ),
                "reasons": proposal.reasons.get(language, []),
            }
        )
    context = {"advisor_request": advisor_request, "rows": rows}
    return render(request, "web/sme/request_compare.html", context)


class TermsForm(ActionForm):
    """The Freelance Act's Art. 3 items; the defaults filled from the request and the specialist."""

    scope = forms.CharField(
        label=gettext_lazy("Scope of the work"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    fee_basis = forms.ChoiceField(label=gettext_lazy("How the fee is computed"), choices=Engagement.FeeBasis.choices)
    fee_jpy = forms.IntegerField(
        label=gettext_lazy("Fee (yen)"),
        min_value=1,
        max_value=1_000_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    hours_per_month = forms.IntegerField(
        label=gettext_lazy("Hours per month"),
        help_text=gettext_lazy("For an hourly fee: the hours a month it is expected for."),
        min_value=1,
        max_value=744,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    service_start = forms.DateField(label=gettext_lazy("Service starts on"), widget=DateInput())
    service_end = forms.DateField(
        label=gettext_lazy("Service ends on"),
        help_text=gettext_lazy("Empty: until notice is given."),
        required=False,
        widget=DateInput(),
    )
    payment_due_days = forms.IntegerField(
        label=gettext_lazy("Payment due (days after the service is received)"),
        help_text=gettext_lazy(
            "At most 60 days (Freelance Act Art. 4); for a monthly retainer, counted from each month's end."
        ),
        min_value=0,
        max_value=365,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    payment_method = forms.ChoiceField(label=gettext_lazy("Payment method"), choices=Engagement.PaymentMethod.choices)
    closing = forms.ChoiceField(label=gettext_lazy("Invoicing periods"), choices=Engagement.Closing.choices)
    tax_treatment = forms.ChoiceField(label=gettext_lazy("Consumption tax"), choices=Engagement.TaxTreatment.choices)
    withholding = forms.BooleanField(label=gettext_lazy("Withhold income tax (individuals only)"), required=False)
    note = note_field()


class HireTermsForm(ActionForm):
    employment_type = forms.ChoiceField(
        label=gettext_lazy("Employment type"), choices=AdvisorRequest.EmploymentType.choices
    )
    hire_date = forms.DateField(label=gettext_lazy("Hire date"), widget=DateInput())
    weekly_hours = forms.IntegerField(label=gettext_lazy("Weekly working hours"), min_value=1, max_value=80)
    annual_salary_jpy = forms.IntegerField(
        label=gettext_lazy("Annual salary (yen)"), min_value=1, max_value=1_000_000_000
    )
    note = note_field()


@for_role(SME)
def select(request: HttpRequest, request_id: str, proposal_id: str) -> HttpResponse:
    """Select one accepted specialist with the terms stated (Freelance Act Art. 3): the engagement starts."""
    user = acting(request)
    advisor_request = reach(matching_selectors.access_request, request, request_id)
    proposal = reach(matching_selectors.access_proposal, request, proposal_id)
    if proposal.request_id != advisor_request.pk:
        raise Http404(_("Proposal not found."))
    hire = advisor_request.kind == RequestKind.HIRE
    defaults = freelance_act.default_terms(advisor_request, proposal.specialist)

    def run(data: dict[str, Any]) -> Engagement:
        note = data.pop("note", "")
        if not hire and data.get("service_end") is None:
            data["service_end"] = None
        return engagements.select_proposal(proposal=proposal, user=user, terms=data, note=note)

    steps = {
        "select": Step(
            HireTermsForm if hire else TermsForm,
            run,
            lambda engagement: (
                _("%(name)s is selected: the engagement starts, and both of you get the terms.")
                % {"name": engagement.specialist.display_name}
            ),
            to=lambda engagement: reverse("sme:engagement", kwargs={"engagement_id": engagement.pk}),
            initial={k: v for k, v in defaults.items() if v is not None},
        )
    }
    monthly = defaults.get("fee_basis") == Engagement.FeeBasis.MONTHLY
    # Art. 16's notice applies to continuing work: monthly, or without an end date, which is how
    # every engagement starts here (matching.terms.earliest_end decides it when notice is given).
    continuous = not hire
    context = {
        "advisor_request": advisor_request,
        "proposal": proposal,
        "hire": hire,
        "monthly": monthly,
        "continuous": continuous,
        "max_due": freelance_act.MAX_PAYMENT_DUE_DAYS,
        "selectable": proposal.status == Proposal.Status.ACCEPTED,
    }
    return page(request, "web/sme/request_select.html", context, steps)
