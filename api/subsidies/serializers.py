from typing import Any

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import VisiblePrimaryKeyRelatedField
from api.history import WithHistory
from incidents.categories import CostCategory
from matching.selectors import engagements_visible_to
from subsidies import schedule
from subsidies.models import CaseComment, SubsidyCase, SubsidyDocument, SubsidyProgram
from subsidies.selectors import programs_visible_to


class SubsidyProgramSerializer(serializers.ModelSerializer[SubsidyProgram]):
    name = serializers.SerializerMethodField()
    rules = serializers.JSONField(required=False)
    deadline_rules = serializers.JSONField(required=False)
    required_documents = serializers.JSONField(required=False)
    cost_categories = serializers.JSONField(required=False)

    class Meta:
        model = SubsidyProgram
        fields = [
            "id",
            "kind",
            "code",
            "version",
            "is_current",
            "name",
            "name_ja",
            "name_en",
            "authority",
            "fiscal_year",
            "description_ja",
            "description_en",
            "chamber",
            "is_illustrative",
            "amount_kind",
            "amount_jpy",
            "rate_percent",
            "cap_jpy",
            "floor_jpy",
            "cost_categories",
            "opens_on",
            "closes_on",
            "has_plan",
            "periods",
            "rules",
            "deadline_rules",
            "required_documents",
            "created_at",
        ]
        read_only_fields = ["id", "version", "is_current", "chamber", "created_at"]

    def get_name(self, program: SubsidyProgram) -> str:
        return program.name(get_language() or "ja")


class SubsidyProgramUpdateSerializer(SubsidyProgramSerializer):
    class Meta(SubsidyProgramSerializer.Meta):
        read_only_fields = ["id", "kind", "code", "version", "is_current", "chamber", "created_at"]


class DeadlineSerializer(serializers.Serializer[Any]):
    milestone = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    due_on = serializers.DateField(allow_null=True)
    basis = serializers.CharField()


def deadlines(case: SubsidyCase) -> list[dict[str, Any]]:
    language = get_language() or "ja"
    return [
        {
            "milestone": item.milestone,
            "label": item.label(language),
            "due_on": item.deadline.due_on if item.deadline else None,
            "basis": item.deadline.basis(language) if item.deadline else "",
        }
        for item in schedule.deadlines_of(case)
    ]


class SubsidyCaseSerializer(serializers.ModelSerializer[SubsidyCase]):
    engagement = VisiblePrimaryKeyRelatedField(selector=engagements_visible_to)
    program = VisiblePrimaryKeyRelatedField(selector=programs_visible_to)
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = SubsidyCase
        fields = [
            "id",
            "company",
            "engagement",
            "program",
            "period",
            "previous",
            "labour_attorney",
            "status",
            "referral",
            "declarations",
            "milestones",
            "authority_reference",
            "decided_amount_jpy",
            "cost_categories",
            "decided_by",
            "decided_at",
            "decision_note",
            "paid_amount_jpy",
            "paid_on",
            "payment_reference",
            "deadlines",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "company",
            "period",
            "previous",
            "status",
            "referral",
            "declarations",
            "milestones",
            "authority_reference",
            "decided_amount_jpy",
            "cost_categories",
            "decided_by",
            "decided_at",
            "decision_note",
            "paid_amount_jpy",
            "paid_on",
            "payment_reference",
            "created_at",
        ]
        extra_kwargs = {"labour_attorney": {"required": False, "allow_null": True}}

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, case: SubsidyCase) -> list[dict[str, Any]]:
        return deadlines(case)


class SubsidyCaseDetailSerializer(WithHistory, SubsidyCaseSerializer):
    class Meta(SubsidyCaseSerializer.Meta):
        fields = [*SubsidyCaseSerializer.Meta.fields, "history"]


