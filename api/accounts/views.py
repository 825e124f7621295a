from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language_from_request
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, ScopedRateThrottle
from rest_framework_simplejwt import views as jwt_views

from accounts import selectors, services
from accounts.models import Chamber, Company, User
from api.accounts import serializers
from api.permissions import IsChamberAdminOrStaff, IsSme, acting_user
from api.subsidies.serializers import LabourAttorneySerializer
from subsidies import services as subsidy_services
from talent import services as talent_services


class AuthThrottleMixin:
    """Sign-up and token endpoints are the brute-force targets: a tight per-IP rate."""

    throttle_classes: Sequence[type[BaseThrottle]] = [ScopedRateThrottle, AnonRateThrottle]
    throttle_scope = "auth"


class RegisterView(AuthThrottleMixin, generics.GenericAPIView[User]):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = serializers.RegisterSerializer

    @extend_schema(responses={201: serializers.MeSerializer})
    def post(self, request: Request) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Mail reaches people in the language they signed up in (Accept-Language picks).
        language = "en" if (get_language_from_request(request) or "").startswith("en") else "ja"
        if data.validated_data["role"] == User.Role.SPECIALIST:
            fields = {k: v for k, v in data.validated_data.items() if k != "role"}
            user = talent_services.register_specialist(**fields, language=language)
        else:
            user = services.register_user(**data.validated_data, language=language)
        return Response(serializers.MeSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenObtainPairView(AuthThrottleMixin, jwt_views.TokenObtainPairView):
    pass


class TokenRefreshView(AuthThrottleMixin, jwt_views.TokenRefreshView):
    serializer_class = serializers.TokenRefreshSerializer


class MeView(generics.RetrieveAPIView[User]):
    serializer_class = serializers.MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> User:
        return User.objects.prefetch_related("memberships").get(pk=acting_user(self.request).pk)

    @extend_schema(request=serializers.MeUpdateSerializer, responses=serializers.MeSerializer)
    def patch(self, request: Request) -> Response:
        data = serializers.MeUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.update_me(user=acting_user(request), **data.validated_data)
        return Response(serializers.MeSerializer(self.get_object()).data)


class ChamberViewSet(viewsets.ReadOnlyModelViewSet[Chamber]):
    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.ChamberSerializer

    def get_queryset(self) -> QuerySet[Chamber]:
        return selectors.chambers()


class CompanyViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Company],
):
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["status", "prefecture", "industry"]

    def get_queryset(self) -> QuerySet[Company]:
        return selectors.companies_visible_to(self.request.user)

    def get_object(self) -> Company:
        return selectors.access_company(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self) -> Any:
        if self.action == "labour_attorneys":
            return LabourAttorneySerializer
        if self.action == "partial_update":
            return serializers.CompanyUpdateSerializer
        if self.action == "verify":
            return serializers.DecisionSerializer
        if self.action == "reject":
            return serializers.ReasonSerializer
        return serializers.CompanySerializer

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in ("create", "labour_attorneys"):
            return [IsSme()]
        if self.action in ("verify", "reject"):
            return [IsChamberAdminOrStaff()]
        return [permissions.IsAuthenticated()]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = services.create_company(user=acting_user(request), **data.validated_data)
        return Response(serializers.CompanySerializer(company).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=serializers.CompanyDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(serializers.CompanyDetailSerializer(self.get_object()).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        company = self.get_object()
        data = self.get_serializer(company, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        company = services.update_company(company=company, user=acting_user(request), **data.validated_data)
        return Response(serializers.CompanySerializer(company).data)

    @extend_schema(request=serializers.DecisionSerializer, responses=serializers.CompanySerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = services.verify_company(
            company=self.get_object(),
            admin=acting_user(request),
            note=data.validated_data["note"],
        )
        return Response(serializers.CompanySerializer(company).data)

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.CompanySerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = services.reject_company(
            company=self.get_object(),
            admin=acting_user(request),
            note=data.validated_data["note"],
        )
        return Response(serializers.CompanySerializer(company).data)

    @extend_schema(request=LabourAttorneySerializer, responses={201: serializers.MembershipSerializer})
    @action(detail=True, methods=["post"], url_path="labour-attorneys")
    def labour_attorneys(self, request: Request, pk: str) -> Response:
        """The owner lets a registered 社労士 act on the company's subsidy cases, and nothing else."""
        data = LabourAttorneySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = self.get_object()
        membership = subsidy_services.invite_labour_attorney(
            company_id=company.pk, owner=acting_user(request), email=data.validated_data["email"]
        )
        return Response(serializers.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)
