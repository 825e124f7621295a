from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.accounts.serializers import DecisionSerializer, ReasonSerializer
from api.fields import UUID_PATTERN
from api.matching import serializers
from api.negotiation import downloads
from api.permissions import IsChamberAdminOrStaff, IsSme, IsSmeOrSpecialist, IsSpecialist, acting_user
from marketplace.downloads import private_download
from marketplace.errors import get_or_not_found
from matching import selectors
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal, Review
from matching.services import engagements, proposals, requests, runs


class RequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[AdvisorRequest],
):
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
        data = serializers.RequestSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        company = fields.pop("company")
        created = requests.create_request(
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
        updated = requests.update_request(request=instance, user=acting_user(request), **data.validated_data)
        return Response(serializers.RequestSerializer(self._fresh(updated)).data)

    def _fresh(self, instance: AdvisorRequest) -> AdvisorRequest:
        return selectors.requests_visible_to(self.request.user).get(pk=instance.pk)

    @extend_schema(responses=serializers.RequestDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(serializers.RequestDetailSerializer(self.get_object()).data)

    @extend_schema(request=None, responses={200: serializers.RequestSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        published, run = requests.publish_request(request=self.get_object(), user=acting_user(request))
        body = serializers.RequestSerializer(self._fresh(published)).data
        body["match_run"] = str(run.pk) if run else None
        return Response(body)

    @extend_schema(request=DecisionSerializer, responses={200: serializers.RequestSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cancelled = requests.cancel_request(
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
        data = serializers.MatchRunSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        target = data.validated_data.get("request")
        run = runs.start_match_run_for(
            admin=acting_user(request),
            request_id=target.pk if target else None,
            parameters=data.validated_data.get("parameters"),
        )
        return Response(serializers.MatchRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=serializers.BulkApproveSerializer, responses=serializers.BulkApproveResponseSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Approve the run's proposals in bulk: every pending one, or the ids given; a result per proposal."""
        data = serializers.BulkApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data.get("proposals")
        results = proposals.approve_run_proposals(
            run=self.get_object(), admin=acting_user(request), proposal_ids=None if ids is None else list(ids)
        )
        return Response({"results": results})


class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Proposal]):
    """Proposals move: admin approves -> specialist accepts -> SME selects."""

    lookup_value_regex = UUID_PATTERN
    filterset_fields = ["request", "status", "run"]

    def get_queryset(self) -> QuerySet[Proposal]:
        return selectors.proposals_visible_to(self.request.user)

    def get_object(self) -> Proposal:
        return selectors.access_proposal(self.request.user, self.kwargs["pk"])

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "viewer": self.request.user}

    def get_serializer_class(self) -> Any:
        return {
            "approve": DecisionSerializer,
            "reject": ReasonSerializer,
            "accept": serializers.AcceptSerializer,
            "decline": DecisionSerializer,
            "select": serializers.SelectSerializer,
            "retrieve": serializers.ProposalDetailSerializer,
        }.get(self.action or "", serializers.ProposalSerializer)

    def get_permissions(self) -> list[permissions.BasePermission]:
        roles: dict[str, type[permissions.BasePermission]] = {
            "approve": IsChamberAdminOrStaff,
            "reject": IsChamberAdminOrStaff,
            "accept": IsSpecialist,
            "decline": IsSpecialist,
            "select": IsSme,
        }
        return [roles.get(self.action or "", permissions.IsAuthenticated)()]

    def _answer(self, proposal: Proposal) -> Response:
        fresh = selectors.access_proposal(self.request.user, proposal.pk)
        return Response(serializers.ProposalDetailSerializer(fresh, context=self.get_serializer_context()).data)

    def _input(self, request: Request) -> dict[str, Any]:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    @extend_schema(request=DecisionSerializer, responses=serializers.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        note = self._input(request)["note"]
        return self._answer(
            proposals.approve_proposal(proposal=self.get_object(), admin=acting_user(request), note=note)
        )

    @extend_schema(request=ReasonSerializer, responses=serializers.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        note = self._input(request)["note"]
        return self._answer(
            proposals.reject_proposal(proposal=self.get_object(), admin=acting_user(request), note=note)
        )

    @extend_schema(request=serializers.AcceptSerializer, responses=serializers.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        data = self._input(request)
        accepted = proposals.accept_proposal(
            proposal=self.get_object(), user=acting_user(request), declaration=data["declaration"], note=data["note"]
        )
        return self._answer(accepted)

    @extend_schema(request=DecisionSerializer, responses=serializers.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        note = self._input(request)["note"]
        return self._answer(
            proposals.decline_proposal(proposal=self.get_object(), user=acting_user(request), note=note)
        )

    @extend_schema(request=serializers.SelectSerializer, responses=serializers.EngagementDetailSerializer)
    @action(detail=True, methods=["post"])
    def select(self, request: Request, pk: str) -> Response:
        data = self._input(request)
        engagement = engagements.select_proposal(
            proposal=self.get_object(), user=acting_user(request), terms=data.get("terms") or {}, note=data["note"]
        )
        fresh = selectors.access_engagement(request.user, engagement.pk)
        return Response(serializers.EngagementDetailSerializer(fresh, context={"viewer": request.user}).data)


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
        return {
            "complete": DecisionSerializer,
            "terminate": serializers.TerminateSerializer,
            "review": serializers.ReviewSerializer,
            "retrieve": serializers.EngagementDetailSerializer,
        }.get(self.action or "", serializers.EngagementSerializer)

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in ("complete", "review"):
            return [IsSme()]
        if self.action == "terminate":
            return [IsSmeOrSpecialist()]
        return [permissions.IsAuthenticated()]

    def _answer(self, engagement: Engagement) -> Response:
        fresh = selectors.access_engagement(self.request.user, engagement.pk)
        return Response(serializers.EngagementDetailSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=DecisionSerializer, responses=serializers.EngagementDetailSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        engagement = engagements.complete_engagement(
            engagement=self.get_object(), user=acting_user(request), note=data.validated_data["note"]
        )
        return self._answer(engagement)

    @extend_schema(request=serializers.TerminateSerializer, responses=serializers.EngagementDetailSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request: Request, pk: str) -> Response:
        """Either party ends it with a reason; the SME's notice on a long continuous engagement is 30 days."""
        data = serializers.TerminateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        engagement = engagements.terminate_engagement(
            engagement=self.get_object(),
            user=acting_user(request),
            note=data.validated_data["note"],
            ends_on=data.validated_data.get("ends_on"),
            exception=data.validated_data["exception"],
        )
        return self._answer(engagement)

    @extend_schema(request=serializers.ReviewSerializer, responses={201: serializers.ReviewSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        data = serializers.ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = engagements.review_engagement(
            engagement=self.get_object(),
            user=acting_user(request),
            rating=data.validated_data["rating"],
            comment=data.validated_data.get("comment", ""),
        )
        return Response(serializers.ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @downloads(
        "application/pdf",
        description="The statement of terms (取引条件明示書, Freelance Act Art. 3) as a PDF in Japanese.",
    )
    def terms_pdf(self, request: Request, pk: str) -> HttpResponseBase:
        """Routed in api/urls.py as `terms.pdf` without a trailing slash (the router adds one)."""
        from matching import terms_statement  # reportlab (~15 MB) loads on the first PDF only

        engagement = self.get_object()
        return private_download(
            terms_statement.render(engagement), filename=f"terms-{engagement.pk}.pdf", content_type="application/pdf"
        )


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Review]):
    """Reviews: the specialist reviewed and chamber admins read them; an SME reads its own."""

    lookup_value_regex = UUID_PATTERN
    serializer_class = serializers.ReviewSerializer
    filterset_fields = ["engagement"]

    def get_queryset(self) -> QuerySet[Review]:
        return selectors.reviews_visible_to(self.request.user).order_by("-created_at", "id")

    def get_object(self) -> Review:
        return get_or_not_found(self.get_queryset(), self.kwargs["pk"], _("Review not found."))
