from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts import services
from accounts.models import Chamber, Company, CompanyMembership, Invitation, User
from marketplace.admin_actions import service_action


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "name", "role", "chamber", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active"]
    search_fields = ["email", "name"]
    list_select_related = ["chamber"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "role", "chamber", "email_confirmed_at", "deactivated_at")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "role", "password1", "password2")}),)


@admin.register(Chamber)
class ChamberAdmin(admin.ModelAdmin[Chamber]):
    list_display = ["name", "prefecture"]
    search_fields = ["name"]


class MembershipInline(admin.TabularInline[CompanyMembership, Company]):
    model = CompanyMembership
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin[Company]):
    list_display = ["name", "entity_type", "corporate_number", "industry", "prefecture", "chamber", "status"]
    list_filter = ["status", "industry", "entity_type", "chamber"]
    search_fields = ["name", "corporate_number"]
    list_select_related = ["chamber"]
    inlines = [MembershipInline]
    readonly_fields = ["status"]
    actions = [
        service_action(
            lambda company, user: services.verify_company(company=company, admin=user),
            description="Verify (pending companies)",
        ),
    ]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Read-only: invitations are made, resent and revoked through accounts.lifecycle."""

    list_display = ["email", "role", "company", "company_role", "chamber", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "company_role"]
    search_fields = ["email"]
    list_select_related = ["company", "chamber"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Invitation | None = None) -> bool:
        return False
