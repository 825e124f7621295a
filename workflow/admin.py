from django.contrib import admin

from workflow.models import StatusChange


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin[StatusChange]):
    """History is append-only: operators read it here, nobody edits or deletes it."""

    list_display = ["content_type", "object_id", "from_status", "to_status", "by", "created_at"]
    list_filter = ["content_type", "to_status"]
    search_fields = ["object_id"]
    readonly_fields = [f.name for f in StatusChange._meta.get_fields() if f.concrete]
    list_select_related = ["content_type", "by"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
