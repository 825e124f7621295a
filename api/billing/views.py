from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsSpecialist, acting_user
from billing import services


class StripeWebhookView(APIView):
    """Stripe's deliveries: the only anonymous write. The signature over the raw body is the
    authentication; Stripe is never throttled; the answer comes at once (processing is queued)."""

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list[type] = []

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            200: inline_serializer("StripeWebhookAck", {"received": serializers.BooleanField(),
                                                        "duplicate": serializers.BooleanField()}),
            400: OpenApiResponse(description="The signature does not verify (or is too old); nothing is stored."),
            503: OpenApiResponse(description="Billing is not configured."),
        },
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        # The raw body, before any parsing: the signature is computed over these bytes.
        payload = request._request.body
        _row, created = services.receive_event(payload=payload, signature=request.META.get("HTTP_STRIPE_SIGNATURE"))
        return Response({"received": True, "duplicate": not created})


class ConnectOnboardView(APIView):
    """A specialist's Stripe Connect onboarding: the account (created once) and a fresh link."""

    permission_classes = [IsSpecialist]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("ConnectOnboarding", {"account": serializers.CharField(),
                                                         "onboarding_url": serializers.URLField(),
                                                         "payouts_enabled": serializers.BooleanField()}),
            503: OpenApiResponse(description="Billing is not configured."),
        },
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        return Response(services.onboard_specialist(user=acting_user(request)))
