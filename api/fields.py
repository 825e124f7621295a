"""Relations given by id, resolved only among the objects the caller may see."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

# Detail routes take a UUID: anything else is a 404 from the router, never a query.
UUID_PATTERN = "[0-9a-fA-F-]{36}"


class VisiblePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A missing id and another tenant's id answer the same 400, so ids can't be probed."""

    default_error_messages = {
        "does_not_exist": 'Invalid pk "{pk_value}" - object does not exist.',
        "incorrect_type": "Incorrect type. Expected pk value, received {data_type}.",
    }

    def __init__(self, *, selector: Callable[[Any], QuerySet[Any]], **kwargs: Any) -> None:
        self.selector = selector
        kwargs.setdefault("queryset", None)
        if kwargs.get("read_only"):
            kwargs.pop("queryset")
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        return self.selector(getattr(request, "user", None))
