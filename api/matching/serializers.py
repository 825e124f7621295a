from functools import cached_property
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.selectors import companies_visible_to
from api.fields import SetOnce, VisiblePrimaryKeyRelatedField
from api.history import WithHistory
from api.talent.serializers import SpecialistSerializer
from marketplace.errors import ValidationFailed
from matching import parameters as run_parameters
from matching import terms as freelance_act
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal, Review
from matching.selectors import pipeline_of, requests_visible_to
from talent.models import RequestKind
from talent.selectors import ContactScope


class RequiredSkillSerializer(serializers.Serializer[Any]):
    skill = serializers.SlugField(max_length=50)
    min_level = serializers.IntegerField(min_value=1, max_value=5)


class AppiClocksSerializer(serializers.Serializer[Any]):
    preliminary_due = serializers.DateTimeField()
    final_due = serializers.DateTimeField()


class RequestSerializer(serializers.ModelSerializer[AdvisorRequest]):
    company = VisiblePrimaryKeyRelatedField(selector=companies_visible_to)
    required_skills = RequiredSkillSerializer(many=True, required=False, max_length=20)  # type: ignore[call-arg]
    budget_jpy = serializers.IntegerField(min_value=1, max_value=1_000_000_000)
    slots = serializers.IntegerField(min_value=1, max_value=10, required=False)
    hours_per_month = serializers.IntegerField(min_value=0, max_value=744, required=False)
    appi_clocks = serializers.SerializerMethodField()
    is_urgent = serializers.BooleanField(read_only=True)

    class Meta:
        model = AdvisorRequest
        fields = [
            "id",
            "company",
            "kind",
            "title",
            "description",
            "required_skills",
            "required_certification",
            "onsite_required",
            "remote_ok",
            "budget_jpy",
            "hours_per_month",
            "start_date",
            "urgency",
            "is_urgent",
            "slots",
            "employment_type",
            "personal_data_leak",
            "leak_deliberate",
            "aware_at",
            "incident_category",
            "appi_clocks",
            "status",
            "published_at",
            "created_at",
        ]
        read_only_fields = ["id", "status", "published_at", "created_at"]

    def to_representation(self, instance: AdvisorRequest) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["required_skills"] = [
            {"skill": item.skill.slug, "min_level": item.min_level} for item in instance.required_skills.all()
        ]
        return data

    @extend_schema_field(AppiClocksSerializer(allow_null=True))
    def get_appi_clocks(self, request: AdvisorRequest) -> dict[str, Any] | None:
        """APPI leak reports: preliminary (about 3-5 days) and final (30 days; 60 if deliberate)."""
        deadlines = request.appi_deadlines()
        return AppiClocksSerializer(deadlines).data if deadlines else None


class RequestUpdateSerializer(SetOnce, RequestSerializer):
    """A PATCH: the company is chosen once, at creation."""

    set_once = ("company",)

    class Meta(RequestSerializer.Meta):
        read_only_fields = ["id", "status", "published_at", "created_at"]


class MatchRunSerializer(serializers.ModelSerializer[MatchRun]):
    request = VisiblePrimaryKeyRelatedField(selector=requests_visible_to, required=False, allow_null=True)
    parameters = serializers.JSONField(required=False)

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "chamber",
            "request",
            "parameters",
            "status",
            "progress",
            "stats",
            "error",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [f for f in fields if f not in ("request", "parameters")]

    def validate_parameters(self, value: Any) -> dict[str, Any]:
        """Any JSON here; which keys and values a run takes is the domain's rule (matching.parameters)."""
        try:
            return run_parameters.check(value)
        except ValidationFailed as exc:
            raise serializers.ValidationError(str(exc.message)) from exc


class PipelineSerializer(serializers.Serializer[Any]):
    """Where the request's proposals stand: counts only, never who, until a specialist accepts."""

    waiting_for_review = serializers.IntegerField(help_text="Proposals waiting for the chamber's review.")
    waiting_for_specialists = serializers.IntegerField(help_text="Approved proposals waiting for the specialist.")
    accepted = serializers.IntegerField(help_text="Specialists who accepted (listed under proposals).")


