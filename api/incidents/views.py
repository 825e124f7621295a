from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import UUID_PATTERN
from api.incidents import serializers
from api.negotiation import downloads
from api.permissions import IsChamberAdminOrStaff, acting_user
from incidents import selectors, services, stix
from incidents.models import IncidentReport, SharedIncident, SharingPolicy
from marketplace.downloads import private_download

STIX_MEDIA_TYPE = "application/stix+json"


class IncidentReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[IncidentReport],
):
    """Private reports of incident engagements: the company and its specialist write them; the
    company previews and approves what is shared of it."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = UUID_PATTERN
    filterset_fields = ["category"]

    def get_queryset(self) -> QuerySet[IncidentReport]:
        return selectors.reports_visible_to(self.request.user)

    def get_object(self) -> IncidentReport:
        return selectors.access_report(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self) -> Any:
        return {
            "retrieve": serializers.IncidentReportDetailSerializer,
            "partial_update": serializers.IncidentReportUpdateSerializer,
            "approve": serializers.ApproveSerializer,
            "withdraw": serializers.NoteSerializer,
        }.get(self.action or "", serializers.IncidentReportSerializer)

    def get_permissions(self) -> list[permissions.BasePermission]:
        return [permissions.IsAuthenticated()]

    def _detail(self, report: IncidentReport, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.access_report(self.request.user, report.pk)
        return Response(
            serializers.IncidentReportDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    def _preview(self, shared: SharedIncident) -> Response:
        shared.refresh_from_db()
        return Response(
            {
                "status": shared.status,
                "digest": shared.digest,
                "incident": serializers.PublicIncidentSerializer(shared, context=self.get_serializer_context()).data,
            }
        )

    @extend_schema(responses={201: serializers.IncidentReportDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.IncidentReportSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        report = services.create_report(user=acting_user(request), engagement=fields.pop("engagement"), **fields)
        return self._detail(report, status.HTTP_201_CREATED)

    @extend_schema(responses=serializers.IncidentReportDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    @extend_schema(
        request=serializers.IncidentReportUpdateSerializer, responses=serializers.IncidentReportDetailSerializer
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.IncidentReportUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        report = services.update_report(report=self.get_object(), user=acting_user(request), **data.validated_data)
        return self._detail(report)

    @extend_schema(request=None, responses=serializers.PreviewSerializer)
    @action(detail=True, methods=["post"])
    def deidentify(self, request: Request, pk: str) -> Response:
        """Compute what would be shared (the preview); again after any change to the report."""
        shared = services.deidentify_report(report=self.get_object(), user=acting_user(request))
        return self._preview(shared)

    @extend_schema(responses=serializers.PreviewSerializer)
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str) -> Response:
        """Exactly what members will read: the same row, through the same serializer as the feed."""
        return self._preview(self.get_object().shared)

    @extend_schema(request=serializers.ApproveSerializer, responses=serializers.PreviewSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """The company approves the preview whose digest it sends (a changed one is a 409)."""
        data = serializers.ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shared = services.approve_shared_incident(
            report=self.get_object(), user=acting_user(request), digest=data.validated_data["digest"]
        )
        return self._preview(shared)

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.PreviewSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """The company withdraws what is (or would be) shared, with the reason."""
        data = serializers.NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = self.get_object()
        shared = services.withdraw_shared_incident(
            shared=report.shared, user=acting_user(request), note=data.validated_data["note"]
        )
        return self._preview(shared)


class SharedIncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[SharedIncident]):
    """The feed of shared incidents each reader's TLP allows; the chamber's admins publish and
    withdraw, read the aggregates and export STIX 2.1."""

    lookup_value_regex = UUID_PATTERN
    filterset_fields = ["category", "tlp", "status"]

    def get_queryset(self) -> QuerySet[SharedIncident]:
        return selectors.shared_incidents_visible_to(self.request.user).prefetch_related("recipients")

    def get_object(self) -> SharedIncident:
        return selectors.access_shared_incident(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self) -> Any:
        return {
            "share": serializers.ShareSerializer,
            "withdraw": serializers.NoteSerializer,
            "aggregates": serializers.AggregatesSerializer,
        }.get(self.action or "", serializers.SharedIncidentSerializer)

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in ("share", "withdraw", "stix"):
            return [IsChamberAdminOrStaff()]
        return [permissions.IsAuthenticated()]

    def _answer(self, shared: SharedIncident) -> Response:
        shared.refresh_from_db()
        return Response(serializers.SharedIncidentSerializer(shared, context=self.get_serializer_context()).data)

    @extend_schema(request=serializers.ShareSerializer, responses=serializers.SharedIncidentSerializer)
    @action(detail=True, methods=["post"])
    def share(self, request: Request, pk: str) -> Response:
        """approved -> shared; a TLP:AMBER report names its recipients (member organisations)."""
        shared = self.get_object()
        data = serializers.ShareSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        shared = services.share_incident(
            shared=shared, admin=acting_user(request), recipients=data.validated_data["recipients"]
        )
        return self._answer(shared)

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.SharedIncidentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Out of every list, feed, aggregate and export, with the reason."""
        shared = self.get_object()
        data = serializers.NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shared = services.withdraw_shared_incident(
            shared=shared, user=acting_user(request), note=data.validated_data["note"]
        )
        return self._answer(shared)

    @extend_schema(responses=serializers.AggregatesSerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def aggregates(self, request: Request) -> Response:
        """Counts by category, industry, region and period of what the reader may read, every cell
        covering at least k organisations (incidents.aggregates)."""
        table = selectors.incident_aggregates(request.user)
        return Response(
            {
                "k": table.k,
                "dominance_percent": table.dominance_percent,
                "cells": [cell.as_dict() for cell in table.cells],
                "suppressed_incidents": table.suppressed_incidents,
            }
        )

    # A STIX bundle is JSON (`+json`): documented as the object it is, not as opaque bytes.
    @extend_schema(responses={(200, STIX_MEDIA_TYPE): serializers.StixBundleSerializer})
    @downloads(STIX_MEDIA_TYPE)
    @action(detail=False, methods=["get"])
    def stix(self, request: Request) -> HttpResponseBase:
        """The shared reports as a STIX 2.1 bundle (RED never), each object marked with its TLP."""
        bundle = stix.bundle(selectors.incidents_for_export(request.user))
        return private_download(
            bundle.serialize(sort_keys=True).encode("utf-8"),
            filename="shared-incidents.stix.json",
            content_type=f"{STIX_MEDIA_TYPE};version=2.1",
        )


class SharingPolicyViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[SharingPolicy]):
    """A chamber's disclosure control for its aggregates: its admins (and operators) read and set it.
    Addressed by the chamber's id."""

    http_method_names = ["get", "patch", "head", "options"]
    lookup_value_regex = UUID_PATTERN
    serializer_class = serializers.SharingPolicySerializer
    permission_classes = [IsChamberAdminOrStaff]

    def get_object(self) -> SharingPolicy:
        return selectors.access_policy(self.request.user, self.kwargs["pk"])

    def get_queryset(self) -> QuerySet[SharingPolicy]:
        return SharingPolicy.objects.none()  # addressed by chamber only (get_object)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(serializers.SharingPolicySerializer(self.get_object()).data)

    @extend_schema(request=serializers.SharingPolicySerializer, responses=serializers.SharingPolicySerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy = self.get_object()
        data = serializers.SharingPolicySerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        policy = services.set_sharing_policy(chamber=policy.chamber, admin=acting_user(request), **data.validated_data)
        return Response(serializers.SharingPolicySerializer(policy).data)
