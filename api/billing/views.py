import datetime
from typing import Any

from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.accounts.serializers import DecisionSerializer, ReasonSerializer
from api.billing import serializers as billing_serializers
from api.fields import UUID_PATTERN
from api.negotiation import downloads
from api.permissions import IsChamberAdminOrStaff, IsSme, IsSpecialist, acting_user
from api.schema import ErrorSerializer
from billing import export, selectors, stripe_client
from billing.export import XLSX
from billing.models import FeeStatement, Invoice, Payment, TimeEntry
from billing.services import bank_transfers, connect, hours, payments, refunds, webhooks
from marketplace.downloads import private_download

BILLING_OFF = OpenApiResponse(description="Billing is not configured (STRIPE_SECRET_KEY is not set).")


class StripeWebhookView(APIView):
    """Stripe's deliveries: the only anonymous write. The signature over the raw body is the
    authentication; Stripe is never throttled; the answer comes at once (processing is queued)."""

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list[type] = []

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            200: inline_serializer(
                "StripeWebhookAck", {"received": serializers.BooleanField(), "duplicate": serializers.BooleanField()}
            ),
            400: OpenApiResponse(
                description="The signature does not verify (or is too old), or a field of the event is malformed; "
                "nothing is stored."
            ),
            503: OpenApiResponse(description="Billing is not configured."),
        },
    )
    def post(self, request: Request) -> Response:
        # The raw body, before any parsing: the signature is computed over these bytes.
        payload = request._request.body
        _row, created = webhooks.receive_event(payload=payload, signature=request.META.get("HTTP_STRIPE_SIGNATURE"))
        return Response({"received": True, "duplicate": not created})


class ConnectOnboardView(APIView):
    """A specialist's Stripe Connect onboarding: the account (created once) and a fresh link."""

    permission_classes = [IsSpecialist]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "ConnectOnboarding",
                {
                    "account": serializers.CharField(),
                    "onboarding_url": serializers.URLField(),
                    "payouts_enabled": serializers.BooleanField(),
                },
            ),
            404: OpenApiResponse(ErrorSerializer, description="The caller has no specialist profile yet."),
            503: BILLING_OFF,
        },
    )
    def post(self, request: Request) -> Response:
        return Response(connect.onboard_specialist(user=acting_user(request)))


class BillingViewSet(viewsets.GenericViewSet[Any]):
    """Every billing endpoint answers 503 while Stripe is not configured (after the caller's
    role is checked), and changes nothing."""

    lookup_value_regex = UUID_PATTERN

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        stripe_client.ensure_configured()