class RequestDetailSerializer(WithHistory, RequestSerializer):
    pipeline = serializers.SerializerMethodField()

    class Meta(RequestSerializer.Meta):
        fields = [*RequestSerializer.Meta.fields, "pipeline", "history"]

    @extend_schema_field(PipelineSerializer)
    def get_pipeline(self, request: AdvisorRequest) -> dict[str, int]:
        return pipeline_of(request)


class RequestSummarySerializer(serializers.Serializer[AdvisorRequest]):
    """What a proposed specialist learns of the request: the work, not who asks (until engaged)."""

    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    required_skills = serializers.SerializerMethodField()
    required_certification = serializers.CharField()
    budget_jpy = serializers.IntegerField()
    hours_per_month = serializers.IntegerField()
    start_date = serializers.DateField()
    onsite_required = serializers.BooleanField()
    remote_ok = serializers.BooleanField()
    urgency = serializers.CharField()
    is_urgent = serializers.BooleanField()
    employment_type = serializers.CharField()
    incident_category = serializers.CharField()
    company_prefecture = serializers.CharField(source="company.prefecture")
    company_industry = serializers.CharField(source="company.industry")
    company_size_class = serializers.CharField(source="company.size_class")

    @extend_schema_field(RequiredSkillSerializer(many=True))
    def get_required_skills(self, request: AdvisorRequest) -> list[dict[str, Any]]:
        return [{"skill": item.skill.slug, "min_level": item.min_level} for item in request.required_skills.all()]


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    reasons = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        read_only=True,
        help_text="Why this specialist was proposed: lines of text under `ja` and `en`.",
    )
    request_summary = RequestSummarySerializer(source="request", read_only=True)
    specialist_profile = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "run",
            "request",
            "specialist",
            "score",
            "breakdown",
            "reasons",
            "rank",
            "status",
            "decided_at",
            "expires_at",
            "declaration",
            "request_summary",
            "specialist_profile",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SpecialistSerializer(allow_null=True))
    def get_specialist_profile(self, proposal: Proposal) -> dict[str, Any] | None:
        """The candidate's profile (listed or not, without contact details) for the SME and admins."""
        viewer = self.context.get("viewer")
        if viewer is None or getattr(viewer, "role", None) == "specialist":
            return None
        return SpecialistSerializer(proposal.specialist).data


class ProposalDetailSerializer(WithHistory, ProposalSerializer):
    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "history"]
        read_only_fields = fields


class AcceptSerializer(serializers.Serializer[Any]):
    declaration = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=4000,
        help_text="Any relationship with the company or with vendors you would recommend; empty: none.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class BulkApproveSerializer(serializers.Serializer[Any]):
    proposals = serializers.ListField(
        child=serializers.UUIDField(), required=False, max_length=1000, help_text="Omit to approve every pending one."
    )


class BulkApproveResultSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    result = serializers.ChoiceField(choices=["approved", "conflict", "not_found"])
    detail = serializers.CharField()


class BulkApproveResponseSerializer(serializers.Serializer[Any]):
    results = BulkApproveResultSerializer(many=True)


