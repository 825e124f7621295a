from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.selectors import access_company
from api.accounts.serializers import DecisionSerializer
from api.matching import serializers
from api.permissions import IsChamberAdminOrStaff, IsSme, IsSpecialist, acting_user
from matching import selectors, services
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal

UUID_PATTERN = "[0-9a-fA-F-]{36}"


class RequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet[AdvisorRequest],
):  # fmt: skip
    """SME requests: members of the company write, its chamber's admins read."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = UUID_PATTERN
    filterset_fields = ["status", "kind"]

    def get_queryset(self) -> QuerySet[AdvisorRequest]:
        return selectors.requests_visible_to(self.request.user)

    def get_object(self) -> AdvisorRequest:
        return selectors.access_request(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self) -> Any:
        if self.action == "partial_update":
            return serializers.RequestUpdateSerializer
        if self.action in ("publish", "cancel"):
            return DecisionSerializer
        return serializers.RequestSerializer

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in ("create", "partial_update", "publish", "cancel"):
            return [IsSme()]
        return [permissions.IsAuthenticated()]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.RequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        company = access_company(request.user, fields.pop("company").pk)
        created = services.create_request(
            user=acting_user(request),
            company=company,
            required_skills=fields.pop("required_skills", []),
            **fields,
        )
        return Response(serializers.RequestSerializer(self._fresh(created)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        data = serializers.RequestUpdateSerializer(instance, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        updated = services.update_request(request=instance, user=acting_user(request), **data.validated_data)
        return Response(serializers.RequestSerializer(self._fresh(updated)).data)

    def _fresh(self, instance: AdvisorRequest) -> AdvisorRequest:
        return selectors.requests_visible_to(self.request.user).get(pk=instance.pk)

    @extend_schema(request=None, responses={200: serializers.RequestSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        published, run = services.publish_request(request=self.get_object(), user=acting_user(request))
        body = serializers.RequestSerializer(self._fresh(published)).data
        body["match_run"] = str(run.pk) if run else None
        return Response(body)

    @extend_schema(request=DecisionSerializer, responses={200: serializers.RequestSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cancelled = services.cancel_request(
            request=self.get_object(), user=acting_user(request), note=data.validated_data["note"]
        )
        return Response(serializers.RequestSerializer(self._fresh(cancelled)).data)


class MatchRunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[MatchRun],
):
    """Chamber admins start runs (202) and watch their progress."""

    lookup_value_regex = UUID_PATTERN
    serializer_class = serializers.MatchRunSerializer
    permission_classes = [IsChamberAdminOrStaff]
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[MatchRun]:
        return selectors.runs_visible_to(self.request.user)

    def get_object(self) -> MatchRun:
        return selectors.access_run(self.request.user, self.kwargs["pk"])

    @extend_schema(responses={202: serializers.MatchRunSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.MatchRunSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = data.validated_data.get("request")
        run = services.start_match_run_for(
            admin=acting_user(request),
            request_id=target.pk if target else None,
            parameters=data.validated_data.get("parameters"),
        )
        return Response(serializers.MatchRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Proposal]):
    """Proposals move: admin approves -> specialist accepts -> SME selects."""

    lookup_value_regex = UUID_PATTERN
    filterset_fields = ["request", "status", "run"]

    def get_queryset(self) -> QuerySet[Proposal]:
        return selectors.proposals_visible_to(self.request.user)

    def get_object(self) -> Proposal:
        return selectors.access_proposal(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self) -> Any:
        if self.action in ("approve", "reject", "accept", "decline", "select"):
            return DecisionSerializer
        return serializers.ProposalSerializer

    def get_permissions(self) -> list[permissions.BasePermission]:
        roles: dict[str, type[permissions.BasePermission]] = {
            "approve": IsChamberAdminOrStaff,
            "reject": IsChamberAdminOrStaff,
            "accept": IsSpecialist,
            "decline": IsSpecialist,
            "select": IsSme,
        }
        return [roles.get(self.action or "", permissions.IsAuthenticated)()]

    def _decide(self, request: Request, service: Any, actor_arg: str) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = service(
            proposal=self.get_object(), note=data.validated_data["note"], **{actor_arg: acting_user(request)}
        )
        if isinstance(result, Engagement):
            return Response(serializers.EngagementSerializer(result, context={"viewer": request.user}).data)
        result.refresh_from_db()
        return Response(serializers.ProposalSerializer(result).data)

    @extend_schema(request=DecisionSerializer, responses=serializers.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._decide(request, services.approve_proposal, "admin")

    @extend_schema(request=DecisionSerializer, responses=serializers.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._decide(request, services.reject_proposal, "admin")

    @extend_schema(request=DecisionSerializer, responses=serializers.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        return self._decide(request, services.accept_proposal, "user")

    @extend_schema(request=DecisionSerializer, responses=serializers.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        return self._decide(request, services.decline_proposal, "user")

    @extend_schema(request=DecisionSerializer, responses=serializers.EngagementSerializer)
    @action(detail=True, methods=["post"])
    def select(self, request: Request, pk: str) -> Response:
        return self._decide(request, services.select_proposal, "user")


class EngagementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Engagement]):
    lookup_value_regex = UUID_PATTERN
    filterset_fields = ["status", "kind"]

    def get_queryset(self) -> QuerySet[Engagement]:
        return selectors.engagements_visible_to(self.request.user)

    def get_object(self) -> Engagement:
        return selectors.access_engagement(self.request.user, self.kwargs["pk"])

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "viewer": self.request.user}

    def get_serializer_class(self) -> Any:
        if self.action in ("complete", "terminate"):
            return DecisionSerializer
        if self.action == "review":
            return serializers.ReviewSerializer
        return serializers.EngagementSerializer

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in ("complete", "terminate", "review"):
            return [IsSme()]
        return [permissions.IsAuthenticated()]

    def _end(self, request: Request, service: Any) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        engagement = service(engagement=self.get_object(), user=acting_user(request), note=data.validated_data["note"])
        fresh = selectors.access_engagement(request.user, engagement.pk)
        return Response(serializers.EngagementSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=DecisionSerializer, responses=serializers.EngagementSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        return self._end(request, services.complete_engagement)

    @extend_schema(request=DecisionSerializer, responses=serializers.EngagementSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request: Request, pk: str) -> Response:
        return self._end(request, services.terminate_engagement)

    @extend_schema(request=serializers.ReviewSerializer, responses={201: serializers.ReviewSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        data = serializers.ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_engagement(
            engagement=self.get_object(), user=acting_user(request), rating=data.validated_data["rating"],
            comment=data.validated_data.get("comment", ""),
        )  # fmt: skip
        return Response(serializers.ReviewSerializer(review).data, status=status.HTTP_201_CREATED)
