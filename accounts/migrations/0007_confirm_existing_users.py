"""Accounts that exist today count as confirmed (issue 18): only sign-ups from now on confirm
their address before an SME publishes or a specialist is listed and proposed."""

from django.db import migrations
from django.db.migrations.state import StateApps
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.utils import timezone


def confirm_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_confirmed_at__isnull=True).update(email_confirmed_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_user_email_confirmed_at_invitation")]

    operations = [migrations.RunPython(confirm_existing, migrations.RunPython.noop)]
