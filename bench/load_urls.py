"""The app's routes plus a bare DRF list: bench/load.py's yardstick for the directory."""

from django.db.models import QuerySet
from django.urls import path
from rest_framework import generics, serializers

from api.pagination import PageNumberPagination
from marketplace.urls import handler400, handler404, handler500, urlpatterns
from talent.models import Specialist

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


class BareSpecialistSerializer(serializers.ModelSerializer[Specialist]):
    class Meta:
        model = Specialist
        fields = [
            "id",
            "display_name",
            "bio",
            "prefecture",
            "hourly_rate_jpy",
            "monthly_retainer_jpy",
            "rating",
            "years_experience",
            "remote_ok",
            "onsite_ok",
        ]


class BareSpecialistList(generics.ListAPIView[Specialist]):
    """A plain ModelSerializer list of the same page size as the directory, same auth and throttle."""

    serializer_class = BareSpecialistSerializer
    pagination_class = PageNumberPagination

    def get_queryset(self) -> QuerySet[Specialist]:
        return Specialist.objects.order_by("id")


urlpatterns = [*urlpatterns, path("bench/bare-specialists/", BareSpecialistList.as_view())]
