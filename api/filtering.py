"""The one filter backend every list uses."""

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as django_filters
from rest_framework.request import Request


class FilterBackend(django_filters.DjangoFilterBackend):
    """django-filter, skipped when the query string names none of the list's filters.

    With no filter given a filterset changes nothing, but building and validating its form
    still cost a directory page about a tenth of its time (~1.5 of ~16 ms, in-process).
    """

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not request.query_params.keys() & filterset_class.base_filters.keys():
            return queryset
        return super().filter_queryset(request, queryset, view)  # type: ignore[no-any-return]
