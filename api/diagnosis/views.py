"""The self-diagnosis over HTTP: thin views over diagnosis.services and diagnosis.selectors.

A diagnosis is its company's own: SME members read and write it; chamber admins read only
their chamber's band counts; specialists nothing. Out of reach is a 404.
"""

from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.diagnosis import serializers
from api.negotiation import downloads
from api.parsers import SafeMultiPartParser, StrictJSONParser
from api.permissions import IsChamberAdminOrStaff, IsSme, acting_user
from api.schema import ErrorSerializer
from diagnosis import selectors, services
from diagnosis.models import Diagnosis, RequestDraft
from diagnosis.questionnaire import CURRENT_VERSION, VERSIONS
from diagnosis.scoring import ROLL_UP_RULE
from marketplace.downloads import private_download
from marketplace.errors import NotFound
from marketplace.uploads import UPLOAD_TYPES


def _detail(diagnosis: Diagnosis, user: Any, code: int = status.HTTP_200_OK) -> Response:
    fresh = selectors.access_diagnosis(user, diagnosis.pk)
    fresh.sheet_count = len(fresh.sheets.all())  # type: ignore[attr-defined]
    fresh.result = serializers.result_body(selectors.result_of(fresh), str(ROLL_UP_RULE))  # type: ignore[attr-defined]
    return Response(serializers.DiagnosisDetailSerializer(fresh).data, status=code)


