from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("talent", "0004_specialist_skill_keys")]

    operations = [
        migrations.AddField(
            model_name="specialist",
            name="entity_type",
            field=models.CharField(
                choices=[("individual", "Individual (sole proprietor)"), ("corporation", "Corporation")],
                default="individual",
                max_length=12,
                verbose_name="business form",
            ),
        ),
        migrations.AddField(
            model_name="specialist",
            name="invoice_registration_number",
            field=models.CharField(
                blank=True,
                default="",
                help_text="T and 13 digits; blank if not registered (a tax-exempt business).",
                max_length=14,
                verbose_name="qualified-invoice registration number",
            ),
        ),
        migrations.AddConstraint(
            model_name="specialist",
            constraint=models.CheckConstraint(
                condition=models.Q(("invoice_registration_number", ""))
                | models.Q(("invoice_registration_number__regex", "^T[0-9]{13}$")),
                name="specialist_registration_number_format",
            ),
        ),
    ]
