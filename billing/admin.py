from django.contrib import admin

from billing.models import ConnectedAccount, Invoice, InvoiceLine, Payment, Refund, StripeEvent, TimeEntry
from billing.services import payments
from marketplace.admin_actions import service_action


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin[StripeEvent]):
    list_display = ["event_id", "type", "created", "received_at", "processed_at", "result", "attempts"]
    list_filter = ["type"]
    search_fields = ["event_id"]
    readonly_fields = [f.name for f in StripeEvent._meta.get_fields() if f.concrete]


@admin.register(ConnectedAccount)
class ConnectedAccountAdmin(admin.ModelAdmin[ConnectedAccount]):
    list_display = ["specialist", "account_id", "charges_enabled", "payouts_enabled", "state_as_of"]
    raw_id_fields = ["specialist"]
    readonly_fields = ["charges_enabled", "payouts_enabled", "details_submitted", "state_as_of"]


class InvoiceLineInline(admin.TabularInline[InvoiceLine, Invoice]):
    model = InvoiceLine
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in InvoiceLine._meta.get_fields() if f.concrete]


class PaymentInline(admin.TabularInline[Payment, Invoice]):
    model = Payment
    extra = 0
    can_delete = False
    fields = ["status", "amount_jpy", "application_fee_jpy", "refunded_jpy", "payment_intent_id", "created_at"]
    readonly_fields = ["status", "amount_jpy", "application_fee_jpy", "refunded_jpy", "payment_intent_id", "created_at"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin[Invoice]):
    """Money is issued by the invoicing task and moved by Stripe: nothing here is edited by hand."""

    list_display = ["number", "engagement", "kind", "amount_jpy", "issued_on", "due_on", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["number"]
    list_select_related = ["engagement"]
    readonly_fields = [f.name for f in Invoice._meta.get_fields() if f.concrete]
    inlines = [InvoiceLineInline, PaymentInline]
    actions = [
        service_action(
            lambda invoice, user: payments.void_invoice(invoice=invoice, user=user, note="Voided in Django admin."),
            description="Void (open invoices)",
        ),
    ]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin[Payment]):
    list_display = ["invoice", "amount_jpy", "status", "refunded_jpy", "payment_intent_id", "created_at"]
    list_filter = ["status"]
    search_fields = ["payment_intent_id"]
    readonly_fields = [f.name for f in Payment._meta.get_fields() if f.concrete]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin[Refund]):
    list_display = ["payment", "amount_jpy", "status", "stripe_refund_id", "created_at", "sent_at", "attempts"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Refund._meta.get_fields() if f.concrete]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin[TimeEntry]):
    list_display = ["engagement", "work_date", "hours", "status", "invoice"]
    list_filter = ["status"]
    raw_id_fields = ["engagement", "logged_by", "invoice"]
    readonly_fields = ["status", "invoice"]
