"""Django admin actions that change state through services, never by editing `status`.

Every workflow model's admin shows `status` read-only; operators move objects with
these actions, so each change is guarded and written to the history like any other.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.text import slugify

from marketplace.errors import DomainError


def service_action(
    service: Callable[[Any, Any], Any], *, description: str
) -> Callable[[admin.ModelAdmin[Any], HttpRequest, QuerySet[Any]], None]:
    """An admin action calling `service(<object>, <operator>)` row by row; a row the service
    refuses is reported and the others still go through."""

    def action(modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Model]) -> None:
        done, refused = 0, []
        for obj in queryset:
            try:
                service(obj, request.user)
            except DomainError as exc:
                refused.append(f"{obj}: {exc.message}")
            else:
                done += 1
        modeladmin.message_user(request, f"{description}: {done}", messages.SUCCESS)
        for line in refused[:20]:
            modeladmin.message_user(request, line, messages.WARNING)

    action.short_description = description  # type: ignore[attr-defined]
    action.__name__ = "action_" + slugify(description).replace("-", "_")
    return action