class TermsSerializer(serializers.Serializer[Any]):
    """Freelance Act Art. 3 items (advisor / spot / incident), or a hire's employment terms."""

    scope = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    fee_basis = serializers.ChoiceField(choices=Engagement.FeeBasis.choices, required=False)
    fee_jpy = serializers.IntegerField(min_value=1, max_value=1_000_000_000, required=False)
    hours_per_month = serializers.IntegerField(min_value=1, max_value=744, required=False, allow_null=True)
    service_start = serializers.DateField(required=False)
    service_end = serializers.DateField(required=False, allow_null=True)
    payment_due_days = serializers.IntegerField(
        min_value=0, max_value=365, required=False, help_text="Days after the service is received; at most 60."
    )
    payment_method = serializers.ChoiceField(
        choices=Engagement.PaymentMethod.choices,
        required=False,
        help_text="The one method the invoices offer. Default: the BILLING_DEFAULT_PAYMENT_METHOD setting.",
    )
    closing = serializers.ChoiceField(
        choices=Engagement.Closing.choices,
        required=False,
        help_text="month_end (default): calendar months, first and last prorated; anniversary: monthly "
        "periods from the service start (monthly retainers only).",
    )
    tax_treatment = serializers.ChoiceField(
        choices=Engagement.TaxTreatment.choices,
        required=False,
        help_text="Whether fee_jpy includes consumption tax (default) or the tax is added to it.",
    )
    withholding = serializers.BooleanField(
        required=False,
        help_text="Income tax withheld by the SME (所得税法204条), individuals only. Off by default: "
        "a tax accountant decides whether the work falls under it.",
    )
    stated_on = serializers.DateField(read_only=True)
    employment_type = serializers.ChoiceField(choices=AdvisorRequest.EmploymentType.choices, required=False)
    hire_date = serializers.DateField(required=False)
    weekly_hours = serializers.IntegerField(min_value=1, max_value=80, required=False)
    annual_salary_jpy = serializers.IntegerField(min_value=1, max_value=1_000_000_000, required=False)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class SelectSerializer(serializers.Serializer[Any]):
    terms = TermsSerializer(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class TerminateSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=4000, help_text="The reason (required).")
    ends_on = serializers.DateField(required=False, help_text="Default: the earliest date the notice allows.")
    exception = serializers.ChoiceField(
        choices=Engagement.TerminationException.choices, required=False, allow_blank=True, default=""
    )


class ContactSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)


def terms_of(engagement: Engagement) -> dict[str, Any]:
    names = freelance_act.HIRE_FIELDS if engagement.kind == RequestKind.HIRE else freelance_act.TERM_FIELDS
    values = {name: getattr(engagement, name) for name in names} | {"stated_on": engagement.stated_on}
    return {name: value for name, value in TermsSerializer(values).data.items() if name in values}


class EngagementSerializer(serializers.ModelSerializer[Engagement]):
    contact = serializers.SerializerMethodField()
    terms = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=RequestKind.choices, read_only=True)

    class Meta:
        model = Engagement
        fields = [
            "id",
            "request",
            "specialist",
            "company",
            "kind",
            "terms",
            "status",
            "started_on",
            "ended_on",
            "ends_on",
            "notice_given_on",
            "end_reason",
            "end_exception",
            "contact",
        ]
        read_only_fields = fields

    @extend_schema_field(TermsSerializer)
    def get_terms(self, engagement: Engagement) -> dict[str, Any]:
        return terms_of(engagement)

    @extend_schema_field(ContactSerializer)
    def get_contact(self, engagement: Engagement) -> dict[str, str]:
        """The other party: the specialist for the company and admins, the company for the specialist."""
        viewer = self.context.get("viewer")
        specialist = engagement.specialist
        if viewer is not None and specialist.user_id == viewer.pk:
            owners = getattr(engagement.company, "owners", [])
            return {
                "name": engagement.company.name,
                "email": owners[0].user.email if owners else "",
                "phone": "",
            }
        if not self._contact_scope.allows(specialist):
            return {"name": specialist.display_name, "email": "", "phone": ""}
        return {
            "name": specialist.legal_name or specialist.display_name,
            "email": specialist.email,
            "phone": specialist.phone,
        }

    @cached_property
    def _contact_scope(self) -> ContactScope:
        """The privacy rule (talent.selectors), read once for a whole page of engagements."""
        return ContactScope(self.context.get("viewer"))


class EngagementDetailSerializer(WithHistory, EngagementSerializer):
    class Meta(EngagementSerializer.Meta):
        fields = [*EngagementSerializer.Meta.fields, "history"]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer[Review]):
    rating = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = Review
        fields = ["id", "engagement", "rating", "comment", "period", "created_at"]
        read_only_fields = ["id", "engagement", "period", "created_at"]
