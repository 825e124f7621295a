from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from diagnosis.models import BasicPolicy, Diagnosis, Questionnaire, RequestDraft, Sheet


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin[Questionnaire]):
    """Versions are loaded by data migrations and never edited: read-only here."""

    list_display = ["version", "published_on", "created_at"]
    readonly_fields = ["version", "published_on", "data", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SheetInline(admin.TabularInline[Sheet, Diagnosis]):
    model = Sheet
    extra = 0
    fields = ["label", "answers", "updated_at"]
    readonly_fields = ["label", "answers", "updated_at"]


@admin.register(Diagnosis)
class DiagnosisAdmin(admin.ModelAdmin[Diagnosis]):
    list_display = ["company", "questionnaire", "status", "total", "band", "created_at", "completed_at"]
    list_filter = ["status", "band", "questionnaire__version"]
    search_fields = ["company__name"]
    list_select_related = ["company", "questionnaire"]
    raw_id_fields = ["company", "created_by"]
    # The status, total and band move only through diagnosis.services.complete_diagnosis.
    readonly_fields = ["questionnaire", "status", "total", "band", "completed_at"]
    inlines = [SheetInline]


@admin.register(RequestDraft)
class RequestDraftAdmin(admin.ModelAdmin[RequestDraft]):
    list_display = ["request", "diagnosis", "created_at"]
    raw_id_fields = ["diagnosis", "request", "created_by"]
    readonly_fields = ["shared_items"]


@admin.register(BasicPolicy)
class BasicPolicyAdmin(admin.ModelAdmin[BasicPolicy]):
    list_display = ["company", "version", "public_url", "created_at"]
    search_fields = ["company__name"]
    list_select_related = ["company"]
    raw_id_fields = ["company", "uploaded_by"]
    readonly_fields = ["version", "file", "content_type", "name"]
