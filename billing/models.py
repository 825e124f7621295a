"""Billing: events received from Stripe (each once), specialists' connected accounts, logged
hours, invoices (our own rows), payments and refunds. Money is integer yen throughout."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Chamber, Company
from billing.tax import Rounding
from marketplace.outbox import OutboxRow
from matching.models import Engagement
from talent.models import Specialist


class StripeEvent(OutboxRow):
    """A webhook event, stored by its unique id in the request that delivered it.

    Processing is tracked by timestamps (like the notification outbox): waiting while
    `processed_at` is empty; a sweeper re-sends what waited too long (the broker was down),
    so an event stored once is handled even if its first enqueue was lost.
    """

    id = models.BigAutoField(primary_key=True)
    event_id = models.CharField(_("Stripe event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    created = models.DateTimeField(_("created at Stripe"))
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(_("result"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["received_at"], condition=Q(processed_at__isnull=True), name="stripe_event_waiting_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class ConnectedAccount(models.Model):
    """A specialist's Stripe Connect account; payouts go there once Stripe enables them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    specialist = models.OneToOneField(Specialist, on_delete=models.PROTECT, related_name="connected_account")
    account_id = models.CharField(_("Stripe account id"), max_length=255, unique=True)
    charges_enabled = models.BooleanField(_("charges enabled"), default=False)
    payouts_enabled = models.BooleanField(_("payouts enabled"), default=False)
    details_submitted = models.BooleanField(_("details submitted"), default=False)
    # The Stripe time of the newest account.updated applied: older ones arriving late are ignored.
    state_as_of = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("connected account")
        verbose_name_plural = _("connected accounts")

    def __str__(self) -> str:
        return self.account_id


