from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Company
from accounts.selectors import companies_visible_to
from api.fields import VisiblePrimaryKeyRelatedField
from api.history import HistoryEntrySerializer, history
from incidents import selectors
from incidents.models import IncidentReport, SharedIncident, SharingPolicy
from matching.selectors import engagements_visible_to


def _entries() -> "serializers.ListField":
    """A list of indicator strings (incidents.deidentify checks what each list holds)."""
    return serializers.ListField(child=serializers.CharField(max_length=320), max_length=200, required=False)


class IncidentReportSerializer(serializers.ModelSerializer[IncidentReport]):
    """The private report. `losses` and `loss_jpy` are null for the specialist (the company's alone)."""

    engagement = VisiblePrimaryKeyRelatedField(selector=engagements_visible_to)
    hashes = _entries()
    domains = _entries()
    ips = _entries()
    email_senders = _entries()
    techniques = _entries()
    victim_domains = _entries()
    victim_ips = _entries()
    losses = serializers.CharField(max_length=4000, required=False, allow_blank=True, allow_null=True)
    loss_jpy = serializers.IntegerField(min_value=0, max_value=10**12, required=False, allow_null=True)
    sharing_status = serializers.CharField(source="shared.status", read_only=True)

    class Meta:
        model = IncidentReport
        fields = [
            "id",
            "engagement",
            "company",
            "title",
            "category",
            "occurred_on",
            "discovered_on",
            "summary",
            "what_worked",
            "hashes",
            "domains",
            "ips",
            "email_senders",
            "techniques",
            "victim_domains",
            "victim_ips",
            "tlp",
            "losses",
            "loss_jpy",
            "sharing_status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "company", "sharing_status", "created_at", "updated_at"]

    def to_representation(self, instance: IncidentReport) -> dict[str, Any]:
        data = super().to_representation(instance)
        if "_sees_losses" not in self.context:  # once per request, not once per row of a list
            user = getattr(self.context.get("request"), "user", AnonymousUser())
            # The root's context (a list's children share it): a dict, typed as a Mapping.
            cast("dict[str, Any]", self.context)["_sees_losses"] = selectors.loss_readers(user)
        if not self.context["_sees_losses"](instance):
            data["losses"] = data["loss_jpy"] = None
        return data


class IncidentReportUpdateSerializer(IncidentReportSerializer):
    class Meta(IncidentReportSerializer.Meta):
        read_only_fields = ["id", "engagement", "company", "sharing_status", "created_at", "updated_at"]

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields.pop("engagement")
        return fields


class IncidentReportDetailSerializer(IncidentReportSerializer):
    """The report and the history of its sharing states (who moved them and why)."""

    history = serializers.SerializerMethodField()

    class Meta(IncidentReportSerializer.Meta):
        fields = [*IncidentReportSerializer.Meta.fields, "history"]

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, report: IncidentReport) -> list[dict[str, Any]]:
        return history(report.shared)


class IndicatorsSerializer(serializers.Serializer[Any]):
    hashes = serializers.ListField(child=serializers.CharField())
    domains = serializers.ListField(child=serializers.CharField())
    ips = serializers.ListField(child=serializers.CharField())
    email_senders = serializers.ListField(child=serializers.CharField())
    techniques = serializers.ListField(child=serializers.CharField())


class AuthorSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()


class PublicIncidentSerializer(serializers.ModelSerializer[SharedIncident]):
    """What is shared of an incident, exactly: the SME's preview and the members' feed alike."""

    author = AuthorSerializer(source="chamber", read_only=True)
    indicators = IndicatorsSerializer(read_only=True)
    occurred_month = serializers.DateField(format="%Y-%m", read_only=True, allow_null=True)
    discovered_month = serializers.DateField(format="%Y-%m", read_only=True, allow_null=True)

    class Meta:
        model = SharedIncident
        fields = [
            "id",
            "author",
            "tlp",
            "category",
            "title",
            "summary",
            "what_worked",
            "indicators",
            "occurred_month",
            "discovered_month",
            "industry",
            "region",
            "size_class",
            "shared_at",
        ]
        read_only_fields = fields


class SharedIncidentSerializer(PublicIncidentSerializer):
    """The feed's item; `status` and `recipients` tell a chamber admin what waits and who receives
    a TLP:AMBER report (empty for members)."""

    recipients = serializers.SerializerMethodField()

    class Meta(PublicIncidentSerializer.Meta):
        fields = [*PublicIncidentSerializer.Meta.fields, "status", "recipients"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_recipients(self, shared: SharedIncident) -> list[str]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if getattr(user, "is_staff", False) or getattr(user, "is_chamber_admin", False):
            return [str(company.pk) for company in shared.recipients.all()]  # prefetched by the view
        return []


class PreviewSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()
    digest = serializers.CharField(help_text="Send it back to approve/: it approves exactly this text.")
    incident = PublicIncidentSerializer()


class ApproveSerializer(serializers.Serializer[Any]):
    digest = serializers.CharField(max_length=64)


class ShareSerializer(serializers.Serializer[Any]):
    recipients = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=500, default=list)

    def validate_recipients(self, value: list[Any]) -> list[Company]:
        """Companies by id among those the caller may see: another's id answers like a missing one."""
        request = self.context.get("request")
        found = list(companies_visible_to(getattr(request, "user", AnonymousUser())).filter(pk__in=value))
        if len(found) != len(set(value)):
            raise serializers.ValidationError("Unknown company.")
        return found


class NoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000)


class AggregateCellSerializer(serializers.Serializer[Any]):
    level = serializers.CharField()
    category = serializers.CharField()
    industry = serializers.CharField(allow_null=True)
    size_class = serializers.CharField(allow_null=True)
    prefecture = serializers.CharField(allow_null=True)
    region = serializers.CharField(allow_null=True)
    month = serializers.CharField(allow_null=True)
    quarter = serializers.CharField(allow_null=True)
    incidents = serializers.IntegerField()
    loss_total_jpy = serializers.IntegerField(allow_null=True)


class AggregatesSerializer(serializers.Serializer[Any]):
    k = serializers.IntegerField()
    dominance_percent = serializers.IntegerField()
    cells = AggregateCellSerializer(many=True)
    suppressed_incidents = serializers.IntegerField()


class StixBundleSerializer(serializers.Serializer[Any]):
    """A STIX 2.1 bundle (its objects as STIX defines them)."""

    type = serializers.CharField(help_text="bundle")
    id = serializers.CharField()
    objects = serializers.ListField(child=serializers.DictField())


class SharingPolicySerializer(serializers.ModelSerializer[SharingPolicy]):
    k_threshold = serializers.IntegerField(min_value=2, max_value=50, required=False)
    dominance_percent = serializers.IntegerField(min_value=50, max_value=99, required=False)

    class Meta:
        model = SharingPolicy
        fields = ["chamber", "k_threshold", "dominance_percent"]
        read_only_fields = ["chamber"]
