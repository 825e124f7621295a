from decimal import Decimal
from typing import Any

from rest_framework import serializers

from api.fields import VisiblePrimaryKeyRelatedField
from api.history import WithHistory
from billing.models import BankTransferAccount, FeeStatement, Invoice, InvoiceLine, Payment, Refund, TimeEntry
from matching.selectors import engagements_visible_to


class InvoiceLineSerializer(serializers.ModelSerializer[InvoiceLine]):
    quantity = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True)

    class Meta:
        model = InvoiceLine
        fields = ["kind", "description", "service_from", "service_to", "quantity", "unit_price_jpy", "amount_jpy"]
        read_only_fields = fields


class RefundSerializer(serializers.ModelSerializer[Refund]):
    class Meta:
        model = Refund
        fields = [
            "id",
            "payment",
            "amount_jpy",
            "fee_refunded_jpy",
            "transfer_reversed_jpy",
            "reason",
            "status",
            "failure_message",
            "created_at",
        ]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer[Payment]):
    refunds = RefundSerializer(many=True, read_only=True)
    refundable_jpy = serializers.IntegerField(read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "invoice",
            "amount_jpy",
            "application_fee_jpy",
            "specialist_share_jpy",
            "method",
            "funded_jpy",
            "status",
            "failure_message",
            "refunded_jpy",
            "fee_refunded_jpy",
            "transfer_reversed_jpy",
            "refundable_jpy",
            "created_at",
            "succeeded_at",
            "refunds",
        ]
        read_only_fields = fields


class PaymentDetailSerializer(WithHistory, PaymentSerializer):
    class Meta(PaymentSerializer.Meta):
        fields = [*PaymentSerializer.Meta.fields, "history"]
        read_only_fields = fields


class InvoiceSerializer(serializers.ModelSerializer[Invoice]):
    company = serializers.UUIDField(source="engagement.company_id", read_only=True)
    specialist = serializers.UUIDField(source="engagement.specialist_id", read_only=True)
    specialist_name = serializers.CharField(source="engagement.specialist.display_name", read_only=True)
    title = serializers.CharField(source="engagement.request.title", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    is_qualified = serializers.BooleanField(
        read_only=True, help_text="A qualified invoice (適格請求書): the specialist is a registered issuer."
    )
    amount_due_jpy = serializers.IntegerField(
        read_only=True, help_text="What the SME pays: amount_jpy less the income tax it withholds."
    )

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "engagement",
            "company",
            "specialist",
            "specialist_name",
            "title",
            "kind",
            "period_start",
            "period_end",
            "amount_jpy",
            "fee_bps",
            "platform_fee_jpy",
            "specialist_share_jpy",
            "tax_treatment",
            "tax_rate_bps",
            "taxable_jpy",
            "tax_jpy",
            "is_qualified",
            "issuer_registration_number",
            "withholding_jpy",
            "amount_due_jpy",
            "payment_method",
            "issued_on",
            "due_on",
            "legal_due_on",
            "issued_late",
            "status",
            "is_overdue",
            "paid_at",
        ]
        read_only_fields = fields


class InvoiceDetailSerializer(WithHistory, InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "lines", "payments", "history"]
        read_only_fields = fields


class PayInputSerializer(serializers.Serializer[Any]):
    payment_method = serializers.RegexField(
        r"^[A-Za-z0-9_]{3,255}$",
        required=False,
        allow_blank=True,
        default="",
        help_text="A PaymentMethod id from Stripe.js (confirmed here); omit to confirm in the browser.",
    )


class PayOutputSerializer(serializers.Serializer[Any]):
    payment = PaymentSerializer()
    intent_status = serializers.CharField(help_text="Stripe's PaymentIntent status (requires_action: 3-D Secure).")
    client_secret = serializers.CharField(help_text="For Stripe.js in the payer's browser only.")


class RefundInputSerializer(serializers.Serializer[Any]):
    amount_jpy = serializers.IntegerField(
        min_value=1, max_value=2_000_000_000, required=False, help_text="Whole yen; omit for all that is left."
    )
    reason = serializers.CharField(max_length=2000)


class VoidInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000)


class TimeEntrySerializer(serializers.ModelSerializer[TimeEntry]):
    engagement = VisiblePrimaryKeyRelatedField(selector=engagements_visible_to)
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=Decimal("0.25"), max_value=Decimal(24), coerce_to_string=False
    )
    description = serializers.CharField(max_length=500)

    class Meta:
        model = TimeEntry
        fields = ["id", "engagement", "work_date", "hours", "description", "status", "invoice", "created_at"]
        read_only_fields = ["id", "status", "invoice", "created_at"]


class TimeEntryDetailSerializer(WithHistory, TimeEntrySerializer):
    class Meta(TimeEntrySerializer.Meta):
        fields = [*TimeEntrySerializer.Meta.fields, "history"]
        read_only_fields = [*TimeEntrySerializer.Meta.read_only_fields, "history"]


class BankTransferAccountSerializer(serializers.ModelSerializer[BankTransferAccount]):
    class Meta:
        model = BankTransferAccount
        fields = [
            "bank_name",
            "bank_code",
            "branch_name",
            "branch_code",
            "account_type",
            "account_number",
            "account_holder_name",
        ]
        read_only_fields = fields


class BankTransferOutputSerializer(serializers.Serializer[Any]):
    payment = PaymentSerializer()
    account = BankTransferAccountSerializer(help_text="The SME's own virtual account at Stripe (振込先).")
    amount_remaining = serializers.IntegerField(help_text="Yen still to transfer.")
    reference = serializers.CharField(help_text="Quote it with the transfer: Stripe matches by it first.")


class FeeStatementSerializer(serializers.ModelSerializer[FeeStatement]):
    specialist_name = serializers.CharField(source="specialist.display_name", read_only=True)
    fee_before_tax_jpy = serializers.IntegerField(read_only=True)
    is_qualified = serializers.BooleanField(read_only=True)

    class Meta:
        model = FeeStatement
        fields = [
            "id",
            "number",
            "chamber",
            "specialist",
            "specialist_name",
            "month",
            "issued_on",
            "is_qualified",
            "issuer_registration_number",
            "tax_rate_bps",
            "gross_jpy",
            "fee_jpy",
            "fee_before_tax_jpy",
            "fee_tax_jpy",
            "withholding_jpy",
            "net_jpy",
        ]
        read_only_fields = fields


class WithholdingQuerySerializer(serializers.Serializer[Any]):
    company = serializers.UUIDField()
    # Years 1900-2099: a year 0000 passed a plain \d{4} and broke the date (found by the schema fuzz).
    month = serializers.RegexField(
        r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", help_text="YYYY-MM: the month the payments were made."
    )
