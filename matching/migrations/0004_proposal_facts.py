"""Proposals store the facts behind their reasons; the text is rendered when read.

Rows written before keep what their stored English reasons say: the lines come from
fixed templates (matching.reasons), so the facts are read back from them exactly.
"""

import re

from django.db import migrations, models

LEVEL = re.compile(r"average level ([0-9.]+)\)")
CREDENTIAL = re.compile(r"Holds a verified (\w+) credential\.")
RATING = re.compile(r"^Average review ([0-9.]+)\.$")


def facts_from(lines: list[str]) -> dict[str, object]:
    if not lines:
        return {}
    text = "\n".join(lines)
    level = LEVEL.search(text)
    credential = CREDENTIAL.search(text)
    rating = next((RATING.match(line) for line in lines if RATING.match(line)), None)
    proximity = (
        "same" if "Based in the same prefecture." in lines
        else "travels" if "Travels to the company's prefecture." in lines
        else "remote"
    )  # fmt: skip
    return {
        "level": float(level.group(1)) if level else 0.0,
        "certification": credential.group(1) if credential else "",
        "proximity": proximity,
        "rating": float(rating.group(1)) if rating else None,
        "urgent": "Urgent request: free capacity weighed up." in lines,
    }


def forwards(apps, schema_editor):
    Proposal = apps.get_model("matching", "Proposal")
    batch = []
    for proposal in Proposal.objects.exclude(reasons={}).only("id", "reasons").iterator(chunk_size=2000):
        proposal.facts = facts_from((proposal.reasons or {}).get("en", []))
        batch.append(proposal)
        if len(batch) == 2000:
            Proposal.objects.bulk_update(batch, ["facts"])
            batch = []
    Proposal.objects.bulk_update(batch, ["facts"])


class Migration(migrations.Migration):
    dependencies = [("matching", "0003_run_heartbeat")]

    operations = [
        migrations.AddField(model_name="proposal", name="facts", field=models.JSONField(default=dict)),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="proposal", name="reasons"),
    ]
