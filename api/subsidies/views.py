from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import UUID_PATTERN
from api.negotiation import downloads
from api.parsers import SafeMultiPartParser, StrictJSONParser
from api.permissions import IsChamberAdminOrStaff, acting_user
from api.subsidies import serializers
from marketplace.downloads import private_download
from marketplace.uploads import UPLOAD_TYPES
from subsidies import calendar, costs, eligibility, export, selectors, services
from subsidies.models import SubsidyCase, SubsidyProgram


class SubsidyProgramViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[SubsidyProgram],
):
    """Programs as data: every signed-in user reads them; operators and chamber admins manage them."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = UUID_PATTERN
    filterset_fields = ["fiscal_year", "is_current"]

    def get_queryset(self) -> QuerySet[SubsidyProgram]:
        return selectors.programs_visible_to(self.request.user).order_by("code", "-version")

    def get_object(self) -> SubsidyProgram:
        return selectors.access_program(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self) -> Any:
        if self.action == "partial_update":
            return serializers.SubsidyProgramUpdateSerializer
        return serializers.SubsidyProgramSerializer

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in ("create", "partial_update"):
            return [IsChamberAdminOrStaff()]
        return [permissions.IsAuthenticated()]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.SubsidyProgramSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program = services.create_program(user=acting_user(request), **data.validated_data)
        return Response(serializers.SubsidyProgramSerializer(program).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Once a case uses the program, a change makes a new version (the answer is that version)."""
        data = serializers.SubsidyProgramUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        program = services.update_program(program=self.get_object(), user=acting_user(request), **data.validated_data)
        return Response(serializers.SubsidyProgramSerializer(program).data)


class SubsidyCaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[SubsidyCase],
):
    """Cases: the company (or its 社労士) owns and files; its chamber's admins read and review."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = UUID_PATTERN
    filterset_fields = ["status", "program"]
    parser_classes = [StrictJSONParser, SafeMultiPartParser]

    def get_queryset(self) -> QuerySet[SubsidyCase]:
        return selectors.cases_visible_to(self.request.user)

    def get_object(self) -> SubsidyCase:
        return selectors.access_case(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self) -> Any:
        return {
            "retrieve": serializers.SubsidyCaseDetailSerializer,
            "partial_update": serializers.SubsidyCaseUpdateSerializer,
            "transition": serializers.TransitionSerializer,
            "submit": serializers.TransitionSerializer,
            "documents": serializers.SubsidyDocumentSerializer,
            "review_document": serializers.DocumentReviewSerializer,
            "comments": serializers.CaseCommentSerializer,
            "amount": serializers.CostShareSerializer,
            "decide": serializers.CaseDecisionSerializer,
            "record_payment": serializers.CasePaymentSerializer,
        }.get(self.action or "", serializers.SubsidyCaseSerializer)

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in ("export", "review_document", "decide", "record_payment"):
            return [IsChamberAdminOrStaff()]
        return [permissions.IsAuthenticated()]

    def _detail(self, case: SubsidyCase, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.access_case(self.request.user, case.pk)
        return Response(serializers.SubsidyCaseDetailSerializer(fresh).data, status=code)

    @extend_schema(responses={201: serializers.SubsidyCaseDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.SubsidyCaseSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        case = services.open_case(
            user=acting_user(request),
            engagement=data.validated_data["engagement"],
            program=data.validated_data["program"],
            labour_attorney=data.validated_data.get("labour_attorney"),
        )
        return self._detail(case, status.HTTP_201_CREATED)

    @extend_schema(responses=serializers.SubsidyCaseDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(serializers.SubsidyCaseDetailSerializer(self.get_object()).data)

    @extend_schema(request=serializers.SubsidyCaseUpdateSerializer, responses=serializers.SubsidyCaseDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.SubsidyCaseUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "milestones" in fields:
            fields["milestones"] = {key: value.isoformat() for key, value in fields["milestones"].items()}
        case = services.update_case(case=self.get_object(), user=acting_user(request), **fields)
        return self._detail(case)

    @extend_schema(responses=serializers.EligibilitySerializer)
    @action(detail=True, methods=["get"])
    def eligibility(self, request: Request, pk: str) -> Response:
        """Every rule of the program: pass, fail or unknown, with the reason."""
        results = eligibility.check(self.get_object())
        language = get_language() or "ja"
        return Response(
            {
                "eligible": not eligibility.blocking(results),
                "rules": [
                    {
                        "rule": r.rule,
                        "result": r.result,
                        "reason": r.reason(language),
                        "reason_ja": r.reason_ja,
                        "reason_en": r.reason_en,
                    }
                    for r in results
                ],
            }
        )

    @extend_schema(responses=serializers.CostShareSerializer)
    @action(detail=True, methods=["get"])
    def amount(self, request: Request, pk: str) -> Response:
        """What the program covers: every invoice of the engagement, whether and how much it
        counts, and the steps from the eligible cost to the amount (rate, cap, floor)."""
        share = costs.cost_share(self.get_object())
        return Response(serializers.cost_share_data(share, get_language() or "ja"))

    @extend_schema(request=serializers.CaseDecisionSerializer, responses=serializers.SubsidyCaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """The chamber grants an amount up to the computed one (0: not paid), with its reasons."""
        case = self.get_object()
        data = serializers.CaseDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.decide_case(
            case=case,
            admin=acting_user(request),
            granted_amount_jpy=data.validated_data["granted_amount_jpy"],
            note=data.validated_data["note"],
        )
        return self._detail(case)

    @extend_schema(request=serializers.CasePaymentSerializer, responses=serializers.SubsidyCaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="record-payment")
    def record_payment(self, request: Request, pk: str) -> Response:
        """The chamber paid the granted amount to the company (a bank transfer, outside Stripe)."""
        case = self.get_object()
        data = serializers.CasePaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.record_case_payment(
            case=case,
            admin=acting_user(request),
            paid_on=data.validated_data["paid_on"],
            reference=data.validated_data["reference"],
        )
        return self._detail(case)

    @extend_schema(request=serializers.TransitionSerializer, responses=serializers.SubsidyCaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str) -> Response:
        data = serializers.TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.transition_case(
            case=self.get_object(),
            user=acting_user(request),
            to=data.validated_data["to"],
            note=data.validated_data["note"],
        )
        return self._detail(case)

    @extend_schema(request=None, responses=serializers.SubsidyCaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """File the claim: 409 naming every failing rule and missing document."""
        note = str(request.data.get("note", "")) if isinstance(request.data, dict) else ""
        case = services.submit_case(case=self.get_object(), user=acting_user(request), note=note[:2000])
        return self._detail(case)

    @extend_schema(methods=["GET"], responses=serializers.SubsidyDocumentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=serializers.SubsidyDocumentSerializer,
        responses={201: serializers.SubsidyDocumentSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # the whole list, as documented
    def documents(self, request: Request, pk: str) -> Response:
        case = self.get_object()
        if request.method == "GET":
            return Response(serializers.SubsidyDocumentSerializer(selectors.documents_of(case), many=True).data)
        data = serializers.SubsidyDocumentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.upload_document(
            case=case,
            user=acting_user(request),
            document_type=data.validated_data["document_type"],
            file=data.validated_data["file"],
        )
        return Response(serializers.SubsidyDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=serializers.CaseCommentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=serializers.CaseCommentSerializer, responses={201: serializers.CaseCommentSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # the whole list, as documented
    def comments(self, request: Request, pk: str) -> Response:
        """Advice on the case: chamber admins comment, the company and its 社労士 answer."""
        case = self.get_object()
        if request.method == "GET":
            return Response(serializers.CaseCommentSerializer(selectors.comments_on(case), many=True).data)
        data = serializers.CaseCommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_on_case(case=case, user=acting_user(request), body=data.validated_data["body"])
        return Response(serializers.CaseCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.DocumentReviewSerializer, responses=serializers.SubsidyDocumentSerializer)
    @action(detail=True, methods=["post"], url_path=f"documents/(?P<document_id>{UUID_PATTERN})/review")
    def review_document(self, request: Request, pk: str, document_id: str) -> Response:
        """A chamber admin accepts a document or asks for a fix (with a comment)."""
        document = selectors.access_document(request.user, pk, document_id)
        data = serializers.DocumentReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reviewed = services.review_document(
            document=document,
            admin=acting_user(request),
            status=data.validated_data["status"],
            comment=data.validated_data["comment"],
        )
        return Response(serializers.SubsidyDocumentSerializer(reviewed).data)

    @downloads(*UPLOAD_TYPES)
    @action(detail=True, methods=["get"], url_path=f"documents/(?P<document_id>{UUID_PATTERN})/file")
    def document_file(self, request: Request, pk: str, document_id: str) -> HttpResponseBase:
        """The stored file, for those who may see the case; never cached, never sniffed."""
        document = selectors.access_document(request.user, pk, document_id)
        return private_download(
            document.file.open("rb"), filename=document.name or "document", content_type=document.content_type
        )

    @downloads("text/calendar")
    def deadlines_ics(self, request: Request, pk: str) -> HttpResponseBase:
        """Routed in api/urls.py as `deadlines.ics` (no trailing slash)."""
        case = self.get_object()
        return private_download(
            calendar.feed(case, get_language() or "ja"),
            filename=f"subsidy-{case.pk}.ics",
            content_type="text/calendar; charset=utf-8",
        )

    @downloads("text/csv")
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponseBase:
        """The chamber's cases as CSV (UTF-8 with BOM, Japanese headers), streamed."""
        return private_download(
            export.rows(selectors.cases_for_export(request.user)),
            filename="subsidy-cases.csv",
            content_type="text/csv; charset=utf-8",
        )
