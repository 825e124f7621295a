from django.db import migrations

from talent.skills import SKILLS


def load_skills(apps, schema_editor):
    Skill = apps.get_model("talent", "Skill")
    for position, (slug, label_ja, label_en) in enumerate(SKILLS):
        Skill.objects.update_or_create(
            slug=slug, defaults={"label_ja": label_ja, "label_en": label_en, "position": position}
        )


def create_trigram_index(apps, schema_editor):
    # Free-text search is LIKE '%word%' over search_text: a trigram index serves it on
    # PostgreSQL. SQLite (the embedded default) scans, which is fine at its scale.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS spec_search_trgm_idx ON talent_specialist USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS spec_search_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("talent", "0001_initial")]

    operations = [
        migrations.RunPython(load_skills, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
