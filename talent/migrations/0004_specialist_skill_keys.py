from django.db import migrations, models

# skill_id * 8 + level for every level a skill reaches (talent.models.skill_keys), frozen here.
BACKFILL = """
UPDATE talent_specialist s SET skill_keys = k.keys
FROM (
    SELECT specialist_id, jsonb_agg(skill_id * 8 + reached ORDER BY skill_id * 8 + reached) AS keys
    FROM talent_specialistskill, generate_series(1, level) AS reached
    GROUP BY specialist_id
) k
WHERE k.specialist_id = s.id
"""


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL)
        return
    Specialist = apps.get_model("talent", "Specialist")
    SpecialistSkill = apps.get_model("talent", "SpecialistSkill")
    keys: dict = {}
    for specialist_id, skill_id, level in SpecialistSkill.objects.values_list("specialist_id", "skill_id", "level"):
        keys.setdefault(specialist_id, []).extend(skill_id * 8 + reached for reached in range(1, level + 1))
    for specialist_id, values in keys.items():
        Specialist.objects.filter(pk=specialist_id).update(skill_keys=sorted(values))


def create_index(apps, schema_editor):
    # The all-of-skills filter is jsonb containment (@>) over the listed profiles.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS spec_dir_skill_keys_idx ON talent_specialist "
            "USING gin (skill_keys jsonb_path_ops) WHERE listed_in_directory AND status = 'active'"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS spec_dir_skill_keys_idx")


class Migration(migrations.Migration):
    dependencies = [("talent", "0003_directory_indexes")]

    operations = [
        migrations.AddField(
            model_name="specialist",
            name="skill_keys",
            field=models.JSONField(default=list, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
