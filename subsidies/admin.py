from django.contrib import admin

from subsidies.models import SubsidyCase, SubsidyDocument, SubsidyProgram


@admin.register(SubsidyProgram)
class SubsidyProgramAdmin(admin.ModelAdmin[SubsidyProgram]):
    list_display = ["name_ja", "code", "version", "is_current", "fiscal_year", "chamber", "is_illustrative"]
    list_filter = ["is_current", "fiscal_year", "chamber"]
    search_fields = ["name_ja", "name_en", "code"]
    readonly_fields = ["version", "is_current"]


class DocumentInline(admin.TabularInline[SubsidyDocument, SubsidyCase]):
    model = SubsidyDocument
    extra = 0
    can_delete = False  # no transition deletes a stored file
    fields = ["document_type", "version", "status", "name", "created_at"]
    readonly_fields = ["document_type", "version", "status", "name", "created_at"]


@admin.register(SubsidyCase)
class SubsidyCaseAdmin(admin.ModelAdmin[SubsidyCase]):
    list_display = ["company", "program", "period", "status", "created_at"]
    list_filter = ["status", "program__code"]
    search_fields = ["company__name", "authority_reference"]
    list_select_related = ["company", "program"]
    raw_id_fields = ["company", "engagement", "program", "previous", "labour_attorney", "created_by"]
    readonly_fields = ["status"]
    inlines = [DocumentInline]
