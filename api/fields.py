"""Relations given by id, resolved only among the objects the caller may see."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
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


class SetOnce(serializers.Serializer[Any]):
    """Mix into a PATCH serializer: the `set_once` fields (chosen at creation) are not part of
    it, and sending one is a 400 naming it, not silently ignored."""

    set_once: tuple[str, ...] = ()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        for name in self.set_once:
            fields.pop(name, None)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        sent = getattr(self, "initial_data", {})
        refused = {name: [_("This cannot be changed.")] for name in self.set_once if name in sent}
        if refused:
            raise serializers.ValidationError(refused)
        validated: dict[str, Any] = super().validate(attrs)
        return validated
