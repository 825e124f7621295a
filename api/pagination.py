from functools import cached_property
from typing import Any, cast

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` and `page_size` (at most 100) on every list. A page that is not a number from 1
    up is refused (400); a page past the last is not found (404)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        page = request.query_params.get(self.page_query_param)
        if page is not None and page not in self.last_page_strings and not (page.isdigit() and int(page) >= 1):
            raise ValidationError({self.page_query_param: [_("A page number from 1 up.")]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """`page` from 1 up, as the lists answer (page 0 is refused with a 400 the schema did not say).
        `page_size` keeps no bounds in the schema: out-of-range sizes are clamped, not refused."""
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


class CappedCountPaginator(Paginator):  # type: ignore[type-arg]
    """Counts matches only up to a cap: beyond it the exact total costs a full scan.

    Free-text search for a common word matches a third of 100,000 profiles; counting
    them all took ~60 ms of PostgreSQL time per request (docs/adr/0002).
    """

    def __init__(self, *args: Any, cap: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        if not self.cap:
            return int(super().count)
        # Without the ordering, PostgreSQL can stop at cap + 1 rows instead of sorting them all.
        matches = cast("QuerySet[Any]", self.object_list).order_by().values("pk")
        return int(matches[: self.cap + 1].count())

    @property
    def is_exact(self) -> bool:
        return not self.cap or self.count <= self.cap


class DirectoryPagination(PageNumberPagination):
    """`count` is exact up to DIRECTORY_COUNT_CAP; above it `count` is the cap plus one and
    `count_is_exact` is false ("1,000+")."""

    def django_paginator_class(self, *args: Any, **kwargs: Any) -> CappedCountPaginator:  # type: ignore[override]
        return CappedCountPaginator(*args, cap=settings.DIRECTORY_COUNT_CAP, **kwargs)

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        paginator = cast(CappedCountPaginator, self.page.paginator)  # type: ignore[union-attr]
        response.data["count_is_exact"] = paginator.is_exact
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response_schema = super().get_paginated_response_schema(schema)
        response_schema["properties"]["count_is_exact"] = {"type": "boolean"}
        response_schema["required"] = [*response_schema.get("required", []), "count_is_exact"]
        return response_schema