class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BillingViewSet):
    """Invoices: the company's members pay them, the specialist is paid, the chamber's admins read,
    void and export them."""

    filterset_fields = ["status", "kind", "engagement"]

    def get_queryset(self) -> Any:
        return selectors.invoices_visible_to(self.request.user)

    def get_object(self) -> Invoice:
        return selectors.access_invoice(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self) -> Any:
        return {
            "retrieve": billing_serializers.InvoiceDetailSerializer,
            "pay": billing_serializers.PayInputSerializer,
            "void": billing_serializers.VoidInputSerializer,
        }.get(self.action or "", billing_serializers.InvoiceSerializer)

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in ("pay", "bank_transfer"):
            return [IsSme()]
        if self.action in ("void", "export", "export_xlsx"):
            return [IsChamberAdminOrStaff()]
        return [permissions.IsAuthenticated()]

    def _answer(self, invoice: Invoice) -> Response:
        fresh = selectors.access_invoice(self.request.user, invoice.pk)
        return Response(billing_serializers.InvoiceDetailSerializer(fresh).data)

    @extend_schema(
        request=billing_serializers.PayInputSerializer,
        responses={
            200: billing_serializers.PayOutputSerializer,
            402: OpenApiResponse(description="The card was declined (the attempt is recorded as failed)."),
            409: OpenApiResponse(description="Not open, or the specialist cannot receive payouts yet."),
            503: BILLING_OFF,
        },
    )
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str) -> Response:
        """Start or resume paying: a PaymentIntent (platform fee to the chamber, the rest to the
        specialist) and its client secret for Stripe.js. Repeating the call resumes the same attempt."""
        data = billing_serializers.PayInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        started = payments.pay_invoice(
            invoice=self.get_object(), user=acting_user(request), payment_method=data.validated_data["payment_method"]
        )
        return Response(
            billing_serializers.PayOutputSerializer(
                {
                    "payment": started.payment,
                    "intent_status": started.intent_status,
                    "client_secret": started.client_secret,
                }
            ).data
        )

    @extend_schema(
        request=None,
        responses={
            200: billing_serializers.BankTransferOutputSerializer,
            409: OpenApiResponse(
                description="Not open, the terms name another payment method, or the specialist cannot receive "
                "payouts yet."
            ),
            503: BILLING_OFF,
        },
    )
    @action(detail=True, methods=["post"], url_path="bank-transfer")
    def bank_transfer(self, request: Request, pk: str) -> Response:
        """Pay by bank transfer (Stripe's Japanese bank transfers): the company's own virtual account
        and what is still to transfer. Funds are applied as Stripe reports them (partly or wholly);
        repeating the call answers the same attempt."""
        started = bank_transfers.pay_by_bank_transfer(invoice=self.get_object(), user=acting_user(request))
        return Response(
            billing_serializers.BankTransferOutputSerializer(
                {
                    "payment": started.payment,
                    "account": started.account,
                    "amount_remaining": started.amount_remaining,
                    "reference": started.reference,
                }
            ).data
        )

    @extend_schema(
        request=billing_serializers.VoidInputSerializer, responses=billing_serializers.InvoiceDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: str) -> Response:
        """A chamber admin cancels an open invoice, with the reason."""
        data = billing_serializers.VoidInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = payments.void_invoice(
            invoice=self.get_object(), user=acting_user(request), note=data.validated_data["note"]
        )
        return self._answer(invoice)

    @downloads("text/csv", responses={503: BILLING_OFF})
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponseBase:
        """The chamber's invoices as CSV (UTF-8 with BOM, Japanese headers), streamed."""
        return private_download(
            export.rows(selectors.invoices_for_export(request.user)),
            filename="invoices.csv",
            content_type="text/csv; charset=utf-8",
        )

    @downloads(XLSX, responses={503: BILLING_OFF})
    @action(detail=False, methods=["get"], url_path="export-xlsx")
    def export_xlsx(self, request: Request) -> HttpResponseBase:
        """The same invoices as an Excel workbook: invoice, corporate and registration numbers are
        text cells (never 8.9E+12)."""
        return private_download(
            export.workbook(selectors.invoices_for_export(request.user)),
            filename="invoices.xlsx",
            content_type=XLSX,
        )

    @downloads(
        "text/csv",
        parameters=[billing_serializers.WithholdingQuerySerializer],
        responses={400: OpenApiResponse(ErrorSerializer), 404: OpenApiResponse(ErrorSerializer), 503: BILLING_OFF},
    )
    @action(detail=False, methods=["get"])
    def withholding(self, request: Request) -> HttpResponseBase:
        """A company's income tax withheld (所得税法204条) from the payments it made in a month, to
        remit by the 10th of the next month: for its members, its chamber's admins and staff."""
        query = billing_serializers.WithholdingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = datetime.date.fromisoformat(f"{query.validated_data['month']}-01")
        company = query.validated_data["company"]
        return private_download(
            export.withholding_rows(selectors.withholding_payments(request.user, company, month), month=month),
            filename=f"withholding-{month:%Y-%m}.csv",
            content_type="text/csv; charset=utf-8",
        )

    @downloads("application/pdf", responses={503: BILLING_OFF})
    def invoice_pdf(self, request: Request, pk: str) -> HttpResponseBase:
        """The invoice (請求書) as a PDF in Japanese. Routed in api/urls.py as `invoice.pdf`."""
        from billing import documents  # reportlab loads on the first PDF only

        invoice = self.get_object()
        return private_download(
            documents.render_invoice(invoice), filename=f"invoice-{invoice.number}.pdf", content_type="application/pdf"
        )


