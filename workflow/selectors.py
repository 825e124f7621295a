"""Reading history."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from workflow.models import StatusChange


def history_of(obj: Model) -> QuerySet[StatusChange]:
    """The transitions of one workflow object, oldest first."""
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("by")
