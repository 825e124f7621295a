"""Domain errors: services raise these; api.exceptions maps them to HTTP."""

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model
from django.utils.functional import Promise

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import QuerySet

M = TypeVar("M", bound=Model)


class DomainError(Exception):
    """Base of every error a service raises on purpose. Maps to 400."""

    def __init__(self, message: str | Promise, *, field: str | None = None, **context: Any) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.context = context


class ValidationFailed(DomainError):
    """The input breaks a business rule (400, with the field when there is one)."""

    @classmethod
    def from_errors(cls, errors: "dict[str, Any]") -> "ValidationFailed":
        """One error carrying every field's message ({field: message}); the first is its headline."""
        field, message = next(iter(errors.items()))
        return cls(message, field=field, errors=errors)


class NotFound(DomainError):
    """The object does not exist or lies outside the caller's reach (404)."""


class PermissionDenied(DomainError):
    """The caller may see the object but not do this to it (403)."""


class Conflict(DomainError):
    """The object is in a state that forbids the action (409)."""


class InvalidTransition(Conflict):
    """A workflow transition not allowed from the current status (409)."""

    def __init__(self, obj: Any, *, to: str, message: str | Promise | None = None) -> None:
        from django.utils.translation import gettext as _

        current = getattr(obj, "status", "?")
        super().__init__(
            message
            or _("Cannot change %(model)s from %(current)s to %(to)s.")
            % {"model": obj._meta.verbose_name, "current": current, "to": to}
        )
        self.current = current
        self.to = to


class PaymentDeclined(DomainError):
    """The payer's card was declined (402)."""


class ServiceUnavailable(DomainError):
    """An integration is not configured or not reachable (503)."""


def require_reason(note: str, *, field: str = "note", message: str | Promise | None = None) -> str:
    """The stripped reason a decision needs (a rejection, a suspension, a refund...), or a 400."""
    reason = (note or "").strip()
    if not reason:
        from django.utils.translation import gettext as _

        raise ValidationFailed(message or _("Give the reason."), field=field)
    return reason


def refuse_unknown_fields(given: "Iterable[str]", allowed: "Iterable[str]") -> None:
    """A service that takes `**fields` accepts only the names it knows (400 naming the others)."""
    unknown = set(given) - set(allowed)
    if unknown:
        from django.utils.translation import gettext as _

        raise ValidationFailed(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})


def get_or_not_found(queryset: "QuerySet[M]", pk: Any, message: str | Promise) -> M:
    """The object with this id among those the caller may see, or NotFound (a 404, never a 403)."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise NotFound(message) from exc
