"""Maps domain errors to HTTP in DRF's error format."""

import sys
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from marketplace import errors

_STATUS = {
    errors.NotFound: status.HTTP_404_NOT_FOUND,
    errors.PermissionDenied: status.HTTP_403_FORBIDDEN,
    errors.Conflict: status.HTTP_409_CONFLICT,
    errors.ServiceUnavailable: status.HTTP_503_SERVICE_UNAVAILABLE,
    errors.PaymentDeclined: status.HTTP_402_PAYMENT_REQUIRED,
    errors.ValidationFailed: status.HTTP_400_BAD_REQUEST,
}


# The database cannot be reached (down, restarting, out of connections, or SQLite's lock held
# past its timeout): nothing the caller did, and it passes. A 503 that says when to retry,
# never a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable_body() -> dict[str, str]:
    return {"detail": str(_("The service is briefly unavailable (its database cannot be reached). Try again shortly."))}


def _status_for(exc: errors.DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return status.HTTP_400_BAD_REQUEST


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, errors.DomainError):
        code = _status_for(exc)
        message = str(exc.message)
        if code == status.HTTP_400_BAD_REQUEST and exc.context.get("errors"):
            return Response({name: [str(text)] for name, text in exc.context["errors"].items()}, status=code)
        if code == status.HTTP_400_BAD_REQUEST and exc.field:
            return Response({exc.field: [message]}, status=code)
        # A conflict may say exactly what is in the way (e.g. missing documents), as lists.
        listed = {name: value for name, value in exc.context.items() if isinstance(value, list)}
        return Response({"detail": message, **listed}, status=code)
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return Response(
            database_unavailable_body(),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, exceptions.Throttled) and getattr(exc, "wait", None) is not None:
        # DRF formats the wait into its msgid before translating it, so no catalogue has that
        # sentence: said again here in one translatable piece (429 with Retry-After as before).
        wait = int(getattr(exc, "wait", 0))
        throttled = exceptions.Throttled(
            detail=ngettext(
                "Request was throttled. Expected available in %(wait)d second.",
                "Request was throttled. Expected available in %(wait)d seconds.",
                wait,
            )
            % {"wait": wait}
        )
        throttled.wait = wait  # type: ignore[attr-defined]  # DRF's stubs omit it; its handler reads it
        exc = throttled
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DataError):
        # A value the column cannot hold slipped past validation: still the
        # caller's input, so a 400 rather than a 500.
        exc = exceptions.ValidationError({"detail": "Value out of range."})
    return drf_exception_handler(exc, context)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: a path under /api/ that matches no route answers in JSON like every API
    error (found by schemathesis over HTTP: an id of the wrong shape got Django's HTML page);
    other paths get Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(_("Not found."))}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: what Django refuses before DRF sees it (e.g. a form with more fields than
    DATA_UPLOAD_MAX_NUMBER_FIELDS), in JSON under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(_("Bad request."))}, status=status.HTTP_400_BAD_REQUEST)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500, in JSON under /api/. A database that cannot be reached outside a DRF view (in a
    middleware, a plain view) is a 503 with Retry-After here too."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse(database_unavailable_body(), status=status.HTTP_503_SERVICE_UNAVAILABLE)
        else:
            response = HttpResponse(
                database_unavailable_body()["detail"],
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                content_type="text/plain; charset=utf-8",
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(_("Server error."))}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)
