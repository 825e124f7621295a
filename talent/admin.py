from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from marketplace.admin_actions import service_action
from talent import services
from talent.models import Certification, Skill, Specialist, SpecialistSkill, TravelPrefecture


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin[Skill]):
    list_display = ["slug", "label_ja", "label_en", "position"]
    ordering = ["position"]


class SkillInline(admin.TabularInline[SpecialistSkill, Specialist]):
    model = SpecialistSkill
    extra = 0


class TravelInline(admin.TabularInline[TravelPrefecture, Specialist]):
    model = TravelPrefecture
    extra = 0


class CertificationInline(admin.TabularInline[Certification, Specialist]):
    model = Certification
    extra = 0
    fields = ["kind", "number", "status", "validity", "renewal_deadline"]
    readonly_fields = ["kind", "number", "status", "validity", "renewal_deadline"]
    can_delete = False


@admin.register(Specialist)
class SpecialistAdmin(admin.ModelAdmin[Specialist]):
    list_display = [
        "display_name",
        "prefecture",
        "status",
        "listed_in_directory",
        "hourly_rate_jpy",
        "rating",
    ]
    list_filter = ["status", "listed_in_directory", "onsite_ok", "remote_ok"]
    search_fields = ["display_name", "user__email", "legal_name"]
    raw_id_fields = ["user"]
    readonly_fields = ["status", "active_engagements", "rating", "rating_count", "search_text"]
    actions = [
        service_action(
            lambda specialist, user: services.reactivate_specialist(
                specialist=specialist, admin=user, note="Reactivated by an operator in Django admin."
            ),
            description="Reactivate (suspended specialists)",
        ),
    ]
    inlines = [SkillInline, TravelInline, CertificationInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Skills edited inline: the free-text column and the skill filter follow.
        services.refresh_search_columns(form.instance)


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin[Certification]):
    list_display = ["specialist", "kind", "number", "status", "validity", "renewal_deadline", "created_at"]
    list_filter = ["kind", "status", "validity"]
    search_fields = ["number", "specialist__display_name"]
    raw_id_fields = ["specialist", "reviewed_by"]
    list_select_related = ["specialist"]
    readonly_fields = ["status", "validity", "reviewed_by", "reviewed_at", "review_note"]
    actions = [
        service_action(
            lambda certification, user: services.verify_certification(certification=certification, admin=user),
            description="Verify (pending credentials)",
        ),
    ]
