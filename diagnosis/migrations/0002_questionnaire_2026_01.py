"""Load the questionnaire's version 2026-01 (diagnosis/questionnaire.py). A later version is a
new entry there and a new migration like this one; published versions are never edited."""

import datetime

from django.db import migrations

from diagnosis.questionnaire import VERSIONS

VERSION = "2026-01"


def load(apps, schema_editor):
    Questionnaire = apps.get_model("diagnosis", "Questionnaire")
    data = VERSIONS[VERSION]
    Questionnaire.objects.update_or_create(
        version=VERSION,
        defaults={"published_on": datetime.date.fromisoformat(data["published_on"]), "data": data},
    )


class Migration(migrations.Migration):
    dependencies = [("diagnosis", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