class SubsidyCaseUpdateSerializer(serializers.Serializer[Any]):
    referral = serializers.ChoiceField(choices=SubsidyCase.Referral.choices, required=False)
    declarations = serializers.DictField(child=serializers.BooleanField(), required=False)
    milestones = serializers.DictField(child=serializers.DateField(), required=False)
    authority_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    decided_amount_jpy = serializers.IntegerField(min_value=0, max_value=1_000_000_000, required=False)
    cost_categories = serializers.DictField(
        child=serializers.ChoiceField(choices=CostCategory.choices),
        required=False,
        help_text="What each invoice of the engagement paid for: {invoice id: cost category}.",
    )


class TransitionSerializer(serializers.Serializer[Any]):
    to = serializers.ChoiceField(choices=SubsidyCase.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class EligibilityResultSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField()
    result = serializers.ChoiceField(choices=["pass", "fail", "unknown"])
    reason = serializers.CharField()
    reason_ja = serializers.CharField()
    reason_en = serializers.CharField()


class EligibilitySerializer(serializers.Serializer[Any]):
    eligible = serializers.BooleanField()
    rules = EligibilityResultSerializer(many=True)


class SubsidyDocumentSerializer(serializers.ModelSerializer[SubsidyDocument]):
    file = serializers.FileField(write_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = SubsidyDocument
        fields = [
            "id",
            "document_type",
            "version",
            "file",
            "name",
            "content_type",
            "status",
            "comment",
            "download_url",
            "created_at",
        ]
        read_only_fields = ["id", "version", "name", "content_type", "status", "comment", "created_at"]

    def get_download_url(self, document: SubsidyDocument) -> str:
        return f"/api/v1/subsidy-cases/{document.case_id}/documents/{document.pk}/file/"


class DocumentReviewSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=["accepted", "needs_fix"], help_text="accepted or needs_fix")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class CaseCommentSerializer(serializers.ModelSerializer[CaseComment]):
    author = serializers.SerializerMethodField()

    class Meta:
        model = CaseComment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]

    def get_author(self, comment: CaseComment) -> str:
        """Name and role, never an email."""
        return f"{comment.author.name} ({comment.author.role})"


class CostLineSerializer(serializers.Serializer[Any]):
    invoice_id = serializers.UUIDField()
    number = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    category = serializers.CharField()
    invoiced_jpy = serializers.IntegerField()
    refunded_jpy = serializers.IntegerField()
    eligible_jpy = serializers.IntegerField()
    contribution_jpy = serializers.IntegerField()
    reason = serializers.CharField()


class CostShareSerializer(serializers.Serializer[Any]):
    """The amount an incident-cost program covers, explained line by line (computed, never typed)."""

    lines = CostLineSerializer(many=True)
    eligible_cost_jpy = serializers.IntegerField()
    rate_percent = serializers.IntegerField()
    computed_jpy = serializers.IntegerField()
    cap_jpy = serializers.IntegerField(allow_null=True)
    floor_jpy = serializers.IntegerField(allow_null=True)
    amount_jpy = serializers.IntegerField()
    steps = serializers.ListField(child=serializers.CharField())


def cost_share_data(share: Any, language: str) -> dict[str, Any]:
    return {
        "lines": [
            {
                "invoice_id": line.invoice_id,
                "number": line.number,
                "period_start": line.period_start,
                "period_end": line.period_end,
                "category": line.category,
                "invoiced_jpy": line.invoiced_jpy,
                "refunded_jpy": line.refunded_jpy,
                "eligible_jpy": line.eligible_jpy,
                "contribution_jpy": line.contribution_jpy,
                "reason": line.reason(language),
            }
            for line in share.lines
        ],
        "eligible_cost_jpy": share.eligible_cost_jpy,
        "rate_percent": share.rate_percent,
        "computed_jpy": share.computed_jpy,
        "cap_jpy": share.cap_jpy,
        "floor_jpy": share.floor_jpy,
        "amount_jpy": share.amount_jpy,
        "steps": share.steps(language),
    }


class CaseDecisionSerializer(serializers.Serializer[Any]):
    granted_amount_jpy = serializers.IntegerField(min_value=0, max_value=1_000_000_000)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class CasePaymentSerializer(serializers.Serializer[Any]):
    paid_on = serializers.DateField()
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class LabourAttorneySerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
