import accounts.invoice_registration
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_confirm_existing_users")]

    operations = [
        migrations.AddField(
            model_name="chamber",
            name="invoice_registration_number",
            field=models.CharField(
                blank=True,
                default="",
                help_text="T and the chamber's corporate number (13 digits).",
                max_length=14,
                validators=[accounts.invoice_registration.validate_corporation_number],
                verbose_name="qualified-invoice registration number",
            ),
        ),
    ]