class PaymentViewSet(mixins.RetrieveModelMixin, BillingViewSet):
    """A payment attempt, its refunds, and its receipt; chamber admins refund."""

    def get_queryset(self) -> Any:
        return selectors.payments_visible_to(self.request.user)

    def get_object(self) -> Payment:
        return selectors.access_payment(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self) -> Any:
        if self.action == "refund":
            return billing_serializers.RefundInputSerializer
        return billing_serializers.PaymentDetailSerializer

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action == "refund":
            return [IsChamberAdminOrStaff()]
        return [permissions.IsAuthenticated()]

    @extend_schema(
        request=billing_serializers.RefundInputSerializer,
        responses={
            202: billing_serializers.RefundSerializer,
            409: OpenApiResponse(description="Nothing to refund."),
            503: BILLING_OFF,
        },
    )
    @action(detail=True, methods=["post"])
    def refund(self, request: Request, pk: str) -> Response:
        """Refund part or all of what is left (never more than was captured); the platform fee
        and the specialist's transfer are reversed in proportion. Sent to Stripe right after."""
        data = billing_serializers.RefundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund = refunds.request_refund(
            payment=self.get_object(),
            user=acting_user(request),
            amount_jpy=data.validated_data.get("amount_jpy"),
            reason=data.validated_data["reason"],
        )
        return Response(billing_serializers.RefundSerializer(refund).data, status=status.HTTP_202_ACCEPTED)

    @downloads("application/pdf", responses={409: OpenApiResponse(), 503: BILLING_OFF})
    def receipt_pdf(self, request: Request, pk: str) -> HttpResponseBase:
        """The receipt (領収書) of a captured payment. Routed in api/urls.py as `receipt.pdf`."""
        from billing import documents  # reportlab loads on the first PDF only

        payment = self.get_object()
        payments.ensure_captured(payment)
        return private_download(
            documents.render_receipt(payment), filename=f"receipt-{payment.pk}.pdf", content_type="application/pdf"
        )


class TimeEntryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[TimeEntry]
):
    """Hours on hourly engagements: the specialist logs them, the SME confirms or disputes them,
    confirmed hours are invoiced monthly. Work records: they do not need Stripe."""

    lookup_value_regex = UUID_PATTERN
    filterset_fields = ["engagement", "status"]

    def get_queryset(self) -> Any:
        return selectors.time_entries_visible_to(self.request.user)

    def get_object(self) -> TimeEntry:
        return selectors.access_time_entry(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self) -> Any:
        if self.action == "confirm":
            return DecisionSerializer
        if self.action == "dispute":
            return ReasonSerializer
        if self.action == "retrieve":
            return billing_serializers.TimeEntryDetailSerializer
        return billing_serializers.TimeEntrySerializer

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action == "create":
            return [IsSpecialist()]
        if self.action in ("confirm", "dispute"):
            return [IsSme()]
        return [permissions.IsAuthenticated()]

    def _answer(self, entry: TimeEntry, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.access_time_entry(self.request.user, entry.pk)
        return Response(billing_serializers.TimeEntryDetailSerializer(fresh).data, status=code)

    @extend_schema(responses={201: billing_serializers.TimeEntryDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = billing_serializers.TimeEntrySerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        entry = hours.log_hours(user=acting_user(request), **data.validated_data)
        return self._answer(entry, status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=billing_serializers.TimeEntryDetailSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = hours.confirm_hours(
            entry=self.get_object(), user=acting_user(request), note=data.validated_data["note"]
        )
        return self._answer(entry)

    @extend_schema(request=ReasonSerializer, responses=billing_serializers.TimeEntryDetailSerializer)
    @action(detail=True, methods=["post"])
    def dispute(self, request: Request, pk: str) -> Response:
        """Not recognised: the specialist is told why (a note is required)."""
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = hours.dispute_hours(
            entry=self.get_object(), user=acting_user(request), note=data.validated_data["note"]
        )
        return self._answer(entry)


class FeeStatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BillingViewSet):
    """The chamber's monthly fee invoice and payout statement (支払通知書) to each specialist it paid:
    the specialist reads their own, the chamber's admins theirs."""

    serializer_class = billing_serializers.FeeStatementSerializer
    filterset_fields = ["specialist", "month"]

    def get_queryset(self) -> Any:
        return selectors.fee_statements_visible_to(self.request.user)

    def get_object(self) -> FeeStatement:
        return selectors.access_fee_statement(self.request.user, self.kwargs["pk"])

    @downloads("application/pdf", responses={503: BILLING_OFF})
    def fee_invoice_pdf(self, request: Request, pk: str) -> HttpResponseBase:
        """The chamber's invoice for its fees of the month. Routed in api/urls.py as `fee-invoice.pdf`."""
        from billing import documents  # reportlab loads on the first PDF only

        statement = self.get_object()
        return private_download(
            documents.render_fee_invoice(statement),
            filename=f"fee-invoice-{statement.number}.pdf",
            content_type="application/pdf",
        )

    @downloads("application/pdf", responses={503: BILLING_OFF})
    def payout_statement_pdf(self, request: Request, pk: str) -> HttpResponseBase:
        """The payout statement (支払通知書). Routed in api/urls.py as `payout-statement.pdf`."""
        from billing import documents  # reportlab loads on the first PDF only

        statement = self.get_object()
        return private_download(
            documents.render_payout_statement(statement),
            filename=f"payout-statement-{statement.number}.pdf",
            content_type="application/pdf",
        )
