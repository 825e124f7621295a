from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Company
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal, Review
from talent.models import RequestKind


class RequiredSkillSerializer(serializers.Serializer[Any]):
    skill = serializers.SlugField(max_length=50)
    min_level = serializers.IntegerField(min_value=1, max_value=5)


class AppiClocksSerializer(serializers.Serializer[Any]):
    preliminary_due = serializers.DateTimeField()
    final_due = serializers.DateTimeField()


class RequestSerializer(serializers.ModelSerializer[AdvisorRequest]):
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all())
    required_skills = RequiredSkillSerializer(many=True, required=False, max_length=20)  # type: ignore[call-arg]
    budget_jpy = serializers.IntegerField(min_value=1, max_value=1_000_000_000)
    slots = serializers.IntegerField(min_value=1, max_value=10, required=False)
    hours_per_month = serializers.IntegerField(min_value=0, max_value=744, required=False)
    appi_clocks = serializers.SerializerMethodField()
    is_urgent = serializers.BooleanField(read_only=True)

    class Meta:
        model = AdvisorRequest
        fields = [
            "id", "company", "kind", "title", "description", "required_skills", "required_certification",
            "onsite_required", "remote_ok", "budget_jpy", "hours_per_month", "start_date", "urgency", "is_urgent",
            "slots", "employment_type", "personal_data_leak", "leak_deliberate", "aware_at", "appi_clocks",
            "status", "published_at", "created_at",
        ]  # fmt: skip
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


class RequestUpdateSerializer(RequestSerializer):
    class Meta(RequestSerializer.Meta):
        read_only_fields = ["id", "company", "status", "published_at", "created_at"]


class MatchRunSerializer(serializers.ModelSerializer[MatchRun]):
    request = serializers.PrimaryKeyRelatedField(queryset=AdvisorRequest.objects.all(), required=False, allow_null=True)
    parameters = serializers.JSONField(required=False)

    class Meta:
        model = MatchRun
        fields = [
            "id", "chamber", "request", "parameters", "status", "progress", "stats", "error", "attempts",
            "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = [f for f in fields if f not in ("request", "parameters")]

    def validate_parameters(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise serializers.ValidationError("An object is expected.")
        allowed = {"weights", "top_k", "quota"}
        if set(value) - allowed:
            raise serializers.ValidationError(f"Allowed keys: {sorted(allowed)}.")
        weights = value.get("weights", {})
        if not isinstance(weights, dict) or not all(isinstance(v, int) for v in weights.values()):
            raise serializers.ValidationError("weights maps component names to whole numbers.")
        for key, low, high in (("top_k", 1, 200), ("quota", 0, 50)):
            if key in value and (not isinstance(value[key], int) or not low <= value[key] <= high):
                raise serializers.ValidationError(f"{key} is a whole number from {low} to {high}.")
        return value


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    class Meta:
        model = Proposal
        fields = [
            "id", "run", "request", "specialist", "score", "breakdown", "reasons", "rank", "status", "decided_at",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ContactSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)


class EngagementSerializer(serializers.ModelSerializer[Engagement]):
    contact = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=RequestKind.choices, read_only=True)

    class Meta:
        model = Engagement
        fields = [
            "id", "request", "specialist", "company", "kind", "terms", "status", "started_on", "ended_on", "contact",
        ]  # fmt: skip
        read_only_fields = fields

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
        return {"name": specialist.legal_name or specialist.display_name, "email": specialist.email,
                "phone": specialist.phone}  # fmt: skip


class ReviewSerializer(serializers.ModelSerializer[Review]):
    rating = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = Review
        fields = ["id", "engagement", "rating", "comment", "period", "created_at"]
        read_only_fields = ["id", "engagement", "period", "created_at"]
