"""Qualified and plain invoices, withholding, late issues, bank transfers and the chamber's fee
statements (ADR 0011).

Existing invoices were stated tax included at 10 %: their tax is split out once (rounded down,
the default), their legal due date is the one they carry, and one born overdue (issued after
that date) gets the issue day as its due date and is marked late."""

import django.db.models.deletion
import uuid
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

ROUNDING = [("down", "down"), ("half_up", "half_up"), ("up", "up")]


def backfill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Invoice = apps.get_model("billing", "Invoice")
    for invoice in Invoice.objects.select_related("engagement").iterator():
        invoice.tax_jpy = invoice.amount_jpy * 1000 // 11000
        invoice.taxable_jpy = invoice.amount_jpy - invoice.tax_jpy
        invoice.legal_due_on = invoice.due_on
        invoice.issued_late = invoice.issued_on > invoice.due_on
        invoice.due_on = max(invoice.due_on, invoice.issued_on)
        invoice.payment_method = invoice.engagement.payment_method
        invoice.save(
            update_fields=["tax_jpy", "taxable_jpy", "legal_due_on", "issued_late", "due_on", "payment_method"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_chamber_invoice_registration_number"),
        ("billing", "0002_hours_invoices_payments_refunds"),
        ("matching", "0006_engagement_closing_tax_withholding"),
        ("talent", "0005_specialist_invoice_issuer"),
    ]

    operations = [
        migrations.AlterField(
            model_name="invoicesequence",
            name="month",
            field=models.CharField(max_length=8, primary_key=True, serialize=False),
        ),
        migrations.AddField(
            model_name="invoice",
            name="issued_late",
            field=models.BooleanField(default=False, verbose_name="issued after its due date under the terms"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="issuer_registration_number",
            field=models.CharField(blank=True, default="", max_length=14, verbose_name="issuer's registration number"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="legal_due_on",
            field=models.DateField(null=True, verbose_name="due under the terms"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="payment_method",
            field=models.CharField(
                blank=True,
                choices=[("bank_transfer", "Bank transfer"), ("card", "Card")],
                default="",
                max_length=15,
                verbose_name="payment method",
            ),
        ),
        migrations.AddField(
            model_name="invoice",
            name="tax_jpy",
            field=models.PositiveIntegerField(default=0, verbose_name="consumption tax (JPY)"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="tax_rate_bps",
            field=models.PositiveSmallIntegerField(default=1000, verbose_name="consumption tax rate (basis points)"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="tax_rounding",
            field=models.CharField(choices=ROUNDING, default="down", max_length=8, verbose_name="tax rounding"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="tax_treatment",
            field=models.CharField(
                choices=[("inclusive", "Consumption tax included"), ("exclusive", "Consumption tax added")],
                default="inclusive",
                max_length=10,
                verbose_name="consumption tax",
            ),
        ),
        migrations.AddField(
            model_name="invoice",
            name="taxable_jpy",
            field=models.PositiveIntegerField(default=0, verbose_name="amount before tax (JPY)"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="withholding_jpy",
            field=models.PositiveIntegerField(default=0, verbose_name="income tax withheld (JPY)"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invoice",
            name="legal_due_on",
            field=models.DateField(verbose_name="due under the terms"),
        ),
        migrations.AlterField(
            model_name="invoice",
            name="tax_jpy",
            field=models.PositiveIntegerField(verbose_name="consumption tax (JPY)"),
        ),
        migrations.AlterField(
            model_name="invoice",
            name="tax_rate_bps",
            field=models.PositiveSmallIntegerField(verbose_name="consumption tax rate (basis points)"),
        ),
        migrations.AlterField(
            model_name="invoice",
            name="taxable_jpy",
            field=models.PositiveIntegerField(verbose_name="amount before tax (JPY)"),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(("taxable_jpy", models.F("amount_jpy") - models.F("tax_jpy"))),
                name="invoice_taxable_plus_tax_is_amount",
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(("withholding_jpy__lte", models.F("specialist_share_jpy"))),
                name="invoice_withholding_within_share",
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(("due_on__gte", models.F("issued_on"))), name="invoice_due_not_before_issue"
            ),
        ),
        migrations.CreateModel(
            name="BankTransferAccount",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("customer_id", models.CharField(max_length=255, unique=True, verbose_name="Stripe customer")),
                ("bank_name", models.CharField(blank=True, default="", max_length=100, verbose_name="bank")),
                ("bank_code", models.CharField(blank=True, default="", max_length=4, verbose_name="bank code")),
                ("branch_name", models.CharField(blank=True, default="", max_length=100, verbose_name="branch")),
                ("branch_code", models.CharField(blank=True, default="", max_length=3, verbose_name="branch code")),
                ("account_type", models.CharField(blank=True, default="", max_length=20, verbose_name="account type")),
                (
                    "account_number",
                    models.CharField(blank=True, default="", max_length=20, verbose_name="account number"),
                ),
                (
                    "account_holder_name",
                    models.CharField(blank=True, default="", max_length=200, verbose_name="account holder"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "company",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bank_transfer_account",
                        to="accounts.company",
                    ),
                ),
            ],
            options={"verbose_name": "bank transfer account", "verbose_name_plural": "bank transfer accounts"},
        ),
        migrations.CreateModel(
            name="CashBalanceEntry",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("transaction_id", models.CharField(max_length=255, unique=True, verbose_name="Stripe transaction")),
                ("customer_id", models.CharField(max_length=255, verbose_name="Stripe customer")),
                ("kind", models.CharField(max_length=40, verbose_name="type")),
                ("net_amount_jpy", models.IntegerField(verbose_name="net amount (JPY)")),
                (
                    "payment_intent_id",
                    models.CharField(blank=True, default="", max_length=255, verbose_name="PaymentIntent"),
                ),
                ("created", models.DateTimeField(verbose_name="created at Stripe")),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "cash balance entry",
                "verbose_name_plural": "cash balance entries",
                "ordering": ["created", "id"],
            },
        ),
        migrations.CreateModel(
            name="FeeStatement",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("number", models.CharField(max_length=20, unique=True, verbose_name="number")),
                ("month", models.DateField(help_text="The first day of the month covered.", verbose_name="month")),
                ("issued_on", models.DateField(verbose_name="issued on")),
                (
                    "issuer_registration_number",
                    models.CharField(
                        blank=True, default="", max_length=14, verbose_name="chamber's registration number"
                    ),
                ),
                (
                    "tax_rate_bps",
                    models.PositiveSmallIntegerField(verbose_name="consumption tax rate (basis points)"),
                ),
                (
                    "tax_rounding",
                    models.CharField(choices=ROUNDING, default="down", max_length=8, verbose_name="tax rounding"),
                ),
                ("gross_jpy", models.PositiveIntegerField(verbose_name="invoiced to the SMEs (JPY)")),
                ("fee_jpy", models.PositiveIntegerField(verbose_name="platform fees, tax included (JPY)")),
                ("fee_tax_jpy", models.PositiveIntegerField(verbose_name="consumption tax on the fees (JPY)")),
                ("withholding_jpy", models.PositiveIntegerField(verbose_name="income tax withheld by the SMEs (JPY)")),
                ("net_jpy", models.PositiveIntegerField(verbose_name="paid out (JPY)")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "chamber",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="fee_statements",
                        to="accounts.chamber",
                    ),
                ),
                (
                    "specialist",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="fee_statements",
                        to="talent.specialist",
                    ),
                ),
            ],
            options={
                "verbose_name": "fee statement",
                "verbose_name_plural": "fee statements",
                "ordering": ["-month", "number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("chamber", "specialist", "month"), name="one_fee_statement_per_month"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("gross_jpy", models.F("fee_jpy") + models.F("withholding_jpy") + models.F("net_jpy"))
                        ),
                        name="fee_statement_adds_up",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("fee_tax_jpy__lte", models.F("fee_jpy"))),
                        name="fee_statement_tax_within_fee",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="payment",
            name="funded_jpy",
            field=models.PositiveIntegerField(default=0, verbose_name="received by bank transfer (JPY)"),
        ),
        migrations.AddField(
            model_name="payment",
            name="method",
            field=models.CharField(
                choices=[("bank_transfer", "Bank transfer"), ("card", "Card")],
                default="card",
                max_length=15,
                verbose_name="payment method",
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="fee_statement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="payments",
                to="billing.feestatement",
            ),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(("funded_jpy__lte", models.F("amount_jpy"))), name="payment_funded_within_amount"
            ),
        ),
    ]