class QuestionnaireView(APIView):
    """The questionnaire new diagnoses are answered on (or an earlier `version`), in the caller's language."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("version", str, required=False, description="An earlier version's key.")],
        responses={
            200: serializers.QuestionnaireSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No questionnaire has this version."),
        },
    )
    def get(self, request: Request) -> Response:
        version = request.query_params.get("version") or CURRENT_VERSION
        questionnaire = selectors.questionnaire_by_version(version)
        return Response(serializers.QuestionnaireSerializer(serializers.questionnaire_body(questionnaire.form)).data)


class CompanyDiagnosesView(generics.ListCreateAPIView[Diagnosis]):
    """A company's diagnoses, newest first, with their totals (the trend); POST starts a new one."""

    permission_classes = [IsSme]
    serializer_class = serializers.DiagnosisSerializer

    def get_queryset(self) -> QuerySet[Diagnosis]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no company
            return Diagnosis.objects.none()
        company = selectors.access_company(self.request.user, self.kwargs["company_id"])
        return selectors.diagnoses_of(self.request.user, company)

    @extend_schema(
        request=serializers.DiagnosisCreateSerializer, responses={201: serializers.DiagnosisDetailSerializer}
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        company = selectors.access_company(request.user, self.kwargs["company_id"])
        data = serializers.DiagnosisCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        diagnosis = services.start_diagnosis(
            user=acting_user(request), company=company, sheet_labels=data.validated_data.get("sheet_labels")
        )
        return _detail(diagnosis, request.user, status.HTTP_201_CREATED)


class DiagnosisView(APIView):
    """A diagnosis with its sheets and the computed result."""

    permission_classes = [IsSme]

    @extend_schema(responses=serializers.DiagnosisDetailSerializer)
    def get(self, request: Request, pk: str) -> Response:
        return _detail(selectors.access_diagnosis(request.user, pk), request.user)


class DiagnosisResultView(APIView):
    """The company's result (its sheets rolled up) and each sheet's own."""

    permission_classes = [IsSme]

    @extend_schema(responses=serializers.ResultSerializer)
    def get(self, request: Request, pk: str) -> Response:
        diagnosis = selectors.access_diagnosis(request.user, pk)
        body = serializers.result_body(selectors.result_of(diagnosis), str(ROLL_UP_RULE))
        return Response(serializers.ResultSerializer(body).data)


class DiagnosisCompleteView(APIView):
    """Finish: every item on every sheet answered (409 listing what is not); the result is kept."""

    permission_classes = [IsSme]

    @extend_schema(request=None, responses=serializers.DiagnosisDetailSerializer)
    def post(self, request: Request, pk: str) -> Response:
        diagnosis = selectors.access_diagnosis(request.user, pk)
        completed = services.complete_diagnosis(user=acting_user(request), diagnosis=diagnosis)
        return _detail(completed, request.user)


class SheetsView(APIView):
    """Add a sheet (a site or department) to a diagnosis in progress."""

    permission_classes = [IsSme]
    parser_classes = [StrictJSONParser]

    @extend_schema(request=serializers.SheetCreateSerializer, responses={201: serializers.SheetSerializer})
    def post(self, request: Request, pk: str) -> Response:
        diagnosis = selectors.access_diagnosis(request.user, pk)
        data = serializers.SheetCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = services.add_sheet(
            user=acting_user(request),
            diagnosis=diagnosis,
            label=data.validated_data["label"],
            answers=data.validated_data.get("answers"),
        )
        return Response(serializers.SheetSerializer(sheet).data, status=status.HTTP_201_CREATED)


class SheetView(APIView):
    """A sheet's answers: PUT sets exactly the given answers, PATCH merges them in."""

    permission_classes = [IsSme]
    parser_classes = [StrictJSONParser]

    @extend_schema(responses=serializers.SheetSerializer)
    def get(self, request: Request, pk: str, sheet_id: str) -> Response:
        return Response(serializers.SheetSerializer(selectors.access_sheet(request.user, pk, sheet_id)).data)

    def _write(self, request: Request, pk: str, sheet_id: str, *, replace: bool) -> Response:
        sheet = selectors.access_sheet(request.user, pk, sheet_id)
        data = serializers.SheetWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.update_sheet(
            user=acting_user(request),
            sheet=sheet,
            answers=data.validated_data.get("answers"),
            label=data.validated_data.get("label"),
            replace=replace,
        )
        return Response(serializers.SheetSerializer(updated).data)

    @extend_schema(request=serializers.SheetWriteSerializer, responses=serializers.SheetSerializer)
    def put(self, request: Request, pk: str, sheet_id: str) -> Response:
        return self._write(request, pk, sheet_id, replace=True)

    @extend_schema(request=serializers.SheetWriteSerializer, responses=serializers.SheetSerializer)
    def patch(self, request: Request, pk: str, sheet_id: str) -> Response:
        return self._write(request, pk, sheet_id, replace=False)


class DraftRequestView(APIView):
    """Draft a request from the weak items the SME chooses to share (201: the draft's id)."""

    permission_classes = [IsSme]
    parser_classes = [StrictJSONParser]

    @extend_schema(request=serializers.DraftRequestSerializer, responses={201: serializers.DraftedRequestSerializer})
    def post(self, request: Request, pk: str) -> Response:
        diagnosis = selectors.access_diagnosis(request.user, pk)
        data = serializers.DraftRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        drafted = services.draft_request_from_diagnosis(
            diagnosis=diagnosis, user=acting_user(request), shared_item_ids=data.validated_data["shared_items"]
        )
        body = {
            "request": drafted.pk,
            "kind": drafted.kind,
            "title": drafted.title,
            "description": drafted.description,
            "required_skills": [
                {"skill": required.skill.slug, "min_level": required.min_level}
                for required in drafted.required_skills.select_related("skill").order_by("skill__position", "skill_id")
            ],
            "shared_items": RequestDraft.objects.get(request=drafted).shared_items,
        }
        return Response(serializers.DraftedRequestSerializer(body).data, status=status.HTTP_201_CREATED)


class ReadinessView(APIView):
    """SECURITY ACTION ★★: what is done and what is missing (a self-declaration, never a certification)."""

    permission_classes = [IsSme]

    @extend_schema(responses=serializers.ReadinessSerializer)
    def get(self, request: Request, company_id: str) -> Response:
        company = selectors.access_company(request.user, company_id)
        readiness = selectors.two_star_readiness(request.user, company)
        policy = selectors.latest_basic_policy(request.user, company)
        body = serializers.readiness_body(readiness, policy, str(selectors.READINESS_NOTE))
        return Response(serializers.ReadinessSerializer(body).data)


class BasicPolicyView(APIView):
    """Upload a new version of the basic security policy (multipart), or say where it is published."""

    permission_classes = [IsSme]
    parser_classes = [StrictJSONParser, SafeMultiPartParser]

    @extend_schema(request=serializers.BasicPolicyUploadSerializer, responses={201: serializers.BasicPolicySerializer})
    def post(self, request: Request, company_id: str) -> Response:
        company = selectors.access_company(request.user, company_id)
        data = serializers.BasicPolicyUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.upload_basic_policy(
            user=acting_user(request),
            company=company,
            file=data.validated_data["file"],
            public_url=data.validated_data["public_url"],
        )
        return Response(serializers.BasicPolicySerializer(policy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.BasicPolicyUrlSerializer, responses=serializers.BasicPolicySerializer)
    def patch(self, request: Request, company_id: str) -> Response:
        company = selectors.access_company(request.user, company_id)
        data = serializers.BasicPolicyUrlSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.set_basic_policy_url(
            user=acting_user(request), company=company, public_url=data.validated_data["public_url"]
        )
        return Response(serializers.BasicPolicySerializer(policy).data)


class BasicPolicyFileView(APIView):
    """The latest basic policy's stored file, for the company's members; never cached, never sniffed."""

    permission_classes = [IsSme]

    @downloads(*UPLOAD_TYPES)
    def get(self, request: Request, company_id: str) -> HttpResponseBase:
        company = selectors.access_company(request.user, company_id)
        policy = selectors.latest_basic_policy(request.user, company)
        if policy is None:
            raise NotFound(_("No basic policy has been uploaded."))
        return private_download(
            policy.file.open("rb"), filename=policy.name or "basic-policy", content_type=policy.content_type
        )


class ChamberBandsView(APIView):
    """How many of the chamber's companies fall in each band (latest completed diagnosis each);
    cells under five companies suppressed. Never a company's answers or total."""

    permission_classes = [IsChamberAdminOrStaff]

    @extend_schema(responses=serializers.BandCountsSerializer)
    def get(self, request: Request, chamber_id: str) -> Response:
        counts = selectors.band_counts_for_chamber(request.user, chamber_id)
        body = serializers.band_counts_body(counts, VERSIONS[CURRENT_VERSION]["bands"])
        return Response(serializers.BandCountsSerializer(body).data)
