from django.contrib import admin

from marketplace.admin_actions import service_action
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal, RequiredSkill, Review
from matching.services import proposals


class RequiredSkillInline(admin.TabularInline[RequiredSkill, AdvisorRequest]):
    model = RequiredSkill
    extra = 0


@admin.register(AdvisorRequest)
class AdvisorRequestAdmin(admin.ModelAdmin[AdvisorRequest]):
    list_display = ["title", "company", "kind", "status", "urgency", "budget_jpy", "start_date", "slots"]
    list_filter = ["status", "kind", "urgency", "required_certification"]
    search_fields = ["title", "company__name"]
    list_select_related = ["company"]
    raw_id_fields = ["company", "created_by"]
    inlines = [RequiredSkillInline]
    readonly_fields = ["status", "published_at"]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin[MatchRun]):
    list_display = ["id", "chamber", "request", "status", "progress", "attempts", "created_at", "finished_at"]
    list_filter = ["status", "chamber"]
    list_select_related = ["chamber", "request"]
    readonly_fields = ["status", "progress", "stats", "error", "attempts", "started_at", "finished_at"]
    raw_id_fields = ["request", "created_by"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin[Proposal]):
    list_display = ["request", "specialist", "score", "rank", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["request", "specialist"]
    raw_id_fields = ["run", "request", "specialist", "decided_by"]
    readonly_fields = ["status", "score", "breakdown", "reasons", "rank", "expires_at", "declaration", "decided_at"]
    actions = [
        service_action(
            lambda proposal, user: proposals.approve_proposal(proposal=proposal, admin=user),
            description="Approve (proposals pending review)",
        ),
    ]


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin[Engagement]):
    list_display = ["company", "specialist", "kind", "status", "started_on", "ended_on"]
    list_filter = ["status", "kind"]
    list_select_related = ["company", "specialist"]
    raw_id_fields = ["request", "proposal", "specialist", "company", "end_requested_by"]
    readonly_fields = ["status", "ended_on", "ends_on", "notice_given_on", "end_reason", "end_exception", "stated_on"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin[Review]):
    list_display = ["engagement", "rating", "period", "created_at"]
    raw_id_fields = ["engagement", "created_by"]
