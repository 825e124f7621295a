"""The `history` of a workflow object, as every detail endpoint shows it."""

from typing import Any

from django.db.models import Model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflow.models import StatusChange
from workflow.selectors import history_of


class HistoryEntrySerializer(serializers.Serializer[StatusChange]):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    by = serializers.SerializerMethodField()
    at = serializers.DateTimeField(source="created_at")
    note = serializers.CharField()

    def get_by(self, change: StatusChange) -> dict[str, Any] | None:
        """Who acted; a specialist by their display name only (their legal name is a contact detail)."""
        user = change.by
        if user is None:
            return None
        specialist = getattr(user, "specialist", None) if user.role == "specialist" else None
        name = specialist.display_name if specialist is not None else user.name
        return {"id": user.pk, "role": "staff" if user.is_staff else user.role, "name": name}


def history(obj: Model) -> list[dict[str, Any]]:
    changes = list(history_of(obj).select_related("by__specialist"))
    return [HistoryEntrySerializer(change).data for change in changes]


class WithHistory(serializers.Serializer[Any]):
    """Mix into a detail serializer (and add "history" to its fields): the object's transitions."""

    history = serializers.SerializerMethodField()

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, obj: Model) -> list[dict[str, Any]]:
        return history(obj)
