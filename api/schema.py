"""The OpenAPI schema documents the errors an operation can answer, not only its success.

Every error body is one of DRF's shapes: `{"detail": "...", ...}` or field errors
`{"field": ["..."]}` (api.exceptions). Which statuses an operation documents follows
from what it is: a body or query parameters can be refused (400); an authenticated
endpoint answers 401 without a token and 403 to a role it does not serve; an object in
the path may be out of reach, and a page past the last does not exist (404); a write may
find the object in the wrong state (409) or come in a media type the endpoint does not
read (415); a throttled endpoint may ask the caller to slow down (429). Billing adds 402
(a declined card) and 503 (Stripe not configured or unreachable).
"""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions
from rest_framework import serializers as drf_serializers


class ErrorSerializer(drf_serializers.Serializer[Any]):
    """An error: `detail` says what went wrong; a refused input names its fields instead,
    each with a list of messages."""

    detail = drf_serializers.CharField(required=False, help_text="What went wrong.")


ERRORS = {
    400: "The input was refused: field errors, or `detail`.",
    401: "No valid token (or an expired one).",
    402: "The card was declined.",
    403: "The caller's role may not do this.",
    404: "Not found, or outside the caller's reach.",
    409: "The object is in a state that does not allow this.",
    415: "The body's media type is not accepted here (or the body could not be read as it).",
    429: "Too many requests; `Retry-After` says when to try again.",
    503: "A service this needs is unavailable or not configured.",
}


def _blank_in_model(field: Any) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not isinstance(field.source, str):
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except FieldDoesNotExist:
        return False


class AutoSchema(SpectacularAutoSchema):
    def _error_statuses(self) -> list[int]:
        method = self.method.upper()
        writes = method in ("POST", "PUT", "PATCH", "DELETE")
        statuses = [429] if self.view.get_throttles() else []
        paginated = bool(self._get_pagination_parameters())  # type: ignore[no-untyped-call]
        if writes or paginated or self._get_filter_parameters():  # type: ignore[no-untyped-call]
            statuses.append(400)
        anonymous = any(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())
        if not anonymous:
            statuses += [401, 403]
        if "{" in self.path or paginated:  # a page past the last is not found
            statuses.append(404)
        if writes:
            statuses.append(409)
        if writes and self.method.upper() != "DELETE":
            statuses.append(415)
        if type(self.view).__module__.startswith("api.billing"):
            statuses.append(503)
            if getattr(self.view, "action", None) == "pay":
                statuses.append(402)
        return sorted(set(statuses))

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        # DRF builds a read-only ChoiceField without `allow_blank`, so a model field with
        # choices and blank=True was documented without "" and every blank value answered
        # broke the schema (found over HTTP: an engagement's empty `end_exception`).
        if isinstance(field, drf_serializers.ChoiceField) and field.read_only and _blank_in_model(field):
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)  # type: ignore[no-untyped-call]

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in self._error_statuses():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    OpenApiResponse(ErrorSerializer, description=ERRORS[code]), str(code), direction=direction
                )
        return responses
