from django.contrib import admin

from incidents.models import IncidentReport, SharedIncident, SharingPolicy


@admin.register(IncidentReport)
class IncidentReportAdmin(admin.ModelAdmin[IncidentReport]):
    list_display = ["title", "company", "category", "occurred_on", "tlp", "created_at"]
    list_filter = ["category", "tlp"]
    search_fields = ["title", "company__name"]
    list_select_related = ["company"]
    raw_id_fields = ["engagement", "company", "created_by"]


@admin.register(SharedIncident)
class SharedIncidentAdmin(admin.ModelAdmin[SharedIncident]):
    list_display = ["category", "chamber", "tlp", "status", "region", "industry", "shared_at"]
    list_filter = ["status", "tlp", "category", "chamber"]
    list_select_related = ["chamber"]
    raw_id_fields = ["report", "chamber", "approved_by", "shared_by"]
    filter_horizontal = ["recipients"]
    # States move only through incidents.services (guarded, with their history).
    readonly_fields = ["status", "digest", "deidentified_at", "approved_at", "shared_at", "withdrawn_at"]


@admin.register(SharingPolicy)
class SharingPolicyAdmin(admin.ModelAdmin[SharingPolicy]):
    list_display = ["chamber", "k_threshold", "dominance_percent", "updated_at"]
