from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language_from_request
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, ScopedRateThrottle
from rest_framework_simplejwt import views as jwt_views

from accounts import lifecycle, selectors, services
from accounts.models import Chamber, Company, CompanyMembership, Invitation, User
from api.accounts import serializers
from api.permissions import IsChamberAdminOrStaff, IsSme, acting_user
from api.subsidies.serializers import LabourAttorneySerializer
from marketplace.errors import ValidationFailed, get_or_not_found
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
        """The owner invites a 社労士 to act on the company's subsidy cases, and nothing else: the
        membership below starts when they accept the mailed invitation (see `invitations/`)."""
        data = LabourAttorneySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = self.get_object()
        invitation, _token = lifecycle.invite(
            by=acting_user(request),
            email=data.validated_data["email"],
            role=User.Role.SME,
            company=company,
            company_role=CompanyMembership.Role.LABOUR_ATTORNEY,
        )
        membership = {"company_id": company.pk, "role": invitation.company_role}
        return Response(serializers.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


RESET_REQUESTED = _("If an account uses this address, we sent it a link to set a new password.")


class ConfirmEmailView(AuthThrottleMixin, generics.GenericAPIView[User]):
    """Follow the confirmation link's token: the address counts as confirmed (once)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = serializers.TokenSerializer

    @extend_schema(responses={200: serializers.DetailSerializer})
    def post(self, request: Request) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        lifecycle.confirm_email(token=data.validated_data["token"])
        return Response({"detail": _("Your email address is confirmed.")})


class ResendConfirmationView(AuthThrottleMixin, generics.GenericAPIView[User]):
    """Mail the signed-in person a new confirmation link (409 once confirmed)."""

    serializer_class = serializers.DetailSerializer

    @extend_schema(request=None, responses={202: serializers.DetailSerializer})
    def post(self, request: Request) -> Response:
        lifecycle.send_email_confirmation(user=acting_user(request))
        return Response({"detail": _("We sent a new confirmation link to your address.")}, status=202)


class PasswordResetView(AuthThrottleMixin, generics.GenericAPIView[User]):
    """Ask for a reset link: 202 and the same body whether or not the address has an account."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = serializers.EmailSerializer

    @extend_schema(responses={202: serializers.DetailSerializer})
    def post(self, request: Request) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        lifecycle.request_password_reset(email=data.validated_data["email"])
        return Response({"detail": RESET_REQUESTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(AuthThrottleMixin, generics.GenericAPIView[User]):
    """Set a new password with the mailed link's uid and token (once); old refresh tokens die."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = serializers.PasswordResetConfirmSerializer

    @extend_schema(responses={200: serializers.DetailSerializer})
    def post(self, request: Request) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        lifecycle.reset_password(
            uidb64=data.validated_data["uid"],
            token=data.validated_data["token"],
            password=data.validated_data["password"],
        )
        return Response({"detail": _("Your password was changed. Sign in with the new one.")})


class PasswordChangeView(AuthThrottleMixin, generics.GenericAPIView[User]):
    """The signed-in person changes their password (the current one required); every refresh
    token they hold is revoked, this one's too: sign in again."""

    serializer_class = serializers.PasswordChangeSerializer

    @extend_schema(responses={200: serializers.DetailSerializer})
    def post(self, request: Request) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        lifecycle.change_password(user=acting_user(request), **data.validated_data)
        return Response({"detail": _("Your password was changed. Sign in with the new one.")})


class InvitationViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Invitation]):
    """Invitations the caller may manage: a chamber admin's (specialists, their chamber's
    admins), an owner's (their companies), or every one for operators."""

    serializer_class = serializers.InvitationSerializer

    def get_queryset(self) -> QuerySet[Invitation]:
        return lifecycle.invitations_visible_to(self.request.user)

    def get_object(self) -> Invitation:
        return get_or_not_found(self.get_queryset(), self.kwargs["pk"], _("Invitation not found."))

    @extend_schema(request=serializers.InvitationCreateSerializer, responses={201: serializers.InvitationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actor = acting_user(request)
        company = None
        if data.validated_data["company"] is not None:
            # Another company's id answers like a missing one, so ids cannot be probed.
            company = Company.objects.filter(pk=data.validated_data["company"], memberships__user=actor).first()
            if company is None:
                raise ValidationFailed(_("Company not found."), field="company")
        invitation, _token = lifecycle.invite(
            by=actor,
            email=data.validated_data["email"],
            role=data.validated_data["role"],
            company=company,
            company_role=data.validated_data["company_role"],
        )
        return Response(serializers.InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=serializers.InvitationSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, pk: str) -> Response:
        invitation, _token = lifecycle.resend_invitation(invitation=self.get_object(), by=acting_user(request))
        return Response(serializers.InvitationSerializer(invitation).data)

    @extend_schema(request=None, responses=serializers.InvitationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        invitation = lifecycle.revoke_invitation(invitation=self.get_object(), by=acting_user(request))
        return Response(serializers.InvitationSerializer(invitation).data)


class InvitationAcceptView(AuthThrottleMixin, generics.GenericAPIView[User]):
    """Accept an invitation with the mailed token: set the password (or, for an account that
    has one, enter it) and the name; then sign in with `auth/token/`."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = serializers.InvitationAcceptSerializer

    @extend_schema(responses={200: serializers.MeSerializer})
    def post(self, request: Request) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = lifecycle.accept_invitation(**data.validated_data)
        user = User.objects.prefetch_related("memberships").get(pk=user.pk)
        return Response(serializers.MeSerializer(user).data)


class DeactivateUserView(generics.GenericAPIView[User]):
    """Deactivate an account: sign-in refused, tokens revoked, sessions ended, history kept. A
    chamber admin for specialists of the bank, an owner for colleagues, operators for anyone."""

    serializer_class = serializers.ReasonSerializer

    @extend_schema(responses={200: serializers.UserStatusSerializer})
    def post(self, request: Request, pk: str) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = get_or_not_found(User.objects.all(), pk, _("User not found."))
        user = lifecycle.deactivate_user(user=target, by=acting_user(request), note=data.validated_data["note"])
        return Response(serializers.UserStatusSerializer(user).data)