class TimeEntry(models.Model):
    """Hours a specialist worked on an hourly engagement; the SME confirms them before they are invoiced."""

    class Status(models.TextChoices):
        LOGGED = "logged", _("Logged")
        CONFIRMED = "confirmed", _("Confirmed")
        DISPUTED = "disputed", _("Disputed")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {Status.LOGGED: {Status.CONFIRMED, Status.DISPUTED}}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="time_entries")
    work_date = models.DateField(_("work date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    description = models.CharField(_("what was done"), max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LOGGED)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey("Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="time_entries")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["work_date", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="time_entry_hours_0_to_24"),
            # Only confirmed hours are ever invoiced.
            models.CheckConstraint(
                condition=Q(invoice__isnull=True) | Q(status="confirmed"), name="time_entry_invoiced_if_confirmed"
            ),
        ]
        indexes = [
            models.Index(
                fields=["engagement", "work_date"],
                condition=Q(status="confirmed", invoice__isnull=True),
                name="time_entry_uninvoiced_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_date} {self.hours} h"


class Invoice(models.Model):
    """What an SME owes for one period of an engagement: our own row, paid through Stripe.

    Retainers are invoiced per calendar month (or per monthly period from the start, where the
    terms say so), in arrears; hourly work per calendar month from confirmed hours; fixed-fee
    work once on completion. Hires are never invoiced (no placement fee). The platform fee is
    the chamber's rate at issue, tax included; the rest goes to the specialist.

    Tax (ADR 0011): `amount_jpy` is what is charged, tax included; `taxable_jpy` + `tax_jpy`
    split it at `tax_rate_bps`, rounded once per invoice. A registered specialist's invoice
    carries their number (`issuer_registration_number`) and is a qualified invoice; blank, it
    is a plain invoice. With withholding the SME pays `amount_jpy - withholding_jpy` and
    remits the rest to the tax office. `legal_due_on` is the Freelance Act's date from the
    terms; `due_on` is never before the issue (a late issue is `issued_late`, flagged to the
    chamber, never born overdue).
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("invoice status", "Open")
        PAID = "paid", pgettext_lazy("invoice status", "Paid")
        VOID = "void", pgettext_lazy("invoice status", "Void")

    class Kind(models.TextChoices):
        RETAINER = "retainer", _("Monthly retainer")
        HOURS = "hours", _("Hours worked")
        FIXED = "fixed", _("Fixed fee")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {Status.OPEN: {Status.PAID, Status.VOID}}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("invoice number"), max_length=20, unique=True)
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    amount_jpy = models.PositiveIntegerField(_("amount (JPY, tax included)"))
    fee_bps = models.PositiveSmallIntegerField(_("platform fee rate (basis points)"))
    platform_fee_jpy = models.PositiveIntegerField(_("platform fee (JPY)"))
    specialist_share_jpy = models.PositiveIntegerField(_("specialist's share (JPY)"))
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    legal_due_on = models.DateField(_("due under the terms"))
    issued_late = models.BooleanField(_("issued after its due date under the terms"), default=False)
    tax_treatment = models.CharField(
        _("consumption tax"), max_length=10, choices=Engagement.TaxTreatment.choices, default="inclusive"
    )
    tax_rate_bps = models.PositiveSmallIntegerField(_("consumption tax rate (basis points)"))
    tax_rounding = models.CharField(
        _("tax rounding"), max_length=8, choices=[(r.value, r.value) for r in Rounding], default=Rounding.DOWN
    )
    taxable_jpy = models.PositiveIntegerField(_("amount before tax (JPY)"))
    tax_jpy = models.PositiveIntegerField(_("consumption tax (JPY)"))
    issuer_registration_number = models.CharField(
        _("issuer's registration number"), max_length=14, blank=True, default=""
    )
    withholding_jpy = models.PositiveIntegerField(_("income tax withheld (JPY)"), default=0)
    payment_method = models.CharField(
        _("payment method"), max_length=15, choices=Engagement.PaymentMethod.choices, blank=True, default=""
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-number"]
        constraints = [
            # Issued exactly once per engagement and period, however often the task runs.
            models.UniqueConstraint(fields=["engagement", "period_start"], name="one_invoice_per_period"),
            models.CheckConstraint(
                condition=Q(platform_fee_jpy__lte=F("amount_jpy"))
                & Q(specialist_share_jpy=F("amount_jpy") - F("platform_fee_jpy")),
                name="invoice_fee_plus_share_is_amount",
            ),
            models.CheckConstraint(condition=Q(amount_jpy__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="invoice_period_ordered"),
            models.CheckConstraint(
                condition=Q(taxable_jpy=F("amount_jpy") - F("tax_jpy")), name="invoice_taxable_plus_tax_is_amount"
            ),
            models.CheckConstraint(
                condition=Q(withholding_jpy__lte=F("specialist_share_jpy")), name="invoice_withholding_within_share"
            ),
            # Never born overdue: a late issue keeps the legal date in legal_due_on.
            models.CheckConstraint(condition=Q(due_on__gte=F("issued_on")), name="invoice_due_not_before_issue"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="invoice_status_due_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()

    @property
    def is_qualified(self) -> bool:
        """A qualified invoice (適格請求書): issued by a registered specialist."""
        return bool(self.issuer_registration_number)

    @property
    def amount_due_jpy(self) -> int:
        """What the SME pays: the amount, less the income tax it withholds and remits itself."""
        return self.amount_jpy - self.withholding_jpy

    @property
    def payout_jpy(self) -> int:
        """What reaches the specialist: their share, less the income tax withheld."""
        return self.specialist_share_jpy - self.withholding_jpy


class InvoiceLine(models.Model):
    id = models.BigAutoField(primary_key=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=10, choices=Invoice.Kind.choices)
    description = models.CharField(_("description"), max_length=500, blank=True, default="")
    service_from = models.DateField(_("service from"))
    service_to = models.DateField(_("service to"))
    quantity = models.DecimalField(_("quantity"), max_digits=7, decimal_places=2)
    unit_price_jpy = models.PositiveIntegerField(_("unit price (JPY)"))
    amount_jpy = models.PositiveIntegerField(_("amount (JPY)"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "service_from", "id"]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount_jpy}"


class InvoiceSequence(models.Model):
    """The last number used in a month: invoices read 202611-00001, 202611-00002, ...; the
    chamber's fee statements F202611-00001 (their own series, key "F202611")."""

    month = models.CharField(primary_key=True, max_length=8)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.month}: {self.last}"


class Payment(models.Model):
    """One attempt to pay an invoice: a PaymentIntent whose application fee is the platform's
    and whose rest is transferred to the specialist's connected account (a destination charge).

    States move only forward (webhooks arrive more than once and in any order): a failed
    attempt may still succeed at Stripe; refunds follow success. The refund totals are the
    sums of the payment's succeeded refunds, kept here for reading.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Canceled")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")

    # The terms' set of methods (one enum for terms, invoices and payments).
    Method = Engagement.PaymentMethod

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PENDING: {Status.SUCCEEDED, Status.FAILED, Status.CANCELED},
        # A failed attempt may still be paid at Stripe (the browser retries with its client
        # secret) until it is canceled, which a new attempt does first.
        Status.FAILED: {Status.SUCCEEDED, Status.CANCELED},
        Status.SUCCEEDED: {Status.PARTIALLY_REFUNDED, Status.REFUNDED},
        Status.PARTIALLY_REFUNDED: {Status.REFUNDED},
    }
    # Money was captured: these can be refunded (what remains of them).
    CAPTURED = ("succeeded", "partially_refunded", "refunded")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount_jpy = models.PositiveIntegerField(_("amount (JPY)"))
    application_fee_jpy = models.PositiveIntegerField(_("platform fee (JPY)"))
    specialist_share_jpy = models.PositiveIntegerField(_("specialist's share (JPY)"))
    destination_account = models.CharField(_("specialist's Stripe account"), max_length=255)
    method = models.CharField(
        _("payment method"), max_length=15, choices=Engagement.PaymentMethod.choices, default="card"
    )
    # A bank transfer may arrive in parts: what Stripe applied to the PaymentIntent so far.
    funded_jpy = models.PositiveIntegerField(_("received by bank transfer (JPY)"), default=0)
    # The chamber's monthly fee statement that covers this payment (set when it is issued).
    fee_statement = models.ForeignKey(
        "FeeStatement", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    payment_intent_id = models.CharField(_("PaymentIntent"), max_length=255, null=True, blank=True, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    failure_message = models.CharField(_("why it failed"), max_length=500, blank=True, default="")
    refunded_jpy = models.PositiveIntegerField(_("refunded (JPY)"), default=0)
    fee_refunded_jpy = models.PositiveIntegerField(_("platform fee refunded (JPY)"), default=0)
    transfer_reversed_jpy = models.PositiveIntegerField(_("transfer reversed (JPY)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "id"]
        constraints = [
            # One attempt in flight per invoice: a double click reuses it.
            models.UniqueConstraint(fields=["invoice"], condition=Q(status="pending"), name="one_pending_payment"),
            models.CheckConstraint(condition=Q(funded_jpy__lte=F("amount_jpy")), name="payment_funded_within_amount"),
            models.CheckConstraint(
                condition=Q(application_fee_jpy__lte=F("amount_jpy"))
                & Q(specialist_share_jpy=F("amount_jpy") - F("application_fee_jpy")),
                name="payment_fee_plus_share_is_amount",
            ),
            models.CheckConstraint(
                condition=Q(refunded_jpy__lte=F("amount_jpy"))
                & Q(fee_refunded_jpy__lte=F("application_fee_jpy"))
                & Q(transfer_reversed_jpy__lte=F("specialist_share_jpy"))
                & Q(refunded_jpy=F("fee_refunded_jpy") + F("transfer_reversed_jpy")),
                name="payment_refunds_within_captured",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount_jpy} ({self.status})"

    @property
    def refundable_jpy(self) -> int:
        return self.amount_jpy - self.refunded_jpy if self.status in self.CAPTURED else 0


class Refund(OutboxRow):
    """Money returned to the SME, with the platform fee and the specialist's transfer reversed in
    proportion. Requested by a chamber admin (or found at Stripe); sent to Stripe by a task on
    commit through the outbox, so a lost message is swept and sent again with the same key."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {Status.PENDING: {Status.SUCCEEDED, Status.FAILED}}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_jpy = models.PositiveIntegerField(_("amount (JPY)"))
    fee_refunded_jpy = models.PositiveIntegerField(_("platform fee refunded (JPY)"), default=0)
    transfer_reversed_jpy = models.PositiveIntegerField(_("transfer reversed (JPY)"), default=0)
    reason = models.TextField(_("reason"), max_length=2000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    stripe_refund_id = models.CharField(_("Stripe refund"), max_length=255, null=True, blank=True, unique=True)
    failure_message = models.CharField(_("why it failed"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # The outbox: sent to Stripe once; `sent_at` once Stripe answered.
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_jpy__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "failed"])
                | Q(amount_jpy=F("fee_refunded_jpy") + F("transfer_reversed_jpy")),
                name="refund_parts_add_up",
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="refund_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id}: -{self.amount_jpy}"


class BankTransferAccount(models.Model):
    """An SME's Stripe customer and the virtual bank account (振込先) Stripe gave it for Japanese
    bank transfers (customer_balance / jp_bank_transfer): the same account for every invoice of
    the company; transfers to it are matched to the open PaymentIntent by Stripe."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.OneToOneField(Company, on_delete=models.PROTECT, related_name="bank_transfer_account")
    customer_id = models.CharField(_("Stripe customer"), max_length=255, unique=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True, default="")
    bank_code = models.CharField(_("bank code"), max_length=4, blank=True, default="")
    branch_name = models.CharField(_("branch"), max_length=100, blank=True, default="")
    branch_code = models.CharField(_("branch code"), max_length=3, blank=True, default="")
    account_type = models.CharField(_("account type"), max_length=20, blank=True, default="")
    account_number = models.CharField(_("account number"), max_length=20, blank=True, default="")
    account_holder_name = models.CharField(_("account holder"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bank transfer account")
        verbose_name_plural = _("bank transfer accounts")

    def __str__(self) -> str:
        return f"{self.bank_name} {self.branch_name} {self.account_number}"

    @property
    def has_account(self) -> bool:
        return bool(self.account_number)


class CashBalanceEntry(models.Model):
    """A movement of an SME's cash balance at Stripe (a transfer received, an amount applied to a
    PaymentIntent, ...), stored once by Stripe's id: what a chamber needs to follow an over- or
    under-payment. Funds Stripe could not apply stay in the balance and are flagged."""

    id = models.BigAutoField(primary_key=True)
    transaction_id = models.CharField(_("Stripe transaction"), max_length=255, unique=True)
    customer_id = models.CharField(_("Stripe customer"), max_length=255)
    kind = models.CharField(_("type"), max_length=40)
    net_amount_jpy = models.IntegerField(_("net amount (JPY)"))
    payment_intent_id = models.CharField(_("PaymentIntent"), max_length=255, blank=True, default="")
    created = models.DateTimeField(_("created at Stripe"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cash balance entry")
        verbose_name_plural = _("cash balance entries")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.net_amount_jpy}"


class FeeStatement(models.Model):
    """The chamber's month for one specialist: a qualified invoice for the platform fees it charged
    them (tax included, rounded once) and the payout statement (支払通知書) of the payments that
    month: gross = fee + withholding + net, to the yen (ADR 0011)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("number"), max_length=20, unique=True)
    chamber = models.ForeignKey(Chamber, on_delete=models.PROTECT, related_name="fee_statements")
    specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, related_name="fee_statements")
    month = models.DateField(_("month"), help_text=_("The first day of the month covered."))
    issued_on = models.DateField(_("issued on"))
    issuer_registration_number = models.CharField(
        _("chamber's registration number"), max_length=14, blank=True, default=""
    )
    tax_rate_bps = models.PositiveSmallIntegerField(_("consumption tax rate (basis points)"))
    tax_rounding = models.CharField(
        _("tax rounding"), max_length=8, choices=[(r.value, r.value) for r in Rounding], default=Rounding.DOWN
    )
    gross_jpy = models.PositiveIntegerField(_("invoiced to the SMEs (JPY)"))
    fee_jpy = models.PositiveIntegerField(_("platform fees, tax included (JPY)"))
    fee_tax_jpy = models.PositiveIntegerField(_("consumption tax on the fees (JPY)"))
    withholding_jpy = models.PositiveIntegerField(_("income tax withheld by the SMEs (JPY)"))
    net_jpy = models.PositiveIntegerField(_("paid out (JPY)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fee statement")
        verbose_name_plural = _("fee statements")
        ordering = ["-month", "number"]
        constraints = [
            models.UniqueConstraint(fields=["chamber", "specialist", "month"], name="one_fee_statement_per_month"),
            models.CheckConstraint(
                condition=Q(gross_jpy=F("fee_jpy") + F("withholding_jpy") + F("net_jpy")),
                name="fee_statement_adds_up",
            ),
            models.CheckConstraint(condition=Q(fee_tax_jpy__lte=F("fee_jpy")), name="fee_statement_tax_within_fee"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def fee_before_tax_jpy(self) -> int:
        return self.fee_jpy - self.fee_tax_jpy

    @property
    def is_qualified(self) -> bool:
        return bool(self.issuer_registration_number)
