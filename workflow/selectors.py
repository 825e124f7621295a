"""Reading history: one object's, or many objects' at once for a list."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from workflow.models import StatusChange


def history_of(obj: Model) -> QuerySet[StatusChange]:
    """The transitions of one workflow object, oldest first."""
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("by")


def histories_of(objects: Sequence[Model]) -> dict[Any, list[StatusChange]]:
    """Histories of many objects of one model in one query, keyed by pk."""
    found: dict[Any, list[StatusChange]] = defaultdict(list)
    if not objects:
        return found
    changes = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(objects[0]), object_id__in=[obj.pk for obj in objects]
    ).select_related("by")
    for change in changes:
        found[change.object_id].append(change)
    return found
