"""StatusChange moves to the workflow app: copy the history, then drop the old table."""

from django.db import migrations


def copy_history(apps, schema_editor):
    old = apps.get_model("accounts", "StatusChange")
    new = apps.get_model("workflow", "StatusChange")
    batch = []
    for row in old.objects.order_by("id").iterator(chunk_size=2000):
        batch.append(
            new(
                content_type_id=row.content_type_id,
                object_id=row.object_id,
                from_status=row.from_status,
                to_status=row.to_status,
                by_id=row.by_id,
                note=row.note,
                created_at=row.created_at,
            )
        )
        if len(batch) >= 2000:
            new.objects.bulk_create(batch)
            batch = []
    new.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_history, migrations.RunPython.noop),
        migrations.DeleteModel(name="StatusChange"),
    ]
