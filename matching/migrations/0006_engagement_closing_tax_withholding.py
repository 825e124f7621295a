"""Closing rule, tax treatment and withholding become terms (ADR 0011).

Existing engagements: amounts were stated and invoiced tax included, so `inclusive`; a retainer
already invoiced by periods from its start keeps `anniversary` (switching mid-way would overlap
periods already issued); every other engagement closes at each month's end, as its terms
statement said."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def keep_issued_periods(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Engagement = apps.get_model("matching", "Engagement")
    Invoice = apps.get_model("billing", "Invoice")
    invoiced = Invoice.objects.filter(kind="retainer").values("engagement_id")
    Engagement.objects.filter(pk__in=invoiced).update(closing="anniversary")


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0005_proposal_key_indexes"),
        ("billing", "0002_hours_invoices_payments_refunds"),
    ]

    operations = [
        migrations.AddField(
            model_name="engagement",
            name="closing",
            field=models.CharField(
                choices=[
                    ("month_end", "Calendar months, closed at each month's end"),
                    ("anniversary", "Monthly periods from the service start"),
                ],
                default="month_end",
                max_length=12,
                verbose_name="closing",
            ),
        ),
        migrations.AddField(
            model_name="engagement",
            name="tax_treatment",
            field=models.CharField(
                choices=[("inclusive", "Consumption tax included"), ("exclusive", "Consumption tax added")],
                default="inclusive",
                max_length=10,
                verbose_name="consumption tax",
            ),
        ),
        migrations.AddField(
            model_name="engagement",
            name="withholding",
            field=models.BooleanField(default=False, verbose_name="income tax withheld"),
        ),
        migrations.RunPython(keep_issued_periods, migrations.RunPython.noop),
    ]
