from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import reviews_talent
from api.accounts.serializers import DecisionSerializer, ReasonSerializer
from api.fields import UUID_PATTERN
from api.negotiation import downloads
from api.pagination import DirectoryPagination
from api.parsers import SafeMultiPartParser, StrictJSONParser
from api.permissions import IsChamberAdminOrStaff, IsSpecialist, acting_user
from api.schema import ErrorSerializer
from api.talent import filters, serializers
from marketplace.downloads import private_download
from marketplace.uploads import UPLOAD_TYPES
from matching import selectors as matching_selectors
from matching.services import proposals as matching_proposals
from talent import selectors, services
from talent.models import Certification, Skill, Specialist

NO_PROFILE = OpenApiResponse(ErrorSerializer, description="The caller has no specialist profile yet.")


class SkillViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Skill]):
    """The skill taxonomy, with labels in the caller's language."""

    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.SkillSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Skill]:
        return selectors.skills()


class SpecialistViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Specialist]):
    """The directory (listed, active profiles) and profile pages."""

    lookup_value_regex = UUID_PATTERN
    filterset_class = filters.DirectoryFilter
    pagination_class = DirectoryPagination

    def get_queryset(self) -> QuerySet[Specialist]:
        if self.action == "list":
            return selectors.specialists_in_directory()
        return selectors.specialists_visible_to(self.request.user)

    def get_serializer_class(self) -> Any:
        if self.action in ("suspend", "reactivate"):
            return ReasonSerializer
        if self.action == "me" and self.request.method == "PATCH":
            return serializers.SpecialistUpdateSerializer
        return serializers.SpecialistSerializer

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action == "me":
            return [IsSpecialist()]
        if self.action in ("suspend", "reactivate"):
            return [IsChamberAdminOrStaff()]
        return [permissions.IsAuthenticated()]

    def _profile(self, specialist: Specialist) -> dict[str, Any]:
        """Contact details where talent.selectors' privacy rule allows; the status history only for the
        specialist and admins."""
        user = self.request.user
        if not selectors.may_see_contact(user, specialist):
            return serializers.SpecialistSerializer(specialist).data
        if selectors.may_see_history(user, specialist):
            return serializers.SpecialistWithContactDetailSerializer(specialist).data
        return serializers.SpecialistWithContactSerializer(specialist).data

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # A page of cards read as plain values (serializers.directory_cards), not model instances.
        specialists = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(specialists.values(*serializers.DIRECTORY_COLUMNS))
        return self.get_paginated_response(serializers.directory_cards(page or []))

    @extend_schema(responses=serializers.SpecialistProfileSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        specialist = matching_selectors.access_specialist(request.user, kwargs["pk"])
        return Response(self._profile(specialist))

    @extend_schema(methods=["GET"], responses={200: serializers.SpecialistWithContactSerializer, 404: NO_PROFILE})
    @extend_schema(
        methods=["PATCH"],
        request=serializers.SpecialistUpdateSerializer,
        responses={200: serializers.SpecialistWithContactSerializer, 404: NO_PROFILE},
    )
    @action(detail=False, methods=["get", "patch"])
    def me(self, request: Request) -> Response:
        user = acting_user(request)
        specialist = selectors.own_specialist(user)
        if request.method == "PATCH":
            data = serializers.SpecialistUpdateSerializer(data=request.data, partial=True)
            data.is_valid(raise_exception=True)
            services.update_specialist_profile(specialist=specialist, user=user, **data.validated_data)
            specialist = selectors.own_specialist(user)
        return Response(serializers.SpecialistWithContactSerializer(specialist).data)

    @extend_schema(request=ReasonSerializer, responses=serializers.SpecialistWithContactSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str) -> Response:
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        specialist = selectors.access_specialist(request.user, pk)
        matching_proposals.suspend_specialist_and_withdraw_proposals(
            specialist=specialist, admin=acting_user(request), note=data.validated_data["note"]
        )
        return Response(self._profile(selectors.access_specialist(request.user, pk)))

    @extend_schema(request=ReasonSerializer, responses=serializers.SpecialistWithContactSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk: str) -> Response:
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        specialist = selectors.access_specialist(request.user, pk)
        services.reactivate_specialist(
            specialist=specialist, admin=acting_user(request), note=data.validated_data["note"]
        )
        return Response(self._profile(selectors.access_specialist(request.user, pk)))


class CertificationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Certification],
):
    """Credentials: specialists submit with evidence; any chamber admin reviews (shared bank)."""

    lookup_value_regex = UUID_PATTERN
    filterset_fields = ["status", "kind", "validity"]
    parser_classes = [SafeMultiPartParser, StrictJSONParser]

    def get_queryset(self) -> QuerySet[Certification]:
        return selectors.certifications_visible_to(self.request.user)

    def get_object(self) -> Certification:
        return selectors.access_certification(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self) -> Any:
        if self.action == "verify":
            return DecisionSerializer
        if self.action == "reject":
            return ReasonSerializer
        reviewer = reviews_talent(self.request.user)
        if self.action == "retrieve":
            return (
                serializers.CertificationReviewDetailSerializer
                if reviewer
                else serializers.CertificationDetailSerializer
            )
        return serializers.CertificationReviewSerializer if reviewer else serializers.CertificationSerializer

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action == "create":
            return [IsSpecialist()]
        if self.action in ("verify", "reject"):
            return [IsChamberAdminOrStaff()]
        return [permissions.IsAuthenticated()]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.CertificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certification = services.submit_certification(user=acting_user(request), **data.validated_data)
        return Response(serializers.CertificationSerializer(certification).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=serializers.CertificationReviewSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certification = services.verify_certification(
            certification=self.get_object(), admin=acting_user(request), note=data.validated_data["note"]
        )
        return Response(serializers.CertificationReviewSerializer(certification).data)

    @extend_schema(request=ReasonSerializer, responses=serializers.CertificationReviewSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certification = services.reject_certification(
            certification=self.get_object(), admin=acting_user(request), note=data.validated_data["note"]
        )
        return Response(serializers.CertificationReviewSerializer(certification).data)

    @downloads(*UPLOAD_TYPES)
    @action(detail=True, methods=["get"])
    def evidence(self, request: Request, pk: str) -> HttpResponseBase:
        """The evidence file, only for its specialist and chamber admins; never cached, never sniffed."""
        certification = self.get_object()
        return private_download(
            certification.evidence.open("rb"),
            filename=certification.evidence_name or "evidence",
            content_type=certification.evidence_content_type,
        )
